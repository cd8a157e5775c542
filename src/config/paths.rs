//! Where tether keeps per-user files (tether.yaml, themes, keymaps), from
//! `directories` (`~/.config/tether` on Linux, the platform's equivalent
//! elsewhere).

use std::path::PathBuf;

/// The user config directory, e.g. `~/.config/tether`. None when the
/// platform has no home directory.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("dev", "tether", "tether").map(|d| d.config_dir().to_path_buf())
}

/// A file in the user config directory, e.g. `user_file("themes/dark.yaml")`.
pub fn user_file(name: &str) -> Option<PathBuf> {
    config_dir().map(|d| d.join(name))
}
