//! Keys of the pipeline view (DESIGN.md §7): `c` compares the selected
//! stage with the next in the diff view (the engine's `tether compare`,
//! side by side); `P` asks the engine for a dry-run of the promotion
//! into the selected stage and shows it in a dialog — the file diff, the
//! manifest diff and any failed gate — and only a shown preview whose
//! gates pass can be confirmed, which sends the promotion (one commit).

use super::action::Action;
use super::app::{App, Effect, Mode};
use super::keymap::KeyContext;
use super::keys::KeyChord;
use super::state::diff_state::DiffState;
use super::state::pipeline::PipelineState;
use super::state::promote::PromoteState;
use super::state::{Loadable, RequestKind, View};
use crate::engine::{EngineCommand, Promotion};
use std::sync::Arc;

impl App {
    /// The shown pipeline view, if the top view is one.
    fn shown_pipeline(&self) -> Option<&PipelineState> {
        match self.views.last() {
            Some(View::Pipeline(p)) => Some(p),
            _ => None,
        }
    }

    /// `c` in the pipeline view: the selected stage (left) against the
    /// next (right).
    pub(super) fn compare_stages(&mut self) -> Vec<Effect> {
        let Some(pipeline) = self.shown_pipeline() else {
            self.warn("compare: open a pipeline (:pipeline NAME) and select a stage");
            return Vec::new();
        };
        let (Some(stage), next) = (pipeline.selected_stage(), pipeline.next_stage()) else {
            self.warn("compare: no stage selected");
            return Vec::new();
        };
        let stage = stage.to_string();
        let Some(next) = next.map(str::to_string) else {
            self.warn(format!(
                "compare: {stage} is the last stage; select a stage with one after it"
            ));
            return Vec::new();
        };
        self.open_compare(&stage, &next)
    }

    /// Shows the desired state of `stage` against that of `next`.
    pub(super) fn open_compare(&mut self, stage: &str, next: &str) -> Vec<Effect> {
        self.push(View::Diff(Box::new(DiffState::comparing(stage, next))));
        self.requests.start(RequestKind::Compare, stage, None);
        // Diffed from the next stage to this one: `+` lines are this
        // stage's, shown on the left as desired is in a diff.
        vec![Effect::Send(EngineCommand::Compare {
            a: next.to_string(),
            b: stage.to_string(),
        })]
    }

    /// `P` in the pipeline view: previews a promotion into the selected
    /// stage.
    pub(super) fn start_promote(&mut self) -> Vec<Effect> {
        if self.read_only {
            self.warn("read-only: promote is disabled");
            return Vec::new();
        }
        let Some(pipeline) = self.shown_pipeline() else {
            self.warn("promote: open a pipeline (:pipeline NAME) and select a stage");
            return Vec::new();
        };
        let name = pipeline.name.clone();
        let Some(stage) = pipeline.selected_stage().map(str::to_string) else {
            self.warn("promote: no stage selected");
            return Vec::new();
        };
        self.promote = Some(PromoteState::loading(&name, &stage));
        self.mode = Mode::ConfirmPromote;
        self.requests
            .start(RequestKind::PromotePreview, &stage, None);
        vec![Effect::Send(EngineCommand::PromotePreview {
            pipeline: name,
            stage,
        })]
    }

    /// The engine's dry-run of a promotion: shown when it answers the
    /// open dialog, dropped as stale otherwise.
    pub(super) fn promote_preview(
        &mut self,
        pipeline: &str,
        stage: &str,
        promotion: Arc<Promotion>,
    ) {
        let theme = self.theme.syntax_theme().to_string();
        let Some(state) = self.promote.as_mut().filter(|s| s.answers(pipeline, stage)) else {
            tracing::debug!(pipeline, stage, "stale promotion preview dropped");
            return;
        };
        if self
            .requests
            .accept(RequestKind::PromotePreview, stage, None)
        {
            state.set_preview(promotion, &theme);
            self.status = None;
        }
    }

    /// The engine refused the promotion (dirty folder, nothing to
    /// promote, first stage…): the dialog shows why.
    pub(super) fn promote_refused(&mut self, stage: &str, message: &str) {
        if let Some(state) = self.promote.as_mut().filter(|s| s.stage == stage) {
            state.preview = Loadable::Failed(message.to_string());
        }
    }

    /// Keys in the promotion dialog: scroll the preview, confirm once it
    /// is shown and its gates pass, cancel.
    pub(super) fn promote_key(&mut self, chord: &KeyChord) -> Vec<Effect> {
        let page = isize::try_from(self.page()).unwrap_or(isize::MAX);
        let Some(state) = self.promote.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        match self.keymap.get(KeyContext::Dialog, chord) {
            Some(Action::ScrollDown | Action::MoveDown) => state.scroll_by(1),
            Some(Action::ScrollUp | Action::MoveUp) => state.scroll_by(-1),
            Some(Action::PageDown) => state.scroll_by(page),
            Some(Action::PageUp) => state.scroll_by(-page),
            Some(Action::Confirm) => return self.confirm_promote(),
            Some(Action::Cancel) => {
                let stage = state.stage.clone();
                self.close_promote();
                self.info(format!(
                    "promotion into {stage} cancelled; nothing was written"
                ));
            }
            _ => {}
        }
        Vec::new()
    }

    fn confirm_promote(&mut self) -> Vec<Effect> {
        let Some(state) = &self.promote else {
            return Vec::new();
        };
        let (pipeline, stage) = (state.pipeline.clone(), state.stage.clone());
        if let Some(gate) = state.failed_gate() {
            let text = format!(
                "{stage}: promotion refused by gate {}: {}; nothing was written",
                gate.name, gate.message
            );
            self.error(text);
            return Vec::new();
        }
        match &state.preview {
            Loadable::Ready(_) => {
                self.close_promote();
                self.promoting = Some((pipeline.clone(), stage.clone()));
                self.info(format!("promotion into {stage} requested"));
                vec![Effect::Send(EngineCommand::Promote { pipeline, stage })]
            }
            Loadable::Failed(reason) => {
                let text = format!("{stage}: {reason}");
                self.error(text);
                Vec::new()
            }
            Loadable::Loading => {
                self.warn("waiting for the promotion preview…");
                Vec::new()
            }
        }
    }

    /// A command of `stage` finished: when it is the promotion sent (its
    /// `committed …`, or a failure no request claimed), the pipeline shown
    /// is loaded again to show what the stage now runs.
    pub(super) fn promote_done(&mut self, stage: &str, ok: bool, message: &str, claimed: bool) {
        let ours = if ok {
            message.starts_with("committed")
        } else {
            !claimed
        };
        let Some((pipeline, _)) = self.promoting.take_if(|(_, s)| ours && s.as_str() == stage)
        else {
            return;
        };
        let shown = self.shown_pipeline().is_some_and(|p| p.name == pipeline);
        if ok && shown {
            let cursor = self.shown_pipeline().map(|p| p.cursor).unwrap_or_default();
            self.views.pop();
            let mut state = PipelineState::loading(&pipeline);
            state.cursor = cursor;
            self.views.push(View::Pipeline(state));
            self.requests.start(RequestKind::Pipeline, &pipeline, None);
            self.outbox.push(EngineCommand::Pipeline { name: pipeline });
        }
    }

    fn close_promote(&mut self) {
        self.mode = Mode::Normal;
        self.promote = None;
        self.requests.cancel(RequestKind::PromotePreview);
    }

    /// The promotion being confirmed, if any.
    pub fn promotion(&self) -> Option<&PromoteState> {
        self.promote.as_ref()
    }
}
