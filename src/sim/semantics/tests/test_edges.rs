//! Cases the recording does not cover: several conflicts, patch
//! directives, allocated values on update, subresource ownership.

use super::super::{
    KindInfo, SemanticError, apply, default_object, json_patch, record_update, strategic_merge,
    validate,
};
use serde_json::{Value, json};

const NOW: &str = "2026-11-22T05:00:00Z";

fn kind(group: &'static str, version: &'static str, kind: &'static str) -> KindInfo<'static> {
    KindInfo {
        group,
        version,
        kind,
        plural: "things",
        namespaced: true,
        schema: None,
    }
}

fn deployment(replicas: i64, image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "ns"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "d"}},
            "template": {"metadata": {"labels": {"app": "d"}},
                "spec": {"containers": [{"name": "app", "image": image}]}}}})
}

#[test]
fn several_conflicts_are_listed_per_manager() {
    let k = kind("apps", "v1", "Deployment");
    let live = apply(&k, None, &deployment(2, "nginx:1"), "a", false, NOW).unwrap();
    let err = apply(&k, Some(&live), &deployment(3, "nginx:2"), "b", false, NOW).unwrap_err();
    let SemanticError::Conflict { message, causes } = err else {
        panic!("expected a conflict");
    };
    assert_eq!(
        message,
        "Apply failed with 2 conflicts: conflicts with \"a\":\n- .spec.replicas\n- .spec.template.spec.containers[name=\"app\"].image"
    );
    assert_eq!(causes.len(), 2);
    let forced = apply(&k, Some(&live), &deployment(3, "nginx:2"), "b", true, NOW).unwrap();
    assert_eq!(forced["spec"]["replicas"], 3);
    let owners: Vec<&Value> = forced["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["manager"])
        .collect();
    assert_eq!(owners, vec!["a", "b"]);
}

#[test]
fn released_list_items_are_removed() {
    let k = kind("apps", "v1", "Deployment");
    let mut two = deployment(1, "nginx:1");
    two["spec"]["template"]["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "side", "image": "busybox"}));
    let live = apply(&k, None, &two, "a", false, NOW).unwrap();
    let out = apply(&k, Some(&live), &deployment(1, "nginx:1"), "a", false, NOW).unwrap();
    let names: Vec<&Value> = out["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(names, vec!["app"]);
}

#[test]
fn smp_directives() {
    let k = kind("apps", "v1", "Deployment");
    let mut live = deployment(1, "nginx:1");
    live["metadata"]["finalizers"] = json!(["a", "b"]);
    live["spec"]["template"]["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "side", "image": "busybox"}));
    let patch = json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]},
        "spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"},
            "template": {"spec": {"$setElementOrder/containers": [{"name": "side"}, {"name": "app"}],
                "containers": [{"name": "app", "image": "nginx:2"}]}}}});
    live["spec"]["strategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}});
    let out = strategic_merge(&k, &live, &patch).unwrap();
    assert_eq!(out["metadata"]["finalizers"], json!(["b"]));
    assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
    let containers = &out["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers[0]["name"], "side");
    assert_eq!(containers[1]["image"], "nginx:2");
    let replace = json!({"spec": {"template": {"spec": {"containers": [
        {"$patch": "replace"}, {"name": "only", "image": "x"}]}}}});
    let out = strategic_merge(&k, &live, &replace).unwrap();
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "only", "image": "x"}])
    );
}

#[test]
fn service_update_keeps_allocated_ip_and_node_port() {
    let k = kind("", "v1", "Service");
    let mut svc = json!({"metadata": {"name": "s"}, "spec": {"type": "NodePort",
        "ports": [{"port": 80}]}});
    default_object(&k, &mut svc, None);
    let ip = svc["spec"]["clusterIP"].clone();
    let np = svc["spec"]["ports"][0]["nodePort"].clone();
    assert!(ip.as_str().unwrap().starts_with("10."));
    assert!((30000..=32767).contains(&np.as_i64().unwrap()));
    let mut put = json!({"metadata": {"name": "s"}, "spec": {"type": "NodePort",
        "ports": [{"port": 80}]}});
    default_object(&k, &mut put, Some(&svc));
    assert_eq!(put["spec"]["clusterIP"], ip);
    assert_eq!(put["spec"]["ports"][0]["nodePort"], np);
    let mut again = put.clone();
    default_object(&k, &mut again, Some(&put));
    assert_eq!(again, put);
}

#[test]
fn pod_defaults_are_idempotent_and_latest_pulls_always() {
    let k = kind("", "v1", "Pod");
    let mut pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "a", "image": "nginx"}]}});
    default_object(&k, &mut pod, None);
    assert_eq!(pod["spec"]["containers"][0]["imagePullPolicy"], "Always");
    let vol = pod["spec"]["volumes"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(vol.starts_with("kube-api-access-") && vol.len() == 21);
    let mut again = pod.clone();
    default_object(&k, &mut again, Some(&pod));
    assert_eq!(again, pod);
}

#[test]
fn status_writes_own_status_only() {
    let k = kind("apps", "v1", "Deployment");
    let live = apply(&k, None, &deployment(1, "nginx:1"), "a", false, NOW).unwrap();
    let mut new = live.clone();
    new["status"] = json!({"replicas": 1});
    record_update(&k, Some(&live), &mut new, "kcm", Some("status"), NOW);
    let e = &new["metadata"]["managedFields"][1];
    assert_eq!(e["subresource"], "status");
    assert_eq!(e["fieldsV1"], json!({"f:status": {"f:replicas": {}}}));
}

#[test]
fn json_patch_move_copy_remove() {
    let t = json!({"a": {"x": 1}, "b": [1, 2, 3]});
    let p = json!([{"op": "move", "from": "/a/x", "path": "/c"},
        {"op": "copy", "from": "/b/0", "path": "/b/-"},
        {"op": "remove", "path": "/b/1"}]);
    assert_eq!(
        json_patch(&t, &p).unwrap(),
        json!({"a": {}, "b": [1, 3, 1], "c": 1})
    );
}

#[test]
fn service_names_are_dns1035_labels() {
    let k = kind("", "v1", "Service");
    let svc = json!({"metadata": {"name": "1abc"}, "spec": {"ports": [{"port": 80}]}});
    let Err(SemanticError::Invalid { causes }) = validate(&k, &svc, None) else {
        panic!("expected invalid");
    };
    assert_eq!(causes[0].field, "metadata.name");
    assert!(causes[0].message.contains("DNS-1035"));
}

#[test]
fn list_items_without_or_with_duplicate_keys_fail_apply() {
    let k = kind("apps", "v1", "Deployment");
    let mut d = deployment(1, "nginx:1");
    d["spec"]["template"]["spec"]["containers"] = json!([{"image": "x"}]);
    let Err(SemanticError::Internal { message }) = apply(&k, None, &d, "a", false, NOW) else {
        panic!("expected an error");
    };
    assert_eq!(
        message,
        "failed to create typed patch object (ns/d; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field \"name\" (and doesn't have default value)"
    );
    d["spec"]["template"]["spec"]["containers"] =
        json!([{"name": "a", "image": "x"}, {"name": "a", "image": "y"}]);
    let Err(SemanticError::Internal { message }) = apply(&k, None, &d, "a", false, NOW) else {
        panic!("expected an error");
    };
    assert!(
        message.ends_with(".spec.template.spec.containers: duplicate entries for key [name=\"a\"]")
    );
}

#[test]
fn workload_and_custom_resource_validation() {
    let k = kind("apps", "v1", "Deployment");
    let mut d = deployment(-1, "");
    d["metadata"]["labels"] = json!({"ok": "bad value!"});
    let Err(SemanticError::Invalid { causes }) = validate(&k, &d, None) else {
        panic!("expected invalid");
    };
    let fields: Vec<&str> = causes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "metadata.labels",
            "spec.replicas",
            "spec.template.spec.containers[0].image"
        ]
    );
    let schema = json!({"type": "object", "required": ["spec"], "properties": {
        "spec": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 3}}}}});
    let cr = KindInfo {
        schema: Some(&schema),
        ..kind("example.com", "v1", "Thing")
    };
    let Err(SemanticError::Invalid { causes }) =
        validate(&cr, &json!({"metadata": {"name": "t"}}), None)
    else {
        panic!("expected invalid");
    };
    assert_eq!(causes[0].field, "spec");
    let long = json!({"metadata": {"name": "t"}, "spec": {"name": "abcd"}});
    let Err(SemanticError::Invalid { causes }) = validate(&cr, &long, None) else {
        panic!("expected invalid");
    };
    assert_eq!(causes[0].message, "Too long: may not be longer than 3");
}

#[test]
fn update_creating_lists_owns_the_list_itself() {
    let k = kind("", "v1", "PersistentVolumeClaim");
    let mut pvc = json!({"metadata": {"name": "p"}, "spec": {"accessModes": ["ReadWriteOnce"]}});
    default_object(&k, &mut pvc, None);
    record_update(&k, None, &mut pvc, "kubectl", None, NOW);
    let fields = &pvc["metadata"]["managedFields"][0]["fieldsV1"];
    assert_eq!(
        fields["f:metadata"]["f:finalizers"],
        json!({".": {}, "v:\"kubernetes.io/pvc-protection\"": {}})
    );
}
