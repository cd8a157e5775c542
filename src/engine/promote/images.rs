//! Image versions: what a stage's manifests run, and the edit of a
//! Kustomize `images:` list that makes a stage run a version.

use crate::yamledit::{
    self, EditError, Kind, Seg, Style, append_item, append_root_list, insert_entry, remove_entry,
    scalar_text, set_scalar,
};
use serde_json::Value;
use std::collections::BTreeSet;

/// An image reference split into repository, tag and digest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImageRef {
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// Splits `ghcr.io/acme/web:1.2@sha256:…` (a registry port is not a tag).
    pub fn parse(text: &str) -> ImageRef {
        let (name, digest) = match text.split_once('@') {
            Some((n, d)) => (n, Some(d.to_string())),
            None => (text, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        match name[last_slash..].rfind(':') {
            Some(i) => ImageRef {
                repository: name[..last_slash + i].to_string(),
                tag: Some(name[last_slash + i + 1..].to_string()),
                digest,
            },
            None => ImageRef {
                repository: name.to_string(),
                tag: None,
                digest,
            },
        }
    }

    /// The version: `1.2`, `@sha256:…`, `1.2@sha256:…` (`latest` when
    /// neither is set, as a runtime reads it).
    pub fn version(&self) -> String {
        match (&self.tag, &self.digest) {
            (Some(t), Some(d)) => format!("{t}@{d}"),
            (Some(t), None) => t.clone(),
            (None, Some(d)) => format!("@{d}"),
            (None, None) => "latest".to_string(),
        }
    }
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// Every image reference of `objects` (the `image:` fields of their pod
/// templates and pods), sorted, without repeats.
pub fn images_of(objects: &[Value]) -> Vec<ImageRef> {
    let mut out = BTreeSet::new();
    for object in objects {
        collect(object, &mut out);
    }
    out.into_iter().collect()
}

fn collect(value: &Value, out: &mut BTreeSet<ImageRef>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::String(s) if key == "image" && !s.is_empty() => {
                        out.insert(ImageRef::parse(s));
                    }
                    _ => collect(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// The one version of `repository` that `images` run: None when none,
/// an error naming them when several.
pub fn version_of(images: &[ImageRef], repository: &str) -> Result<Option<ImageRef>, String> {
    let found: Vec<&ImageRef> = images
        .iter()
        .filter(|i| i.repository == repository)
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((*one).clone())),
        many => Err(format!(
            "runs {} versions of {repository} ({}); promote needs one",
            many.len(),
            many.iter()
                .map(|i| i.version())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `text` (a kustomization) with its `images:` entry for `new.repository`
/// set to `new`'s tag and digest — an entry whose `newName` (or, without
/// one, `name`) is the repository; added when there is none. Only the
/// values that change are rewritten.
pub fn set_kustomize_image(text: &str, new: &ImageRef) -> Result<String, EditError> {
    let root = yamledit::parse(text)?
        .ok_or_else(|| EditError("the file holds no YAML document".into()))?;
    let plain = |v: &str| scalar_text(v, Style::Plain);
    let mut fresh: Vec<(&str, String)> = vec![("name", plain(&new.repository))];
    if let Some(t) = &new.tag {
        fresh.push(("newTag", plain(t)));
    }
    if let Some(d) = &new.digest {
        fresh.push(("digest", plain(d)));
    }
    let Some(images) = root.get("images") else {
        return append_root_list(text, "images", &fresh);
    };
    if !matches!(images.kind, Kind::Seq(_)) {
        return Err(EditError("images is not a list".into()));
    }
    let index =
        images
            .items()
            .iter()
            .position(|item| match item.get("newName").and_then(|n| n.as_str()) {
                Some(new_name) => new_name == new.repository,
                None => item.get("name").and_then(|n| n.as_str()) == Some(new.repository.as_str()),
            });
    let Some(index) = index else {
        return append_item(text, &[Seg::Key("images")], &fresh);
    };
    let item = [Seg::Key("images"), Seg::Index(index)];
    let mut out = text.to_string();
    for (key, value) in [("newTag", &new.tag), ("digest", &new.digest)] {
        let current = yamledit::lookup(&root, &item)
            .and_then(|i| i.get(key))
            .map(|n| n.as_str().map(str::to_string));
        let path = [item[0], item[1], Seg::Key(key)];
        out = match (current, value) {
            (Some(Some(old)), Some(v)) if old == *v => out,
            (Some(_), Some(v)) => set_scalar(&out, &path, v)?,
            (None, Some(v)) => insert_entry(&out, &item, key, &plain(v))?,
            (Some(_), None) => remove_entry(&out, &item, key)?,
            (None, None) => out,
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_into_their_parts() {
        let r = ImageRef::parse("localhost:5000/acme/web:1.2@sha256:ab");
        assert_eq!(r.repository, "localhost:5000/acme/web");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:ab"));
        assert_eq!(r.to_string(), "localhost:5000/acme/web:1.2@sha256:ab");
        let bare = ImageRef::parse("localhost:5000/web");
        assert_eq!(
            (bare.repository.as_str(), bare.tag.as_deref()),
            ("localhost:5000/web", None)
        );
        assert_eq!(bare.version(), "latest");
        assert_eq!(ImageRef::parse("web@sha256:1").version(), "@sha256:1");
    }

    #[test]
    fn two_versions_of_one_repository_are_named() {
        let images = vec![
            ImageRef::parse("a/web:1"),
            ImageRef::parse("a/web:2"),
            ImageRef::parse("b:3"),
        ];
        assert_eq!(
            version_of(&images, "a/web").unwrap_err(),
            "runs 2 versions of a/web (1, 2); promote needs one"
        );
        assert_eq!(
            version_of(&images, "b").unwrap(),
            Some(ImageRef::parse("b:3"))
        );
        assert_eq!(version_of(&images, "c").unwrap(), None);
    }

    const KUSTOMIZATION: &str = "\
# prod
resources: [../base]
images:
  - name: web          # base name
    newName: ghcr.io/acme/web
    newTag: '1.0'      # pinned
    digest: sha256:old
  - {name: ghcr.io/acme/api, newTag: 2.0.0}
";

    #[test]
    fn the_matching_entry_changes_in_place() {
        let new = ImageRef::parse("ghcr.io/acme/web:1.1");
        let out = set_kustomize_image(KUSTOMIZATION, &new).unwrap();
        assert_eq!(
            out,
            KUSTOMIZATION
                .replace("'1.0'", "'1.1'")
                .replace("    digest: sha256:old\n", "")
        );
        let new = ImageRef::parse("ghcr.io/acme/api:2.1.0@sha256:new");
        let out = set_kustomize_image(KUSTOMIZATION, &new).unwrap();
        assert_eq!(
            out,
            KUSTOMIZATION.replace("newTag: 2.0.0}", "newTag: 2.1.0, digest: sha256:new}")
        );
    }

    #[test]
    fn a_missing_entry_or_list_is_added() {
        let new = ImageRef::parse("ghcr.io/acme/ui:3.0");
        let out = set_kustomize_image(KUSTOMIZATION, &new).unwrap();
        assert_eq!(
            out,
            format!("{KUSTOMIZATION}  - name: ghcr.io/acme/ui\n    newTag: \"3.0\"\n")
        );
        let flush = "images:\n- name: ghcr.io/acme/web\n  newTag: v1\n# end\n";
        let out = set_kustomize_image(flush, &new).unwrap();
        assert_eq!(
            out,
            "images:\n- name: ghcr.io/acme/web\n  newTag: v1\n- name: ghcr.io/acme/ui\n  newTag: \"3.0\"\n# end\n"
        );
        let out = set_kustomize_image("resources:\n- a.yaml\n", &new).unwrap();
        assert_eq!(
            out,
            "resources:\n- a.yaml\nimages:\n- name: ghcr.io/acme/ui\n  newTag: \"3.0\"\n"
        );
    }
}
