//! `spec.dependsOn[].readyExpr` of a Flux Kustomization (kustomize-
//! controller v1.7+): a CEL expression over `dep` (the dependency
//! Kustomization) and `self` (the Kustomization that waits) that decides
//! whether the dependency is ready. It replaces the built-in check (Ready
//! and up to date) — the controller's default, without its
//! `AdditiveCELDependencyCheck` feature gate. An expression that does not
//! compile, or yields no bool, stops the Kustomization (the controller's
//! terminal `InvalidCELExpression`); one that fails to evaluate (a field
//! not there yet) keeps it waiting.
//!
//! tether reconciles imported Kustomizations itself, so the objects the
//! expression reads are the ones from Git, with the status tether's own
//! reconciliation gives them ([`as_reconciled`]).

use crate::policy::cel::check::Roots;
use crate::policy::cel::values::from_json;
use crate::policy::cel::{Activation, Expression};
use cel::common::types::CelBool;
use serde_json::{Value, json};

/// The variables a `readyExpr` reads.
const VARIABLES: &[&str] = &["self", "dep"];

/// What a `readyExpr` says of a dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    NotReady,
    /// It could not be evaluated (the dependent keeps waiting).
    Failed(String),
    /// It does not compile or yields no bool (the dependent stops).
    Invalid(String),
}

/// The `readyExpr` of the entry of `object`'s `spec.dependsOn` naming the
/// Kustomization `namespace`/`name` (an entry without namespace names one
/// in `object`'s namespace, `own_namespace`).
pub fn ready_expr_of<'a>(
    object: &'a Value,
    own_namespace: &str,
    namespace: &str,
    name: &str,
) -> Option<(usize, &'a str)> {
    let entries = object.pointer("/spec/dependsOn")?.as_array()?;
    entries.iter().enumerate().find_map(|(i, entry)| {
        let text = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or("");
        let ns = match text("namespace") {
            "" => own_namespace,
            ns => ns,
        };
        (text("name") == name && ns == namespace && !text("readyExpr").is_empty())
            .then(|| (i, text("readyExpr")))
    })
}

/// Compiles every `readyExpr` of `object`; the error names the entry and
/// the expression.
pub fn check_all(object: &Value) -> Result<(), String> {
    let entries = object
        .pointer("/spec/dependsOn")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, entry) in entries.iter().enumerate() {
        if let Some(source) = entry.get("readyExpr").and_then(Value::as_str) {
            compile(i, source)?;
        }
    }
    Ok(())
}

fn compile(i: usize, source: &str) -> Result<Expression, String> {
    Expression::compile_with(source, Roots::Named(VARIABLES))
        .map_err(|e| format!("spec.dependsOn[{i}].readyExpr {source:?}: {e}"))
}

/// Evaluates entry `i`'s `source` with `this` as `self` and `dep`.
pub fn readiness(i: usize, source: &str, this: &Value, dep: &Value) -> Readiness {
    let expression = match compile(i, source) {
        Ok(e) => e,
        Err(e) => return Readiness::Invalid(e),
    };
    let activation = match Activation::of(vec![("self", from_json(this)), ("dep", from_json(dep))])
    {
        Ok(a) => a,
        Err(e) => return Readiness::Failed(e),
    };
    match expression.evaluate(&activation) {
        Err(e) => Readiness::Failed(format!("spec.dependsOn[{i}].readyExpr: {e}")),
        Ok(value) => match value.downcast_ref::<CelBool>().map(|b| *b.inner()) {
            Some(true) => Readiness::Ready,
            Some(false) => Readiness::NotReady,
            None => Readiness::Invalid(format!(
                "spec.dependsOn[{i}].readyExpr {source:?} evaluated to {}, not a bool",
                value.get_type().name()
            )),
        },
    }
}

/// How tether's reconciliation of a Kustomization shows as its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconciled {
    /// Applied and healthy: Ready=True.
    Ready,
    /// Being applied or waiting for health: Ready=Unknown.
    Progressing,
    /// Not applied, or its health check failed: Ready=False.
    NotReady,
}

/// `object` (a Kustomization from Git) as the controller would show it
/// after reconciling `revision` with the outcome `reconciled`:
/// `metadata.generation` (1 unless given) observed, a `Ready` condition
/// with the controller's reasons, `lastAppliedRevision` once Ready.
pub fn as_reconciled(
    object: &Value,
    reconciled: Reconciled,
    revision: &str,
    message: &str,
) -> Value {
    let mut object = with_generation(object);
    let generation = object
        .pointer("/metadata/generation")
        .cloned()
        .unwrap_or(json!(1));
    let (status, reason) = match reconciled {
        Reconciled::Ready => ("True", "ReconciliationSucceeded"),
        Reconciled::Progressing => ("Unknown", "Progressing"),
        Reconciled::NotReady => ("False", "ReconciliationFailed"),
    };
    let message = match reconciled {
        Reconciled::Ready => format!("Applied revision: {revision}"),
        _ => message.to_string(),
    };
    let mut state = json!({
        "observedGeneration": generation,
        "conditions": [{"type": "Ready", "status": status, "reason": reason, "message": message}],
    });
    if reconciled == Reconciled::Ready {
        state["lastAppliedRevision"] = json!(revision);
    }
    object["status"] = state;
    object
}

/// `object` with `metadata.generation` (1 unless given), as the API
/// server shows a stored object.
pub fn with_generation(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.entry("generation").or_insert(json!(1));
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ks(name: &str, version: &str, depends: Value) -> Value {
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": {"name": name, "namespace": "apps", "labels": {"app/version": version}},
               "spec": {"dependsOn": depends}})
    }

    const LOCKSTEP: &str = "dep.metadata.labels['app/version'] == self.metadata.labels['app/version'] && dep.status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True') && dep.metadata.generation == dep.status.observedGeneration";

    #[test]
    fn the_expression_reads_dep_and_self() {
        let frontend = ks(
            "frontend",
            "v2",
            json!([{"name": "backend", "readyExpr": LOCKSTEP}]),
        );
        let (i, source) = ready_expr_of(&frontend, "apps", "apps", "backend").unwrap();
        assert_eq!((i, source), (0, LOCKSTEP));
        assert!(ready_expr_of(&frontend, "apps", "other", "backend").is_none());
        let this = with_generation(&frontend);
        let backend = |version: &str, reconciled: Reconciled| {
            as_reconciled(
                &ks("backend", version, json!([])),
                reconciled,
                "main@sha1:abc",
                "",
            )
        };
        let judge = |dep: Value| readiness(i, source, &this, &dep);
        assert_eq!(judge(backend("v2", Reconciled::Ready)), Readiness::Ready);
        assert_eq!(judge(backend("v1", Reconciled::Ready)), Readiness::NotReady);
        assert_eq!(
            judge(backend("v2", Reconciled::Progressing)),
            Readiness::NotReady
        );
        let ready = backend("v2", Reconciled::Ready);
        assert_eq!(ready["status"]["lastAppliedRevision"], "main@sha1:abc");
        assert_eq!(ready["status"]["observedGeneration"], 1);
    }

    #[test]
    fn errors_wait_and_bad_expressions_stop() {
        let this = json!({"metadata": {"name": "a"}});
        let dep = json!({"metadata": {"name": "b"}});
        assert!(matches!(
            readiness(0, "dep.status.ready == true", &this, &dep),
            Readiness::Failed(e) if e.starts_with("spec.dependsOn[0].readyExpr: expression")
        ));
        assert_eq!(
            readiness(1, "dep.metadata.name", &this, &dep),
            Readiness::Invalid(
                "spec.dependsOn[1].readyExpr \"dep.metadata.name\" evaluated to string, not a bool"
                    .to_string()
            )
        );
        let Readiness::Invalid(error) = readiness(0, "object.ready", &this, &dep) else {
            panic!("invalid")
        };
        assert!(
            error.contains("undeclared reference to \"object\" (expressions read self, dep)"),
            "{error}"
        );
        let bad =
            json!({"spec": {"dependsOn": [{"name": "x"}, {"name": "y", "readyExpr": "dep. =="}]}});
        assert!(
            check_all(&bad)
                .unwrap_err()
                .starts_with("spec.dependsOn[1].readyExpr \"dep. ==\": syntax error"),
        );
    }
}
