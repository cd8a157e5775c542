//! [`TreeError`]: why a path of a [`super::FileTree`] could not be read.

/// Why a path of a [`super::FileTree`] could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// Nothing at the path.
    #[error("{path}: no such file or folder")]
    NotFound {
        /// The path asked for.
        path: String,
    },
    /// The path is a folder, not a file.
    #[error("{path}: is a folder, not a file")]
    Folder {
        /// The path asked for.
        path: String,
    },
    /// The path is, or lies inside, a Git submodule.
    #[error(
        "{path}: inside the Git submodule {submodule}; tether does not read submodules (their files are not in this repository's tree), vendor the files instead"
    )]
    Submodule {
        /// The path asked for.
        path: String,
        /// The submodule's folder.
        submodule: String,
    },
    /// A symbolic link leads outside the repository (an absolute target,
    /// or one climbing above the repository root).
    #[error(
        "{path}: symbolic link {link} -> {target} points outside the repository; tether does not follow it"
    )]
    LinkOutside {
        /// The path asked for.
        path: String,
        /// The link on the way.
        link: String,
        /// Its target as written.
        target: String,
    },
    /// Symbolic links that lead back to themselves.
    #[error("{path}: too many levels of symbolic links (a link loop through {link})")]
    LinkLoop {
        /// The path asked for.
        path: String,
        /// A link of the loop.
        link: String,
    },
    /// A symbolic link whose target does not exist.
    #[error("{path}: symbolic link {link} -> {target} points to nothing")]
    LinkDangling {
        /// The path asked for.
        path: String,
        /// The dangling link.
        link: String,
        /// Its target as written.
        target: String,
    },
    /// Loading would pass the read limit of the render.
    #[error(
        "{path}: reading its {size} bytes would pass the limit of {limit} bytes read per render (render.maxReadBytes){}",
        already(*read)
    )]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
        /// Bytes the render had read before.
        read: u64,
    },
    /// The content could not be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        message: String,
    },
}

/// `; 1000 bytes were read before it`, or nothing when none were.
fn already(read: u64) -> String {
    if read == 0 {
        String::new()
    } else {
        format!("; {read} bytes were read before it")
    }
}
