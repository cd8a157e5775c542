//! `spec.healthCheckExprs` of a Flux Kustomization: CEL expressions that
//! judge the health of the objects of one kind (or of a whole API group)
//! in place of the built-in rules, as kustomize-controller's custom
//! status reader (fluxcd/pkg `runtime/cel`) does:
//!
//! - an entry is `{apiVersion, kind?, current, inProgress?, failed?}`;
//!   only the group of `apiVersion` matches (every version); without
//!   `kind` it matches every kind of the group, and an entry naming the
//!   kind wins over it; two entries for one group and kind are an error;
//! - the expressions read the object's top-level fields as variables
//!   (`status.conditions…`, `metadata.generation`, `spec…`);
//! - an object whose integer `status.observedGeneration` differs from
//!   `metadata.generation` is in progress; else `inProgress`, `failed`
//!   and `current` are evaluated in that order and the first that holds
//!   decides (InProgress, Failed, Current); none holding is in progress;
//! - an expression that cannot be evaluated (a field the object does not
//!   have yet) leaves the object's status unknown: the wait goes on;
//! - a `batch` Job is never judged by them: the controller's own Job
//!   status reader comes first.
//!
//! Invalid expressions are refused when the entries are read. An
//! expression that yields something other than a bool is an error of the
//! Kustomization (the controller keeps the object unknown until its
//! timeout; tether says so at once).

use crate::health::Health;
use crate::model::HealthStatus;
use crate::policy::cel::Expression;
use crate::policy::cel::check::Roots;
use crate::policy::cel::values::from_json;
use cel::common::types::CelBool;
use serde_json::Value;

/// The compiled `spec.healthCheckExprs` of one Kustomization.
#[derive(Debug, Default)]
pub struct HealthExprs {
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    /// `spec.healthCheckExprs[i] (apiVersion kind)`, for messages.
    at: String,
    group: String,
    /// None: every kind of the group.
    kind: Option<String>,
    /// In the controller's order: inProgress, failed, current.
    checks: Vec<(Verdict, Expression)>,
}

/// What an expression that holds says of the object (kstatus' InProgress,
/// Failed, Current).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    InProgress,
    Failed,
    Current,
}

impl Verdict {
    fn field(self) -> &'static str {
        match self {
            Verdict::InProgress => "inProgress",
            Verdict::Failed => "failed",
            Verdict::Current => "current",
        }
    }

    fn health(self) -> HealthStatus {
        match self {
            Verdict::InProgress => HealthStatus::Progressing,
            Verdict::Failed => HealthStatus::Degraded,
            Verdict::Current => HealthStatus::Healthy,
        }
    }
}

/// The judgement of one object by its entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub health: Health,
    /// A `failed` expression holds: the controller's health check stops
    /// at once (its fail-fast wait).
    pub failed: bool,
}

/// The group of an `apiVersion` (empty for the core group).
fn group_of(api_version: &str) -> &str {
    api_version.split_once('/').map_or("", |(group, _)| group)
}

impl HealthExprs {
    /// Reads and compiles `spec.healthCheckExprs` of `object`; the error
    /// names the entry, its kind and the expression.
    pub fn parse(object: &Value) -> Result<HealthExprs, String> {
        let listed = object
            .pointer("/spec/healthCheckExprs")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut entries: Vec<Entry> = Vec::new();
        for (i, item) in listed.iter().enumerate() {
            let entry = entry(i, item)?;
            if entries
                .iter()
                .any(|e| e.group == entry.group && e.kind == entry.kind)
            {
                return Err(format!(
                    "{}: a second entry for the same group and kind (the controller refuses duplicates)",
                    entry.at
                ));
            }
            entries.push(entry);
        }
        Ok(HealthExprs { entries })
    }

    /// Whether no entry is given.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry that judges `object`: the one naming its kind, else the
    /// one for its whole group.
    fn entry_for(&self, object: &Value) -> Option<&Entry> {
        let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
        let group = group_of(text("/apiVersion"));
        let kind = text("/kind");
        if (group, kind) == ("batch", "Job") {
            return None;
        }
        let in_group = |e: &&Entry| e.group == group;
        self.entries
            .iter()
            .filter(in_group)
            .find(|e| e.kind.as_deref() == Some(kind))
            .or_else(|| {
                self.entries
                    .iter()
                    .filter(in_group)
                    .find(|e| e.kind.is_none())
            })
    }

    /// Judges the live `object` when an entry covers its kind (None:
    /// the built-in rules judge it). The error is an expression that did
    /// not yield a bool.
    pub fn judge(&self, object: &Value) -> Option<Result<Judgement, String>> {
        let entry = self.entry_for(object)?;
        Some(entry.judge(object))
    }
}

impl Entry {
    fn judge(&self, object: &Value) -> Result<Judgement, String> {
        let judged = |status: HealthStatus, message: String, failed: bool| Judgement {
            health: Health::new(status, message),
            failed,
        };
        let observed = object
            .pointer("/status/observedGeneration")
            .and_then(Value::as_i64);
        let generation = object
            .pointer("/metadata/generation")
            .and_then(Value::as_i64);
        if let (Some(observed), Some(generation)) = (observed, generation)
            && observed != generation
        {
            return Ok(judged(
                HealthStatus::Progressing,
                format!(
                    "status.observedGeneration {observed} is not metadata.generation {generation}"
                ),
                false,
            ));
        }
        let fields: Vec<(String, cel::Value)> = object
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
            .unwrap_or_default();
        let activation = match crate::policy::cel::Activation::of(fields) {
            Ok(a) => a,
            Err(e) => return Ok(judged(HealthStatus::Unknown, e, false)),
        };
        for (verdict, expression) in &self.checks {
            let value = match expression.evaluate(&activation) {
                Ok(v) => v,
                Err(e) => {
                    return Ok(judged(
                        HealthStatus::Unknown,
                        format!("{} {}: {e}", self.at, verdict.field()),
                        false,
                    ));
                }
            };
            let Some(holds) = value.downcast_ref::<CelBool>().map(|b| *b.inner()) else {
                return Err(format!(
                    "{} {} {:?} evaluated to {}, not a bool",
                    self.at,
                    verdict.field(),
                    expression.source(),
                    value.get_type().name()
                ));
            };
            if holds {
                let message = match verdict {
                    Verdict::Current => String::new(),
                    _ => format!("{} holds: {}", verdict.field(), expression.source()),
                };
                return Ok(judged(
                    verdict.health(),
                    message,
                    *verdict == Verdict::Failed,
                ));
            }
        }
        Ok(judged(
            HealthStatus::Progressing,
            format!("current does not hold yet: {}", self.current_source()),
            false,
        ))
    }

    fn current_source(&self) -> &str {
        self.checks
            .iter()
            .find(|(v, _)| *v == Verdict::Current)
            .map_or("", |(_, e)| e.source())
    }
}

/// Entry `i` of `spec.healthCheckExprs`, compiled.
fn entry(i: usize, item: &Value) -> Result<Entry, String> {
    let text = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or("");
    let api_version = text("apiVersion");
    let kind = text("kind");
    let at = match kind {
        "" => format!("spec.healthCheckExprs[{i}] ({api_version}, every kind)"),
        kind => format!("spec.healthCheckExprs[{i}] ({api_version} {kind})"),
    };
    if api_version.is_empty() {
        return Err(format!("{at}: apiVersion is required"));
    }
    if text("current").is_empty() {
        return Err(format!("{at}: current is required"));
    }
    let mut checks = Vec::new();
    for verdict in [Verdict::InProgress, Verdict::Failed, Verdict::Current] {
        let source = text(verdict.field());
        if source.is_empty() {
            continue;
        }
        let expression = Expression::compile_with(source, Roots::Any)
            .map_err(|e| format!("{at} {} {source:?}: {e}", verdict.field()))?;
        checks.push((verdict, expression));
    }
    Ok(Entry {
        at,
        group: group_of(api_version).to_string(),
        kind: (!kind.is_empty()).then(|| kind.to_string()),
        checks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exprs(entries: Value) -> Result<HealthExprs, String> {
        HealthExprs::parse(&json!({"spec": {"healthCheckExprs": entries}}))
    }

    fn widget(status: Value) -> Value {
        json!({"apiVersion": "example.com/v2", "kind": "Widget",
               "metadata": {"name": "w", "generation": 2}, "status": status})
    }

    fn sealed() -> HealthExprs {
        exprs(json!([{
            "apiVersion": "example.com/v1", "kind": "Widget",
            "inProgress": "status.phase == 'Pending'",
            "failed": "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'False')",
            "current": "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True')"
        }]))
        .unwrap()
    }

    fn verdict(exprs: &HealthExprs, object: &Value) -> (HealthStatus, bool) {
        let judged = exprs.judge(object).unwrap().unwrap();
        (judged.health.status, judged.failed)
    }

    fn ready(status: &str) -> Value {
        json!({"phase": "Done", "conditions": [{"type": "Ready", "status": status}]})
    }

    #[test]
    fn in_progress_then_failed_then_current_decide() {
        let exprs = sealed();
        assert_eq!(
            verdict(&exprs, &widget(ready("True"))),
            (HealthStatus::Healthy, false)
        );
        assert_eq!(
            verdict(&exprs, &widget(ready("False"))),
            (HealthStatus::Degraded, true)
        );
        // inProgress is evaluated first, whatever the conditions say.
        let pending =
            json!({"phase": "Pending", "conditions": [{"type": "Ready", "status": "True"}]});
        let judged = exprs.judge(&widget(pending)).unwrap().unwrap();
        assert_eq!(judged.health.status, HealthStatus::Progressing);
        assert_eq!(
            judged.health.message,
            "inProgress holds: status.phase == 'Pending'"
        );
    }

    #[test]
    fn nothing_holding_is_in_progress_and_generation_comes_first() {
        let exprs = sealed();
        let judged = exprs.judge(&widget(ready("Unknown"))).unwrap().unwrap();
        assert_eq!(judged.health.status, HealthStatus::Progressing);
        assert!(
            judged
                .health
                .message
                .starts_with("current does not hold yet: ")
        );
        let mut stale = widget(ready("True"));
        stale["status"]["observedGeneration"] = json!(1);
        let judged = exprs.judge(&stale).unwrap().unwrap();
        assert_eq!(judged.health.status, HealthStatus::Progressing);
        assert_eq!(
            judged.health.message,
            "status.observedGeneration 1 is not metadata.generation 2"
        );
        stale["status"]["observedGeneration"] = json!(2);
        assert_eq!(verdict(&exprs, &stale), (HealthStatus::Healthy, false));
    }

    #[test]
    fn only_the_group_matches_and_a_kind_wins_over_the_group() {
        let exprs = exprs(json!([
            {"apiVersion": "example.com/v1", "current": "false"},
            {"apiVersion": "example.com/v1beta1", "kind": "Widget", "current": "true"},
            {"apiVersion": "apps/v1", "kind": "Deployment", "current": "spec.replicas == 2"}
        ]))
        .unwrap();
        assert_eq!(
            verdict(&exprs, &widget(json!({}))),
            (HealthStatus::Healthy, false)
        );
        let gadget = json!({"apiVersion": "example.com/v3", "kind": "Gadget", "status": {}});
        assert_eq!(verdict(&exprs, &gadget), (HealthStatus::Progressing, false));
        let other = json!({"apiVersion": "other.io/v1", "kind": "Widget"});
        assert!(exprs.judge(&other).is_none(), "built-in rules judge it");
        let jobs =
            self::exprs(json!([{"apiVersion": "batch/v1", "kind": "Job", "current": "false"}]))
                .unwrap();
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "status": {}});
        assert!(
            jobs.judge(&job).is_none(),
            "the controller's Job reader comes first"
        );
        let deployment =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 2}});
        assert_eq!(verdict(&exprs, &deployment), (HealthStatus::Healthy, false));
    }

    #[test]
    fn a_missing_field_leaves_the_object_unknown() {
        let exprs = sealed();
        let object =
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
        let judged = exprs.judge(&object).unwrap().unwrap();
        assert_eq!(judged.health.status, HealthStatus::Unknown);
        assert!(
            judged
                .health
                .message
                .starts_with("spec.healthCheckExprs[0] (example.com/v1 Widget) inProgress: expression \"status.phase == 'Pending'\" failed"),
            "{}",
            judged.health.message
        );
    }

    #[test]
    fn a_result_that_is_no_bool_is_an_error_naming_kind_and_expression() {
        let exprs = exprs(
            json!([{"apiVersion": "example.com/v1", "kind": "Widget", "current": "status.phase"}]),
        )
        .unwrap();
        let error = exprs
            .judge(&widget(json!({"phase": "Ready"})))
            .unwrap()
            .unwrap_err();
        assert_eq!(
            error,
            "spec.healthCheckExprs[0] (example.com/v1 Widget) current \"status.phase\" evaluated to string, not a bool"
        );
    }

    #[test]
    fn bad_entries_are_refused_with_kind_and_expression() {
        let error = |entries: Value| exprs(entries).unwrap_err();
        let syntax = error(
            json!([{"apiVersion": "example.com/v1", "kind": "Widget", "current": "status.phase =="}]),
        );
        assert!(
            syntax.starts_with("spec.healthCheckExprs[0] (example.com/v1 Widget) current \"status.phase ==\": syntax error"),
            "{syntax}"
        );
        let unknown = error(
            json!([{"apiVersion": "example.com/v1", "kind": "Widget", "current": "status.x.reverse() == 1"}]),
        );
        assert!(
            unknown.contains("\"reverse\" is not supported"),
            "{unknown}"
        );
        assert_eq!(
            error(json!([{"apiVersion": "example.com/v1", "kind": "Widget"}])),
            "spec.healthCheckExprs[0] (example.com/v1 Widget): current is required"
        );
        assert_eq!(
            error(json!([
                {"apiVersion": "example.com/v1", "kind": "Widget", "current": "true"},
                {"apiVersion": "example.com/v2", "kind": "Widget", "current": "false"}
            ])),
            "spec.healthCheckExprs[1] (example.com/v2 Widget): a second entry for the same group and kind (the controller refuses duplicates)"
        );
        assert!(exprs(json!(null)).unwrap().is_empty());
    }
}
