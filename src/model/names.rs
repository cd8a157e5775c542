//! The rules the Kubernetes API server applies to object names and
//! namespaces, per kind, so that a bad name is refused with a clear
//! message before it becomes part of a request URL.

/// Which rule a kind's names follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// DNS-1123 subdomain: at most 253 characters, lower case letters,
    /// digits, `-` and `.`, starting and ending with a letter or digit.
    /// Most kinds, and every custom resource.
    Subdomain,
    /// DNS-1123 label: at most 63 characters, lower case letters, digits
    /// and `-`, starting and ending with a letter or digit (Namespace).
    Label,
    /// DNS-1035 label: a DNS-1123 label starting with a letter (Service).
    Dns1035Label,
    /// Any text that is one URL path segment: not `.` or `..`, no `/` or
    /// `%` (RBAC roles and bindings, whose names hold `:`).
    PathSegment,
}

/// The rule for names of `kind` in API group `group`.
pub fn name_rule(group: &str, kind: &str) -> NameRule {
    match (group, kind) {
        ("", "Namespace") => NameRule::Label,
        ("", "Service") => NameRule::Dns1035Label,
        (
            "rbac.authorization.k8s.io",
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding",
        ) => NameRule::PathSegment,
        _ => NameRule::Subdomain,
    }
}

/// What is wrong with `name` under `rule`, None when it is valid.
pub fn name_problem(rule: NameRule, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("must not be empty".into());
    }
    match rule {
        NameRule::PathSegment => path_segment_problem(name),
        NameRule::Subdomain => subdomain_problem(name),
        NameRule::Label => label_problem(name, false),
        NameRule::Dns1035Label => label_problem(name, true),
    }
}

/// What is wrong with a namespace name (a DNS-1123 label).
pub fn namespace_problem(namespace: &str) -> Option<String> {
    name_problem(NameRule::Label, namespace)
}

fn path_segment_problem(name: &str) -> Option<String> {
    if name == "." || name == ".." {
        return Some(format!("may not be {name:?}"));
    }
    for bad in ['/', '%'] {
        if name.contains(bad) {
            return Some(format!("may not contain {bad:?}"));
        }
    }
    None
}

fn subdomain_problem(name: &str) -> Option<String> {
    const RULE: &str = "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
    if name.len() > 253 {
        return Some(format!("must be no more than 253 characters ({RULE})"));
    }
    let ok = name.split('.').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !part.starts_with('-')
            && !part.ends_with('-')
    });
    (!ok).then(|| RULE.to_string())
}

fn label_problem(name: &str, letter_first: bool) -> Option<String> {
    let rule = if letter_first {
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')"
    } else {
        "a DNS-1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"
    };
    if name.len() > 63 {
        return Some(format!("must be no more than 63 characters ({rule})"));
    }
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let first_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || (!letter_first && c.is_ascii_digit()));
    let last_ok = name
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (!(chars_ok && first_ok && last_ok)).then(|| rule.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rule_of_their_kind() {
        let sub = name_rule("apps", "Deployment");
        assert_eq!(name_problem(sub, "web.v1-2"), None);
        assert!(name_problem(sub, "../etc").is_some());
        assert!(name_problem(sub, "Web").is_some());
        assert!(name_problem(sub, &"a".repeat(254)).is_some());
        let svc = name_rule("", "Service");
        assert!(name_problem(svc, "1web").unwrap().contains("DNS-1035"));
        assert_eq!(name_problem(svc, "web-1"), None);
        assert!(name_problem(name_rule("", "Namespace"), "a.b").is_some());
        let role = name_rule("rbac.authorization.k8s.io", "ClusterRole");
        assert_eq!(name_problem(role, "system:controller:Foo"), None);
        assert_eq!(
            name_problem(role, "a/b"),
            Some("may not contain '/'".to_string())
        );
        assert_eq!(name_problem(role, ".."), Some("may not be \"..\"".into()));
        assert_eq!(namespace_problem("prod"), None);
        assert!(namespace_problem("../prod").is_some());
    }
}
