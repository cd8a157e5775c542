//! Everything a key can do, by the names keymap files use.

use serde::{Deserialize, Serialize};

/// One thing a key can do. Keymaps refer to actions by their snake_case
/// serde name (`move_down`, `sync_prune`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Leave the program.
    Quit,
    /// Show the key bindings.
    Help,
    /// Close the current overlay, clear the filter, or go back a view.
    Back,
    /// Enter `:` command mode.
    Command,
    /// Start the incremental `/` filter.
    Filter,
    /// Select the previous row.
    MoveUp,
    /// Select the next row.
    MoveDown,
    /// Move the selection up by one page.
    PageUp,
    /// Move the selection down by one page.
    PageDown,
    /// Select the first row.
    Top,
    /// Select the last row.
    Bottom,
    /// Ask the engine to re-read sources and live state.
    Refresh,
    /// Sync the selected app (asks for confirmation).
    Sync,
    /// Sync the selected app and prune extra objects (asks for confirmation).
    SyncPrune,
    /// Open the selected item.
    DrillIn,
    /// Show the resource tree of the selected app.
    Tree,
    /// Show the diff of the selected app.
    Diff,
    /// Show the history of the selected app.
    History,
    /// Show the events of the selected app.
    Events,
    /// Show the YAML of the selected item.
    Yaml,
    /// Pause or resume automated sync of the selected app.
    Pause,
    /// Revert the selected commit, or roll a live Argo CD app back to the
    /// selected sync (asks for confirmation).
    Revert,
    /// Terminate the running Argo CD operation of the selected app (asks
    /// for confirmation).
    Terminate,
    /// Show the Argo CD operation of the selected app (phase, resources by
    /// wave), updating live.
    Operation,
    /// Answer yes in a dialog, or accept typed input.
    Confirm,
    /// Answer no in a dialog, or abandon typed input.
    Cancel,
    /// Delete the character before the cursor in typed input.
    DeleteChar,
    /// Complete the command being typed.
    Complete,
    /// Expand or collapse the selected tree node.
    ToggleNode,
    /// Jump to the next diff hunk.
    NextHunk,
    /// Jump to the previous diff hunk.
    PrevHunk,
    /// Switch the diff between side by side and unified.
    ToggleUnified,
    /// Hide or show resources without changes in the diff.
    ToggleUnchanged,
    /// Scroll the text pane down by one line.
    ScrollDown,
    /// Scroll the text pane up by one line.
    ScrollUp,
    /// Sort the apps table by the next column.
    SortNext,
    /// Reverse the sort order of the apps table.
    SortReverse,
    /// Group the apps table: none, by project, by cluster.
    ToggleGroup,
    /// Choose a resource action (Rollout promote, Deployment restart…)
    /// for the selected tree node (asks for confirmation).
    ResourceAction,
    /// Compare the selected pipeline stage with the next, side by side.
    CompareStages,
    /// Promote into the selected pipeline stage: shows the preview, commits
    /// on confirmation.
    Promote,
}

impl Action {
    /// Every action, in help-screen order.
    pub const ALL: [Action; 41] = [
        Action::Quit,
        Action::Help,
        Action::Back,
        Action::Command,
        Action::Filter,
        Action::MoveUp,
        Action::MoveDown,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Refresh,
        Action::Sync,
        Action::SyncPrune,
        Action::DrillIn,
        Action::Tree,
        Action::Diff,
        Action::History,
        Action::Events,
        Action::Yaml,
        Action::Pause,
        Action::Revert,
        Action::Terminate,
        Action::Operation,
        Action::Confirm,
        Action::Cancel,
        Action::DeleteChar,
        Action::Complete,
        Action::ToggleNode,
        Action::NextHunk,
        Action::PrevHunk,
        Action::ToggleUnified,
        Action::ToggleUnchanged,
        Action::ScrollDown,
        Action::ScrollUp,
        Action::SortNext,
        Action::SortReverse,
        Action::ToggleGroup,
        Action::ResourceAction,
        Action::CompareStages,
        Action::Promote,
    ];

    /// The name keymap files use (the serde name).
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Back => "back",
            Action::Command => "command",
            Action::Filter => "filter",
            Action::MoveUp => "move_up",
            Action::MoveDown => "move_down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Refresh => "refresh",
            Action::Sync => "sync",
            Action::SyncPrune => "sync_prune",
            Action::DrillIn => "drill_in",
            Action::Tree => "tree",
            Action::Diff => "diff",
            Action::History => "history",
            Action::Events => "events",
            Action::Yaml => "yaml",
            Action::Pause => "pause",
            Action::Revert => "revert",
            Action::Terminate => "terminate",
            Action::Operation => "operation",
            Action::Confirm => "confirm",
            Action::Cancel => "cancel",
            Action::DeleteChar => "delete_char",
            Action::Complete => "complete",
            Action::ToggleNode => "toggle_node",
            Action::NextHunk => "next_hunk",
            Action::PrevHunk => "prev_hunk",
            Action::ToggleUnified => "toggle_unified",
            Action::ToggleUnchanged => "toggle_unchanged",
            Action::ScrollDown => "scroll_down",
            Action::ScrollUp => "scroll_up",
            Action::SortNext => "sort_next",
            Action::SortReverse => "sort_reverse",
            Action::ToggleGroup => "toggle_group",
            Action::ResourceAction => "resource_action",
            Action::CompareStages => "compare_stages",
            Action::Promote => "promote",
        }
    }

    /// The action named `name` in a keymap file.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Changes clusters or Git: needs a confirmation dialog (or a typed
    /// reason), and is not available in read-only mode.
    pub fn dangerous(self) -> bool {
        matches!(
            self,
            Action::Sync
                | Action::SyncPrune
                | Action::Pause
                | Action::Revert
                | Action::Terminate
                | Action::ResourceAction
                | Action::Promote
        )
    }

    /// One line for the help screen.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit tether",
            Action::Help => "show this help",
            Action::Back => "back / close / clear filter",
            Action::Command => "command mode (:apps, :appsets, :ctx, :q…)",
            Action::Filter => "filter rows",
            Action::MoveUp => "select previous row",
            Action::MoveDown => "select next row",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::Refresh => "refresh sources and live state",
            Action::Sync => "sync the selected app",
            Action::SyncPrune => "sync with prune",
            Action::DrillIn => "open the selected item",
            Action::Tree => "resource tree",
            Action::Diff => "diff desired vs live",
            Action::History => "history",
            Action::Events => "events",
            Action::Yaml => "YAML",
            Action::Pause => "pause / resume automation",
            Action::Revert => "revert the commit / roll back",
            Action::Terminate => "terminate the Argo CD operation",
            Action::Operation => "Argo CD operation by wave",
            Action::Confirm => "yes / accept",
            Action::Cancel => "no / abandon",
            Action::DeleteChar => "delete a character",
            Action::Complete => "complete the command",
            Action::ToggleNode => "expand / collapse the node",
            Action::NextHunk => "next hunk",
            Action::PrevHunk => "previous hunk",
            Action::ToggleUnified => "side by side / unified",
            Action::ToggleUnchanged => "hide / show unchanged resources",
            Action::ScrollDown => "scroll the text down",
            Action::ScrollUp => "scroll the text up",
            Action::SortNext => "sort by the next column",
            Action::SortReverse => "reverse the sort order",
            Action::ToggleGroup => "group by none / project / cluster",
            Action::ResourceAction => "resource actions: promote, restart…",
            Action::CompareStages => "compare the stage with the next",
            Action::Promote => "promote into the stage (preview, then commit)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde() {
        for action in Action::ALL {
            let yaml = serde_yaml::to_string(&action).unwrap();
            assert_eq!(yaml.trim(), action.name());
            assert_eq!(Action::from_name(action.name()), Some(action));
        }
    }

    #[test]
    fn dangerous_actions() {
        let dangerous: Vec<_> = Action::ALL.into_iter().filter(|a| a.dangerous()).collect();
        assert_eq!(
            dangerous,
            vec![
                Action::Sync,
                Action::SyncPrune,
                Action::Pause,
                Action::Revert,
                Action::Terminate,
                Action::ResourceAction,
                Action::Promote
            ]
        );
    }
}
