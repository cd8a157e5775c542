//! Admission policy findings (DESIGN.md §7): one violation as `tether
//! check -o json` prints it, and an app's findings as its status carries
//! them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// One failed validation (or failure to evaluate) of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        self.action == "Deny"
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

/// The offline admission policy check of an app's desired state (what
/// `tether check APP` reports), as the apps table and `tether status -o
/// json` show it: counts, and the violations for the detail view.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PolicyFindings {
    /// Violations whose binding denies: a sync would be refused.
    pub denied: usize,
    /// Violations that only warn or audit.
    pub warned: usize,
    /// Every violation, in object order (secret values masked).
    #[serde(skip)]
    pub violations: Arc<Vec<Violation>>,
    /// Why the check could not run (the policies folder does not load).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl PolicyFindings {
    /// The findings of `violations`.
    pub fn new(violations: Arc<Vec<Violation>>) -> PolicyFindings {
        let denied = violations.iter().filter(|v| v.denies()).count();
        PolicyFindings {
            denied,
            warned: violations.len() - denied,
            violations,
            error: None,
        }
    }

    /// A check that could not run, with its cause.
    pub fn failed(error: String) -> PolicyFindings {
        PolicyFindings {
            error: Some(error),
            ..PolicyFindings::default()
        }
    }

    /// Whether nothing was found and nothing failed.
    pub fn passes(&self) -> bool {
        self.denied == 0 && self.warned == 0 && self.error.is_none()
    }
}
