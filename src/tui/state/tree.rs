//! The resource tree view's state: the app's nodes flattened into rows
//! (children indented under their parent), collapsed nodes, a cursor.

use super::cursor::ListCursor;
use super::views::Loadable;
use crate::model::{ResourceKey, ResourceNode};
use std::collections::BTreeSet;
use std::sync::Arc;

/// One visible row of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    /// Child indices from the roots down to this node.
    pub path: Vec<usize>,
    /// Guides drawn before the node (`│  ├─ `).
    pub prefix: String,
    /// Whether the node has children.
    pub has_children: bool,
    /// Whether its children are hidden.
    pub collapsed: bool,
}

/// Tree of one app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeState {
    /// The app shown.
    pub app: String,
    /// The nodes, once the engine sent them.
    pub nodes: Loadable<Arc<Vec<ResourceNode>>>,
    /// Paths of collapsed nodes (all expanded by default).
    collapsed: BTreeSet<Vec<usize>>,
    /// The visible rows.
    pub rows: Vec<TreeRow>,
    /// Selection and scroll.
    pub cursor: ListCursor,
}

impl TreeState {
    /// A tree of `app` waiting for the engine.
    pub fn loading(app: &str) -> TreeState {
        TreeState {
            app: app.to_string(),
            nodes: Loadable::Loading,
            collapsed: BTreeSet::new(),
            rows: Vec::new(),
            cursor: ListCursor::default(),
        }
    }

    /// Takes the engine's nodes, keeping collapsed nodes and the selection
    /// where the paths still exist.
    pub fn set_nodes(&mut self, nodes: Arc<Vec<ResourceNode>>, page: usize) {
        self.nodes = Loadable::Ready(nodes);
        self.rebuild(page);
    }

    /// The node of a row.
    pub fn node(&self, row: &TreeRow) -> Option<&ResourceNode> {
        let Loadable::Ready(nodes) = &self.nodes else {
            return None;
        };
        let (first, rest) = row.path.split_first()?;
        let mut node = nodes.get(*first)?;
        for &i in rest {
            node = node.children.get(i)?;
        }
        Some(node)
    }

    /// The selected node's key.
    pub fn selected_key(&self) -> Option<ResourceKey> {
        let row = self.rows.get(self.cursor.selected)?;
        let n = self.node(row)?;
        Some(ResourceKey::new(
            &n.group,
            &n.kind,
            Some(n.namespace.as_str()),
            &n.name,
        ))
    }

    /// Expands or collapses the selected node (when it has children).
    pub fn toggle(&mut self, page: usize) {
        let Some(row) = self.rows.get(self.cursor.selected) else {
            return;
        };
        if !row.has_children {
            return;
        }
        let path = row.path.clone();
        if !self.collapsed.remove(&path) {
            self.collapsed.insert(path);
        }
        self.rebuild(page);
    }

    /// Moves the selection.
    pub fn move_by(&mut self, delta: isize, page: usize) {
        self.cursor.move_by(delta, self.rows.len(), page);
    }

    fn rebuild(&mut self, page: usize) {
        let mut rows = Vec::new();
        if let Loadable::Ready(nodes) = &self.nodes {
            flatten(nodes, &mut Vec::new(), "", &self.collapsed, &mut rows);
        }
        self.rows = rows;
        self.cursor.follow(self.rows.len(), page);
    }
}

fn flatten(
    nodes: &[ResourceNode],
    path: &mut Vec<usize>,
    guides: &str,
    collapsed: &BTreeSet<Vec<usize>>,
    rows: &mut Vec<TreeRow>,
) {
    let top = path.is_empty();
    for (i, node) in nodes.iter().enumerate() {
        path.push(i);
        let last = i + 1 == nodes.len();
        let prefix = if top {
            String::new()
        } else {
            format!("{guides}{}", if last { "└─ " } else { "├─ " })
        };
        let is_collapsed = collapsed.contains(path);
        rows.push(TreeRow {
            path: path.clone(),
            prefix,
            has_children: !node.children.is_empty(),
            collapsed: is_collapsed,
        });
        if !is_collapsed {
            let below = if top {
                String::new()
            } else {
                format!("{guides}{}", if last { "   " } else { "│  " })
            };
            flatten(&node.children, path, &below, collapsed, rows);
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HealthStatus;

    fn node(kind: &str, name: &str, children: Vec<ResourceNode>) -> ResourceNode {
        ResourceNode {
            group: String::new(),
            version: "v1".to_string(),
            kind: kind.to_string(),
            namespace: "ns".to_string(),
            name: name.to_string(),
            sync: None,
            health: HealthStatus::Healthy,
            message: String::new(),
            info: String::new(),
            actions: Vec::new(),
            events: Vec::new(),
            children,
        }
    }

    #[test]
    fn flattens_expanded_and_collapses_on_toggle() {
        let nodes = vec![
            node(
                "Deployment",
                "web",
                vec![node(
                    "ReplicaSet",
                    "web-1",
                    vec![node("Pod", "web-1-a", vec![])],
                )],
            ),
            node("Service", "web", vec![]),
        ];
        let mut tree = TreeState::loading("app");
        tree.set_nodes(Arc::new(nodes), 10);
        let prefixes: Vec<_> = tree.rows.iter().map(|r| r.prefix.as_str()).collect();
        assert_eq!(prefixes, ["", "└─ ", "   └─ ", ""]);
        tree.toggle(10);
        assert_eq!(tree.rows.len(), 2);
        tree.move_by(1, 10);
        assert_eq!(tree.selected_key().unwrap().to_string(), "Service/ns/web");
    }
}
