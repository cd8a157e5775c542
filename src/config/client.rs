//! tether.yaml `client:`: how tether paces its requests to API servers.

use serde::Deserialize;
use std::num::NonZeroUsize;

/// The `client:` section; every field optional (`--qps` and `--burst`
/// override the file).
///
/// ```yaml
/// client:
///   qps: 100              # requests per second to one API server (default: no limit)
///   burst: 200            # requests at once before qps paces them (default: qps)
///   applyConcurrency: 8   # server-side applies in flight within a wave and kind (default 8)
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClientSettings {
    #[serde(default)]
    pub qps: Option<u32>,
    #[serde(default)]
    pub burst: Option<u32>,
    #[serde(default)]
    pub apply_concurrency: Option<NonZeroUsize>,
}

impl ClientSettings {
    /// These settings, with `qps` and `burst` from the command line
    /// (when given) over those of the file.
    pub fn with_flags(&self, qps: Option<u32>, burst: Option<u32>) -> ClientSettings {
        ClientSettings {
            qps: qps.or(self.qps),
            burst: burst.or(self.burst),
            apply_concurrency: self.apply_concurrency,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file() {
        let file: ClientSettings = serde_yaml::from_str("qps: 50\napplyConcurrency: 4\n").unwrap();
        assert_eq!(file.qps, Some(50));
        assert_eq!(file.apply_concurrency.map(NonZeroUsize::get), Some(4));
        let flagged = file.with_flags(Some(20), Some(40));
        assert_eq!((flagged.qps, flagged.burst), (Some(20), Some(40)));
        assert_eq!(file.with_flags(None, None), file);
        assert!(serde_yaml::from_str::<ClientSettings>("applyConcurrency: 0\n").is_err());
        assert!(serde_yaml::from_str::<ClientSettings>("qbs: 1\n").is_err());
    }
}
