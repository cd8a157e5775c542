#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hostile input (issue 10, part 3): no crash, hang, leak or misleading
//! message. Each test names the finding it guards (docs/HARDENING.md).

mod common;

#[path = "hostile/support.rs"]
mod support;

#[path = "hostile/yaml.rs"]
mod yaml;

#[path = "hostile/paths.rs"]
mod paths;

#[path = "hostile/messages.rs"]
mod messages;

#[path = "hostile/process.rs"]
mod process;

#[path = "hostile/limits.rs"]
mod limits;

#[path = "hostile/shallow.rs"]
mod shallow;
