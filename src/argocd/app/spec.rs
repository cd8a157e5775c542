//! Reading an Application's `spec` into plain data, field by field:
//! every field is either used, carried as data, or refused by name.

use super::tool_spec::{directory, helm, kustomize};
use super::{
    AppDestination, ArgoIgnoreDifference, ArgoSyncPolicy, Automated, PlannedSource, RefSource,
    ToolBlock,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(super) type R<T> = Result<T, String>;

pub(super) fn obj<'a>(v: &'a Value, at: &str) -> R<Option<&'a Map<String, Value>>> {
    match v {
        Value::Null => Ok(None),
        Value::Object(m) => Ok(Some(m)),
        _ => Err(format!("{at} must be a mapping")),
    }
}

pub(super) fn string(m: &Map<String, Value>, key: &str, at: &str) -> R<String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("{at}.{key} must be a string")),
    }
}

pub(super) fn boolean(m: &Map<String, Value>, key: &str, at: &str) -> R<bool> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(format!("{at}.{key} must be true or false")),
    }
}

pub(super) fn strings(m: &Map<String, Value>, key: &str, at: &str) -> R<Vec<String>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{at}.{key} must be a list of strings"))
            })
            .collect(),
        Some(_) => Err(format!("{at}.{key} must be a list of strings")),
    }
}

pub(super) fn string_map(
    m: &Map<String, Value>,
    key: &str,
    at: &str,
) -> R<BTreeMap<String, String>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(o)) => o
            .iter()
            .map(|(k, v)| {
                Ok((
                    k.clone(),
                    v.as_str()
                        .ok_or_else(|| format!("{at}.{key}.{k} must be a string"))?
                        .to_string(),
                ))
            })
            .collect(),
        Some(_) => Err(format!("{at}.{key} must be a mapping of strings")),
    }
}

/// Refuses keys outside `known` and the `refused` ones with their reason.
pub(super) fn check_keys(
    m: &Map<String, Value>,
    at: &str,
    known: &[&str],
    refused: &[(&str, &str)],
) -> R<()> {
    for (k, v) in m {
        if v.is_null() {
            continue;
        }
        if let Some((_, why)) = refused.iter().find(|(r, _)| r == k) {
            return Err(format!("{at}.{k} is not supported: {why}"));
        }
        if !known.contains(&k.as_str()) {
            return Err(format!("unknown field {at}.{k}"));
        }
    }
    Ok(())
}

pub fn destination(spec: &Map<String, Value>) -> R<AppDestination> {
    let d = obj(
        spec.get("destination").unwrap_or(&Value::Null),
        "spec.destination",
    )?
    .ok_or("spec.destination is required")?;
    check_keys(d, "spec.destination", &["server", "name", "namespace"], &[])?;
    let dest = AppDestination {
        server: string(d, "server", "spec.destination")?,
        name: string(d, "name", "spec.destination")?,
        namespace: string(d, "namespace", "spec.destination")?,
    };
    if dest.server.is_empty() && dest.name.is_empty() {
        return Err("spec.destination needs a server or a name".into());
    }
    if !dest.server.is_empty() && !dest.name.is_empty() {
        return Err(
            "spec.destination: application destination can't have both name and server defined"
                .into(),
        );
    }
    Ok(dest)
}

const SOURCE_FIELDS: &[&str] = &[
    "repoURL",
    "path",
    "targetRevision",
    "helm",
    "kustomize",
    "directory",
    "ref",
    "name",
    "chart",
];

/// A source with the parameter override files of its folder merged in
/// (`.argocd-source.yaml`, then `.argocd-source-<app>.yaml`), as the
/// repo-server merges them; `repoURL`, `path`, `targetRevision` and
/// `chart` stay as written.
pub fn with_overrides(
    planned: &PlannedSource,
    files: &[(String, &[u8])],
    at: &str,
) -> R<PlannedSource> {
    let mut merged = planned.raw.clone();
    for (name, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        let patch: Value = serde_yaml::from_str::<serde_yaml::Value>(&text)
            .map_err(|e| format!("{name}: {e}"))
            .and_then(|y| serde_json::to_value(y).map_err(|e| format!("{name}: {e}")))?;
        crate::argocd::appset::merge_patch(&mut merged, &patch);
    }
    if let (Value::Object(m), Value::Object(orig)) = (&mut merged, &planned.raw) {
        for key in ["repoURL", "path", "targetRevision", "chart"] {
            match orig.get(key) {
                Some(v) => m.insert(key.to_string(), v.clone()),
                None => m.remove(key),
            };
        }
    }
    match source(&merged, planned.index, at)? {
        (Some(p), _) => Ok(p),
        (None, _) => Ok(planned.clone()),
    }
}

/// One entry of `source` / `sources`.
pub fn source(v: &Value, index: usize, at: &str) -> R<(Option<PlannedSource>, Option<RefSource>)> {
    let s = obj(v, at)?.ok_or_else(|| format!("{at} must be a mapping"))?;
    check_keys(
        s,
        at,
        SOURCE_FIELDS,
        &[
            (
                "plugin",
                "config management plugins run in Argo CD's repo-server sidecars; tether cannot run them",
            ),
            (
                "tagPrefix",
                "tag prefixes select Helm chart versions from a chart repository, which tether does not read",
            ),
        ],
    )?;
    let repo_url = string(s, "repoURL", at)?;
    if repo_url.is_empty() {
        return Err(format!("{at}.repoURL is required"));
    }
    let path = string(s, "path", at)?;
    let chart = string(s, "chart", at)?;
    let target_revision = match string(s, "targetRevision", at)?.as_str() {
        "" => "HEAD".to_string(),
        r => r.to_string(),
    };
    let reference = string(s, "ref", at)?;
    let name = string(s, "name", at)?;
    let blocks: Vec<&str> = ["helm", "kustomize", "directory"]
        .into_iter()
        .filter(|k| s.get(*k).is_some_and(|v| !v.is_null()))
        .collect();
    if blocks.len() > 1 {
        return Err(format!(
            "{at}: multiple application sources defined: {}",
            blocks.join(", ")
        ));
    }
    let tool = match blocks.first().copied() {
        None => ToolBlock::Detect,
        Some("helm") => ToolBlock::Helm(helm(&s["helm"], &format!("{at}.helm"))?),
        Some("kustomize") => {
            ToolBlock::Kustomize(kustomize(&s["kustomize"], &format!("{at}.kustomize"))?)
        }
        Some(_) => ToolBlock::Directory(directory(&s["directory"], &format!("{at}.directory"))?),
    };
    let ref_source = (!reference.is_empty()).then(|| RefSource {
        name: reference.clone(),
        repo_url: repo_url.clone(),
        target_revision: target_revision.clone(),
    });
    // A source with only `ref` provides files to others and renders nothing.
    if !reference.is_empty() && path.is_empty() && chart.is_empty() {
        return Ok((None, ref_source));
    }
    if !chart.is_empty() {
        return Err(format!(
            "{at}.chart {chart:?}: charts from a Helm repository or OCI registry ({repo_url}) are not supported; tether renders from Git checkouts only"
        ));
    }
    let planned = PlannedSource {
        index,
        repo_url,
        path,
        target_revision,
        name,
        tool,
        raw: v.clone(),
    };
    Ok((Some(planned), ref_source))
}

pub fn sync_policy(spec: &Map<String, Value>) -> R<ArgoSyncPolicy> {
    let at = "spec.syncPolicy";
    let Some(p) = obj(spec.get("syncPolicy").unwrap_or(&Value::Null), at)? else {
        return Ok(ArgoSyncPolicy::default());
    };
    check_keys(
        p,
        at,
        &[
            "automated",
            "syncOptions",
            "retry",
            "managedNamespaceMetadata",
        ],
        &[],
    )?;
    let automated = match obj(
        p.get("automated").unwrap_or(&Value::Null),
        &format!("{at}.automated"),
    )? {
        None => None,
        Some(a) => {
            let at = format!("{at}.automated");
            check_keys(a, &at, &["prune", "selfHeal", "allowEmpty", "enabled"], &[])?;
            Some(Automated {
                prune: boolean(a, "prune", &at)?,
                self_heal: boolean(a, "selfHeal", &at)?,
                allow_empty: boolean(a, "allowEmpty", &at)?,
                enabled: a.get("enabled").and_then(Value::as_bool).unwrap_or(true),
            })
        }
    };
    Ok(ArgoSyncPolicy {
        automated,
        sync_options: strings(p, "syncOptions", at)?,
        retry: p.get("retry").filter(|v| !v.is_null()).cloned(),
        managed_namespace_metadata: p
            .get("managedNamespaceMetadata")
            .filter(|v| !v.is_null())
            .cloned(),
    })
}

pub fn ignore_differences(spec: &Map<String, Value>) -> R<Vec<ArgoIgnoreDifference>> {
    let at = "spec.ignoreDifferences";
    let items = match spec.get("ignoreDifferences") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(format!("{at} must be a list")),
    };
    items
        .iter()
        .map(|i| {
            let m = i
                .as_object()
                .ok_or(format!("{at} entries must be mappings"))?;
            check_keys(
                m,
                at,
                &[
                    "group",
                    "kind",
                    "name",
                    "namespace",
                    "jsonPointers",
                    "jqPathExpressions",
                    "managedFieldsManagers",
                ],
                &[],
            )?;
            Ok(ArgoIgnoreDifference {
                group: string(m, "group", at)?,
                kind: string(m, "kind", at)?,
                name: string(m, "name", at)?,
                namespace: string(m, "namespace", at)?,
                json_pointers: strings(m, "jsonPointers", at)?,
                jq_path_expressions: strings(m, "jqPathExpressions", at)?,
                managed_fields_managers: strings(m, "managedFieldsManagers", at)?,
            })
        })
        .collect()
}

pub const SPEC_FIELDS: &[&str] = &[
    "project",
    "source",
    "sources",
    "destination",
    "syncPolicy",
    "ignoreDifferences",
    "info",
    "revisionHistoryLimit",
];
pub const SPEC_REFUSED: &[(&str, &str)] = &[(
    "sourceHydrator",
    "source hydration writes rendered manifests back to Git through Argo CD's commit server, which tether does not run",
)];

pub fn check_spec(spec: &Map<String, Value>) -> R<()> {
    check_keys(spec, "spec", SPEC_FIELDS, SPEC_REFUSED)
}
