//! The rules tether.yaml must follow beyond its shape (DESIGN.md §2).

use super::locate::Seg;
use crate::model::AppSpec;
use std::collections::HashMap;
use std::path::Component;

/// Sync options that take `=true` or `=false`, spelled as in Argo CD.
/// Anything else in `syncPolicy.syncOptions` is rejected so that a typo does
/// not silently turn an option off.
/// Only the options tether honours are accepted: one it would silently
/// ignore is an error, not a surprise at sync time.
pub const BOOL_SYNC_OPTIONS: &[&str] = &[
    "CreateNamespace",
    "ApplyOutOfSyncOnly",
    "FailOnSharedResource",
];

/// Options that are always on in tether (it always applies server-side and
/// prunes after every wave): accepted as `=true` for Argo CD compatibility.
pub const ALWAYS_ON_SYNC_OPTIONS: &[&str] = &["ServerSideApply", "PruneLast"];

/// Values of the one non-boolean sync option, `PrunePropagationPolicy`.
pub const PRUNE_PROPAGATION_POLICIES: &[&str] = &["foreground", "background", "orphan"];

/// Whether `option` is a known sync option: one of [`BOOL_SYNC_OPTIONS`]
/// with `=true|false`, or `PrunePropagationPolicy=` one of
/// [`PRUNE_PROPAGATION_POLICIES`].
pub fn is_known_sync_option(option: &str) -> bool {
    match option.split_once('=') {
        Some(("PrunePropagationPolicy", v)) => PRUNE_PROPAGATION_POLICIES.contains(&v),
        Some((name, "true")) if ALWAYS_ON_SYNC_OPTIONS.contains(&name) => true,
        Some((name, "true" | "false")) => BOOL_SYNC_OPTIONS.contains(&name),
        _ => false,
    }
}

/// One broken rule: where (a path into the document) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Path of the offending value, e.g. `apps`, 1, `name`.
    pub(crate) path: Vec<Step>,
    /// The problem, without the field path.
    pub(crate) problem: String,
}

/// One step of a [`Violation`] path (owned form of [`Seg`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A mapping key.
    Key(&'static str),
    /// A sequence index.
    Index(usize),
}

impl Violation {
    pub(crate) fn new(path: Vec<Step>, problem: String) -> Self {
        Self { path, problem }
    }

    /// The path as the locator takes it.
    pub(crate) fn segs(&self) -> Vec<Seg<'_>> {
        self.path
            .iter()
            .map(|s| match s {
                Step::Key(k) => Seg::Key(k),
                Step::Index(i) => Seg::Index(*i),
            })
            .collect()
    }

    /// The path as users read it: `apps[1].destination.namespace`.
    pub(crate) fn field(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) if out.is_empty() => out.push_str(k),
                Step::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// The first broken rule of `apps`, in document order.
pub(crate) fn first_violation(apps: &[AppSpec]) -> Option<Violation> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, app) in apps.iter().enumerate() {
        let at = |rest: &[Step]| {
            let mut p = vec![Step::Key("apps"), Step::Index(i)];
            p.extend_from_slice(rest);
            p
        };
        if let Some(problem) = dns_label_problem(&app.name) {
            return Some(Violation::new(
                at(&[Step::Key("name")]),
                format!("app name {:?} {problem}", app.name),
            ));
        }
        if let Some(first) = seen.insert(&app.name, i) {
            return Some(Violation::new(
                at(&[Step::Key("name")]),
                format!(
                    "app name {:?} is already used by apps[{first}]; names must be unique",
                    app.name
                ),
            ));
        }
        if let Some(v) = check_app(app, &at) {
            return Some(v);
        }
    }
    dependency_violation(apps)
}

/// A `dependsOn` entry that names no app of `apps:` (refs of imported
/// apps, `KIND/NAMESPACE/NAME`, are looked up when the engine runs), the
/// app itself, or closes a cycle.
fn dependency_violation(apps: &[AppSpec]) -> Option<Violation> {
    let index: HashMap<&str, usize> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| (a.name.as_str(), i))
        .collect();
    for (i, app) in apps.iter().enumerate() {
        for (j, dep) in app.depends_on.iter().enumerate() {
            let at = vec![
                Step::Key("apps"),
                Step::Index(i),
                Step::Key("dependsOn"),
                Step::Index(j),
            ];
            let problem = if dep == &app.name {
                Some(format!("app {:?} cannot depend on itself", app.name))
            } else if !dep.contains('/') && !index.contains_key(dep.as_str()) {
                Some(format!(
                    "dependsOn names {dep:?}, which is no app of `apps:`"
                ))
            } else if leads_back(&index, apps, dep, &app.name) {
                Some(format!(
                    "dependsOn {dep:?} makes a cycle: {dep:?} depends (through its dependencies) on {:?}",
                    app.name
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Some(Violation::new(at, problem));
            }
        }
    }
    None
}

/// Whether `from` depends, directly or not, on `target`.
fn leads_back(index: &HashMap<&str, usize>, apps: &[AppSpec], from: &str, target: &str) -> bool {
    let mut stack = vec![from];
    let mut seen = std::collections::HashSet::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name) {
            continue;
        }
        let Some(&i) = index.get(name) else {
            continue;
        };
        for dep in &apps[i].depends_on {
            if dep == target {
                return true;
            }
            stack.push(dep.as_str());
        }
    }
    false
}

fn check_app(app: &AppSpec, at: &dyn Fn(&[Step]) -> Vec<Step>) -> Option<Violation> {
    let path = std::path::Path::new(&app.source.path);
    if path
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Some(Violation::new(
            at(&[Step::Key("source"), Step::Key("path")]),
            format!(
                "path {:?} must be a folder inside the repository (relative, without ..)",
                app.source.path
            ),
        ));
    }
    if let Some(ns) = &app.destination.namespace
        && let Some(problem) = dns_label_problem(ns)
    {
        return Some(Violation::new(
            at(&[Step::Key("destination"), Step::Key("namespace")]),
            format!("namespace {ns:?} {problem}"),
        ));
    }
    if let Some(policy) = &app.sync_policy {
        for (j, option) in policy.sync_options.iter().enumerate() {
            if !is_known_sync_option(option) {
                return Some(Violation::new(
                    at(&[
                        Step::Key("syncPolicy"),
                        Step::Key("syncOptions"),
                        Step::Index(j),
                    ]),
                    format!(
                        "unknown sync option {option:?}, expected NAME=true|false with NAME one of {}, {}=true (always on), or PrunePropagationPolicy={}",
                        BOOL_SYNC_OPTIONS.join(", "),
                        ALWAYS_ON_SYNC_OPTIONS.join("=true, "),
                        PRUNE_PROPAGATION_POLICIES.join("|")
                    ),
                ));
            }
        }
    }
    if let Some(helm) = &app.source.helm {
        if let Some(values) = helm.values.as_ref().filter(|v| !v.is_object()) {
            let found = match values {
                serde_json::Value::Array(_) => "a list",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Bool(_) => "a boolean",
                _ => "null",
            };
            return Some(Violation::new(
                at(&[Step::Key("source"), Step::Key("helm"), Step::Key("values")]),
                format!(
                    "inline Helm values must be a mapping (e.g. {{image: {{tag: \"1.2\"}}}}), not {found}"
                ),
            ));
        }
        for (j, path) in helm.secret_values.iter().enumerate() {
            if let Err(problem) = crate::model::ValuePath::parse(path) {
                return Some(Violation::new(
                    at(&[
                        Step::Key("source"),
                        Step::Key("helm"),
                        Step::Key("secretValues"),
                        Step::Index(j),
                    ]),
                    format!(
                        "value path {path:?} {problem} (expected e.g. db.password, tls[0].key, users.*.token)"
                    ),
                ));
            }
        }
    }
    for (j, ignore) in app.ignore_differences.iter().enumerate() {
        for (k, pointer) in ignore.json_pointers.iter().enumerate() {
            if !pointer.starts_with('/') {
                return Some(Violation::new(
                    at(&[
                        Step::Key("ignoreDifferences"),
                        Step::Index(j),
                        Step::Key("jsonPointers"),
                        Step::Index(k),
                    ]),
                    format!("JSON pointer {pointer:?} must start with \"/\" (e.g. /spec/replicas)"),
                ));
            }
        }
        for (k, expr) in ignore.jq_path_expressions.iter().enumerate() {
            if let Err(e) = crate::diff::jq::compiled(expr) {
                return Some(Violation::new(
                    at(&[
                        Step::Key("ignoreDifferences"),
                        Step::Index(j),
                        Step::Key("jqPathExpressions"),
                        Step::Index(k),
                    ]),
                    e.to_string(),
                ));
            }
        }
    }
    None
}

/// Why `s` is not a DNS-1123 label (RFC 1123: at most 63 characters of
/// lowercase letters, digits and `-`, starting and ending alphanumeric).
pub fn dns_label_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        return Some("must not be empty");
    }
    if s.len() > 63 {
        return Some("is longer than 63 characters");
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("must be a DNS label: lowercase letters, digits and '-' only");
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Some("must be a DNS label: it must start and end with a letter or digit");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert_eq!(dns_label_problem("web-staging"), None);
        assert_eq!(dns_label_problem("a1"), None);
        assert!(dns_label_problem("Web").is_some());
        assert!(dns_label_problem("-web").is_some());
        assert!(dns_label_problem("web_x").is_some());
        assert!(dns_label_problem(&"a".repeat(64)).is_some());
    }

    #[test]
    fn sync_options() {
        assert!(is_known_sync_option("CreateNamespace=true"));
        assert!(is_known_sync_option("ServerSideApply=true"));
        assert!(
            !is_known_sync_option("ServerSideApply=false"),
            "tether always applies server-side"
        );
        assert!(
            !is_known_sync_option("Replace=true"),
            "not honoured, so not accepted"
        );
        assert!(is_known_sync_option("PrunePropagationPolicy=orphan"));
        assert!(!is_known_sync_option("CreateNamespace=yes"));
        assert!(!is_known_sync_option("CreateNamespaces=true"));
        assert!(!is_known_sync_option("PrunePropagationPolicy=true"));
    }

    #[test]
    fn field_names_read_like_paths() {
        let v = Violation::new(
            vec![Step::Key("apps"), Step::Index(2), Step::Key("name")],
            String::new(),
        );
        assert_eq!(v.field(), "apps[2].name");
    }
}
