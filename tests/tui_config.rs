//! Keymap and theme files: bundled ones load cleanly, broken user files are
//! reported by file, line and key, and the defaults take over.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ratatui::style::{Color, Modifier, Style};
use std::path::Path;
use std::sync::Arc;
use tether::engine::Snapshot;
use tether::tui::keymap::BUNDLED as BUNDLED_KEYMAPS;
use tether::tui::theme_file::BUNDLED as BUNDLED_THEMES;
use tether::tui::{
    Action, App, KeyChord, KeyContext, Keymap, KeymapFile, StatusLevel, Theme, TuiOptions,
};

/// A config dir holding one file at `relative`.
fn config_dir_with(relative: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    dir
}

fn messages(problems: &[tether::tui::ConfigError]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

fn key(text: &str) -> KeyChord {
    KeyChord::parse(text).unwrap()
}

#[test]
fn every_bundled_keymap_and_theme_loads_without_warnings() {
    for (name, _) in BUNDLED_KEYMAPS {
        let (keymap, problems) = Keymap::load(Some(name), None);
        assert!(
            problems.is_empty(),
            "keymap {name}: {:?}",
            messages(&problems)
        );
        assert_eq!(
            keymap.lookup(KeyContext::Apps, &key("q")),
            Some(Action::Quit)
        );
    }
    for (name, _) in BUNDLED_THEMES {
        let (theme, problems) = Theme::load(Some(name), None);
        assert!(
            problems.is_empty(),
            "theme {name}: {:?}",
            messages(&problems)
        );
        for glyph in tether::tui::theme::GLYPHS {
            assert!(
                !theme.glyph(glyph).is_empty(),
                "theme {name} lacks glyph {glyph}"
            );
        }
        for scope in tether::tui::theme::SCOPES {
            assert_ne!(
                theme.style(scope),
                Style::default(),
                "theme {name} lacks {scope}"
            );
        }
    }
}

#[test]
fn vim_keymap_extends_the_default() {
    let (keymap, _) = Keymap::load(Some("vim"), None);
    assert_eq!(
        keymap.lookup(KeyContext::Apps, &key("ctrl-d")),
        Some(Action::PageDown)
    );
    assert_eq!(
        keymap.lookup(KeyContext::Apps, &key("j")),
        Some(Action::MoveDown)
    );
    assert_eq!(
        keymap.lookup(KeyContext::Apps, &key("H")),
        Some(Action::History)
    );
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let text = "# mine\napps:\n  \"j\": move_down\n  \"ctl-d\": page_down\n";
    let err = KeymapFile::parse("keymaps/mine.yaml", text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "keymaps/mine.yaml:4: unknown key 'ctl-d' in context 'apps'"
    );
}

#[test]
fn unknown_action_names_file_line_and_key() {
    let text = "global:\n  q: quit\napps:\n  x: frobnicate\n";
    let err = KeymapFile::parse("k.yaml", text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "k.yaml:4: unknown action 'frobnicate' for key 'x' in context 'apps'"
    );
}

#[test]
fn unknown_context_and_bad_yaml_are_located() {
    let err =
        KeymapFile::parse("k.yaml", "global:\n  q: quit\nappz:\n  j: move_down\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "k.yaml:3: unknown context 'appz' (expected one of: global, apps, view, tree, diff, history, pipeline, help, dialog, input)"
    );
    let err = KeymapFile::parse("k.yaml", "apps:\n  j: move_down\n   k: [\n").unwrap_err();
    assert_eq!(err.line, Some(3), "{err}");
}

#[test]
fn a_bad_user_keymap_falls_back_to_defaults_and_shows_in_the_status_line() {
    let dir = config_dir_with(
        "keymaps/default.yaml",
        "apps:\n  \"x\": refresh\n  \"ctl-d\": page_down\n",
    );
    let (keymap, problems) = Keymap::load(None, Some(dir.path()));
    let expected = format!(
        "{}:3: unknown key 'ctl-d' in context 'apps'",
        dir.path().join("keymaps/default.yaml").display()
    );
    assert_eq!(messages(&problems), std::slice::from_ref(&expected));
    assert_eq!(keymap, Keymap::bundled_default().0, "whole file ignored");

    let opts = TuiOptions::default();
    let app = App::from_options(Arc::new(Snapshot::default()), &opts, Some(dir.path()));
    let status = app.status().unwrap();
    assert_eq!(status.level, StatusLevel::Error);
    assert_eq!(status.text, expected);
}

#[test]
fn a_user_keymap_is_merged_over_the_default() {
    let dir = config_dir_with("keymaps/mine.yaml", "apps:\n  \"x\": sync\n  \"s\": none\n");
    let (keymap, problems) = Keymap::load(Some("mine"), Some(dir.path()));
    assert!(problems.is_empty(), "{:?}", messages(&problems));
    assert_eq!(
        keymap.lookup(KeyContext::Apps, &key("x")),
        Some(Action::Sync)
    );
    assert_eq!(keymap.lookup(KeyContext::Apps, &key("s")), None);
    assert_eq!(
        keymap.lookup(KeyContext::Apps, &key("j")),
        Some(Action::MoveDown)
    );
}

#[test]
fn an_unknown_keymap_name_is_reported() {
    let (keymap, problems) = Keymap::load(Some("emacs"), Some(Path::new("/nonexistent")));
    assert_eq!(
        messages(&problems),
        [
            "keymaps/emacs.yaml: keymap 'emacs' not found: not bundled (default, vim) and no file /nonexistent/keymaps/emacs.yaml; using default"
        ]
    );
    assert_eq!(keymap, Keymap::bundled_default().0);
}

#[test]
fn an_unknown_colour_names_file_line_and_style_and_falls_back() {
    let text = "palette:\n  bg: black\nstyles:\n  text: { fg: white }\n  synced: grean\n";
    let dir = config_dir_with("themes/mine.yaml", text);
    let (theme, problems) = Theme::load(Some("mine"), Some(dir.path()));
    assert_eq!(
        messages(&problems),
        [format!(
            "{}:5: style 'synced' fg: 'grean' is not a palette entry, colour name or #rrggbb",
            dir.path().join("themes/mine.yaml").display()
        )]
    );
    assert_eq!(theme, Theme::bundled_default().0);
}

#[test]
fn theme_errors_by_text() {
    let cases = [
        (
            "colours:\n  a: red\n",
            "1: unknown field `colours`, expected one of `inherits`, `palette`, `styles`, `glyphs`, `syntax`",
        ),
        (
            "palette:\n  bg: \"#12345\"\n",
            "2: palette colour 'bg': '#12345' is not a colour name or #rrggbb",
        ),
        (
            "styles:\n  text:\n    fg: red\n  synced: { fg: red, modifiers: [blink] }\n",
            "4: style 'synced': unknown modifier 'blink' (bold, dim, italic, underlined, reversed, crossed_out)",
        ),
        (
            "styles:\n  synced: { colour: red }\n",
            "2: style 'synced': unexpected field 'colour' (expected fg, bg, modifiers: [..])",
        ),
        (
            "inherits: mine\n",
            ": theme 'mine' inherits itself (directly or through its parents)",
        ),
        (
            "inherits: nope\n",
            "themes/nope.yaml: theme 'nope' not found (bundled: default, light, high-contrast, ascii)",
        ),
    ];
    for (text, expected) in cases {
        let dir = config_dir_with("themes/mine.yaml", text);
        check_theme_error(&dir, text, expected);
    }
}

#[test]
fn an_unknown_syntax_theme_is_a_warning_naming_the_line() {
    let dir = config_dir_with(
        "themes/mine.yaml",
        "glyphs:\n  synced: \"=\"\nsyntax: nope\n",
    );
    let (theme, problems) = Theme::load(Some("mine"), Some(dir.path()));
    let got = messages(&problems);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("mine.yaml:3: unknown syntax theme 'nope' (known: "),
        "{got:?}"
    );
    assert_eq!(theme.syntax_theme(), "nope", "a warning, not an error");
}

fn check_theme_error(dir: &tempfile::TempDir, text: &str, expected: &str) {
    {
        let (_, problems) = Theme::load(Some("mine"), Some(dir.path()));
        let got = messages(&problems);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert!(
            got[0].ends_with(expected),
            "{text}:\n got {}\nwant …{expected}",
            got[0]
        );
    }
}

#[test]
fn unknown_scopes_are_warnings_not_errors() {
    let dir = config_dir_with(
        "themes/mine.yaml",
        "styles:\n  synced: lightred\n  synched: blue\n",
    );
    let (theme, problems) = Theme::load(Some("mine"), Some(dir.path()));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .to_string()
            .ends_with(":3: unknown style scope 'synched'")
    );
    // palette names win over colour names: `red` is the default palette's red
    assert_eq!(theme.style("synced"), Style::default().fg(Color::LightRed));
}

#[test]
fn styles_fall_back_along_dots_and_inherit_palettes() {
    let (theme, _) = Theme::load(Some("default"), None);
    assert_eq!(
        theme.style("diff.added.fg.extra"),
        theme.style("diff.added")
    );
    assert_ne!(theme.style("diff.added.bg"), theme.style("diff.added"));
    assert_eq!(theme.style("nothing.at.all"), Style::default());

    // light inherits default's styles but recolours them through its palette
    let (light, _) = Theme::load(Some("light"), None);
    assert_eq!(
        light.style("synced"),
        Style::default().fg(Color::Rgb(0x33, 0x63, 0x5c))
    );
    assert_eq!(light.glyph("synced"), "✔");

    let dir = config_dir_with(
        "themes/mine.yaml",
        "inherits: high-contrast\nstyles:\n  synced: { fg: \"#010203\", modifiers: [italic] }\n",
    );
    let (mine, problems) = Theme::load(Some("mine"), Some(dir.path()));
    assert!(problems.is_empty(), "{:?}", messages(&problems));
    assert_eq!(
        mine.style("synced"),
        Style::default()
            .fg(Color::Rgb(1, 2, 3))
            .add_modifier(Modifier::ITALIC)
    );
    assert_eq!(
        mine.style("selection"),
        Theme::load(Some("high-contrast"), None)
            .0
            .style("selection")
    );
}

#[test]
fn sequence_errors_by_text() {
    let err = KeymapFile::parse("k.yaml", "apps:\n  \"g\": top\n  \"g g\": top\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "k.yaml:3: key 'g g' conflicts with 'g' in context 'apps': a key cannot be both bound and the start of a sequence"
    );
    let err = KeymapFile::parse("k.yaml", "dialog:\n  \"y y\": confirm\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "k.yaml:2: key sequence 'y y' is not allowed in context 'dialog' (not in dialog, input)"
    );
}
