//! `transformers:` and `generators:` entries holding kustomize's built-in
//! plugin configurations (`apiVersion: builtin`, `kind:
//! LabelTransformer`, …), inline or from files and folders. Other
//! plugins (exec, containers, Go) are refused: tether runs no external
//! code while rendering.

use super::accumulate::Builder;
use super::generators::{self, Kind};
use super::patches::{self, Origin};
use super::plugin_config::{self as pc, Config};
use super::resource::Resource;
use super::spec::GeneratorSpec;
use super::{KustomizeError, images, labels, load, meta, namespace, replacements, resmap};
use serde_json::Value;

/// The plugin configurations of `entries`: inline YAML first (each a
/// resource list), then files and folders, as kustomize reads them.
fn configs(
    b: &Builder<'_>,
    at: &Origin<'_>,
    field: &'static str,
    entries: &[String],
) -> Result<Vec<Resource>, KustomizeError> {
    let mut out: Vec<Resource> = Vec::new();
    let mut paths = Vec::new();
    let origin = |r: &mut Resource, path: &str| {
        if b.origin_mode {
            super::build_metadata::set_origin(r, &format!("path: {}\n", b.relative(path)));
        }
    };
    for entry in entries {
        match load::resources_of("(inline)", entry.as_bytes()) {
            Ok(mut found) => {
                found.iter_mut().for_each(|r| origin(r, at.file));
                resmap::append_all(&mut out, found)
                    .map_err(|e| at.error(format!("{field}: {e}")))?;
            }
            Err(_) => paths.push(entry.clone()),
        }
    }
    for entry in paths {
        let path = b.resolve(at.dir, at.file, field, &entry)?;
        let found = if b.tree().is_file(&path) {
            let mut found = load::resources(b.tree(), &path)?;
            found.iter_mut().for_each(|r| origin(r, &path));
            found
        } else {
            let mut sub = b.child();
            sub.build_dir(&path, Some((at.file, field, &entry)))?
                .1
                .resources
        };
        resmap::append_all(&mut out, found).map_err(|e| at.error(format!("{field}: {e}")))?;
    }
    Ok(out)
}

/// The built-in plugin of a config resource; Err for other plugins.
fn builtin(at: &Origin<'_>, field: &str, res: &Resource) -> Result<Config, KustomizeError> {
    let gvk = res.gvk();
    let kind = gvk.kind.clone();
    if !(gvk.group.is_empty() && gvk.version == "builtin") {
        return Err(at.error(format!(
            "{field}: plugin {kind:?} is not a built-in; tether runs no external plugins"
        )));
    }
    pc::parse(&res.obj)
        .map_err(|e| at.error(format!("plugin {} fails configuration: {e}", res.org_id())))
}

/// Runs the `generators:` entries (built-in ConfigMap/Secret generators).
pub(crate) fn generate(
    b: &Builder<'_>,
    at: &Origin<'_>,
    entries: &[String],
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    for res in configs(b, at, "generators", entries)? {
        let config = builtin(at, "generators", &res)?;
        let (kind, name) = match &config {
            Config::GenerateConfigMap(_) => (Kind::ConfigMap, "ConfigMapGenerator"),
            Config::GenerateSecret(_) => (Kind::Secret, "SecretGenerator"),
            other => {
                return Err(at.error(format!(
                    "failed to load generator: plugin {} not a generator ({})",
                    res.org_id(),
                    other.kind()
                )));
            }
        };
        let (Config::GenerateConfigMap(spec) | Config::GenerateSecret(spec)) = config else {
            continue;
        };
        let spec: GeneratorSpec = *spec;
        let _ = name;
        let origin = super::build_metadata::of_plugin(&res);
        generators::run_one(b, at.dir, at.file, kind, &spec, origin, resources)?;
    }
    Ok(())
}

/// Runs the `transformers:` entries, in order.
pub(crate) fn transform(
    b: &Builder<'_>,
    at: &Origin<'_>,
    entries: &[String],
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    let mut loaded = Vec::new();
    for res in configs(b, at, "transformers", entries)? {
        let config = builtin(at, "transformers", &res)?;
        if matches!(
            config,
            Config::GenerateConfigMap(_) | Config::GenerateSecret(_)
        ) {
            return Err(at.error(format!("plugin {} not a transformer", res.org_id())));
        }
        let config = prepare(b, at, config)?;
        let origin = super::build_metadata::of_plugin(&res).filter(|_| b.origin_mode);
        loaded.push((config, origin));
    }
    for (config, origin) in loaded {
        run(at, config, resources)?;
        if let Some(origin) = origin {
            super::build_metadata::stamp(resources, &origin);
        }
        super::accumulate::drop_empty(resources);
    }
    Ok(())
}

/// A transformer with its patches read (kustomize configures every
/// plugin before running any).
enum Ready {
    Config(Config),
    Patch(patches::Parsed, String, Option<super::spec::Selector>),
    Json(Vec<Value>, super::spec::Selector),
    Smp(Vec<patches::SmPatch>),
    Replacements(Vec<replacements::Replacement>),
}

fn prepare(b: &Builder<'_>, at: &Origin<'_>, config: Config) -> Result<Ready, KustomizeError> {
    Ok(match config {
        Config::Patch(p) => {
            let (parsed, label) = patches::parse_patch(
                b,
                at,
                p.patch.as_deref(),
                p.path.as_deref(),
                p.options.as_ref(),
            )?;
            Ready::Patch(parsed, label, p.target)
        }
        Config::PatchJson6902(p) => {
            let target = p.target.unwrap_or_default();
            if target.name.as_deref().is_none_or(str::is_empty) {
                return Err(
                    at.error("PatchJson6902Transformer: must specify the target name".into())
                );
            }
            let text = match (
                p.path.as_deref().filter(|s| !s.is_empty()),
                p.json_op.as_deref().filter(|s| !s.is_empty()),
            ) {
                (None, None) => return Err(at.error("empty file path and empty jsonOp".into())),
                (Some(_), Some(_)) => {
                    return Err(at.error("must specify a file path or jsonOp, not both".into()));
                }
                (None, Some(op)) => op.to_string(),
                (Some(path), None) => {
                    let file = b.resolve(at.dir, at.file, "transformers", path)?;
                    load::text(b.tree(), &file)?.to_string()
                }
            };
            let ops =
                patches::json_ops(&text).map_err(|e| at.error(format!("decoding {text}: {e}")))?;
            if ops.is_empty() {
                return Err(at.error("patch appears to be empty".into()));
            }
            Ready::Json(ops, target)
        }
        Config::PatchStrategicMerge(p) => {
            if p.paths.is_empty() && p.patches.as_deref().is_none_or(str::is_empty) {
                return Err(at.error("empty file path and empty patch content".into()));
            }
            let mut loaded = patches::legacy_smp(b, at, &p.paths)?;
            if let Some(text) = p.patches.as_deref().filter(|s| !s.is_empty()) {
                loaded.extend(patches::sm_patches(text, "(inline patch)")?);
            }
            if loaded.is_empty() {
                return Err(at.error("patch appears to be empty".into()));
            }
            Ready::Smp(loaded)
        }
        Config::Replacement(entries) => {
            Ready::Replacements(replacements::load(b, at.dir, at.file, &entries)?)
        }
        other => Ready::Config(other),
    })
}

fn run(at: &Origin<'_>, ready: Ready, resources: &mut Vec<Resource>) -> Result<(), KustomizeError> {
    let err = |e: String| at.error(e);
    match ready {
        Ready::Patch(parsed, label, target) => {
            patches::apply(at, &label, parsed, target.as_ref(), resources)
        }
        Ready::Json(ops, target) => patches::json_patch(
            at,
            "(PatchJson6902Transformer)",
            &ops,
            &target,
            resources,
            false,
        ),
        Ready::Smp(list) => patches::apply_by_id(at, &list, resources),
        Ready::Replacements(list) => {
            super::accumulate::drop_empty(resources);
            replacements::apply(&list, resources).map_err(err)
        }
        Ready::Config(config) => match config {
            Config::Label(c) => {
                super::accumulate::drop_empty(resources);
                labels::set_all(resources, &c.field_specs, &c.pairs).map_err(err)
            }
            Config::Prefix(c) => {
                meta::add_affix(resources, &c.affix, meta::End::Prefix, &c.field_specs).map_err(err)
            }
            Config::Suffix(c) => {
                meta::add_affix(resources, &c.affix, meta::End::Suffix, &c.field_specs).map_err(err)
            }
            Config::PrefixSuffix(p, s) => {
                meta::add_affix(resources, &p.affix, meta::End::Prefix, &p.field_specs)
                    .map_err(err)?;
                meta::add_affix(resources, &s.affix, meta::End::Suffix, &s.field_specs).map_err(err)
            }
            Config::Namespace(c) => namespace::NamespaceChange {
                namespace: &c.namespace,
                field_specs: &c.field_specs,
                unset_only: c.unset_only,
                subjects: c.subjects,
            }
            .apply(resources)
            .map_err(err),
            Config::ImageTag(c) => {
                super::accumulate::drop_empty(resources);
                images::apply(&c.image, &c.field_specs, resources).map_err(err)
            }
            Config::ReplicaCount(c) => {
                meta::set_replicas(resources, &c.name, c.count, &c.field_specs).map_err(err)
            }
            Config::Hash => {
                super::hash::add_suffixes(resources);
                Ok(())
            }
            other => Err(at.error(format!(
                "transformers: built-in {:?} is not supported by tether",
                other.kind()
            ))),
        },
    }
}
