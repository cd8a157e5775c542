//! The operation view's state: the Argo CD operation of one live app as
//! the engine last read it, flattened into rows (a heading per sync phase
//! and wave, then its resources), and a cursor.

use super::cursor::ListCursor;
use super::views::Loadable;
use crate::engine::OperationView;
use std::sync::Arc;

/// One row of the operation view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationRow {
    /// `PreSync`, `Sync · wave 1`…
    Heading(String),
    /// A resource: its index in the operation's resources.
    Resource(usize),
}

/// The operation of one app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationState {
    /// The app (its ref).
    pub app: String,
    /// The engine's reading; kept while a newer one is asked for.
    pub operation: Loadable<Arc<OperationView>>,
    /// Headings and resources, in order.
    pub rows: Vec<OperationRow>,
    /// Selection and scroll.
    pub cursor: ListCursor,
}

impl OperationState {
    /// The operation of `app`, waiting for the engine.
    pub fn loading(app: &str) -> OperationState {
        OperationState {
            app: app.to_string(),
            operation: Loadable::Loading,
            rows: Vec::new(),
            cursor: ListCursor::default(),
        }
    }

    /// Takes a new reading, keeping the selection's position.
    pub fn set_operation(&mut self, operation: Arc<OperationView>, page: usize) {
        let mut rows = Vec::with_capacity(operation.resources.len() + 4);
        let mut index = 0;
        for (heading, resources) in operation.groups() {
            rows.push(OperationRow::Heading(heading));
            for _ in resources {
                rows.push(OperationRow::Resource(index));
                index += 1;
            }
        }
        self.rows = rows;
        self.operation = Loadable::Ready(operation);
        self.cursor.follow(self.rows.len(), page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::OperationResource;

    #[test]
    fn headings_precede_their_resources() {
        let resource = |phase: &str, wave, name: &str| OperationResource {
            sync_phase: phase.into(),
            wave,
            name: name.into(),
            ..OperationResource::default()
        };
        let view = OperationView {
            phase: "Running".into(),
            resources: vec![
                resource("PreSync", 0, "migrate"),
                resource("Sync", 0, "cfg"),
                resource("Sync", 0, "svc"),
                resource("Sync", 1, "web"),
            ],
            ..OperationView::default()
        };
        let mut state = OperationState::loading("prod/argocd/web");
        state.set_operation(Arc::new(view), 10);
        assert_eq!(
            state.rows,
            [
                OperationRow::Heading("PreSync".into()),
                OperationRow::Resource(0),
                OperationRow::Heading("Sync · wave 0".into()),
                OperationRow::Resource(1),
                OperationRow::Resource(2),
                OperationRow::Heading("Sync · wave 1".into()),
                OperationRow::Resource(3),
            ]
        );
    }
}
