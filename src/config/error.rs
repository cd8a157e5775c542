//! Errors of loading tether.yaml, each displayed as one sentence that names
//! the file (and line) and the cause.

use std::path::PathBuf;

/// Why tether.yaml could not be found, read or accepted.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No `--config`, no `./tether.yaml` and no file in the user config dir.
    #[error(
        "no tether.yaml found: pass --config FILE, or create ./tether.yaml or {}",
        user_file.display()
    )]
    NotFound {
        /// The user-level file that was looked for.
        user_file: PathBuf,
    },
    /// The file exists (or was named) but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O cause.
        source: std::io::Error,
    },
    /// The file is not valid: bad YAML, unknown field, or a rule broken.
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending field or value.
        line: usize,
        /// What is wrong, starting with the field path (`apps[0].name: …`).
        message: String,
    },
}
