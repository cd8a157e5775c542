//! Engine benchmarks: the compare step of a status refresh for 10,000 live
//! objects read from a warm live cache, the diff of an app with 1,000
//! resources, and rendering 1,000 Kustomize apps from one revision.
//! Run: `cargo bench --bench engine`.

use criterion::{Criterion, criterion_group, criterion_main};
use kube::api::DynamicObject;
use kube::core::{ApiResource, GroupVersionKind};
use serde_json::{Value, json};
use std::hint::black_box;
use tether::cluster::KindCache;
use tether::diff::{changed_paths, strip_noise, to_yaml, unified};
use tether::engine::{compare_resource, summarize};
use tether::model::{AppSpec, FileTree};
use tether::render::render;

fn desired_deployment(i: usize) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": format!("web-{i}"), "namespace": "shop", "labels": {"app": format!("web-{i}"), "tether.dev/app": "shop"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": format!("web-{i}")}},
            "template": {"metadata": {"labels": {"app": format!("web-{i}")}},
                "spec": {"containers": [{"name": "web", "image": "ghcr.io/example/web:1.0.0",
                    "ports": [{"containerPort": 8080}], "env": [{"name": "MODE", "value": "prod"}]}]}}}})
}

/// The live form: server defaults, status and managedFields added.
fn live_deployment(i: usize, drift: bool) -> Value {
    let mut live = desired_deployment(i);
    live["metadata"]["uid"] = json!(format!("00000000-0000-0000-0000-{i:012}"));
    live["metadata"]["resourceVersion"] = json!(format!("{}", 1000 + i));
    live["metadata"]["generation"] = json!(1);
    live["metadata"]["creationTimestamp"] = json!("2026-11-22T05:00:00Z");
    live["metadata"]["managedFields"] = json!([{"manager": "tether", "operation": "Apply", "apiVersion": "apps/v1",
        "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
            "k:{\"name\":\"web\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}}]);
    let spec = &mut live["spec"];
    spec["strategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}});
    spec["revisionHistoryLimit"] = json!(10);
    spec["progressDeadlineSeconds"] = json!(600);
    let pod = &mut spec["template"]["spec"];
    pod["restartPolicy"] = json!("Always");
    pod["terminationGracePeriodSeconds"] = json!(30);
    pod["dnsPolicy"] = json!("ClusterFirst");
    pod["schedulerName"] = json!("default-scheduler");
    let c = &mut pod["containers"][0];
    c["imagePullPolicy"] = json!("IfNotPresent");
    c["terminationMessagePath"] = json!("/dev/termination-log");
    c["terminationMessagePolicy"] = json!("File");
    c["ports"][0]["protocol"] = json!("TCP");
    if drift {
        live["spec"]["replicas"] = json!(5);
    }
    live["status"] = json!({"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
        "availableReplicas": 2, "conditions": [{"type": "Available", "status": "True"}]});
    live
}

fn app() -> AppSpec {
    serde_yaml::from_str(
        "name: shop\nsource: {repo: ., path: apps/shop}\ndestination: {namespace: shop}\n",
    )
    .unwrap_or_else(|e| unreachable!("fixture app: {e}"))
}

/// A status refresh of 10,000 resources against a warm cache: look each
/// desired object up in the reflector store, compare, assess health, roll
/// up the app.
fn status_refresh(c: &mut Criterion) {
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk("apps", "v1", "Deployment"));
    let desired: Vec<Value> = (0..10_000).map(desired_deployment).collect();
    let live: Vec<DynamicObject> = (0..10_000)
        .map(|i| {
            serde_json::from_value(live_deployment(i, i % 100 == 0))
                .unwrap_or_else(|e| unreachable!("{e}"))
        })
        .collect();
    let cache = KindCache::from_objects(resource, live);
    let app = app();
    c.bench_function("status refresh, 10,000 resources, warm cache", |b| {
        b.iter(|| {
            let resources: Vec<_> = desired
                .iter()
                .map(|d| {
                    let name = d["metadata"]["name"].as_str().unwrap_or_default();
                    let live = cache.get(Some("shop"), name);
                    compare_resource(d, live.as_deref(), &app.ignore_differences)
                })
                .collect();
            black_box(summarize(&app, "prod", String::new(), resources))
        })
    });
}

/// The diff of an app with 1,000 resources, 10% drifted, from predicted
/// and live objects already in memory.
fn app_diff(c: &mut Criterion) {
    let pairs: Vec<(Value, Value)> = (0..1_000)
        .map(|i| (live_deployment(i, false), live_deployment(i, i % 10 == 0)))
        .collect();
    c.bench_function("diff, app of 1,000 resources", |b| {
        b.iter(|| {
            let mut changed = 0;
            for (predicted, live) in &pairs {
                let (p, l) = (strip_noise(predicted), strip_noise(live));
                if p != l {
                    changed += changed_paths(&l, &p).len();
                    let text = unified(&to_yaml(Some(&l)), &to_yaml(Some(&p)), "Deployment");
                    black_box(text);
                }
            }
            black_box(changed)
        })
    });
}

/// One repository revision holding 1,000 apps: Kustomize overlays over
/// ten shared bases (a Deployment, Service and ConfigMap each, with a name
/// prefix, labels, an image override and a generated ConfigMap).
fn thousand_apps() -> FileTree {
    let mut tree = FileTree::new();
    for b in 0..10 {
        let base = format!("bases/svc-{b}");
        tree.insert(
            format!("{base}/kustomization.yaml"),
            "resources: [deployment.yaml, service.yaml, configmap.yaml]\n",
        );
        tree.insert(
            format!("{base}/deployment.yaml"),
            serde_yaml::to_string(&desired_deployment(b)).unwrap_or_default(),
        );
        tree.insert(
            format!("{base}/service.yaml"),
            format!("apiVersion: v1\nkind: Service\nmetadata: {{name: web-{b}}}\nspec:\n  selector: {{app: web-{b}}}\n  ports: [{{port: 80, targetPort: 8080}}]\n"),
        );
        tree.insert(
            format!("{base}/configmap.yaml"),
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: web-{b}-settings}}\ndata: {{MODE: base}}\n"),
        );
    }
    for a in 0..1_000 {
        tree.insert(
            format!("apps/app-{a}/kustomization.yaml"),
            format!(
                "resources: [../../bases/svc-{}]\nnamePrefix: a{a}-\nnamespace: team-{}\ncommonLabels: {{app.kubernetes.io/part-of: app-{a}}}\nimages:\n- name: ghcr.io/example/web\n  newTag: 1.{a}.0\nconfigMapGenerator:\n- name: flags\n  literals: [APP=app-{a}]\n",
                a % 10,
                a % 40
            ),
        );
    }
    tree
}

/// Rendering 1,000 apps from one revision, in process.
fn render_thousand_apps(c: &mut Criterion) {
    let tree = thousand_apps();
    c.bench_function("render 1,000 kustomize apps from one revision", |b| {
        b.iter(|| {
            let mut objects = 0;
            for a in 0..1_000 {
                let rendered = render(&tree, &format!("apps/app-{a}")).unwrap_or_default();
                objects += rendered.len();
            }
            assert_eq!(objects, 4_000);
            black_box(objects)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = status_refresh, app_diff, render_thousand_apps
}
criterion_main!(benches);
