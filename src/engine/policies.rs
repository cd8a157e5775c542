//! Admission policies before sync (DESIGN.md §7): the `policies:` folder
//! read from Git and compiled (reused while its revision resolves to the
//! same commit), and the check of an app's objects — offline for
//! `tether check`, against the cluster (live objects, the API server's
//! view of each object through a server-side dry-run, discovery) before
//! every sync.

use super::desired::read_sources;
use crate::cluster::{ClusterClient, gvk_of};
use crate::diff::SecretStrings;
use crate::model::{PolicySource, Revision};
use crate::policy::{CheckInput, KindInfo, Kinds, PolicySet, UserInfo, Violation};
use crate::render;
use crate::source::Repo;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The compiled policies folder, by the commit it was read at (for
/// `WORKTREE`, by a hash of its rendered objects).
#[derive(Default)]
pub struct PolicyCache {
    entry: Mutex<Option<LoadedPolicies>>,
}

/// A compiled policies folder and what identifies its content: the commit
/// it was read at, or a hash of the rendered objects of a work tree.
#[derive(Clone)]
pub struct LoadedPolicies {
    pub id: String,
    pub set: Arc<PolicySet>,
}

impl PolicyCache {
    /// The policies of `source`: from the cache while its revision
    /// resolves to the same commit, else read, rendered and compiled.
    /// The error is one sentence naming the folder.
    pub fn load(&self, source: &PolicySource) -> Result<Arc<PolicySet>, String> {
        self.load_identified(source).map(|loaded| loaded.set)
    }

    /// [`Self::load`] with the identity of what was loaded.
    pub fn load_identified(&self, source: &PolicySource) -> Result<LoadedPolicies, String> {
        let place = format!(
            "the admission policies in {} at {}",
            source.repo.join(&source.path).display(),
            source.revision
        );
        let fail = |e: &dyn std::fmt::Display| format!("{place}: {e}");
        let repo = Repo::open(&source.repo).map_err(|e| fail(&e))?;
        let commit = match &source.revision {
            Revision::WorkTree => None,
            rev => Some(repo.resolve(rev).map_err(|e| fail(&e))?.id),
        };
        if let Some(id) = &commit
            && let Some(cached) = self.cached(id)
        {
            return Ok(cached);
        }
        let revision = commit.clone().map_or(Revision::WorkTree, Revision::Git);
        let tree = read_sources(&repo, &revision, &source.path).map_err(|e| fail(&e))?;
        let objects = render::render(&tree, &source.path).map_err(|e| fail(&e))?;
        let id = match commit {
            Some(id) => id,
            None => format!("WORKTREE:{}", content_hash(&objects)),
        };
        if let Some(cached) = self.cached(&id) {
            return Ok(cached);
        }
        let set = Arc::new(PolicySet::from_objects(objects).map_err(|e| fail(&e))?);
        let loaded = LoadedPolicies { id, set };
        if let Ok(mut entry) = self.entry.lock() {
            *entry = Some(loaded.clone());
        }
        Ok(loaded)
    }

    fn cached(&self, id: &str) -> Option<LoadedPolicies> {
        let entry = self.entry.lock().ok()?;
        entry.as_ref().filter(|e| e.id == id).cloned()
    }
}

/// A short hash of `objects` as JSON: the identity of rendered content
/// that has no commit (a work tree).
pub(crate) fn content_hash(objects: &[Value]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for object in objects {
        hasher.update(serde_json::to_vec(object).unwrap_or_default());
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Who the policies see as the requester: this process's user.
pub fn requester() -> UserInfo {
    UserInfo {
        username: super::whoami(),
        groups: vec!["system:authenticated".to_string()],
    }
}

/// The violations of `objects` (prepared for the cluster) as the cluster
/// would admit them: each object as a server-side dry-run apply returns
/// it (defaulted, merged with the live one; the object itself when the
/// dry-run cannot run yet), UPDATE over the live object or CREATE,
/// namespaces and kinds as the cluster has them.
pub async fn check_against_cluster(
    policies: &PolicySet,
    client: &ClusterClient,
    objects: &[Value],
    dry_run: bool,
) -> Vec<Violation> {
    if policies.is_empty() {
        return Vec::new();
    }
    let seen = futures::future::join_all(objects.iter().map(|o| as_admitted(client, o))).await;
    let mut kinds = Kinds::new();
    let mut admitted = Vec::with_capacity(objects.len());
    let mut live = Vec::with_capacity(objects.len());
    for (object, current, kind) in seen {
        if let Some((group, name, info)) = kind {
            kinds.insert(&group, &name, info);
        }
        admitted.push(object);
        live.push(current);
    }
    let namespaces = live_namespaces(client, objects).await;
    let user = requester();
    let input = CheckInput {
        objects: &admitted,
        live: &live,
        namespaces: &namespaces,
        kinds: &kinds,
        user: &user,
        dry_run,
    };
    let seen = objects.iter().chain(&admitted).chain(live.iter().flatten());
    mask(policies.check(&input), seen)
}

/// One object as the cluster would admit it: the server-side dry-run's
/// result (else the object itself), the live object, and what discovery
/// says of its kind (group, kind, info).
async fn as_admitted(
    client: &ClusterClient,
    object: &Value,
) -> (Value, Option<Value>, Option<(String, String, KindInfo)>) {
    let Some(gvk) = gvk_of(object) else {
        return (object.clone(), None, None);
    };
    let Ok(kind) = client.resolve(&gvk).await else {
        return (object.clone(), None, None);
    };
    let meta = |p: &str| object.pointer(p).and_then(Value::as_str);
    let name = meta("/metadata/name").unwrap_or_default();
    let current = client
        .get(&gvk, meta("/metadata/namespace"), name)
        .await
        .ok()
        .flatten();
    let seen = match client.apply(object, true).await {
        Ok(outcome) => outcome.object,
        Err(_) => object.clone(),
    };
    let info = KindInfo {
        plural: kind.resource.plural.clone(),
        namespaced: kind.namespaced,
    };
    (seen, current, Some((gvk.group, gvk.kind, info)))
}

/// `violations` with every value of the Secrets among `objects` masked
/// (a messageExpression may quote what it reads).
pub fn mask<'a>(
    mut violations: Vec<Violation>,
    objects: impl Iterator<Item = &'a Value>,
) -> Vec<Violation> {
    if violations.is_empty() {
        return violations;
    }
    let mut values = Vec::new();
    for secret in objects.filter(|o| {
        o.get("apiVersion").and_then(Value::as_str) == Some("v1")
            && o.get("kind").and_then(Value::as_str) == Some("Secret")
    }) {
        for (field, encoded) in [("data", true), ("stringData", false)] {
            for value in secret
                .get(field)
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.values())
            {
                let Some(text) = value.as_str() else { continue };
                values.push(text.to_string());
                if encoded {
                    use base64::Engine as _;
                    if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text) {
                        values.push(String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
            }
        }
    }
    let secrets = SecretStrings::new(values);
    for v in &mut violations {
        v.message = secrets.mask_text(&v.message);
    }
    violations
}

/// The live Namespaces the objects live in.
async fn live_namespaces(client: &ClusterClient, objects: &[Value]) -> HashMap<String, Value> {
    let gvk = crate::model::GroupVersionKind::from_api_version("v1", "Namespace");
    let mut out = HashMap::new();
    for object in objects {
        let Some(ns) = object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
        else {
            continue;
        };
        if out.contains_key(ns) {
            continue;
        }
        if let Ok(Some(found)) = client.get(&gvk, None, ns).await {
            out.insert(ns.to_string(), found);
        }
    }
    out
}

/// The admission gate of a sync: the violations of `desired` (prepared
/// for the cluster), secret values masked; an error refusing the sync
/// when one denies and this is no dry-run.
pub(crate) async fn admit(
    app: &crate::model::AppSpec,
    client: &ClusterClient,
    policies: &PolicySet,
    desired: &super::Desired,
    dry_run: bool,
) -> Result<Vec<Violation>, super::EngineError> {
    let mut violations = check_against_cluster(policies, client, &desired.objects, dry_run).await;
    for v in &mut violations {
        v.message = desired.secrets.mask_text(&v.message);
    }
    if !dry_run && violations.iter().any(Violation::denies) {
        let error = super::EngineError::Policy {
            app: app.name.clone(),
            message: refusal(&violations),
        };
        return Err(error.masked(&desired.secrets));
    }
    Ok(violations)
}

/// The message of a refused sync: every denial (at most five), then how
/// many more.
fn refusal(violations: &[Violation]) -> String {
    let denials: Vec<&Violation> = violations.iter().filter(|v| v.denies()).collect();
    let mut text = denials
        .iter()
        .take(5)
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    if denials.len() > 5 {
        text.push_str(&format!("; and {} more", denials.len() - 5));
    }
    format!("sync refused by admission policies, nothing was applied: {text}")
}

/// The outcome of `tether check APP`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckReport {
    pub app: String,
    /// The commit the app was rendered at (or `WORKTREE`).
    pub revision: String,
    /// Policies of the folder, in order.
    pub policies: Vec<String>,
    pub violations: Vec<Violation>,
    /// Bindings without a policy, policies without a binding.
    pub warnings: Vec<String>,
}

impl super::Engine {
    /// The policies of tether.yaml's `policies:`, compiled; None when not
    /// configured. The error names `app` (whose sync or check needs them).
    pub(crate) fn policy_set(
        &self,
        app: &str,
    ) -> Result<Option<Arc<PolicySet>>, super::EngineError> {
        let Some(source) = &self.policies else {
            return Ok(None);
        };
        self.policy_cache
            .load(source)
            .map(Some)
            .map_err(|message| super::EngineError::Policy {
                app: app.to_string(),
                message,
            })
    }

    /// Checks an app's desired objects (at `revision`, default its own)
    /// against the admission policies without a cluster: every object is
    /// created, namespaces are the app's (or only their name), kinds are
    /// the built-in ones and the app's CRDs.
    pub fn check(
        &self,
        name: &str,
        revision: Option<&Revision>,
    ) -> Result<CheckReport, super::EngineError> {
        let app = self.app(name)?;
        let policies = self.policy_set(&app.name)?.ok_or_else(|| super::EngineError::Policy {
            app: app.name.clone(),
            message: "no admission policies configured: add `policies: {repo: ./gitops, path: policies}` to tether.yaml".to_string(),
        })?;
        let desired = super::render_app(&app, revision)?;
        let violations = offline_violations(&app, &policies, &desired, &requester());
        Ok(CheckReport {
            app: app.name.clone(),
            revision: desired.revision,
            policies: policies.policy_names().map(str::to_string).collect(),
            violations,
            warnings: policies.warnings().to_vec(),
        })
    }
}

/// The violations of an app's desired objects checked offline (as
/// `tether check` does): prepared without a cluster, every object
/// created, secret values masked.
pub(crate) fn offline_violations(
    app: &crate::model::AppSpec,
    policies: &PolicySet,
    desired: &super::Desired,
    user: &UserInfo,
) -> Vec<Violation> {
    let mut objects = desired.objects.clone();
    super::compare::prepare_offline(app, &mut objects);
    let found = policies.check(&CheckInput::offline(&objects, user));
    mask(found, objects.iter())
        .into_iter()
        .map(|mut v| {
            v.message = desired.secrets.mask_text(&v.message);
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_never_show_secret_values() {
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
            "data": {"password": "aHVudGVyMjAyNA=="}, "stringData": {"token": "tok-12345"}});
        let violation = |message: &str| Violation {
            policy: "p".into(),
            binding: "b".into(),
            object: "Secret/db".into(),
            message: message.into(),
            action: "Deny".into(),
        };
        let masked = mask(
            vec![
                violation("password hunter2024 is weak"),
                violation("aHVudGVyMjAyNA== and tok-12345 leak"),
            ],
            [&secret].into_iter(),
        );
        assert_eq!(masked[0].message, "password (masked) is weak");
        assert_eq!(masked[1].message, "(masked) and (masked) leak");
    }
}
