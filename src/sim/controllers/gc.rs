//! The garbage collector: dependents of deleted owners, foreground and
//! orphan deletion through their finalizers.

use serde_json::Value;

use super::super::meta;
use super::Ctl;

/// All objects (with their store key) that list `uid` as an owner.
fn dependents(ctl: &Ctl, uid: &str) -> Vec<(String, Value)> {
    if uid.is_empty() {
        return Vec::new();
    }
    ctl.state
        .store()
        .all()
        .into_iter()
        .filter(|(_, o)| meta::owner_uids(o).iter().any(|u| u == uid))
        .map(|(k, o)| (k, o.clone()))
        .collect()
}

fn by_uid(ctl: &Ctl, uid: &str) -> Option<(String, Value)> {
    ctl.state
        .store()
        .all()
        .into_iter()
        .find(|(_, o)| meta::uid(o) == uid)
        .map(|(k, o)| (k, o.clone()))
}

/// An owner went away: delete dependents whose owners are all gone.
pub(crate) fn owner_gone(ctl: &Ctl, owner: &Value) {
    for (key, dep) in dependents(ctl, meta::uid(owner)) {
        let alive = meta::owner_uids(&dep)
            .iter()
            .any(|u| u != meta::uid(owner) && by_uid(ctl, u).is_some());
        if alive || meta::deleting(&dep) {
            continue;
        }
        if let Some(rt) = ctl.rt_by_key(&key) {
            ctl.delete(&rt, &dep, Some("Background"));
        }
    }
}

/// A dependent went away: owners in foreground deletion may now finish.
pub(crate) fn dependent_gone(ctl: &Ctl, dep: &Value) {
    for uid in meta::owner_uids(dep) {
        if let Some((key, owner)) = by_uid(ctl, &uid)
            && meta::deleting(&owner)
        {
            finalize(ctl, &key, &owner);
        }
    }
}

/// Works on the GC finalizers of an object being deleted.
pub(crate) fn finalize(ctl: &Ctl, key: &str, obj: &Value) {
    let fins = meta::finalizers(obj);
    let Some(rt) = ctl.rt_by_key(key) else { return };
    let uid = meta::uid(obj).to_string();
    if fins.iter().any(|f| f == "orphan") {
        for (dkey, dep) in dependents(ctl, &uid) {
            let Some(drt) = ctl.rt_by_key(&dkey) else {
                continue;
            };
            ctl.modify(&drt, meta::namespace(&dep), meta::name(&dep), |o| {
                strip_owner(o, &uid);
                true
            });
        }
        drop_finalizer(ctl, &rt, obj, "orphan");
    } else if fins.iter().any(|f| f == "foregroundDeletion") {
        let deps = dependents(ctl, &uid);
        if deps.is_empty() {
            drop_finalizer(ctl, &rt, obj, "foregroundDeletion");
            return;
        }
        for (dkey, dep) in deps {
            if let Some(drt) = ctl.rt_by_key(&dkey)
                && !meta::deleting(&dep)
            {
                ctl.delete(&drt, &dep, Some("Foreground"));
            }
        }
    }
}

fn drop_finalizer(ctl: &Ctl, rt: &super::super::registry::ResourceType, obj: &Value, fin: &str) {
    ctl.modify(rt, meta::namespace(obj), meta::name(obj), |o| {
        let rest: Vec<String> = meta::finalizers(o)
            .into_iter()
            .filter(|f| f != fin)
            .collect();
        meta::set_finalizers(o, &rest);
        true
    });
}

fn strip_owner(obj: &mut Value, uid: &str) {
    meta::edit_meta(obj, |m| {
        let refs: Vec<Value> = m
            .get("ownerReferences")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter(|r| r.get("uid").and_then(Value::as_str) != Some(uid))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if refs.is_empty() {
            m.shift_remove("ownerReferences");
        } else {
            m.insert("ownerReferences".into(), Value::Array(refs));
        }
    });
}
