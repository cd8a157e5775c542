//! `tether pipeline`, gates and sync windows on the sim (DESIGN.md §7):
//! a stage shows what it runs, desired and live; gates name their state
//! and refuse a promotion writing nothing; the promoted stage syncs and
//! shows it; a deny window refuses a manual sync unless overridden (and
//! the history says who overrode it), and shows in `tether windows`. The
//! scenario runs on a real cluster too (tests/real_pipeline.rs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::pipeline_scenarios;
use common::stages::Stages;

#[tokio::test(flavor = "multi_thread")]
async fn stages_gates_and_windows() {
    let stages = Stages::sim("    gates: {soak: 0s}\n").await;
    pipeline_scenarios::stages_gates_and_windows(&stages).await;
}
