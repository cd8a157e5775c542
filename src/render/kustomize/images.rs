//! `images:`: new names, tags and digests for container images, matched by
//! image name wherever `containers`/`initContainers` appear in an object.

use super::fieldpath::visit;
use super::resource::Resource;
use super::spec::{FieldSpec, ImageSpec};
use serde_json::Value;

/// kustomize's image field specs (besides its walk over `containers`).
const FIELD_SPECS: &[&str] = &[
    "spec/containers/image",
    "spec/initContainers/image",
    "spec/volumes/image/reference",
    "spec/template/spec/containers/image",
    "spec/template/spec/initContainers/image",
    "spec/template/spec/volumes/image/reference",
];

/// Applies every `images` entry to every resource.
pub(crate) fn apply(images: &[ImageSpec], extra: &[FieldSpec], resources: &mut [Resource]) {
    for spec in images {
        for res in resources.iter_mut() {
            if res.kind() == "CustomResourceDefinition" {
                continue;
            }
            // kustomize runs its legacy walk over every containers list and
            // then its field specs, so images under these paths are updated
            // twice (visible with tagSuffix, which it then appends twice).
            containers(&mut res.obj, spec);
            for path in FIELD_SPECS {
                visit(&mut res.obj, path, false, &mut |v| update_value(v, spec));
            }
            let custom: Vec<String> = extra
                .iter()
                .filter(|f| f.as_field().selects(res))
                .map(|f| f.path.clone())
                .collect();
            for path in custom {
                visit(&mut res.obj, &path, false, &mut |v| update_value(v, spec));
            }
        }
    }
}

/// Finds `containers` and `initContainers` sequences at any depth.
fn containers(node: &mut Value, spec: &ImageSpec) {
    match node {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let is_list = key == "containers" || key == "initContainers";
                if let (true, Value::Array(items)) = (is_list, &mut *child) {
                    for item in items.iter_mut() {
                        if let Some(image) = item.get_mut("image") {
                            update_value(image, spec);
                        }
                    }
                } else {
                    containers(child, spec);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| containers(i, spec)),
        _ => {}
    }
}

fn update_value(v: &mut Value, spec: &ImageSpec) {
    if let Some(new) = v.as_str().and_then(|s| updated(s, spec)) {
        *v = Value::String(new);
    }
}

/// The new image reference for `image`, if `spec` names it.
pub(crate) fn updated(image: &str, spec: &ImageSpec) -> Option<String> {
    if !matches(image, &spec.name) {
        return None;
    }
    let (mut name, mut tag, mut digest) = split(image);
    if let Some(n) = spec.new_name.as_deref().filter(|n| !n.is_empty()) {
        name = n.to_string();
    }
    let new_tag = spec.new_tag.clone().unwrap_or_default();
    let new_digest = spec.digest.clone().unwrap_or_default();
    let suffix = spec.tag_suffix.clone().unwrap_or_default();
    if !new_tag.is_empty() && !new_digest.is_empty() {
        (tag, digest) = (new_tag, new_digest);
    } else if !new_tag.is_empty() {
        (tag, digest) = (new_tag, String::new());
    } else if !new_digest.is_empty() {
        (tag, digest) = (String::new(), new_digest);
    } else if !suffix.is_empty() {
        tag.push_str(&suffix);
        digest.clear();
    }
    if !tag.is_empty() {
        name = format!("{name}:{tag}");
    }
    if !digest.is_empty() {
        name = format!("{name}@{digest}");
    }
    Some(name)
}

/// Whether `image` is `name` with an optional `:tag` and `@alg:digest`.
fn matches(image: &str, name: &str) -> bool {
    let Some(mut rest) = image.strip_prefix(name) else {
        return false;
    };
    let tag_char = |c: char| c.is_ascii_alphanumeric() || "_.{}-".contains(c);
    if let Some(r) = rest.strip_prefix(':') {
        rest = r.trim_start_matches(tag_char);
    }
    if rest.is_empty() {
        return true;
    }
    let Some(digest) = rest.strip_prefix('@') else {
        return false;
    };
    let Some((alg, hex)) = digest.split_once(':') else {
        return false;
    };
    let alg_ok = !alg.is_empty()
        && alg.starts_with(|c: char| c.is_ascii_alphanumeric())
        && alg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+._-".contains(c));
    alg_ok && hex.chars().all(tag_char)
}

/// `name`, `tag`, `digest` of an image reference (a registry port is part
/// of the name).
fn split(image: &str) -> (String, String, String) {
    let start = image.find('/').unwrap_or(0);
    let search = &image[start..];
    let at = search.find('@').map(|i| i + start);
    let colon = search.find(':').map(|i| i + start);
    match (colon, at) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (c, Some(a)) if c.is_none_or(|c| a < c) => (
            image[..a].to_string(),
            String::new(),
            image[a + 1..].to_string(),
        ),
        (Some(c), Some(a)) => (
            image[..c].to_string(),
            image[c + 1..a].to_string(),
            image[a + 1..].to_string(),
        ),
        (Some(c), None) => (
            image[..c].to_string(),
            image[c + 1..].to_string(),
            String::new(),
        ),
        (None, Some(_)) => (image.to_string(), String::new(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(
        name: &str,
        new_name: Option<&str>,
        tag: Option<&str>,
        digest: Option<&str>,
    ) -> ImageSpec {
        ImageSpec {
            name: name.into(),
            new_name: new_name.map(Into::into),
            new_tag: tag.map(Into::into),
            digest: digest.map(Into::into),
            tag_suffix: None,
        }
    }

    #[test]
    fn rewrites_names_tags_and_digests() {
        let s = spec("nginx", Some("reg:5000/nginx"), Some("1.25"), None);
        assert_eq!(
            updated("nginx:1.0", &s).as_deref(),
            Some("reg:5000/nginx:1.25")
        );
        assert_eq!(updated("nginx-x:1.0", &s), None);
        let d = spec("reg:5000/app", None, None, Some("sha256:abc"));
        assert_eq!(
            updated("reg:5000/app:v1", &d).as_deref(),
            Some("reg:5000/app@sha256:abc")
        );
        assert_eq!(
            split("a/b@sha256:x"),
            ("a/b".into(), String::new(), "sha256:x".into())
        );
    }
}
