//! The pipeline view's state: one pipeline's stages from the engine.

use super::cursor::ListCursor;
use super::views::Loadable;
use crate::engine::PipelineView;
use std::sync::Arc;

/// A pipeline (`:pipeline NAME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineState {
    /// The pipeline's name.
    pub name: String,
    pub view: Loadable<Arc<PipelineView>>,
    /// The selected stage.
    pub cursor: ListCursor,
}

impl PipelineState {
    /// The pipeline `name`, waiting for the engine.
    pub fn loading(name: &str) -> Self {
        Self {
            name: name.to_string(),
            view: Loadable::Loading,
            cursor: ListCursor::default(),
        }
    }

    /// How many stages are shown.
    pub fn len(&self) -> usize {
        match &self.view {
            Loadable::Ready(v) => v.stages.len(),
            _ => 0,
        }
    }

    /// The selected stage's app.
    pub fn selected_stage(&self) -> Option<&str> {
        self.stage_at(self.cursor.selected)
    }

    /// The app of the stage after the selected one.
    pub fn next_stage(&self) -> Option<&str> {
        self.stage_at(self.cursor.selected + 1)
    }

    fn stage_at(&self, index: usize) -> Option<&str> {
        match &self.view {
            Loadable::Ready(v) => v.stages.get(index).map(|s| s.app.as_str()),
            _ => None,
        }
    }

    /// True before the stages are known, or when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
