//! Finds the line of a value in YAML text by its path (`apps[1].name`).
//!
//! serde_yaml_ng reports no spans for values that deserialised fine, so the
//! semantic checks locate what they reject here. The locator walks block
//! mappings and sequences by indentation; when the path enters a flow
//! collection (`[a, b]`, `{k: v}`) or cannot be followed, it answers the
//! line of the deepest node it did find, which is where the user looks.

/// One step of a path into a YAML document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A sequence index.
    Index(usize),
}

/// Where a node starts: line index and column (both 0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    line: usize,
    col: usize,
}

/// The 1-based line of the node at `path` in `text`, or of its deepest
/// ancestor that could be found; None when the document is empty.
pub fn locate(text: &str, path: &[Seg<'_>]) -> Option<usize> {
    let lines: Vec<&str> = text.lines().map(strip_comment).collect();
    let mut pos = first_content(&lines, 0)?;
    for seg in path {
        let next = match seg {
            Seg::Key(key) => find_key(&lines, pos, key),
            Seg::Index(index) => find_index(&lines, pos, *index),
        };
        match next {
            Some(p) => pos = p,
            None => break,
        }
    }
    Some(pos.line + 1)
}

/// The text of a line without a trailing `# comment` (outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev_space => return line[..i].trim_end(),
            None => {}
        }
        prev_space = c.is_whitespace();
    }
    line.trim_end()
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The first non-blank line at or after `from`, skipping `---`.
fn first_content(lines: &[&str], from: usize) -> Option<Pos> {
    (from..lines.len())
        .find(|&i| {
            let t = lines[i].trim();
            !t.is_empty() && t != "---"
        })
        .map(|line| Pos {
            line,
            col: indent(lines[line]),
        })
}

fn text_at<'a>(lines: &[&'a str], pos: Pos) -> &'a str {
    lines[pos.line].get(pos.col..).unwrap_or("")
}

/// The key of a `key: value` entry, unquoted, and the column of its value.
fn split_entry(entry: &str) -> Option<(&str, usize)> {
    let colon = entry
        .char_indices()
        .find(|&(i, c)| c == ':' && entry[i + 1..].chars().next().is_none_or(|n| n == ' '))?
        .0;
    let key = entry[..colon].trim();
    let key = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key);
    let rest = &entry[colon + 1..];
    let value_col = colon + 1 + (rest.len() - rest.trim_start().len());
    Some((key, value_col))
}

/// Where the value of an entry whose inline text starts at `value` begins:
/// on the same line, or at the next more-indented line (a block value).
/// `parent_col` is the column of the entry; block sequences may sit at it.
fn value_pos(lines: &[&str], value: Pos, parent_col: usize) -> Pos {
    if !text_at(lines, value).is_empty() {
        return value;
    }
    match first_content(lines, value.line + 1) {
        Some(next)
            if next.col > parent_col
                || (next.col == parent_col && text_at(lines, next).starts_with('-')) =>
        {
            next
        }
        _ => Pos {
            line: value.line,
            col: parent_col,
        },
    }
}

/// The value of `key` in the block mapping whose first entry starts at `map`.
fn find_key(lines: &[&str], map: Pos, key: &str) -> Option<Pos> {
    let col = map.col;
    for line in map.line..lines.len() {
        let text = lines[line];
        if text.trim().is_empty() {
            continue;
        }
        let ind = if line == map.line { col } else { indent(text) };
        if ind < col {
            return None;
        }
        let entry = text.get(col..).unwrap_or("");
        if ind > col || entry.starts_with('-') {
            continue;
        }
        if entry.starts_with('{') || entry.starts_with('[') {
            return None;
        }
        if let Some((k, value_col)) = split_entry(entry)
            && k == key
        {
            let value = Pos {
                line,
                col: col + value_col,
            };
            return Some(value_pos(lines, value, col));
        }
    }
    None
}

/// Item `index` of the block sequence whose first `-` is at `seq`.
fn find_index(lines: &[&str], seq: Pos, index: usize) -> Option<Pos> {
    let col = seq.col;
    let mut seen = 0;
    for line in seq.line..lines.len() {
        let text = lines[line];
        if text.trim().is_empty() {
            continue;
        }
        let ind = if line == seq.line { col } else { indent(text) };
        let entry = text.get(col..).unwrap_or("");
        if ind < col || (ind == col && !entry.starts_with('-')) {
            return None;
        }
        if ind > col {
            continue;
        }
        if entry != "-" && !entry.starts_with("- ") {
            return None;
        }
        if seen == index {
            let after = &entry[1..];
            let value = Pos {
                line,
                col: col + 1 + (after.len() - after.trim_start().len()),
            };
            return Some(value_pos(lines, value, col));
        }
        seen += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::Seg::{Index, Key};
    use super::*;

    const TEXT: &str = "\
# apps of the team
apps:
  - name: web   # the web app
    source:
      repo: ./gitops
      revision: main
  - name: api
    destination:
      namespace: api
    ignoreDifferences:
      - group: apps
        jsonPointers:
          - /spec/replicas
          - spec/bad
    syncPolicy: { syncOptions: [Foo=1] }
";

    #[test]
    fn finds_keys_under_the_right_item() {
        assert_eq!(locate(TEXT, &[Key("apps"), Index(1), Key("name")]), Some(7));
        assert_eq!(locate(TEXT, &[Key("apps"), Index(0), Key("name")]), Some(3));
        let ns = [Key("apps"), Index(1), Key("destination"), Key("namespace")];
        assert_eq!(locate(TEXT, &ns), Some(9));
        let rev = [Key("apps"), Index(0), Key("source"), Key("revision")];
        assert_eq!(locate(TEXT, &rev), Some(6));
    }

    #[test]
    fn walks_nested_sequences() {
        let p = [
            Key("apps"),
            Index(1),
            Key("ignoreDifferences"),
            Index(0),
            Key("jsonPointers"),
            Index(1),
        ];
        assert_eq!(locate(TEXT, &p), Some(14));
    }

    #[test]
    fn stops_at_flow_collections_and_missing_keys() {
        let p = [Key("apps"), Index(1), Key("syncPolicy"), Key("syncOptions")];
        assert_eq!(locate(TEXT, &p), Some(15));
        assert_eq!(locate(TEXT, &[Key("apps"), Index(0), Key("nope")]), Some(3));
        assert_eq!(locate(TEXT, &[Key("apps"), Index(5)]), Some(3));
    }

    #[test]
    fn handles_unindented_sequences_and_quoted_keys() {
        let text = "apps:\n- name: a\n- \"name\": b\n  project: x # p\n";
        assert_eq!(locate(text, &[Key("apps"), Index(1), Key("name")]), Some(3));
        assert_eq!(
            locate(text, &[Key("apps"), Index(1), Key("project")]),
            Some(4)
        );
        assert_eq!(locate("", &[Key("apps")]), None);
    }

    #[test]
    fn handles_items_starting_on_the_next_line_and_stray_comments() {
        let text = "apps:\n  -\n    name: a\n# note\n    source:\n      path: x\n";
        let p = [Key("apps"), Index(0), Key("source"), Key("path")];
        assert_eq!(locate(text, &p), Some(6));
        let text = "---\napps:\n  - name: a\n";
        assert_eq!(locate(text, &[Key("apps"), Index(0), Key("name")]), Some(3));
    }

    #[test]
    fn ignores_hashes_inside_quotes() {
        assert_eq!(strip_comment("a: \"x # y\" # c"), "a: \"x # y\"");
        assert_eq!(strip_comment("a: b#c"), "a: b#c");
    }
}
