//! The apps table's `/` filter: an app matches when any column shown
//! contains the text (the POLICY cell's marks too, e.g. `✗2` or `!`), or
//! its name holds the text's characters in order — fuzzy, as in k9s and
//! fzf: `wsg` finds `web-staging`.

use super::policy_marks;
use crate::model::AppStatus;

/// Whether `app` matches the lower-case `needle`; `denied` and `warned`
/// are the glyphs the POLICY cell shows.
pub fn matches(app: &AppStatus, needle: &str, denied: &str, warned: &str) -> bool {
    substring_anywhere(app, needle)
        || policy_marks::cell_text(app, denied, warned)
            .to_lowercase()
            .contains(needle)
        || is_subsequence(needle, &app.name.to_lowercase())
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|c| rest.any(|h| h == c))
}

fn substring_anywhere(app: &AppStatus, needle: &str) -> bool {
    [
        app.name.as_str(),
        app.project.as_str(),
        app.cluster.as_str(),
        app.namespace.as_str(),
        app.revision.as_str(),
        app.sync.as_str(),
        app.health.as_str(),
        app.message.as_str(),
    ]
    .iter()
    .any(|field| field.to_lowercase().contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_their_characters_in_order() {
        assert!(is_subsequence("wsg", "web-staging"));
        assert!(is_subsequence("web", "web-staging"));
        assert!(!is_subsequence("gsw", "web-staging"));
        assert!(!is_subsequence("webx", "web-staging"));
    }
}
