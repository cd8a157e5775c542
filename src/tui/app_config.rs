//! Switching keymap and theme while running, and reporting their problems.

use super::app::App;
use super::config_error::ConfigError;
use super::keymap::Keymap;
use super::theme::Theme;

impl App {
    /// Shows configuration problems (keymap, theme) in the status line.
    pub fn report_problems(&mut self, problems: &[ConfigError]) {
        for problem in problems {
            tracing::warn!(%problem, "configuration problem");
        }
        if let Some(first) = problems.first() {
            let more = match problems.len() {
                1 => String::new(),
                n => format!(" (+{} more)", n - 1),
            };
            self.error(format!("{first}{more}"));
        }
    }

    /// Switches to a newly loaded theme, reporting its problems; open
    /// diffs and YAML are highlighted again with its syntax theme.
    pub fn set_theme(&mut self, theme: Theme, problems: &[ConfigError]) {
        self.theme = theme;
        let snapshot = std::sync::Arc::clone(&self.snapshot);
        self.table.set_policy_glyphs(
            self.theme.glyph("policy_denied"),
            self.theme.glyph("policy_warned"),
            &snapshot,
        );
        self.rehighlight();
        self.report_problems(problems);
    }

    /// Switches to a newly loaded keymap, reporting its problems.
    pub fn set_keymap(&mut self, keymap: Keymap, problems: &[ConfigError]) {
        self.keymap = if self.read_only {
            keymap.without_dangerous()
        } else {
            keymap
        };
        self.pending.clear();
        self.report_problems(problems);
        if problems.is_empty() {
            self.info("keymap switched");
        }
    }
}
