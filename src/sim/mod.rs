//! An in-process Kubernetes-compatible API server with small simulated
//! controllers, for `tether demo` and for tests. It must behave like a real
//! kube-apiserver (see ../shared/kube-golden/).

pub mod semantics;
