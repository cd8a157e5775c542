//! ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding objects
//! (admissionregistration.k8s.io/v1) read, checked as the API server
//! checks them on create, and compiled.

use super::cel::Expression;
use super::matching::Matcher;
use k8s_openapi::api::admissionregistration::v1::{
    ParamRef, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
};
use serde_json::Value;

/// What a binding does with a failed validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// Refuse the request (the sync).
    Deny,
    /// Report a warning.
    Warn,
    /// Record it in the audit log; tether reports it like a warning.
    Audit,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Deny => "Deny",
            Action::Warn => "Warn",
            Action::Audit => "Audit",
        }
    }
}

/// One checked validation.
#[derive(Debug)]
pub struct Validation {
    pub expression: Expression,
    pub message: Option<String>,
    pub message_expression: Option<Expression>,
}

/// A compiled ValidatingAdmissionPolicy.
#[derive(Debug)]
pub struct Policy {
    pub name: String,
    /// `failurePolicy: Ignore`: evaluation and configuration errors admit.
    pub ignore_failures: bool,
    pub constraints: Matcher,
    /// `paramKind` as (group, kind).
    pub param_kind: Option<(String, String)>,
    pub match_conditions: Vec<(String, Expression)>,
    pub variables: Vec<(String, Expression)>,
    pub validations: Vec<Validation>,
    /// Audit annotation value expressions: only their errors matter here.
    pub audit_annotations: Vec<(String, Expression)>,
}

/// A checked ValidatingAdmissionPolicyBinding.
#[derive(Debug)]
pub struct Binding {
    pub name: String,
    pub policy: String,
    pub resources: Option<Matcher>,
    pub param_ref: Option<ParamRef>,
    pub actions: Vec<Action>,
}

/// `field: problem` of a policy or binding; the caller names the object.
type Problem = String;

/// Reads and compiles a ValidatingAdmissionPolicy.
pub fn policy(object: &Value) -> Result<Policy, Problem> {
    let typed: ValidatingAdmissionPolicy =
        serde_json::from_value(object.clone()).map_err(|e| format!("cannot be read: {e}"))?;
    let name = typed.metadata.name.clone().unwrap_or_default();
    let spec = typed.spec.ok_or("spec: required")?;
    let ignore_failures = match spec.failure_policy.as_deref() {
        None | Some("Fail") => false,
        Some("Ignore") => true,
        Some(other) => {
            return Err(format!(
                "spec.failurePolicy: {other:?} is not Fail or Ignore"
            ));
        }
    };
    let constraints = Matcher::new(
        spec.match_constraints
            .as_ref()
            .ok_or("spec.matchConstraints: required")?,
        "spec.matchConstraints",
    )?;
    if !constraints.has_rules() {
        return Err("spec.matchConstraints.resourceRules: required".into());
    }
    let param_kind = match &spec.param_kind {
        None => None,
        Some(kind) => {
            let api_version = kind.api_version.as_deref().unwrap_or_default();
            let kind = kind.kind.as_deref().unwrap_or_default();
            if api_version.is_empty() || kind.is_empty() {
                return Err("spec.paramKind: apiVersion and kind are required".into());
            }
            let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
            Some((group.to_string(), kind.to_string()))
        }
    };
    let mut variables = Vec::new();
    let mut declared: Vec<String> = Vec::new();
    for (i, variable) in spec.variables.iter().flatten().enumerate() {
        let at = format!("spec.variables[{i}]");
        if !is_identifier(&variable.name) {
            return Err(format!(
                "{at}.name: {:?} is not a CEL identifier",
                variable.name
            ));
        }
        if declared.contains(&variable.name) {
            return Err(format!("{at}.name: {:?} is declared twice", variable.name));
        }
        let expression = compile(&variable.expression, &declared, &format!("{at}.expression"))?;
        declared.push(variable.name.clone());
        variables.push((variable.name.clone(), expression));
    }
    let mut match_conditions = Vec::new();
    for (i, condition) in spec.match_conditions.iter().flatten().enumerate() {
        let at = format!("spec.matchConditions[{i}]");
        if condition.name.is_empty() {
            return Err(format!("{at}.name: required"));
        }
        let expression = compile(
            &condition.expression,
            &declared,
            &format!("{at}.expression"),
        )?;
        match_conditions.push((condition.name.clone(), expression));
    }
    let mut validations = Vec::new();
    for (i, v) in spec.validations.iter().flatten().enumerate() {
        let at = format!("spec.validations[{i}]");
        if v.message.as_deref().is_some_and(|m| m.contains('\n')) {
            return Err(format!("{at}.message: must not contain line breaks"));
        }
        validations.push(Validation {
            expression: compile(&v.expression, &declared, &format!("{at}.expression"))?,
            message: v.message.clone().filter(|m| !m.trim().is_empty()),
            message_expression: v
                .message_expression
                .as_deref()
                .map(|m| compile(m, &declared, &format!("{at}.messageExpression")))
                .transpose()?,
        });
    }
    let mut audit_annotations = Vec::new();
    for (i, a) in spec.audit_annotations.iter().flatten().enumerate() {
        let at = format!("spec.auditAnnotations[{i}].valueExpression");
        audit_annotations.push((a.key.clone(), compile(&a.value_expression, &declared, &at)?));
    }
    if validations.is_empty() && audit_annotations.is_empty() {
        return Err("spec: validations or auditAnnotations must be given".into());
    }
    Ok(Policy {
        name,
        ignore_failures,
        constraints,
        param_kind,
        match_conditions,
        variables,
        validations,
        audit_annotations,
    })
}

/// Reads and checks a ValidatingAdmissionPolicyBinding.
pub fn binding(object: &Value) -> Result<Binding, Problem> {
    let typed: ValidatingAdmissionPolicyBinding =
        serde_json::from_value(object.clone()).map_err(|e| format!("cannot be read: {e}"))?;
    let name = typed.metadata.name.clone().unwrap_or_default();
    let spec = typed.spec;
    if spec.policy_name.is_empty() {
        return Err("spec.policyName: required".into());
    }
    let mut actions = Vec::new();
    for action in &spec.validation_actions {
        let action = match action.as_str() {
            "Deny" => Action::Deny,
            "Warn" => Action::Warn,
            "Audit" => Action::Audit,
            other => {
                return Err(format!(
                    "spec.validationActions: {other:?} is not Deny, Warn or Audit"
                ));
            }
        };
        if actions.contains(&action) {
            return Err(format!(
                "spec.validationActions: {} is listed twice",
                action.as_str()
            ));
        }
        actions.push(action);
    }
    if actions.is_empty() {
        return Err("spec.validationActions: required (Deny, Warn and/or Audit)".into());
    }
    if actions.contains(&Action::Deny) && actions.contains(&Action::Warn) {
        return Err("spec.validationActions: Deny and Warn may not be used together".into());
    }
    if let Some(param_ref) = &spec.param_ref {
        check_param_ref(param_ref)?;
    }
    let resources = spec
        .match_resources
        .as_ref()
        .map(|r| Matcher::new(r, "spec.matchResources"))
        .transpose()?;
    Ok(Binding {
        name,
        policy: spec.policy_name,
        resources,
        param_ref: spec.param_ref,
        actions,
    })
}

fn check_param_ref(param_ref: &ParamRef) -> Result<(), Problem> {
    let named = param_ref.name.as_deref().is_some_and(|n| !n.is_empty());
    if named == param_ref.selector.is_some() {
        return Err("spec.paramRef: exactly one of name and selector is required".into());
    }
    if let Some(selector) = &param_ref.selector {
        super::selector::selects(selector, None)
            .map_err(|e| format!("spec.paramRef.selector: {e}"))?;
    }
    match param_ref.parameter_not_found_action.as_deref() {
        Some("Allow" | "Deny") => Ok(()),
        Some(other) => Err(format!(
            "spec.paramRef.parameterNotFoundAction: {other:?} is not Allow or Deny"
        )),
        None => Err("spec.paramRef.parameterNotFoundAction: required (Allow or Deny)".into()),
    }
}

fn compile(source: &str, declared: &[String], at: &str) -> Result<Expression, Problem> {
    if source.trim().is_empty() {
        return Err(format!("{at}: required"));
    }
    Expression::compile(source, declared).map_err(|e| format!("{at} {source:?}: {e}"))
}

/// A CEL identifier: a letter or `_`, then letters, digits or `_`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
