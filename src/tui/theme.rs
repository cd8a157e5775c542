//! Colours and glyphs: a palette plus semantic styles with dotted fallback
//! (`diff.added.bg` → `diff.added` → `diff`), read from themes/*.yaml
//! (format in [`super::theme_file`]).

use super::config_error::ConfigError;
use super::theme_file::{Located, RawTheme, ThemeSources};
use crate::model::{HealthStatus, SyncStatus};
use ratatui::style::{Color, Modifier, Style};
use std::collections::HashMap;
use std::path::Path;

/// Style scopes the TUI uses. A theme may also style children of these
/// (`diff.added.bg`); any other scope is reported as a warning.
pub const SCOPES: [&str; 44] = [
    "text",
    "header",
    "header.title",
    "header.label",
    "header.key",
    "header.hint",
    "borders",
    "title",
    "table.header",
    "selection",
    "status_line",
    "status_line.info",
    "status_line.warning",
    "status_line.error",
    "dialog",
    "dialog.title",
    "input",
    "help.section",
    "help.key",
    "help.description",
    "synced",
    "out_of_sync",
    "healthy",
    "progressing",
    "degraded",
    "suspended",
    "missing",
    "unknown",
    "paused",
    "cluster.connected",
    "cluster.disconnected",
    "diff.added",
    "diff.removed",
    "diff.changed",
    "diff.word",
    "diff.context",
    "diff.header",
    "diff.hunk",
    "diff.lineno",
    "tree.guide",
    "history.current",
    "revision",
    "filter",
    "count",
];

/// Glyph names: one per state, shown before the state's word.
pub const GLYPHS: [&str; 20] = [
    "synced",
    "out_of_sync",
    "healthy",
    "progressing",
    "degraded",
    "suspended",
    "missing",
    "unknown",
    "paused",
    "connected",
    "disconnected",
    "selection",
    "spinner",
    "expanded",
    "collapsed",
    "current",
    "sort_ascending",
    "sort_descending",
    "policy_denied",
    "policy_warned",
];

/// A resolved theme: styles by scope, glyphs by state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Theme {
    styles: HashMap<String, Style>,
    glyphs: HashMap<String, String>,
    syntax: String,
}

impl Theme {
    /// The bundled default theme (empty only if that file were broken,
    /// which a test prevents).
    pub fn bundled_default() -> (Theme, Vec<ConfigError>) {
        Theme::load(None, None)
    }

    /// Theme `name` (default `default`), from the user config dir's
    /// `themes/<name>.yaml` or the bundled themes. On an error the bundled
    /// default is used and the error returned; warnings do not stop loading.
    pub fn load(name: Option<&str>, config_dir: Option<&Path>) -> (Theme, Vec<ConfigError>) {
        let sources = ThemeSources { config_dir };
        let name = name.unwrap_or("default");
        match sources.load_raw(name).and_then(|raw| Theme::resolve(&raw)) {
            Ok(loaded) => loaded,
            Err(error) => {
                let fallback = ThemeSources { config_dir: None }
                    .load_raw("default")
                    .and_then(|raw| Theme::resolve(&raw));
                match fallback {
                    Ok((theme, _)) => (theme, vec![error]),
                    Err(broken) => (Theme::default(), vec![error, broken]),
                }
            }
        }
    }

    /// Resolves palette references and colours. Unknown colours and
    /// modifiers are errors; unknown scopes and glyph names are warnings.
    pub fn resolve(raw: &RawTheme) -> Result<(Theme, Vec<ConfigError>), ConfigError> {
        let mut warnings = Vec::new();
        let mut theme = Theme::default();
        for (name, entry) in &raw.palette {
            color(&entry.value, None).map_err(|v| {
                entry.error(format!(
                    "palette colour '{name}': '{v}' is not a colour name or #rrggbb"
                ))
            })?;
        }
        for (scope, spec) in &raw.styles {
            if !known_scope(scope) {
                warnings.push(spec.error(format!("unknown style scope '{scope}'")));
            }
            theme.styles.insert(scope.clone(), style(scope, spec, raw)?);
        }
        if let Some(syntax) = &raw.syntax {
            if !crate::tui::highlight::has_syntax_theme(&syntax.value) {
                warnings.push(syntax.error(format!(
                    "unknown syntax theme '{}' (known: {})",
                    syntax.value,
                    crate::tui::highlight::syntax_themes().join(", ")
                )));
            }
            theme.syntax = syntax.value.clone();
        }
        for (name, glyph) in &raw.glyphs {
            if !GLYPHS.contains(&name.as_str()) {
                warnings.push(glyph.error(format!("unknown glyph '{name}'")));
            }
            theme.glyphs.insert(name.clone(), glyph.value.clone());
        }
        Ok((theme, warnings))
    }

    /// The style of `scope`, falling back along its dots, then to no style.
    pub fn style(&self, scope: &str) -> Style {
        let mut current = scope;
        loop {
            if let Some(style) = self.styles.get(current) {
                return *style;
            }
            match current.rsplit_once('.') {
                Some((parent, _)) => current = parent,
                None => return Style::default(),
            }
        }
    }

    /// The glyph of a state (empty when the theme has none).
    pub fn glyph(&self, name: &str) -> &str {
        self.glyphs.get(name).map_or("", String::as_str)
    }

    /// The syntect theme for YAML (empty: no highlighting).
    pub fn syntax_theme(&self) -> &str {
        &self.syntax
    }

    /// Frame `tick` of the spinner glyph (its characters in turn).
    pub fn spinner(&self, tick: usize) -> String {
        let frames: Vec<char> = self.glyph("spinner").chars().collect();
        match frames.len() {
            0 => String::new(),
            n => frames[tick % n].to_string(),
        }
    }

    /// `glyph word` for a state, or the word alone without a glyph.
    pub fn labelled(&self, scope: &str, word: &str) -> String {
        match self.glyph(scope) {
            "" => word.to_string(),
            glyph => format!("{glyph} {word}"),
        }
    }
}

/// The style and glyph scope of a sync state.
pub fn sync_scope(sync: SyncStatus) -> &'static str {
    match sync {
        SyncStatus::Synced => "synced",
        SyncStatus::OutOfSync => "out_of_sync",
        SyncStatus::Unknown => "unknown",
    }
}

/// The style and glyph scope of a health state.
pub fn health_scope(health: HealthStatus) -> &'static str {
    match health {
        HealthStatus::Healthy => "healthy",
        HealthStatus::Progressing => "progressing",
        HealthStatus::Degraded => "degraded",
        HealthStatus::Suspended => "suspended",
        HealthStatus::Missing => "missing",
        HealthStatus::Unknown => "unknown",
    }
}

fn known_scope(scope: &str) -> bool {
    let mut current = scope;
    loop {
        if SCOPES.contains(&current) {
            return true;
        }
        match current.rsplit_once('.') {
            Some((parent, _)) => current = parent,
            None => return false,
        }
    }
}

fn style(
    scope: &str,
    spec: &Located<serde_yaml::Value>,
    raw: &RawTheme,
) -> Result<Style, ConfigError> {
    let colour = |field: &str, text: &str| {
        color(text, Some(raw)).map_err(|v| {
            spec.error(format!(
                "style '{scope}' {field}: '{v}' is not a palette entry, colour name or #rrggbb"
            ))
        })
    };
    let mut style = Style::default();
    let map = match &spec.value {
        serde_yaml::Value::String(fg) => return Ok(style.fg(colour("fg", fg)?)),
        serde_yaml::Value::Mapping(map) => map,
        _ => {
            return Err(spec.error(format!(
                "style '{scope}' must be a colour or a mapping of fg, bg, modifiers"
            )));
        }
    };
    for (key, value) in map {
        let key = key.as_str().unwrap_or_default();
        match (key, value) {
            ("fg", serde_yaml::Value::String(v)) => style = style.fg(colour("fg", v)?),
            ("bg", serde_yaml::Value::String(v)) => style = style.bg(colour("bg", v)?),
            ("modifiers", serde_yaml::Value::Sequence(items)) => {
                for item in items {
                    let name = item.as_str().unwrap_or_default();
                    style = style.add_modifier(modifier(name).ok_or_else(|| {
                        spec.error(format!(
                            "style '{scope}': unknown modifier '{name}' (bold, dim, italic, underlined, reversed, crossed_out)"
                        ))
                    })?);
                }
            }
            _ => {
                return Err(spec.error(format!(
                    "style '{scope}': unexpected field '{key}' (expected fg, bg, modifiers: [..])"
                )));
            }
        }
    }
    Ok(style)
}

/// A palette name (when a palette is given), colour name or #rrggbb.
fn color(text: &str, raw: Option<&RawTheme>) -> Result<Color, String> {
    let value = raw
        .and_then(|r| r.palette.get(text))
        .map_or(text, |entry| entry.value.as_str());
    if value.starts_with('#') && value.len() != 7 {
        return Err(text.to_string());
    }
    value.parse::<Color>().map_err(|_| text.to_string())
}

fn modifier(name: &str) -> Option<Modifier> {
    Some(match name {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" => Modifier::UNDERLINED,
        "reversed" => Modifier::REVERSED,
        "crossed_out" => Modifier::CROSSED_OUT,
        _ => return None,
    })
}
