//! `promote` (DESIGN.md §7): one commit in a stage's checkout that brings
//! the previous stage's versions into it — Kustomize `images:` entries,
//! Helm values keys, whole files — edited in place so comments, order
//! and formatting stay (see [`crate::yamledit`]).
//!
//! Everything is checked before anything is written: a dirty stage
//! folder, nothing to promote, a failed gate (unless forced) each refuse
//! with nothing written.

mod gates;
mod images;
mod text;
mod values;
mod view;

pub use gates::{GateState, healthy_since};
pub use images::{ImageRef, images_of, version_of};
pub use view::{PipelineView, StageView};

use super::stage_compare::{KUSTOMIZATION_NAMES, join};
use super::{Engine, EngineError, desired::render_app};
use crate::diff::SecretStrings;
use crate::model::{AppSpec, FileTree, PipelineSpec, Revision};
use crate::source::Repo;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// How to promote.
#[derive(Debug, Clone, Copy, Default)]
pub struct PromoteOptions {
    /// Compute and show, write nothing.
    pub dry_run: bool,
    /// Promote even when a gate fails (gates are then not evaluated).
    pub force: bool,
}

/// One file a promotion changes (repository path; texts before/after).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    pub path: String,
    /// None when the file is new.
    pub before: Option<String>,
    pub after: String,
}

/// One thing that moves: an image, a values key or a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub what: String,
    pub old: String,
    pub new: String,
}

/// A promotion, made or (dry-run) planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Promotion {
    pub pipeline: String,
    pub from: String,
    pub to: String,
    /// The checkout written to, and its branch.
    pub repo: PathBuf,
    pub branch: String,
    pub changes: Vec<FileChange>,
    pub moved: Vec<Moved>,
    /// Empty when forced (gates are not evaluated then).
    pub gates: Vec<GateState>,
    /// Dry-run: the stage's manifests before and after, per changed
    /// resource (Secret values masked); empty for a real promotion.
    pub manifests: Vec<super::StageResourceDiff>,
    pub message: String,
    /// The new commit; None for a dry-run.
    pub commit: Option<String>,
}

impl Engine {
    /// The pipeline named `name`.
    pub fn pipeline(&self, name: &str) -> Result<&PipelineSpec, EngineError> {
        self.pipelines
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| EngineError::Pipeline {
                pipeline: name.to_string(),
                message: match self.pipelines.len() {
                    0 => "no pipelines in tether.yaml (add `pipelines:`)".to_string(),
                    _ => format!(
                        "no such pipeline; tether.yaml has {}",
                        self.pipelines
                            .iter()
                            .map(|p| p.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
            })
    }

    /// The pipelines of tether.yaml.
    pub fn pipelines(&self) -> &[PipelineSpec] {
        &self.pipelines
    }

    /// Promotes into `stage` of `pipeline` from the stage before it.
    pub async fn promote(
        &self,
        pipeline: &str,
        stage: &str,
        options: PromoteOptions,
    ) -> Result<Promotion, EngineError> {
        let spec = self.pipeline(pipeline)?.clone();
        let fail = |message: String| EngineError::Pipeline {
            pipeline: spec.name.clone(),
            message,
        };
        let index = spec.stage_index(stage).ok_or_else(|| {
            let names: Vec<&str> = spec.stages.iter().map(|s| s.app.as_str()).collect();
            fail(format!("no stage {stage:?} (stages: {})", names.join(", ")))
        })?;
        let Some(before) = index.checked_sub(1).and_then(|i| spec.stages.get(i)) else {
            return Err(fail(format!(
                "{stage} is the first stage: nothing promotes into it"
            )));
        };
        let from = self.app(&before.app)?;
        let to = self.app(stage)?;
        let source_err = |app: &AppSpec, e: &dyn std::fmt::Display| EngineError::Source {
            app: app.name.clone(),
            message: e.to_string(),
        };
        let repo = Repo::open(&to.source.repo).map_err(|e| source_err(&to, &e))?;
        let branch = repo.head_branch().map_err(|e| source_err(&to, &e))?;
        let mut guarded = vec![to.source.path.clone()];
        guarded.extend(value_files(&to));
        repo.require_clean(&guarded)
            .map_err(|e| source_err(&to, &format!("promotion refused: {e}")))?;
        let edits = plan_edits(&spec, &from, &to, &repo)?;
        if edits.moved.is_empty() {
            return Err(fail(format!(
                "nothing to promote: {} already runs what {} runs",
                to.name, from.name
            )));
        }
        let gates = if options.force {
            Vec::new()
        } else {
            let mut gates = self.gates_into(&spec, index).await?;
            gates.extend(self.policy_gate(&to, &repo, &edits)?);
            gates
        };
        if !options.dry_run
            && let Some(e) = gates::first_failure(&to.name, &gates)
        {
            return Err(e);
        }
        let moved: Vec<String> = edits
            .moved
            .iter()
            .map(|m| {
                if m.old.is_empty() {
                    m.what.clone()
                } else {
                    format!("{} {} → {}", m.what, m.old, m.new)
                }
            })
            .collect();
        let message = format!(
            "promote {}: {} → {} ({})",
            spec.name,
            from.name,
            to.name,
            moved.join(", ")
        );
        let changes: Vec<FileChange> = edits
            .files
            .iter()
            .map(|(path, (old, new))| FileChange {
                path: path.clone(),
                before: old
                    .as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned()),
                after: String::from_utf8_lossy(new).into_owned(),
            })
            .collect();
        let manifests = if options.dry_run {
            let (current, next, secrets) = rendered_change(&to, &repo, &edits)?;
            view::manifest_diffs(&current, &next, &secrets)
        } else {
            Vec::new()
        };
        let commit = if options.dry_run {
            None
        } else {
            let author = repo
                .signature_from_config()
                .map_err(|e| source_err(&to, &e))?;
            let writes: Vec<(String, Option<Vec<u8>>)> = edits
                .files
                .into_iter()
                .map(|(path, (_, new))| (path, Some(new)))
                .collect();
            Some(
                repo.commit_files(&branch, &writes, &message, &author)
                    .map_err(|e| source_err(&to, &e))?,
            )
        };
        Ok(Promotion {
            pipeline: spec.name.clone(),
            from: from.name.clone(),
            to: to.name.clone(),
            repo: to.source.repo.clone(),
            branch,
            changes,
            moved: edits.moved,
            gates,
            manifests,
            message,
            commit,
        })
    }

    /// How many resources of stage `index` (≥ 1) the next promotion into
    /// it would change: its manifests rendered with the promotion's edits
    /// against its manifests at HEAD.
    pub fn pending_changes(&self, spec: &PipelineSpec, index: usize) -> Result<usize, EngineError> {
        let (Some(before), Some(stage)) = (
            index.checked_sub(1).and_then(|i| spec.stages.get(i)),
            spec.stages.get(index),
        ) else {
            return Ok(0);
        };
        let (from, to) = (self.app(&before.app)?, self.app(&stage.app)?);
        let source_err = |e: &dyn std::fmt::Display| EngineError::Source {
            app: to.name.clone(),
            message: e.to_string(),
        };
        let repo = Repo::open(&to.source.repo).map_err(|e| source_err(&e))?;
        let edits = plan_edits(spec, &from, &to, &repo)?;
        if edits.files.is_empty() {
            return Ok(0);
        }
        let (current, next, _) = rendered_change(&to, &repo, &edits)?;
        Ok(view::changed_count(&current, &next))
    }

    /// The admission policies of tether.yaml on the stage's manifests as
    /// the promotion leaves them (None when no policies are configured).
    fn policy_gate(
        &self,
        to: &AppSpec,
        repo: &Repo,
        edits: &Edits,
    ) -> Result<Option<GateState>, EngineError> {
        let Some(policies) = self.policy_set(&to.name)? else {
            return Ok(None);
        };
        let (_, mut next, secrets) = rendered_change(to, repo, edits)?;
        super::compare::prepare_offline(to, &mut next);
        let user = super::requester();
        let found = policies.check(&crate::policy::CheckInput::offline(&next, &user));
        let denied: Vec<_> = super::policies::mask(found, next.iter())
            .into_iter()
            .filter(|v| v.denies())
            .collect();
        Ok(Some(match denied.first() {
            None => GateState::new("policies", true, "no admission policy denies".into()),
            Some(v) => GateState::new(
                "policies",
                false,
                format!(
                    "policy {} denies {}: {}{}",
                    v.policy,
                    v.object,
                    secrets.mask_text(&v.message),
                    match denied.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    }
                ),
            ),
        }))
    }

    /// The gates into stage `index` (≥ 1) of `spec`, evaluated now.
    pub async fn gates_into(
        &self,
        spec: &PipelineSpec,
        index: usize,
    ) -> Result<Vec<GateState>, EngineError> {
        let (Some(before), Some(stage)) = (
            index.checked_sub(1).and_then(|i| spec.stages.get(i)),
            spec.stages.get(index),
        ) else {
            return Ok(Vec::new());
        };
        let from = self.app(&before.app)?;
        let to = self.app(&stage.app)?;
        let status = self.status(&from).await;
        let syncs = self
            .history(&from.name)
            .await
            .map(|h| h.syncs)
            .unwrap_or_default();
        let since = healthy_since(&status, &syncs);
        Ok(gates::evaluate(
            self,
            &spec.gates_into(index),
            &status,
            since,
            &to,
            chrono::Utc::now(),
        ))
    }
}

/// A stage's manifests at HEAD, with a promotion's edits applied, and
/// the values it marks secret.
type RenderedChange = (Vec<Value>, Vec<Value>, std::sync::Arc<SecretStrings>);

/// The stage's manifests at HEAD and with `edits` applied, and the values
/// it marks secret.
fn rendered_change(
    to: &AppSpec,
    repo: &Repo,
    edits: &Edits,
) -> Result<RenderedChange, EngineError> {
    let head = Revision::Git("HEAD".to_string());
    let current = render_app(to, Some(&head))?;
    let mut tree = super::desired::read_sources(repo, &head, &to.source.path).map_err(|e| {
        EngineError::Source {
            app: to.name.clone(),
            message: e.to_string(),
        }
    })?;
    for (path, (_, new)) in &edits.files {
        tree.insert(path.clone(), new.clone());
    }
    let next =
        crate::render::render_with(&tree, &to.source.path, &super::desired::render_options(to))
            .map_err(|e| EngineError::Render {
                app: to.name.clone(),
                message: current.secrets.mask_text(&e.to_string()),
            })?;
    Ok((current.objects, next, current.secrets))
}

/// The Helm values files of an app, as repository paths.
fn value_files(app: &AppSpec) -> Vec<String> {
    app.source
        .helm
        .iter()
        .flat_map(|h| h.value_files.iter())
        .map(|f| join(&app.source.path, f))
        .collect()
}

/// Edited files (path → before, after) and what moved.
#[derive(Default)]
struct Edits {
    files: BTreeMap<String, (Option<Vec<u8>>, Vec<u8>)>,
    moved: Vec<Moved>,
}

impl Edits {
    /// The file's current text: edited so far, else at HEAD.
    fn text(&self, head: &FileTree, path: &str) -> Option<String> {
        match self.files.get(path) {
            Some((_, new)) => Some(String::from_utf8_lossy(new).into_owned()),
            None => head
                .get(path)
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        }
    }

    fn write(&mut self, head: &FileTree, path: &str, new: Vec<u8>) {
        let old = head.get(path).map(<[u8]>::to_vec);
        self.files.insert(path.to_string(), (old, new));
    }
}

/// Computes every edit of a promotion from `from` into `to` (whose
/// checkout is `repo`, read at HEAD).
fn plan_edits(
    spec: &PipelineSpec,
    from: &AppSpec,
    to: &AppSpec,
    repo: &Repo,
) -> Result<Edits, EngineError> {
    let source_err = |app: &AppSpec, e: &dyn std::fmt::Display| EngineError::Source {
        app: app.name.clone(),
        message: e.to_string(),
    };
    let head_rev = Revision::Git("HEAD".to_string());
    let head = repo
        .read_tree(&head_rev, "")
        .map_err(|e| source_err(to, &e))?;
    let from_repo = Repo::open(&from.source.repo).map_err(|e| source_err(from, &e))?;
    let from_tree = from_repo
        .read_tree(&from.source.revision, "")
        .map_err(|e| source_err(from, &e))?;
    let mut edits = Edits::default();
    if !spec.promote.images.is_empty() {
        promote_images(spec, from, to, &head, &mut edits)?;
    }
    for key in &spec.promote.helm_values {
        promote_value(key, from, &from_tree, to, &head, &mut edits)?;
    }
    for file in &spec.promote.files {
        let source = join(&from.source.path, file);
        let Some(bytes) = from_tree.get(&source) else {
            return Err(source_err(
                from,
                &format!("has no file {source} to promote"),
            ));
        };
        let target = join(&to.source.path, file);
        if head.get(&target) != Some(bytes) {
            edits.write(&head, &target, bytes.to_vec());
            edits.moved.push(Moved {
                what: file.clone(),
                old: String::new(),
                new: String::new(),
            });
        }
    }
    Ok(edits)
}

fn promote_images(
    spec: &PipelineSpec,
    from: &AppSpec,
    to: &AppSpec,
    head: &FileTree,
    edits: &mut Edits,
) -> Result<(), EngineError> {
    let render_err = |app: &AppSpec, message: String| EngineError::Render {
        app: app.name.clone(),
        message,
    };
    let running = images_of(&render_app(from, None)?.objects);
    let current = images_of(&render_app(to, Some(&Revision::Git("HEAD".into())))?.objects);
    let kustomization = KUSTOMIZATION_NAMES
        .iter()
        .map(|n| join(&to.source.path, n))
        .find(|p| head.contains(p));
    for repository in &spec.promote.images {
        let new = version_of(&running, repository)
            .map_err(|e| render_err(from, e))?
            .ok_or_else(|| render_err(from, format!("runs no image of {repository}")))?;
        let old = version_of(&current, repository).map_err(|e| render_err(to, e))?;
        if old.as_ref() == Some(&new) {
            continue;
        }
        let Some(path) = &kustomization else {
            return Err(render_err(
                to,
                format!(
                    "has no kustomization.yaml in {} to set {repository} in; promote Helm charts' images with helmValues",
                    to.source.path
                ),
            ));
        };
        let text = edits.text(head, path).unwrap_or_default();
        let edited = images::set_kustomize_image(&text, &new)
            .map_err(|e| render_err(to, format!("{path}: {e}")))?;
        edits.write(head, path, edited.into_bytes());
        edits.moved.push(Moved {
            what: repository.clone(),
            old: old.map_or_else(|| "(none)".to_string(), |o| o.version()),
            new: new.version(),
        });
    }
    Ok(())
}

fn promote_value(
    key: &str,
    from: &AppSpec,
    from_tree: &FileTree,
    to: &AppSpec,
    head: &FileTree,
    edits: &mut Edits,
) -> Result<(), EngineError> {
    let err = |app: &AppSpec, message: String| EngineError::Source {
        app: app.name.clone(),
        message,
    };
    let mut source = None;
    for path in value_files(from) {
        let text = from_tree
            .get(&path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        if let Some(found) =
            values::read_value(&text, key).map_err(|e| err(from, format!("{path}: {e}")))?
        {
            source = Some(found);
        }
    }
    let Some((value, raw)) = source else {
        return Err(err(from, format!("no Helm values file of it sets {key}")));
    };
    let files = value_files(to);
    let mut target = None;
    for path in &files {
        let text = edits.text(head, path).unwrap_or_default();
        if let Some(found) =
            values::read_value(&text, key).map_err(|e| err(to, format!("{path}: {e}")))?
        {
            target = Some((path.clone(), text, Some(found.0)));
        }
    }
    let (path, text, old) = match target {
        Some(t) => t,
        None => {
            let Some(last) = files.last() else {
                return Err(err(
                    to,
                    format!("has no Helm values file (source.helm.valueFiles) to set {key} in"),
                ));
            };
            (
                last.clone(),
                edits.text(head, last).unwrap_or_default(),
                None,
            )
        }
    };
    if old.as_deref() == Some(value.as_str()) {
        return Ok(());
    }
    let edited =
        values::write_value(&text, key, &raw).map_err(|e| err(to, format!("{path}: {e}")))?;
    edits.write(head, &path, edited.into_bytes());
    edits.moved.push(Moved {
        what: key.to_string(),
        old: old.unwrap_or_else(|| "(unset)".to_string()),
        new: value,
    });
    Ok(())
}
