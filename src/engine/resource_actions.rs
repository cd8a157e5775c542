//! Resource actions on an app's objects (DESIGN.md §7): promote, abort,
//! pause, resume or restart a Rollout, Canary or Deployment the app
//! deploys. The object is read fresh, the action checked against its
//! state, and its merge patches (`crate::live::actions`) sent: the status
//! part to the `status` subresource, the rest to the object.

use super::{Engine, EngineError};
use crate::live::actions::{self, ActionChoice, ActionKind, ActionPatches};
use crate::model::{AppSpec, ResourceKey};
use serde_json::Value;

/// One action on one object, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceActionPlan {
    /// The app's name.
    pub app: String,
    /// The object: group, kind, namespace, name.
    pub key: ResourceKey,
    pub action: String,
    pub patches: ActionPatches,
}

impl ResourceActionPlan {
    /// `Rollout/shop/web`.
    pub fn target(&self) -> String {
        format!(
            "{}/{}/{}",
            self.key.kind,
            self.key.namespace.as_deref().unwrap_or(""),
            self.key.name
        )
    }

    /// The patches in words.
    pub fn describe(&self) -> String {
        self.patches.describe(&self.target())
    }
}

fn refuse(app: &AppSpec, message: impl Into<String>) -> EngineError {
    EngineError::Sync {
        app: app.name.clone(),
        message: message.into(),
    }
}

/// `KIND/NAME` or `KIND/NAMESPACE/NAME` as typed: the kind with actions,
/// the namespace (if given) and the name.
pub fn parse_target(typed: &str) -> Result<(ActionKind, Option<String>, String), String> {
    let parts: Vec<&str> = typed.split('/').collect();
    let (kind, namespace, name) = match parts.as_slice() {
        [kind, name] => (*kind, None, *name),
        [kind, namespace, name] => (*kind, Some(namespace.to_string()), *name),
        _ => {
            return Err(format!("{typed:?} is not KIND/NAME or KIND/NAMESPACE/NAME"));
        }
    };
    if name.is_empty() {
        return Err(format!("{typed:?} names no object"));
    }
    let kind = ActionKind::parse(kind).ok_or_else(|| {
        format!("{kind:?} has no actions: only Rollout, Canary and Deployment have")
    })?;
    Ok((kind, namespace, name.to_string()))
}

impl Engine {
    /// The object of the app `name` that `target` (`KIND/NAME`) names.
    async fn action_key(
        &self,
        app: &AppSpec,
        kind: ActionKind,
        namespace: Option<&str>,
        object: &str,
    ) -> Result<ResourceKey, EngineError> {
        let status = self.status(app).await;
        let found = status.resources.iter().find(|r| {
            ActionKind::of(&r.group, &r.kind) == Some(kind)
                && r.name == object
                && namespace.is_none_or(|ns| ns == r.namespace)
        });
        let resource =
            found.ok_or_else(|| refuse(app, format!("it deploys no {}/{object}", kind.kind())))?;
        Ok(ResourceKey::new(
            &resource.group,
            &resource.kind,
            Some(resource.namespace.as_str()).filter(|n| !n.is_empty()),
            &resource.name,
        ))
    }

    async fn read_target(&self, app: &AppSpec, key: &ResourceKey) -> Result<Value, EngineError> {
        let client = self.client_for(app).await?;
        let kind = ActionKind::of(&key.group, &key.kind)
            .ok_or_else(|| refuse(app, format!("a {} has no actions", key.kind)))?;
        client
            .get(&kind.gvk(), key.namespace.as_deref(), &key.name)
            .await
            .map_err(|e| EngineError::cluster(&app.name, e))?
            .ok_or_else(|| refuse(app, format!("{key} does not exist in the cluster")))
    }

    /// Every action of the app's object `key`, each saying whether it
    /// applies to the object's current state (read fresh).
    pub async fn resource_actions(
        &self,
        name: &str,
        key: &ResourceKey,
    ) -> Result<Vec<ActionChoice>, EngineError> {
        let app = self.app(name)?;
        let object = self.read_target(&app, key).await?;
        Ok(actions::choices(&object))
    }

    /// What `action` on the app's object `target` (`KIND/NAME` or
    /// `KIND/NAMESPACE/NAME`) would send; sends nothing. Refused for an
    /// app tether may not change, an object the app does not deploy, and
    /// an action that does not apply to the object's state.
    pub async fn resource_action_plan(
        &self,
        name: &str,
        target: &str,
        action: &str,
    ) -> Result<ResourceActionPlan, EngineError> {
        let app = self.managed_app(name)?;
        let (kind, namespace, object) = parse_target(target).map_err(|e| refuse(&app, e))?;
        let key = self
            .action_key(&app, kind, namespace.as_deref(), &object)
            .await?;
        self.plan_on(&app, key, action).await
    }

    async fn plan_on(
        &self,
        app: &AppSpec,
        key: ResourceKey,
        action: &str,
    ) -> Result<ResourceActionPlan, EngineError> {
        let object = self.read_target(app, &key).await?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let patches = actions::build(&object, action, &now)
            .map_err(|e| refuse(app, format!("cannot {action} {}: {e}", key)))?;
        Ok(ResourceActionPlan {
            app: app.name.clone(),
            key,
            action: action.to_string(),
            patches,
        })
    }

    /// Runs `action` on the app's object `key` (as [`Engine::resource_action_plan`]
    /// checks it) and returns what was sent, in words.
    pub async fn resource_action(
        &self,
        name: &str,
        key: &ResourceKey,
        action: &str,
    ) -> Result<String, EngineError> {
        let app = self.managed_app(name)?;
        let plan = self.plan_on(&app, key.clone(), action).await?;
        self.send_action(&app, &plan).await
    }

    /// Sends a plan: the status patch to the status subresource (or, when
    /// the API server has none, the unified patch to the object), then the
    /// spec patch to the object.
    async fn send_action(
        &self,
        app: &AppSpec,
        plan: &ResourceActionPlan,
    ) -> Result<String, EngineError> {
        let client = self.client_for(app).await?;
        let kind = ActionKind::of(&plan.key.group, &plan.key.kind)
            .ok_or_else(|| refuse(app, format!("a {} has no actions", plan.key.kind)))?;
        let gvk = kind.gvk();
        let ns = plan.key.namespace.as_deref();
        let name = plan.key.name.as_str();
        let failed = |e| EngineError::cluster(&app.name, e);
        let mut spec = plan.patches.spec.as_ref();
        if let Some(status) = &plan.patches.status {
            match client
                .merge_patch(&gvk, ns, name, status, Some("status"))
                .await
            {
                Ok(_) => {}
                Err(e) if e.is_not_found() => {
                    if let Some(unified) = &plan.patches.unified {
                        client
                            .merge_patch(&gvk, ns, name, unified, None)
                            .await
                            .map_err(failed)?;
                        spec = None;
                    }
                }
                Err(e) => return Err(failed(e)),
            }
        }
        if let Some(spec) = spec {
            client
                .merge_patch(&gvk, ns, name, spec, None)
                .await
                .map_err(failed)?;
        }
        Ok(format!("{} {}: sent", plan.action, plan.target()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_a_kind_with_actions() {
        let (kind, ns, name) = parse_target("ro/checkout").unwrap();
        assert_eq!(
            (kind, ns, name.as_str()),
            (ActionKind::Rollout, None, "checkout")
        );
        let (kind, ns, _) = parse_target("deploy/shop/web").unwrap();
        assert_eq!(
            (kind, ns.as_deref()),
            (ActionKind::Deployment, Some("shop"))
        );
        assert!(
            parse_target("Service/web")
                .unwrap_err()
                .contains("has no actions")
        );
        assert!(parse_target("web").unwrap_err().contains("KIND/NAME"));
        assert!(
            parse_target("Rollout/")
                .unwrap_err()
                .contains("names no object")
        );
    }
}
