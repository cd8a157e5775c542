//! Comparing desired and live objects: normalisation, ignore rules, Secret
//! masking, and the differences between them as paths and as text.

pub mod jq;
mod managed_ignore;
mod managers;
mod mask;
mod normalize;
mod paths;
mod stages;
mod subset;
mod unified;

pub use managed_ignore::{apply_manager_ignores, trusted_managers};
pub use managers::{FieldChange, changed_paths, managers_of};
pub use mask::{SecretStrings, is_secret, mark_changed, mask_secret};
pub use normalize::{LAST_APPLIED, apply_ignores, remove_pointer, strip_noise};
pub use paths::{PathStep, delete_paths, pointer_steps};
pub use stages::{
    NameAffix, StageBlindness, TRACKING_ANNOTATIONS, TRACKING_LABELS, make_comparable,
};
pub use subset::{normalize_desired, subset_differences};
pub use unified::{align_keys, to_yaml, unified};
