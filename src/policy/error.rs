//! Why a policies folder cannot be used.

/// A policy or binding the API server would refuse, or one tether cannot
/// evaluate (an unsupported CEL function); names the object and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{kind} {name:?}: {problem}")]
    Invalid {
        kind: String,
        name: String,
        /// `field: what is wrong`.
        problem: String,
    },
}
