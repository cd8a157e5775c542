//! `transformers:` and `generators:` entries holding kustomize's built-in
//! plugin configurations (`apiVersion: builtin`, `kind: LabelTransformer`,
//! …), inline or from files. Other plugins (exec, containers, Go) are
//! refused: tether runs no external code while rendering.

use super::accumulate::Builder;
use super::generators::{self, Kind};
use super::labels::set_all;
use super::patches::{self, Origin};
use super::resource::Resource;
use super::spec::{FieldSpec, GeneratorSpec, ImageSpec, PatchSpec, Selector, StringMap};
use super::{KustomizeError, images, load, meta, replacements};
use serde::Deserialize;
use serde_json::Value;

/// The fields of the built-in transformer configurations tether runs.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PluginConfig {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    labels: StringMap,
    #[serde(default)]
    annotations: StringMap,
    #[serde(default)]
    field_specs: Vec<FieldSpec>,
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    suffix: String,
    image_tag: Option<ImageSpec>,
    replica: Option<Replica>,
    metadata: Option<Value>,
    path: Option<String>,
    patch: Option<String>,
    target: Option<Selector>,
    options: Option<serde_json::Map<String, Value>>,
    json_op: Option<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    patches: Option<String>,
    #[serde(default)]
    replacements: Vec<Value>,
}

#[derive(Debug, Default, Deserialize)]
struct Replica {
    name: String,
    count: i64,
}

/// The plugin configurations of `entries` (file paths or inline YAML).
fn configs(
    b: &Builder<'_>,
    at: &Origin<'_>,
    field: &'static str,
    entries: &[String],
) -> Result<Vec<(Value, String)>, KustomizeError> {
    let mut out = Vec::new();
    for entry in entries {
        if entry.contains('\n') {
            let docs =
                crate::render::convert::load_all(entry, crate::render::scalars::Dialect::Kustomize)
                    .map_err(|e| {
                        let message = super::load::yaml_error(entry, e);
                        let message = message.strip_prefix("invalid YAML: ").unwrap_or(&message);
                        error(at, format!("{field}: invalid inline YAML: {message}"))
                    })?;
            let inline = docs.into_iter().filter(|d| !d.is_null());
            out.extend(inline.map(|d| (d, at.file.to_string())));
            continue;
        }
        let path = b.resolve(at.dir, at.file, field, entry)?;
        if !b.tree().is_file(&path) {
            // A folder is a kustomization whose output is the configurations.
            let mut sub = Builder::new(b.tree(), b.limits());
            let (_, level) = sub.build_dir(&path, Some((at.file, field, entry)))?;
            let file = format!("{path}/kustomization.yaml");
            out.extend(level.resources.into_iter().map(|r| (r.obj, file.clone())));
            continue;
        }
        let docs = load::yaml_docs(b.tree(), &path)?;
        out.extend(docs.into_iter().map(|d| (d, path.clone())));
    }
    Ok(out)
}

fn error(at: &Origin<'_>, message: String) -> KustomizeError {
    KustomizeError::Transform {
        kustomization: at.file.to_string(),
        message,
    }
}

fn parse(at: &Origin<'_>, field: &str, doc: Value) -> Result<PluginConfig, KustomizeError> {
    let builtin = doc.get("apiVersion").and_then(Value::as_str) == Some("builtin");
    let kind = doc
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !builtin {
        return Err(error(
            at,
            format!("{field}: plugin {kind:?} is not a built-in; tether runs no external plugins"),
        ));
    }
    serde_json::from_value(doc).map_err(|e| error(at, format!("{field}: {kind}: {e}")))
}

/// Runs the `generators:` entries (built-in ConfigMap/Secret generators).
pub(crate) fn generate(
    b: &Builder<'_>,
    at: &Origin<'_>,
    entries: &[String],
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    for (mut doc, source) in configs(b, at, "generators", entries)? {
        let builtin = doc.get("apiVersion").and_then(Value::as_str) == Some("builtin");
        let name = doc
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let kind = match name.as_str() {
            _ if !builtin => {
                return Err(error(
                    at,
                    format!(
                        "generators: plugin {name:?} is not a built-in; tether runs no external plugins"
                    ),
                ));
            }
            "ConfigMapGenerator" => Kind::ConfigMap,
            "SecretGenerator" => Kind::Secret,
            _ => {
                return Err(error(
                    at,
                    format!("generators: built-in {name:?} is not supported by tether"),
                ));
            }
        };
        let meta = doc.get("metadata").cloned().unwrap_or(Value::Null);
        if let Some(m) = doc.as_object_mut() {
            for key in ["apiVersion", "kind", "metadata"] {
                m.remove(key);
            }
            // The generated object's name is `name`, else the config's own.
            for key in ["name", "namespace"] {
                if let (false, Some(v)) = (m.contains_key(key), meta.get(key)) {
                    m.insert(key.into(), v.clone());
                }
            }
        }
        let spec: GeneratorSpec =
            serde_json::from_value(doc).map_err(|e| error(at, format!("generators: {e}")))?;
        let config_name = meta.get("name").and_then(Value::as_str).unwrap_or("");
        let origin = format!(
            "configuredIn: {}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {name}\n  name: {config_name}\n",
            b.relative(&source)
        );
        generators::run_one(b, at.dir, at.file, kind, &spec, origin, resources)?;
    }
    Ok(())
}

/// Runs the `transformers:` entries, in order.
pub(crate) fn transform(
    b: &Builder<'_>,
    at: &Origin<'_>,
    entries: &[String],
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    for (doc, _) in configs(b, at, "transformers", entries)? {
        let c = parse(at, "transformers", doc)?;
        let fields: Vec<_> = c.field_specs.iter().map(FieldSpec::as_field).collect();
        let selected = |r: &Resource| {
            c.field_specs
                .iter()
                .any(|f| f.path == "metadata/name" && f.as_field().selects(r))
        };
        match c.kind.as_str() {
            "LabelTransformer" => set_all(resources, &fields, &c.labels),
            "AnnotationsTransformer" => set_all(resources, &fields, &c.annotations),
            "PrefixTransformer" | "SuffixTransformer" | "PrefixSuffixTransformer" => {
                meta::rename(resources, &c.prefix, &c.suffix, &selected);
            }
            "NamespaceTransformer" => {
                let ns = c
                    .metadata
                    .as_ref()
                    .and_then(|m| m.get("namespace"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                meta::move_to_namespace(ns, &c.field_specs, resources);
            }
            "ImageTagTransformer" => {
                let spec = c.image_tag.clone().unwrap_or_default();
                images::apply(std::slice::from_ref(&spec), &c.field_specs, resources);
            }
            "ReplicaCountTransformer" => {
                let r = c
                    .replica
                    .as_ref()
                    .ok_or_else(|| error(at, "ReplicaCountTransformer without replica".into()))?;
                meta::scale(&r.name, r.count, &c.field_specs, resources)
                    .map_err(|m| error(at, m))?;
            }
            "PatchTransformer" | "PatchJson6902Transformer" => {
                let spec = PatchSpec {
                    path: c.path.clone(),
                    patch: c.patch.clone().or(c.json_op.clone()),
                    target: c.target.clone(),
                    options: c.options.clone(),
                };
                let field = if c.kind == "PatchTransformer" {
                    "patches"
                } else {
                    "patchesJson6902"
                };
                patches::apply_patches(b, at, std::slice::from_ref(&spec), field, resources)?;
            }
            "PatchStrategicMergeTransformer" => {
                let mut entries: Vec<Value> = c.paths.iter().cloned().map(Value::String).collect();
                entries.extend(c.patches.clone().map(Value::String));
                patches::apply_legacy_smp(b, at, &entries, resources)?;
            }
            "ReplacementTransformer" => {
                replacements::apply(b, at.dir, at.file, &c.replacements, resources)?;
            }
            other => {
                return Err(error(
                    at,
                    format!("transformers: built-in {other:?} is not supported by tether"),
                ));
            }
        }
    }
    Ok(())
}
