//! Sync windows (DESIGN.md §7): tether.yaml `syncWindows:` for every app,
//! and for an imported Argo CD Application the windows of its AppProject
//! (when the project was found next to it), evaluated with Argo CD's
//! semantics by [`crate::argocd::SyncWindows`].

use super::Engine;
use crate::argocd::{AppProject, SyncWindow, SyncWindows, WindowKind, WindowTarget};
use crate::model::AppSpec;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// Why windows keep an app from syncing now; empty `blocking` = allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WindowCheck {
    /// Each blocking window, described (`deny "0 18 * * 5" for 62h …`).
    pub blocking: Vec<String>,
}

impl WindowCheck {
    pub fn allowed(&self) -> bool {
        self.blocking.is_empty()
    }

    /// `sync window deny "…" (syncWindows[0]) is active` for messages.
    pub fn reason(&self) -> String {
        match self.blocking.as_slice() {
            [] => String::new(),
            [one] => format!("sync window {one} blocks it"),
            many => format!("sync windows {} block it", many.join("; ")),
        }
    }
}

/// A row of `tether windows` (DESIGN.md §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowRow {
    /// `syncWindows[0]`, or `AppProject NAME syncWindows[0]`.
    pub source: String,
    pub kind: String,
    pub schedule: String,
    pub duration: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub time_zone: String,
    pub manual_sync: bool,
    pub active: bool,
    /// The apps a sync of which this window blocks now (by name).
    pub blocks: Vec<String>,
}

/// A deny window open now and the apps it holds (the TUI header's
/// freeze marker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freeze {
    /// Where it is written: `syncWindows[0]`, `AppProject NAME spec.syncWindows[1]`.
    pub source: String,
    /// Its description, else its source.
    pub name: String,
    /// When it closes, in its own time zone (`Mon 06:00 CET`).
    pub until: String,
    /// The refs of the apps it blocks now.
    pub apps: Vec<String>,
}

/// How a window is named in messages.
pub fn describe(source: &str, window: &SyncWindow) -> String {
    let spec = &window.spec;
    let kind = match spec.kind {
        WindowKind::Allow => "allow",
        WindowKind::Deny => "deny",
    };
    let zone = if spec.time_zone.is_empty() {
        String::new()
    } else {
        format!(" {}", spec.time_zone)
    };
    let what = if spec.description.is_empty() {
        String::new()
    } else {
        format!(" ({})", spec.description)
    };
    format!(
        "{source} {kind} {:?} for {}{zone}{what}",
        spec.schedule, spec.duration
    )
}

impl Engine {
    /// Every set of windows that may apply to `app`, with its source name.
    fn window_sets(&self, app: &AppSpec) -> Vec<(String, SyncWindows)> {
        let mut out = vec![("syncWindows".to_string(), self.sync_windows.clone())];
        if let Some(project) = argo_project(app) {
            out.push((
                format!("AppProject {} spec.syncWindows", project.name),
                project.windows,
            ));
        }
        out
    }

    /// Whether windows let `app` sync at `now` (`manual`: a sync a person
    /// asked for, which `manualSync` windows let through).
    pub fn window_check(&self, app: &AppSpec, manual: bool, now: DateTime<Utc>) -> WindowCheck {
        let cluster = self.cluster_name(app);
        let target = target_of(app, &cluster);
        let mut blocking = Vec::new();
        for (source, set) in self.window_sets(app) {
            let matching = set.matching(&target);
            let verdict = matching.verdict(manual, now, None);
            for index in verdict.blocked_by {
                if let Some(w) = matching.windows.iter().find(|w| w.index == index) {
                    blocking.push(describe(&format!("{source}[{index}]"), w));
                }
            }
        }
        WindowCheck { blocking }
    }

    /// The deny windows open at `now` that match some app, each with the
    /// apps it blocks, in the order they are written.
    pub fn freezes(&self, now: DateTime<Utc>) -> Vec<Freeze> {
        let mut out: Vec<Freeze> = Vec::new();
        for app in self.apps() {
            let cluster = self.cluster_name(app);
            let target = target_of(app, &cluster);
            for (set_name, set) in self.window_sets(app) {
                let matching = set.matching(&target);
                let open = matching
                    .windows
                    .iter()
                    .filter(|w| w.spec.kind == WindowKind::Deny && w.is_active(now));
                for w in open {
                    let source = format!("{set_name}[{}]", w.index);
                    let at = match out.iter().position(|f| f.source == source) {
                        Some(at) => at,
                        None => {
                            let name = if w.spec.description.is_empty() {
                                source.clone()
                            } else {
                                w.spec.description.clone()
                            };
                            let until = w.active_until(now).map(|t| w.local_time(t));
                            out.push(Freeze {
                                source,
                                name,
                                until: until.unwrap_or_default(),
                                apps: Vec::new(),
                            });
                            out.len() - 1
                        }
                    };
                    if let Some(freeze) = out.get_mut(at) {
                        freeze.apps.push(app.reference());
                    }
                }
            }
        }
        out
    }

    /// `tether windows`: tether.yaml's windows, then those of the
    /// AppProjects of imported Argo CD apps, and the apps each blocks now
    /// (automated syncs; manual ones too unless `manualSync`).
    pub fn windows_report(&self, now: DateTime<Utc>) -> Vec<WindowRow> {
        let apps = self.apps();
        let mut sets: Vec<(String, SyncWindows)> = Vec::new();
        for app in apps.iter() {
            for (name, set) in self.window_sets(app) {
                if !sets.iter().any(|(seen, _)| *seen == name) {
                    sets.push((name, set));
                }
            }
        }
        if sets.is_empty() {
            sets.push(("syncWindows".to_string(), self.sync_windows.clone()));
        }
        let mut rows = Vec::new();
        for (set_name, set) in &sets {
            for w in &set.windows {
                let source = format!("{set_name}[{}]", w.index);
                let described = describe(&source, w);
                let blocks = apps
                    .iter()
                    .filter(|a| {
                        self.window_check(a, false, now)
                            .blocking
                            .iter()
                            .any(|b| b == &described)
                    })
                    .map(|a| a.name.clone())
                    .collect();
                rows.push(WindowRow {
                    source,
                    kind: match w.spec.kind {
                        WindowKind::Allow => "allow".into(),
                        WindowKind::Deny => "deny".into(),
                    },
                    schedule: w.spec.schedule.clone(),
                    duration: w.spec.duration.clone(),
                    time_zone: w.spec.time_zone.clone(),
                    manual_sync: w.spec.manual_sync,
                    active: w.is_active(now),
                    blocks,
                });
            }
        }
        rows
    }
}

/// What windows are matched against for `app` on `cluster`.
fn target_of<'a>(app: &'a AppSpec, cluster: &'a str) -> WindowTarget<'a> {
    WindowTarget {
        app: &app.name,
        namespace: app.destination.namespace.as_deref().unwrap_or(""),
        cluster_name: cluster,
        cluster_server: "",
    }
}

/// The AppProject of an imported Argo CD Application, when it was found
/// next to it (an unreadable one gives no windows: import reports it).
fn argo_project(app: &AppSpec) -> Option<AppProject> {
    let origin = app.origin.as_ref()?;
    if origin.kind != "Application" {
        return None;
    }
    let name = origin
        .object
        .pointer("/spec/project")
        .and_then(Value::as_str)
        .unwrap_or("default");
    origin
        .related
        .iter()
        .filter(|o| o.get("kind").and_then(Value::as_str) == Some("AppProject"))
        .find(|o| o.pointer("/metadata/name").and_then(Value::as_str) == Some(name))
        .and_then(|o| AppProject::from_object(o).ok())
}
