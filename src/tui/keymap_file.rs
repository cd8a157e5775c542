//! Reading one keymap file (keymaps/*.yaml).
//!
//! Format: one top-level mapping per context (`global`, `apps`, `view`,
//! `tree`, `diff`, `history`, `pipeline`, `help`, `dialog`, `input`), each mapping a key to an action name:
//!
//! ```yaml
//! global:
//!   "q": quit
//! apps:
//!   "j": move_down
//!   "ctrl-d": page_down
//!   "g g": top       # a sequence: g, then g
//!   "x": none        # unbinds x
//! ```
//!
//! Contexts `tree`, `diff`, `history` and `pipeline` fall back to `view`, which (like
//! `apps` and `help`) falls back to `global`.
//! Sequences are allowed everywhere but in `dialog` and `input`. A key cannot be
//! both bound and the start of a longer sequence in one context.

use super::action::Action;
use super::config_error::{ConfigError, locate_key, locate_section};
use super::keys::KeySeq;

/// Where a binding applies. `global` bindings apply in the apps and help
/// contexts when those do not bind the key themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyContext {
    /// Everywhere (below the context's own bindings).
    Global,
    /// The apps table.
    Apps,
    /// The help screen.
    Help,
    /// A yes/no confirmation dialog.
    Dialog,
    /// Typing a filter, a command or a pause reason.
    Input,
    /// Every view above the apps table (tree, diff, history, events,
    /// YAML, contexts), below the view's own bindings.
    View,
    /// The resource tree.
    Tree,
    /// The diff.
    Diff,
    /// The history.
    History,
    /// A pipeline's stages.
    Pipeline,
}

impl KeyContext {
    /// Every context, in help-screen order.
    pub const ALL: [KeyContext; 10] = [
        KeyContext::Global,
        KeyContext::Apps,
        KeyContext::View,
        KeyContext::Tree,
        KeyContext::Diff,
        KeyContext::History,
        KeyContext::Pipeline,
        KeyContext::Help,
        KeyContext::Dialog,
        KeyContext::Input,
    ];

    /// The section name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            KeyContext::Global => "global",
            KeyContext::Apps => "apps",
            KeyContext::Help => "help",
            KeyContext::Dialog => "dialog",
            KeyContext::Input => "input",
            KeyContext::View => "view",
            KeyContext::Tree => "tree",
            KeyContext::Diff => "diff",
            KeyContext::History => "history",
            KeyContext::Pipeline => "pipeline",
        }
    }

    fn from_name(name: &str) -> Option<KeyContext> {
        KeyContext::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether multi-key sequences may be bound here.
    pub fn allows_sequences(self) -> bool {
        !matches!(self, KeyContext::Dialog | KeyContext::Input)
    }
}

/// One keymap file, parsed: bindings to set (`Some`) or remove (`None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeymapFile {
    /// In file order.
    pub entries: Vec<(KeyContext, KeySeq, Option<Action>)>,
}

impl KeymapFile {
    /// Parses keymap text; `file` names it in errors. The first problem
    /// (bad YAML, unknown context, key or action, conflicting keys) is
    /// the error.
    pub fn parse(file: &str, text: &str) -> Result<KeymapFile, ConfigError> {
        let value: serde_yaml::Value =
            crate::yaml::from_str(text).map_err(|e| ConfigError::from_yaml(file, &e))?;
        let mut parsed = KeymapFile::default();
        let root = match value {
            serde_yaml::Value::Null => return Ok(parsed),
            serde_yaml::Value::Mapping(m) => m,
            _ => {
                return Err(ConfigError::new(
                    file,
                    Some(1),
                    "expected a mapping of contexts (global, apps, view, tree, diff, history, pipeline, help, dialog, input)",
                ));
            }
        };
        for (section, bindings) in root {
            let section = scalar(&section);
            let at_section = locate_section(text, &section);
            let context = KeyContext::from_name(&section).ok_or_else(|| {
                let known = KeyContext::ALL.map(KeyContext::name).join(", ");
                let message = format!("unknown context '{section}' (expected one of: {known})");
                ConfigError::new(file, at_section, message)
            })?;
            let bindings = match bindings {
                serde_yaml::Value::Null => continue,
                serde_yaml::Value::Mapping(m) => m,
                _ => {
                    let message = format!("context '{section}' must map keys to actions");
                    return Err(ConfigError::new(file, at_section, message));
                }
            };
            for (key, action) in bindings {
                let key = scalar(&key);
                let error = |message: String| {
                    ConfigError::new(file, locate_key(text, &section, &key), message)
                };
                let seq = KeySeq::parse(&key)
                    .ok_or_else(|| error(format!("unknown key '{key}' in context '{section}'")))?;
                if seq.0.len() > 1 && !context.allows_sequences() {
                    return Err(error(format!(
                        "key sequence '{key}' is not allowed in context '{section}' (not in dialog, input)"
                    )));
                }
                if let Some((_, other, _)) = parsed
                    .entries
                    .iter()
                    .find(|(c, other, _)| *c == context && other.conflicts_with(&seq))
                {
                    return Err(error(format!(
                        "key '{key}' conflicts with '{other}' in context '{section}': a key cannot be both bound and the start of a sequence"
                    )));
                }
                let action = match scalar(&action).as_str() {
                    "none" => None,
                    name => Some(Action::from_name(name).ok_or_else(|| {
                        error(format!(
                            "unknown action '{name}' for key '{key}' in context '{section}'"
                        ))
                    })?),
                };
                parsed.entries.push((context, seq, action));
            }
        }
        Ok(parsed)
    }
}

fn scalar(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "none".to_string(),
        other => format!("{other:?}"),
    }
}
