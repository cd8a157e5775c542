//! Deleting fields from an object by path, as `delpaths` does in jq: the
//! paths that ignoreDifferences select (JSON pointers and jq path
//! expressions) are removed together, and a mapping or list that the
//! removal leaves empty goes too (as Argo CD drops the empty objects its
//! normalisation leaves behind), so an ignored last annotation does not
//! leave `annotations: {}` behind on one side of a diff only.

use serde_json::Value;
use std::collections::BTreeMap;

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathStep {
    /// A key of a mapping.
    Key(String),
    /// A position in a list.
    Index(usize),
}

/// The steps of an RFC 6901 pointer (`/spec/containers/0/image`), read
/// against `object`: a step into a list is a position. None when the
/// pointer does not lead anywhere in `object` (nothing to delete) or is
/// not a pointer (the empty pointer, the whole object, is never deleted).
pub fn pointer_steps(object: &Value, pointer: &str) -> Option<Vec<PathStep>> {
    let rest = pointer.strip_prefix('/')?;
    let mut steps = Vec::new();
    let mut at = Some(object);
    for token in rest.split('/') {
        let key = token.replace("~1", "/").replace("~0", "~");
        let step = match at? {
            Value::Array(items) => {
                let i: usize = key.parse().ok()?;
                at = items.get(i);
                PathStep::Index(i)
            }
            Value::Object(map) => {
                at = map.get(&key);
                PathStep::Key(key)
            }
            _ => return None,
        };
        steps.push(step);
    }
    Some(steps)
}

/// Removes every path of `paths` from `value` (positions refer to the
/// value before any removal, as in jq's `delpaths`), then every mapping or
/// list that became empty because of it. Paths that lead nowhere are
/// skipped; an empty path (the value itself) is never deleted. Returns
/// whether anything was removed.
pub fn delete_paths(value: &mut Value, paths: &[Vec<PathStep>]) -> bool {
    let mut root = Node::default();
    for path in paths.iter().filter(|p| !p.is_empty()) {
        root.insert(path);
    }
    root.apply(value)
}

/// A trie of the paths to delete.
#[derive(Default)]
struct Node {
    /// This value itself is deleted.
    delete: bool,
    children: BTreeMap<PathStep, Node>,
}

impl Node {
    fn insert(&mut self, path: &[PathStep]) {
        let mut node = self;
        for step in path {
            if node.delete {
                return;
            }
            node = node.children.entry(step.clone()).or_default();
        }
        node.delete = true;
        node.children.clear();
    }

    /// Applies the deletions below this node to `value`; true when
    /// something was removed.
    fn apply(&self, value: &mut Value) -> bool {
        let mut changed = false;
        match value {
            Value::Object(map) => {
                for (step, child) in &self.children {
                    let PathStep::Key(key) = step else { continue };
                    let remove = match map.get_mut(key) {
                        None => false,
                        Some(_) if child.delete => true,
                        Some(inner) => {
                            let emptied = child.apply(inner);
                            changed |= emptied;
                            emptied && is_empty_container(inner)
                        }
                    };
                    if remove {
                        map.shift_remove(key);
                        changed = true;
                    }
                }
            }
            Value::Array(items) => {
                let mut gone = Vec::new();
                for (step, child) in &self.children {
                    let PathStep::Index(i) = step else { continue };
                    let Some(inner) = items.get_mut(*i) else {
                        continue;
                    };
                    if child.delete {
                        gone.push(*i);
                    } else if child.apply(inner) {
                        changed = true;
                        if is_empty_container(inner) {
                            gone.push(*i);
                        }
                    }
                }
                // Children iterate in ascending order: remove from the end.
                for i in gone.into_iter().rev() {
                    items.remove(i);
                    changed = true;
                }
            }
            _ => {}
        }
        changed
    }
}

fn is_empty_container(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(k: &str) -> PathStep {
        PathStep::Key(k.to_string())
    }

    #[test]
    fn pointers_step_into_lists_by_position() {
        let v = json!({"a": [{"b/c": 1}]});
        assert_eq!(
            pointer_steps(&v, "/a/0/b~1c"),
            Some(vec![key("a"), PathStep::Index(0), key("b/c")])
        );
        assert_eq!(pointer_steps(&v, "/a/x"), None);
        assert_eq!(pointer_steps(&v, "/a/7/b"), None);
        assert_eq!(pointer_steps(&v, ""), None);
        assert_eq!(
            pointer_steps(&v, "/missing"),
            Some(vec![key("missing")]),
            "a missing last key is a no-op deletion, not an error"
        );
    }

    #[test]
    fn positions_refer_to_the_list_before_removal() {
        let mut v = json!({"a": [0, 1, 2, 3]});
        let paths = vec![
            vec![key("a"), PathStep::Index(1)],
            vec![key("a"), PathStep::Index(3)],
        ];
        assert!(delete_paths(&mut v, &paths));
        assert_eq!(v, json!({"a": [0, 2]}));
    }

    #[test]
    fn containers_emptied_by_a_removal_go_too() {
        let mut v = json!({"metadata": {"name": "x", "annotations": {"a": "1"}},
            "spec": {"containers": [{"image": "x"}, {"name": "b", "image": "y"}], "keep": {}}});
        let paths = vec![
            vec![key("metadata"), key("annotations"), key("a")],
            vec![
                key("spec"),
                key("containers"),
                PathStep::Index(0),
                key("image"),
            ],
            vec![
                key("spec"),
                key("containers"),
                PathStep::Index(1),
                key("image"),
            ],
        ];
        delete_paths(&mut v, &paths);
        assert_eq!(
            v,
            json!({"metadata": {"name": "x"}, "spec": {"containers": [{"name": "b"}], "keep": {}}}),
            "an empty mapping that was empty before stays"
        );
    }

    #[test]
    fn paths_that_lead_nowhere_change_nothing() {
        let mut v = json!({"a": {"b": 1}, "l": [1]});
        let before = v.clone();
        let paths = vec![
            vec![key("x"), key("y")],
            vec![key("a"), PathStep::Index(0)],
            vec![key("l"), key("k")],
            vec![key("l"), PathStep::Index(5)],
            vec![],
        ];
        assert!(!delete_paths(&mut v, &paths));
        assert_eq!(v, before);
    }

    #[test]
    fn a_parent_deletion_covers_its_children() {
        let mut v = json!({"a": {"b": {"c": 1}}, "z": 1});
        let paths = vec![vec![key("a"), key("b"), key("c")], vec![key("a")]];
        delete_paths(&mut v, &paths);
        assert_eq!(v, json!({"z": 1}));
    }
}
