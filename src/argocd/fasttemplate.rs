//! The templating of ApplicationSets without `goTemplate`
//! (valyala/fasttemplate as Argo CD calls it): `{{ key }}` is replaced by
//! the string parameter `key` (spaces around it trimmed); unknown keys and
//! non-string values leave the tag as written.

use serde_json::{Map, Value};

/// Replaces the tags of `template` from `params`. Strings without a
/// `{{…}}` on one line are returned as they are; a `{{` without its
/// `}}` is an error, as in fasttemplate.
///
/// ```
/// use serde_json::{Map, Value};
/// use tether::argocd::fasttemplate;
/// let mut params = Map::new();
/// params.insert("path.basename".to_string(), Value::from("web"));
/// assert_eq!(
///     fasttemplate("app-{{ path.basename }}-{{nope}}", &params).unwrap(),
///     "app-web-{{nope}}"
/// );
/// ```
pub fn fasttemplate(template: &str, params: &Map<String, Value>) -> Result<String, String> {
    // Argo CD's isTemplatedRegex `.*{{.*}}.*`: `.` does not match a newline.
    if !template
        .lines()
        .any(|l| l.find("{{").is_some_and(|i| l[i + 2..].contains("}}")))
    {
        return Ok(template.to_string());
    }
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(format!(
                "invalid template: Cannot find end tag=\"}}}}\" in the template={template:?} starting from {after:?}"
            ));
        };
        let tag = &after[..end];
        match params.get(tag.trim()) {
            Some(Value::String(value)) if !tag.trim().is_empty() => out.push_str(value),
            _ => {
                out.push_str("{{");
                out.push_str(tag);
                out.push_str("}}");
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}
