//! Counting a YAML document's nodes as its events arrive: how deep it nests
//! and how much its aliases expand it. Every YAML reader of tether feeds
//! one [`Budget`] and stops at the first limit broken, before anything is
//! built (so an alias bomb never reaches memory, and a file nested
//! 100 000 levels deep never reaches a recursive function).

use std::collections::HashMap;

/// How deep collections may nest (a mapping inside a list inside …),
/// aliases counted at their expanded depth. kubectl allows 10 000; no
/// Kubernetes object comes near a few dozen, and every stage of tether
/// after the reader (transformers, diff, printing) walks values
/// recursively, so tether stops far earlier.
pub const MAX_DEPTH: usize = 512;

/// A broken limit, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitError {
    /// 1-based line of the text where the limit was crossed.
    pub line: usize,
    /// What was exceeded.
    pub message: String,
}

impl std::fmt::Display for LimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The size of a finished node: how many nodes it holds (itself included,
/// aliases expanded) and how many collection levels it spans.
#[derive(Debug, Clone, Copy)]
struct Size {
    nodes: u64,
    height: usize,
}

/// A collection still open.
#[derive(Debug)]
struct Open {
    anchor: usize,
    nodes: u64,
    height: usize,
}

/// Node counts of one YAML stream.
#[derive(Debug)]
pub(crate) struct Budget {
    max_depth: usize,
    open: Vec<Open>,
    anchors: HashMap<usize, Size>,
    /// Nodes read so far, aliases expanded (go-yaml's decode count).
    decoded: u64,
    /// Of those, nodes that came through an alias.
    aliased: u64,
}

impl Budget {
    pub(crate) fn new(max_depth: usize) -> Self {
        Self {
            max_depth,
            open: Vec::new(),
            anchors: HashMap::new(),
            decoded: 0,
            aliased: 0,
        }
    }

    /// A new document: anchors of the previous one are gone.
    pub(crate) fn document(&mut self) {
        self.open.clear();
        self.anchors.clear();
    }

    /// A scalar, with its anchor id (0 = none).
    pub(crate) fn scalar(&mut self, anchor: usize) {
        self.decoded += 1;
        self.finish(
            Size {
                nodes: 1,
                height: 0,
            },
            anchor,
        );
    }

    /// A sequence or mapping opens.
    pub(crate) fn open(&mut self, anchor: usize) -> Result<(), String> {
        if self.open.len() >= self.max_depth {
            return Err(depth_message(self.max_depth));
        }
        self.decoded += 1;
        self.open.push(Open {
            anchor,
            nodes: 1,
            height: 1,
        });
        Ok(())
    }

    /// The innermost open collection closes.
    pub(crate) fn close(&mut self) {
        if let Some(done) = self.open.pop() {
            let size = Size {
                nodes: done.nodes,
                height: done.height,
            };
            self.finish(size, done.anchor);
        }
    }

    /// An alias to anchor `id`; unknown anchors count as one node (the
    /// reader reports them).
    pub(crate) fn alias(&mut self, id: usize) -> Result<(), String> {
        let size = self.anchors.get(&id).copied().unwrap_or(Size {
            nodes: 1,
            height: 0,
        });
        if self.open.len() + size.height > self.max_depth {
            return Err(depth_message(self.max_depth));
        }
        self.decoded += size.nodes;
        self.aliased += size.nodes;
        if self.aliased > 100
            && self.decoded > 1000
            && self.aliased as f64 / self.decoded as f64 > allowed_alias_ratio(self.decoded)
        {
            return Err(format!(
                "excessive aliasing: aliases (*name) expand the document to {} nodes, {} of them copies; refused as kubectl refuses it (an alias bomb?)",
                self.decoded, self.aliased
            ));
        }
        self.finish(size, 0);
        Ok(())
    }

    fn finish(&mut self, size: Size, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, size);
        }
        if let Some(parent) = self.open.last_mut() {
            parent.nodes = parent.nodes.saturating_add(size.nodes);
            parent.height = parent.height.max(size.height + 1);
        }
    }
}

fn depth_message(max: usize) -> String {
    format!(
        "nested more than {max} levels deep (lists and mappings inside each other); tether reads at most {max}"
    )
}

/// The share of alias-made nodes a document of `decoded` nodes may have:
/// go-yaml's rule (99% up to 400 000 nodes, falling to 10% at 4 000 000),
/// so tether refuses what kubectl refuses.
fn allowed_alias_ratio(decoded: u64) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let n = decoded as f64;
    if n <= LOW {
        0.99
    } else if n >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((n - LOW) / (HIGH - LOW))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_open_collections_and_expanded_aliases() {
        let mut b = Budget::new(3);
        for _ in 0..3 {
            b.open(0).unwrap();
        }
        assert!(b.open(0).unwrap_err().contains("more than 3 levels"));
        let mut b = Budget::new(3);
        b.open(0).unwrap();
        b.open(7).unwrap();
        b.open(0).unwrap();
        b.close();
        b.close(); // anchor 7 spans two levels
        assert!(b.alias(7).is_ok());
        b.open(0).unwrap();
        assert!(b.alias(7).is_err());
    }

    #[test]
    fn a_billion_laughs_stops_early() {
        let mut b = Budget::new(MAX_DEPTH);
        b.open(0).unwrap();
        b.open(1).unwrap();
        for _ in 0..10 {
            b.scalar(0);
        }
        b.close();
        let mut stopped = None;
        for level in 2..12 {
            b.open(level).unwrap();
            for _ in 0..10 {
                if let Err(e) = b.alias(level - 1) {
                    stopped.get_or_insert((level, e));
                }
            }
            b.close();
        }
        let (level, message) = stopped.unwrap();
        assert!(level <= 6, "stopped at level {level}");
        assert!(message.contains("excessive aliasing"), "{message}");
    }

    #[test]
    fn ordinary_anchor_reuse_is_allowed() {
        let mut b = Budget::new(MAX_DEPTH);
        b.open(0).unwrap();
        b.open(1).unwrap();
        for _ in 0..50 {
            b.scalar(0);
        }
        b.close();
        for _ in 0..20 {
            b.alias(1).unwrap();
        }
    }
}
