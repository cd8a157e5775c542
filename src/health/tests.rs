use super::*;
use serde_json::json;

fn deploy(status: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "generation": 2},
           "spec": {"replicas": 2}, "status": status})
}

#[test]
fn deployment_rollout_states() {
    let done = deploy(
        json!({"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2,
                             "availableReplicas": 2, "readyReplicas": 2}),
    );
    assert_eq!(assess(&done).status, HealthStatus::Healthy);
    let stale = deploy(json!({"observedGeneration": 1}));
    assert_eq!(assess(&stale).status, HealthStatus::Progressing);
    let rolling = deploy(
        json!({"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2,
                                "availableReplicas": 1}),
    );
    let h = assess(&rolling);
    assert_eq!(h.status, HealthStatus::Progressing);
    assert!(
        h.message.contains("1 of 2 updated replicas"),
        "{}",
        h.message
    );
    let stuck = deploy(json!({"observedGeneration": 2, "conditions": [
        {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}));
    assert_eq!(assess(&stuck).status, HealthStatus::Degraded);
}

#[test]
fn paused_deployment_is_suspended() {
    let mut d = deploy(json!({}));
    d["spec"]["paused"] = json!(true);
    assert_eq!(assess(&d).status, HealthStatus::Suspended);
}

#[test]
fn crash_looping_pod_is_degraded() {
    let p = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"restartPolicy": "Always"},
        "status": {"phase": "Running", "containerStatuses": [
            {"name": "app", "ready": false, "restartCount": 5,
             "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}}}]}});
    let h = assess(&p);
    assert_eq!(h.status, HealthStatus::Degraded);
    assert!(h.message.contains("CrashLoopBackOff"));
}

#[test]
fn ready_pod_is_healthy() {
    let p = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"restartPolicy": "Always"},
        "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true}]}});
    assert_eq!(assess(&p).status, HealthStatus::Healthy);
}

#[test]
fn job_and_custom_resources() {
    let j = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
        "status": {"conditions": [{"type": "Complete", "status": "True"}]}});
    assert_eq!(assess(&j).status, HealthStatus::Healthy);
    let cr = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
        "status": {"conditions": [{"type": "Ready", "status": "False", "message": "no backend"}]}});
    let h = assess(&cr);
    assert_eq!(
        (h.status, h.message.as_str()),
        (HealthStatus::Degraded, "no backend")
    );
}

#[test]
fn worst_picks_the_most_severe() {
    use HealthStatus::*;
    assert_eq!(worst([Healthy, Progressing, Suspended]), Progressing);
    assert_eq!(worst([Missing, Degraded]), Degraded);
    assert_eq!(worst([]), Healthy);
}
