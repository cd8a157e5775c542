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

    /// True before the stages are known, or when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
