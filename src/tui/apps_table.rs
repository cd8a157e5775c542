//! The apps table's state: sort order, filter and a selection that follows
//! the selected app's name across snapshots.

use super::apps_filter::matches;
use super::policy_marks;
use super::state::scope::AppScope;
use crate::engine::Snapshot;
use crate::model::{AppStatus, SyncStatus};
use std::cmp::Ordering;

/// The column the apps table is sorted by (then by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    /// Cluster, then name (the default).
    #[default]
    Cluster,
    Name,
    Project,
    Sync,
    Health,
    Revision,
    /// Worst first: policy check errors, most denials, most warnings,
    /// passing apps, apps not checked.
    Policy,
}

impl SortColumn {
    /// The column header it sorts by.
    pub fn header(self) -> &'static str {
        match self {
            SortColumn::Cluster => "CLUSTER",
            SortColumn::Name => "NAME",
            SortColumn::Project => "PROJECT",
            SortColumn::Sync => "SYNC",
            SortColumn::Health => "HEALTH",
            SortColumn::Revision => "REVISION",
            SortColumn::Policy => "POLICY",
        }
    }

    fn next(self) -> SortColumn {
        match self {
            SortColumn::Cluster => SortColumn::Name,
            SortColumn::Name => SortColumn::Project,
            SortColumn::Project => SortColumn::Sync,
            SortColumn::Sync => SortColumn::Health,
            SortColumn::Health => SortColumn::Revision,
            SortColumn::Revision => SortColumn::Policy,
            SortColumn::Policy => SortColumn::Cluster,
        }
    }

    fn compare(self, a: &AppStatus, b: &AppStatus) -> Ordering {
        let sync_rank = |s: SyncStatus| match s {
            SyncStatus::Synced => 0,
            SyncStatus::OutOfSync => 1,
            SyncStatus::Unknown => 2,
        };
        match self {
            SortColumn::Cluster => a.cluster.cmp(&b.cluster),
            SortColumn::Name => Ordering::Equal,
            SortColumn::Project => a.project.cmp(&b.project),
            SortColumn::Sync => sync_rank(a.sync).cmp(&sync_rank(b.sync)),
            SortColumn::Health => a.health.cmp(&b.health),
            SortColumn::Revision => a.revision.cmp(&b.revision),
            SortColumn::Policy => policy_marks::worst_first(a, b),
        }
        .then_with(|| a.name.cmp(&b.name))
    }
}

/// How rows are grouped under headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    /// No headings.
    #[default]
    None,
    /// One heading per project.
    Project,
    /// One heading per cluster.
    Cluster,
}

impl Grouping {
    /// The group an app belongs to.
    pub fn key(self, app: &AppStatus) -> Option<&str> {
        match self {
            Grouping::None => None,
            Grouping::Project => Some(&app.project),
            Grouping::Cluster => Some(&app.cluster),
        }
    }
}

/// Rows of the apps table: the snapshot's apps in scope, sorted by cluster
/// then name, narrowed by a case-insensitive filter.
#[derive(Debug, Clone)]
pub struct AppsTable {
    /// Indices into the snapshot's apps, sorted, filtered.
    visible: Vec<usize>,
    /// Index into `visible`.
    selected: usize,
    /// Name of the selected app, to find it again after a change.
    selected_name: Option<String>,
    filter: String,
    /// Which engine's and context's apps are listed.
    scope: AppScope,
    /// First row shown; kept so the view does not jump while moving.
    offset: usize,
    /// Rows that fit on screen (at least 1).
    page: usize,
    sort: SortColumn,
    descending: bool,
    grouping: Grouping,
    /// The theme's glyphs of denials and warnings, so that `/` matches
    /// the POLICY cell as shown.
    policy_glyphs: (String, String),
}

impl Default for AppsTable {
    fn default() -> Self {
        Self {
            visible: Vec::new(),
            selected: 0,
            selected_name: None,
            filter: String::new(),
            scope: AppScope::default(),
            offset: 0,
            page: 1,
            sort: SortColumn::default(),
            descending: false,
            grouping: Grouping::default(),
            policy_glyphs: ("✗".to_string(), "!".to_string()),
        }
    }
}

/// The revision as shown: a commit id shortened to 7 characters.
pub fn short_revision(revision: &str) -> &str {
    let is_commit = revision.len() > 7 && revision.chars().all(|c| c.is_ascii_hexdigit());
    if is_commit { &revision[..7] } else { revision }
}

impl AppsTable {
    /// Recomputes the rows for `snapshot`, keeping the selection on the
    /// same app name when it is still visible.
    pub fn update(&mut self, snapshot: &Snapshot) {
        let needle = self.filter.to_lowercase();
        let scope = &self.scope;
        let (denied, warned) = (&self.policy_glyphs.0, &self.policy_glyphs.1);
        let admitted: Vec<bool> = snapshot
            .apps
            .iter()
            .map(|app| {
                scope.admits(app) && (needle.is_empty() || matches(app, &needle, denied, warned))
            })
            .collect();
        // The last order first: the engine lists apps in the same order
        // every time, so the rows are almost sorted already and the
        // (adaptive) sort below only checks them. Any order sorts right.
        let mut placed = vec![false; admitted.len()];
        let mut visible: Vec<usize> = Vec::with_capacity(admitted.len());
        for &i in &self.visible {
            if admitted.get(i) == Some(&true) && !placed[i] {
                placed[i] = true;
                visible.push(i);
            }
        }
        visible.extend((0..admitted.len()).filter(|&i| admitted[i] && !placed[i]));
        let (sort, descending, grouping) = (self.sort, self.descending, self.grouping);
        visible.sort_by(|&i, &j| {
            let (a, b) = (&snapshot.apps[i], &snapshot.apps[j]);
            let by_column = sort.compare(a, b);
            let by_column = if descending {
                by_column.reverse()
            } else {
                by_column
            };
            // Ties (one name in two clusters) keep the snapshot's order,
            // whatever order the rows had before.
            grouping
                .key(a)
                .cmp(&grouping.key(b))
                .then(by_column)
                .then(i.cmp(&j))
        });
        self.visible = visible;
        let found = self.selected_name.as_ref().and_then(|name| {
            self.visible
                .iter()
                .position(|&i| snapshot.apps[i].key() == name)
        });
        self.selected = match found {
            Some(position) => position,
            None => self.selected.min(self.visible.len().saturating_sub(1)),
        };
        self.remember(snapshot);
    }

    /// Sorts by the next column.
    pub fn next_sort(&mut self, snapshot: &Snapshot) {
        self.sort = self.sort.next();
        self.update(snapshot);
    }

    /// Reverses the sort order.
    pub fn reverse_sort(&mut self, snapshot: &Snapshot) {
        self.descending = !self.descending;
        self.update(snapshot);
    }

    /// Groups by nothing, project, cluster in turn.
    pub fn next_grouping(&mut self, snapshot: &Snapshot) {
        self.grouping = match self.grouping {
            Grouping::None => Grouping::Project,
            Grouping::Project => Grouping::Cluster,
            Grouping::Cluster => Grouping::None,
        };
        self.update(snapshot);
    }

    /// The sort column and whether it is descending.
    pub fn sort(&self) -> (SortColumn, bool) {
        (self.sort, self.descending)
    }

    /// The grouping.
    pub fn grouping(&self) -> Grouping {
        self.grouping
    }

    /// Sets the filter text and recomputes the rows.
    pub fn set_filter(&mut self, filter: &str, snapshot: &Snapshot) {
        self.filter = filter.to_string();
        self.update(snapshot);
    }

    /// Sets the glyphs the POLICY cell shows for denials and warnings
    /// (the theme's), which the filter matches, and recomputes the rows.
    pub fn set_policy_glyphs(&mut self, denied: &str, warned: &str, snapshot: &Snapshot) {
        self.policy_glyphs = (denied.to_string(), warned.to_string());
        self.update(snapshot);
    }

    /// The filter text.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Lists only the apps of `scope` and recomputes the rows.
    pub fn set_scope(&mut self, scope: AppScope, snapshot: &Snapshot) {
        self.scope = scope;
        self.update(snapshot);
    }

    /// Which apps are listed.
    pub fn scope(&self) -> &AppScope {
        &self.scope
    }

    /// Moves the selection by `delta` rows, stopping at the ends.
    pub fn move_by(&mut self, delta: isize, snapshot: &Snapshot) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.remember(snapshot);
    }

    /// Selects the first row.
    pub fn top(&mut self, snapshot: &Snapshot) {
        self.selected = 0;
        self.remember(snapshot);
    }

    /// Selects the last row.
    pub fn bottom(&mut self, snapshot: &Snapshot) {
        self.selected = self.visible.len().saturating_sub(1);
        self.remember(snapshot);
    }

    /// Tells the table how many rows fit on screen.
    pub fn set_page(&mut self, rows: usize) {
        self.page = rows.max(1);
        self.scroll_to_selection();
    }

    /// Rows in one page.
    pub fn page(&self) -> usize {
        self.page
    }

    /// The first row shown.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The position of the selected row, if any row is visible.
    pub fn selected(&self) -> Option<usize> {
        (!self.visible.is_empty()).then_some(self.selected)
    }

    /// The selected app.
    pub fn selected_app<'a>(&self, snapshot: &'a Snapshot) -> Option<&'a AppStatus> {
        self.visible
            .get(self.selected)
            .and_then(|&i| snapshot.apps.get(i))
    }

    /// The visible apps, in table order.
    pub fn rows<'a>(&'a self, snapshot: &'a Snapshot) -> impl Iterator<Item = &'a AppStatus> + 'a {
        self.visible.iter().filter_map(|&i| snapshot.apps.get(i))
    }

    /// How many rows are visible.
    pub fn len(&self) -> usize {
        self.visible.len()
    }

    /// Whether no row is visible.
    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    fn remember(&mut self, snapshot: &Snapshot) {
        if let Some(app) = self.selected_app(snapshot) {
            self.selected_name = Some(app.key().to_string());
        }
        self.scroll_to_selection();
    }

    /// Moves the offset as little as possible to show the selection, and
    /// never leaves empty rows below the last app.
    fn scroll_to_selection(&mut self) {
        let last_offset = self.visible.len().saturating_sub(self.page);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + self.page {
            self.offset = self.selected + 1 - self.page;
        }
        self.offset = self.offset.min(last_offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(name: &str, cluster: &str) -> AppStatus {
        AppStatus {
            name: name.to_string(),
            cluster: cluster.to_string(),
            ..AppStatus::default()
        }
    }

    #[test]
    fn sorts_by_cluster_then_name_and_keeps_selection() {
        let mut snapshot = Snapshot {
            apps: vec![app("b", "prod"), app("a", "prod"), app("c", "dev")],
            ..Snapshot::default()
        };
        let mut table = AppsTable::default();
        table.update(&snapshot);
        let names: Vec<_> = table.rows(&snapshot).map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["c", "a", "b"]);
        table.bottom(&snapshot);
        snapshot.apps.push(app("0", "dev"));
        table.update(&snapshot);
        assert_eq!(table.selected_app(&snapshot).unwrap().name, "b");
    }

    #[test]
    fn the_view_moves_only_when_the_selection_leaves_it() {
        let snapshot = Snapshot {
            apps: (0..10).map(|i| app(&format!("a{i}"), "c")).collect(),
            ..Snapshot::default()
        };
        let mut table = AppsTable::default();
        table.update(&snapshot);
        table.set_page(4);
        table.bottom(&snapshot);
        assert_eq!((table.selected(), table.offset()), (Some(9), 6));
        table.move_by(-2, &snapshot);
        assert_eq!((table.selected(), table.offset()), (Some(7), 6));
        table.move_by(-2, &snapshot);
        assert_eq!((table.selected(), table.offset()), (Some(5), 5));
        table.top(&snapshot);
        assert_eq!(table.offset(), 0);
    }

    #[test]
    fn rows_sort_from_any_earlier_order_and_ties_keep_the_snapshots_order() {
        let snapshot = Snapshot {
            apps: vec![
                app("web", "prod"),
                app("db", "dev"),
                app("web", "dev"),
                app("api", "prod"),
            ],
            ..Snapshot::default()
        };
        let names = |table: &AppsTable| -> Vec<String> {
            table
                .rows(&snapshot)
                .map(|a| format!("{}/{}", a.cluster, a.name))
                .collect()
        };
        let mut table = AppsTable::default();
        table.update(&snapshot);
        assert_eq!(names(&table), ["dev/db", "dev/web", "prod/api", "prod/web"]);
        // By name: the two `web` rows tie and come in the snapshot's
        // order (prod first), not in the cluster order they had.
        table.next_sort(&snapshot);
        assert_eq!(table.sort().0, SortColumn::Name);
        assert_eq!(names(&table), ["prod/api", "dev/db", "prod/web", "dev/web"]);
        // Apps gone and new in the next snapshot are placed too.
        let next = Snapshot {
            apps: vec![app("web", "dev"), app("cache", "dev")],
            ..Snapshot::default()
        };
        table.update(&next);
        let rows: Vec<_> = table.rows(&next).map(|a| a.name.as_str()).collect();
        assert_eq!(rows, ["cache", "web"]);
    }

    #[test]
    fn shortens_commit_ids_only() {
        assert_eq!(short_revision("0123456789abcdef"), "0123456");
        assert_eq!(short_revision("WORKTREE"), "WORKTREE");
    }
}
