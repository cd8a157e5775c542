//! Writes to a cluster: server-side apply (and its dry-run), create,
//! replace with a resourceVersion precondition, delete — each with the
//! request timeout and the retries its kind of request allows.

use super::client::{describe, to_value};
use super::request::Retry;
use super::{ApplyOutcome, ClusterClient, ClusterError, FIELD_MANAGER, ResolvedKind, gvk_of};
use crate::model::{GroupVersionKind, ResourceKey};
use kube::api::{DeleteParams, DynamicObject, Patch, PatchParams};
use serde_json::Value;

impl ClusterClient {
    /// Server-side apply of one manifest with field manager `tether`,
    /// forcing conflicts (Git is the source of truth).
    pub async fn apply(&self, object: &Value, dry_run: bool) -> Result<ApplyOutcome, ClusterError> {
        let key = ResourceKey::from_object(object).ok_or_else(|| ClusterError::InvalidObject {
            cluster: self.name().to_string(),
            object: "manifest".to_string(),
            message: "it has no apiVersion, kind or metadata.name".to_string(),
        })?;
        let gvk = gvk_of(object).ok_or_else(|| self.invalid(&key.name, "no apiVersion"))?;
        let kind = self.resolve(&gvk).await?;
        let mut params = PatchParams::apply(FIELD_MANAGER).force();
        if dry_run {
            params = params.dry_run();
        }
        let api = self.api(&kind, key.namespace.as_deref());
        let patch = Patch::Apply(object);
        let what = format!(
            "{}PATCH {}",
            if dry_run { "dry-run " } else { "" },
            describe(&kind, key.namespace.as_deref(), &key.name)
        );
        let result = self
            .call(&what, Retry::Apply, || {
                api.patch(&key.name, &params, &patch)
            })
            .await?;
        let object = to_value(result).map_err(|e| self.invalid(&key.name, e))?;
        if !dry_run
            && let Some(rv) = object
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
        {
            let ns = if kind.namespaced {
                key.namespace.as_deref()
            } else {
                None
            };
            if let Some(scope) = super::client::scope_of(&kind, ns) {
                self.cache
                    .wait_for_version(&gvk, &kind.resource, &scope, ns, &key.name, rv)
                    .await;
            }
        }
        Ok(ApplyOutcome { object })
    }

    /// Creates an object (POST); Err with code 409 when it exists.
    pub async fn create(&self, object: &Value) -> Result<Value, ClusterError> {
        let (key, kind) = self.target(object).await?;
        let dynamic: DynamicObject =
            serde_json::from_value(object.clone()).map_err(|e| self.invalid(&key.name, e))?;
        let api = self.api(&kind, key.namespace.as_deref());
        let what = format!(
            "POST {}",
            describe(&kind, key.namespace.as_deref(), &key.name)
        );
        let params = Default::default();
        let created = self
            .call(&what, Retry::Unprocessed, || api.create(&params, &dynamic))
            .await?;
        to_value(created).map_err(|e| self.invalid(&key.name, e))
    }

    /// Replaces an object (PUT) at the resourceVersion it carries: a stale
    /// one fails with 409 Conflict (optimistic concurrency).
    pub async fn replace(&self, object: &Value) -> Result<Value, ClusterError> {
        let (key, kind) = self.target(object).await?;
        let dynamic: DynamicObject =
            serde_json::from_value(object.clone()).map_err(|e| self.invalid(&key.name, e))?;
        let api = self.api(&kind, key.namespace.as_deref());
        let what = format!(
            "PUT {}",
            describe(&kind, key.namespace.as_deref(), &key.name)
        );
        let params = Default::default();
        let replaced = self
            .call(&what, Retry::Unprocessed, || {
                api.replace(&key.name, &params, &dynamic)
            })
            .await?;
        to_value(replaced).map_err(|e| self.invalid(&key.name, e))
    }

    async fn target(&self, object: &Value) -> Result<(ResourceKey, ResolvedKind), ClusterError> {
        let key = ResourceKey::from_object(object).ok_or_else(|| {
            self.invalid("manifest", "it has no apiVersion, kind or metadata.name")
        })?;
        let gvk = gvk_of(object).ok_or_else(|| self.invalid(&key.name, "no apiVersion"))?;
        let kind = self.resolve(&gvk).await?;
        Ok((key, kind))
    }

    /// Deletes an object with the given propagation (`foreground`,
    /// `background` or `orphan`; foreground otherwise). Missing is not an
    /// error.
    pub async fn delete(
        &self,
        key: &ResourceKey,
        version: &str,
        propagation: &str,
    ) -> Result<(), ClusterError> {
        let gvk = GroupVersionKind {
            group: key.group.clone(),
            version: version.to_string(),
            kind: key.kind.clone(),
        };
        let kind = self.resolve(&gvk).await?;
        let api = self.api(&kind, key.namespace.as_deref());
        let params = match propagation {
            "background" => DeleteParams::background(),
            "orphan" => DeleteParams::orphan(),
            _ => DeleteParams::foreground(),
        };
        let what = format!(
            "DELETE {}",
            describe(&kind, key.namespace.as_deref(), &key.name)
        );
        match self
            .call(&what, Retry::Idempotent, || api.delete(&key.name, &params))
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// A JSON merge patch of one object (or of its `subresource`, e.g.
    /// `status`). A `metadata.resourceVersion` in the patch is a
    /// precondition: a stale one fails with 409 Conflict and changes
    /// nothing. Returns the object after the patch.
    pub async fn merge_patch(
        &self,
        gvk: &GroupVersionKind,
        namespace: Option<&str>,
        name: &str,
        patch: &Value,
        subresource: Option<&str>,
    ) -> Result<Value, ClusterError> {
        let kind = self.resolve(gvk).await?;
        let api = self.api(&kind, namespace);
        let params = PatchParams::default();
        let merge = Patch::Merge(patch);
        let what = format!("PATCH {}", describe(&kind, namespace, name));
        let patched = self
            .call(&what, Retry::Unprocessed, || async {
                match subresource {
                    Some(sub) => api.patch_subresource(sub, name, &params, &merge).await,
                    None => api.patch(name, &params, &merge).await,
                }
            })
            .await?;
        to_value(patched).map_err(|e| self.invalid(name, e))
    }
}
