//! Comparing desired and live objects: normalisation, Secret masking and the
//! differences between them.

mod subset;

pub use subset::{normalize_desired, subset_differences};
