//! `commonLabels`, `labels` and `commonAnnotations`: the fields kustomize
//! writes them to (metadata, pod templates, selectors).

use super::config::TransformerConfig;
use super::fieldpath::{Field, visit};
use super::resource::Resource;
use super::spec::{FieldSpec, Kustomization, LabelSpec, StringMap};
use serde_json::{Map, Value};

const POD_AFFINITY: &[&str] = &[
    "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
];

/// Pod-template metadata fields (`leaf` = labels or annotations) that
/// follow metadata labels/annotations of workloads.
fn template_fields(leaf: &str) -> Vec<Field<'static>> {
    let (tpl, job, cron): (&'static str, &'static str, &'static str) = if leaf == "annotations" {
        (
            "spec/template/metadata/annotations",
            "spec/jobTemplate/metadata/annotations",
            "spec/jobTemplate/spec/template/metadata/annotations",
        )
    } else {
        (
            "spec/template/metadata/labels",
            "spec/jobTemplate/metadata/labels",
            "spec/jobTemplate/spec/template/metadata/labels",
        )
    };
    let mut out: Vec<Field<'static>> = [
        "ReplicationController",
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "StatefulSet",
        "Job",
    ]
    .iter()
    .map(|kind| Field::of(kind, tpl, true))
    .collect();
    out.push(Field::of("CronJob", job, true));
    out.push(Field::of("CronJob", cron, true));
    if leaf == "labels" {
        out.push(Field::of(
            "StatefulSet",
            "spec/volumeClaimTemplates[]/metadata/labels",
            true,
        ));
    }
    out
}

/// Selector fields commonLabels (and `includeSelectors`) also write.
fn selector_fields() -> Vec<Field<'static>> {
    let mut out = vec![
        Field::of("Service", "spec/selector", true),
        Field::of("ReplicationController", "spec/selector", true),
        Field::of("Deployment", "spec/selector/matchLabels", true),
        Field::of("ReplicaSet", "spec/selector/matchLabels", true),
        Field::of("DaemonSet", "spec/selector/matchLabels", true),
        Field::of("StatefulSet", "spec/selector/matchLabels", true),
        Field::of("Job", "spec/selector/matchLabels", false),
        Field::of(
            "CronJob",
            "spec/jobTemplate/spec/selector/matchLabels",
            false,
        ),
        Field::of("PodDisruptionBudget", "spec/selector/matchLabels", false),
        Field::of("NetworkPolicy", "spec/podSelector/matchLabels", false),
        Field::of(
            "NetworkPolicy",
            "spec/ingress/from/podSelector/matchLabels",
            false,
        ),
        Field::of(
            "NetworkPolicy",
            "spec/egress/to/podSelector/matchLabels",
            false,
        ),
    ];
    for kind in ["Deployment", "StatefulSet"] {
        out.extend(POD_AFFINITY.iter().map(|p| Field::of(kind, p, false)));
    }
    out
}

/// Applies the label and annotation fields of one kustomization.
pub(crate) fn apply(k: &Kustomization, config: &TransformerConfig, resources: &mut [Resource]) {
    for spec in &k.labels {
        apply_label_spec(spec, config, resources);
    }
    if !k.common_labels.is_empty() {
        let mut fields = vec![Field::any("metadata/labels", true)];
        fields.extend(template_fields("labels"));
        fields.extend(selector_fields());
        fields.extend(config.common_labels.iter().map(FieldSpec::as_field));
        set_all(resources, &fields, &k.common_labels);
    }
    if !k.common_annotations.is_empty() {
        let mut fields = vec![Field::any("metadata/annotations", true)];
        fields.extend(template_fields("annotations"));
        fields.extend(config.common_annotations.iter().map(FieldSpec::as_field));
        set_all(resources, &fields, &k.common_annotations);
    }
}

fn apply_label_spec(spec: &LabelSpec, config: &TransformerConfig, resources: &mut [Resource]) {
    let mut fields = vec![Field::any("metadata/labels", true)];
    if spec.include_selectors {
        fields.extend(template_fields("labels"));
        fields.extend(selector_fields());
        fields.extend(config.common_labels.iter().map(FieldSpec::as_field));
    } else if spec.include_templates {
        fields.extend(template_fields("labels"));
        fields.extend(config.template_labels.iter().map(FieldSpec::as_field));
    }
    fields.extend(spec.fields.iter().map(FieldSpec::as_field));
    set_all(resources, &fields, &spec.pairs);
}

/// Writes `pairs` into every selected field of every resource.
pub(crate) fn set_all(resources: &mut [Resource], fields: &[Field<'_>], pairs: &StringMap) {
    for res in resources.iter_mut() {
        let selected: Vec<&Field<'_>> = fields.iter().filter(|f| f.selects(res)).collect();
        for field in selected {
            visit(&mut res.obj, field.path, field.create, &mut |node| {
                merge_pairs(node, pairs)
            });
        }
    }
}

/// Adds `pairs` (values as strings) to the mapping `node` (null → new map).
fn merge_pairs(node: &mut Value, pairs: &StringMap) {
    if node.is_null() {
        *node = Value::Object(Map::new());
    }
    let Some(map) = node.as_object_mut() else {
        return;
    };
    for (k, v) in pairs {
        map.insert(k.clone(), Value::String(v.clone()));
    }
}
