//! The engine's unified diff text (live → desired) as aligned rows for a
//! side-by-side view (desired | live), and as marked lines for a unified
//! view; both with the indices of their hunks for `n`/`N` jumps.

/// How a row differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The same on both sides.
    Context,
    /// Different on the two sides.
    Changed,
    /// Only desired has it (a sync adds it).
    Added,
    /// Only live has it (a sync removes it).
    Removed,
}

/// One side of a row: its line number in that side's text and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// 1-based line number.
    pub number: usize,
    /// The line, without its marker.
    pub text: String,
}

/// One row of the side-by-side view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SideRow {
    /// A hunk header (`@@ -3,4 +3,5 @@`).
    Hunk(String),
    /// Desired on the left, live on the right.
    Pair {
        desired: Option<Side>,
        live: Option<Side>,
        change: Change,
    },
}

/// A diff laid out side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SideBySide {
    /// Rows in order.
    pub rows: Vec<SideRow>,
    /// Indices of the hunk rows.
    pub hunks: Vec<usize>,
}

/// A line of the unified view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnifiedKind {
    /// `---`/`+++` file names.
    Header,
    /// `@@` hunk header.
    Hunk,
    /// Unchanged.
    Context,
    /// `+`: desired only.
    Added,
    /// `-`: live only.
    Removed,
}

/// A unified diff of a confirmation dialog (revert, promote): parsed
/// into marked lines and highlighted once, when it arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct HighlightedDiff {
    /// The diff as marked lines.
    pub lines: Unified,
    /// Each line's text highlighted.
    pub highlighted: super::diff_state::Highlighted,
}

impl HighlightedDiff {
    /// `diff` parsed and highlighted with `theme`.
    pub fn new(diff: &str, theme: &str) -> HighlightedDiff {
        let lines = unified(diff);
        let highlighted = Self::highlight(&lines, theme);
        HighlightedDiff { lines, highlighted }
    }

    /// Highlights again after a theme change.
    pub fn rehighlight(&mut self, theme: &str) {
        self.highlighted = Self::highlight(&self.lines, theme);
    }

    /// How many lines the diff has.
    pub fn len(&self) -> usize {
        self.lines.lines.len()
    }

    /// Whether the diff has no line.
    pub fn is_empty(&self) -> bool {
        self.lines.lines.is_empty()
    }

    fn highlight(lines: &Unified, theme: &str) -> super::diff_state::Highlighted {
        crate::tui::highlight::yaml(lines.lines.iter().map(|(_, t)| t.as_str()), theme)
    }
}

/// A diff as marked lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unified {
    /// Lines with their kind; text without the marker.
    pub lines: Vec<(UnifiedKind, String)>,
    /// Indices of the hunk lines.
    pub hunks: Vec<usize>,
}

/// Parses the unified text into side-by-side rows: within a hunk each run
/// of removed lines is paired with the run of added lines after it.
pub fn side_by_side(diff: &str) -> SideBySide {
    let mut out = SideBySide::default();
    let (mut live_no, mut desired_no) = (0, 0);
    let mut removed: Vec<Side> = Vec::new();
    let mut added: Vec<Side> = Vec::new();
    for line in diff.lines() {
        if line.starts_with("--- ") || line.starts_with("+++ ") || line.starts_with('\\') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('-') {
            live_no += 1;
            removed.push(side(live_no, rest));
            continue;
        }
        if let Some(rest) = line.strip_prefix('+') {
            desired_no += 1;
            added.push(side(desired_no, rest));
            continue;
        }
        flush(&mut out.rows, &mut removed, &mut added);
        if line.starts_with("@@") {
            (live_no, desired_no) = hunk_starts(line);
            out.hunks.push(out.rows.len());
            out.rows.push(SideRow::Hunk(line.to_string()));
        } else {
            let text = line.strip_prefix(' ').unwrap_or(line);
            live_no += 1;
            desired_no += 1;
            out.rows.push(SideRow::Pair {
                desired: Some(side(desired_no, text)),
                live: Some(side(live_no, text)),
                change: Change::Context,
            });
        }
    }
    flush(&mut out.rows, &mut removed, &mut added);
    out
}

/// Parses the unified text into marked lines.
pub fn unified(diff: &str) -> Unified {
    let mut out = Unified::default();
    for line in diff.lines() {
        let (kind, text) =
            if line.starts_with("--- ") || line.starts_with("+++ ") || is_git_header(line) {
                (UnifiedKind::Header, line)
            } else if line.starts_with("@@") {
                out.hunks.push(out.lines.len());
                (UnifiedKind::Hunk, line)
            } else if let Some(rest) = line.strip_prefix('+') {
                (UnifiedKind::Added, rest)
            } else if let Some(rest) = line.strip_prefix('-') {
                (UnifiedKind::Removed, rest)
            } else if line.starts_with('\\') {
                continue;
            } else {
                (UnifiedKind::Context, line.strip_prefix(' ').unwrap_or(line))
            };
        out.lines.push((kind, text.to_string()));
    }
    out
}

/// `git diff` lines before a file's hunks (`diff --git`, `index`, modes).
fn is_git_header(line: &str) -> bool {
    [
        "diff --git ",
        "index ",
        "new file mode ",
        "deleted file mode ",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

fn side(number: usize, text: &str) -> Side {
    Side {
        number,
        text: text.to_string(),
    }
}

/// Pairs the pending removed (live) and added (desired) runs.
fn flush(rows: &mut Vec<SideRow>, removed: &mut Vec<Side>, added: &mut Vec<Side>) {
    let n = removed.len().max(added.len());
    let mut removed = removed.drain(..);
    let mut added = added.drain(..);
    for _ in 0..n {
        let (live, desired) = (removed.next(), added.next());
        let change = match (&desired, &live) {
            (Some(_), Some(_)) => Change::Changed,
            (Some(_), None) => Change::Added,
            _ => Change::Removed,
        };
        rows.push(SideRow::Pair {
            desired,
            live,
            change,
        });
    }
}

/// `@@ -a,b +c,d @@` → (a - 1, c - 1): the line numbers before the hunk.
fn hunk_starts(line: &str) -> (usize, usize) {
    let mut live = 0;
    let mut desired = 0;
    for part in line.split_whitespace() {
        let start = |p: &str| {
            p.split(',')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(1)
                .saturating_sub(1)
        };
        if let Some(p) = part.strip_prefix('-') {
            live = start(p);
        } else if let Some(p) = part.strip_prefix('+') {
            desired = start(p);
        }
    }
    (live, desired)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF: &str = "--- live/x\n+++ desired/x\n@@ -1,4 +1,5 @@\n a: 1\n-b: 2\n-c: 3\n+b: 4\n d: 5\n+e: 6\n@@ -10,2 +11,1 @@\n z: 1\n-y: 2\n";

    #[test]
    fn pairs_removed_and_added_runs() {
        let s = side_by_side(DIFF);
        assert_eq!(s.hunks, vec![0, 6]);
        let SideRow::Pair {
            desired,
            live,
            change,
        } = &s.rows[2]
        else {
            panic!("not a pair")
        };
        assert_eq!(*change, Change::Changed);
        assert_eq!(desired.as_ref().unwrap().text, "b: 4");
        assert_eq!(live.as_ref().unwrap().text, "b: 2");
        let SideRow::Pair { desired, live, .. } = &s.rows[3] else {
            panic!("not a pair")
        };
        assert_eq!((desired, &live.as_ref().unwrap().number), (&None, &3));
        let SideRow::Pair {
            change, desired, ..
        } = &s.rows[4]
        else {
            panic!("not a pair")
        };
        assert_eq!(*change, Change::Context);
        assert_eq!(desired.as_ref().unwrap().number, 3);
        assert!(matches!(
            s.rows[5],
            SideRow::Pair {
                change: Change::Added,
                ..
            }
        ));
        assert!(matches!(
            s.rows[8],
            SideRow::Pair {
                change: Change::Removed,
                ..
            }
        ));
    }

    #[test]
    fn unified_keeps_markers_as_kinds() {
        let u = unified(DIFF);
        assert_eq!(u.hunks, vec![2, 9]);
        assert_eq!(u.lines[4], (UnifiedKind::Removed, "b: 2".to_string()));
        assert_eq!(u.lines[6], (UnifiedKind::Added, "b: 4".to_string()));
    }
}
