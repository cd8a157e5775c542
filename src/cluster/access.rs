//! What the kubeconfig user may do, asked of the API server before an
//! action rather than learnt from its failure halfway: access reviews
//! (`SelfSubjectAccessReview`, what `kubectl auth can-i` sends) and the
//! user's name (`SelfSubjectReview`, `kubectl auth whoami`). Answers are
//! kept for the permission TTL of [`super::Timing`]; a server that cannot
//! answer (an old one, or the review itself forbidden) counts as
//! "allowed": the action then runs and reports its own failure.

use super::request::Retry;
use super::{ClusterClient, ClusterError, Denial};
use kube::api::{Api, DynamicObject, PostParams};
use kube::core::{ApiResource, GroupVersionKind as KubeGvk};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// One question: may the user `verb` `resource` of `group` in `namespace`?
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessCheck {
    pub verb: String,
    pub group: String,
    /// Plural (`plural/subresource` for a subresource).
    pub resource: String,
    /// None for cluster-scoped resources and cluster-wide requests.
    pub namespace: Option<String>,
}

impl AccessCheck {
    pub fn new(verb: &str, group: &str, resource: &str, namespace: Option<&str>) -> Self {
        Self {
            verb: verb.to_string(),
            group: group.to_string(),
            resource: resource.to_string(),
            namespace: namespace.map(str::to_string),
        }
    }
}

/// Answers already received, with when they were received.
#[derive(Debug, Default)]
pub(crate) struct AccessCache {
    answers: Mutex<HashMap<AccessCheck, (bool, Instant)>>,
    user: Mutex<Option<String>>,
}

fn review_api(client: &kube::Client, group: &str, kind: &str, plural: &str) -> Api<DynamicObject> {
    let resource = ApiResource::from_gvk_with_plural(&KubeGvk::gvk(group, "v1", kind), plural);
    Api::all_with(client.clone(), &resource)
}

impl ClusterClient {
    /// Whether the user may do `check`; true when the server cannot say.
    pub async fn can_i(&self, check: &AccessCheck) -> bool {
        let ttl = self.timing().permission_ttl;
        if let Ok(answers) = self.access.answers.lock()
            && let Some((allowed, at)) = answers.get(check)
            && at.elapsed() < ttl
        {
            return *allowed;
        }
        let allowed = match self.review(check).await {
            Ok(allowed) => allowed,
            Err(e) => {
                tracing::debug!(cluster = self.name(), error = %e, "access review failed");
                return true;
            }
        };
        if let Ok(mut answers) = self.access.answers.lock() {
            answers.insert(check.clone(), (allowed, Instant::now()));
        }
        allowed
    }

    /// The first of `checks` the user may not do, as a [`Denial`].
    pub async fn first_denied(&self, checks: &[AccessCheck]) -> Option<Denial> {
        for check in checks {
            if !self.can_i(check).await {
                return Some(Denial {
                    user: self.user_name().await,
                    verb: check.verb.clone(),
                    resource: check.resource.clone(),
                    group: check.group.clone(),
                    namespace: check.namespace.clone(),
                });
            }
        }
        None
    }

    /// Forgets every answer (after a refresh, or when RBAC changed).
    pub fn forget_access(&self) {
        if let Ok(mut answers) = self.access.answers.lock() {
            answers.clear();
        }
    }

    async fn review(&self, check: &AccessCheck) -> Result<bool, ClusterError> {
        let (resource, subresource) = match check.resource.split_once('/') {
            Some((r, s)) => (r, s),
            None => (check.resource.as_str(), ""),
        };
        let body: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "metadata": {},
            "spec": {"resourceAttributes": {
                "verb": check.verb, "group": check.group, "resource": resource,
                "subresource": subresource, "namespace": check.namespace.clone().unwrap_or_default(),
            }},
        }))
        .map_err(|e| self.invalid_review(e))?;
        let api = review_api(
            self.kube(),
            "authorization.k8s.io",
            "SelfSubjectAccessReview",
            "selfsubjectaccessreviews",
        );
        let params = PostParams::default();
        let answer = self
            .call("POST selfsubjectaccessreviews", Retry::Idempotent, || {
                api.create(&params, &body)
            })
            .await?;
        Ok(answer
            .data
            .pointer("/status/allowed")
            .and_then(Value::as_bool)
            .unwrap_or(false))
    }

    /// The authenticated user's name (`SelfSubjectReview`); empty where
    /// the server cannot tell.
    pub async fn user_name(&self) -> String {
        if let Ok(user) = self.access.user.lock()
            && let Some(name) = user.as_ref()
        {
            return name.clone();
        }
        let api = review_api(
            self.kube(),
            "authentication.k8s.io",
            "SelfSubjectReview",
            "selfsubjectreviews",
        );
        let body: Result<DynamicObject, _> = serde_json::from_value(json!({
            "apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview", "metadata": {}
        }));
        let params = PostParams::default();
        let found = match body {
            Ok(body) => self
                .call("POST selfsubjectreviews", Retry::Idempotent, || {
                    api.create(&params, &body)
                })
                .await
                .ok()
                .and_then(|r| {
                    r.data
                        .pointer("/status/userInfo/username")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                }),
            Err(_) => None,
        };
        match found {
            Some(name) => {
                if let Ok(mut user) = self.access.user.lock() {
                    *user = Some(name.clone());
                }
                name
            }
            None => String::new(),
        }
    }

    fn invalid_review(&self, e: serde_json::Error) -> ClusterError {
        ClusterError::InvalidObject {
            cluster: self.name().to_string(),
            object: "SelfSubjectAccessReview".to_string(),
            message: e.to_string(),
        }
    }
}
