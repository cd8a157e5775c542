//! Arguments of the staged-rollout commands (DESIGN.md §7): compare,
//! promote, pipeline, windows.

use super::args::OutputArg;
use clap::{Args, ValueEnum};

/// What `compare` keeps that it takes out by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeepArg {
    /// `metadata.namespace` and `namespace:` fields naming the stage's.
    Namespace,
    /// The stages' Kustomize name prefix/suffix.
    Names,
    /// tether / Argo CD / Flux tracking labels and annotations.
    Tracking,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first app (e.g. the stage promoted from).
    pub app_a: String,
    /// The second app (e.g. the stage promoted into).
    pub app_b: String,
    /// Render both apps at this revision instead of each at its own.
    #[arg(long)]
    pub revision: Option<String>,
    /// Compare this too (repeatable): namespace, names, tracking.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub keep: Vec<KeepArg>,
    /// Also ignore this label key (repeatable), e.g. `env`.
    #[arg(long, value_name = "KEY")]
    pub ignore_label: Vec<String>,
    /// Also ignore this annotation key (repeatable).
    #[arg(long, value_name = "KEY")]
    pub ignore_annotation: Vec<String>,
    #[command(flatten)]
    pub output: OutputArg,
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The pipeline (tether.yaml `pipelines[].name`).
    pub pipeline: String,
    /// The stage (app) to promote into, from the stage before it.
    pub stage: String,
    /// Print the file diff and the gates; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Promote even when a gate fails (gates are not checked).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub output: OutputArg,
}

#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// Only this pipeline (default: all of tether.yaml).
    pub name: Option<String>,
    #[command(flatten)]
    pub output: OutputArg,
}

#[derive(Debug, Args)]
pub struct WindowsArgs {
    #[command(flatten)]
    pub output: OutputArg,
}
