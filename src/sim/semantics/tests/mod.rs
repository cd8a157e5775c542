//! Tests of the semantics against the recorded kube-apiserver exchanges in
//! `../shared/kube-golden` (skipped loudly when that folder is absent).

mod e2e_client;
mod golden;
mod test_apply_create;
mod test_e2e;
mod test_edges;
mod test_ownership;
mod test_patches;
mod test_validate;
