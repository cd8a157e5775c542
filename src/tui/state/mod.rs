//! State of the views above the apps table, one file per view, plus the
//! pieces they share: a list cursor, values being loaded, and the
//! newest-request-wins slots for on-demand engine requests.

pub mod appsets;
pub mod cursor;
pub mod diff_lines;
pub mod diff_state;
pub mod history;
pub mod operation;
pub mod pipeline;
pub mod progress;
pub mod promote;
pub mod requests;
pub mod revert;
pub mod scope;
pub mod tree;
pub mod views;

pub use cursor::ListCursor;
pub use requests::{RequestKind, Requests};
pub use views::{Loadable, TextState, View};
