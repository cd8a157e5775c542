//! OpenAPI schemas as kustomize uses them: which lists of which types
//! merge by key in strategic-merge patches (`x-kubernetes-patch-strategy`,
//! `x-kubernetes-patch-merge-key`, `x-kubernetes-list-map-keys`), and
//! which custom types are cluster-scoped. The schema is kustomize's
//! built-in one ([`super::openapi_k8s`]) or the file a kustomization's
//! `openapi: {path: …}` names, which replaces it for the rest of the
//! build, as in kustomize (`openapi: {version: v1.21.2}` keeps it).

use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A schema node (what kustomize's walker reads of one).
#[derive(Debug, Clone, Default)]
pub(crate) struct Schema {
    /// `type` is exactly `array`.
    pub array: bool,
    pub properties: HashMap<String, Sub>,
    pub additional: Option<Box<Sub>>,
    pub items: Option<Box<Sub>>,
    pub strategy: Option<String>,
    pub merge_key: Option<String>,
    pub list_keys: Option<Vec<String>>,
}

/// A schema or a reference to a definition.
#[derive(Debug, Clone)]
pub(crate) enum Sub {
    Ref(String),
    Inline(Schema),
}

/// A set of definitions, the types they describe and scopes.
#[derive(Debug, Clone, Default)]
pub(crate) struct OpenApi {
    definitions: HashMap<String, Schema>,
    types: HashMap<(String, String), String>,
    namespaced: HashMap<(String, String), bool>,
}

impl OpenApi {
    fn add(&mut self, other: &OpenApi) {
        self.definitions.extend(
            other
                .definitions
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        self.types
            .extend(other.types.iter().map(|(k, v)| (k.clone(), v.clone())));
        for (k, v) in &other.namespaced {
            if *v || !self.namespaced.contains_key(k) {
                self.namespaced.insert(k.clone(), *v);
            }
        }
    }

    /// The schema of objects of `api_version`/`kind`.
    pub fn for_type(&self, api_version: &str, kind: &str) -> Option<&Schema> {
        let name = self
            .types
            .get(&(api_version.to_string(), kind.to_string()))?;
        self.definitions.get(name)
    }

    fn resolve<'a>(&'a self, sub: &'a Sub) -> Option<&'a Schema> {
        match sub {
            Sub::Inline(s) => Some(s),
            Sub::Ref(name) => {
                let name = name.strip_prefix("#/definitions/").unwrap_or(name);
                self.definitions
                    .get(name)
                    .or_else(|| self.definitions.get(&builtin_name(name)?))
            }
        }
    }

    /// The schema of field `name` of an object schema (a property, else
    /// the value of a map).
    pub fn field<'a>(&'a self, schema: &'a Schema, name: &str) -> Option<&'a Schema> {
        match schema.properties.get(name) {
            Some(sub) => self.resolve(sub),
            None => self.resolve(schema.additional.as_deref()?),
        }
    }

    /// The schema of the items of an array schema.
    pub fn elements<'a>(&'a self, schema: &'a Schema) -> Option<&'a Schema> {
        if !schema.array {
            return None;
        }
        self.resolve(schema.items.as_deref()?)
    }
}

impl Schema {
    /// Whether lists of this schema merge (a strategy naming `merge`).
    pub fn merges(&self) -> bool {
        self.strategy
            .as_deref()
            .is_some_and(|s| s.split(',').any(|p| p == "merge"))
    }

    /// The merge keys of a merging list: the list-map keys, else the
    /// merge key, else none (a list of scalars).
    pub fn merge_keys(&self) -> Vec<String> {
        if self.strategy.is_none() {
            return Vec::new();
        }
        if let Some(keys) = &self.list_keys {
            return keys.clone();
        }
        self.merge_key.iter().cloned().collect()
    }
}

/// The name the built-in table gives a Kubernetes definition that a
/// custom schema refers to by its full name
/// (`io.k8s.api.core.v1.PodTemplateSpec` is `core.v1.PodTemplateSpec`).
fn builtin_name(full: &str) -> Option<String> {
    const PREFIXES: [(&str, &str); 4] = [
        ("io.k8s.api.", ""),
        ("io.k8s.apimachinery.pkg.apis.meta.v1.", "meta."),
        ("io.k8s.apiextensions-apiserver.pkg.apis.", "ext."),
        ("io.k8s.kube-aggregator.pkg.apis.", "agg."),
    ];
    PREFIXES
        .iter()
        .find_map(|(long, short)| Some(format!("{short}{}", full.strip_prefix(long)?)))
}

/// kustomize's built-in schema.
fn builtin() -> &'static OpenApi {
    static BUILTIN: LazyLock<OpenApi> = LazyLock::new(|| parse_table(super::openapi_k8s::TABLE));
    &BUILTIN
}

fn parse_table(table: &str) -> OpenApi {
    let mut api = OpenApi::default();
    let mut current: Option<(String, Schema)> = None;
    for line in table.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["T", api_version, kind, def] => {
                api.types
                    .insert((api_version.to_string(), kind.to_string()), def.to_string());
            }
            ["D", name] => {
                if let Some((n, s)) = current.take() {
                    api.definitions.insert(n, s);
                }
                current = Some((name.to_string(), Schema::default()));
            }
            [field, rest @ ..] => {
                if let Some((_, s)) = current.as_mut() {
                    s.properties.insert(field.to_string(), table_field(rest));
                }
            }
            [] => {}
        }
    }
    if let Some((n, s)) = current {
        api.definitions.insert(n, s);
    }
    api
}

fn table_field(rest: &[&str]) -> Sub {
    let item = |d: &str| {
        if d == "-" {
            Sub::Inline(Schema::default())
        } else {
            Sub::Ref(d.to_string())
        }
    };
    match rest {
        ["{}", d] => Sub::Inline(Schema {
            additional: Some(Box::new(item(d))),
            ..Schema::default()
        }),
        ["[]", d, extra @ ..] => Sub::Inline(Schema {
            array: true,
            items: Some(Box::new(item(d))),
            strategy: extra.first().map(|s| s.to_string()),
            merge_key: extra.get(1).filter(|k| **k != "-").map(|s| s.to_string()),
            list_keys: extra
                .get(2)
                .map(|k| k.split(',').map(str::to_string).collect()),
            ..Schema::default()
        }),
        [d] => Sub::Ref(d.to_string()),
        _ => Sub::Inline(Schema::default()),
    }
}

/// A schema read from a custom OpenAPI document (JSON or YAML).
pub(crate) fn parse_custom(text: &str) -> Result<OpenApi, String> {
    let doc: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())?
    } else {
        crate::render::convert::load(text, crate::render::scalars::Dialect::Yaml11)
            .map_err(|e| format!("{e:?}"))?
    };
    let mut api = OpenApi::default();
    if let Some(defs) = doc.get("definitions").and_then(Value::as_object) {
        for (name, def) in defs {
            api.definitions.insert(name.clone(), schema_of(def));
            for gvk in def
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(key) = type_of(gvk) {
                    api.types.insert(key, name.clone());
                }
            }
        }
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(key) = item
                .get("get")
                .and_then(|g| g.get("x-kubernetes-group-version-kind"))
                .and_then(type_of)
            else {
                continue;
            };
            if path.contains("namespaces/{namespace}") {
                api.namespaced.insert(key, true);
            } else {
                api.namespaced.entry(key).or_insert(false);
            }
        }
    }
    Ok(api)
}

fn type_of(gvk: &Value) -> Option<(String, String)> {
    let s = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("");
    let version = gvk.get("version")?.as_str()?;
    let api_version = if s("group").is_empty() {
        version.to_string()
    } else {
        format!("{}/{version}", s("group"))
    };
    Some((api_version, gvk.get("kind")?.as_str()?.to_string()))
}

fn sub_of(v: &Value) -> Sub {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => Sub::Ref(r.to_string()),
        None => Sub::Inline(schema_of(v)),
    }
}

fn schema_of(v: &Value) -> Schema {
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let array = match v.get("type") {
        Some(Value::String(t)) => t == "array",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "array",
        _ => false,
    };
    let items = match v.get("items") {
        Some(Value::Array(list)) => list.first().map(sub_of),
        Some(item @ Value::Object(_)) => Some(sub_of(item)),
        _ => None,
    };
    Schema {
        array,
        properties: v
            .get("properties")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, p)| (k.clone(), sub_of(p))).collect())
            .unwrap_or_default(),
        additional: v
            .get("additionalProperties")
            .filter(|a| a.is_object())
            .map(|a| Box::new(sub_of(a))),
        items: items.map(Box::new),
        strategy: text("x-kubernetes-patch-strategy"),
        merge_key: text("x-kubernetes-patch-merge-key"),
        list_keys: v
            .get("x-kubernetes-list-map-keys")
            .and_then(Value::as_array)
            .map(|ks| {
                ks.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            }),
    }
}

/// The one built-in schema version.
pub(crate) const BUILTIN_VERSION: &str = "v1.21.2";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Builtin {
    NotParsed,
    Delayed,
    Parsed,
}

/// kustomize's global schema state during one build.
struct State {
    custom: Option<OpenApi>,
    /// A version or a custom schema was set.
    set: bool,
    init: bool,
    builtin: Builtin,
    api: OpenApi,
}

impl State {
    fn new() -> State {
        State {
            custom: None,
            set: false,
            init: false,
            builtin: Builtin::NotParsed,
            api: OpenApi::default(),
        }
    }

    fn init(&mut self) {
        if self.init {
            return;
        }
        self.init = true;
        // A built-in schema loaded before a custom one was set stays, and
        // the custom definitions are added over it (kyaml adds definitions
        // to the global schema; it never clears them).
        if self.builtin == Builtin::Delayed {
            self.api.add(builtin());
            self.builtin = Builtin::Parsed;
        }
        match &self.custom {
            Some(c) => {
                let c = c.clone();
                self.api.add(&c);
            }
            None if self.builtin == Builtin::Parsed => {}
            None => {
                self.api.add(builtin());
                self.builtin = Builtin::Parsed;
            }
        }
    }
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::new());
}

/// Resets the schema state when dropped (one per build).
pub(crate) struct BuildGuard;

impl Drop for BuildGuard {
    fn drop(&mut self) {
        STATE.with(|s| *s.borrow_mut() = State::new());
    }
}

/// Starts a build with kustomize's default schema state.
pub(crate) fn start_build() -> BuildGuard {
    STATE.with(|s| *s.borrow_mut() = State::new());
    BuildGuard
}

/// kustomize's `SetSchema`: a kustomization's `openapi` field (its
/// `version`, or the schema text its `path` names). Only the top
/// kustomization (`reset`) or the first to set one counts.
pub(crate) fn set_schema(
    version: Option<&str>,
    custom: Option<&str>,
    reset: bool,
) -> Result<(), String> {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if s.set && !reset {
            return Ok(());
        }
        if let Some(text) = custom {
            if version.is_some() {
                return Err("builtin version and custom schema provided, cannot use both".into());
            }
            s.custom = Some(parse_custom(text).map_err(|e| format!("invalid schema file: {e}"))?);
            s.set = true;
            s.init = false;
            return Ok(());
        }
        let version = version.unwrap_or("");
        s.set = !version.is_empty();
        if version.is_empty() {
            return Ok(());
        }
        if version != BUILTIN_VERSION {
            return Err("the specified OpenAPI version is not built in".into());
        }
        s.custom = None;
        s.init = false;
        Ok(())
    })
}

/// The schema for objects of a type (loading the schema as kustomize
/// does on first use).
pub(crate) fn with_schema<T>(f: impl FnOnce(&OpenApi) -> T) -> T {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.init();
        f(&s.api)
    })
}

/// Whether a type the built-in scope table does not know is namespaced
/// according to the schema in use (None: unknown).
pub(crate) fn is_namespaced(api_version: &str, kind: &str) -> Option<bool> {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if !s.init {
            if s.custom.is_some() {
                s.init();
            } else if s.builtin == Builtin::NotParsed {
                s.builtin = Builtin::Delayed;
            }
        }
        s.api
            .namespaced
            .get(&(api_version.to_string(), kind.to_string()))
            .copied()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_keys_containers_by_name_and_ports_by_port_and_protocol() {
        let api = builtin();
        let d = api.for_type("apps/v1", "Deployment").unwrap();
        let spec = api.field(d, "spec").unwrap();
        let tpl = api.field(spec, "template").unwrap();
        let pod = api.field(tpl, "spec").unwrap();
        let containers = api.field(pod, "containers").unwrap();
        assert!(containers.merges());
        assert_eq!(containers.merge_keys(), vec!["name"]);
        let c = api.elements(containers).unwrap();
        assert_eq!(
            api.field(c, "ports").unwrap().merge_keys(),
            vec!["containerPort", "protocol"]
        );
        assert!(api.for_type("extensions/v1beta1", "Deployment").is_none());
        let meta = api.field(d, "metadata").unwrap();
        let finalizers = api.field(meta, "finalizers").unwrap();
        assert!(finalizers.merges() && finalizers.merge_keys().is_empty());
    }
}
