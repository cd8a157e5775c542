//! The admission policy findings an app's status carries (the apps
//! table's POLICY column): the offline check `tether check APP` makes,
//! kept per app while neither its desired state nor the policies change,
//! so a status refresh re-checks only what moved.

use super::policies::{LoadedPolicies, content_hash, offline_violations, requester};
use super::{Desired, Engine};
use crate::model::{AppSpec, PolicyFindings, Revision};
use crate::policy::UserInfo;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The policies of one status pass: loaded once for every app, or why
/// they cannot be.
pub(crate) type PassPolicies = Option<Result<LoadedPolicies, String>>;

/// Findings by app ref, with the desired state and policies they were
/// found for.
#[derive(Default)]
pub struct FindingsCache {
    entries: Mutex<HashMap<String, Entry>>,
    user: OnceLock<UserInfo>,
}

struct Entry {
    /// The desired state's identity: its commit, or a hash of a work
    /// tree's rendered objects.
    desired: String,
    policies: String,
    findings: PolicyFindings,
}

impl FindingsCache {
    /// The findings of `desired` (the app's own desired state) under
    /// `policies`: cached while both are the same.
    pub fn findings(
        &self,
        app: &AppSpec,
        desired: &Desired,
        policies: &LoadedPolicies,
    ) -> PolicyFindings {
        let key = app.reference();
        let identity = if Revision::parse(&desired.revision) == Revision::WorkTree {
            format!("{}:{}", desired.revision, content_hash(&desired.objects))
        } else {
            desired.revision.clone()
        };
        if let Ok(entries) = self.entries.lock()
            && let Some(entry) = entries.get(&key)
            && entry.desired == identity
            && entry.policies == policies.id
        {
            return entry.findings.clone();
        }
        let user = self.user.get_or_init(requester);
        let violations = offline_violations(app, &policies.set, desired, user);
        let findings = PolicyFindings::new(Arc::new(violations));
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(
                key,
                Entry {
                    desired: identity,
                    policies: policies.id.clone(),
                    findings: findings.clone(),
                },
            );
        }
        findings
    }
}

impl Engine {
    /// The policies every app of one status pass is checked against; None
    /// when tether.yaml configures none.
    pub(crate) fn pass_policies(&self) -> PassPolicies {
        let source = self.policies.as_ref()?;
        Some(self.policy_cache.load_identified(source))
    }

    /// The findings of an app's desired state (at its own revision) under
    /// the pass's policies; None when tether.yaml configures none. (Live
    /// Argo CD / Flux apps have no desired state here and are not
    /// checked.)
    pub(crate) fn policy_findings(
        &self,
        app: &AppSpec,
        desired: &Desired,
        policies: &PassPolicies,
    ) -> Option<PolicyFindings> {
        match policies.as_ref()? {
            Ok(loaded) => Some(self.findings_cache.findings(app, desired, loaded)),
            Err(message) => Some(PolicyFindings::failed(message.clone())),
        }
    }
}
