//! Key bindings: the bundled default keymap, a bundled or user keymap
//! merged over it (file format in [`super::keymap_file`]), and lookups of
//! keys and key sequences.

use super::action::Action;
use super::config_error::ConfigError;
pub use super::keymap_file::{KeyContext, KeymapFile};
use super::keys::{KeyChord, KeySeq};
use std::collections::BTreeMap;
use std::path::Path;

/// The keymaps shipped inside the binary: (name, file text).
pub const BUNDLED: [(&str, &str); 2] = [
    ("default", include_str!("../../keymaps/default.yaml")),
    ("vim", include_str!("../../keymaps/vim.yaml")),
];

/// The active key bindings, per context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    sections: BTreeMap<KeyContext, BTreeMap<KeySeq, Action>>,
}

/// What a key sequence means in a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// The sequence is bound to this action.
    Action(Action),
    /// The sequence starts a longer binding: wait for the next key.
    Pending,
    /// Nothing is bound.
    Unbound,
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

    /// Merges a file's bindings over this keymap. A new binding replaces
    /// the ones it conflicts with (`g g` replaces `g`, and the reverse).
    pub fn apply(&mut self, file: &KeymapFile) {
        for (context, seq, action) in &file.entries {
            let section = self.sections.entry(*context).or_default();
            section.retain(|bound, _| bound != seq && !bound.conflicts_with(seq));
            if let Some(action) = action {
                section.insert(seq.clone(), *action);
            }
        }
    }

    /// Drops every dangerous binding (read-only mode).
    pub fn without_dangerous(mut self) -> Keymap {
        for section in self.sections.values_mut() {
            section.retain(|_, action| !action.dangerous());
        }
        self
    }

    /// The action bound to the single key `chord` in `context` itself.
    pub fn get(&self, context: KeyContext, chord: &KeyChord) -> Option<Action> {
        self.sections
            .get(&context)?
            .get(&KeySeq::single(*chord))
            .copied()
    }

    /// The action for the single key `chord` in `context`, with the
    /// fallbacks of [`Keymap::resolve`].
    pub fn lookup(&self, context: KeyContext, chord: &KeyChord) -> Option<Action> {
        match self.resolve(context, &[*chord]) {
            Resolved::Action(action) => Some(action),
            _ => None,
        }
    }

    /// What the keys pressed so far mean in `context`, falling back to
    /// `view` for the tree, diff, history and pipeline contexts, and to `global`
    /// for those and the apps, view and help contexts.
    pub fn resolve(&self, context: KeyContext, keys: &[KeyChord]) -> Resolved {
        let chain: &[KeyContext] = match context {
            KeyContext::Tree | KeyContext::Diff | KeyContext::History | KeyContext::Pipeline => {
                &[context, KeyContext::View, KeyContext::Global]
            }
            KeyContext::Apps | KeyContext::Help | KeyContext::View => {
                &[context, KeyContext::Global]
            }
            _ => &[context],
        };
        let mut pending = false;
        for &step in chain {
            match self.resolve_in(step, keys) {
                Resolved::Action(action) if !pending => return Resolved::Action(action),
                Resolved::Pending => pending = true,
                _ => {}
            }
        }
        if pending {
            Resolved::Pending
        } else {
            Resolved::Unbound
        }
    }

    fn resolve_in(&self, context: KeyContext, keys: &[KeyChord]) -> Resolved {
        let Some(section) = self.sections.get(&context) else {
            return Resolved::Unbound;
        };
        let seq = KeySeq(keys.to_vec());
        if let Some(action) = section.get(&seq) {
            return Resolved::Action(*action);
        }
        if section.keys().any(|bound| seq.is_prefix_of(bound)) {
            Resolved::Pending
        } else {
            Resolved::Unbound
        }
    }

    /// The keys bound to `action` in `context`: short and plain first.
    pub fn keys_for(&self, context: KeyContext, action: Action) -> Vec<KeySeq> {
        let mut keys: Vec<KeySeq> = self
            .bindings(context)
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort_by_key(KeySeq::display_rank);
        keys
    }

    /// Every binding of `context`, in key order.
    pub fn bindings(&self, context: KeyContext) -> impl Iterator<Item = (&KeySeq, Action)> + '_ {
        self.sections
            .get(&context)
            .into_iter()
            .flat_map(|s| s.iter().map(|(k, a)| (k, *a)))
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
                    .map(KeySeq::to_string)
                    .collect();
                (keys.join("/"), action)
            })
            .collect()
    }
}

impl Keymap {
    /// The bindings as a Markdown table (context, keys, action,
    /// description), for the README's generated key-binding section.
    pub fn to_markdown(&self) -> String {
        let mut out =
            String::from("| context | keys | action | description |\n|---|---|---|---|\n");
        for context in KeyContext::ALL {
            for (_, action) in self.help_entries(context) {
                // From the sequences themselves: help joins them with `/`,
                // which is a key too. A `|` would end the table cell.
                let keys: Vec<String> = self
                    .keys_for(context, action)
                    .iter()
                    .map(|k| format!("`{}`", k.to_string().replace('|', "\\|")))
                    .collect();
                out.push_str(&format!(
                    "| {} | {} | `{}` | {} |\n",
                    context.name(),
                    keys.join(" "),
                    action.name(),
                    action.description()
                ));
            }
        }
        out
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
    fn sequences_wait_for_the_next_key_and_replace_conflicts() {
        let (mut keymap, _) = Keymap::bundled_default();
        let g = KeyChord::parse("g").unwrap();
        assert_eq!(
            keymap.resolve(KeyContext::Apps, &[g]),
            Resolved::Action(Action::Top)
        );
        let file = KeymapFile::parse("vim.yaml", "apps:\n  \"g g\": top\n").unwrap();
        keymap.apply(&file);
        assert_eq!(keymap.resolve(KeyContext::Apps, &[g]), Resolved::Pending);
        assert_eq!(
            keymap.resolve(KeyContext::Apps, &[g, g]),
            Resolved::Action(Action::Top)
        );
        let x = KeyChord::parse("x").unwrap();
        assert_eq!(keymap.resolve(KeyContext::Apps, &[g, x]), Resolved::Unbound);
    }

    #[test]
    fn markdown_lists_every_binding() {
        let (keymap, _) = Keymap::bundled_default();
        let table = keymap.to_markdown();
        assert!(
            table.contains("| apps | `j` `down` | `move_down` | select next row |"),
            "{table}"
        );
        assert!(
            table.contains("| global | `q` `ctrl-c` | `quit` | quit tether |"),
            "{table}"
        );
    }

    #[test]
    fn read_only_drops_dangerous_bindings() {
        let (keymap, _) = Keymap::bundled_default();
        let keymap = keymap.without_dangerous();
        let s = KeyChord::parse("s").unwrap();
        assert_eq!(keymap.lookup(KeyContext::Apps, &s), None);
    }
}
