//! An in-process Kubernetes-compatible API server with small simulated
//! controllers, for `tether demo` and for tests. It behaves like a real
//! kube-apiserver v1.24 as recorded in `../shared/kube-golden/`.
//!
//! Start one with [`SimServer::start`]; the returned [`SimHandle`] gives the
//! URL, a kubeconfig and a [`FaultHandle`] for fault injection.
//!
//! Served: discovery of the recorded built-in group versions (plus CRD
//! groups once Established), generic storage with a global resourceVersion,
//! GET/LIST (selectors, paging)/WATCH (resume, bookmarks, streaming lists),
//! POST/PUT/PATCH (all patch types, via [`semantics`]), `dryRun=All`,
//! `/status` and `/scale`, DELETE with finalizers and propagation policies,
//! Tables for kubectl, access reviews (always allowed), and bodies in JSON,
//! YAML or protobuf with the apiserver's content negotiation (`media`,
//! `proto`). Simulated controllers: namespace, garbage collector,
//! CRD establishment, Deployment/ReplicaSet/StatefulSet/DaemonSet/Job, a
//! stand-in scheduler and kubelet (node `sim-node`), endpoints and Events.
//!
//! Users: a bearer token authenticates as the user of that name; a test
//! limits users RBAC-style through [`FaultHandle`] (see [`access`]), and
//! `SelfSubjectAccessReview` / `SelfSubjectReview` answer from those
//! limits. Fault injection ([`Fault`]): error responses, 429 with
//! Retry-After, hung requests, reset connections, expired watches, per
//! resource, verb and namespace, and a count of requests served.
//!
//! Not simulated: RoleBindings (any `Impersonate-User` is Forbidden), HPA, PDB and
//! CronJob controllers, Job failures/backoff, StatefulSet/DaemonSet rolling
//! updates, the exact Go `pod-template-hash` values, and OpenAPI schemas
//! (the per-group-version documents list paths only).

pub mod access;
mod apierror;
mod controllers;
mod delete;
mod discovery;
mod error;
mod faults;
mod handler;
mod kubeconfig;
mod list;
mod media;
mod meta;
mod proto;
#[cfg(test)]
mod protobuf_tests;
mod registry;
mod review;
mod router;
mod scale;
mod selector;
pub mod semantics;
mod server;
mod state;
mod store;
mod table;
mod tls;
mod verbs;
mod watch;
mod write;

pub use access::AccessRule;
pub use error::SimError;
pub use faults::{Fault, FaultEffect, FaultHandle, ReadScope};
pub use kubeconfig::{write_kubeconfig, write_kubeconfig_as, write_kubeconfig_trusting};
pub use server::{RequestCost, SimHandle, SimOptions, SimServer};
pub use tls::SimTls;
