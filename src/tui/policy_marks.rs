//! The POLICY column's marks (`✗2 !1`, `✗err`) as the apps table shows,
//! sorts and filters them: one reading of an app's policy findings for the
//! cell, the `/` filter, the POLICY sort order and the `:policy` scope.

use crate::model::{AppStatus, PolicyFindings};
use std::cmp::Ordering;

/// One piece of the POLICY cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyMark {
    /// The policies could not be checked (`✗err`).
    Error,
    /// This many violations a binding denies (`✗N`).
    Denied(usize),
    /// This many violations that only warn or audit (`!N`).
    Warned(usize),
}

impl PolicyMark {
    /// The mark's text with the theme's glyphs for denials and warnings.
    pub fn text(self, denied_glyph: &str, warned_glyph: &str) -> String {
        match self {
            PolicyMark::Error => format!("{denied_glyph}err"),
            PolicyMark::Denied(n) => format!("{denied_glyph}{n}"),
            PolicyMark::Warned(n) => format!("{warned_glyph}{n}"),
        }
    }

    /// The style scope of the mark.
    pub fn scope(self) -> &'static str {
        match self {
            PolicyMark::Error | PolicyMark::Denied(_) => "status_line.error",
            PolicyMark::Warned(_) => "status_line.warning",
        }
    }
}

/// Whether `app` has something to show in POLICY: a denial, a warning or
/// a check that could not run (what `:policy` lists).
pub fn has_findings(app: &AppStatus) -> bool {
    app.policy.as_ref().is_some_and(|p| !p.passes())
}

/// The marks of `app`'s findings, worst first; none when it passes or was
/// not checked.
pub fn marks(app: &AppStatus) -> Vec<PolicyMark> {
    let Some(found) = app.policy.as_ref().filter(|p| !p.passes()) else {
        return Vec::new();
    };
    let mut marks = Vec::new();
    if found.error.is_some() {
        marks.push(PolicyMark::Error);
    }
    if found.denied > 0 {
        marks.push(PolicyMark::Denied(found.denied));
    }
    if found.warned > 0 {
        marks.push(PolicyMark::Warned(found.warned));
    }
    marks
}

/// The POLICY cell's pieces: each mark's text (a warning count set
/// apart by a space from what precedes it) with the mark.
pub fn pieces(
    app: &AppStatus,
    denied_glyph: &str,
    warned_glyph: &str,
) -> Vec<(String, PolicyMark)> {
    let mut pieces: Vec<(String, PolicyMark)> = Vec::new();
    for mark in marks(app) {
        let gap = if matches!(mark, PolicyMark::Warned(_)) && !pieces.is_empty() {
            " "
        } else {
            ""
        };
        pieces.push((
            format!("{gap}{}", mark.text(denied_glyph, warned_glyph)),
            mark,
        ));
    }
    pieces
}

/// The POLICY cell as text (`✗2 !1`), as the `/` filter matches it.
pub fn cell_text(app: &AppStatus, denied_glyph: &str, warned_glyph: &str) -> String {
    pieces(app, denied_glyph, warned_glyph)
        .into_iter()
        .map(|(text, _)| text)
        .collect()
}

/// The POLICY sort order, worst first: a check that could not run (it
/// refuses every sync), then the most denials, then the most warnings,
/// then apps that pass, then apps not checked.
pub fn worst_first(a: &AppStatus, b: &AppStatus) -> Ordering {
    rank(a.policy.as_ref()).cmp(&rank(b.policy.as_ref()))
}

/// Smaller is worse.
fn rank(
    findings: Option<&PolicyFindings>,
) -> (u8, std::cmp::Reverse<usize>, std::cmp::Reverse<usize>) {
    use std::cmp::Reverse;
    match findings {
        None => (3, Reverse(0), Reverse(0)),
        Some(f) if f.error.is_some() => (0, Reverse(f.denied), Reverse(f.warned)),
        Some(f) if f.passes() => (2, Reverse(0), Reverse(0)),
        Some(f) => (1, Reverse(f.denied), Reverse(f.warned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Violation;
    use std::sync::Arc;

    fn app(name: &str, policy: Option<PolicyFindings>) -> AppStatus {
        AppStatus {
            name: name.into(),
            policy,
            ..AppStatus::default()
        }
    }

    fn found(denied: usize, warned: usize) -> Option<PolicyFindings> {
        let violation = |action: &str| Violation {
            policy: "p".into(),
            binding: "b".into(),
            object: "Deployment.apps/ns/web".into(),
            message: "m".into(),
            action: action.into(),
        };
        let violations = (0..denied)
            .map(|_| violation("Deny"))
            .chain((0..warned).map(|_| violation("Warn")))
            .collect();
        Some(PolicyFindings::new(Arc::new(violations)))
    }

    #[test]
    fn worst_first_orders_errors_denials_warnings_passes_unchecked() {
        let mut apps = [
            app("unchecked", None),
            app("passes", found(0, 0)),
            app("warned", found(0, 3)),
            app("denied-1", found(1, 5)),
            app("denied-2", found(2, 0)),
            app("error", Some(PolicyFindings::failed("bad CEL".into()))),
        ];
        apps.sort_by(worst_first);
        let names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "error",
                "denied-2",
                "denied-1",
                "warned",
                "passes",
                "unchecked"
            ]
        );
    }

    #[test]
    fn the_cell_text_uses_the_glyphs() {
        assert_eq!(cell_text(&app("a", found(2, 1)), "✗", "!"), "✗2 !1");
        assert_eq!(cell_text(&app("a", found(0, 1)), "x", "!"), "!1");
        let broken = app("a", Some(PolicyFindings::failed("e".into())));
        assert_eq!(cell_text(&broken, "x", "!"), "xerr");
        assert_eq!(cell_text(&app("a", found(0, 0)), "✗", "!"), "");
        assert!(has_findings(&broken) && !has_findings(&app("a", None)));
    }
}
