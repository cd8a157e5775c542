//! Argo CD Applications found in Git → tether apps (DESIGN.md §6): the
//! source's URL to a local checkout, the destination to a context, the
//! sync policy and ignore rules carried over. Rendering as the
//! repo-server does is `crate::argocd`'s.

use super::{Context, Mapped};
use crate::model::{
    AppEngine, AppOrigin, AppOriginKind, AppSpec, AutomatedPolicy, DestinationSpec,
    IgnoreDifference, RepoMapping, Revision, SourceSpec, SyncPolicy, Tracking,
};
use serde_json::Value;
use std::sync::Arc;

/// An Application as a tether app. Problems (an unmapped repository or
/// cluster) leave the app in place with `origin.problem` set.
pub fn map_application(object: &Value, found_in: &str, manage: bool, cx: &Context) -> Mapped {
    let str_at = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or("");
    let name = str_at("/metadata/name").to_string();
    let namespace = match str_at("/metadata/namespace") {
        "" => cx.argocd.namespace.clone(),
        ns => ns.to_string(),
    };
    let mut problems = Vec::new();
    let source = primary_source(object);
    let repo_url = source
        .and_then(|s| s.get("repoURL"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let path = source
        .and_then(|s| s.get("path"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let target = source
        .and_then(|s| s.get("targetRevision"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let checkout = match cx.repos.checkout(repo_url) {
        Some(p) => p.to_path_buf(),
        None => {
            problems.push(if repo_url.is_empty() {
                "the Application has no source.repoURL".to_string()
            } else {
                missing_checkout("source.repoURL", repo_url)
            });
            Default::default()
        }
    };
    let mut checkouts = Vec::new();
    for (at, source) in all_sources(object) {
        let url = source.get("repoURL").and_then(Value::as_str).unwrap_or("");
        if let Some(chart) = source.get("chart").and_then(Value::as_str) {
            problems.push(format!(
                "{at}.chart {chart:?} comes from a Helm repository, which tether does not pull; vendor it into a Git folder and point the Application's source at it"
            ));
        }
        match cx.repos.checkout(url) {
            Some(path) => checkouts.push(RepoMapping {
                url: url.to_string(),
                path: path.to_path_buf(),
            }),
            None if url == repo_url => {}
            None => problems.push(missing_checkout(&format!("{at}.repoURL"), url)),
        }
    }
    let context = match cx.clusters.argo_destination(
        str_at("/spec/destination/server"),
        str_at("/spec/destination/name"),
    ) {
        Ok(c) => c,
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let dest_ns = str_at("/spec/destination/namespace").to_string();
    let app_id = if namespace == cx.argocd.namespace {
        name.clone()
    } else {
        format!("{namespace}_{name}")
    };
    let spec = AppSpec {
        name: name.clone(),
        project: Some(match str_at("/spec/project") {
            "" => "default".to_string(),
            p => p.to_string(),
        }),
        source: SourceSpec {
            repo: checkout,
            path: path.trim_matches('/').to_string(),
            revision: git_revision(target),
            helm: None,
        },
        destination: DestinationSpec {
            context,
            namespace: (!dest_ns.is_empty()).then(|| dest_ns.clone()),
        },
        sync_policy: sync_policy(object, manage),
        ignore_differences: ignore_differences(object),
        render: Default::default(),
        origin: None,
    };
    let origin = AppOrigin {
        engine: AppEngine::Argocd,
        origin: AppOriginKind::Git,
        kind: "Application".to_string(),
        namespace,
        name,
        found_in: found_in.to_string(),
        manage,
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
        object: object.clone(),
        related: Arc::clone(&cx.related),
        parent: None,
        home_context: cx.home_context.clone(),
        git_ref: None,
        tracking: Tracking::Argocd {
            method: cx.argocd.tracking_method,
            app_id,
            instance_label_key: cx.argocd.instance_label_key.clone(),
            namespace: dest_ns,
        },
        argocd: cx.argocd.clone(),
        checkouts,
    };
    Mapped { spec, origin }
}

fn missing_checkout(field: &str, url: &str) -> String {
    format!(
        "{field} {url} has no local checkout: add `repos: [{{url: {url}, path: ./CHECKOUT}}]` to tether.yaml"
    )
}

/// Every source with where it is written: `spec.source`, or each of
/// `spec.sources` (which wins when both are set, as in Argo CD).
fn all_sources(object: &Value) -> Vec<(String, &Value)> {
    match object.pointer("/spec/sources").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => list
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("spec.sources[{i}]"), s))
            .collect(),
        _ => object
            .pointer("/spec/source")
            .map(|s| vec![("spec.source".to_string(), s)])
            .unwrap_or_default(),
    }
}

/// `spec.source`, or the first of `spec.sources` that has a path (the
/// others only lend files through `ref`).
fn primary_source(object: &Value) -> Option<&Value> {
    let sources = all_sources(object);
    sources
        .iter()
        .find(|(_, s)| s.get("path").is_some())
        .or_else(|| sources.first())
        .map(|(_, s)| *s)
}

/// `targetRevision` as a revision of the local checkout: empty is `HEAD`.
pub fn git_revision(target: &str) -> Revision {
    match target.trim() {
        "" => Revision::default(),
        other => Revision::Git(other.to_string()),
    }
}

/// The Application's automated policy, carried only when tether manages
/// the app: otherwise Argo CD syncs it and tether never does.
fn sync_policy(object: &Value, manage: bool) -> Option<SyncPolicy> {
    let policy = object.pointer("/spec/syncPolicy")?;
    let automated = policy.get("automated").filter(|a| {
        manage && !a.is_null() && a.get("enabled").and_then(Value::as_bool) != Some(false)
    });
    let flag = |a: &Value, k: &str| a.get(k).and_then(Value::as_bool).unwrap_or(false);
    let sync_options = policy
        .get("syncOptions")
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Some(SyncPolicy {
        automated: automated.map(|a| AutomatedPolicy {
            prune: flag(a, "prune"),
            self_heal: flag(a, "selfHeal"),
        }),
        sync_options,
    })
}

fn ignore_differences(object: &Value) -> Vec<IgnoreDifference> {
    let Some(rules) = object
        .pointer("/spec/ignoreDifferences")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let strings = |r: &Value, k: &str| -> Vec<String> {
        r.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let text = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
    rules
        .iter()
        .map(|r| IgnoreDifference {
            group: text(r, "group").unwrap_or_default(),
            kind: text(r, "kind").unwrap_or_default(),
            name: text(r, "name"),
            namespace: text(r, "namespace"),
            json_pointers: strings(r, "jsonPointers"),
            jq_path_expressions: strings(r, "jqPathExpressions"),
            managed_fields_managers: strings(r, "managedFieldsManagers"),
        })
        .collect()
}
