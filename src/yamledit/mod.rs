//! Format-preserving YAML edits: change, add or remove a value by
//! rewriting only the bytes it occupies, so comments, key order, quoting
//! and indentation elsewhere stay exactly as they were. Used by
//! promotions, which commit small edits to files people maintain by hand.
//!
//! Each edit parses the text (first document only), finds the node by its
//! path and splices the text; nothing is re-serialised.
//!
//! ```
//! use tether::yamledit::{Seg, set_scalar};
//! let text = "images:\n  - name: web  # the app\n    newTag: \"1.4.1\" # pinned\n";
//! let path = [Seg::Key("images"), Seg::Index(0), Seg::Key("newTag")];
//! let out = set_scalar(text, &path, "1.5.0").unwrap();
//! assert_eq!(out, "images:\n  - name: web  # the app\n    newTag: \"1.5.0\" # pinned\n");
//! ```

mod scalar;
mod tree;

pub use scalar::scalar_text;
pub use tree::{Kind, Node, Style, SyntaxError, parse};

/// One step of a path into a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Why an edit cannot be made; one sentence without the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EditError(pub String);

impl From<SyntaxError> for EditError {
    fn from(e: SyntaxError) -> Self {
        EditError(format!("line {}: {}", e.line, e.message))
    }
}

/// The node at `path` below `root`.
pub fn lookup<'n>(root: &'n Node, path: &[Seg<'_>]) -> Option<&'n Node> {
    let mut node = root;
    for seg in path {
        node = match seg {
            Seg::Key(k) => node.get(k)?,
            Seg::Index(i) => node.items().get(*i)?,
        };
    }
    Some(node)
}

/// `a.b[0]` for messages.
pub fn path_text(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn root_of(text: &str) -> Result<Node, EditError> {
    parse(text)?.ok_or_else(|| EditError("the file holds no YAML document".into()))
}

fn node_at<'n>(root: &'n Node, path: &[Seg<'_>]) -> Result<&'n Node, EditError> {
    lookup(root, path).ok_or_else(|| EditError(format!("{} is not set", path_text(path))))
}

fn splice(text: &str, start: usize, end: usize, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..start]);
    out.push_str(with);
    out.push_str(&text[end..]);
    out
}

/// Sets the scalar at `path` to the string `value`, keeping its quoting
/// (a plain scalar is quoted when the value would otherwise read as
/// something else than a string).
pub fn set_scalar(text: &str, path: &[Seg<'_>], value: &str) -> Result<String, EditError> {
    let root = root_of(text)?;
    let node = node_at(&root, path)?;
    let style = editable_style(node, path)?;
    Ok(splice(
        text,
        node.start,
        node.end,
        &scalar_text(value, style),
    ))
}

/// Replaces the scalar at `path` with `raw`, a scalar as written in YAML
/// (quotes included): to copy a value with its type from another file.
pub fn replace_scalar_raw(text: &str, path: &[Seg<'_>], raw: &str) -> Result<String, EditError> {
    let root = root_of(text)?;
    let node = node_at(&root, path)?;
    editable_style(node, path)?;
    Ok(splice(text, node.start, node.end, raw))
}

fn editable_style(node: &Node, path: &[Seg<'_>]) -> Result<Style, EditError> {
    match &node.kind {
        Kind::Scalar {
            style: Style::Block,
            ..
        } => Err(EditError(format!(
            "{} is a block scalar (| or >), which tether does not edit",
            path_text(path)
        ))),
        Kind::Scalar { style, .. } => Ok(*style),
        Kind::Alias => Err(EditError(format!(
            "{} is an alias (*name), which tether does not edit",
            path_text(path)
        ))),
        _ => Err(EditError(format!(
            "{} is a mapping or list, not a single value",
            path_text(path)
        ))),
    }
}

/// The offset of the start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset after the end of the line holding the byte before `at`
/// (after its newline; the text's end when it has none).
fn line_end(text: &str, at: usize) -> usize {
    if at == 0 || text.as_bytes().get(at - 1) == Some(&b'\n') {
        return at;
    }
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Text to insert at `at` as whole lines: a newline first when `at` is
/// the end of a text without a final newline.
fn as_lines(text: &str, at: usize, lines: &str) -> String {
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        format!("\n{lines}")
    } else {
        lines.to_string()
    }
}

/// Adds `key: raw` to the mapping at `map_path` (after its last entry,
/// indented like its keys). `raw` is a scalar as written in YAML.
pub fn insert_entry(
    text: &str,
    map_path: &[Seg<'_>],
    key: &str,
    raw: &str,
) -> Result<String, EditError> {
    let root = root_of(text)?;
    let map = node_at(&root, map_path)?;
    let Kind::Map(entries) = &map.kind else {
        return Err(EditError(format!(
            "{} is not a mapping",
            path_text(map_path)
        )));
    };
    if map.get(key).is_some() {
        return Err(EditError(format!(
            "{}.{key} is already set",
            path_text(map_path)
        )));
    }
    if map.flow {
        return Ok(match entries.last() {
            Some((_, value)) => splice(text, value.end, value.end, &format!(", {key}: {raw}")),
            None => splice(text, map.start + 1, map.start + 1, &format!("{key}: {raw}")),
        });
    }
    let indent = " ".repeat(text[line_start(text, map.start)..map.start].chars().count());
    let at = line_end(text, map.end);
    let line = as_lines(text, at, &format!("{indent}{key}: {raw}\n"));
    Ok(splice(text, at, at, &line))
}

/// Removes `key` (and its value) from the mapping at `map_path`.
pub fn remove_entry(text: &str, map_path: &[Seg<'_>], key: &str) -> Result<String, EditError> {
    let root = root_of(text)?;
    let map = node_at(&root, map_path)?;
    let entries = map.entries();
    let Some(index) = entries.iter().position(|(k, _)| k.as_str() == Some(key)) else {
        return Err(EditError(format!(
            "{}.{key} is not set",
            path_text(map_path)
        )));
    };
    let (k, v) = &entries[index];
    let next = entries.get(index + 1).map(|(n, _)| n.start);
    if map.flow {
        let (start, end) = match (next, index.checked_sub(1)) {
            (Some(next), _) => (k.start, next),
            (None, Some(prev)) => (entries[prev].1.end, v.end),
            (None, None) => (k.start, v.end),
        };
        return Ok(splice(text, start, end, ""));
    }
    let own_line = text[line_start(text, k.start)..k.start].trim().is_empty();
    if own_line {
        let start = line_start(text, k.start);
        return Ok(splice(text, start, line_end(text, v.end), ""));
    }
    // The first entry of a `- key: value` item: the next entry moves up.
    match next {
        Some(next) => Ok(splice(text, k.start, next, "")),
        None => Err(EditError(format!(
            "{}.{key} is the item's only entry",
            path_text(map_path)
        ))),
    }
}

/// Appends a mapping of `entries` (key, raw scalar) to the sequence at
/// `seq_path`, written like its items (`- k: v` lines at the same dash
/// column, or `{k: v}` in a flow list).
pub fn append_item(
    text: &str,
    seq_path: &[Seg<'_>],
    entries: &[(&str, String)],
) -> Result<String, EditError> {
    let root = root_of(text)?;
    let seq = node_at(&root, seq_path)?;
    let Kind::Seq(items) = &seq.kind else {
        return Err(EditError(format!("{} is not a list", path_text(seq_path))));
    };
    if seq.flow {
        let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let item = format!("{{{}}}", body.join(", "));
        return Ok(match items.last() {
            Some(last) => splice(text, last.end, last.end, &format!(", {item}")),
            None => splice(text, seq.start + 1, seq.start + 1, &item),
        });
    }
    let dash = dash_column(text, seq, items);
    let lines = block_item(&" ".repeat(dash), entries);
    let at = line_end(text, seq.end);
    Ok(splice(text, at, at, &as_lines(text, at, &lines)))
}

/// The column of the dashes of a block list: the `-` before its first
/// item on that item's line (a list at its key's column, `key:\n- a`,
/// reports its start after the dash), else where the list starts.
fn dash_column(text: &str, seq: &Node, items: &[Node]) -> usize {
    if let Some(first) = items.first() {
        let start = line_start(text, first.start);
        let before = &text[start..first.start];
        if let Some(i) = before.rfind('-')
            && before[..i].trim().is_empty()
        {
            return before[..i].chars().count();
        }
    }
    text[line_start(text, seq.start)..seq.start].chars().count()
}

/// `- k: v` lines of a block list item at `indent`.
fn block_item(indent: &str, entries: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in entries.iter().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&format!("{indent}{lead}{k}: {v}\n"));
    }
    out
}

/// Adds `key:` with a one-item list of `entries` at the end of the root
/// mapping (as `kustomize edit` writes lists: dashes at the key's column).
pub fn append_root_list(
    text: &str,
    key: &str,
    entries: &[(&str, String)],
) -> Result<String, EditError> {
    let root = root_of(text)?;
    if !matches!(root.kind, Kind::Map(_)) || root.flow {
        return Err(EditError("the document is not a block mapping".into()));
    }
    if root.get(key).is_some() {
        return Err(EditError(format!("{key} is already set")));
    }
    let at = text.len();
    let lines = format!("{key}:\n{}", block_item("", entries));
    Ok(splice(text, at, at, &as_lines(text, at, &lines)))
}

#[cfg(test)]
mod tests;
