//! Views that lead to others: Enter on a context lists that context's
//! apps, on an ApplicationSet the apps it generated, on one of those its
//! tree, and on a child Application in a tree (app of apps) that app's own
//! tree — Esc goes back each step.

use super::app::{App, Effect};
use super::state::View;
use super::state::appsets::AppSetAppsState;
use super::state::scope::AppScope;
use super::state::tree::TreeState;
use super::state::{ListCursor, Loadable, RequestKind};
use crate::engine::EngineCommand;
use crate::model::ResourceNode;

impl App {
    /// Enter in the shown view, when it leads somewhere; None otherwise
    /// (a tree node then expands or collapses).
    pub(super) fn drill_in_view(&mut self) -> Option<Vec<Effect>> {
        let page = self.page();
        match self.views.last()? {
            View::Contexts(cursor) => {
                let name = self.snapshot.clusters.get(cursor.selected)?.name.clone();
                self.show_scope(AppScope {
                    context: Some(name),
                    ..self.table.scope().clone()
                });
                Some(Vec::new())
            }
            View::AppSets(cursor) => {
                let appset = self
                    .snapshot
                    .appsets
                    .get(cursor.selected)?
                    .reference
                    .clone();
                let state = AppSetAppsState::new(&appset, &self.snapshot, page);
                self.views.push(View::AppSetApps(state));
                Some(Vec::new())
            }
            View::AppSetApps(state) => {
                let app = state.selected(&self.snapshot)?.key().to_string();
                Some(self.open_tree(&app))
            }
            View::Tree(tree) => {
                let child = child_application(tree)?;
                let current = tree.app.clone();
                Some(self.jump_to_child(&current, child))
            }
            _ => None,
        }
    }

    /// Opens the tree of the app the child Application `node` of the tree
    /// of `parent` is, above that tree.
    fn jump_to_child(&mut self, parent: &str, node: ResourceNode) -> Vec<Effect> {
        let cluster = self
            .snapshot
            .apps
            .iter()
            .find(|a| a.key() == parent)
            .map(|a| a.cluster.clone());
        let named = |a: &&crate::model::AppStatus| {
            let mut parts = a.key().rsplitn(3, '/');
            let (name, namespace) = (parts.next(), parts.next());
            a.kind.as_deref() == Some("Application")
                && name == Some(node.name.as_str())
                && (node.namespace.is_empty() || namespace == Some(node.namespace.as_str()))
        };
        let candidates: Vec<&crate::model::AppStatus> =
            self.snapshot.apps.iter().filter(named).collect();
        let chosen = candidates
            .iter()
            .find(|a| Some(&a.cluster) == cluster.as_ref())
            .or(candidates.first());
        let Some(child) = chosen.map(|a| a.key().to_string()) else {
            self.warn(format!(
                "Application {} is not listed as an app (its context is not watched?)",
                node.name
            ));
            return Vec::new();
        };
        self.views.push(View::Tree(TreeState::loading(&child)));
        self.requests.start(RequestKind::Tree, &child, None);
        vec![Effect::Send(EngineCommand::Tree { app: child })]
    }

    /// `:appsets`: the ApplicationSets, over the apps table.
    pub(super) fn open_appsets(&mut self) {
        while !self.views.is_empty() {
            self.pop_view();
        }
        self.views.push(View::AppSets(ListCursor::default()));
    }

    /// Lists the apps of `scope` in the apps table, views closed.
    pub(super) fn show_scope(&mut self, scope: AppScope) {
        while !self.views.is_empty() {
            self.pop_view();
        }
        let snapshot = std::sync::Arc::clone(&self.snapshot);
        let text = if scope.is_all() {
            "listing every app".to_string()
        } else {
            format!("listing {} (:all lists every app)", scope.describe())
        };
        self.table.set_scope(scope, &snapshot);
        self.info(text);
    }
}

/// The selected node of `tree` when it is an Argo CD Application without
/// children of its own (an app of apps' child).
fn child_application(tree: &TreeState) -> Option<ResourceNode> {
    let row = tree.rows.get(tree.cursor.selected)?;
    let node = tree.node(row)?;
    let is_app = node.kind == "Application" && node.group == "argoproj.io";
    (is_app && node.children.is_empty() && matches!(tree.nodes, Loadable::Ready(_)))
        .then(|| node.clone())
}
