//! `configMapGenerator` and `secretGenerator`: objects made from literals,
//! files and env files, with `generatorOptions`, and merged into or
//! replacing a base's object by `behavior`.

use super::accumulate::Builder;
use super::resource::{Behavior, Resource};
use super::spec::{GeneratorOptions, GeneratorSpec, Kustomization};
use super::{KustomizeError, load};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

/// Which generator a spec belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    ConfigMap,
    Secret,
}

/// Runs both generators of `k` (folder `dir`, file `file`).
pub(crate) fn run(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    k: &Kustomization,
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    let global = k.generator_options.clone().unwrap_or_default();
    let specs = k.config_map_generator.iter().map(|s| (Kind::ConfigMap, s));
    let specs = specs.chain(k.secret_generator.iter().map(|s| (Kind::Secret, s)));
    for (kind, spec) in specs {
        let res = generate(b, dir, file, kind, spec, &global)?;
        add(file, res, resources)?;
    }
    Ok(())
}

/// Runs one generator entry (from a `generators:` plugin config) without
/// global options.
pub(crate) fn run_one(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    kind: Kind,
    spec: &GeneratorSpec,
    origin: Option<String>,
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    let mut res = generate(b, dir, file, kind, spec, &GeneratorOptions::default())?;
    if let (true, Some(o)) = (b.origin_mode, origin) {
        super::build_metadata::set_origin(&mut res, &o);
    }
    add(file, res, resources)
}

fn error(file: &str, message: String) -> KustomizeError {
    KustomizeError::transform(file, message)
}

/// The object one generator entry makes.
fn generate(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    kind: Kind,
    spec: &GeneratorSpec,
    global: &GeneratorOptions,
) -> Result<Resource, KustomizeError> {
    let field = if kind == Kind::Secret {
        "secretGenerator"
    } else {
        "configMapGenerator"
    };
    let name = spec
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| error(file, format!("{field} entry without a name")))?;
    let pairs = pairs(b, dir, file, field, spec).map_err(|e| match e {
        PairError::Kustomize(e) => e,
        PairError::Message(m) => error(file, format!("{field} {name:?}: {m}")),
    })?;
    let options = merged_options(global, spec.options.as_ref());
    let mut meta = Map::new();
    meta.insert("name".into(), Value::String(name));
    if let Some(ns) = spec.namespace.as_ref().filter(|n| !n.is_empty()) {
        meta.insert("namespace".into(), Value::String(ns.clone()));
    }
    for (key, map) in [
        ("labels", &options.labels),
        ("annotations", &options.annotations),
    ] {
        if !map.is_empty() {
            let strings = map
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())));
            meta.insert(key.into(), Value::Object(strings.collect()));
        }
    }
    let mut obj = json!({"apiVersion": "v1", "kind": if kind == Kind::Secret { "Secret" } else { "ConfigMap" }});
    if let Some(m) = obj.as_object_mut() {
        m.insert("metadata".into(), Value::Object(meta));
        fill_data(m, kind, spec, pairs);
        if options.immutable == Some(true) {
            m.insert("immutable".into(), Value::Bool(true));
        }
    }
    let mut res = Resource::new(obj);
    let generator = if kind == Kind::Secret {
        "SecretGenerator"
    } else {
        "ConfigMapGenerator"
    };
    if b.origin_mode {
        let origin = super::build_metadata::builtin(&b.relative(file), generator);
        super::build_metadata::set_origin(&mut res, &origin);
    }
    res.needs_hash = options.disable_name_suffix_hash != Some(true);
    res.behavior = match spec.behavior.as_deref().unwrap_or("") {
        "create" => Behavior::Create,
        "merge" => Behavior::Merge,
        "replace" => Behavior::Replace,
        _ => Behavior::Unspecified,
    };
    Ok(res)
}

/// Per-generator options over the global ones.
fn merged_options(global: &GeneratorOptions, own: Option<&GeneratorOptions>) -> GeneratorOptions {
    let mut out = global.clone();
    if let Some(own) = own {
        out.labels.extend(own.labels.clone());
        out.annotations.extend(own.annotations.clone());
        // Go booleans: `false` cannot override a global `true`.
        let or = |a: Option<bool>, b: Option<bool>| Some(a.unwrap_or(false) || b.unwrap_or(false));
        out.disable_name_suffix_hash =
            or(own.disable_name_suffix_hash, out.disable_name_suffix_hash);
        out.immutable = or(own.immutable, out.immutable);
    }
    out
}

/// Puts the pairs in `data` (text) / `binaryData` (ConfigMap, non-UTF-8)
/// or base64 `data` plus `type` (Secret).
fn fill_data(
    m: &mut Map<String, Value>,
    kind: Kind,
    spec: &GeneratorSpec,
    pairs: Vec<(String, Vec<u8>)>,
) {
    let mut data = Map::new();
    let mut binary = Map::new();
    for (k, v) in pairs {
        match (kind, std::str::from_utf8(&v)) {
            (Kind::ConfigMap, Ok(text)) => data.insert(k, Value::String(text.to_string())),
            (Kind::ConfigMap, Err(_)) => binary.insert(k, Value::String(base64_lines(&v))),
            (Kind::Secret, _) => data.insert(k, Value::String(base64_lines(&v))),
        };
    }
    if kind == Kind::Secret {
        let t = spec
            .type_
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Opaque".into());
        m.insert("type".into(), Value::String(t));
    }
    // kustomize always creates a Secret's data mapping, a ConfigMap's only
    // when it has text entries.
    if !data.is_empty() || kind == Kind::Secret {
        m.insert("data".into(), Value::Object(data));
    }
    if !binary.is_empty() {
        m.insert("binaryData".into(), Value::Object(binary));
    }
}

/// Base64 as kustomize writes generated data: lines of 70 characters, each
/// ending in a newline once there is more than one line's worth.
fn base64_lines(bytes: &[u8]) -> String {
    const LINE: usize = 70;
    let encoded = STANDARD.encode(bytes);
    let wrap = encoded.len() / LINE + 1 > 1;
    let mut out = String::with_capacity(encoded.len() + encoded.len() / LINE + 1);
    for chunk in encoded.as_bytes().chunks(LINE) {
        out.push_str(&String::from_utf8_lossy(chunk));
        if wrap {
            out.push('\n');
        }
    }
    out
}

enum PairError {
    Kustomize(KustomizeError),
    Message(String),
}

impl From<KustomizeError> for PairError {
    fn from(e: KustomizeError) -> Self {
        Self::Kustomize(e)
    }
}

/// Key/value pairs from env files, then literals, then files (kustomize's
/// order); a repeated key is an error.
fn pairs(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    field: &'static str,
    spec: &GeneratorSpec,
) -> Result<Vec<(String, Vec<u8>)>, PairError> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for env in spec.envs.iter().chain(&spec.env) {
        let path = b.resolve(dir, file, field, env)?;
        out.extend(env_pairs(load::text(b.tree(), &path)?).map_err(PairError::Message)?);
    }
    for lit in &spec.literals {
        let (k, v) = lit
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| {
                PairError::Message(format!("invalid literal {lit:?}, expected key=value"))
            })?;
        out.push((k.to_string(), remove_quotes(v).as_bytes().to_vec()));
    }
    for source in &spec.files {
        let (key, rel) = match source.split_once('=') {
            Some((k, p)) => (k.to_string(), p),
            None => (
                source.rsplit('/').next().unwrap_or(source).to_string(),
                source.as_str(),
            ),
        };
        let path = b.resolve(dir, file, field, rel)?;
        let bytes = load::bytes(b.tree(), &path)?.to_vec();
        out.push((key, bytes));
    }
    for (i, (k, _)) in out.iter().enumerate() {
        if out[..i].iter().any(|(o, _)| o == k) {
            return Err(PairError::Message(format!(
                "cannot add key {k:?}, another key by that name already exists"
            )));
        }
    }
    Ok(out)
}

/// `KEY=value` lines of an env file (comments and blank lines skipped),
/// as kustomize 5.8 reads them: the key is everything before the first
/// `=` (spaces, `export `, any printable text), a line with an empty key
/// is dropped, and a line without `=` is a key with an empty value
/// (kustomize would read that value from its own environment; tether
/// does not read the environment into a render).
fn env_pairs(text: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line.split_once('=').unwrap_or((line, ""));
        if k.is_empty() {
            continue;
        }
        out.push((k.to_string(), v.as_bytes().to_vec()));
    }
    Ok(out)
}

fn remove_quotes(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Adds a generated object by its behavior (kustomize's `AbsorbAll`).
fn add(file: &str, res: Resource, resources: &mut Vec<Resource>) -> Result<(), KustomizeError> {
    super::resmap::absorb(resources, res)
        .map_err(|e| error(file, format!("merging from generator: {e}")))
}
