//! Configurations of kustomize's built-in plugins, decoded as kustomize
//! decodes them: unknown fields ignored, numbers and booleans accepted
//! where text is expected.

use super::namespace::Subjects;
use super::spec::{FieldSpec, GeneratorSpec, ImageSpec, Selector, StringMap};
use serde::Deserialize;
use serde_json::{Map, Value};

/// A built-in plugin and its configuration.
pub(crate) enum Config {
    Label(Pairs),
    Prefix(Affix),
    Suffix(Affix),
    PrefixSuffix(Affix, Affix),
    Namespace(NamespaceConfig),
    ImageTag(ImageConfig),
    ReplicaCount(ReplicaConfig),
    Patch(PatchConfig),
    PatchJson6902(JsonConfig),
    PatchStrategicMerge(SmConfig),
    Replacement(Vec<Value>),
    Hash,
    GenerateConfigMap(Box<GeneratorSpec>),
    GenerateSecret(Box<GeneratorSpec>),
    /// A built-in tether does not run.
    Unsupported(String),
}

impl Config {
    /// The plugin's kind.
    pub fn kind(&self) -> String {
        match self {
            Config::Label(_) => "LabelTransformer".into(),
            Config::Prefix(_) => "PrefixTransformer".into(),
            Config::Suffix(_) => "SuffixTransformer".into(),
            Config::PrefixSuffix(..) => "PrefixSuffixTransformer".into(),
            Config::Namespace(_) => "NamespaceTransformer".into(),
            Config::ImageTag(_) => "ImageTagTransformer".into(),
            Config::ReplicaCount(_) => "ReplicaCountTransformer".into(),
            Config::Patch(_) => "PatchTransformer".into(),
            Config::PatchJson6902(_) => "PatchJson6902Transformer".into(),
            Config::PatchStrategicMerge(_) => "PatchStrategicMergeTransformer".into(),
            Config::Replacement(_) => "ReplacementTransformer".into(),
            Config::Hash => "HashTransformer".into(),
            Config::GenerateConfigMap(_) => "ConfigMapGenerator".into(),
            Config::GenerateSecret(_) => "SecretGenerator".into(),
            Config::Unsupported(k) => k.clone(),
        }
    }
}

/// Labels or annotations and where they go.
pub(crate) struct Pairs {
    pub pairs: StringMap,
    pub field_specs: Vec<FieldSpec>,
}

/// A name prefix or suffix and where it goes.
pub(crate) struct Affix {
    pub affix: String,
    pub field_specs: Vec<FieldSpec>,
}

/// NamespaceTransformer.
pub(crate) struct NamespaceConfig {
    pub namespace: String,
    pub field_specs: Vec<FieldSpec>,
    pub unset_only: bool,
    pub subjects: Subjects,
}

/// ImageTagTransformer.
pub(crate) struct ImageConfig {
    pub image: ImageSpec,
    pub field_specs: Vec<FieldSpec>,
}

/// ReplicaCountTransformer.
pub(crate) struct ReplicaConfig {
    pub name: String,
    pub count: i64,
    pub field_specs: Vec<FieldSpec>,
}

/// PatchTransformer.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PatchConfig {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub patch: Option<String>,
    #[serde(default)]
    pub target: Option<Selector>,
    #[serde(default)]
    pub options: Option<Map<String, Value>>,
}

/// PatchJson6902Transformer.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JsonConfig {
    #[serde(default)]
    pub target: Option<Selector>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub json_op: Option<String>,
}

/// PatchStrategicMergeTransformer.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SmConfig {
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub patches: Option<String>,
}

/// Fields that are not text in any built-in configuration.
const NOT_TEXT: &[&str] = &[
    "create",
    "unsetOnly",
    "count",
    "allowNameChange",
    "allowKindChange",
    "index",
    "disableNameSuffixHash",
    "immutable",
];

/// Numbers and booleans made text (but in [`NOT_TEXT`] fields), nulls
/// dropped: what Go's YAML decoder does for a config struct.
fn coerce(v: &mut Value, key: &str) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            for (k, x) in m.iter_mut() {
                coerce(x, k);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| coerce(x, key)),
        Value::Number(_) | Value::Bool(_) if !NOT_TEXT.contains(&key) => {
            *v = Value::String(super::resource::scalar_text(v));
        }
        _ => {}
    }
}

fn field<T: for<'de> Deserialize<'de> + Default>(obj: &Value, key: &str) -> Result<T, String> {
    match obj.get(key) {
        None => Ok(T::default()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| format!("{key}: {e}")),
    }
}

fn specs(obj: &Value) -> Result<Vec<FieldSpec>, String> {
    field(obj, "fieldSpecs")
}

fn affix(obj: &Value, key: &str) -> Result<Affix, String> {
    if obj.get("fieldSpecs").is_none() {
        return Err("fieldSpecs is not expected to be nil".into());
    }
    Ok(Affix {
        affix: field(obj, key)?,
        field_specs: specs(obj)?,
    })
}

/// The configuration of a built-in plugin resource.
pub(crate) fn parse(obj: &Value) -> Result<Config, String> {
    let mut obj = obj.clone();
    coerce(&mut obj, "");
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let meta = |k: &str| -> String {
        obj.get("metadata")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    Ok(match kind.as_str() {
        "LabelTransformer" => Config::Label(Pairs {
            pairs: field(&obj, "labels")?,
            field_specs: specs(&obj)?,
        }),
        "AnnotationsTransformer" => Config::Label(Pairs {
            pairs: field(&obj, "annotations")?,
            field_specs: specs(&obj)?,
        }),
        "PrefixTransformer" => Config::Prefix(affix(&obj, "prefix")?),
        "SuffixTransformer" => Config::Suffix(affix(&obj, "suffix")?),
        "PrefixSuffixTransformer" => {
            Config::PrefixSuffix(affix(&obj, "prefix")?, affix(&obj, "suffix")?)
        }
        "NamespaceTransformer" => {
            let mode: String = field(&obj, "setRoleBindingSubjects")?;
            Config::Namespace(NamespaceConfig {
                namespace: meta("namespace"),
                field_specs: specs(&obj)?,
                unset_only: field(&obj, "unsetOnly")?,
                subjects: Subjects::parse(&mode)?,
            })
        }
        "ImageTagTransformer" => Config::ImageTag(ImageConfig {
            image: field(&obj, "imageTag")?,
            field_specs: specs(&obj)?,
        }),
        "ReplicaCountTransformer" => {
            #[derive(Deserialize, Default)]
            struct Replica {
                #[serde(default)]
                name: String,
                #[serde(default)]
                count: i64,
            }
            let r: Replica = field(&obj, "replica")?;
            Config::ReplicaCount(ReplicaConfig {
                name: r.name,
                count: r.count,
                field_specs: specs(&obj)?,
            })
        }
        "PatchTransformer" => Config::Patch(decode(&obj)?),
        "PatchJson6902Transformer" => Config::PatchJson6902(decode(&obj)?),
        "PatchStrategicMergeTransformer" => Config::PatchStrategicMerge(decode(&obj)?),
        "ReplacementTransformer" => Config::Replacement(field(&obj, "replacements")?),
        "HashTransformer" => Config::Hash,
        "ConfigMapGenerator" | "SecretGenerator" => {
            let mut spec: GeneratorSpec = generator(&obj)?;
            if spec.name.as_deref().is_none_or(str::is_empty) {
                spec.name = Some(meta("name"));
            }
            if spec.namespace.as_deref().is_none_or(str::is_empty) {
                spec.namespace = Some(meta("namespace"));
            }
            if kind == "ConfigMapGenerator" {
                Config::GenerateConfigMap(Box::new(spec))
            } else {
                Config::GenerateSecret(Box::new(spec))
            }
        }
        "IAMPolicyGenerator" | "ValueAddTransformer" | "HelmChartInflationGenerator" => {
            Config::Unsupported(kind)
        }
        other => return Err(format!("unable to load builtin {other}")),
    })
}

fn decode<T: for<'de> Deserialize<'de>>(obj: &Value) -> Result<T, String> {
    serde_json::from_value(obj.clone()).map_err(|e| e.to_string())
}

/// A generator config: its generator fields, the rest ignored.
fn generator(obj: &Value) -> Result<GeneratorSpec, String> {
    const KEYS: &[&str] = &[
        "name",
        "namespace",
        "behavior",
        "literals",
        "files",
        "envs",
        "env",
        "type",
        "options",
    ];
    let m: Map<String, Value> = obj
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    serde_json::from_value(Value::Object(m)).map_err(|e| e.to_string())
}
