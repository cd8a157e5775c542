//! How an app renders: native or binary kustomize, kustomize's load restrictor and the limits that
//! keep one render from exhausting the machine (README "Render limits").

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How far a kustomization may reach for files, as kustomize's
/// `--load-restrictor`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LoadRestrictor {
    /// `LoadRestrictionsRootOnly` (the default): every file a
    /// kustomization reads (resources, patches, generator files,
    /// configurations…) is in or below its own folder, symbolic links
    /// resolved. Folders (bases, components) may be anywhere in the
    /// repository: each is the root of its own kustomization.
    #[default]
    RootOnly,
    /// `LoadRestrictionsNone`: files anywhere in the repository. Never
    /// outside it: tether reads files from Git, not from the disk.
    None,
}

impl LoadRestrictor {
    /// The name as tether.yaml spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadRestrictor::RootOnly => "rootOnly",
            LoadRestrictor::None => "none",
        }
    }
}

impl Serialize for LoadRestrictor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LoadRestrictor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "rootOnly" | "LoadRestrictionsRootOnly" => Ok(LoadRestrictor::RootOnly),
            "none" | "LoadRestrictionsNone" => Ok(LoadRestrictor::None),
            other => Err(serde::de::Error::custom(format!(
                "loadRestrictor {other:?} is not one of rootOnly, none (or kustomize's LoadRestrictionsRootOnly, LoadRestrictionsNone)"
            ))),
        }
    }
}

/// The `render:` settings of tether.yaml (top level: every app; per app:
/// overrides field by field). Sizes are bytes, or a string with a
/// suffix (`64Mi`, `1Gi`, `500k`); durations are seconds, or a string
/// with a suffix (`90s`, `2m`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenderSettings {
    /// How Kustomize roots are built: `native` (default) or `binary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kustomize: Option<super::KustomizeMode>,
    /// kustomize's load restrictor (default `rootOnly`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_restrictor: Option<LoadRestrictor>,
    /// Bytes one render may read from the repository (default 256Mi).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_read_bytes: Option<ByteSize>,
    /// Objects one render may produce, intermediate kustomize levels
    /// included (default 10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_objects: Option<usize>,
    /// Size of the rendered objects as JSON, and of what an external
    /// renderer (helm) may print (default 64Mi).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_bytes: Option<ByteSize>,
    /// Deadline of each external process (helm) (default 60s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Seconds>,
    /// Data memory an external process may allocate (default 2Gi).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_process_memory: Option<ByteSize>,
}

impl RenderSettings {
    /// True when no field is set.
    pub fn is_unset(&self) -> bool {
        *self == RenderSettings::default()
    }

    /// `self` with the fields it leaves unset taken from `defaults`.
    pub fn over(&self, defaults: &RenderSettings) -> RenderSettings {
        RenderSettings {
            kustomize: self.kustomize.or(defaults.kustomize),
            load_restrictor: self.load_restrictor.or(defaults.load_restrictor),
            max_read_bytes: self.max_read_bytes.or(defaults.max_read_bytes),
            max_objects: self.max_objects.or(defaults.max_objects),
            max_output_bytes: self.max_output_bytes.or(defaults.max_output_bytes),
            timeout: self.timeout.or(defaults.timeout),
            max_process_memory: self.max_process_memory.or(defaults.max_process_memory),
        }
    }

    /// The limits these settings give, defaults filled in.
    pub fn limits(&self) -> RenderLimits {
        let d = RenderLimits::default();
        RenderLimits {
            load_restrictor: self.load_restrictor.unwrap_or(d.load_restrictor),
            max_read_bytes: self.max_read_bytes.map_or(d.max_read_bytes, |b| b.0),
            max_objects: self.max_objects.unwrap_or(d.max_objects),
            max_output_bytes: self.max_output_bytes.map_or(d.max_output_bytes, |b| b.0),
            timeout: self.timeout.map_or(d.timeout, |s| Duration::from_secs(s.0)),
            max_process_memory: self
                .max_process_memory
                .map_or(d.max_process_memory, |b| b.0),
        }
    }
}

/// The limits of one render, every field set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderLimits {
    /// kustomize's load restrictor.
    pub load_restrictor: LoadRestrictor,
    /// Bytes read from the repository.
    pub max_read_bytes: u64,
    /// Objects produced (and held at any kustomize level).
    pub max_objects: usize,
    /// Rendered objects as JSON; also the most an external renderer may print.
    pub max_output_bytes: u64,
    /// Deadline of each external process.
    pub timeout: Duration,
    /// Data memory (RLIMIT_DATA) of each external process.
    pub max_process_memory: u64,
}

impl Default for RenderLimits {
    fn default() -> Self {
        Self {
            load_restrictor: LoadRestrictor::RootOnly,
            max_read_bytes: 256 << 20,
            max_objects: 10_000,
            max_output_bytes: 64 << 20,
            timeout: Duration::from_secs(60),
            max_process_memory: 2 << 30,
        }
    }
}

/// A size in bytes, written as a number or with a suffix (`k`/`Ki`, `M`/`Mi`,
/// `G`/`Gi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl Serialize for ByteSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = number_or_string(d)?;
        parse_size(&text)
            .map(ByteSize)
            .map_err(serde::de::Error::custom)
    }
}

/// A duration in whole seconds, written as a number or with a suffix
/// (`s`, `m`, `h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub u64);

impl Serialize for Seconds {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = number_or_string(d)?;
        parse_seconds(&text)
            .map(Seconds)
            .map_err(serde::de::Error::custom)
    }
}

/// A number or a string, as text.
fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(u64),
        Text(String),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::Number(n) => n.to_string(),
        Raw::Text(t) => t,
    })
}

/// `64Mi` → 67108864; a plain number is bytes; zero is refused.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, suffix) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| {
        format!("invalid size {text:?}: expected bytes, or a number with k, Ki, M, Mi, G or Gi")
    })?;
    let factor: u64 = match suffix {
        "" => 1,
        "k" | "K" => 1_000,
        "Ki" => 1 << 10,
        "M" => 1_000_000,
        "Mi" => 1 << 20,
        "G" => 1_000_000_000,
        "Gi" => 1 << 30,
        _ => {
            return Err(format!(
                "invalid size {text:?}: unknown suffix {suffix:?} (use k, Ki, M, Mi, G or Gi)"
            ));
        }
    };
    match n.checked_mul(factor) {
        Some(0) => Err(format!("invalid size {text:?}: must be more than 0")),
        Some(v) => Ok(v),
        None => Err(format!("invalid size {text:?}: too large")),
    }
}

/// `90s`, `2m`, `1h` or a number of seconds; zero is refused.
pub fn parse_seconds(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, suffix) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| {
        format!("invalid duration {text:?}: expected seconds, or a number with s, m or h")
    })?;
    let factor = match suffix {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "invalid duration {text:?}: unknown unit {suffix:?} (use s, m or h)"
            ));
        }
    };
    match n.checked_mul(factor) {
        Some(0) => Err(format!("invalid duration {text:?}: must be more than 0")),
        Some(v) => Ok(v),
        None => Err(format!("invalid duration {text:?}: too large")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_parse_with_suffixes() {
        assert_eq!(parse_size("64Mi"), Ok(64 << 20));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("2G"), Ok(2_000_000_000));
        assert!(parse_size("0").unwrap_err().contains("more than 0"));
        assert!(
            parse_size("5X")
                .unwrap_err()
                .contains("unknown suffix \"X\"")
        );
        assert_eq!(parse_seconds("2m"), Ok(120));
        assert_eq!(parse_seconds("45"), Ok(45));
        assert!(parse_seconds("1d").is_err());
    }

    #[test]
    fn app_settings_override_the_defaults_field_by_field() {
        let top: RenderSettings =
            serde_yaml::from_str("{loadRestrictor: none, maxObjects: 5, timeout: 2m}").unwrap();
        let app: RenderSettings = serde_yaml::from_str("{maxObjects: 7}").unwrap();
        let limits = app.over(&top).limits();
        assert_eq!(limits.load_restrictor, LoadRestrictor::None);
        assert_eq!(limits.max_objects, 7);
        assert_eq!(limits.timeout, Duration::from_secs(120));
        assert_eq!(limits.max_read_bytes, 256 << 20);
        let kustomize: RenderSettings =
            serde_yaml::from_str("{loadRestrictor: LoadRestrictionsNone}").unwrap();
        assert_eq!(kustomize.load_restrictor, Some(LoadRestrictor::None));
        let bad = serde_yaml::from_str::<RenderSettings>("{loadRestrictor: off}").unwrap_err();
        assert!(bad.to_string().contains("not one of rootOnly, none"));
    }
}
