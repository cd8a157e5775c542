//! Field specs: slash-separated paths (`spec/template/metadata/labels`)
//! into objects of some kinds, walked the way kustomize walks them —
//! sequences are traversed implicitly, `[]` marks one, `\/` escapes a slash.

use super::resource::Resource;

/// A field a transformer visits in objects of a kind (empty = any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Field<'a> {
    /// API group to match, None for any.
    pub group: Option<&'a str>,
    /// Kind to match, None for any.
    pub kind: Option<&'a str>,
    /// The path.
    pub path: &'a str,
    /// Create the field (and the maps above it) when absent.
    pub create: bool,
}

impl<'a> Field<'a> {
    /// A field of every object.
    pub const fn any(path: &'a str, create: bool) -> Self {
        Self {
            group: None,
            kind: None,
            path,
            create,
        }
    }

    /// A field of objects of `kind` (any group).
    pub const fn of(kind: &'a str, path: &'a str, create: bool) -> Self {
        Self {
            group: None,
            kind: Some(kind),
            path,
            create,
        }
    }

    /// Whether this field applies to `res`.
    pub fn selects(&self, res: &Resource) -> bool {
        self.kind.is_none_or(|k| k == res.kind()) && self.group.is_none_or(|g| g == res.group())
    }
}

/// `text` split at `separator` where it stands outside `open`…`close`
/// brackets: `a.b[c.d].e` at `.` outside `[]`, `x in (a,b),y` at `,`
/// outside `()`.
pub(crate) fn split_outside(text: &str, separator: char, open: char, close: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0;
    for c in text.chars() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
        } else if c == separator && depth == 0 {
            out.push(String::new());
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

/// The segments of a path, unescaped (a `[]` marker stays on its segment).
pub(crate) fn segments(path: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                chars.next();
                if let Some(last) = out.last_mut() {
                    last.push('/');
                }
            }
            '/' => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// Calls `f` on every value at `path` in `node` (each item when a sequence
/// is met on the way or at the end). With `create`, missing mappings on the
/// way and the final field (as null) are created first; a missing list
/// (`name[]`) is never created.
pub(crate) fn visit(
    node: &mut serde_json::Value,
    path: &str,
    create: bool,
    f: &mut dyn FnMut(&mut serde_json::Value),
) {
    walk(node, &segments(path), create, f);
}

fn walk(
    node: &mut serde_json::Value,
    segs: &[String],
    create: bool,
    f: &mut dyn FnMut(&mut serde_json::Value),
) {
    use serde_json::Value;
    if let Value::Array(items) = node {
        for item in items {
            walk(item, segs, create, f);
        }
        return;
    }
    let Some((first, rest)) = segs.split_first() else {
        f(node);
        return;
    };
    let Some(map) = node.as_object_mut() else {
        return;
    };
    let (first, is_list) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (first.as_str(), false),
    };
    let missing = map.get(first).is_none_or(Value::is_null);
    if missing {
        if !create || is_list {
            return;
        }
        let fresh = if rest.is_empty() {
            Value::Null
        } else {
            Value::Object(serde_json::Map::new())
        };
        map.insert(first.to_string(), fresh);
    }
    if let Some(child) = map.get_mut(first) {
        walk(child, rest, create, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn walks_sequences_and_creates() {
        let mut v = json!({"spec": {"containers": [{"image": "a"}, {"image": "b"}]}});
        let mut seen = Vec::new();
        visit(&mut v, "spec/containers[]/image", false, &mut |x| {
            seen.push(x.clone())
        });
        assert_eq!(seen, vec![json!("a"), json!("b")]);
        visit(&mut v, "metadata/labels", true, &mut |x| {
            *x = json!({"a": "b"})
        });
        assert_eq!(v["metadata"]["labels"]["a"], "b");
        assert_eq!(segments("a/b\\/c/d[]"), vec!["a", "b/c", "d[]"]);
        let mut no_list = json!({"spec": {}});
        visit(&mut no_list, "spec/items[]/labels", true, &mut |x| {
            *x = json!(1)
        });
        assert_eq!(no_list, json!({"spec": {}}));
    }
}
