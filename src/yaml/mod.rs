//! Limits that every YAML reader of tether applies (manifests,
//! kustomizations, patches, Helm values and output, tether.yaml, themes,
//! keymaps, the simulator's request bodies): no alias bomb, no nesting
//! deeper than [`MAX_DEPTH`], no control characters (as kubectl), and a
//! cost linear in the size of the text.
//!
//! Readers built on saphyr-parser events (`render`) count with the same
//! budget while they build values; readers built on serde_yaml_ng go
//! through [`from_str`] / [`from_slice`], which check the text first.
//!
//! ```
//! let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
//!             c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
//!             e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
//! let err = tether::yaml::from_str::<serde_yaml::Value>(bomb).unwrap_err();
//! assert!(err.to_string().contains("excessive aliasing"));
//! ```

mod budget;
mod guard;

pub(crate) use budget::Budget;
pub use budget::{LimitError, MAX_DEPTH};
pub use guard::{YamlError, check, check_characters, from_slice, from_str};
pub(crate) use guard::{libyaml_error, scan_error};
