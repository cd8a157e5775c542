//! An in-process Kubernetes-compatible API server with small simulated
//! controllers, for `tether demo` and for tests. It behaves like a real
//! kube-apiserver v1.24 as recorded in `../shared/kube-golden/`.
//!
//! Start one with [`SimServer::start`]; the returned [`SimHandle`] gives the
//! URL, a kubeconfig and a [`FaultHandle`] for fault injection.

mod apierror;
mod controllers;
mod delete;
mod discovery;
mod error;
mod faults;
mod handler;
mod kubeconfig;
mod list;
mod meta;
mod registry;
mod router;
mod scale;
mod selector;
pub mod semantics;
mod server;
mod state;
mod store;
mod table;
mod verbs;
mod watch;
mod write;

pub use error::SimError;
pub use faults::FaultHandle;
pub use kubeconfig::write_kubeconfig;
pub use server::{SimHandle, SimOptions, SimServer};
