//! Walking a kustomization and its bases and components, accumulating
//! resources and applying each level's transformers in kustomize's order.

use super::KustomizeError;
use super::config::{self, TransformerConfig};
use super::patches::{self, Origin};
use super::resource::Resource;
use super::spec::{Kustomization, VarSpec};
use super::{
    generators, helm_charts, images, labels, load, meta, paths, plugins, replacements, vars,
};
use crate::model::{EntryKind, FileTree, LoadRestrictor, RenderLimits};

/// What a kustomization produced so far: its resources and the field
/// specs its `configurations` (and those of its bases) add.
#[derive(Debug, Default)]
pub(crate) struct Level {
    /// The resources, in accumulation order.
    pub resources: Vec<Resource>,
    /// Extra transformer field specs.
    pub config: TransformerConfig,
}

/// State of one build: the tree and the folders being built (for cycles).
pub(crate) struct Builder<'a> {
    tree: &'a FileTree,
    /// The load restrictor and the object and size limits.
    limits: RenderLimits,
    stack: Vec<String>,
    /// `vars` of every kustomization built so far.
    pub vars: Vec<VarSpec>,
    /// The folder of the top kustomization (origins are relative to it).
    root: Option<String>,
    /// The namespace of the nearest kustomization including the one being
    /// built that sets one: its `helmCharts` render into it.
    helm_root_ns: Option<String>,
}

impl<'a> Builder<'a> {
    /// A builder reading `tree` within `limits`.
    pub fn new(tree: &'a FileTree, limits: RenderLimits) -> Self {
        Self {
            tree,
            limits,
            stack: Vec::new(),
            vars: Vec::new(),
            root: None,
            helm_root_ns: None,
        }
    }

    /// The tree being built.
    pub fn tree(&self) -> &'a FileTree {
        self.tree
    }

    /// The limits of the build.
    pub fn limits(&self) -> RenderLimits {
        self.limits
    }

    /// The kustomization of folder `dir` and the resources it produces
    /// (hashes and reference fixes not yet applied).
    pub fn build_dir(
        &mut self,
        dir: &str,
        named_by: Option<(&str, &'static str, &str)>,
    ) -> Result<(Kustomization, Level), KustomizeError> {
        let file = self.kustomization_file(dir, named_by)?;
        self.root.get_or_insert_with(|| dir.to_string());
        let k = load::kustomization(self.tree, &file)?;
        refuse_unsupported(&file, &k)?;
        if k.kind.as_deref() == Some("Component") {
            return Err(KustomizeError::Invalid {
                file,
                message: "kind Component may only be listed under components, not built or used as a resource".into(),
            });
        }
        let mut level = Level::default();
        self.enter(dir, &file)?;
        self.accumulate(dir, &file, &k, &mut level)?;
        self.stack.pop();
        Ok((k, level))
    }

    fn kustomization_file(
        &self,
        dir: &str,
        named_by: Option<(&str, &'static str, &str)>,
    ) -> Result<String, KustomizeError> {
        let files = paths::kustomization_files(self.tree, dir);
        if files.len() > 1 {
            return Err(KustomizeError::Invalid {
                file: dir.to_string(),
                message: format!(
                    "found multiple kustomization files ({}); keep one",
                    files.join(", ")
                ),
            });
        }
        files.into_iter().next().ok_or_else(|| match named_by {
            Some((file, field, entry)) => KustomizeError::Transform {
                kustomization: file.to_string(),
                message: format!(
                    "{field} entry {entry:?} is a folder without kustomization.yaml, kustomization.yml or Kustomization"
                ),
            },
            None => KustomizeError::Invalid {
                file: dir.to_string(),
                message: "no kustomization.yaml, kustomization.yml or Kustomization in this folder".into(),
            },
        })
    }

    fn enter(&mut self, dir: &str, file: &str) -> Result<(), KustomizeError> {
        if self.stack.iter().any(|d| d == dir) {
            let mut chain = self.stack.clone();
            chain.push(dir.to_string());
            return Err(KustomizeError::Cycle {
                kustomization: file.to_string(),
                path: chain.join(" -> "),
            });
        }
        self.stack.push(dir.to_string());
        Ok(())
    }

    /// Adds the resources, generated objects and components of `k` to
    /// `resources`, then runs `k`'s transformers over all of them.
    fn accumulate(
        &mut self,
        dir: &str,
        file: &str,
        k: &Kustomization,
        level: &mut Level,
    ) -> Result<(), KustomizeError> {
        for crd in &k.crds {
            self.resolve(dir, file, "crds", crd)?;
        }
        let inherited_ns = self.helm_root_ns.clone();
        let own_ns = k.namespace.clone().filter(|n| !n.is_empty());
        self.helm_root_ns = own_ns.or_else(|| inherited_ns.clone());
        let outcome = self.accumulate_inputs(dir, file, k, inherited_ns.as_deref(), level);
        self.helm_root_ns = inherited_ns;
        outcome?;
        self.transform(dir, file, k, level)?;
        self.check_size(file, &level.resources)?;
        vars::bind(file, &k.vars, &mut level.resources)?;
        for var in &k.vars {
            if self.vars.iter().any(|v| v.name == var.name) {
                return Err(KustomizeError::Transform {
                    kustomization: file.to_string(),
                    message: format!("var {:?} already encountered", var.name),
                });
            }
            self.vars.push(var.clone());
        }
        Ok(())
    }

    /// The resources, generated objects (Helm charts included) and
    /// components of `k`, before its transformers run.
    fn accumulate_inputs(
        &mut self,
        dir: &str,
        file: &str,
        k: &Kustomization,
        inherited_ns: Option<&str>,
        level: &mut Level,
    ) -> Result<(), KustomizeError> {
        let mut seen = identities(&level.resources);
        for entry in k.resources.iter().chain(&k.bases) {
            let found = self.entry(dir, file, entry)?;
            append_new(file, &mut level.resources, found.resources, &mut seen)?;
            level.config.merge(&found.config);
        }
        level
            .config
            .merge(&config::load(self, dir, file, &k.configurations)?);
        generators::run(self, dir, file, k, &mut level.resources)?;
        helm_charts::run(self, dir, file, k, inherited_ns, &mut level.resources)?;
        let at = Origin { dir, file };
        plugins::generate(self, &at, &k.generators, &mut level.resources)?;
        for entry in &k.components {
            self.component(dir, file, entry, level)?;
        }
        Ok(())
    }

    /// The built-in transformers of one kustomization, in kustomize's order.
    fn transform(
        &self,
        dir: &str,
        file: &str,
        k: &Kustomization,
        level: &mut Level,
    ) -> Result<(), KustomizeError> {
        let at = Origin { dir, file };
        let (resources, config) = (&mut level.resources, &level.config);
        patches::apply_legacy_smp(self, &at, &k.patches_strategic_merge, resources)?;
        patches::apply_patches(self, &at, &k.patches, "patches", resources)?;
        meta::set_namespace(k, &config.namespace, resources);
        meta::add_prefix_suffix(k, resources);
        labels::apply(k, config, resources);
        patches::apply_patches(self, &at, &k.patches_json6902, "patchesJson6902", resources)?;
        meta::set_replicas(k, &config.replicas, resources).map_err(|message| {
            KustomizeError::Transform {
                kustomization: file.to_string(),
                message,
            }
        })?;
        images::apply(&k.images, &config.images, resources);
        images::apply(&k.image_tags, &config.images, resources);
        replacements::apply(self, dir, file, &k.replacements, resources)?;
        plugins::transform(self, &at, &k.transformers, resources)
    }

    /// The resources of one `resources` entry: a file or a folder.
    fn entry(&mut self, dir: &str, file: &str, entry: &str) -> Result<Level, KustomizeError> {
        let path = self.resolve(dir, file, "resources", entry)?;
        if self.tree.is_file(&path) {
            let mut found =
                load::resources(self.tree, &path).map_err(|e| KustomizeError::Transform {
                    kustomization: file.to_string(),
                    message: format!("resources entry {entry:?}: {e}"),
                })?;
            let origin = format!("path: {}\n", self.relative(&path));
            found.iter_mut().for_each(|r| r.origin.clone_from(&origin));
            return Ok(Level {
                resources: found,
                config: TransformerConfig::default(),
            });
        }
        Ok(self.build_dir(&path, Some((file, "resources", entry)))?.1)
    }

    /// Refuses a level holding more objects, or more bytes of them as
    /// JSON, than the render may produce (nested bases multiply objects).
    fn check_size(&self, file: &str, resources: &[Resource]) -> Result<(), KustomizeError> {
        let limits = &self.limits;
        if resources.len() > limits.max_objects {
            return Err(KustomizeError::Limit {
                kustomization: file.to_string(),
                message: format!(
                    "produces {} objects, more than the {} a render may produce (render.maxObjects)",
                    resources.len(),
                    limits.max_objects
                ),
            });
        }
        let bytes = crate::render::json_size(resources.iter().map(|r| &r.obj));
        if bytes > limits.max_output_bytes {
            return Err(KustomizeError::Limit {
                kustomization: file.to_string(),
                message: format!(
                    "produces {bytes} bytes of objects, more than the {} a render may produce (render.maxOutputBytes)",
                    limits.max_output_bytes
                ),
            });
        }
        Ok(())
    }

    /// Applies the component at `entry` to the resources so far.
    fn component(
        &mut self,
        dir: &str,
        file: &str,
        entry: &str,
        level: &mut Level,
    ) -> Result<(), KustomizeError> {
        let path = self.resolve(dir, file, "components", entry)?;
        if self.tree.kind(&path) != Some(EntryKind::Folder) {
            return Err(KustomizeError::Transform {
                kustomization: file.to_string(),
                message: format!(
                    "components entry {entry:?} is a file; a component is a folder holding a kustomization.yaml with kind: Component"
                ),
            });
        }
        let comp_file = self.kustomization_file(&path, Some((file, "components", entry)))?;
        let k = load::kustomization(self.tree, &comp_file)?;
        refuse_unsupported(&comp_file, &k)?;
        if k.kind.as_deref() != Some("Component") {
            return Err(KustomizeError::Transform {
                kustomization: file.to_string(),
                message: format!(
                    "components entry {entry:?}: {comp_file} must have kind Component"
                ),
            });
        }
        self.enter(&path, &comp_file)?;
        self.accumulate(&path, &comp_file, &k, level)?;
        self.stack.pop();
        Ok(())
    }

    /// `path` relative to the top kustomization's folder.
    pub fn relative(&self, path: &str) -> String {
        paths::relative(self.root.as_deref().unwrap_or(""), path)
    }

    /// The tree path of an entry of `field` in `file` (kustomization
    /// folder `dir`), symbolic links resolved. Errors for remote entries,
    /// absolute paths, paths above the repository, links out of it or in a
    /// loop, submodules, missing entries, and — under the load restrictor
    /// `rootOnly` — files outside `dir`.
    pub fn resolve(
        &self,
        dir: &str,
        file: &str,
        field: &'static str,
        entry: &str,
    ) -> Result<String, KustomizeError> {
        if paths::is_remote(entry) {
            return Err(KustomizeError::Remote {
                kustomization: file.to_string(),
                field,
                entry: entry.to_string(),
            });
        }
        let refuse = |reason: String| KustomizeError::Entry {
            kustomization: file.to_string(),
            field,
            entry: entry.to_string(),
            reason,
        };
        if entry.starts_with('/') {
            return Err(refuse(
                "an absolute path; tether reads the repository, not the disk: write the path relative to the kustomization's folder".into(),
            ));
        }
        let joined = paths::join(dir, entry).ok_or_else(|| {
            refuse("climbs above the root of the repository; tether reads only files of the repository".into())
        })?;
        let real = self
            .tree
            .resolve_links(&joined)
            .map_err(|e| refuse(e.to_string()))?;
        match self.tree.kind(&real) {
            Some(EntryKind::Folder) => Ok(real),
            Some(EntryKind::File) => self.restrict(dir, &joined, real).map_err(refuse),
            Some(EntryKind::Submodule) => Err(refuse(format!(
                "{real} is a Git submodule; tether does not read submodules (their files are not in this repository's tree), vendor the files instead"
            ))),
            Some(EntryKind::Link) | None => match self.tree.dangling_link(&joined) {
                Some(e) => Err(refuse(e.to_string())),
                None => Err(KustomizeError::Missing {
                    kustomization: file.to_string(),
                    field,
                    entry: entry.to_string(),
                }),
            },
        }
    }

    /// kustomize's load restrictor for file `real` (reached as `joined`)
    /// read by the kustomization of folder `dir`.
    fn restrict(&self, dir: &str, joined: &str, real: String) -> Result<String, String> {
        if self.limits.load_restrictor == LoadRestrictor::None || crate::render::within(&real, dir)
        {
            return Ok(real);
        }
        let via = if joined == real {
            String::new()
        } else {
            format!(" (through the symbolic link {joined})")
        };
        Err(format!(
            "security; file '{real}'{via} is not in or below '{dir}': kustomize's load restrictor (LoadRestrictionsRootOnly) keeps every file a kustomization reads inside its folder; make the file's folder a base with its own kustomization, or set render.loadRestrictor: none"
        ))
    }
}

/// Appends `new` to `resources`, refusing a second object with the same id.
pub(crate) fn append_all(
    file: &str,
    resources: &mut Vec<Resource>,
    new: Vec<Resource>,
) -> Result<(), KustomizeError> {
    let mut seen = identities(resources);
    append_new(file, resources, new, &mut seen)
}

/// (id, version) of every resource: what makes two objects duplicates.
type Identities = std::collections::HashSet<(String, String)>;

fn identities(resources: &[Resource]) -> Identities {
    resources
        .iter()
        .map(|r| (r.id(), r.version().to_string()))
        .collect()
}

/// [`append_all`] with the identities of `resources` already known, so a
/// kustomization with many resource files stays linear.
fn append_new(
    file: &str,
    resources: &mut Vec<Resource>,
    new: Vec<Resource>,
    seen: &mut Identities,
) -> Result<(), KustomizeError> {
    for res in new {
        let id = res.id();
        if !seen.insert((id.clone(), res.version().to_string())) {
            return Err(KustomizeError::Duplicate {
                kustomization: file.to_string(),
                id,
            });
        }
        resources.push(res);
    }
    Ok(())
}

/// Fields tether cannot honour natively: an explicit error rather than a
/// silently different output.
fn refuse_unsupported(file: &str, k: &Kustomization) -> Result<(), KustomizeError> {
    let used = [
        ("validators", !k.validators.is_empty()),
        ("openapi", k.openapi.is_some()),
    ];
    match used.iter().find(|(_, on)| *on) {
        Some((field, _)) => Err(KustomizeError::Transform {
            kustomization: file.to_string(),
            message: format!(
                "{field} is not supported by tether's native kustomize (plugins are not run)"
            ),
        }),
        None => Ok(()),
    }
}
