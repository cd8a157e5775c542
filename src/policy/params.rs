//! The params a binding hands its policy (`paramRef` to objects of the
//! policy's `paramKind`), found among the objects of the policies folder
//! as the API server finds them among the cluster's.

use super::kinds::Kinds;
use super::request::Request;
use super::selector;
use super::spec::{Binding, Policy};
use serde_json::Value;

/// The params to evaluate `policy` with for `request` through `binding`:
/// `[None]` when the policy takes none, one entry per param found
/// otherwise (none when nothing is found and the binding allows it). An
/// error is a configuration error of the binding.
pub fn collect<'a>(
    policy: &Policy,
    binding: &Binding,
    request: &Request,
    pool: &'a [Value],
    kinds: &Kinds,
) -> Result<Vec<Option<&'a Value>>, String> {
    let (Some((group, kind)), Some(param_ref)) = (&policy.param_kind, &binding.param_ref) else {
        return Ok(vec![None]);
    };
    let namespaced = kinds.info(group, "", kind).namespaced;
    let wanted_namespace = param_ref.namespace.as_deref().unwrap_or_default();
    let namespace = match (namespaced, wanted_namespace.is_empty()) {
        (false, false) => {
            return Err(
                "paramRef.namespace must not be provided for a cluster-scoped `paramKind`".into(),
            );
        }
        (false, true) => None,
        (true, false) => Some(wanted_namespace),
        (true, true) if !request.namespace.is_empty() => Some(request.namespace.as_str()),
        (true, true) => {
            return Err("cannot use namespaced paramRef in policy binding that matches cluster-scoped resources".into());
        }
    };
    let candidates = pool.iter().filter(|p| {
        let text = |ptr: &str| p.pointer(ptr).and_then(Value::as_str).unwrap_or("");
        let param_group = text("/apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
        // A param without a namespace is where `kubectl apply` puts it.
        let param_namespace = match text("/metadata/namespace") {
            "" => "default",
            ns => ns,
        };
        param_group == group
            && text("/kind") == kind
            && namespace.is_none_or(|ns| ns == param_namespace)
    });
    let found: Vec<Option<&Value>> = match (&param_ref.name, &param_ref.selector) {
        (Some(name), _) if !name.is_empty() => candidates
            .filter(|p| p.pointer("/metadata/name").and_then(Value::as_str) == Some(name))
            .map(Some)
            .collect(),
        (_, Some(wanted)) => {
            let mut found = Vec::new();
            for p in candidates {
                if selector::selects(wanted, p.pointer("/metadata/labels"))? {
                    found.push(Some(p));
                }
            }
            found
        }
        _ => return Err("one of name or selector must be provided".into()),
    };
    if found.is_empty() && param_ref.parameter_not_found_action.as_deref() == Some("Deny") {
        return Err(
            "no params found for policy binding with `Deny` parameterNotFoundAction".into(),
        );
    }
    Ok(found)
}
