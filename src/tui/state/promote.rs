//! The promotion dialog's state (`P` in the pipeline view): which stage
//! of which pipeline, the engine's dry-run of the promotion (the file
//! diff and the manifest diff, parsed and highlighted once when it
//! arrives, and the gates) and how far it is scrolled.

use super::diff_lines::HighlightedDiff;
use super::views::Loadable;
use crate::engine::{GateState, Promotion};
use std::sync::Arc;

/// The preview, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PromotePreview {
    /// The engine's dry-run.
    pub promotion: Arc<Promotion>,
    /// The file diff, then the manifest diff.
    pub diff: HighlightedDiff,
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
        self.preview = Loadable::Ready(PromotePreview {
            promotion,
            diff: HighlightedDiff::new(&text, theme),
        });
        self.scroll = 0;
    }

    /// Highlights again after a theme change.
    pub fn rehighlight(&mut self, theme: &str) {
        if let Loadable::Ready(p) = &mut self.preview {
            p.diff.rehighlight(theme);
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
            Loadable::Ready(p) => p.diff.len(),
            _ => 0,
        };
        self.scroll = self
            .scroll
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }
}
