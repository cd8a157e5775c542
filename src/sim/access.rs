//! Per-user access limits in the style of RBAC, and the two review APIs a
//! client asks about itself: `SelfSubjectAccessReview` ("may I …?") and
//! `SelfSubjectReview` ("who am I?").
//!
//! Users are told apart by the bearer token of their kubeconfig: the sim
//! authenticates a token as the user of that name (a request without one
//! acts as the identity of [`super::FaultHandle::user`]). A limited user may do
//! exactly what its rules allow (as one ClusterRole bound cluster-wide),
//! minus everything in its denied namespaces — a shortcut RBAC itself
//! cannot express (it has no deny), standing for "no RoleBinding there".
//! Cluster-wide lists and watches are not namespace requests and stay
//! allowed by the rules alone.

use serde_json::{Value, json};

use super::handler::{Reply, Req};

/// One rule as a ClusterRole's `rules` entry holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRule {
    pub api_groups: Vec<String>,
    /// Plurals; `plural/sub` for a subresource; `*`, `plural/*`, `*/sub`.
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    /// Names the rule is limited to (empty = any).
    pub resource_names: Vec<String>,
}

impl AccessRule {
    /// A rule over `groups`, `resources` and `verbs`.
    pub fn new(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Self {
        let owned = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        AccessRule {
            api_groups: owned(groups),
            resources: owned(resources),
            verbs: owned(verbs),
            resource_names: Vec::new(),
        }
    }

    /// get, list and watch of everything.
    pub fn read_only() -> Self {
        Self::new(&["*"], &["*"], &["get", "list", "watch"])
    }

    /// The resource rules of a ClusterRole or Role (`nonResourceURLs`
    /// rules are skipped: the sim serves those paths to everyone).
    pub fn from_role(role: &Value) -> Result<Vec<AccessRule>, String> {
        let rules = role
            .get("rules")
            .and_then(Value::as_array)
            .ok_or("the role has no rules list")?;
        let strings = |rule: &Value, key: &str| -> Result<Vec<String>, String> {
            match rule.get(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| format!("{key} holds a non-string"))
                    })
                    .collect(),
                Some(_) => Err(format!("{key} is not a list")),
            }
        };
        let mut out = Vec::new();
        for rule in rules {
            if rule.get("nonResourceURLs").is_some() {
                continue;
            }
            out.push(AccessRule {
                api_groups: strings(rule, "apiGroups")?,
                resources: strings(rule, "resources")?,
                verbs: strings(rule, "verbs")?,
                resource_names: strings(rule, "resourceNames")?,
            });
        }
        Ok(out)
    }

    fn allows(&self, r: &Request<'_>) -> bool {
        let any = |list: &[String], want: &str| list.iter().any(|x| x == "*" || x == want);
        let resource_ok = self.resources.iter().any(|x| {
            x == "*"
                || *x == r.resource
                || x.strip_suffix("/*")
                    .is_some_and(|base| r.resource.split('/').next() == Some(base))
                || x.strip_prefix("*/").is_some_and(|sub| {
                    r.resource
                        .split_once('/')
                        .is_some_and(|(_, have)| have == sub)
                })
        });
        let name_ok = self.resource_names.is_empty()
            || r.name
                .is_some_and(|n| self.resource_names.iter().any(|x| x == n));
        any(&self.api_groups, r.group) && resource_ok && any(&self.verbs, r.verb) && name_ok
    }
}

/// What one request asks to do, as an authorizer sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub verb: &'a str,
    pub group: &'a str,
    /// `plural` or `plural/subresource`.
    pub resource: &'a str,
    /// The namespace addressed; for a Namespace object, its own name.
    pub namespace: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// The limits of one user.
#[derive(Debug, Clone, Default)]
pub(crate) struct UserAccess {
    /// None = no rule limits (only denied namespaces apply).
    pub rules: Option<Vec<AccessRule>>,
    pub denied_namespaces: Vec<String>,
    /// Some = bound by RoleBindings in these namespaces only: anything
    /// cluster-wide or elsewhere is refused.
    pub only_namespaces: Option<Vec<String>>,
}

impl UserAccess {
    pub fn allows(&self, r: &Request<'_>) -> bool {
        if r.namespace
            .is_some_and(|ns| self.denied_namespaces.iter().any(|d| d == ns))
        {
            return false;
        }
        if let Some(only) = &self.only_namespaces
            && !r.namespace.is_some_and(|ns| only.iter().any(|o| o == ns))
        {
            return false;
        }
        self.rules
            .as_ref()
            .is_none_or(|rules| rules.iter().any(|rule| rule.allows(r)))
    }
}

/// The namespace an authorizer sees for a request: the path's namespace,
/// or for the Namespace object itself its name.
pub(crate) fn request_namespace<'a>(
    plural: &str,
    group: &str,
    path_namespace: Option<&'a str>,
    name: Option<&'a str>,
) -> Option<&'a str> {
    if group.is_empty() && plural == "namespaces" {
        name
    } else {
        path_namespace
    }
}

/// POST `selfsubjectaccessreviews` (JSON, YAML or kubectl's protobuf):
/// whether the caller may do what `spec.resourceAttributes` describes.
pub(crate) fn access_review(faults: &super::faults::FaultHandle, req: &Req, user: &str) -> Reply {
    let body = super::media::read_body(
        &req.content_type,
        &req.body,
        false,
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
    );
    let Ok(body) = body else {
        return Reply::Json(
            400,
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                   "message": "the request body is not a SelfSubjectAccessReview",
                   "reason": "BadRequest", "code": 400}),
        );
    };
    let attrs = body
        .pointer("/spec/resourceAttributes")
        .cloned()
        .unwrap_or(Value::Null);
    let text = |k: &str| attrs.get(k).and_then(Value::as_str).unwrap_or("");
    let resource = match text("subresource") {
        "" => text("resource").to_string(),
        sub => format!("{}/{sub}", text("resource")),
    };
    let name = Some(text("name")).filter(|n| !n.is_empty());
    let namespace = Some(text("namespace")).filter(|n| !n.is_empty());
    let request = Request {
        verb: text("verb"),
        group: text("group"),
        resource: &resource,
        // The attributes are the authorizer's own: a Namespace object is
        // asked about in its namespace, as its requests are authorized.
        namespace,
        name,
    };
    let allowed = attrs.is_object() && faults.allows(user, &request);
    let mut status = json!({"allowed": allowed});
    if !allowed {
        status["reason"] = json!(format!("user {user:?} has no rule for it"));
    }
    Reply::Json(
        201,
        json!({
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "spec": body.get("spec").cloned().unwrap_or_else(|| json!({})),
            "status": status,
        }),
    )
}

/// POST `selfsubjectreviews`: who the caller is.
pub(crate) fn self_review(user: &str) -> Reply {
    Reply::Json(
        201,
        json!({
            "kind": "SelfSubjectReview",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "status": {"userInfo": {"username": user, "groups": ["system:authenticated"]}},
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(
        verb: &'a str,
        group: &'a str,
        resource: &'a str,
        ns: Option<&'a str>,
    ) -> Request<'a> {
        Request {
            verb,
            group,
            resource,
            namespace: ns,
            name: Some("x"),
        }
    }

    #[test]
    fn rules_match_groups_resources_and_verbs() {
        let read = UserAccess {
            rules: Some(vec![AccessRule::read_only()]),
            denied_namespaces: vec!["tether-system".into()],
            only_namespaces: None,
        };
        assert!(read.allows(&req("list", "apps", "deployments", None)));
        assert!(!read.allows(&req("patch", "apps", "deployments", Some("web"))));
        assert!(!read.allows(&req("get", "", "configmaps", Some("tether-system"))));
        let leases = AccessRule::new(&["coordination.k8s.io"], &["leases"], &["update"]);
        let scaled = AccessRule::new(&["apps"], &["*/scale"], &["patch"]);
        let op = UserAccess {
            rules: Some(vec![leases, scaled]),
            denied_namespaces: Vec::new(),
            only_namespaces: None,
        };
        assert!(op.allows(&req("update", "coordination.k8s.io", "leases", Some("a"))));
        assert!(!op.allows(&req("update", "", "leases", Some("a"))));
        assert!(op.allows(&req("patch", "apps", "deployments/scale", Some("a"))));
        assert!(!op.allows(&req("patch", "apps", "deployments", Some("a"))));
    }

    #[test]
    fn a_user_bound_in_some_namespaces_may_do_nothing_elsewhere() {
        let bound = UserAccess {
            rules: None,
            denied_namespaces: Vec::new(),
            only_namespaces: Some(vec!["web".into()]),
        };
        assert!(bound.allows(&req("list", "", "configmaps", Some("web"))));
        assert!(!bound.allows(&req("list", "", "configmaps", Some("other"))));
        assert!(!bound.allows(&req("list", "", "configmaps", None)));
        // Its own Namespace object is asked about in that namespace.
        assert!(bound.allows(&req("get", "", "namespaces", Some("web"))));
        assert!(!bound.allows(&req("list", "", "namespaces", None)));
    }

    #[test]
    fn rules_are_read_from_a_cluster_role() {
        let role = json!({"rules": [
            {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"], "resourceNames": ["a"]},
            {"nonResourceURLs": ["/healthz"], "verbs": ["get"]},
        ]});
        let rules = AccessRule::from_role(&role).unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].resource_names, vec!["a".to_string()]);
        assert!(AccessRule::from_role(&json!({"rules": [{"verbs": "get"}]})).is_err());
    }
}
