//! Fixing references after renames: a field naming a ConfigMap, Secret,
//! ServiceAccount… by a name the object used to have gets its current name.

use super::fieldpath::visit;
use super::nameref_table::ref_fields;
use super::resource::{Resource, effective_ns, is_cluster_scoped};
use serde_json::Value;

/// What a referrer needs to know about a possible target.
#[derive(Debug, Clone)]
struct Target {
    kind: String,
    group: String,
    names: Vec<String>,
    namespaces: Vec<String>,
    name: String,
    namespace: String,
}

impl Target {
    fn of(res: &Resource) -> Self {
        let mut names: Vec<String> = res.history.iter().map(|(n, _)| n.clone()).collect();
        let mut namespaces: Vec<String> = res.history.iter().map(|(_, n)| n.clone()).collect();
        names.push(res.name().to_string());
        namespaces.push(res.namespace().to_string());
        Self {
            kind: res.kind().to_string(),
            group: res.group().to_string(),
            names,
            namespaces,
            name: res.name().to_string(),
            namespace: res.namespace().to_string(),
        }
    }

    fn renamed(&self) -> bool {
        self.names.iter().any(|n| *n != self.name)
            || self.namespaces.iter().any(|n| *n != self.namespace)
    }
}

/// Updates every reference field of every resource.
pub(crate) fn fix(resources: &mut [Resource]) {
    let targets: Vec<Target> = resources
        .iter()
        .map(Target::of)
        .filter(Target::renamed)
        .collect();
    if targets.is_empty() {
        return;
    }
    let fields = ref_fields();
    for res in resources.iter_mut() {
        let ns = res.namespace().to_string();
        let scoped = !is_cluster_scoped(res.kind());
        let referrer = res.kind().to_string();
        for field in fields.iter().filter(|f| f.referrer == referrer) {
            let (kind, group) = field.target;
            let pick =
                |name: &str| find(&targets, kind, group, name, scoped.then_some(ns.as_str()));
            if field.path.ends_with("roleRef/name") || field.path.ends_with("scaleTargetRef/name") {
                sibling_kind_ref(&mut res.obj, &field.path, kind, &pick);
                continue;
            }
            visit(&mut res.obj, &field.path, false, &mut |v| {
                if let Some(new) = v.as_str().and_then(&pick) {
                    *v = Value::String(new);
                }
            });
        }
        if referrer == "RoleBinding" || referrer == "ClusterRoleBinding" {
            subjects(&mut res.obj, &targets, &ns);
        }
        if referrer.ends_with("WebhookConfiguration") {
            webhook_services(&mut res.obj, &targets);
        }
    }
}

/// The current name of the one target of `kind` once called `name` (in the
/// referrer's namespace `ns` when namespaced).
fn find(
    targets: &[Target],
    kind: &str,
    group: &str,
    name: &str,
    ns: Option<&str>,
) -> Option<String> {
    let found: Vec<&Target> = targets
        .iter()
        .filter(|t| t.kind == kind && (group.is_empty() || t.group == group))
        .filter(|t| t.names.iter().any(|n| n == name))
        .filter(|t| match ns {
            Some(ns) if !is_cluster_scoped(kind) => effective_ns(&t.namespace) == effective_ns(ns),
            _ => true,
        })
        .collect();
    let first = found.first()?;
    found
        .iter()
        .all(|t| t.name == first.name)
        .then(|| first.name.clone())
}

/// `roleRef`/`scaleTargetRef`: only when the sibling `kind` is `kind`.
fn sibling_kind_ref(
    obj: &mut Value,
    path: &str,
    kind: &str,
    pick: &dyn Fn(&str) -> Option<String>,
) {
    let parent = path.trim_end_matches("/name");
    visit(obj, parent, false, &mut |node| {
        if node.get("kind").and_then(Value::as_str) != Some(kind) {
            return;
        }
        let new = node.get("name").and_then(Value::as_str).and_then(pick);
        if let (Some(new), Some(map)) = (new, node.as_object_mut()) {
            map.insert("name".into(), Value::String(new));
        }
    });
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
        let name = s
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let ns = s
            .get("namespace")
            .and_then(Value::as_str)
            .unwrap_or(own_ns)
            .to_string();
        let hit = targets.iter().find(|t| {
            t.kind == "ServiceAccount"
                && t.names.contains(&name)
                && t.namespaces
                    .iter()
                    .any(|n| effective_ns(n) == effective_ns(&ns))
        });
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
        let name = svc
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let ns = svc
            .get("namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let hit = targets.iter().find(|t| {
            t.kind == "Service"
                && t.names.contains(&name)
                && t.namespaces
                    .iter()
                    .any(|n| effective_ns(n) == effective_ns(&ns))
        });
        if let (Some(t), Some(map)) = (hit, svc.as_object_mut()) {
            map.insert("name".into(), Value::String(t.name.clone()));
            if !t.namespace.is_empty() {
                map.insert("namespace".into(), Value::String(t.namespace.clone()));
            }
        }
    });
}
