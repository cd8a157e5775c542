//! tether: GitOps from the terminal — a reconcile engine (Git → render →
//! diff → server-side apply → prune → health), a CLI for every action, and a
//! k9s-style TUI on top.
//!
//! The engine builds without the TUI (`--no-default-features`).

pub mod argocd;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod diff;
pub mod engine;
pub mod flux;
pub mod health;
pub mod import;
pub mod live;
pub mod model;
pub mod policy;
pub mod render;
pub mod sim;
pub mod source;
#[cfg(feature = "tui")]
pub mod tui;
pub mod yaml;
pub mod yamledit;
