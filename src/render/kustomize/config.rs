//! The transformer configuration: which fields each built-in transformer
//! writes, kustomize's defaults ([`super::defaults`]) merged with the
//! `configurations` files of a kustomization and its bases.

use super::resid::Gvk;
use super::spec::FieldSpec;
use super::{KustomizeError, accumulate::Builder, defaults, load};
use serde::Deserialize;
use serde_json::Value;
use std::sync::LazyLock;

/// A `nameReference` entry: fields (of any or some kinds) naming `kind`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NameRefSpec {
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub field_specs: Vec<FieldSpec>,
}

impl NameRefSpec {
    /// The Gvk of the kind named.
    pub fn gvk(&self) -> Gvk {
        gvk_of(
            self.group.as_deref(),
            self.version.as_deref(),
            self.kind.as_deref(),
        )
    }
}

fn gvk_of(group: Option<&str>, version: Option<&str>, kind: Option<&str>) -> Gvk {
    Gvk {
        group: group.unwrap_or("").to_string(),
        version: version.unwrap_or("").to_string(),
        kind: kind.unwrap_or("").to_string(),
    }
}

impl FieldSpec {
    /// The Gvk this spec selects.
    pub fn gvk(&self) -> Gvk {
        gvk_of(
            self.group.as_deref(),
            self.version.as_deref(),
            self.kind.as_deref(),
        )
    }
}

/// Field specs per transformer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TransformerConfig {
    #[serde(default)]
    pub name_prefix: Vec<FieldSpec>,
    #[serde(default)]
    pub name_suffix: Vec<FieldSpec>,
    #[serde(default)]
    pub namespace: Vec<FieldSpec>,
    #[serde(default)]
    pub common_labels: Vec<FieldSpec>,
    #[serde(default)]
    pub labels: Vec<FieldSpec>,
    #[serde(default)]
    pub template_labels: Vec<FieldSpec>,
    #[serde(default)]
    pub common_annotations: Vec<FieldSpec>,
    #[serde(default)]
    pub name_reference: Vec<NameRefSpec>,
    #[serde(default)]
    pub var_reference: Vec<FieldSpec>,
    #[serde(default)]
    pub images: Vec<FieldSpec>,
    #[serde(default)]
    pub replicas: Vec<FieldSpec>,
}

/// kustomize's `FsSlice.MergeOne`: a spec the list already has (same
/// path, selected by its type) is skipped, unless `create` differs.
pub(crate) fn merge_one(list: &mut Vec<FieldSpec>, fs: &FieldSpec) -> Result<(), String> {
    let want = fs.gvk();
    match list
        .iter()
        .find(|x| x.path == fs.path && x.gvk().is_selected(&want))
    {
        Some(x) if x.create != fs.create => Err(format!(
            "conflicting fieldspecs: {} and {} for path {}",
            x.gvk(),
            want,
            fs.path
        )),
        Some(_) => Ok(()),
        None => {
            list.push(fs.clone());
            Ok(())
        }
    }
}

/// [`merge_one`] for each of `from`.
pub(crate) fn merge_all(list: &mut Vec<FieldSpec>, from: &[FieldSpec]) -> Result<(), String> {
    from.iter().try_for_each(|fs| merge_one(list, fs))
}

fn sort(list: &mut [FieldSpec]) {
    list.sort_by(|a, b| order(&a.gvk(), &b.gvk()));
}

fn order(a: &Gvk, b: &Gvk) -> std::cmp::Ordering {
    if a.is_less_than(b) {
        std::cmp::Ordering::Less
    } else if b.is_less_than(a) {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

impl TransformerConfig {
    /// `self` with `other`'s specs added, each list then sorted by type
    /// (kustomize's `Merge`).
    pub fn merge(&mut self, other: &TransformerConfig) -> Result<(), String> {
        let pairs: [(&mut Vec<FieldSpec>, &Vec<FieldSpec>); 10] = [
            (&mut self.name_prefix, &other.name_prefix),
            (&mut self.name_suffix, &other.name_suffix),
            (&mut self.namespace, &other.namespace),
            (&mut self.common_annotations, &other.common_annotations),
            (&mut self.common_labels, &other.common_labels),
            (&mut self.labels, &other.labels),
            (&mut self.template_labels, &other.template_labels),
            (&mut self.var_reference, &other.var_reference),
            (&mut self.images, &other.images),
            (&mut self.replicas, &other.replicas),
        ];
        for (into, from) in pairs {
            merge_all(into, from)?;
            sort(into);
        }
        for nbr in &other.name_reference {
            let gvk = nbr.gvk();
            match self.name_reference.iter_mut().find(|x| x.gvk() == gvk) {
                Some(x) => merge_all(&mut x.field_specs, &nbr.field_specs)?,
                None => self.name_reference.push(nbr.clone()),
            }
        }
        self.name_reference
            .sort_by(|a, b| order(&a.gvk(), &b.gvk()));
        for nbr in &mut self.name_reference {
            sort(&mut nbr.field_specs);
        }
        Ok(())
    }
}

/// kustomize's built-in configuration.
pub(crate) fn defaults() -> TransformerConfig {
    static DEFAULTS: LazyLock<TransformerConfig> = LazyLock::new(parse_defaults);
    DEFAULTS.clone()
}

/// `Kind[.group][@version]` (`*` for any).
fn parse_type(t: &str) -> (Option<String>, Option<String>, Option<String>) {
    if t == "*" {
        return (None, None, None);
    }
    let (rest, version) = match t.split_once('@') {
        Some((r, v)) => (r, Some(v.to_string())),
        None => (t, None),
    };
    let (kind, group) = match rest.split_once('.') {
        Some((k, g)) => (k, Some(g.to_string())),
        None => (rest, None),
    };
    (group, version, Some(kind.to_string()))
}

fn spec(t: &str, path: &str, create: bool) -> FieldSpec {
    let (group, version, kind) = parse_type(t);
    FieldSpec {
        path: path.to_string(),
        group,
        version,
        kind,
        create,
    }
}

fn parse_defaults() -> TransformerConfig {
    let mut c = TransformerConfig::default();
    let metadata_labels: Vec<FieldSpec> = defaults::METADATA_LABELS
        .lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            (parts.len() >= 2).then(|| spec(parts[0], parts[1], parts.get(2) == Some(&"create")))
        })
        .collect();
    for line in defaults::SPECS.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [section, rest @ ..] = parts.as_slice() else {
            continue;
        };
        let list = match *section {
            "namePrefix" => &mut c.name_prefix,
            "nameSuffix" => &mut c.name_suffix,
            "commonLabels" => &mut c.common_labels,
            "templateLabels" => &mut c.template_labels,
            "commonAnnotations" => &mut c.common_annotations,
            "namespace" => &mut c.namespace,
            "images" => &mut c.images,
            _ => &mut c.replicas,
        };
        match rest {
            ["{metadataLabels}"] => list.extend(metadata_labels.iter().cloned()),
            [t, path, flags @ ..] => list.push(spec(t, path, flags.contains(&"create"))),
            _ => {}
        }
    }
    for line in defaults::NAME_REFERENCES.lines() {
        let Some((target, referrer)) = line.split_once(" <- ") else {
            continue;
        };
        let (group, version, kind) = parse_type(target.trim());
        let mut nbr = NameRefSpec {
            group,
            version,
            kind,
            field_specs: Vec::new(),
        };
        let (who, paths) = referrer.split_once(' ').unwrap_or((referrer, ""));
        if who == "{pod}" {
            for (holder, base) in defaults::POD_SPECS {
                for p in paths.split('|') {
                    nbr.field_specs
                        .push(spec(holder, &format!("{base}/{p}"), false));
                }
            }
        } else {
            nbr.field_specs.push(spec(who, paths, false));
        }
        match c.name_reference.iter_mut().find(|x| x.gvk() == nbr.gvk()) {
            Some(x) => x.field_specs.extend(nbr.field_specs),
            None => c.name_reference.push(nbr),
        }
    }
    for line in defaults::VAR_REFERENCES.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["{workloads}", paths] => {
                for (kind, base) in defaults::VAR_WORKLOADS {
                    for p in paths.split('|') {
                        c.var_reference
                            .push(spec(kind, &format!("{base}/{p}"), false));
                    }
                }
            }
            [t, path] => c.var_reference.push(spec(t, path, false)),
            _ => {}
        }
    }
    let mut sorted = TransformerConfig::default();
    // Merging into an empty configuration sorts every list, as kustomize
    // does when it loads its defaults.
    let _ = sorted.merge(&c);
    sorted
}

/// Keys kustomize's strict decoder accepts in a field spec and a name
/// reference.
const FIELD_SPEC_KEYS: &[&str] = &["group", "version", "kind", "path", "create"];
const NAME_REF_KEYS: &[&str] = &["group", "version", "kind", "fieldSpecs"];

/// An error for the first key of `v` (a configuration document) that
/// kustomize's strict decoder refuses below the top level.
fn unknown_nested_key(v: &Value) -> Option<String> {
    let map = v.as_object()?;
    for (section, list) in map {
        for item in list.as_array().into_iter().flatten() {
            let allowed = if section == "nameReference" {
                NAME_REF_KEYS
            } else {
                FIELD_SPEC_KEYS
            };
            let obj = item.as_object()?;
            if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
                return Some(format!("unknown field {k:?} in {section}"));
            }
            for fs in obj
                .get("fieldSpecs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let keys = fs
                    .as_object()
                    .map(|o| o.keys().cloned().collect::<Vec<_>>());
                if let Some(k) = keys
                    .unwrap_or_default()
                    .iter()
                    .find(|k| !FIELD_SPEC_KEYS.contains(&k.as_str()))
                {
                    return Some(format!("unknown field {k:?} in {section} fieldSpecs"));
                }
            }
        }
    }
    None
}

/// The configuration files named by a kustomization, merged.
pub(crate) fn load(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    entries: &[String],
) -> Result<TransformerConfig, KustomizeError> {
    let mut out = TransformerConfig::default();
    for entry in entries {
        let path = b.resolve(dir, file, "configurations", entry)?;
        let error = |m: String| {
            KustomizeError::transform(file, format!("configurations entry {entry:?}: {m}"))
        };
        // Only the first document counts, as for kustomize's YAML decoder.
        for mut doc in load::yaml_docs(b.tree(), &path)?.into_iter().take(1) {
            load::drop_nulls(&mut doc);
            if let Some(m) = unknown_nested_key(&doc) {
                return Err(error(m));
            }
            let config: TransformerConfig =
                serde_json::from_value(doc).map_err(|e| error(e.to_string()))?;
            out.merge(&config).map_err(error)?;
        }
    }
    Ok(out)
}
