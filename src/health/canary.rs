//! Flagger `Canary` health as Argo CD assesses it, and the one-line
//! summary the tree shows (phase, weight, iterations, failed checks).

use super::rollout::number;
use super::{Health, text};
use crate::model::HealthStatus::{Degraded, Healthy, Progressing, Unknown};
use serde_json::Value;

/// Argo CD's separator between the parts of a Canary's message.
const SEPARATOR: &str = " --- ";

/// The health of a Canary: Failed is Degraded; Progressing, Finalising and
/// Promoting are Progressing; Succeeded and Initialized are Healthy;
/// anything else (Waiting, WaitingPromotion, Terminating…) is Unknown.
/// The message is `<phase> --- [Canary Weight: N % --- ]<conditions>`.
pub fn canary(c: &Value) -> Health {
    if c.get("status").is_none_or(Value::is_null) {
        return Health::new(Unknown, "No status");
    }
    let phase = text(c, "/status/phase");
    let status = match phase {
        "Failed" => Degraded,
        "Progressing" | "Finalising" | "Promoting" => Progressing,
        "Succeeded" | "Initialized" => Healthy,
        _ => Unknown,
    };
    let mut parts = Vec::new();
    let weight = number(c, "/status/canaryWeight").unwrap_or(0);
    if weight > 0 {
        parts.push(format!("Canary Weight: {weight} %"));
    }
    if let Some(conditions) = c.pointer("/status/conditions").and_then(Value::as_array) {
        parts.extend(conditions.iter().map(|k| text(k, "/message").to_string()));
    }
    Health::new(
        status,
        format!("{phase}{SEPARATOR}{}", parts.join(SEPARATOR)),
    )
}

/// What the tree shows for a Canary: `Progressing · weight 10% · iteration
/// 2 · 1 failed check · suspended`.
pub fn canary_summary(c: &Value) -> String {
    let mut parts = Vec::new();
    let phase = text(c, "/status/phase");
    parts.push(if phase.is_empty() { "no status" } else { phase }.to_string());
    if let Some(weight) = number(c, "/status/canaryWeight").filter(|w| *w > 0) {
        parts.push(format!("weight {weight}%"));
    }
    if let Some(iterations) = number(c, "/status/iterations").filter(|i| *i > 0) {
        parts.push(format!("iteration {iterations}"));
    }
    match number(c, "/status/failedChecks").unwrap_or(0) {
        0 => {}
        1 => parts.push("1 failed check".to_string()),
        n => parts.push(format!("{n} failed checks")),
    }
    if c.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true) {
        parts.push("suspended".to_string());
    }
    if c.pointer("/spec/skipAnalysis").and_then(Value::as_bool) == Some(true) {
        parts.push("analysis skipped".to_string());
    }
    let message = super::condition(c, "Promoted")
        .map(|k| text(k, "/message"))
        .unwrap_or("");
    if !message.is_empty() {
        parts.push(message.to_string());
    }
    parts.join(" · ")
}
