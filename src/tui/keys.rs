//! Key chords as keymap files write them (`j`, `G`, `ctrl-d`, `shift-tab`, `enter`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// One key press with its modifiers, normalised so that a typed character
/// carries no `shift` (`G` is the chord, not `shift-g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    /// The key.
    pub code: ChordCode,
    /// Control held.
    pub ctrl: bool,
    /// Alt held.
    pub alt: bool,
    /// Shift held (never set for characters).
    pub shift: bool,
}

/// The key of a chord.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChordCode {
    /// A printable character.
    Char(char),
    /// A function key F1–F24.
    F(u8),
    /// A named key.
    Named(NamedKey),
}

/// Keys with names in keymap files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NamedKey {
    Enter,
    Esc,
    Tab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Space,
}

const NAMES: [(&str, NamedKey); 15] = [
    ("enter", NamedKey::Enter),
    ("esc", NamedKey::Esc),
    ("tab", NamedKey::Tab),
    ("backspace", NamedKey::Backspace),
    ("delete", NamedKey::Delete),
    ("insert", NamedKey::Insert),
    ("up", NamedKey::Up),
    ("down", NamedKey::Down),
    ("left", NamedKey::Left),
    ("right", NamedKey::Right),
    ("home", NamedKey::Home),
    ("end", NamedKey::End),
    ("pageup", NamedKey::PageUp),
    ("pagedown", NamedKey::PageDown),
    ("space", NamedKey::Space),
];

impl KeyChord {
    /// Parses `j`, `G`, `?`, `ctrl-d`, `alt-x`, `shift-tab`, `f5`, `enter`, `esc`.
    /// Modifier and key names are case-insensitive; single characters are not.
    pub fn parse(text: &str) -> Option<KeyChord> {
        let mut chord = KeyChord {
            code: ChordCode::Char(' '),
            ctrl: false,
            alt: false,
            shift: false,
        };
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (modifier, len) = if lower.starts_with("ctrl-") {
                (0, 5)
            } else if lower.starts_with("alt-") {
                (1, 4)
            } else if lower.starts_with("shift-") {
                (2, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break;
            }
            match modifier {
                0 => chord.ctrl = true,
                1 => chord.alt = true,
                _ => chord.shift = true,
            }
            rest = &rest[len..];
        }
        chord.code = parse_code(rest)?;
        if let ChordCode::Char(c) = chord.code {
            if chord.shift {
                chord.shift = false;
                chord.code = ChordCode::Char(c.to_ascii_uppercase());
            }
            if chord.ctrl {
                chord.code = ChordCode::Char(c.to_ascii_lowercase());
            }
        }
        Some(chord)
    }

    /// The chord of a terminal key event.
    pub fn from_event(event: &KeyEvent) -> Option<KeyChord> {
        let m = event.modifiers;
        let code = match event.code {
            KeyCode::Char(' ') => ChordCode::Named(NamedKey::Space),
            KeyCode::Char(c) => ChordCode::Char(c),
            KeyCode::F(n) => ChordCode::F(n),
            KeyCode::Enter => ChordCode::Named(NamedKey::Enter),
            KeyCode::Esc => ChordCode::Named(NamedKey::Esc),
            KeyCode::Tab => ChordCode::Named(NamedKey::Tab),
            KeyCode::BackTab => {
                return Some(KeyChord {
                    code: ChordCode::Named(NamedKey::Tab),
                    ctrl: m.contains(KeyModifiers::CONTROL),
                    alt: m.contains(KeyModifiers::ALT),
                    shift: true,
                });
            }
            KeyCode::Backspace => ChordCode::Named(NamedKey::Backspace),
            KeyCode::Delete => ChordCode::Named(NamedKey::Delete),
            KeyCode::Insert => ChordCode::Named(NamedKey::Insert),
            KeyCode::Up => ChordCode::Named(NamedKey::Up),
            KeyCode::Down => ChordCode::Named(NamedKey::Down),
            KeyCode::Left => ChordCode::Named(NamedKey::Left),
            KeyCode::Right => ChordCode::Named(NamedKey::Right),
            KeyCode::Home => ChordCode::Named(NamedKey::Home),
            KeyCode::End => ChordCode::Named(NamedKey::End),
            KeyCode::PageUp => ChordCode::Named(NamedKey::PageUp),
            KeyCode::PageDown => ChordCode::Named(NamedKey::PageDown),
            _ => return None,
        };
        let ctrl = m.contains(KeyModifiers::CONTROL);
        let code = match code {
            ChordCode::Char(c) if ctrl => ChordCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        Some(KeyChord {
            code,
            ctrl,
            alt: m.contains(KeyModifiers::ALT),
            shift: m.contains(KeyModifiers::SHIFT) && !matches!(code, ChordCode::Char(_)),
        })
    }

    /// The printable character of a chord without ctrl/alt, for typed input.
    pub fn typed_char(&self) -> Option<char> {
        if self.ctrl || self.alt {
            return None;
        }
        match self.code {
            ChordCode::Char(c) => Some(c),
            ChordCode::Named(NamedKey::Space) => Some(' '),
            _ => None,
        }
    }
}

/// A key sequence: one chord, or several pressed one after another
/// (`g g`), written separated by spaces in keymap files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeySeq(pub Vec<KeyChord>);

impl KeySeq {
    /// Parses `j`, `ctrl-d` or a sequence such as `g g`.
    pub fn parse(text: &str) -> Option<KeySeq> {
        let chords = text
            .split_whitespace()
            .map(KeyChord::parse)
            .collect::<Option<Vec<_>>>()?;
        (!chords.is_empty()).then_some(KeySeq(chords))
    }

    /// A sequence of one chord.
    pub fn single(chord: KeyChord) -> KeySeq {
        KeySeq(vec![chord])
    }

    /// Whether `self` is a strict prefix of `other` (`g` of `g g`).
    pub fn is_prefix_of(&self, other: &KeySeq) -> bool {
        self.0.len() < other.0.len() && other.0.starts_with(&self.0)
    }

    /// Whether one of the two is a strict prefix of the other: they cannot
    /// both be bound in one context.
    pub fn conflicts_with(&self, other: &KeySeq) -> bool {
        self.is_prefix_of(other) || other.is_prefix_of(self)
    }

    /// How the sequence sorts in hints and help: short and plain first.
    pub fn display_rank(&self) -> (usize, bool, bool) {
        let modified = self.0.iter().any(|k| k.ctrl || k.alt || k.shift);
        let named = self.0.iter().any(|k| !matches!(k.code, ChordCode::Char(_)));
        (self.0.len(), modified, named)
    }
}

impl fmt::Display for KeySeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chord) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{chord}")?;
        }
        Ok(())
    }
}

fn parse_code(text: &str) -> Option<ChordCode> {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control()).then_some(ChordCode::Char(c));
    }
    let lower = text.to_ascii_lowercase();
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=24).contains(&n).then_some(ChordCode::F(n));
    }
    let alias = match lower.as_str() {
        "escape" => "esc",
        "return" => "enter",
        "pgup" => "pageup",
        "pgdown" | "pgdn" => "pagedown",
        "del" => "delete",
        other => other,
    };
    NAMES
        .iter()
        .find(|(name, _)| *name == alias)
        .map(|(_, key)| ChordCode::Named(*key))
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        if self.shift {
            f.write_str("shift-")?;
        }
        match self.code {
            ChordCode::Char(c) => write!(f, "{c}"),
            ChordCode::F(n) => write!(f, "f{n}"),
            ChordCode::Named(key) => {
                let name = NAMES
                    .iter()
                    .find(|(_, k)| *k == key)
                    .map_or("?", |(name, _)| name);
                f.write_str(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn parses_and_prints_round_trip() {
        for text in [
            "j",
            "G",
            "?",
            ":",
            "ctrl-d",
            "alt-x",
            "shift-tab",
            "f5",
            "enter",
            "esc",
        ] {
            let chord = KeyChord::parse(text).unwrap();
            assert_eq!(chord.to_string(), text);
        }
        assert_eq!(KeyChord::parse("shift-g"), KeyChord::parse("G"));
        assert_eq!(KeyChord::parse("Ctrl-D"), KeyChord::parse("ctrl-d"));
        assert_eq!(KeyChord::parse("ctl-d"), None);
        assert_eq!(KeyChord::parse(""), None);
        assert_eq!(KeyChord::parse("f99"), None);
    }

    #[test]
    fn parses_sequences() {
        let gg = KeySeq::parse("g  g").unwrap();
        assert_eq!(gg.to_string(), "g g");
        let g = KeySeq::parse("g").unwrap();
        assert!(g.is_prefix_of(&gg) && g.conflicts_with(&gg) && !gg.conflicts_with(&gg));
        assert_eq!(KeySeq::parse("g ctl-x"), None);
        assert_eq!(KeySeq::parse(" "), None);
    }

    #[test]
    fn matches_terminal_events() {
        let shifted = event(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&shifted), KeyChord::parse("G"));
        let ctrl = event(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(KeyChord::from_event(&ctrl), KeyChord::parse("ctrl-d"));
        let back = event(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&back), KeyChord::parse("shift-tab"));
    }
}
