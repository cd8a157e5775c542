//! Fixing references after renames: a field naming a ConfigMap, Secret,
//! ServiceAccount… by a name the object used to have gets its current name.
//! Candidates are sieved as kustomize does: previous name, kind, namespace
//! of the referrer, then the prefixes and suffixes both were given.

use super::KustomizeError;
use super::config::TransformerConfig;
use super::fieldpath::visit;
use super::nameref_table::ref_fields;
use super::resource::{Resource, effective_ns, is_cluster_kind};
use serde_json::Value;

/// What a referrer needs to know about a possible target.
#[derive(Debug, Clone)]
struct Target {
    kind: String,
    group: String,
    /// Names and namespaces it had before its current ones.
    previous: Vec<(String, String)>,
    name: String,
    namespace: String,
    affixes: (Vec<String>, Vec<String>),
}

impl Target {
    fn of(res: &Resource) -> Self {
        Self {
            kind: res.kind().to_string(),
            group: res.group().to_string(),
            previous: res.history.clone(),
            name: res.name().to_string(),
            namespace: res.namespace().to_string(),
            affixes: (res.prefixes.clone(), res.suffixes.clone()),
        }
    }

    fn was_named(&self, name: &str) -> bool {
        self.previous.iter().any(|(n, _)| n == name)
    }
}

/// The object holding references.
struct Referrer {
    namespace: Option<String>,
    affixes: (Vec<String>, Vec<String>),
}

/// Updates every reference field of every resource; Err when a reference
/// could mean several renamed objects.
pub(crate) fn fix(
    file: &str,
    config: &TransformerConfig,
    resources: &mut [Resource],
) -> Result<(), KustomizeError> {
    let targets: Vec<Target> = resources
        .iter()
        .filter(|r| !r.history.is_empty())
        .map(Target::of)
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let fields = ref_fields(&config.name_reference);
    let mut problems = Vec::new();
    for res in resources.iter_mut() {
        let kind = res.kind().to_string();
        let who = Referrer {
            namespace: (!res.is_cluster_scoped()).then(|| res.namespace().to_string()),
            affixes: (res.prefixes.clone(), res.suffixes.clone()),
        };
        let group = res.group().to_string();
        for field in fields.iter().filter(|f| f.held_by(&kind, &group)) {
            let (target_kind, group) = (field.target.0.as_str(), field.target.1.as_str());
            let mut pick = |name: &str| match find(&targets, target_kind, group, name, &who) {
                Ok(found) => found,
                Err(e) => {
                    problems.push(format!("{} {}: {e}", res_id(&kind, &who), field.path));
                    None
                }
            };
            if field.path.ends_with("roleRef/name") || field.path.ends_with("scaleTargetRef/name") {
                sibling_kind_ref(&mut res.obj, &field.path, target_kind, &mut pick);
                continue;
            }
            visit(&mut res.obj, &field.path, false, &mut |v| {
                if let Some(new) = v.as_str().and_then(&mut pick) {
                    *v = Value::String(new);
                }
            });
        }
        if kind == "RoleBinding" || kind == "ClusterRoleBinding" {
            subjects(
                &mut res.obj,
                &targets,
                who.namespace.as_deref().unwrap_or(""),
            );
        }
        if kind.ends_with("WebhookConfiguration") {
            webhook_services(&mut res.obj, &targets);
        }
    }
    match problems.into_iter().next() {
        Some(message) => Err(KustomizeError::Transform {
            kustomization: file.to_string(),
            message,
        }),
        None => Ok(()),
    }
}

fn res_id(kind: &str, who: &Referrer) -> String {
    format!(
        "{kind} in namespace {:?}",
        who.namespace.as_deref().unwrap_or("")
    )
}

/// kustomize's `SameEndingSubSlice`: the shorter list ends the longer one.
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long.ends_with(short)
}

fn affixes_equal(t: &Target, who: &Referrer, allow_empty: bool) -> bool {
    let check = |a: &[String], b: &[String]| {
        (allow_empty && (a.is_empty() || b.is_empty())) || same_ending(a, b)
    };
    check(&t.affixes.0, &who.affixes.0) && check(&t.affixes.1, &who.affixes.1)
}

/// The current name of the object of `kind` once called `name` that the
/// referrer means, if any.
fn find(
    targets: &[Target],
    kind: &str,
    group: &str,
    name: &str,
    who: &Referrer,
) -> Result<Option<String>, String> {
    let mut found: Vec<&Target> = targets
        .iter()
        .filter(|t| t.kind == kind && (group.is_empty() || t.group == group))
        .filter(|t| t.was_named(name))
        .filter(|t| match &who.namespace {
            Some(ns) if !is_cluster_kind(kind) && kind != "ServiceAccount" => {
                effective_ns(&t.namespace) == effective_ns(ns)
            }
            _ => true,
        })
        .collect();
    if found.len() > 1 {
        found.retain(|t| affixes_equal(t, who, true));
        if found.len() > 1 {
            found.retain(|t| affixes_equal(t, who, false));
        }
    }
    let Some(first) = found.first() else {
        return Ok(None);
    };
    if found
        .iter()
        .all(|t| t.name == first.name && t.namespace == first.namespace)
    {
        return Ok(Some(first.name.clone()));
    }
    let names: Vec<&str> = found.iter().map(|t| t.name.as_str()).collect();
    Err(format!(
        "{name:?} could mean several {kind}s: {}",
        names.join(", ")
    ))
}

/// `roleRef`/`scaleTargetRef`: only when the sibling `kind` is `kind`.
fn sibling_kind_ref(
    obj: &mut Value,
    path: &str,
    kind: &str,
    pick: &mut dyn FnMut(&str) -> Option<String>,
) {
    let parent = path.trim_end_matches("/name");
    visit(obj, parent, false, &mut |node| {
        if node.get("kind").and_then(Value::as_str) != Some(kind) {
            return;
        }
        let new = node
            .get("name")
            .and_then(Value::as_str)
            .and_then(&mut *pick);
        if let (Some(new), Some(map)) = (new, node.as_object_mut()) {
            map.insert("name".into(), Value::String(new));
        }
    });
}

/// Whether target `t` was ever in namespace `ns` (under any name).
fn was_in(t: &Target, ns: &str) -> bool {
    effective_ns(&t.namespace) == effective_ns(ns)
        || t.previous
            .iter()
            .any(|(_, s)| effective_ns(s) == effective_ns(ns))
}

/// ServiceAccount subjects of (Cluster)RoleBindings: name and namespace.
fn subjects(obj: &mut Value, targets: &[Target], own_ns: &str) {
    let Some(list) = obj.get_mut("subjects").and_then(Value::as_array_mut) else {
        return;
    };
    for s in list.iter_mut().filter_map(Value::as_object_mut) {
        if s.get("kind").and_then(Value::as_str) != Some("ServiceAccount") {
            continue;
        }
        let text = |k: &str| s.get(k).and_then(Value::as_str).map(str::to_string);
        let name = text("name").unwrap_or_default();
        let ns = text("namespace").unwrap_or_else(|| own_ns.to_string());
        let hit = targets
            .iter()
            .find(|t| t.kind == "ServiceAccount" && t.was_named(&name) && was_in(t, &ns));
        if let Some(t) = hit {
            s.insert("name".into(), Value::String(t.name.clone()));
            if !t.namespace.is_empty() {
                s.insert("namespace".into(), Value::String(t.namespace.clone()));
            }
        }
    }
}

/// `webhooks[].clientConfig.service` {name, namespace} of webhook configurations.
fn webhook_services(obj: &mut Value, targets: &[Target]) {
    visit(obj, "webhooks/clientConfig/service", false, &mut |svc| {
        let text = |k: &str| svc.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let (name, ns) = (text("name"), text("namespace"));
        let hit = targets
            .iter()
            .find(|t| t.kind == "Service" && t.was_named(&name) && was_in(t, &ns));
        if let (Some(t), Some(map)) = (hit, svc.as_object_mut()) {
            map.insert("name".into(), Value::String(t.name.clone()));
            if !t.namespace.is_empty() {
                map.insert("namespace".into(), Value::String(t.namespace.clone()));
            }
        }
    });
}
