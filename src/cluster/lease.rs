//! App Leases (coordination.k8s.io/v1) in `tether-system`: the process
//! holding `tether-app-<name>` is the only one that runs the app's
//! automated sync and self-heal, so two engineers' TUIs and a controller
//! never fight over one app. Acquired when free or expired, renewed while
//! held, released on exit; writes use optimistic concurrency.

use super::state::{STATE_NAMESPACE, create_in_state_namespace};
use super::{ClusterClient, ClusterError};
use crate::model::GroupVersionKind;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// Seconds a Lease stays valid without renewal.
pub const LEASE_SECONDS: i64 = 30;

/// Who holds an app's Lease after an attempt to take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHolder {
    /// This process holds it.
    pub held: bool,
    /// The holder's identity (empty when nobody holds it).
    pub holder: String,
}

/// Name of the Lease of `app`.
pub fn lease_name(app: &str) -> String {
    format!("tether-app-{app}")
}

fn lease_gvk() -> GroupVersionKind {
    GroupVersionKind::from_api_version("coordination.k8s.io/v1", "Lease")
}

/// MicroTime as the API wants it: exactly six fractional digits.
fn micro_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn lease_object(app: &str, identity: &str, acquired: &str, now: &str, rv: Option<&str>) -> Value {
    let mut lease = json!({
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": lease_name(app), "namespace": STATE_NAMESPACE,
                     "labels": {"app.kubernetes.io/managed-by": "tether"}},
        "spec": {"holderIdentity": identity, "leaseDurationSeconds": LEASE_SECONDS,
                 "acquireTime": acquired, "renewTime": now}
    });
    if let Some(rv) = rv {
        lease["metadata"]["resourceVersion"] = json!(rv);
    }
    lease
}

/// Takes or renews the Lease of `app` for `identity`; reports the holder
/// when another live process has it.
pub async fn acquire(
    client: &ClusterClient,
    app: &str,
    identity: &str,
) -> Result<LeaseHolder, ClusterError> {
    let now = Utc::now();
    let current = client
        .get(&lease_gvk(), Some(STATE_NAMESPACE), &lease_name(app))
        .await?;
    let Some(lease) = current else {
        let stamp = micro_time(now);
        return match create_in_state_namespace(
            client,
            &lease_object(app, identity, &stamp, &stamp, None),
        )
        .await
        {
            Ok(_) => Ok(LeaseHolder {
                held: true,
                holder: identity.to_string(),
            }),
            Err(ClusterError::Api { code: 409, .. }) => Ok(LeaseHolder {
                held: false,
                holder: String::new(),
            }),
            Err(e) => Err(e),
        };
    };
    let text = |p: &str| {
        lease
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let holder = text("/spec/holderIdentity");
    let duration = lease
        .pointer("/spec/leaseDurationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(LEASE_SECONDS);
    let renewed =
        DateTime::parse_from_rfc3339(&text("/spec/renewTime")).map(|t| t.with_timezone(&Utc));
    let expired = renewed.is_ok_and(|t| (now - t).num_seconds() > duration) || renewed.is_err();
    if holder != identity && !holder.is_empty() && !expired {
        return Ok(LeaseHolder {
            held: false,
            holder,
        });
    }
    let acquired = if holder == identity {
        text("/spec/acquireTime")
    } else {
        micro_time(now)
    };
    let rv = text("/metadata/resourceVersion");
    match client
        .replace(&lease_object(
            app,
            identity,
            &acquired,
            &micro_time(now),
            Some(&rv),
        ))
        .await
    {
        Ok(_) => Ok(LeaseHolder {
            held: true,
            holder: identity.to_string(),
        }),
        // Someone else renewed or took it between our read and write.
        Err(ClusterError::Api { code: 409, .. }) => Ok(LeaseHolder {
            held: false,
            holder,
        }),
        Err(e) => Err(e),
    }
}

/// Gives the Lease of `app` up if `identity` holds it.
pub async fn release(
    client: &ClusterClient,
    app: &str,
    identity: &str,
) -> Result<(), ClusterError> {
    let Some(lease) = client
        .get(&lease_gvk(), Some(STATE_NAMESPACE), &lease_name(app))
        .await?
    else {
        return Ok(());
    };
    if lease
        .pointer("/spec/holderIdentity")
        .and_then(Value::as_str)
        != Some(identity)
    {
        return Ok(());
    }
    let rv = lease
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut released = lease_object(app, "", "", "", Some(rv));
    if let Some(spec) = released.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("holderIdentity");
        spec.remove("acquireTime");
        spec.remove("renewTime");
    }
    match client.replace(&released).await {
        Ok(_) | Err(ClusterError::Api { code: 409, .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_time_has_six_fractional_digits() {
        let t = DateTime::parse_from_rfc3339("2026-11-22T05:00:00.5Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(micro_time(t), "2026-11-22T05:00:00.500000Z");
    }
}
