//! Fixing name references after renames (kustomize's nameReference
//! transformer): a field naming a ConfigMap, Secret, ServiceAccount… by a
//! name the object used to have gets its current name. Candidates are
//! sieved as kustomize sieves them: previous name, type, roleRef kind,
//! namespace of the referrer, then the prefixes and suffixes both had.

use super::config::NameRefSpec;
use super::fieldspec::{self, CreateKind};
use super::resid::Gvk;
use super::resource::{Resource, scalar_text};
use super::spec::FieldSpec;
use serde_json::Value;

/// Updates every reference field of every resource; Err when a reference
/// could mean several renamed objects.
pub(crate) fn fix(specs: &[NameRefSpec], resources: &mut [Resource]) -> Result<(), String> {
    let snapshot: Vec<Resource> = resources.to_vec();
    for (i, referrer) in resources.iter_mut().enumerate() {
        let org = snapshot[i].org_id();
        let mut filters: Vec<(&FieldSpec, Gvk)> = Vec::new();
        for nbr in specs {
            let target = nbr.gvk();
            for fs in &nbr.field_specs {
                if org.gvk.is_selected(&fs.gvk()) {
                    filters.push((fs, target.clone()));
                }
            }
        }
        if filters.is_empty() {
            continue;
        }
        let candidates = candidates_for(&snapshot[i], &snapshot)?;
        for (fs, target) in filters {
            let f = Filter {
                referrer: &snapshot[i],
                path: &fs.path,
                target: &target,
                candidates: &candidates,
            };
            let mut spec = fs.clone();
            spec.group = Some(referrer.group().to_string());
            spec.version = Some(referrer.version().to_string());
            spec.kind = Some(referrer.kind().to_string());
            fieldspec::apply(&mut referrer.obj, &spec, CreateKind::No, &mut |node| {
                f.set(node)
            })
            .map_err(|e| {
                format!(
                    "updating name reference in '{}' field of '{}': {e}",
                    fs.path,
                    snapshot[i].cur_id()
                )
            })?;
        }
    }
    Ok(())
}

/// kustomize's `SubsetThatCouldBeReferencedByResource`.
fn candidates_for<'a>(
    referrer: &Resource,
    all: &'a [Resource],
) -> Result<Vec<&'a Resource>, String> {
    let rid = referrer.cur_id();
    if rid.cluster {
        return Ok(all.iter().collect());
    }
    let binding_namespaces = role_binding_namespaces(referrer)?;
    Ok(all
        .iter()
        .filter(|t| {
            let id = t.cur_id();
            id.cluster || id.is_ns_equals(&rid) || binding_namespaces.contains(&t.namespace())
        })
        .collect())
}

/// The namespaces of a RoleBinding's ServiceAccount subjects.
fn role_binding_namespaces(r: &Resource) -> Result<Vec<String>, String> {
    if r.kind() != "RoleBinding" {
        return Ok(Vec::new());
    }
    let Some(subjects) = r.obj.get("subjects").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for s in subjects {
        let Some(map) = s.as_object() else {
            return Ok(out);
        };
        let (Some(ns), Some(kind)) = (map.get("namespace"), map.get("kind")) else {
            continue;
        };
        if kind.as_str() == Some("ServiceAccount") {
            match ns.as_str() {
                Some(n) => out.push(n.to_string()),
                None => {
                    return Err(format!(
                        "Invalid Input: namespace is blank for resource {:?}",
                        r.cur_id().to_string()
                    ));
                }
            }
        }
    }
    Ok(out)
}

struct Filter<'a> {
    referrer: &'a Resource,
    path: &'a str,
    target: &'a Gvk,
    candidates: &'a [&'a Resource],
}

impl Filter<'_> {
    fn set(&self, node: &mut Value) -> Result<(), String> {
        match node {
            Value::Null => Ok(()),
            Value::Object(_) => self.set_mapping(node),
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Null => {}
                        Value::Object(_) => self.set_mapping(item)?,
                        Value::Array(_) => {
                            return Err(
                                "is expected to be either a string or a map of string".into()
                            );
                        }
                        scalar => self.set_scalar(scalar)?,
                    }
                }
                Ok(())
            }
            scalar => self.set_scalar(scalar),
        }
    }

    fn set_scalar(&self, node: &mut Value) -> Result<(), String> {
        let old = scalar_text(node);
        let all: Vec<&Resource> = self.candidates.to_vec();
        let Some(referral) = self.select(&old, all, false)? else {
            return Ok(());
        };
        let name = referral.name();
        if name != old {
            *node = Value::String(name);
        }
        Ok(())
    }

    fn set_mapping(&self, node: &mut Value) -> Result<(), String> {
        let Some(map) = node.as_object_mut() else {
            return Err("expect a mapping node".into());
        };
        let Some(name_node) = map.get("name") else {
            return Err("path config error; no 'name' field in node".into());
        };
        let old = scalar_text(name_node);
        let candidates: Vec<&Resource> = match map.get("namespace") {
            None => self.candidates.to_vec(),
            Some(ns) => {
                let ns = scalar_text(ns);
                let by_org: Vec<&Resource> = self
                    .candidates
                    .iter()
                    .filter(|r| r.org_id().effective_namespace() == ns)
                    .copied()
                    .collect();
                if by_org.is_empty() {
                    self.candidates
                        .iter()
                        .filter(|r| r.cur_id().effective_namespace() == ns)
                        .copied()
                        .collect()
                } else {
                    by_org
                }
            }
        };
        let Some(referral) = self.select(&old, candidates, true)? else {
            return Ok(());
        };
        let (name, namespace) = (referral.name(), referral.namespace());
        if name == old && namespace.is_empty() {
            return Ok(());
        }
        map.insert("name".into(), Value::String(name));
        if !namespace.is_empty() {
            map.insert("namespace".into(), Value::String(namespace));
        }
        Ok(())
    }

    /// kustomize's `selectReferral`.
    fn select<'r>(
        &self,
        old: &str,
        candidates: Vec<&'r Resource>,
        with_namespace: bool,
    ) -> Result<Option<&'r Resource>, String> {
        let prev = |r: &Resource| r.prev_ids();
        let mut c: Vec<&Resource> = candidates
            .into_iter()
            .filter(|r| prev(r).iter().any(|id| id.name == old))
            .filter(|r| prev(r).iter().any(|id| id.gvk.is_selected(self.target)))
            .collect();
        if self.path.ends_with("roleRef/name")
            && let Some(gvk) = role_ref_gvk(self.referrer)
        {
            c.retain(|r| prev(r).iter().any(|id| id.gvk.is_selected(&gvk)));
        }
        let rid = self.referrer.cur_id();
        if !rid.cluster {
            c.retain(|r| {
                let id = r.cur_id();
                id.cluster || r.kind() == "ServiceAccount" || rid.is_ns_equals(&id)
            });
        }
        if c.len() == 1 {
            return Ok(c.first().copied());
        }
        c.retain(|r| r.affixes_equal(self.referrer, true));
        if c.len() > 1 {
            c.retain(|r| r.affixes_equal(self.referrer, false));
        }
        match c.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            [first, rest @ ..] => {
                let same = rest.iter().all(|r| {
                    r.name() == first.name()
                        && (!with_namespace || r.namespace() == first.namespace())
                });
                if same {
                    return Ok(Some(*first));
                }
                let ids: Vec<String> = c.iter().map(|r| r.cur_id().to_string()).collect();
                Err(format!(
                    "found multiple possible referrals: {}",
                    ids.join(", ")
                ))
            }
        }
    }
}

/// The Gvk a binding's `roleRef` names (None when incomplete).
fn role_ref_gvk(r: &Resource) -> Option<Gvk> {
    let role_ref = r.obj.get("roleRef")?;
    let api_group = role_ref.get("apiGroup")?;
    let kind = role_ref.get("kind")?;
    Some(Gvk {
        group: scalar_text(api_group),
        version: String::new(),
        kind: scalar_text(kind),
    })
}
