//! Patch and replacement targets (kustomize's `Selector`): group,
//! version, kind, name and namespace as anchored regular expressions,
//! matched against a resource's original and current identities, plus
//! label and annotation selectors.

use super::labelsel::LabelSelector;
use super::resource::Resource;
use super::spec::Selector;
use regex::Regex;

/// A compiled selector.
pub(crate) struct Matcher {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Result<LabelSelector, String>,
    annotations: Result<LabelSelector, String>,
}

fn compile(p: Option<&str>) -> Result<Option<Regex>, String> {
    match p.filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) => Regex::new(&format!("^(?:{p})$"))
            .map(Some)
            .map_err(|e| format!("invalid regex {p:?}: {e}")),
    }
}

fn is(re: &Option<Regex>, text: &str) -> bool {
    re.as_ref().is_none_or(|re| re.is_match(text))
}

impl Matcher {
    /// Compiles `sel`; Err names the bad expression.
    pub fn new(sel: &Selector) -> Result<Self, String> {
        Ok(Self {
            group: compile(sel.group.as_deref())?,
            version: compile(sel.version.as_deref())?,
            kind: compile(sel.kind.as_deref())?,
            name: compile(sel.name.as_deref())?,
            namespace: compile(sel.namespace.as_deref())?,
            labels: LabelSelector::parse(sel.label_selector.as_deref().unwrap_or("")),
            annotations: LabelSelector::parse(sel.annotation_selector.as_deref().unwrap_or("")),
        })
    }

    /// Whether `res` is selected: namespace and name by its original or
    /// current identity, type by its current one, then labels and
    /// annotations (whose selectors are only parsed when reached, as in
    /// kustomize).
    pub fn matches(&self, res: &Resource) -> Result<bool, String> {
        let (cur, org) = (res.cur_id(), res.org_id());
        if !is(&self.namespace, org.effective_namespace())
            && !is(&self.namespace, cur.effective_namespace())
        {
            return Ok(false);
        }
        if !is(&self.name, &org.name) && !is(&self.name, &cur.name) {
            return Ok(false);
        }
        if !is(&self.group, &cur.gvk.group)
            || !is(&self.version, &cur.gvk.version)
            || !is(&self.kind, &cur.gvk.kind)
        {
            return Ok(false);
        }
        Ok(self.labels_match(res)? && self.annotations_match(res)?)
    }

    /// The label selector against `res`'s labels.
    pub fn labels_match(&self, res: &Resource) -> Result<bool, String> {
        let sel = self.labels.as_ref().map_err(Clone::clone)?;
        Ok(sel.matches(&res.meta_map("labels")))
    }

    /// The annotation selector against `res`'s annotations.
    pub fn annotations_match(&self, res: &Resource) -> Result<bool, String> {
        let sel = self.annotations.as_ref().map_err(Clone::clone)?;
        Ok(sel.matches(&res.annotation_texts()))
    }
}

/// The indexes of the resources `sel` selects, in order.
pub(crate) fn select(resources: &[Resource], sel: &Selector) -> Result<Vec<usize>, String> {
    let m = Matcher::new(sel)?;
    let mut out = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        if m.matches(r)? {
            out.push(i);
        }
    }
    Ok(out)
}
