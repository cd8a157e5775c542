//! Flux (fluxcd.io) semantics as pure functions over plain data: how
//! kustomize-controller and helm-controller turn the objects in Git into
//! the objects they apply, and how Flux objects report their state.
//! No cluster I/O: the ConfigMaps and Secrets Flux would read are passed in.

pub mod cleanup;
pub mod envsubst;
mod error;
pub mod gate;
pub mod health_exprs;
pub mod helmrelease;
pub mod history;
pub mod inventory;
pub mod kustomization;
pub mod metadata;
mod object;
pub mod policy;
pub mod postbuild;
pub mod ready_expr;
pub mod refs;
pub mod source;
pub mod status;

pub use error::FluxError;
pub use object::{ObjectMeta, describe};
pub use refs::RefObjects;
