//! The legacy `crds:` field: OpenAPI definitions of custom types whose
//! properties carry `x-kubernetes-*` hints, turned into transformer
//! field specs (name references, labels, annotations, name prefixes).

use super::config::{NameRefSpec, TransformerConfig, merge_one};
use super::spec::FieldSpec;
use super::{KustomizeError, accumulate::Builder, load};
use serde_json::{Map, Value};

/// The configuration the CRD files of a kustomization teach.
pub(crate) fn load(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    entries: &[String],
) -> Result<TransformerConfig, KustomizeError> {
    let mut tc = TransformerConfig::default();
    for entry in entries {
        let path = b.resolve(dir, file, "crds", entry)?;
        let text = load::text(b.tree(), &path)?;
        let error = |m: String| {
            KustomizeError::transform(
                file,
                format!("unable to parse open API definition from '{entry}': {m}"),
            )
        };
        let doc: Value = if text.starts_with('{') {
            serde_json::from_str(text).map_err(|e| error(e.to_string()))?
        } else {
            load::yaml_docs(b.tree(), &path)?
                .into_iter()
                .next()
                .unwrap_or(Value::Null)
        };
        let defs = match doc {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            _ => return Err(error("not a map of type names to definitions".into())),
        };
        let mut other = TransformerConfig::default();
        for (name, def) in &defs {
            let props = properties(def);
            let k8s = ["kind", "apiVersion", "metadata"]
                .iter()
                .all(|k| props.is_some_and(|p| p.contains_key(*k)));
            if !k8s {
                continue;
            }
            let kind = name.rsplit('.').next().unwrap_or(name).to_string();
            let mut one = TransformerConfig::default();
            walk(&mut one, &kind, &defs, name, &[], 0)
                .map_err(|e| KustomizeError::transform(file, e))?;
            other
                .merge(&one)
                .map_err(|e| KustomizeError::transform(file, e))?;
        }
        tc.merge(&other)
            .map_err(|e| KustomizeError::transform(file, e))?;
    }
    Ok(tc)
}

fn properties(def: &Value) -> Option<&Map<String, Value>> {
    def.get("Schema")
        .or_else(|| def.get("schema"))
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
}

fn fs(kind: &str, path: &[String]) -> FieldSpec {
    FieldSpec {
        path: path.join("/"),
        kind: Some(kind.to_string()),
        ..FieldSpec::default()
    }
}

/// kustomize's `loadCrdIntoConfig` over one type's properties.
fn walk(
    tc: &mut TransformerConfig,
    kind: &str,
    defs: &Map<String, Value>,
    type_name: &str,
    path: &[String],
    depth: usize,
) -> Result<(), String> {
    let Some(props) = defs.get(type_name).and_then(properties) else {
        return Ok(());
    };
    if depth > 32 {
        return Ok(());
    }
    for (prop, schema) in props {
        let mut here = path.to_vec();
        here.push(prop.clone());
        let ext = |k: &str| schema.get(k).and_then(Value::as_str);
        if ext("x-kubernetes-annotation").is_some() {
            merge_one(&mut tc.common_annotations, &fs(kind, &here))?;
        }
        if ext("x-kubernetes-label-selector").is_some() {
            merge_one(&mut tc.common_labels, &fs(kind, &here))?;
        }
        if ext("x-kubernetes-identity").is_some() {
            merge_one(&mut tc.name_prefix, &fs(kind, &here))?;
        }
        if let (Some(version), Some(target)) = (
            ext("x-kubernetes-object-ref-api-version"),
            ext("x-kubernetes-object-ref-kind"),
        ) {
            let key = ext("x-kubernetes-object-ref-name-key").unwrap_or("name");
            let mut p = here.clone();
            p.push(key.to_string());
            let nbr = NameRefSpec {
                group: None,
                version: Some(version.to_string()),
                kind: Some(target.to_string()),
                field_specs: vec![fs(kind, &p)],
            };
            let mut single = TransformerConfig::default();
            single.name_reference.push(nbr);
            tc.merge(&single)?;
        }
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            walk(tc, kind, defs, r, &here, depth + 1)?;
        }
    }
    Ok(())
}
