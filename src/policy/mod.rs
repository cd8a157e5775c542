//! Admission policies before sync (DESIGN.md §7): the
//! `ValidatingAdmissionPolicy` and `ValidatingAdmissionPolicyBinding`
//! objects kept in Git, evaluated with CEL on every object of an app before
//! anything is sent — the checks a cluster makes at admission, made first.
//!
//! The semantics are the API server's (matchConstraints, matchConditions,
//! variables, validations with message/messageExpression, failurePolicy,
//! paramKind/paramRef, binding matchResources and validationActions); what
//! differs is in docs/POLICIES.md. Pure: the caller renders the policies
//! folder and supplies live objects when it has them.
//!
//! ```
//! use serde_json::json;
//! use tether::policy::{PolicySet, CheckInput, UserInfo};
//! let policies = PolicySet::from_objects(vec![
//!     json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
//!            "metadata": {"name": "max-replicas"},
//!            "spec": {"matchConstraints": {"resourceRules": [{"apiGroups": ["apps"],
//!                       "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
//!                       "resources": ["deployments"]}]},
//!                     "validations": [{"expression": "object.spec.replicas <= 5"}]}}),
//!     json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
//!            "metadata": {"name": "max-replicas"},
//!            "spec": {"policyName": "max-replicas", "validationActions": ["Deny"]}}),
//! ]).unwrap();
//! let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
//!     "metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": 9}});
//! let violations = policies.check(&CheckInput::offline(&[deployment], &UserInfo::default()));
//! assert_eq!(violations[0].message, "failed expression: object.spec.replicas <= 5");
//! assert_eq!(violations[0].object, "Deployment.apps/shop/web");
//! ```

pub mod cel;
mod error;
mod evaluate;
mod kinds;
mod matching;
mod params;
mod request;
mod selector;
mod spec;

pub use crate::model::Violation;
pub use error::PolicyError;
pub use kinds::{KindInfo, Kinds};
pub use request::{Operation, Request, UserInfo, namespace_view};
pub use spec::Action;

use serde_json::Value;
use spec::{Binding, Policy};
use std::collections::HashMap;

/// The API group of admission policies.
pub const GROUP: &str = "admissionregistration.k8s.io";

/// Compiled policies, their bindings and the objects they may take as
/// params.
#[derive(Debug, Default)]
pub struct PolicySet {
    policies: Vec<Policy>,
    bindings: Vec<Binding>,
    params: Vec<Value>,
    kinds: Kinds,
    warnings: Vec<String>,
}

/// The objects of one check and what is known around them.
#[derive(Debug, Clone)]
pub struct CheckInput<'a> {
    /// The objects as they would be sent.
    pub objects: &'a [Value],
    /// The live object of each (same order; missing entries are None):
    /// the operation is UPDATE with it as `oldObject`, else CREATE.
    pub live: &'a [Option<Value>],
    /// Live Namespaces by name.
    pub namespaces: &'a HashMap<String, Value>,
    /// Kinds beyond the built-in ones (discovery, CRDs).
    pub kinds: &'a Kinds,
    pub user: &'a UserInfo,
    /// `request.dryRun`.
    pub dry_run: bool,
}

impl<'a> CheckInput<'a> {
    /// A check without a cluster: every object is created, namespaces are
    /// the app's own (or only their name), kinds are the built-in ones and
    /// the CRDs among `objects`.
    pub fn offline(objects: &'a [Value], user: &'a UserInfo) -> CheckInput<'a> {
        static NO_NAMESPACES: std::sync::OnceLock<HashMap<String, Value>> =
            std::sync::OnceLock::new();
        static NO_KINDS: std::sync::OnceLock<Kinds> = std::sync::OnceLock::new();
        CheckInput {
            objects,
            live: &[],
            namespaces: NO_NAMESPACES.get_or_init(HashMap::new),
            kinds: NO_KINDS.get_or_init(Kinds::new),
            user,
            dry_run: false,
        }
    }
}

impl PolicySet {
    /// Reads the objects of a policies folder: every
    /// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding is
    /// checked and compiled (the first problem is the error, naming the
    /// object and field); every other object may serve as a param.
    pub fn from_objects(objects: Vec<Value>) -> Result<PolicySet, PolicyError> {
        let mut set = PolicySet::default();
        for object in objects {
            let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
            let group = text("/apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
            let kind = text("/kind").to_string();
            let name = text("/metadata/name").to_string();
            let invalid = |problem: String| PolicyError::Invalid {
                kind: kind.clone(),
                name: name.clone(),
                problem,
            };
            match (group, kind.as_str()) {
                (GROUP, "ValidatingAdmissionPolicy") => {
                    if set.policies.iter().any(|p| p.name == name) {
                        return Err(invalid("is defined twice".into()));
                    }
                    set.policies.push(spec::policy(&object).map_err(invalid)?);
                }
                (GROUP, "ValidatingAdmissionPolicyBinding") => {
                    if set.bindings.iter().any(|b| b.name == name) {
                        return Err(invalid("is defined twice".into()));
                    }
                    set.bindings.push(spec::binding(&object).map_err(invalid)?);
                }
                _ => set.params.push(object),
            }
        }
        set.kinds.add_crds(&set.params);
        for binding in &set.bindings {
            if !set.policies.iter().any(|p| p.name == binding.policy) {
                set.warnings.push(format!(
                    "ValidatingAdmissionPolicyBinding {:?} binds policy {:?}, which the policies folder does not define; it checks nothing",
                    binding.name, binding.policy
                ));
            }
        }
        for policy in &set.policies {
            if !set.bindings.iter().any(|b| b.policy == policy.name) {
                set.warnings.push(format!(
                    "ValidatingAdmissionPolicy {:?} has no binding; it checks nothing",
                    policy.name
                ));
            }
        }
        Ok(set)
    }

    /// Whether the folder defines no policy (nothing to check).
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Bindings without a policy, policies without a binding.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Names of the policies, in folder order.
    pub fn policy_names(&self) -> impl Iterator<Item = &str> {
        self.policies.iter().map(|p| p.name.as_str())
    }

    /// The violations of every object of `input`, in object order.
    pub fn check(&self, input: &CheckInput) -> Vec<Violation> {
        let is_namespace = |o: &Value| {
            o.get("apiVersion").and_then(Value::as_str) == Some("v1")
                && o.get("kind").and_then(Value::as_str) == Some("Namespace")
        };
        let desired_namespaces: HashMap<&str, &Value> = input
            .objects
            .iter()
            .filter(|o| is_namespace(o))
            .filter_map(|o| Some((o.pointer("/metadata/name")?.as_str()?, o)))
            .collect();
        let mut kinds = self.kinds.clone();
        kinds.add_crds(input.objects);
        for (group, kind, info) in input.kinds.entries() {
            kinds.insert(group, kind, info.clone());
        }
        let mut out = Vec::new();
        for (i, object) in input.objects.iter().enumerate() {
            let old = input.live.get(i).and_then(Option::as_ref);
            let namespace = object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("");
            let view = (!namespace.is_empty()).then(|| {
                namespace_view(
                    namespace,
                    input.namespaces.get(namespace),
                    desired_namespaces.get(namespace).copied(),
                )
            });
            let mut request = Request::new(object, old, view.as_ref(), &kinds, input.user);
            request.dry_run = input.dry_run;
            out.extend(self.check_request(&request));
        }
        out
    }
}

#[cfg(test)]
mod tests;
