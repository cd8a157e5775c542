//! Argo CD and Flux in the simulated cluster: the real CRDs of
//! `shared/interop/fixtures/crds` installed, fixture objects created with
//! their status, and small helpers to read them back.

use kube::api::{Api, DynamicObject, Patch, PatchParams, PostParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde_json::Value;
use std::path::Path;

/// The documents of a fixture file (leading `#` provenance lines are
/// comments to YAML anyway), `{{ .ns }}`-style templates not expanded.
pub fn documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::Deserializer::from_str(&text)
        .filter_map(|d| {
            let v: Value = serde::Deserialize::deserialize(d).ok()?;
            v.is_object().then_some(v)
        })
        .collect()
}

fn resource_of(object: &Value) -> ApiResource {
    let api_version = object["apiVersion"].as_str().unwrap();
    let kind = object["kind"].as_str().unwrap();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind))
}

/// An API for the kind of `object`, in its namespace (or cluster-wide).
pub fn api_for(client: &kube::Client, object: &Value) -> Api<DynamicObject> {
    let resource = resource_of(object);
    match object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
    {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    }
}

/// The CRDs of every file of `crds/` whose name contains one of `names`
/// (all with an empty list).
pub fn crd_documents(crds: &Path, names: &[&str]) -> Vec<Value> {
    let mut files: Vec<_> = std::fs::read_dir(crds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            names.is_empty() || names.iter().any(|w| n.contains(w))
        })
        .collect();
    files.sort();
    files.iter().flat_map(|f| documents(f)).collect()
}

/// Installs every CRD of `crds/` whose file name contains one of `names`
/// (all with an empty list) and waits until the API serves them.
pub async fn install_crds(client: &kube::Client, crds: &Path, names: &[&str]) {
    let mut served = Vec::new();
    for crd in crd_documents(crds, names) {
        let api = api_for(client, &crd);
        let object: DynamicObject = serde_json::from_value(crd.clone()).unwrap();
        api.create(&PostParams::default(), &object).await.unwrap();
        let group = crd["spec"]["group"].as_str().unwrap().to_string();
        let kind = crd["spec"]["names"]["kind"].as_str().unwrap().to_string();
        let plural = crd["spec"]["names"]["plural"].as_str().unwrap().to_string();
        let versions = crd["spec"]["versions"].as_array().unwrap();
        for version in versions.iter().filter(|v| v["served"] != false) {
            let version = version["name"].as_str().unwrap().to_string();
            served.push((group.clone(), version, kind.clone(), plural.clone()));
        }
    }
    // As on a real server, a new CRD is served a moment after it is created.
    for (group, version, kind, plural) in served {
        let resource = ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(&group, &version, &kind),
            &plural,
        );
        let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while api
            .list(&kube::api::ListParams::default().limit(1))
            .await
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "{plural}.{group}/{version} is not served"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

/// Creates a namespace (if missing).
pub async fn namespace(client: &kube::Client, name: &str) {
    let ns =
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
    let api = api_for(client, &ns);
    let object: DynamicObject = serde_json::from_value(ns).unwrap();
    let _ = api.create(&PostParams::default(), &object).await;
}

/// Creates `object` with its status: created, then (for kinds with a status
/// subresource) its status written through `/status`.
pub async fn create_with_status(client: &kube::Client, object: &Value) -> Value {
    try_create_with_status(client, object).await.unwrap()
}

/// [`create_with_status`], or the API server's refusal (a fixture that a
/// real server would not accept either).
pub async fn try_create_with_status(
    client: &kube::Client,
    object: &Value,
) -> Result<Value, kube::Error> {
    if let Some(ns) = object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
    {
        namespace(client, ns).await;
    }
    let api = api_for(client, object);
    let mut clean = object.clone();
    if let Some(meta) = clean.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("deletionTimestamp");
        meta.remove("resourceVersion");
        meta.remove("uid");
        meta.remove("creationTimestamp");
    }
    let dynamic: DynamicObject = serde_json::from_value(clean).unwrap();
    let created = api.create(&PostParams::default(), &dynamic).await?;
    let name = created.metadata.name.clone().unwrap();
    let mut out = serde_json::to_value(created).unwrap();
    if let Some(status) = object.get("status")
        && out.get("status") != Some(status)
    {
        let patch = serde_json::json!({"status": status});
        let patched = api
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await?;
        out = serde_json::to_value(patched).unwrap();
    }
    Ok(out)
}

/// The object as it is now.
pub async fn get(client: &kube::Client, like: &Value) -> Value {
    let api = api_for(client, like);
    let name = like["metadata"]["name"].as_str().unwrap();
    serde_json::to_value(api.get(name).await.unwrap()).unwrap()
}
