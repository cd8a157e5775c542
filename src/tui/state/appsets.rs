//! The apps an ApplicationSet generated (those whose parent is its ref),
//! recomputed when a snapshot arrives, the selection following its app.

use super::cursor::ListCursor;
use crate::engine::Snapshot;
use crate::model::AppStatus;

/// The apps of one ApplicationSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSetAppsState {
    /// The ApplicationSet's ref.
    pub appset: String,
    /// Indices into the snapshot's apps, by name then cluster.
    pub rows: Vec<usize>,
    /// Selection and scroll.
    pub cursor: ListCursor,
    /// The selected app's key, to find it again in the next snapshot.
    selected_key: Option<String>,
}

impl AppSetAppsState {
    /// The apps of `appset` in `snapshot`.
    pub fn new(appset: &str, snapshot: &Snapshot, page: usize) -> AppSetAppsState {
        let mut state = AppSetAppsState {
            appset: appset.to_string(),
            rows: Vec::new(),
            cursor: ListCursor::default(),
            selected_key: None,
        };
        state.update(snapshot, page);
        state
    }

    /// Recomputes the rows for `snapshot`, keeping the selected app.
    pub fn update(&mut self, snapshot: &Snapshot, page: usize) {
        let apps = &snapshot.apps;
        let mut rows: Vec<usize> = (0..apps.len())
            .filter(|&i| apps[i].parent.as_deref() == Some(self.appset.as_str()))
            .collect();
        rows.sort_by(|&a, &b| {
            (&apps[a].name, &apps[a].cluster).cmp(&(&apps[b].name, &apps[b].cluster))
        });
        self.rows = rows;
        if let Some(key) = &self.selected_key
            && let Some(at) = self.rows.iter().position(|&i| apps[i].key() == key)
        {
            self.cursor.selected = at;
        }
        self.cursor.follow(self.rows.len(), page);
        self.remember(snapshot);
    }

    /// Moves the selection.
    pub fn move_by(&mut self, delta: isize, snapshot: &Snapshot, page: usize) {
        self.cursor.move_by(delta, self.rows.len(), page);
        self.remember(snapshot);
    }

    /// The selected app.
    pub fn selected<'a>(&self, snapshot: &'a Snapshot) -> Option<&'a AppStatus> {
        let index = *self.rows.get(self.cursor.selected)?;
        snapshot.apps.get(index)
    }

    fn remember(&mut self, snapshot: &Snapshot) {
        if let Some(app) = self.selected(snapshot) {
            self.selected_key = Some(app.key().to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child(name: &str, parent: Option<&str>) -> AppStatus {
        AppStatus {
            name: name.into(),
            reference: format!("prod/argocd/{name}"),
            parent: parent.map(str::to_string),
            ..AppStatus::default()
        }
    }

    #[test]
    fn lists_the_children_and_follows_the_selection() {
        let mut snapshot = Snapshot {
            apps: vec![
                child("web-b", Some("prod/argocd/web")),
                child("api", None),
                child("web-a", Some("prod/argocd/web")),
            ],
            ..Snapshot::default()
        };
        let mut state = AppSetAppsState::new("prod/argocd/web", &snapshot, 10);
        assert_eq!(state.rows, [2, 0]);
        state.move_by(1, &snapshot, 10);
        assert_eq!(state.selected(&snapshot).unwrap().name, "web-b");
        snapshot
            .apps
            .insert(0, child("web-0", Some("prod/argocd/web")));
        state.update(&snapshot, 10);
        assert_eq!(state.rows.len(), 3);
        assert_eq!(state.selected(&snapshot).unwrap().name, "web-b");
    }
}
