//! Resource actions (DESIGN.md §7): the merge patches the Argo Rollouts
//! kubectl plugin, Flagger and `kubectl rollout` send to promote, abort,
//! pause, resume or restart a Rollout, Canary or Deployment, which of them
//! make sense for an object's current state, and the patches in words.
//! Pure: objects in, patches out; `crate::engine` sends them.

use super::patches::describe;
use crate::model::GroupVersionKind;
use serde_json::{Value, json};

/// The annotation `kubectl rollout restart` sets on a pod template.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// A kind that has actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Argo Rollouts `Rollout` (argoproj.io/v1alpha1).
    Rollout,
    /// Flagger `Canary` (flagger.app/v1beta1).
    Canary,
    /// `Deployment` (apps/v1).
    Deployment,
}

impl ActionKind {
    /// The kind of `group`/`kind`, if it has actions.
    pub fn of(group: &str, kind: &str) -> Option<ActionKind> {
        match (group, kind) {
            ("argoproj.io", "Rollout") => Some(ActionKind::Rollout),
            ("flagger.app", "Canary") => Some(ActionKind::Canary),
            ("apps", "Deployment") => Some(ActionKind::Deployment),
            _ => None,
        }
    }

    /// The kind of a live object, if it has actions.
    pub fn of_object(object: &Value) -> Option<ActionKind> {
        let api_version = text(object, "/apiVersion");
        let group = api_version.split_once('/').map_or("", |(g, _)| g);
        ActionKind::of(group, text(object, "/kind"))
    }

    /// The kind a user typed (`rollout`, `Rollouts`, `ro`, `canary`,
    /// `deploy`…), case-insensitive.
    pub fn parse(typed: &str) -> Option<ActionKind> {
        match typed.to_ascii_lowercase().as_str() {
            "rollout" | "rollouts" | "ro" | "rollout.argoproj.io" | "rollouts.argoproj.io" => {
                Some(ActionKind::Rollout)
            }
            "canary" | "canaries" | "canary.flagger.app" | "canaries.flagger.app" => {
                Some(ActionKind::Canary)
            }
            "deployment" | "deployments" | "deploy" | "deployment.apps" | "deployments.apps" => {
                Some(ActionKind::Deployment)
            }
            _ => None,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            ActionKind::Rollout => "Rollout",
            ActionKind::Canary => "Canary",
            ActionKind::Deployment => "Deployment",
        }
    }

    pub fn group(self) -> &'static str {
        match self {
            ActionKind::Rollout => "argoproj.io",
            ActionKind::Canary => "flagger.app",
            ActionKind::Deployment => "apps",
        }
    }

    /// The served version tether addresses it by.
    pub fn gvk(self) -> GroupVersionKind {
        let version = match self {
            ActionKind::Rollout => "v1alpha1",
            ActionKind::Canary => "v1beta1",
            ActionKind::Deployment => "v1",
        };
        GroupVersionKind {
            group: self.group().to_string(),
            version: version.to_string(),
            kind: self.kind().to_string(),
        }
    }

    /// Every action of the kind, in menu order.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            ActionKind::Rollout => &[
                "promote",
                "promote-full",
                "skip-current-step",
                "abort",
                "retry",
                "pause",
                "resume",
                "restart",
            ],
            ActionKind::Canary => &["suspend", "resume", "skip-analysis"],
            ActionKind::Deployment => &["restart", "pause", "resume"],
        }
    }
}

/// One action of an object, and whether it makes sense now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionChoice {
    pub name: &'static str,
    /// What it does, in a few words.
    pub description: &'static str,
    /// Why it does not apply to the object's current state; None when it does.
    pub disabled: Option<String>,
}

/// The patches of one action. As the Argo Rollouts plugin does, `status`
/// goes to the status subresource first; when the API server has none
/// (404, Rollouts before v0.10), `unified` goes to the object instead of
/// `spec`. Then `spec` (if any) goes to the object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionPatches {
    pub status: Option<Value>,
    pub spec: Option<Value>,
    pub unified: Option<Value>,
}

impl ActionPatches {
    fn spec(patch: Value) -> Self {
        Self {
            spec: Some(patch),
            ..Self::default()
        }
    }

    fn status(patch: Value) -> Self {
        Self {
            status: Some(patch.clone()),
            unified: Some(patch),
            spec: None,
        }
    }

    /// The patches in words, naming `target` (`Rollout/shop/checkout`).
    pub fn describe(&self, target: &str) -> String {
        let mut out = String::new();
        if let Some(status) = &self.status {
            out.push_str(&format!("patch {target} status subresource:\n"));
            for line in describe(status).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        if let Some(spec) = &self.spec {
            out.push_str(&format!("patch {target}:\n"));
            for line in describe(spec).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn flag(v: &Value, pointer: &str) -> bool {
    v.pointer(pointer).and_then(Value::as_bool) == Some(true)
}

fn number(v: &Value, pointer: &str) -> Option<i64> {
    match v.pointer(pointer)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn choice(name: &'static str, description: &'static str, disabled: Option<&str>) -> ActionChoice {
    ActionChoice {
        name,
        description,
        disabled: disabled.map(str::to_string),
    }
}

/// Every action of `object`'s kind, each saying whether it applies now
/// (the rules of Argo CD's action discovery). Empty for other kinds.
pub fn choices(object: &Value) -> Vec<ActionChoice> {
    match ActionKind::of_object(object) {
        Some(ActionKind::Rollout) => rollout_choices(object),
        Some(ActionKind::Canary) => {
            let suspended = flag(object, "/spec/suspend");
            vec![
                choice(
                    "suspend",
                    "freeze the canary analysis where it is",
                    suspended.then_some("it is suspended already"),
                ),
                choice(
                    "resume",
                    "continue a suspended analysis",
                    (!suspended).then_some("it is not suspended"),
                ),
                choice(
                    "skip-analysis",
                    "promote without analysis (if the canary is healthy)",
                    flag(object, "/spec/skipAnalysis").then_some("analysis is skipped already"),
                ),
            ]
        }
        Some(ActionKind::Deployment) => {
            let paused = flag(object, "/spec/paused");
            vec![
                choice("restart", "replace every pod (rolling)", None),
                choice(
                    "pause",
                    "stop rolling out template changes",
                    paused.then_some("it is paused already"),
                ),
                choice(
                    "resume",
                    "continue rolling out",
                    (!paused).then_some("it is not paused"),
                ),
            ]
        }
        None => Vec::new(),
    }
}

/// The names of the actions that apply to `object` now.
pub fn available(object: &Value) -> Vec<String> {
    choices(object)
        .into_iter()
        .filter(|c| c.disabled.is_none())
        .map(|c| c.name.to_string())
        .collect()
}

/// Paused by a step or an analysis (pause conditions), else by a user.
fn rollout_paused(ro: &Value) -> bool {
    match ro
        .pointer("/status/pauseConditions")
        .and_then(Value::as_array)
    {
        Some(conditions) => !conditions.is_empty(),
        None => flag(ro, "/spec/paused"),
    }
}

/// The stable ReplicaSet runs the current pod template (also when
/// neither is known yet, as Argo CD reads it).
fn fully_promoted(ro: &Value) -> bool {
    ro.pointer("/status/currentPodHash") == ro.pointer("/status/stableRS")
}

/// A Rollout of v0.9 or older: its observedGeneration is a hash, or
/// above the generation; its status has no subresource.
fn legacy(ro: &Value) -> bool {
    match number(ro, "/status/observedGeneration") {
        None => true,
        Some(observed) => observed > number(ro, "/metadata/generation").unwrap_or(0),
    }
}

fn canary_steps(ro: &Value) -> Option<usize> {
    ro.pointer("/spec/strategy/canary/steps")
        .and_then(Value::as_array)
        .map(Vec::len)
}

fn rollout_choices(ro: &Value) -> Vec<ActionChoice> {
    let promoted = fully_promoted(ro);
    let aborted = flag(ro, "/status/abort");
    let paused = rollout_paused(ro);
    let promoted_why = promoted.then_some("it runs its stable version: nothing to roll out");
    let promote_full = if promoted {
        promoted_why
    } else if ro.get("status").is_none() {
        Some("the controller has not reported a status yet")
    } else if legacy(ro) && ro.pointer("/spec/strategy/blueGreen").is_some() {
        Some("Rollouts before v0.10 promote blue-green fully only through their service")
    } else {
        None
    };
    let steps = canary_steps(ro);
    let at_end = match steps {
        None => Some("it has no canary steps"),
        Some(n) if number(ro, "/status/currentStepIndex") == i64::try_from(n).ok() => {
            Some("every step is done")
        }
        Some(_) => None,
    };
    vec![
        choice(
            "promote",
            "go on to the next step (unpause)",
            promoted_why.or(aborted.then_some("it was aborted: retry it")),
        ),
        choice(
            "promote-full",
            "skip the remaining steps, analysis and pauses",
            promote_full,
        ),
        choice("skip-current-step", "go on past the current step", at_end),
        choice(
            "abort",
            "scale the canary down, back to the stable version",
            promoted_why.or(aborted.then_some("it is aborted already")),
        ),
        choice(
            "retry",
            "start an aborted update again",
            promoted_why.or((!aborted).then_some("it is not aborted")),
        ),
        choice(
            "pause",
            "stop at the current step",
            promoted_why
                .or(aborted.then_some("it is aborted"))
                .or(flag(ro, "/spec/paused").then_some("it is paused already")),
        ),
        choice(
            "resume",
            "clear the pause (as Argo CD's resume)",
            (!paused).then_some("it is not paused"),
        ),
        choice("restart", "replace every pod (rolling)", None),
    ]
}

/// The patches of `action` on `object`, refused with the reason when the
/// action does not apply now. `now` is the RFC 3339 time for restarts.
pub fn build(object: &Value, action: &str, now: &str) -> Result<ActionPatches, String> {
    let kind = ActionKind::of_object(object)
        .ok_or_else(|| format!("{} has no actions", text(object, "/kind")))?;
    let choice = choices(object)
        .into_iter()
        .find(|c| c.name == action)
        .ok_or_else(|| {
            format!(
                "a {} has no action {action:?}; its actions: {}",
                kind.kind(),
                kind.actions().join(", ")
            )
        })?;
    if let Some(why) = choice.disabled {
        return Err(why);
    }
    Ok(match (kind, action) {
        (ActionKind::Rollout, _) => rollout_patches(object, action, now),
        (ActionKind::Canary, "suspend") => ActionPatches::spec(json!({"spec": {"suspend": true}})),
        (ActionKind::Canary, "resume") => ActionPatches::spec(json!({"spec": {"suspend": false}})),
        (ActionKind::Canary, _) => ActionPatches::spec(json!({"spec": {"skipAnalysis": true}})),
        (ActionKind::Deployment, "restart") => ActionPatches::spec(json!({"spec": {"template": {
            "metadata": {"annotations": {RESTARTED_AT: now}}}}})),
        (ActionKind::Deployment, "pause") => ActionPatches::spec(json!({"spec": {"paused": true}})),
        (ActionKind::Deployment, _) => ActionPatches::spec(json!({"spec": {"paused": false}})),
    })
}

/// The next step index: the current one plus one, at most the step count.
fn next_step(ro: &Value) -> Option<i64> {
    let steps = i64::try_from(canary_steps(ro).filter(|n| *n > 0)?).ok()?;
    let index = number(ro, "/status/currentStepIndex").unwrap_or(0);
    Some(if index < steps { index + 1 } else { index })
}

fn rollout_patches(ro: &Value, action: &str, now: &str) -> ActionPatches {
    let user_paused = flag(ro, "/spec/paused");
    let conditions = ro
        .pointer("/status/pauseConditions")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty());
    let unpause = user_paused.then(|| json!({"spec": {"paused": false}}));
    match action {
        "promote" => promote(ro, unpause, conditions),
        "promote-full" if legacy(ro) => {
            let mut status = json!({"abort": null});
            if let Some(steps) = canary_steps(ro) {
                status["currentStepIndex"] = json!(steps);
            }
            ActionPatches::status(json!({"status": status}))
        }
        "promote-full" => ActionPatches {
            spec: unpause,
            status: Some(json!({"status": {"promoteFull": true}})),
            unified: Some(json!({"spec": {"paused": false}, "status": {"promoteFull": true}})),
        },
        "skip-current-step" => {
            let mut status = json!({"currentStepIndex": next_step(ro)});
            if conditions {
                status["pauseConditions"] = Value::Null;
            }
            ActionPatches::status(json!({"status": status}))
        }
        "abort" => ActionPatches::status(json!({"status": {"abort": true}})),
        "retry" => ActionPatches::status(json!({"status": {"abort": false}})),
        "pause" => ActionPatches::spec(json!({"spec": {"paused": true}})),
        "resume" => {
            let status = conditions.then(|| json!({"status": {"pauseConditions": null}}));
            let mut unified = json!({});
            if conditions {
                unified["status"] = json!({"pauseConditions": null});
            }
            if user_paused {
                unified["spec"] = json!({"paused": false});
            }
            ActionPatches {
                status,
                spec: unpause,
                unified: Some(unified),
            }
        }
        _ => ActionPatches::spec(json!({"spec": {"restartAt": now}})),
    }
}

/// One step on, as `kubectl argo rollouts promote` does: unpause, and clear
/// the pause conditions — or, mid-step without any (an analysis running),
/// move to the next step; an inconclusive analysis that paused the
/// controller is cleared and stepped past.
fn promote(ro: &Value, unpause: Option<Value>, conditions: bool) -> ActionPatches {
    let inconclusive = ro.pointer("/spec/strategy/canary").is_some()
        && text(ro, "/status/canary/currentStepAnalysisRunStatus/status") == "Inconclusive";
    let controller_paused = flag(ro, "/status/controllerPause");
    let mut patches = ActionPatches {
        spec: unpause,
        status: None,
        unified: Some(json!({"spec": {"paused": false}, "status": {"pauseConditions": null}})),
    };
    if inconclusive && conditions && controller_paused {
        if let Some(next) = next_step(ro) {
            patches.status = Some(json!({"status": {
                "pauseConditions": null, "controllerPause": false, "currentStepIndex": next}}));
        }
    } else if conditions {
        patches.status = Some(json!({"status": {"pauseConditions": null}}));
    } else if let Some(next) = next_step(ro) {
        patches.status =
            Some(json!({"status": {"pauseConditions": null, "currentStepIndex": next}}));
        patches.unified = Some(json!({"spec": {"paused": false},
            "status": {"pauseConditions": null, "currentStepIndex": next}}));
    }
    patches
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollout(status: Value) -> Value {
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
               "metadata": {"name": "web", "generation": 3},
               "spec": {"strategy": {"canary": {"steps": [
                   {"setWeight": 20}, {"pause": {}}, {"setWeight": 50}, {"pause": {"duration": 10}}]}}},
               "status": status})
    }

    #[test]
    fn promote_at_a_pause_step_clears_the_pause() {
        let ro = rollout(
            json!({"observedGeneration": "3", "currentPodHash": "b", "stableRS": "a",
            "currentStepIndex": 1, "pauseConditions": [{"reason": "CanaryPauseStep"}]}),
        );
        let p = build(&ro, "promote", "").unwrap();
        assert_eq!(p.status, Some(json!({"status": {"pauseConditions": null}})));
        assert_eq!(p.spec, None);
        assert_eq!(
            p.describe("Rollout/shop/web"),
            "patch Rollout/shop/web status subresource:\n  remove status.pauseConditions\n"
        );
    }

    #[test]
    fn promote_mid_step_moves_to_the_next_step_and_unpauses() {
        let mut ro = rollout(json!({"observedGeneration": "3", "currentPodHash": "b",
            "stableRS": "a", "currentStepIndex": 2}));
        ro["spec"]["paused"] = json!(true);
        let p = build(&ro, "promote", "").unwrap();
        assert_eq!(
            p.status,
            Some(json!({"status": {"pauseConditions": null, "currentStepIndex": 3}}))
        );
        assert_eq!(p.spec, Some(json!({"spec": {"paused": false}})));
    }

    #[test]
    fn a_fully_promoted_rollout_offers_restart_only() {
        let ro = rollout(json!({"observedGeneration": "3", "currentPodHash": "a",
            "stableRS": "a", "currentStepIndex": 4}));
        assert_eq!(available(&ro), ["restart"]);
        assert_eq!(
            build(&ro, "abort", "").unwrap_err(),
            "it runs its stable version: nothing to roll out"
        );
        assert!(
            build(&ro, "explode", "")
                .unwrap_err()
                .contains("no action \"explode\"")
        );
    }

    #[test]
    fn canary_and_deployment_actions_follow_their_state() {
        let canary = json!({"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
            "metadata": {"name": "podinfo"}, "spec": {"suspend": true}});
        assert_eq!(available(&canary), ["resume", "skip-analysis"]);
        let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web"}, "spec": {}});
        assert_eq!(available(&deploy), ["restart", "pause"]);
        let restart = build(&deploy, "restart", "2026-01-02T03:04:05Z").unwrap();
        assert_eq!(
            restart.spec,
            Some(json!({"spec": {"template": {"metadata": {"annotations": {
                RESTARTED_AT: "2026-01-02T03:04:05Z"}}}}}))
        );
        assert_eq!(ActionKind::parse("Deploy"), Some(ActionKind::Deployment));
        assert_eq!(ActionKind::parse("ro"), Some(ActionKind::Rollout));
    }
}
