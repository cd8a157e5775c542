//! The terminal UI (feature `tui`). Talks to the engine only through its public API.
