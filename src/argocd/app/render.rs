//! Rendering a plan: every source through its tool, then what the
//! repo-server and the controller do to the objects before they are
//! applied (`GenerateManifests`, `NormalizeTargetObjects`): lists
//! flattened, the tracking annotation/label set, the destination
//! namespace filled in, a cluster-scoped object's namespace removed, and
//! duplicates reduced to the last one.

use super::objects::{ObjectPolicy, object_policy};
use super::{RenderPlan, Tool, ToolBlock, env, helm, kustomize};
use crate::argocd::ArgoError;
use crate::argocd::appset::RepoSource;
use crate::argocd::tracking::{is_crd, set_tracking};
use crate::model::ResourceKey;
use serde_json::Value;

/// The objects of an Application as Argo CD would apply them.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedApp {
    pub objects: Vec<Value>,
    /// The sync policy of each object (same order).
    pub policies: Vec<ObjectPolicy>,
    /// The tool and resolved revision of each rendered source.
    pub sources: Vec<(Tool, String)>,
    /// Conditions Argo CD would raise (`RepeatedResourceWarning`).
    pub warnings: Vec<String>,
}

/// Renders every source of `plan` from `repos`. `is_namespaced(group,
/// kind)` says how a kind is scoped (unknown kinds: namespaced, as Argo
/// CD assumes).
pub fn render(
    plan: &RenderPlan,
    repos: &dyn RepoSource,
    is_namespaced: &dyn Fn(&str, &str) -> bool,
) -> Result<RenderedApp, ArgoError> {
    let fail = |m: String| ArgoError::App {
        app: plan.name.clone(),
        message: m,
    };
    kustomize::check_build_options(&plan.settings.kustomize_build_options).map_err(&fail)?;
    let mut objects = Vec::new();
    let mut sources = Vec::new();
    for source in &plan.sources {
        let at = if plan.multi_source {
            format!("spec.sources[{}]", source.index)
        } else {
            "spec.source".to_string()
        };
        let err = |m: String| fail(format!("{at} ({} {}): {m}", source.repo_url, source.path));
        let tree = repos
            .tree(&source.repo_url, &source.target_revision)
            .map_err(&err)?;
        let revision = repos
            .revision(&source.repo_url, &source.target_revision)
            .map_err(&err)?;
        let dir = source.dir();
        if !dir.is_empty() && !tree.has(&dir) {
            return Err(err(format!("app path does not exist: {dir}")));
        }
        let overrides: Vec<(String, &[u8])> = [
            ".argocd-source.yaml".to_string(),
            format!(".argocd-source-{}.yaml", plan.instance),
        ]
        .into_iter()
        .filter_map(|f| {
            let path = if dir.is_empty() {
                f.clone()
            } else {
                format!("{dir}/{f}")
            };
            tree.get(&path).map(|b| (path, b))
        })
        .collect();
        let overridden;
        let source = if overrides.is_empty() {
            source
        } else {
            overridden = super::spec::with_overrides(source, &overrides, &at).map_err(&err)?;
            &overridden
        };
        let tool = source.tool_for(&tree);
        let env = env::build_env(
            &plan.instance,
            &plan.destination.namespace,
            &plan.project,
            &revision,
            &source.repo_url,
            &source.path,
            &source.target_revision,
        );
        let rendered = match (tool, &source.tool) {
            (Tool::Helm, block) => {
                let default = super::HelmSource::default();
                let helm_source = match block {
                    ToolBlock::Helm(h) => h,
                    _ => &default,
                };
                let input = helm::HelmInput {
                    tree: &tree,
                    dir: &dir,
                    helm: helm_source,
                    app_name: &plan.name,
                    dest_namespace: &plan.destination.namespace,
                    env: &env,
                    refs: &plan.refs,
                    repos,
                    kube_version: plan.settings.kube_version.as_deref(),
                    api_versions: &plan.settings.api_versions,
                };
                let options = helm::options(&input).map_err(&err)?;
                crate::render::helm::template(&tree, &dir, &options)
                    .map_err(|e| err(e.to_string()))?
            }
            (Tool::Kustomize, block) => {
                let edited = match block {
                    ToolBlock::Kustomize(k) => {
                        kustomize::apply_overrides(&tree, &dir, k, &env).map_err(&err)?
                    }
                    _ => None,
                };
                let build_tree = edited.as_ref().unwrap_or(&tree);
                crate::render::kustomize::build(build_tree, &dir).map_err(|e| err(e.to_string()))?
            }
            (Tool::Directory, block) => {
                let default = super::DirectorySource::default();
                let opts = match block {
                    ToolBlock::Directory(d) => d,
                    _ => &default,
                };
                super::directory::render(&tree, &dir, opts).map_err(&err)?
            }
        };
        for obj in rendered {
            flatten_into(&mut objects, obj);
        }
        sources.push((tool, revision));
    }
    let settings = &plan.settings.tracking;
    let dest_ns = &plan.destination.namespace;
    for obj in &mut objects {
        if !is_crd(obj) {
            set_tracking(obj, &plan.instance, dest_ns, settings).map_err(&fail)?;
        }
    }
    let (objects, warnings) = normalize(objects, plan, is_namespaced).map_err(&fail)?;
    let policies = objects
        .iter()
        .map(|o| object_policy(o).map_err(|e| fail(format!("{}: {e}", describe(o)))))
        .collect::<Result<_, _>>()?;
    Ok(RenderedApp {
        objects,
        policies,
        sources,
        warnings,
    })
}

/// A list object (one with an `items` list) becomes its items.
fn flatten_into(out: &mut Vec<Value>, obj: Value) {
    match obj.get("items") {
        Some(Value::Array(items)) => {
            for item in items.clone() {
                flatten_into(out, item);
            }
        }
        Some(Value::Null) if obj.get("spec").is_none() && obj.get("status").is_none() => {}
        _ => out.push(obj),
    }
}

fn describe(obj: &Value) -> String {
    ResourceKey::from_object(obj).map_or_else(
        || "an object without kind or name".to_string(),
        |k| k.to_string(),
    )
}

/// `NormalizeTargetObjects`: namespaces set or cleared by scope (the
/// tracking set again when it changed), then one object per key — the
/// last — with a warning naming each repeated key.
fn normalize(
    objects: Vec<Value>,
    plan: &RenderPlan,
    is_namespaced: &dyn Fn(&str, &str) -> bool,
) -> Result<(Vec<Value>, Vec<String>), String> {
    let mut keyed: Vec<(String, Value, usize)> = Vec::new();
    for (i, mut obj) in objects.into_iter().enumerate() {
        let api_version = obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let kind = obj
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let group = api_version
            .rsplit_once('/')
            .map_or("", |(g, _)| g)
            .to_string();
        let namespaced = is_namespaced(&group, &kind);
        let current = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let changed = if !namespaced && !current.is_empty() {
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("namespace");
            }
            true
        } else if namespaced && current.is_empty() {
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert(
                    "namespace".into(),
                    Value::String(plan.destination.namespace.clone()),
                );
            }
            true
        } else {
            false
        };
        if changed {
            set_tracking(
                &mut obj,
                &plan.instance,
                &plan.destination.namespace,
                &plan.settings.tracking,
            )?;
        }
        let ns = if namespaced {
            obj.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
        } else {
            ""
        };
        let mut name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if name.is_empty()
            && let Some(generate) = obj
                .pointer("/metadata/generateName")
                .and_then(Value::as_str)
        {
            name = format!("{generate}{i}");
        }
        let key = format!("{group}/{kind}/{ns}/{name}");
        keyed.push((key, obj, 1));
    }
    let mut out: Vec<(String, Value, usize)> = Vec::new();
    for (key, obj, _) in keyed {
        match out.iter_mut().find(|(k, _, _)| *k == key) {
            Some(slot) => {
                slot.1 = obj;
                slot.2 += 1;
            }
            None => out.push((key, obj, 1)),
        }
    }
    let warnings = out
        .iter()
        .filter(|(_, _, n)| *n > 1)
        .map(|(k, _, n)| format!("RepeatedResourceWarning: Resource {k} appeared {n} times among application resources."))
        .collect();
    Ok((out.into_iter().map(|(_, o, _)| o).collect(), warnings))
}
