//! Helm values keys: reading a dotted key's value from a values file and
//! writing it into another, keeping the rest of the file as it was.

use crate::yamledit::{self, EditError, Seg, insert_entry, replace_scalar_raw};

/// The value of dotted `key` in `text`: (its value, its text as written,
/// quotes included). None when the key is not set.
pub fn read_value(text: &str, key: &str) -> Result<Option<(String, String)>, EditError> {
    let Some(root) = yamledit::parse(text)? else {
        return Ok(None);
    };
    let path = segs(key);
    let Some(node) = yamledit::lookup(&root, &path) else {
        return Ok(None);
    };
    match node.as_str() {
        Some(value) => Ok(Some((
            value.to_string(),
            text[node.start..node.end].to_string(),
        ))),
        None => Err(EditError(format!(
            "{key} is a mapping or list; list the single values under it (e.g. {key}.tag)"
        ))),
    }
}

/// `text` with dotted `key` set to `raw` (a scalar as written in YAML):
/// replaced where it is, else added to its parent mapping.
pub fn write_value(text: &str, key: &str, raw: &str) -> Result<String, EditError> {
    let path = segs(key);
    if let Some(root) = yamledit::parse(text)?
        && yamledit::lookup(&root, &path).is_some()
    {
        return replace_scalar_raw(text, &path, raw);
    }
    let Some((last, parent)) = path.split_last() else {
        return Err(EditError("empty key".into()));
    };
    let Seg::Key(last) = last else {
        return Err(EditError(format!("{key} is not a key")));
    };
    insert_entry(text, parent, last, raw)
        .map_err(|e| EditError(format!("{key} cannot be added: {e}")))
}

fn segs(key: &str) -> Vec<Seg<'_>> {
    key.split('.').map(Seg::Key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUES: &str = "# prod values\nimage:\n  repository: ghcr.io/acme/web\n  tag: \"1.0\"   # promoted\nreplicas: 3\n";

    #[test]
    fn values_are_read_with_their_text() {
        assert_eq!(
            read_value(VALUES, "image.tag").unwrap(),
            Some(("1.0".to_string(), "\"1.0\"".to_string()))
        );
        assert_eq!(read_value(VALUES, "image.pullPolicy").unwrap(), None);
        assert!(read_value(VALUES, "image").is_err());
    }

    #[test]
    fn values_are_replaced_or_added_in_place() {
        let out = write_value(VALUES, "image.tag", "\"1.1\"").unwrap();
        assert_eq!(out, VALUES.replace("\"1.0\"", "\"1.1\""));
        let out = write_value(VALUES, "image.pullPolicy", "Always").unwrap();
        assert_eq!(
            out,
            VALUES.replace("# promoted\n", "# promoted\n  pullPolicy: Always\n")
        );
        assert_eq!(
            write_value(VALUES, "resources.limits.cpu", "1")
                .unwrap_err()
                .to_string(),
            "resources.limits.cpu cannot be added: resources.limits is not set"
        );
    }
}
