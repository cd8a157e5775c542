//! A HelmRelease rendered as helm-controller renders it: the chart (with
//! `valuesFiles` replacing its default values, as source-controller
//! packages it), `helm template` with the release name, namespace and
//! composed values, then the post-renderers in helm-controller's order —
//! `postRenderers[].kustomize` (patches, images), `commonMetadata`, and the
//! owner labels `helm.toolkit.fluxcd.io/name|namespace`.

use super::govalue::{map_from_json, map_to_json, merge_maps, new_map};
use super::spec::{ChartSource, HelmRelease, KustomizePostRenderer};
use super::{GROUP, HelmReleasePlan};
use crate::flux::FluxError;
use crate::flux::kustomization::generate::{image_entry, selector};
use crate::flux::metadata::{apply_common, owner_labels, set_pairs};
use crate::flux::object::describe;
use crate::flux::source::clean_within;
use crate::model::FileTree;
use crate::render::helm::{self, HelmOptions};
use crate::render::scalars::Dialect;
use crate::render::{RenderError, convert};
use serde_json::{Map, Value, json};
use std::path::Path;

/// Renders `hr` from the chart in folder `chart_dir` of `tree` with the
/// plan's names and values, using the helm binary `helm`.
pub fn render_with_binary(
    helm: &Path,
    hr: &HelmRelease,
    plan: &HelmReleasePlan,
    tree: &FileTree,
    chart_dir: &str,
) -> Result<Vec<Value>, FluxError> {
    let object = describe(&hr.meta);
    let dir = crate::flux::source::clean(chart_dir);
    if !tree.contains(format!("{dir}/Chart.yaml").trim_start_matches('/')) {
        return Err(FluxError::PathNotFound {
            object,
            what: "chart (a folder with Chart.yaml)",
            path: dir,
        });
    }
    let tree = with_values_files(hr, tree, &dir).map_err(|message| FluxError::Spec {
        object: object.clone(),
        message,
    })?;
    let options = HelmOptions {
        release_name: plan.release_name.clone(),
        namespace: Some(plan.namespace.clone()),
        value_files: Vec::new(),
        values: Some(plan.values.clone()),
        ..HelmOptions::default()
    };
    let render_error = |source: RenderError| FluxError::Render {
        object: object.clone(),
        source,
    };
    let mut objects =
        helm::template_with_binary(helm, &tree, &dir, &options).map_err(render_error)?;
    for post in &hr.post_renderers {
        objects = kustomize_post_render(objects, post).map_err(render_error)?;
    }
    let owner = owner_labels(GROUP, &hr.meta.name, &hr.meta.namespace);
    for obj in &mut objects {
        apply_common(obj, &hr.common_metadata);
        set_pairs(obj, "labels", &owner);
    }
    Ok(objects)
}

/// `tree` with the chart's `values.yaml` replaced by the merge of
/// `spec.chart.spec.valuesFiles`, when there are any.
fn with_values_files(hr: &HelmRelease, tree: &FileTree, dir: &str) -> Result<FileTree, String> {
    let ChartSource::Template {
        values_files,
        ignore_missing_values_files,
        source_ref,
        ..
    } = &hr.chart
    else {
        return Ok(tree.clone());
    };
    if values_files.is_empty() {
        return Ok(tree.clone());
    }
    // In a Git or Bucket source the paths start at the source root.
    let base = if source_ref.kind == "HelmRepository" {
        dir
    } else {
        ""
    };
    let mut merged = new_map();
    for file in values_files {
        let path = clean_within(base, file)
            .filter(|p| tree.contains(p))
            .ok_or_else(|| format!("no values file found at path '{file}'"));
        let path = match path {
            Ok(p) => p,
            Err(_) if *ignore_missing_values_files => continue,
            Err(e) => return Err(e),
        };
        let text = String::from_utf8_lossy(tree.get(&path).unwrap_or_default()).into_owned();
        let values = match convert::load(&text, Dialect::Yaml11) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => Map::new(),
            _ => return Err(format!("unmarshaling values from '{file}' failed")),
        };
        merged = merge_maps(&merged, &map_from_json(&values));
    }
    let default_values = format!("{dir}/values.yaml")
        .trim_start_matches('/')
        .to_string();
    if !tree.contains(&default_values) {
        return Err("failed to locate values file: values.yaml".into());
    }
    let merged = map_to_json(&merged);
    let text = if merged.as_object().is_none_or(Map::is_empty) {
        String::new()
    } else {
        crate::render::to_yaml_stream(&[merged])
    };
    let mut out = tree.clone();
    out.insert(default_values, text);
    Ok(out)
}

/// A kustomize post-renderer: the rendered objects as the only resource of
/// a kustomization with the patches and images (no reordering).
fn kustomize_post_render(
    objects: Vec<Value>,
    post: &KustomizePostRenderer,
) -> Result<Vec<Value>, RenderError> {
    let mut k = Map::new();
    k.insert(
        "apiVersion".into(),
        json!("kustomize.config.k8s.io/v1beta1"),
    );
    k.insert("kind".into(), json!("Kustomization"));
    k.insert("resources".into(), json!(["helm-output.yaml"]));
    if !post.images.is_empty() {
        k.insert(
            "images".into(),
            post.images.iter().map(image_entry).collect(),
        );
    }
    if !post.patches.is_empty() {
        let patches: Vec<Value> = post
            .patches
            .iter()
            .map(|p| {
                let mut entry = Map::new();
                entry.insert("patch".into(), json!(p.patch));
                if let Some(target) = p.target.as_ref().and_then(selector) {
                    entry.insert("target".into(), target);
                }
                Value::Object(entry)
            })
            .collect();
        k.insert("patches".into(), Value::Array(patches));
    }
    k.insert("sortOptions".into(), json!({"order": "fifo"}));
    let mut tree = FileTree::new();
    tree.insert("helm-output.yaml", crate::render::to_yaml_stream(&objects));
    tree.insert(
        "kustomization.yaml",
        crate::render::to_yaml_stream(&[Value::Object(k)]),
    );
    Ok(crate::render::kustomize::build(&tree, "")?)
}
