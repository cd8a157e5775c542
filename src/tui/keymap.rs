//! Key bindings loaded from keymaps/*.yaml: embedded defaults, a bundled or
//! user keymap merged over them.
//!
//! Format: one top-level mapping per context (`global`, `apps`, `help`,
//! `dialog`, `input`), each mapping a key chord to an action name:
//!
//! ```yaml
//! global:
//!   "q": quit
//! apps:
//!   "j": move_down
//!   "ctrl-d": page_down
//!   "x": none        # unbinds x
//! ```

use super::action::Action;
use super::config_error::{ConfigError, locate_key, locate_section};
use super::keys::{ChordCode, KeyChord};
use std::collections::BTreeMap;
use std::path::Path;

/// Where a binding applies. `global` bindings apply in every context that
/// does not bind the key itself, except text input and dialogs.
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
    /// Typing a filter or a command.
    Input,
}

impl KeyContext {
    /// Every context, in help-screen order.
    pub const ALL: [KeyContext; 5] = [
        KeyContext::Global,
        KeyContext::Apps,
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
        }
    }

    fn from_name(name: &str) -> Option<KeyContext> {
        KeyContext::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The keymaps shipped inside the binary: (name, file text).
pub const BUNDLED: [(&str, &str); 2] = [
    ("default", include_str!("../../keymaps/default.yaml")),
    ("vim", include_str!("../../keymaps/vim.yaml")),
];

/// One keymap file, parsed: bindings to set (`Some`) or remove (`None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeymapFile {
    /// In file order.
    pub entries: Vec<(KeyContext, KeyChord, Option<Action>)>,
}

/// The active key bindings, per context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    sections: BTreeMap<KeyContext, BTreeMap<KeyChord, Action>>,
}

impl KeymapFile {
    /// Parses keymap text; `file` names it in errors. The first problem
    /// (bad YAML, unknown context, key or action) is the error.
    pub fn parse(file: &str, text: &str) -> Result<KeymapFile, ConfigError> {
        let value: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|e| ConfigError::from_yaml(file, &e))?;
        let mut parsed = KeymapFile::default();
        let root = match value {
            serde_yaml::Value::Null => return Ok(parsed),
            serde_yaml::Value::Mapping(m) => m,
            _ => {
                return Err(ConfigError::new(
                    file,
                    Some(1),
                    "expected a mapping of contexts (global, apps, help, dialog, input)",
                ));
            }
        };
        for (section, bindings) in root {
            let section_name = scalar(&section);
            let context = KeyContext::from_name(&section_name).ok_or_else(|| {
                ConfigError::new(
                    file,
                    locate_section(text, &section_name),
                    format!(
                        "unknown context '{section_name}' (expected one of: {})",
                        KeyContext::ALL.map(KeyContext::name).join(", ")
                    ),
                )
            })?;
            let bindings = match bindings {
                serde_yaml::Value::Null => continue,
                serde_yaml::Value::Mapping(m) => m,
                _ => {
                    return Err(ConfigError::new(
                        file,
                        locate_section(text, &section_name),
                        format!("context '{section_name}' must map keys to actions"),
                    ));
                }
            };
            for (key, action) in bindings {
                let key_text = scalar(&key);
                let line = || locate_key(text, &section_name, &key_text);
                let chord = KeyChord::parse(&key_text).ok_or_else(|| {
                    ConfigError::new(
                        file,
                        line(),
                        format!("unknown key '{key_text}' in context '{section_name}'"),
                    )
                })?;
                let action_text = scalar(&action);
                let action = if action_text == "none" {
                    None
                } else {
                    Some(Action::from_name(&action_text).ok_or_else(|| {
                        ConfigError::new(
                            file,
                            line(),
                            format!(
                                "unknown action '{action_text}' for key '{key_text}' in context '{section_name}'"
                            ),
                        )
                    })?)
                };
                parsed.entries.push((context, chord, action));
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

impl Keymap {
    /// The bundled default keymap. Problems (only possible if the bundled
    /// file is broken, which a test prevents) leave it empty.
    pub fn bundled_default() -> (Keymap, Vec<ConfigError>) {
        let mut keymap = Keymap::default();
        let problems = keymap.apply_bundled("default").err().into_iter().collect();
        (keymap, problems)
    }

    /// The keymap named `name` (default `default`): the bundled default,
    /// then the bundled keymap of that name, then the user file
    /// `<config_dir>/keymaps/<name>.yaml`, each merged over the previous.
    /// A file with a problem is skipped and the problem returned.
    pub fn load(name: Option<&str>, config_dir: Option<&Path>) -> (Keymap, Vec<ConfigError>) {
        let name = name.unwrap_or("default");
        let (mut keymap, mut problems) = Keymap::bundled_default();
        let bundled = BUNDLED.iter().any(|(n, _)| *n == name);
        if name != "default" && bundled {
            problems.extend(keymap.apply_bundled(name).err());
        }
        let user = config_dir.map(|d| d.join("keymaps").join(format!("{name}.yaml")));
        match user.as_deref().filter(|p| p.is_file()) {
            Some(path) => {
                let file = path.display().to_string();
                let result = std::fs::read_to_string(path)
                    .map_err(|e| ConfigError::new(&file, None, format!("cannot read: {e}")))
                    .and_then(|text| KeymapFile::parse(&file, &text));
                match result {
                    Ok(parsed) => keymap.apply(&parsed),
                    Err(e) => problems.push(e),
                }
            }
            None if !bundled => {
                let looked =
                    user.map_or(String::new(), |p| format!(" and no file {}", p.display()));
                problems.push(ConfigError::new(
                    &format!("keymaps/{name}.yaml"),
                    None,
                    format!("keymap '{name}' not found: not bundled (default, vim){looked}; using default"),
                ));
            }
            None => {}
        }
        (keymap, problems)
    }

    fn apply_bundled(&mut self, name: &str) -> Result<(), ConfigError> {
        let Some((_, text)) = BUNDLED.iter().find(|(n, _)| *n == name) else {
            return Ok(());
        };
        let parsed = KeymapFile::parse(&format!("keymaps/{name}.yaml"), text)?;
        self.apply(&parsed);
        Ok(())
    }

    /// Merges a file's bindings over this keymap.
    pub fn apply(&mut self, file: &KeymapFile) {
        for (context, chord, action) in &file.entries {
            let section = self.sections.entry(*context).or_default();
            match action {
                Some(action) => section.insert(*chord, *action),
                None => section.remove(chord),
            };
        }
    }

    /// Drops every dangerous binding (read-only mode).
    pub fn without_dangerous(mut self) -> Keymap {
        for section in self.sections.values_mut() {
            section.retain(|_, action| !action.dangerous());
        }
        self
    }

    /// The action bound to `chord` in `context` itself (no global fallback).
    pub fn get(&self, context: KeyContext, chord: &KeyChord) -> Option<Action> {
        self.sections.get(&context)?.get(chord).copied()
    }

    /// The action for `chord` in `context`, falling back to `global`
    /// for the apps and help contexts.
    pub fn lookup(&self, context: KeyContext, chord: &KeyChord) -> Option<Action> {
        self.get(context, chord).or_else(|| match context {
            KeyContext::Apps | KeyContext::Help => self.get(KeyContext::Global, chord),
            _ => None,
        })
    }

    /// The keys bound to `action` in `context`: plain characters first,
    /// then named keys, then chords with modifiers.
    pub fn keys_for(&self, context: KeyContext, action: Action) -> Vec<KeyChord> {
        let mut keys: Vec<KeyChord> = self
            .bindings(context)
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| k)
            .collect();
        keys.sort_by_key(|k| {
            (
                k.ctrl || k.alt || k.shift,
                !matches!(k.code, ChordCode::Char(_)),
            )
        });
        keys
    }

    /// Every binding of `context`, in key order.
    pub fn bindings(&self, context: KeyContext) -> impl Iterator<Item = (KeyChord, Action)> + '_ {
        self.sections
            .get(&context)
            .into_iter()
            .flat_map(|s| s.iter().map(|(k, a)| (*k, *a)))
    }

    /// Help entries of `context`: each bound action once, in action order,
    /// with all its keys joined by `/`.
    pub fn help_entries(&self, context: KeyContext) -> Vec<(String, Action)> {
        let mut actions: Vec<Action> = self.bindings(context).map(|(_, a)| a).collect();
        actions.sort();
        actions.dedup();
        actions
            .into_iter()
            .map(|action| {
                let keys: Vec<String> = self
                    .keys_for(context, action)
                    .iter()
                    .map(KeyChord::to_string)
                    .collect();
                (keys.join("/"), action)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_bindings_override_and_unbind() {
        let (mut keymap, problems) = Keymap::bundled_default();
        assert!(problems.is_empty(), "{problems:?}");
        let file =
            KeymapFile::parse("user.yaml", "apps:\n  \"x\": refresh\n  \"r\": none\n").unwrap();
        keymap.apply(&file);
        let x = KeyChord::parse("x").unwrap();
        let r = KeyChord::parse("r").unwrap();
        assert_eq!(keymap.lookup(KeyContext::Apps, &x), Some(Action::Refresh));
        assert_eq!(keymap.get(KeyContext::Apps, &r), None);
    }

    #[test]
    fn read_only_drops_dangerous_bindings() {
        let (keymap, _) = Keymap::bundled_default();
        let keymap = keymap.without_dangerous();
        let s = KeyChord::parse("s").unwrap();
        assert_eq!(keymap.lookup(KeyContext::Apps, &s), None);
    }
}
