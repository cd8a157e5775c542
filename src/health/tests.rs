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

#[test]
fn statefulset_partitioned_rollout() {
    let s = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "generation": 1},
        "spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}},
        "status": {"observedGeneration": 1, "readyReplicas": 3, "updatedReplicas": 0}});
    assert_eq!(assess(&s).status, HealthStatus::Progressing);
    let mut done = s.clone();
    done["status"]["updatedReplicas"] = json!(1);
    assert_eq!(assess(&done).status, HealthStatus::Healthy);
}

#[test]
fn daemonset_and_replicaset() {
    let ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "a", "generation": 1},
        "status": {"observedGeneration": 1, "desiredNumberScheduled": 2, "updatedNumberScheduled": 2, "numberAvailable": 1}});
    assert_eq!(assess(&ds).status, HealthStatus::Progressing);
    let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r", "generation": 1},
        "spec": {"replicas": 1}, "status": {"observedGeneration": 1, "availableReplicas": 1}});
    assert_eq!(assess(&rs).status, HealthStatus::Healthy);
}

#[test]
fn pod_states() {
    let pending = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "status": {"phase": "Pending"}});
    assert_eq!(assess(&pending).status, HealthStatus::Progressing);
    let pull = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "status": {"phase": "Pending",
        "containerStatuses": [{"name": "a", "ready": false, "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}});
    assert_eq!(assess(&pull).status, HealthStatus::Degraded);
    let oom = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "status": {"phase": "Running",
        "containerStatuses": [{"name": "a", "ready": false, "lastState": {"terminated": {"reason": "OOMKilled"}}, "state": {"running": {}}}]}});
    assert_eq!(assess(&oom).status, HealthStatus::Degraded);
    let done = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"restartPolicy": "Never"}, "status": {"phase": "Succeeded"}});
    assert_eq!(assess(&done).status, HealthStatus::Healthy);
    let failed = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "status": {"phase": "Failed", "message": "boom"}});
    assert_eq!(assess(&failed), Health::new(HealthStatus::Degraded, "boom"));
}

#[test]
fn other_kinds() {
    let failed_job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
        "status": {"conditions": [{"type": "Failed", "status": "True", "message": "BackoffLimitExceeded"}]}});
    assert_eq!(assess(&failed_job).status, HealthStatus::Degraded);
    let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"suspend": true}});
    assert_eq!(assess(&cron).status, HealthStatus::Suspended);
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c"}, "status": {"phase": "Pending"}});
    assert_eq!(assess(&pvc).status, HealthStatus::Progressing);
    let lost = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c"}, "status": {"phase": "Lost"}});
    assert_eq!(assess(&lost).status, HealthStatus::Degraded);
    let lb = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {}}});
    assert_eq!(assess(&lb).status, HealthStatus::Progressing);
    let ing = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"},
        "status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}]}}});
    assert_eq!(assess(&ing).status, HealthStatus::Healthy);
    let hpa = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
        "status": {"conditions": [{"type": "AbleToScale", "status": "True"},
            {"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric", "message": "no metrics"}]}});
    assert_eq!(
        assess(&hpa),
        Health::new(HealthStatus::Degraded, "no metrics")
    );
    let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"},
        "status": {"conditions": [{"type": "DisruptionAllowed", "status": "True"}]}});
    assert_eq!(assess(&pdb).status, HealthStatus::Healthy);
    let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "c"},
        "status": {"conditions": [{"type": "Established", "status": "True"}]}});
    assert_eq!(assess(&crd).status, HealthStatus::Healthy);
    let api = json!({"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": "a"},
        "status": {"conditions": [{"type": "Available", "status": "False", "message": "unreachable"}]}});
    assert_eq!(assess(&api).status, HealthStatus::Progressing);
    let stale_cr = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "generation": 2},
        "status": {"observedGeneration": 1, "conditions": [{"type": "Ready", "status": "True"}]}});
    assert_eq!(assess(&stale_cr).status, HealthStatus::Progressing);
}

#[test]
fn argo_cd_applications_report_their_own_health() {
    let app = |health: Value| {
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                                     "metadata": {"name": "child"}, "status": health})
    };
    let degraded = assess(&app(
        json!({"health": {"status": "Degraded", "message": "pod crash"}}),
    ));
    assert_eq!(
        (degraded.status, degraded.message.as_str()),
        (HealthStatus::Degraded, "pod crash")
    );
    assert_eq!(
        assess(&app(json!({"health": {"status": "Missing"}}))).status,
        HealthStatus::Missing
    );
    assert_eq!(assess(&app(json!({}))).status, HealthStatus::Progressing);
    assert_eq!(
        assess(&app(json!({"health": {"status": "Weird"}}))).status,
        HealthStatus::Unknown
    );
}
