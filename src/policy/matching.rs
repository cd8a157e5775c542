//! `matchConstraints` of a policy and `matchResources` of a binding: which
//! requests they select, as the API server decides it — namespace and
//! object selectors, then excluded rules, then resource rules (operations,
//! API groups and versions, resources, scope, names).

use super::request::{Request, namespace_view};
use super::selector;
use k8s_openapi::api::admissionregistration::v1::{MatchResources, NamedRuleWithOperations};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// Operations a rule may name.
pub const OPERATIONS: &[&str] = &["*", "CREATE", "UPDATE", "DELETE", "CONNECT"];

/// A checked `MatchResources`.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    namespace_selector: LabelSelector,
    object_selector: LabelSelector,
    rules: Vec<NamedRuleWithOperations>,
    excluded: Vec<NamedRuleWithOperations>,
    /// `matchPolicy: Equivalent` (the default): a rule naming another
    /// version of the same group and resource matches too.
    equivalent: bool,
}

impl Matcher {
    /// Checks `resources`; the error names the field under `at`.
    pub fn new(resources: &MatchResources, at: &str) -> Result<Matcher, String> {
        let equivalent = match resources.match_policy.as_deref() {
            None | Some("Equivalent") => true,
            Some("Exact") => false,
            Some(other) => {
                return Err(format!(
                    "{at}.matchPolicy: {other:?} is not Exact or Equivalent"
                ));
            }
        };
        let rules = resources.resource_rules.clone().unwrap_or_default();
        let excluded = resources.exclude_resource_rules.clone().unwrap_or_default();
        for (field, list) in [
            ("resourceRules", &rules),
            ("excludeResourceRules", &excluded),
        ] {
            for (i, rule) in list.iter().enumerate() {
                check_rule(rule).map_err(|e| format!("{at}.{field}[{i}].{e}"))?;
            }
        }
        for (field, selector) in [
            ("namespaceSelector", &resources.namespace_selector),
            ("objectSelector", &resources.object_selector),
        ] {
            if let Some(s) = selector {
                selector::selects(s, None).map_err(|e| format!("{at}.{field}: {e}"))?;
            }
        }
        Ok(Matcher {
            namespace_selector: resources.namespace_selector.clone().unwrap_or_default(),
            object_selector: resources.object_selector.clone().unwrap_or_default(),
            rules,
            excluded,
            equivalent,
        })
    }

    /// Whether the matcher has resource rules (a policy's must).
    pub fn has_rules(&self) -> bool {
        !self.rules.is_empty()
    }

    /// Whether `request` is selected; an error when its namespace must be
    /// known and is not.
    pub fn matches(&self, request: &Request) -> Result<bool, String> {
        if !self.namespace_matches(request)? || !self.object_matches(request)? {
            return Ok(false);
        }
        if self.excluded.iter().any(|r| self.rule_matches(r, request)) {
            return Ok(false);
        }
        Ok(self.rules.is_empty() || self.rules.iter().any(|r| self.rule_matches(r, request)))
    }

    fn namespace_matches(&self, request: &Request) -> Result<bool, String> {
        if request.namespace.is_empty() || selector::is_empty(&self.namespace_selector) {
            return Ok(true);
        }
        if request.is_namespace() {
            let own = namespace_view(&request.name, None, Some(request.object));
            return selector::selects(&self.namespace_selector, own.pointer("/metadata/labels"));
        }
        let namespace = request
            .namespace_object
            .ok_or_else(|| format!("namespaces {:?} not found", request.namespace))?;
        selector::selects(
            &self.namespace_selector,
            namespace.pointer("/metadata/labels"),
        )
    }

    fn object_matches(&self, request: &Request) -> Result<bool, String> {
        if selector::is_empty(&self.object_selector) {
            return Ok(true);
        }
        let new = selector::selects(
            &self.object_selector,
            request.object.pointer("/metadata/labels"),
        )?;
        let old = match request.old_object {
            Some(old) => selector::selects(&self.object_selector, old.pointer("/metadata/labels"))?,
            None => false,
        };
        Ok(new || old)
    }

    fn rule_matches(&self, rule: &NamedRuleWithOperations, request: &Request) -> bool {
        let listed = |items: &Option<Vec<String>>, wanted: &str| {
            items.iter().flatten().any(|i| i == "*" || i == wanted)
        };
        let resource = &request.resource;
        let version_ok = listed(&rule.api_versions, &resource.version)
            || self.equivalent && rule.api_versions.as_ref().is_some_and(|v| !v.is_empty());
        let names_ok = rule
            .resource_names
            .as_ref()
            .is_none_or(|names| names.is_empty() || names.contains(&request.name));
        scope_matches(rule.scope.as_deref(), request)
            && listed(&rule.operations, request.operation.as_str())
            && listed(&rule.api_groups, &resource.group)
            && version_ok
            && rule.resources.iter().flatten().any(|r| {
                let (res, sub) = r.split_once('/').unwrap_or((r, ""));
                (res == "*" || res == resource.plural) && (sub == "*" || sub.is_empty())
            })
            && names_ok
    }
}

fn scope_matches(scope: Option<&str>, request: &Request) -> bool {
    match scope {
        None | Some("*") => true,
        Some("Namespaced") => !request.is_namespace() && !request.namespace.is_empty(),
        Some("Cluster") => request.is_namespace() || request.namespace.is_empty(),
        Some(_) => false,
    }
}

fn check_rule(rule: &NamedRuleWithOperations) -> Result<(), String> {
    let required = |items: &Option<Vec<String>>, field: &str| {
        if items.as_ref().is_none_or(|i| i.is_empty()) {
            Err(format!("{field}: required"))
        } else {
            Ok(())
        }
    };
    required(&rule.operations, "operations")?;
    required(&rule.api_groups, "apiGroups")?;
    required(&rule.api_versions, "apiVersions")?;
    required(&rule.resources, "resources")?;
    for op in rule.operations.iter().flatten() {
        if !OPERATIONS.contains(&op.as_str()) {
            return Err(format!(
                "operations: {op:?} is not one of {}",
                OPERATIONS.join(", ")
            ));
        }
    }
    match rule.scope.as_deref() {
        None | Some("*" | "Namespaced" | "Cluster") => Ok(()),
        Some(other) => Err(format!(
            "scope: {other:?} is not \"*\", \"Namespaced\" or \"Cluster\""
        )),
    }
}
