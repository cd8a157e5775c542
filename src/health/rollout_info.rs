//! What `kubectl argo rollouts get` tells about a Rollout, as data and as
//! one line for the tree: phase and message, the canary step, set and
//! actual weight, pause reasons and analysis runs.

use super::rollout::{generation_observed, is_aborted, number, stable_rs};
use super::text;
use serde_json::Value;

/// A Rollout's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolloutInfo {
    /// `Canary`, `BlueGreen` or empty.
    pub strategy: String,
    /// `Healthy`, `Progressing`, `Paused`, `Degraded`.
    pub phase: String,
    pub message: String,
    /// Canary: the current step index and the number of steps.
    pub step: Option<(i64, usize)>,
    /// Canary: the weight the steps set (0 when aborted, the maximum when
    /// every step is done).
    pub set_weight: Option<i64>,
    /// Canary: the weight the canary actually gets: from the traffic
    /// router's status, else from the available canary pods (None when
    /// the ReplicaSets are not known).
    pub actual_weight: Option<i64>,
    /// Why it is paused (`CanaryPauseStep`, `BlueGreenPause`…).
    pub pause_reasons: Vec<String>,
    /// A user paused it (`spec.paused`).
    pub user_paused: bool,
    pub aborted: bool,
    /// `step analysis Running`, `background analysis Failed`.
    pub analysis: Vec<String>,
}

impl RolloutInfo {
    /// One line: `Paused: CanaryPauseStep · step 1/4 · weight 20 (actual
    /// 20) · analysis Running`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        let mut head = self.phase.clone();
        if !self.message.is_empty() {
            head.push_str(": ");
            head.push_str(&self.message);
        }
        parts.push(head);
        let reasons: Vec<&String> = self
            .pause_reasons
            .iter()
            .filter(|r| !self.message.contains(r.as_str()))
            .collect();
        if !reasons.is_empty() {
            let reasons: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
            parts.push(format!("paused by {}", reasons.join(", ")));
        }
        if self.user_paused {
            parts.push("paused by a user".to_string());
        }
        if let Some((index, steps)) = self.step {
            parts.push(format!("step {index}/{steps}"));
        }
        match (self.set_weight, self.actual_weight) {
            (Some(set), Some(actual)) => parts.push(format!("weight {set} (actual {actual})")),
            (Some(set), None) => parts.push(format!("weight {set}")),
            _ => {}
        }
        parts.extend(self.analysis.iter().cloned());
        parts.join(" · ")
    }
}

/// The progress of `ro`; `replica_sets` are the ReplicaSets it owns.
pub fn rollout_info(ro: &Value, replica_sets: &[&Value]) -> RolloutInfo {
    let canary = ro.pointer("/spec/strategy/canary").is_some();
    let blue_green = ro.pointer("/spec/strategy/blueGreen").is_some();
    let (phase, message) = phase(ro);
    let mut info = RolloutInfo {
        strategy: match (canary, blue_green) {
            (true, _) => "Canary",
            (_, true) => "BlueGreen",
            _ => "",
        }
        .to_string(),
        phase,
        message,
        pause_reasons: ro
            .pointer("/status/pauseConditions")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|c| text(c, "/reason").to_string())
                    .filter(|r| !r.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        user_paused: ro.pointer("/spec/paused").and_then(Value::as_bool) == Some(true),
        aborted: is_aborted(ro),
        analysis: analysis(ro),
        ..RolloutInfo::default()
    };
    if canary {
        let steps = steps(ro);
        let index = number(ro, "/status/currentStepIndex");
        if let Some(index) = index.filter(|_| !steps.is_empty()) {
            info.step = Some((index, steps.len()));
        }
        let set = set_weight(ro, &steps);
        info.set_weight = Some(set);
        info.actual_weight = actual_weight(ro, &steps, set, replica_sets);
    }
    info
}

/// Phase and message: what the controller wrote (v1.0+), else derived
/// from the health rules.
fn phase(ro: &Value) -> (String, String) {
    if !generation_observed(ro) {
        return (
            "Progressing".to_string(),
            "waiting for rollout spec update to be observed".to_string(),
        );
    }
    let phase = text(ro, "/status/phase");
    if !phase.is_empty() {
        return (phase.to_string(), text(ro, "/status/message").to_string());
    }
    let health = super::rollout::rollout(ro);
    let phase = match health.status {
        crate::model::HealthStatus::Suspended => "Paused",
        other => other.as_str(),
    };
    (phase.to_string(), health.message)
}

fn steps(ro: &Value) -> Vec<Value> {
    ro.pointer("/spec/strategy/canary/steps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The maximum traffic weight (100 unless the traffic router says).
fn max_weight(ro: &Value) -> i64 {
    number(ro, "/spec/strategy/canary/trafficRouting/maxTrafficWeight").unwrap_or(100)
}

/// The current step, None when every step is done (or there are none).
fn current_step(ro: &Value, steps: &[Value]) -> Option<usize> {
    if steps.is_empty() {
        return None;
    }
    let index = usize::try_from(number(ro, "/status/currentStepIndex").unwrap_or(0)).ok()?;
    (index < steps.len()).then_some(index)
}

fn set_weight(ro: &Value, steps: &[Value]) -> i64 {
    if is_aborted(ro) {
        return 0;
    }
    let Some(index) = current_step(ro, steps) else {
        return max_weight(ro);
    };
    steps[..=index]
        .iter()
        .rev()
        .find_map(|s| number(s, "/setWeight"))
        .unwrap_or(0)
}

fn actual_weight(ro: &Value, steps: &[Value], set: i64, replica_sets: &[&Value]) -> Option<i64> {
    if current_step(ro, steps).is_none() {
        return Some(max_weight(ro));
    }
    let available = number(ro, "/status/availableReplicas").unwrap_or(0);
    if available <= 0 {
        return Some(0);
    }
    if ro.pointer("/spec/strategy/canary/trafficRouting").is_some() {
        return Some(number(ro, "/status/canary/weights/canary/weight").unwrap_or(set));
    }
    if replica_sets.is_empty() {
        return None;
    }
    let current = text(ro, "/status/currentPodHash");
    let stable = stable_rs(ro);
    let canary_available: i64 = replica_sets
        .iter()
        .filter(|rs| {
            let hash = text(rs, "/metadata/labels/rollouts-pod-template-hash");
            !hash.is_empty() && hash == current && hash != stable
        })
        .map(|rs| number(rs, "/status/availableReplicas").unwrap_or(0))
        .sum();
    Some(canary_available * max_weight(ro) / available)
}

/// The analysis runs of the current step and in the background.
fn analysis(ro: &Value) -> Vec<String> {
    [
        ("/status/canary/currentStepAnalysisRunStatus", "analysis"),
        (
            "/status/canary/currentBackgroundAnalysisRunStatus",
            "background analysis",
        ),
        (
            "/status/blueGreen/prePromotionAnalysisRunStatus",
            "pre-promotion analysis",
        ),
        (
            "/status/blueGreen/postPromotionAnalysisRunStatus",
            "post-promotion analysis",
        ),
    ]
    .iter()
    .filter_map(|(pointer, label)| {
        let run = ro.pointer(pointer)?;
        let status = text(run, "/status");
        if status.is_empty() {
            return None;
        }
        let message = text(run, "/message");
        Some(if message.is_empty() {
            format!("{label} {status}")
        } else {
            format!("{label} {status}: {message}")
        })
    })
    .collect()
}
