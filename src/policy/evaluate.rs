//! Evaluating the policies on one request, as the API server's validating
//! admission dispatcher does: a policy whose `matchConstraints` select the
//! request, each of its bindings whose `matchResources` do, each param the
//! binding finds; then the match conditions (all must be true), the
//! variables, the validations and the audit annotations. A failed
//! validation becomes a [`Violation`] per action of the binding; an error
//! does too unless the policy's `failurePolicy` is `Ignore`.

use super::PolicySet;
use super::cel::Activation;
use super::cel::values::from_json;
use super::params;
use super::request::Request;
use super::spec::{Action, Policy, Validation};
use crate::model::Violation;
use cel::Value as CelValue;
use cel::common::types::{CelNull, CelString};
use serde_json::Value;

/// Longest message a messageExpression may produce (as the API server).
const MAX_MESSAGE: usize = 5 * 1024;

/// What one validation decided.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Decision {
    Deny(String),
    Error(String),
}

impl PolicySet {
    /// The violations of `request` against every policy, in policy order.
    pub fn check_request(&self, request: &Request) -> Vec<Violation> {
        let mut out = Vec::new();
        if exempt(request) {
            return out;
        }
        for policy in &self.policies {
            self.check_policy(policy, request, &mut out);
        }
        out
    }

    fn check_policy(&self, policy: &Policy, request: &Request, out: &mut Vec<Violation>) {
        let violation = |binding: &str, message: String, action: Action| Violation {
            policy: policy.name.clone(),
            binding: binding.to_string(),
            object: request.object_name(),
            message,
            action: action.as_str().to_string(),
        };
        match policy.constraints.matches(request) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                if !policy.ignore_failures {
                    let message = format!("failed to configure policy: {e}");
                    out.push(violation("", message, Action::Deny));
                }
                return;
            }
        }
        for binding in self.bindings.iter().filter(|b| b.policy == policy.name) {
            let found = match &binding.resources {
                None => Ok(true),
                Some(m) => m.matches(request),
            }
            .and_then(|matches| match matches {
                true => params::collect(policy, binding, request, &self.params, &self.kinds),
                false => Ok(Vec::new()),
            });
            let params = match found {
                Ok(params) => params,
                Err(e) => {
                    if !policy.ignore_failures {
                        let message = format!("failed to configure binding: {e}");
                        out.push(violation(&binding.name, message, Action::Deny));
                    }
                    continue;
                }
            };
            for param in params {
                for decision in validate(policy, request, param) {
                    let message = match decision {
                        Decision::Deny(message) => message,
                        Decision::Error(_) if policy.ignore_failures => continue,
                        Decision::Error(message) => message,
                    };
                    for action in &binding.actions {
                        out.push(violation(&binding.name, message.clone(), *action));
                    }
                }
            }
        }
    }
}

/// Admission policies never apply to the objects that configure admission.
fn exempt(request: &Request) -> bool {
    request.resource.group == "admissionregistration.k8s.io"
        && matches!(
            request.resource.kind.as_str(),
            "ValidatingWebhookConfiguration"
                | "MutatingWebhookConfiguration"
                | "ValidatingAdmissionPolicy"
                | "ValidatingAdmissionPolicyBinding"
                | "MutatingAdmissionPolicy"
                | "MutatingAdmissionPolicyBinding"
        )
}

/// The decisions of `policy` on `request` with `param`: nothing when a
/// match condition is false.
fn validate(policy: &Policy, request: &Request, param: Option<&Value>) -> Vec<Decision> {
    let json_or_null = |v: Option<&Value>| v.map_or(CelValue::Null, from_json);
    let activation = Activation::new(vec![
        ("object", from_json(request.object)),
        ("oldObject", json_or_null(request.old_object)),
        ("request", from_json(&request.to_cel_request())),
        ("params", json_or_null(param)),
        ("namespaceObject", from_json(&request.to_cel_namespace())),
    ]);
    let mut activation = match activation {
        Ok(a) => a,
        Err(e) => return vec![Decision::Error(e)],
    };
    for (name, expression) in &policy.variables {
        activation.define(name, expression);
    }
    let mut condition_error = None;
    for (name, condition) in &policy.match_conditions {
        match condition.evaluate_bool(&activation) {
            Ok(true) => {}
            Ok(false) => return Vec::new(),
            Err(e) => {
                condition_error.get_or_insert(format!("matchCondition {name:?}: {e}"));
            }
        }
    }
    if let Some(e) = condition_error {
        return vec![Decision::Error(e)];
    }
    let mut decisions = Vec::new();
    for validation in &policy.validations {
        match validation.expression.evaluate_bool(&activation) {
            Ok(true) => {}
            Ok(false) => decisions.push(Decision::Deny(message(validation, &activation))),
            Err(e) => decisions.push(Decision::Error(e)),
        }
    }
    for (key, expression) in &policy.audit_annotations {
        let problem = match expression.evaluate(&activation) {
            Err(e) => Some(e),
            Ok(v) if v.downcast_ref::<CelString>().is_some() => None,
            Ok(v) if v.downcast_ref::<CelNull>().is_some() => None,
            Ok(v) => Some(format!(
                "valueExpression {:?} resulted in unsupported return type: {}; it must be a string or null",
                expression.source(),
                v.get_type().name()
            )),
        };
        if let Some(problem) = problem {
            decisions.push(Decision::Error(format!(
                "auditAnnotations {key:?}: {problem}"
            )));
        }
    }
    decisions
}

/// The message of a failed validation: its messageExpression's string
/// when that evaluates to one line, else its message, else the
/// expression itself.
fn message(validation: &Validation, activation: &Activation) -> String {
    if let Some(expression) = &validation.message_expression
        && let Ok(Some(text)) = expression.evaluate_string(activation)
    {
        let text = text.trim();
        if !text.is_empty() && !text.contains('\n') && text.len() <= MAX_MESSAGE {
            return text.to_string();
        }
    }
    match &validation.message {
        Some(m) => m.trim().to_string(),
        None => format!(
            "failed expression: {}",
            validation.expression.source().trim()
        ),
    }
}
