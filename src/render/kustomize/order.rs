//! kustomize's `legacy` output order: some kinds first (Namespace, CRDs,
//! RBAC, ConfigMaps…), webhooks last, the rest by group, version, kind,
//! then namespace and name.

use super::resid::{ORDER_FIRST, ORDER_LAST};
use super::resource::Resource;
use super::spec::SortOptions;
use std::cmp::Ordering;

/// Sorts `resources` as `sortOptions` asks (legacy when absent; `fifo`
/// keeps the accumulation order).
pub(crate) fn sort(resources: &mut [Resource], options: Option<&SortOptions>) {
    if options.and_then(|o| o.order.as_deref()) == Some("fifo") {
        return;
    }
    let legacy = options.and_then(|o| o.legacy_sort_options.as_ref());
    let first: Vec<&str> = match legacy {
        Some(l) => l.order_first.iter().map(String::as_str).collect(),
        None => ORDER_FIRST.to_vec(),
    };
    let last: Vec<&str> = match legacy {
        Some(l) => l.order_last.iter().map(String::as_str).collect(),
        None => ORDER_LAST.to_vec(),
    };
    let rank = |kind: &str| -> i64 {
        if let Some(i) = first.iter().position(|k| *k == kind) {
            return i as i64 - first.len() as i64;
        }
        last.iter()
            .position(|k| *k == kind)
            .map_or(0, |i| i as i64 + 1)
    };
    resources.sort_by(|a, b| compare(a, b, &rank));
}

fn compare(a: &Resource, b: &Resource, rank: &dyn Fn(&str) -> i64) -> Ordering {
    let same_gvk = a.group() == b.group() && a.version() == b.version() && a.kind() == b.kind();
    if !same_gvk {
        let (ra, rb) = (rank(a.kind()), rank(b.kind()));
        if ra != rb {
            return ra.cmp(&rb);
        }
        let (ga, gb) = (gvk_key(a), gvk_key(b));
        let both_ns = a.kind() == "Namespace" && b.kind() == "Namespace";
        if both_ns && (a.group().is_empty() || b.group().is_empty()) {
            return gb.cmp(&ga);
        }
        return ga.cmp(&gb);
    }
    id_key(a).cmp(&id_key(b))
}

fn or<'a>(s: &'a str, missing: &'a str) -> &'a str {
    if s.is_empty() { missing } else { s }
}

fn gvk_key(r: &Resource) -> String {
    format!(
        "{}_{}_{}",
        or(r.group(), "~G"),
        or(r.version(), "~V"),
        or(r.kind(), "~K")
    )
}

/// Namespace and name, as kustomize compares objects of one kind.
fn id_key(r: &Resource) -> String {
    format!("{}|{}", or(&r.namespace(), "~X"), or(&r.name(), "~N"))
}
