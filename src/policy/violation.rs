//! A policy violation, as `tether check -o json` prints it (DESIGN.md §7).

use super::spec::Action;
use serde::Serialize;
use std::fmt;

/// One failed validation (or failure to evaluate) of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The ValidatingAdmissionPolicy.
    pub policy: String,
    /// The binding that applied it (empty for a policy configuration error).
    pub binding: String,
    /// The object: `Kind.group/namespace/name`.
    pub object: String,
    pub message: String,
    /// `Deny`, `Warn` or `Audit`.
    pub action: String,
}

impl Violation {
    /// Whether this violation refuses a sync.
    pub fn denies(&self) -> bool {
        self.action == Action::Deny.as_str()
    }
}

impl fmt::Display for Violation {
    /// As the API server words a denial or warning, naming the object.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let binding = if self.binding.is_empty() {
            String::new()
        } else {
            format!(" with binding '{}'", self.binding)
        };
        match self.action.as_str() {
            "Deny" => write!(
                f,
                "ValidatingAdmissionPolicy '{}'{binding} denied {}: {}",
                self.policy, self.object, self.message
            ),
            action => write!(
                f,
                "{}: validation failed for ValidatingAdmissionPolicy '{}'{binding} on {}: {}",
                if action == "Warn" { "warning" } else { "audit" },
                self.policy,
                self.object,
                self.message
            ),
        }
    }
}
