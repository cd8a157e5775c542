//! Reading the tool blocks of a source (`helm`, `kustomize`,
//! `directory`), every field used, carried or refused by name.

use super::spec::{R, boolean, check_keys, obj, string, string_map, strings};
use super::{DirectorySource, HelmParameter, HelmSource, KustomizeSource};
use serde_json::Value;

pub(super) fn helm(v: &Value, at: &str) -> R<HelmSource> {
    let h = obj(v, at)?.cloned().unwrap_or_default();
    check_keys(
        &h,
        at,
        &[
            "valueFiles",
            "ignoreMissingValueFiles",
            "values",
            "valuesObject",
            "parameters",
            "fileParameters",
            "releaseName",
            "namespace",
            "kubeVersion",
            "apiVersions",
            "skipCrds",
            "skipTests",
            "skipSchemaValidation",
            "passCredentials",
            "version",
        ],
        &[],
    )?;
    match string(&h, "version", at)?.as_str() {
        "" | "v3" => {}
        other => {
            return Err(format!(
                "{at}.version {other:?}: only Helm v3 charts are supported"
            ));
        }
    }
    let values = match h.get("valuesObject").filter(|v| !v.is_null()) {
        Some(obj) => Some(crate::render::to_yaml_stream(std::slice::from_ref(obj))),
        None => Some(string(&h, "values", at)?).filter(|v| !v.is_empty()),
    };
    let parameters = match h.get("parameters") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|p| {
                let p = p
                    .as_object()
                    .ok_or(format!("{at}.parameters entries must be mappings"))?;
                Ok(HelmParameter {
                    name: string(p, "name", &format!("{at}.parameters"))?,
                    value: string(p, "value", &format!("{at}.parameters"))?,
                    force_string: boolean(p, "forceString", &format!("{at}.parameters"))?,
                })
            })
            .collect::<R<_>>()?,
        Some(_) => return Err(format!("{at}.parameters must be a list")),
    };
    let file_parameters = match h.get("fileParameters") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|p| {
                let p = p
                    .as_object()
                    .ok_or(format!("{at}.fileParameters entries must be mappings"))?;
                Ok((string(p, "name", at)?, string(p, "path", at)?))
            })
            .collect::<R<_>>()?,
        Some(_) => return Err(format!("{at}.fileParameters must be a list")),
    };
    Ok(HelmSource {
        value_files: strings(&h, "valueFiles", at)?,
        ignore_missing_value_files: boolean(&h, "ignoreMissingValueFiles", at)?,
        values,
        parameters,
        file_parameters,
        release_name: Some(string(&h, "releaseName", at)?).filter(|s| !s.is_empty()),
        namespace: Some(string(&h, "namespace", at)?).filter(|s| !s.is_empty()),
        kube_version: Some(string(&h, "kubeVersion", at)?).filter(|s| !s.is_empty()),
        api_versions: strings(&h, "apiVersions", at)?,
        skip_crds: boolean(&h, "skipCrds", at)?,
        skip_tests: boolean(&h, "skipTests", at)?,
        skip_schema_validation: boolean(&h, "skipSchemaValidation", at)?,
    })
}

pub(super) fn kustomize(v: &Value, at: &str) -> R<KustomizeSource> {
    let k = obj(v, at)?.cloned().unwrap_or_default();
    check_keys(
        &k,
        at,
        &[
            "namePrefix",
            "nameSuffix",
            "images",
            "replicas",
            "commonLabels",
            "commonAnnotations",
            "commonAnnotationsEnvsubst",
            "forceCommonLabels",
            "forceCommonAnnotations",
            "namespace",
            "patches",
            "components",
            "ignoreMissingComponents",
            "labelWithoutSelector",
            "labelIncludeTemplates",
            "version",
        ],
        &[
            (
                "kubeVersion",
                "it only reaches Helm charts inflated by kustomize, and tether's kustomize cannot pass it",
            ),
            (
                "apiVersions",
                "it only reaches Helm charts inflated by kustomize, and tether's kustomize cannot pass it",
            ),
        ],
    )?;
    let replicas = match k.get("replicas") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|r| {
                let name = r
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or(format!("{at}.replicas entries need a name"))?;
                let count = match r.get("count") {
                    Some(Value::Number(n)) => n
                        .as_i64()
                        .ok_or(format!("{at}.replicas {name}: count must be an integer"))?,
                    Some(Value::String(s)) => s.parse().map_err(|_| {
                        format!("{at}.replicas {name}: count {s:?} is not an integer")
                    })?,
                    _ => return Err(format!("{at}.replicas {name}: count is required")),
                };
                Ok((name.to_string(), count))
            })
            .collect::<R<_>>()?,
        Some(_) => return Err(format!("{at}.replicas must be a list")),
    };
    let patches = match k.get("patches") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(format!("{at}.patches must be a list")),
    };
    Ok(KustomizeSource {
        name_prefix: string(&k, "namePrefix", at)?,
        name_suffix: string(&k, "nameSuffix", at)?,
        images: strings(&k, "images", at)?,
        replicas,
        common_labels: string_map(&k, "commonLabels", at)?,
        common_annotations: string_map(&k, "commonAnnotations", at)?,
        common_annotations_envsubst: boolean(&k, "commonAnnotationsEnvsubst", at)?,
        force_common_labels: boolean(&k, "forceCommonLabels", at)?,
        force_common_annotations: boolean(&k, "forceCommonAnnotations", at)?,
        namespace: string(&k, "namespace", at)?,
        patches,
        components: strings(&k, "components", at)?,
        ignore_missing_components: boolean(&k, "ignoreMissingComponents", at)?,
        label_without_selector: boolean(&k, "labelWithoutSelector", at)?,
        label_include_templates: boolean(&k, "labelIncludeTemplates", at)?,
    })
}

pub(super) fn directory(v: &Value, at: &str) -> R<DirectorySource> {
    let d = obj(v, at)?.cloned().unwrap_or_default();
    check_keys(
        &d,
        at,
        &[
            "recurse",
            "include",
            "exclude",
            "disableExtensionFilter",
            "jsonnet",
        ],
        &[],
    )?;
    let jsonnet_used = d
        .get("jsonnet")
        .and_then(Value::as_object)
        .is_some_and(|j| {
            j.values().any(|v| match v {
                Value::Null => false,
                Value::Array(a) => !a.is_empty(),
                _ => true,
            })
        });
    if jsonnet_used {
        return Err(format!(
            "{at}.jsonnet is not supported: tether does not evaluate Jsonnet"
        ));
    }
    Ok(DirectorySource {
        recurse: boolean(&d, "recurse", at)?,
        include: string(&d, "include", at)?,
        exclude: string(&d, "exclude", at)?,
        disable_extension_filter: boolean(&d, "disableExtensionFilter", at)?,
    })
}
