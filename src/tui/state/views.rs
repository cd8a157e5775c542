//! The view stack's entries: one variant per view above the apps table.

use super::appsets::AppSetAppsState;
use super::cursor::ListCursor;
use super::diff_state::DiffState;
use super::history::HistoryState;
use super::operation::OperationState;
use super::pipeline::PipelineState;
use super::requests::RequestKind;
use super::tree::TreeState;
use crate::model::{EventRecord, ResourceKey};
use crate::tui::keymap::KeyContext;
use ratatui::text::Span;
use std::sync::Arc;

/// A value the engine is computing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loadable<T> {
    /// Asked for, not here yet.
    Loading,
    /// Here.
    Ready(T),
    /// The engine said why not.
    Failed(String),
}

/// Events of an app or of one of its resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsState {
    /// The app.
    pub app: String,
    /// The resource, or None for the whole app.
    pub resource: Option<ResourceKey>,
    /// The events, newest first.
    pub events: Loadable<Arc<Vec<EventRecord>>>,
    /// Selection and scroll.
    pub cursor: ListCursor,
}

/// The live YAML of one resource, highlighted.
#[derive(Debug, Clone, PartialEq)]
pub struct TextState {
    /// The app.
    pub app: String,
    /// The resource.
    pub resource: ResourceKey,
    /// Raw text (kept to highlight again after a theme change).
    pub text: Loadable<String>,
    /// Highlighted lines.
    pub lines: Vec<Vec<Span<'static>>>,
    /// First line shown.
    pub scroll: usize,
}

/// One view on the stack.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    /// Resource tree of an app.
    Tree(TreeState),
    /// Desired vs live of an app, or two stages of a pipeline.
    Diff(Box<DiffState>),
    /// Commits and syncs of an app.
    History(HistoryState),
    /// Kubernetes events.
    Events(EventsState),
    /// Live YAML of a resource.
    Yaml(TextState),
    /// The clusters (kubeconfig contexts), from the snapshot.
    Contexts(ListCursor),
    /// The ApplicationSets, from the snapshot.
    AppSets(ListCursor),
    /// The apps one ApplicationSet generated.
    AppSetApps(AppSetAppsState),
    /// The Argo CD operation of a live app.
    Operation(OperationState),
    /// A pipeline's stages.
    Pipeline(PipelineState),
}

impl View {
    /// The on-demand request that fills this view.
    pub fn request_kind(&self) -> Option<RequestKind> {
        Some(match self {
            View::Tree(_) => RequestKind::Tree,
            View::Diff(s) if s.compare.is_some() => RequestKind::Compare,
            View::Diff(_) => RequestKind::Diff,
            View::History(_) => RequestKind::History,
            View::Events(_) => RequestKind::Events,
            View::Yaml(_) => RequestKind::Yaml,
            View::Pipeline(_) => RequestKind::Pipeline,
            View::Operation(_) => RequestKind::Operation,
            View::Contexts(_) | View::AppSets(_) | View::AppSetApps(_) => return None,
        })
    }

    /// The app the view shows.
    pub fn app(&self) -> Option<&str> {
        Some(match self {
            View::Tree(s) => &s.app,
            View::Diff(s) => &s.app,
            View::History(s) => &s.app,
            View::Events(s) => &s.app,
            View::Yaml(s) => &s.app,
            View::Pipeline(s) => &s.name,
            View::Operation(s) => &s.app,
            View::Contexts(_) | View::AppSets(_) | View::AppSetApps(_) => return None,
        })
    }

    /// Where its keys are looked up.
    pub fn key_context(&self) -> KeyContext {
        match self {
            View::Tree(_) => KeyContext::Tree,
            View::Diff(_) => KeyContext::Diff,
            View::History(_) => KeyContext::History,
            View::Pipeline(_) => KeyContext::Pipeline,
            _ => KeyContext::View,
        }
    }

    /// Whether it waits for the engine (for the spinner).
    pub fn is_loading(&self) -> bool {
        match self {
            View::Tree(s) => s.nodes == Loadable::Loading,
            View::Diff(s) => s.diff == Loadable::Loading,
            View::History(s) => s.history == Loadable::Loading,
            View::Events(s) => s.events == Loadable::Loading,
            View::Yaml(s) => s.text == Loadable::Loading,
            View::Pipeline(s) => s.view == Loadable::Loading,
            View::Operation(s) => s.operation == Loadable::Loading,
            View::Contexts(_) | View::AppSets(_) | View::AppSetApps(_) => false,
        }
    }
}
