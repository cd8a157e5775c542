//! The reconciler: compare, plan, sync; publishes [`Snapshot`]s. It knows
//! nothing of the TUI; clients talk to it through [`EngineHandle`].

mod api;

pub use api::{ClusterState, EngineCommand, EngineEvent, EngineHandle, Snapshot};
