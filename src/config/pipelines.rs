//! The rules of `pipelines:` and `syncWindows:` (DESIGN.md §7).
//!
//! - a pipeline's `name` is a DNS label, unique among pipelines;
//! - it has at least two stages, none twice; a stage given by a plain name
//!   must be an app of `apps:` unless the file imports or watches apps
//!   (those are only known once read: the engine checks them);
//! - `promote` lists something; images are repositories without a tag or
//!   digest; Helm value keys are dotted (`image.tag`); files stay inside
//!   the stage's folder;
//! - `gates.soak` is a Go duration; `gates.verifyJob` a DNS-1123 name;
//! - every sync window has a cron schedule, a Go duration and a known
//!   time zone (checked as Argo CD does, by [`crate::argocd::SyncWindow`]).

use super::validate::{Step, Violation, dns_label_problem};
use crate::argocd::{SyncWindow, SyncWindowSpec, parse_go_duration};
use crate::model::{AppSpec, GateSpec, PipelineSpec};
use std::collections::HashMap;
use std::path::{Component, Path};

/// The first broken rule of `pipelines:`, in document order. `others`:
/// apps may also come from imports or live clusters.
pub(crate) fn first_violation(
    pipelines: &[PipelineSpec],
    apps: &[AppSpec],
    others: bool,
) -> Option<Violation> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, pipeline) in pipelines.iter().enumerate() {
        let at = |rest: &[Step]| {
            let mut p = vec![Step::Key("pipelines"), Step::Index(i)];
            p.extend_from_slice(rest);
            p
        };
        if let Some(problem) = dns_label_problem(&pipeline.name) {
            return Some(Violation::new(
                at(&[Step::Key("name")]),
                format!("pipeline name {:?} {problem}", pipeline.name),
            ));
        }
        if let Some(first) = seen.insert(&pipeline.name, i) {
            return Some(Violation::new(
                at(&[Step::Key("name")]),
                format!(
                    "pipeline name {:?} is already used by pipelines[{first}]",
                    pipeline.name
                ),
            ));
        }
        if let Some(v) = stages_violation(pipeline, apps, others, &at) {
            return Some(v);
        }
        if let Some(v) = promote_violation(pipeline, &at) {
            return Some(v);
        }
        if let Some(v) = gates_violation(&pipeline.gates, &at(&[Step::Key("gates")])) {
            return Some(v);
        }
    }
    None
}

fn stages_violation(
    pipeline: &PipelineSpec,
    apps: &[AppSpec],
    others: bool,
    at: &dyn Fn(&[Step]) -> Vec<Step>,
) -> Option<Violation> {
    if pipeline.stages.len() < 2 {
        return Some(Violation::new(
            at(&[Step::Key("stages")]),
            "a pipeline needs at least two stages (app names, first to last)".into(),
        ));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (j, stage) in pipeline.stages.iter().enumerate() {
        let here = at(&[Step::Key("stages"), Step::Index(j)]);
        if stage.app.trim().is_empty() {
            return Some(Violation::new(
                here,
                "the stage's app must not be empty".into(),
            ));
        }
        if let Some(first) = seen.insert(&stage.app, j) {
            return Some(Violation::new(
                here,
                format!(
                    "app {:?} is already stage {first} of this pipeline",
                    stage.app
                ),
            ));
        }
        let plain = !stage.app.contains('/');
        if plain && !others && !apps.iter().any(|a| a.name == stage.app) {
            return Some(Violation::new(
                here,
                format!("no app named {:?} in \"apps\"", stage.app),
            ));
        }
        if let Some(gates) = &stage.gates {
            let mut path = here.clone();
            path.push(Step::Key("gates"));
            if let Some(v) = gates_violation(gates, &path) {
                return Some(v);
            }
        }
    }
    None
}

fn promote_violation(
    pipeline: &PipelineSpec,
    at: &dyn Fn(&[Step]) -> Vec<Step>,
) -> Option<Violation> {
    let promote = &pipeline.promote;
    if promote.is_empty() {
        return Some(Violation::new(
            at(&[Step::Key("promote")]),
            "nothing to promote: list \"images\", \"helmValues\" or \"files\"".into(),
        ));
    }
    let item =
        |key: &'static str, k: usize| at(&[Step::Key("promote"), Step::Key(key), Step::Index(k)]);
    for (k, image) in promote.images.iter().enumerate() {
        if let Some(problem) = repository_problem(image) {
            return Some(Violation::new(item("images", k), problem));
        }
    }
    for (k, key) in promote.helm_values.iter().enumerate() {
        if key.split('.').any(|s| s.trim().is_empty()) {
            return Some(Violation::new(
                item("helmValues", k),
                format!("{key:?} is not a dotted key of the values file (e.g. image.tag)"),
            ));
        }
    }
    for (k, file) in promote.files.iter().enumerate() {
        let bad = file.is_empty()
            || Path::new(file)
                .components()
                .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
        if bad {
            return Some(Violation::new(
                item("files", k),
                format!("{file:?} must be a file inside the stage's folder (relative, without ..)"),
            ));
        }
    }
    None
}

/// Why `image` is not a bare repository (`ghcr.io/acme/web`).
fn repository_problem(image: &str) -> Option<String> {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.trim().is_empty() || image.contains(char::is_whitespace) {
        return Some("an image repository must not be empty or contain spaces".into());
    }
    if image.contains('@') || last.contains(':') {
        return Some(format!(
            "{image:?} names a version; list the repository only (e.g. ghcr.io/acme/web): the version is what promotes"
        ));
    }
    None
}

fn gates_violation(gates: &GateSpec, path: &[Step]) -> Option<Violation> {
    let field = |key: &'static str| {
        let mut p = path.to_vec();
        p.push(Step::Key(key));
        p
    };
    if let Some(soak) = &gates.soak {
        match parse_go_duration(soak) {
            Ok(n) if n >= 0 => {}
            Ok(_) => {
                return Some(Violation::new(
                    field("soak"),
                    format!("{soak:?} must not be negative"),
                ));
            }
            Err(e) => {
                return Some(Violation::new(
                    field("soak"),
                    format!("{soak:?} is not a duration ({e}); e.g. 10m, 1h30m"),
                ));
            }
        }
    }
    if let Some(job) = &gates.verify_job
        && let Some(problem) = job_name_problem(job)
    {
        return Some(Violation::new(
            field("verifyJob"),
            format!("Job name {job:?} {problem}"),
        ));
    }
    None
}

/// Why `name` is not a DNS-1123 subdomain (what a Job name must be).
fn job_name_problem(name: &str) -> Option<&'static str> {
    if name.len() > 253 {
        return Some("is longer than 253 characters");
    }
    name.split('.').find_map(dns_label_problem)
}

/// The first bad entry of `syncWindows:`: checked as an AppProject's.
pub(crate) fn windows_violation(windows: &[SyncWindowSpec]) -> Option<Violation> {
    for (i, spec) in windows.iter().enumerate() {
        if let Err(e) = SyncWindow::new(i, spec.clone()) {
            let message = match e {
                crate::argocd::ArgoError::Window { message, .. } => message,
                other => other.to_string(),
            };
            let key = if message.contains("schedule") {
                "schedule"
            } else if message.contains("duration") {
                "duration"
            } else if message.contains("timeZone") {
                "timeZone"
            } else {
                "description"
            };
            return Some(Violation::new(
                vec![Step::Key("syncWindows"), Step::Index(i), Step::Key(key)],
                message,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_carry_no_version() {
        assert_eq!(repository_problem("ghcr.io/acme/web"), None);
        assert_eq!(repository_problem("localhost:5000/web"), None);
        assert!(repository_problem("ghcr.io/acme/web:1.0").is_some());
        assert!(repository_problem("web@sha256:00").is_some());
        assert!(repository_problem("").is_some());
    }

    #[test]
    fn job_names_are_subdomains() {
        assert_eq!(job_name_problem("smoke"), None);
        assert_eq!(job_name_problem("smoke.v1"), None);
        assert!(job_name_problem("Smoke").is_some());
        assert!(job_name_problem("smoke..x").is_some());
    }
}
