//! Status conditions updated as the Kubernetes controllers do: a condition
//! whose status and reason are unchanged is left alone; otherwise it is
//! replaced and moved to the end, keeping lastTransitionTime while the
//! status stays the same.

use serde_json::{Map, Value, json};

/// One desired condition.
pub(crate) struct Cond<'a> {
    pub kind: &'a str,
    pub status: &'a str,
    pub reason: &'a str,
    pub message: &'a str,
}

fn field<'a>(c: &'a Value, k: &str) -> Option<&'a str> {
    c.get(k).and_then(Value::as_str)
}

/// Sets a condition in `conds`; `with_update_time` adds lastUpdateTime
/// (Deployment conditions).
pub(crate) fn set(conds: &mut Vec<Value>, c: &Cond, now: &str, with_update_time: bool) {
    let existing = conds.iter().position(|x| field(x, "type") == Some(c.kind));
    let old = existing.map(|i| conds[i].clone());
    let same_status = old.as_ref().and_then(|o| field(o, "status")) == Some(c.status);
    if same_status && old.as_ref().and_then(|o| field(o, "reason")) == Some(c.reason) {
        return;
    }
    let transition = if same_status {
        old.as_ref()
            .and_then(|o| o.get("lastTransitionTime"))
            .cloned()
            .unwrap_or(json!(now))
    } else {
        json!(now)
    };
    let mut m = Map::new();
    m.insert("type".into(), json!(c.kind));
    m.insert("status".into(), json!(c.status));
    if with_update_time {
        m.insert("lastUpdateTime".into(), json!(now));
    }
    m.insert("lastTransitionTime".into(), transition);
    m.insert("reason".into(), json!(c.reason));
    m.insert("message".into(), json!(c.message));
    if let Some(i) = existing {
        conds.remove(i);
    }
    conds.push(Value::Object(m));
}

/// Reads a condition's reason.
pub(crate) fn reason_of<'a>(conds: &'a [Value], kind: &str) -> Option<&'a str> {
    conds
        .iter()
        .find(|x| field(x, "type") == Some(kind))
        .and_then(|x| field(x, "reason"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_conditions_move_to_the_end() {
        let mut conds = Vec::new();
        let c = |kind, status, reason| Cond {
            kind,
            status,
            reason,
            message: "m",
        };
        set(
            &mut conds,
            &c("Progressing", "True", "NewReplicaSetCreated"),
            "t1",
            true,
        );
        set(
            &mut conds,
            &c("Available", "False", "MinimumReplicasUnavailable"),
            "t1",
            true,
        );
        set(
            &mut conds,
            &c("Progressing", "True", "ReplicaSetUpdated"),
            "t2",
            true,
        );
        assert_eq!(reason_of(&conds, "Progressing"), Some("ReplicaSetUpdated"));
        assert_eq!(conds[1]["type"], "Progressing");
        assert_eq!(conds[1]["lastTransitionTime"], "t1");
        set(
            &mut conds,
            &c("Available", "False", "MinimumReplicasUnavailable"),
            "t3",
            true,
        );
        assert_eq!(conds[0]["lastUpdateTime"], "t1");
    }
}
