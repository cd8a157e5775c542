//! The image tag transformer (`images:` and ImageTagTransformer): new
//! names, tags and digests for images matched by name, first in every
//! `containers`/`initContainers` list at any depth, then in the fields
//! the configuration names.

use super::alias::Loc;
use super::fieldspec::{self, CreateKind, Seg};
use super::resource::{Resource, scalar_text};
use super::spec::{FieldSpec, ImageSpec};
use regex::Regex;
use serde_json::Value;

/// Applies one `images` entry to every resource.
pub(crate) fn apply(
    spec: &ImageSpec,
    specs: &[FieldSpec],
    resources: &mut [Resource],
) -> Result<(), String> {
    let matcher = Matcher::new(&spec.name)?;
    for res in resources.iter_mut() {
        if res.kind() == "CustomResourceDefinition" {
            continue;
        }
        let mut written = Vec::new();
        legacy_walk(&mut res.obj, spec, &matcher, &mut Vec::new(), &mut written)?;
        remember_untagged(res, written);
    }
    for res in resources.iter_mut() {
        if res.kind() == "CustomResourceDefinition" {
            continue;
        }
        let mut written = Vec::new();
        for fs in specs {
            fieldspec::apply_at(&mut res.obj, fs, CreateKind::No, &mut |node, at| {
                if update(node, spec, &matcher)? {
                    written.push((at.to_vec(), node.clone()));
                }
                Ok(())
            })?;
        }
        remember_untagged(res, written);
    }
    Ok(())
}

/// kyaml sets a matched image as a new scalar node without a tag: a later
/// replacement that writes `3` there leaves a number, not a string
/// ([`Resource::untagged`]).
fn remember_untagged(res: &mut Resource, written: Vec<(Loc, Value)>) {
    for (loc, value) in written {
        res.untagged.retain(|(l, _)| *l != loc);
        res.untagged.push((loc, value));
    }
}

/// kustomize's image name match: `^<name>(:tag)?(@sha256:digest)?$`,
/// the name taken as a regular expression (so `*` matches anything).
struct Matcher(Option<Regex>);

impl Matcher {
    fn new(name: &str) -> Result<Matcher, String> {
        let tail = "(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$";
        // Go accepts a repeated `^` (`^*`): the start is then optional.
        let pattern = match name.strip_prefix('*') {
            Some(rest) => format!("(?:^)?{rest}{tail}"),
            None => format!("^{name}{tail}"),
        };
        match Regex::new(&pattern) {
            Ok(re) => Ok(Matcher(Some(re))),
            Err(_) => Err(format!(
                "images entry {name:?}: not a valid image name pattern"
            )),
        }
    }

    fn is_match(&self, image: &str) -> bool {
        self.0.as_ref().is_some_and(|re| re.is_match(image))
    }
}

/// kustomize's legacy walk: every `containers` and `initContainers` list
/// at any depth, each item's `image`.
fn legacy_walk(
    node: &mut Value,
    spec: &ImageSpec,
    m: &Matcher,
    at: &mut Loc,
    written: &mut Vec<(Loc, Value)>,
) -> Result<(), String> {
    match node {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                at.push(Seg::Key(key.clone()));
                let walked = legacy_walk(child, spec, m, at, written);
                at.pop();
                walked?;
                if key != "containers" && key != "initContainers" {
                    continue;
                }
                let Value::Array(items) = child else {
                    continue;
                };
                for (i, item) in items.iter_mut().enumerate() {
                    match item {
                        Value::Object(c) => {
                            if let Some(image) = c.get_mut("image")
                                && update(image, spec, m)?
                            {
                                let mut loc = at.clone();
                                loc.extend([
                                    Seg::Key(key.clone()),
                                    Seg::Index(i),
                                    Seg::Key("image".into()),
                                ]);
                                written.push((loc, image.clone()));
                            }
                        }
                        other => {
                            return Err(format!(
                                "wrong node kind: expected MappingNode but got {}",
                                fieldspec::node_kind(other)
                            ));
                        }
                    }
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                at.push(Seg::Index(i));
                let walked = legacy_walk(item, spec, m, at, written);
                at.pop();
                walked?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Sets the image of `node` when `spec` names it; true when it did.
fn update(node: &mut Value, spec: &ImageSpec, m: &Matcher) -> Result<bool, String> {
    if node.is_object() || node.is_array() {
        return Err(format!(
            "wrong node kind: expected ScalarNode but got {}",
            fieldspec::node_kind(node)
        ));
    }
    let text = match &*node {
        Value::Null => String::new(),
        other => scalar_text(other),
    };
    match updated(&text, spec, m) {
        Some(new) => {
            *node = Value::String(new);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The new image reference for `image`, if `spec` names it.
fn updated(image: &str, spec: &ImageSpec, m: &Matcher) -> Option<String> {
    if !m.is_match(image) {
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

/// kustomize's `image.Split`: name, tag and digest (a registry port is
/// part of the name).
fn split(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|i| *i > 0).unwrap_or(0);
    let search = &image[slash..];
    let at = search.find('@');
    let colon = search.find(':');
    match (colon, at) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (c, Some(a)) if c.is_none_or(|c| a < c) => (
            image[..slash + a].to_string(),
            String::new(),
            image[slash + a + 1..].to_string(),
        ),
        (Some(c), Some(a)) => (
            image[..slash + c].to_string(),
            image[slash + c + 1..slash + a].to_string(),
            image[slash + a + 1..].to_string(),
        ),
        (Some(c), None) => (
            image[..slash + c].to_string(),
            image[slash + c + 1..].to_string(),
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

    fn up(image: &str, s: &ImageSpec) -> Option<String> {
        updated(image, s, &Matcher::new(&s.name).unwrap())
    }

    #[test]
    fn rewrites_names_tags_and_digests() {
        let s = spec("nginx", Some("reg:5000/nginx"), Some("1.25"), None);
        assert_eq!(up("nginx:1.0", &s).as_deref(), Some("reg:5000/nginx:1.25"));
        assert_eq!(up("nginx-x:1.0", &s), None);
        let d = spec("reg:5000/app", None, None, Some("sha256:abc"));
        assert_eq!(
            up("reg:5000/app:v1", &d).as_deref(),
            Some("reg:5000/app@sha256:abc")
        );
        let any = spec("*", None, Some("v9"), None);
        assert_eq!(up("123", &any).as_deref(), Some("123:v9"));
        assert_eq!(
            split("a/b@sha256:x"),
            ("a/b".into(), String::new(), "sha256:x".into())
        );
    }
}
