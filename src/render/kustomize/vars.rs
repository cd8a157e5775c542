//! Legacy `vars`: `$(NAME)` in the fields kustomize's `varReference`
//! configuration lists, replaced by a field of a named object once every
//! other transformation is done.

use super::KustomizeError;
use super::fieldpath::visit;
use super::resource::Resource;
use super::spec::{FieldSpec, VarSpec};
use serde_json::Value;

/// Holders of a pod spec and the path to it.
const POD_SPECS: &[(&str, &str)] = &[
    ("Pod", "spec"),
    ("Deployment", "spec/template/spec"),
    ("ReplicaSet", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
];

const IN_POD: &[&str] = &[
    "containers/args",
    "containers/command",
    "containers/env/value",
    "containers/volumeMounts/mountPath",
    "initContainers/args",
    "initContainers/command",
    "initContainers/env/value",
    "initContainers/volumeMounts/mountPath",
];

const OTHER: &[(&str, &str)] = &[
    ("Pod", "spec/volumes/nfs/server"),
    ("Deployment", "spec/template/spec/volumes/nfs/server"),
    ("ReplicaSet", "spec/template/spec/volumes/nfs/server"),
    ("DaemonSet", "spec/template/spec/volumes/nfs/server"),
    ("StatefulSet", "spec/template/spec/volumes/nfs/server"),
    ("Job", "spec/template/spec/volumes/nfs/server"),
    // kustomize's path for CronJobs skips the pod spec's `spec`.
    (
        "CronJob",
        "spec/jobTemplate/spec/template/volumes/nfs/server",
    ),
    ("Deployment", "spec/template/metadata/annotations"),
    ("Ingress", "spec/rules/host"),
    ("Ingress", "spec/tls/hosts"),
    ("Ingress", "spec/tls/secretName"),
    ("Service", "spec/ports/port"),
    ("Service", "spec/ports/targetPort"),
    ("StatefulSet", "spec/volumeClaimTemplates/spec/nfs/server"),
    ("PersistentVolume", "spec/nfs/server"),
];

/// The var-reference fields of objects of `kind`.
fn fields(kind: &str) -> Vec<String> {
    let mut out = vec![
        "metadata/labels".to_string(),
        "metadata/annotations".to_string(),
    ];
    for (_, base) in POD_SPECS.iter().filter(|(k, _)| *k == kind) {
        out.extend(IN_POD.iter().map(|p| format!("{base}/{p}")));
    }
    out.extend(
        OTHER
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, p)| (*p).to_string()),
    );
    out
}

/// Resolves `vars` over `resources`; `file` names the top kustomization.
pub(crate) fn resolve(
    file: &str,
    vars: &[VarSpec],
    extra: &[FieldSpec],
    resources: &mut [Resource],
) -> Result<(), KustomizeError> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut values = Vec::new();
    for var in vars {
        values.push((var.name.clone(), value_of(file, var, resources)?));
    }
    for res in resources.iter_mut() {
        let mut paths = fields(res.kind());
        paths.extend(
            extra
                .iter()
                .filter(|f| f.as_field().selects(res))
                .map(|f| f.path.clone()),
        );
        for path in paths {
            visit(&mut res.obj, &path, false, &mut |v| substitute(v, &values));
        }
    }
    Ok(())
}

/// Ties each of a kustomization's `vars` to the one object it names among
/// that kustomization's resources (kustomize binds vars where they are
/// declared, so equally named objects of other bases do not clash).
pub(crate) fn bind(
    file: &str,
    vars: &[VarSpec],
    resources: &mut [Resource],
) -> Result<(), KustomizeError> {
    for var in vars {
        let r = &var.obj_ref;
        let api = r.api_version.clone().unwrap_or_default();
        let group = r.group.clone().unwrap_or_else(|| {
            api.split_once('/')
                .map_or(String::new(), |(g, _)| g.to_string())
        });
        let ns = r.namespace.clone().unwrap_or_default();
        let hits: Vec<usize> = (0..resources.len())
            .filter(|i| {
                let res = &resources[*i];
                res.kind() == r.kind
                    && res.was_named(&r.name)
                    && (group.is_empty() || res.group() == group)
                    && (ns.is_empty() || res.original_namespace() == ns || res.namespace() == ns)
            })
            .collect();
        match hits.as_slice() {
            [i] => resources[*i].var_names.push(var.name.clone()),
            [] => {}
            _ => {
                return Err(KustomizeError::Transform {
                    kustomization: file.to_string(),
                    message: format!(
                        "found {} matches for var {:?} (unable to disambiguate)",
                        hits.len(),
                        var.name
                    ),
                });
            }
        }
    }
    Ok(())
}

fn value_of(file: &str, var: &VarSpec, resources: &[Resource]) -> Result<Value, KustomizeError> {
    let error = |m: String| KustomizeError::Transform {
        kustomization: file.to_string(),
        message: format!("var {:?}: {m}", var.name),
    };
    let res = resources
        .iter()
        .find(|r| r.var_names.contains(&var.name))
        .ok_or_else(|| {
            error(format!(
                "cannot be mapped to a field of {}/{}",
                var.obj_ref.kind, var.obj_ref.name
            ))
        })?;
    let path = var
        .field_ref
        .as_ref()
        .map_or("metadata.name", |f| f.field_path.as_str());
    lookup(&res.obj, path).ok_or_else(|| error(format!("field {path:?} not found in {}", res.id())))
}

/// A dotted field path (`spec.ports[0].port`) in `obj`.
fn lookup(obj: &Value, path: &str) -> Option<Value> {
    let mut cur = obj;
    for part in path.split('.') {
        let (key, indexes) = part
            .split_once('[')
            .map_or((part, ""), |(k, rest)| (k, rest));
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        for idx in indexes.split('[').filter(|s| !s.is_empty()) {
            cur = cur.get(idx.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(cur.clone())
}

/// Replaces `$(NAME)` in a string (or in the string values of a mapping).
fn substitute(v: &mut Value, values: &[(String, Value)]) {
    match v {
        Value::String(s) => {
            let whole = values.iter().find(|(n, _)| *s == format!("$({n})"));
            if let Some((_, val)) = whole.filter(|(_, val)| !val.is_string()) {
                *v = val.clone();
                return;
            }
            *s = expand(s, values);
        }
        Value::Object(map) => map.values_mut().for_each(|x| substitute(x, values)),
        _ => {}
    }
}

/// Kubernetes-style expansion: `$(NAME)` → value, `$$` → `$`, unknown
/// references left as they are.
fn expand(s: &str, values: &[(String, Value)]) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let var = after.strip_prefix('(').and_then(|t| t.split_once(')'));
        match var.and_then(|(name, tail)| {
            values
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| (v, tail))
        }) {
            Some((value, tail)) => {
                out.push_str(
                    &value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string),
                );
                rest = tail;
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expands_known_vars_only() {
        let vals = vec![("A".to_string(), json!("x")), ("P".to_string(), json!(80))];
        assert_eq!(expand("a=$(A) b=$(B) $$(A)", &vals), "a=x b=$(B) $(A)");
        let mut port = json!("$(P)");
        substitute(&mut port, &vals);
        assert_eq!(port, json!(80));
        assert_eq!(
            lookup(&json!({"s": {"p": [{"q": 1}]}}), "s.p[0].q"),
            Some(json!(1))
        );
    }
}
