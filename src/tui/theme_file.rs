//! Reading theme files: YAML shape, `inherits` chains, bundled and user files.
//!
//! Format (all sections optional):
//!
//! ```yaml
//! inherits: default          # parent theme; `none` for no parent.
//!                            # Every theme but `default` inherits `default`
//!                            # unless it says otherwise.
//! palette:                   # names for colours: a colour name or #rrggbb
//!   green: "#9ece6a"
//! styles:                    # semantic scope -> style
//!   synced: green            # shorthand for { fg: green }
//!   out_of_sync: { fg: yellow, bg: "#202020", modifiers: [bold] }
//! glyphs:                    # text shown before states (never colour alone)
//!   synced: "✔"
//! syntax: base16-ocean.dark  # syntect theme for YAML in diff and YAML views
//! ```

use super::config_error::{ConfigError, locate_key};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The themes shipped inside the binary: (name, file text).
pub const BUNDLED: [(&str, &str); 4] = [
    ("default", include_str!("../../themes/default.yaml")),
    ("light", include_str!("../../themes/light.yaml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.yaml"),
    ),
    ("ascii", include_str!("../../themes/ascii.yaml")),
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeYaml {
    #[serde(default)]
    inherits: Option<String>,
    #[serde(default)]
    palette: BTreeMap<String, String>,
    #[serde(default)]
    styles: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    glyphs: BTreeMap<String, String>,
    #[serde(default)]
    syntax: Option<String>,
}

/// A value from a theme file with the place it came from, for errors.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value as written.
    pub value: T,
    /// The file it came from.
    pub file: String,
    /// Its 1-based line, when found.
    pub line: Option<usize>,
}

impl<T> Located<T> {
    /// An error about this value.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError::new(&self.file, self.line, message)
    }
}

/// A theme and its ancestors merged, not yet resolved to colours.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawTheme {
    /// Palette entries, later files overriding earlier ones.
    pub palette: BTreeMap<String, Located<String>>,
    /// Style specifications by scope.
    pub styles: BTreeMap<String, Located<serde_yaml::Value>>,
    /// Glyphs by state name.
    pub glyphs: BTreeMap<String, Located<String>>,
    /// The syntect theme for YAML highlighting.
    pub syntax: Option<Located<String>>,
}

/// Where theme files are looked up: bundled names, then user files.
#[derive(Debug, Clone, Copy)]
pub struct ThemeSources<'a> {
    /// The user config dir; its `themes/<name>.yaml` wins over a bundled one.
    pub config_dir: Option<&'a Path>,
}

impl ThemeSources<'_> {
    /// The text of theme `name` and the file name to show in errors.
    pub fn find(&self, name: &str) -> Result<(String, String), ConfigError> {
        if let Some(path) = self
            .config_dir
            .map(|d| d.join("themes").join(format!("{name}.yaml")))
            .filter(|p| p.is_file())
        {
            let file = path.display().to_string();
            return std::fs::read_to_string(&path)
                .map(|text| (file.clone(), text))
                .map_err(|e| ConfigError::new(&file, None, format!("cannot read: {e}")));
        }
        BUNDLED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| (format!("themes/{n}.yaml"), (*text).to_string()))
            .ok_or_else(|| {
                ConfigError::new(
                    &format!("themes/{name}.yaml"),
                    None,
                    format!(
                        "theme '{name}' not found (bundled: {})",
                        BUNDLED.map(|(n, _)| n).join(", ")
                    ),
                )
            })
    }

    /// Reads theme `name` and its `inherits` chain, parents first.
    pub fn load_raw(&self, name: &str) -> Result<RawTheme, ConfigError> {
        let mut chain: Vec<(String, String, ThemeYaml)> = Vec::new();
        let mut next = Some(name.to_string());
        while let Some(current) = next.take() {
            let (file, text) = self.find(&current)?;
            if chain.iter().any(|(f, _, _)| *f == file) {
                return Err(ConfigError::new(
                    &file,
                    None,
                    format!("theme '{current}' inherits itself (directly or through its parents)"),
                ));
            }
            let yaml = parse(&file, &text)?;
            next = match yaml.inherits.as_deref() {
                Some("none") => None,
                Some(parent) => Some(parent.to_string()),
                None if current != "default" => Some("default".to_string()),
                None => None,
            };
            chain.push((file, text, yaml));
        }
        let mut raw = RawTheme::default();
        for (file, text, yaml) in chain.into_iter().rev() {
            raw.merge(&file, &text, yaml);
        }
        Ok(raw)
    }
}

/// Parses one theme file's YAML shape.
fn parse(file: &str, text: &str) -> Result<ThemeYaml, ConfigError> {
    if text.trim().is_empty() {
        return Ok(ThemeYaml::default());
    }
    crate::yaml::from_str(text).map_err(|e| ConfigError::from_yaml(file, &e))
}

impl RawTheme {
    fn merge(&mut self, file: &str, text: &str, yaml: ThemeYaml) {
        let at = |section: &str, key: &str| locate_key(text, section, key);
        for (key, value) in yaml.palette {
            let line = at("palette", &key);
            self.palette.insert(key, located(value, file, line));
        }
        for (key, value) in yaml.styles {
            let line = at("styles", &key);
            self.styles.insert(key, located(value, file, line));
        }
        if let Some(syntax) = yaml.syntax {
            let line = text
                .lines()
                .position(|l| l.starts_with("syntax:"))
                .map(|i| i + 1);
            self.syntax = Some(located(syntax, file, line));
        }
        for (key, value) in yaml.glyphs {
            let line = at("glyphs", &key);
            self.glyphs.insert(key, located(value, file, line));
        }
    }
}

fn located<T>(value: T, file: &str, line: Option<usize>) -> Located<T> {
    Located {
        value,
        file: file.to_string(),
        line,
    }
}
