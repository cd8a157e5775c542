//! The promotion dialog's state (`P` in the pipeline view): which stage
//! of which pipeline, the engine's dry-run of the promotion (the file
//! diff and the manifest diff, parsed and highlighted once when it
//! arrives, and the gates) and how far it is scrolled.

use super::diff_lines::{Unified, unified};
use super::diff_state::Highlighted;
use super::views::Loadable;
use crate::engine::{GateState, Promotion};
use crate::tui::highlight;
use std::sync::Arc;

/// The preview, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PromotePreview {
    /// The engine's dry-run.
    pub promotion: Arc<Promotion>,
    /// The file diff, then the manifest diff, as marked lines.
    pub lines: Unified,
    /// Each line's text highlighted.
    pub highlighted: Highlighted,
}

/// A promotion being confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct PromoteState {
    /// The pipeline.
    pub pipeline: String,
    /// The stage promoted into (its app).
    pub stage: String,
    /// The engine's dry-run, or why it refuses.
    pub preview: Loadable<PromotePreview>,
    /// First diff line shown.
    pub scroll: usize,
}

impl PromoteState {
    /// A promotion into `stage` waiting for the engine's preview.
    pub fn loading(pipeline: &str, stage: &str) -> PromoteState {
        PromoteState {
            pipeline: pipeline.to_string(),
            stage: stage.to_string(),
            preview: Loadable::Loading,
            scroll: 0,
        }
    }

    /// Whether a preview of `pipeline`/`stage` answers this dialog.
    pub fn answers(&self, pipeline: &str, stage: &str) -> bool {
        self.pipeline == pipeline && self.stage == stage
    }

    /// Takes the engine's dry-run.
    pub fn set_preview(&mut self, promotion: Arc<Promotion>, theme: &str) {
        let text = format!("{}{}", promotion.file_diff(), promotion.manifest_diff());
        let lines = unified(&text);
        let highlighted = highlight::yaml(lines.lines.iter().map(|(_, t)| t.as_str()), theme);
        self.preview = Loadable::Ready(PromotePreview {
            promotion,
            lines,
            highlighted,
        });
        self.scroll = 0;
    }

    /// Highlights again after a theme change.
    pub fn rehighlight(&mut self, theme: &str) {
        if let Loadable::Ready(p) = &mut self.preview {
            p.highlighted = highlight::yaml(p.lines.lines.iter().map(|(_, t)| t.as_str()), theme);
        }
    }

    /// The first gate of the shown preview that fails.
    pub fn failed_gate(&self) -> Option<&GateState> {
        match &self.preview {
            Loadable::Ready(p) => p.promotion.failed_gates().next(),
            _ => None,
        }
    }

    /// Scrolls the diff by `delta` lines.
    pub fn scroll_by(&mut self, delta: isize) {
        let len = match &self.preview {
            Loadable::Ready(p) => p.lines.lines.len(),
            _ => 0,
        };
        self.scroll = self
            .scroll
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }
}
