//! Patch and replacement targets: group, version, kind, name and
//! namespace (anchored regular expressions), label and annotation
//! selectors (`a=b,c!=d,e in (x,y),!f,g`).

use super::fieldpath::split_outside;
use super::resource::{Resource, effective_ns};
use super::spec::Selector;
use regex::Regex;
use serde_json::Value;

/// A compiled selector.
pub(crate) struct Matcher<'a> {
    sel: &'a Selector,
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
}

impl<'a> Matcher<'a> {
    /// Compiles `sel`; Err names the bad expression.
    pub fn new(sel: &'a Selector) -> Result<Self, String> {
        let compile = |p: &Option<String>| -> Result<Option<Regex>, String> {
            p.as_deref()
                .filter(|p| !p.is_empty())
                .map(|p| {
                    Regex::new(&format!("^(?:{p})$"))
                        .map_err(|e| format!("invalid regex {p:?}: {e}"))
                })
                .transpose()
        };
        Ok(Self {
            sel,
            group: compile(&sel.group)?,
            version: compile(&sel.version)?,
            kind: compile(&sel.kind)?,
            name: compile(&sel.name)?,
            namespace: compile(&sel.namespace)?,
        })
    }

    /// Whether `res` is selected (original or current name and namespace).
    pub fn matches(&self, res: &Resource) -> bool {
        let eq =
            |want: &Option<Regex>, have: &str| want.as_ref().is_none_or(|re| re.is_match(have));
        if !eq(&self.group, res.group())
            || !eq(&self.version, res.version())
            || !eq(&self.kind, res.kind())
        {
            return false;
        }
        if let Some(re) = &self.name
            && !re.is_match(res.original_name())
            && !re.is_match(res.name())
        {
            return false;
        }
        if let Some(re) = &self.namespace {
            let ns = |n: &str| {
                if res.is_cluster_scoped() {
                    String::new()
                } else {
                    effective_ns(n).to_string()
                }
            };
            if !re.is_match(&ns(res.original_namespace())) && !re.is_match(&ns(res.namespace())) {
                return false;
            }
        }
        let meta = |k: &str| {
            res.obj
                .get("metadata")
                .and_then(|m| m.get(k))
                .cloned()
                .unwrap_or(Value::Null)
        };
        self.sel
            .label_selector
            .as_deref()
            .is_none_or(|s| selects(s, &meta("labels")))
            && self
                .sel
                .annotation_selector
                .as_deref()
                .is_none_or(|s| selects(s, &meta("annotations")))
    }
}

/// Whether the label map `labels` satisfies the selector expression.
pub(crate) fn selects(expr: &str, labels: &Value) -> bool {
    let get = |k: &str| labels.get(k).and_then(Value::as_str);
    split_outside(expr, ',', '(', ')').iter().all(|term| {
        let t = term.trim();
        if t.is_empty() {
            return true;
        }
        if let Some((k, rest)) = t.split_once(" notin ") {
            return get(k.trim()).is_none_or(|v| !set(rest).contains(&v));
        }
        if let Some((k, rest)) = t.split_once(" in ") {
            return get(k.trim()).is_some_and(|v| set(rest).contains(&v));
        }
        if let Some((k, v)) = t.split_once("!=") {
            return get(k.trim()) != Some(v.trim());
        }
        if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
            return get(k.trim()) == Some(v.trim());
        }
        match t.strip_prefix('!') {
            Some(k) => get(k.trim()).is_none(),
            None => get(t).is_some(),
        }
    })
}

/// The values of `(a, b)`.
fn set(s: &str) -> Vec<&str> {
    s.trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .map(str::trim)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors() {
        let l = json!({"app": "web", "tier": "front"});
        assert!(selects("app=web,tier in (front, back)", &l));
        assert!(selects("app==web,!missing,tier", &l));
        assert!(!selects("app!=web", &l));
        assert!(!selects("tier notin (front)", &l));
    }
}
