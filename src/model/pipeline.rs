//! `pipelines:` of tether.yaml (DESIGN.md §7): the same app across stages
//! (dev → staging → prod), what a promotion carries from one stage to
//! the next, and the gates it must pass.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// One pipeline: its stages in order, what promotes, and the gates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PipelineSpec {
    /// DNS label, unique among pipelines.
    pub name: String,
    /// The stages, first to last: app names (or refs of imported apps).
    pub stages: Vec<StageSpec>,
    #[serde(default)]
    pub promote: PromoteSpec,
    /// Gates of every promotion of the pipeline (a stage's own gates
    /// replace these fields where it sets them).
    #[serde(default)]
    pub gates: GateSpec,
}

impl PipelineSpec {
    /// The position of the stage `name` names (its app name or ref).
    pub fn stage_index(&self, name: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.app == name)
    }

    /// The gates a promotion into stage `index` must pass: the stage's
    /// own, falling back field by field to the pipeline's.
    pub fn gates_into(&self, index: usize) -> GateSpec {
        let own = self
            .stages
            .get(index)
            .and_then(|s| s.gates.clone())
            .unwrap_or_default();
        GateSpec {
            soak: own.soak.or_else(|| self.gates.soak.clone()),
            verify_job: own.verify_job.or_else(|| self.gates.verify_job.clone()),
        }
    }
}

/// A stage: an app, and optionally gates of its own. In tether.yaml
/// either the app's name (`web-prod`) or `{app: web-prod, gates: {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageSpec {
    /// The app's name, or `KIND/NAMESPACE/NAME` / `CONTEXT/NAMESPACE/NAME`.
    pub app: String,
    /// Gates of promotions into this stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gates: Option<GateSpec>,
}

/// The long form of a stage.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StageFields {
    app: String,
    #[serde(default)]
    gates: Option<GateSpec>,
}

impl<'de> Deserialize<'de> for StageSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StageVisitor;
        impl<'de> Visitor<'de> for StageVisitor {
            type Value = StageSpec;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an app name or a mapping {app, gates}")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<StageSpec, E> {
                Ok(StageSpec {
                    app: v.to_string(),
                    gates: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StageSpec, A::Error> {
                let fields = StageFields::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(StageSpec {
                    app: fields.app,
                    gates: fields.gates,
                })
            }
        }
        d.deserialize_any(StageVisitor)
    }
}

/// What a promotion brings from the previous stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PromoteSpec {
    /// Image repositories (`ghcr.io/acme/web`, no tag): their tag or
    /// digest, in the stage's kustomization.yaml `images:` entries or
    /// Helm values file (`repository:`/`tag:` pairs, or whole refs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    /// Dotted keys (`image.tag`) of the stage's Helm values file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub helm_values: Vec<String>,
    /// Files, relative to the stage's folder, copied from the previous
    /// stage's folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

impl PromoteSpec {
    /// True when nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty() && self.helm_values.is_empty() && self.files.is_empty()
    }
}

/// Conditions on the previous stage before a promotion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GateSpec {
    /// How long the previous stage must have been Synced and Healthy at
    /// the promoted revision (Go duration: `10m`, `1h30m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soak: Option<String>,
    /// A Job of the previous stage that must have succeeded at that
    /// revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_job: Option<String>,
}
