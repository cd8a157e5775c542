//! Walking a kustomization and its bases and components, accumulating
//! resources and applying each level's transformers in kustomize's order
//! (kustomize's `KustTarget.accumulateTarget`).

use super::config::{self, TransformerConfig};
use super::patches::{self, Origin};
use super::resource::Resource;
use super::spec::{Kustomization, VarSpec};
use super::{
    KustomizeError, build_metadata, crds, generators, helm_charts, images, labels, load, meta,
    namespace, openapi, paths, plugins, replacements, resmap, vars,
};
use crate::model::{EntryKind, FileTree, LoadRestrictor, RenderLimits};

/// What a kustomization produced so far: its resources, its
/// transformer configuration and its vars.
#[derive(Debug, Default)]
pub(crate) struct Level {
    /// The resources, in accumulation order.
    pub resources: Vec<Resource>,
    /// The transformer configuration (defaults plus `configurations`).
    pub config: TransformerConfig,
    /// The vars declared so far.
    pub vars: Vec<VarSpec>,
}

impl Level {
    /// kustomize's `MergeAccumulator`: a base's resources, configuration
    /// and vars added to this level.
    fn absorb(&mut self, file: &str, other: Level) -> Result<(), KustomizeError> {
        resmap::append_all(&mut self.resources, other.resources)
            .map_err(|e| KustomizeError::transform(file, e))?;
        self.config
            .merge(&other.config)
            .map_err(|e| KustomizeError::transform(file, e))?;
        vars::merge(&mut self.vars, &other.vars).map_err(|e| KustomizeError::transform(file, e))
    }
}

/// Drops resources a patch deleted (kustomize does after each
/// transformer and before filters over all resources).
pub(crate) fn drop_empty(resources: &mut Vec<Resource>) {
    resources.retain(|r| !r.is_empty());
}

/// State of one build: the tree and the folders being built (for cycles).
pub(crate) struct Builder<'a> {
    tree: &'a FileTree,
    /// The load restrictor and the object and size limits.
    limits: RenderLimits,
    stack: Vec<String>,
    /// The folder of the top kustomization (origins are relative to it).
    root: Option<String>,
    /// The namespace of the nearest kustomization including the one being
    /// built that sets one: its `helmCharts` render into it.
    helm_root_ns: Option<String>,
    /// The top kustomization asks for build metadata: objects carry
    /// their origin annotation during the build.
    pub origin_mode: bool,
}

impl<'a> Builder<'a> {
    /// A builder reading `tree` within `limits`.
    pub fn new(tree: &'a FileTree, limits: RenderLimits) -> Self {
        Self {
            tree,
            limits,
            stack: Vec::new(),
            root: None,
            helm_root_ns: None,
            origin_mode: false,
        }
    }

    /// A builder for a folder read on the side (plugin configurations):
    /// same tree, top folder and origin mode, no folders entered.
    pub fn child(&self) -> Builder<'a> {
        Builder {
            tree: self.tree,
            limits: self.limits,
            stack: Vec::new(),
            root: self.root.clone(),
            helm_root_ns: self.helm_root_ns.clone(),
            origin_mode: self.origin_mode,
        }
    }

    /// The tree being built.
    pub fn tree(&self) -> &'a FileTree {
        self.tree
    }

    /// The kustomization file of folder `dir`, parsed.
    pub fn load(
        &self,
        dir: &str,
        named_by: Option<(&str, &'static str, &str)>,
    ) -> Result<(String, Kustomization), KustomizeError> {
        let file = self.kustomization_file(dir, named_by)?;
        let k = load::kustomization(self.tree, &file)?;
        if !k.validators.is_empty() {
            return Err(KustomizeError::transform(
                &file,
                "validators are not supported by tether's native kustomize (plugins are not run)"
                    .into(),
            ));
        }
        Ok((file, k))
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
        let (file, k) = self.load(dir, named_by)?;
        self.root.get_or_insert_with(|| dir.to_string());
        if named_by.is_some() {
            self.set_schema(dir, &file, &k, false)?;
        }
        if k.kind.as_deref() == Some("Component") {
            return Err(KustomizeError::Invalid {
                file,
                message: "kind Component may only be listed under components, not built or used as a resource".into(),
            });
        }
        let mut level = Level::default();
        self.enter(dir, &file)?;
        let outcome = self.accumulate(dir, &file, &k, &mut level);
        self.stack.pop();
        outcome?;
        Ok((k, level))
    }

    /// kustomize's `SetSchema` for a kustomization's `openapi` field.
    pub fn set_schema(
        &self,
        dir: &str,
        file: &str,
        k: &Kustomization,
        reset: bool,
    ) -> Result<(), KustomizeError> {
        let field = k.openapi.as_ref();
        let get = |key: &str| {
            field
                .and_then(|f| f.get(key))
                .map(super::resource::scalar_text)
        };
        let custom = match get("path") {
            Some(p) => {
                let path = self.resolve(dir, file, "openapi", &p)?;
                Some(load::text(self.tree, &path)?.to_string())
            }
            None => None,
        };
        openapi::set_schema(get("version").as_deref(), custom.as_deref(), reset)
            .map_err(|e| KustomizeError::transform(file, format!("openapi: {e}")))
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

    /// kustomize's `accumulateTarget`: resources, configuration, CRDs,
    /// generators, components, transformers, vars.
    fn accumulate(
        &mut self,
        dir: &str,
        file: &str,
        k: &Kustomization,
        level: &mut Level,
    ) -> Result<(), KustomizeError> {
        let inherited_ns = self.helm_root_ns.clone();
        let own_ns = k.namespace.clone().filter(|n| !n.is_empty());
        self.helm_root_ns = own_ns.or_else(|| inherited_ns.clone());
        let outcome = self.accumulate_inputs(dir, file, k, inherited_ns.as_deref(), level);
        self.helm_root_ns = inherited_ns;
        outcome?;
        self.transform(dir, file, k, level)?;
        self.check_size(file, &level.resources)?;
        vars::bind(&k.vars, &mut level.vars, &mut level.resources)
            .map_err(|e| KustomizeError::transform(file, format!("merging vars: {e}")))
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
        for entry in k.resources.iter().chain(&k.bases) {
            self.entry(dir, file, entry, level)?;
        }
        let mut tc = config::defaults();
        tc.merge(&config::load(self, dir, file, &k.configurations)?)
            .map_err(|e| KustomizeError::transform(file, e))?;
        level
            .config
            .merge(&tc)
            .map_err(|e| KustomizeError::transform(file, e))?;
        let crd_config = crds::load(self, dir, file, &k.crds)?;
        level
            .config
            .merge(&crd_config)
            .map_err(|e| KustomizeError::transform(file, e))?;
        generators::run(self, dir, file, k, &mut level.resources)?;
        helm_charts::run(self, dir, file, k, inherited_ns, &mut level.resources)?;
        let at = Origin { dir, file };
        plugins::generate(self, &at, &k.generators, &mut level.resources)?;
        for entry in &k.components {
            self.component(dir, file, entry, level)?;
        }
        Ok(())
    }

    /// The built-in transformers of one kustomization, in kustomize's
    /// order, then its `transformers:`; deleted resources dropped after
    /// each.
    fn transform(
        &self,
        dir: &str,
        file: &str,
        k: &Kustomization,
        level: &mut Level,
    ) -> Result<(), KustomizeError> {
        let at = Origin { dir, file };
        let err = |e: String| KustomizeError::transform(file, e);
        let (resources, tc) = (&mut level.resources, &level.config);
        let origin_of = |kind: &str| build_metadata::builtin(&self.relative(file), kind);
        let stamp = |resources: &mut Vec<Resource>, kind: &str| {
            if self.origin_mode {
                build_metadata::stamp(resources, &origin_of(kind));
            }
            drop_empty(resources);
        };
        if !k.patches_strategic_merge.is_empty() {
            let list = patches::legacy_smp(self, &at, &k.patches_strategic_merge)?;
            patches::apply_by_id(&at, &list, resources)?;
            stamp(resources, "PatchStrategicMergeTransformer");
        }
        for p in &k.patches {
            let (parsed, label) = patches::parse_patch(
                self,
                &at,
                p.patch.as_deref(),
                p.path.as_deref(),
                p.options.as_ref(),
            )?;
            patches::apply(&at, &label, parsed, p.target.as_ref(), resources)?;
            stamp(resources, "PatchTransformer");
        }
        if let Some(ns) = k.namespace.as_deref().filter(|n| !n.is_empty()) {
            namespace::NamespaceChange {
                namespace: ns,
                field_specs: &tc.namespace,
                unset_only: false,
                subjects: namespace::Subjects::DefaultOnly,
            }
            .apply(resources)
            .map_err(err)?;
            stamp(resources, "NamespaceTransformer");
        }
        if let Some(p) = k.name_prefix.as_deref().filter(|p| !p.is_empty()) {
            meta::add_affix(resources, p, meta::End::Prefix, &tc.name_prefix).map_err(err)?;
            stamp(resources, "PrefixTransformer");
        }
        if let Some(s) = k.name_suffix.as_deref().filter(|s| !s.is_empty()) {
            meta::add_affix(resources, s, meta::End::Suffix, &tc.name_suffix).map_err(err)?;
            stamp(resources, "SuffixTransformer");
        }
        if !k.labels.is_empty() || !k.common_labels.is_empty() {
            for spec in &k.labels {
                let specs = labels::label_specs(spec, tc).map_err(err)?;
                drop_empty(resources);
                labels::set_all(resources, &specs, &spec.pairs).map_err(err)?;
                stamp(resources, "LabelTransformer");
            }
            drop_empty(resources);
            labels::set_all(resources, &tc.common_labels, &k.common_labels).map_err(err)?;
            stamp(resources, "LabelTransformer");
        }
        if !k.common_annotations.is_empty() {
            drop_empty(resources);
            labels::set_all(resources, &tc.common_annotations, &k.common_annotations)
                .map_err(err)?;
            stamp(resources, "AnnotationsTransformer");
        }
        for p in &k.patches_json6902 {
            let target = p.target.clone().unwrap_or_default();
            if target.name.as_deref().is_none_or(str::is_empty) {
                return Err(err("patchesJson6902: must specify the target name".into()));
            }
            let (text, label) = match (&p.patch, &p.path) {
                (Some(op), None) if !op.is_empty() => (op.clone(), "(inline patch)".to_string()),
                (None, Some(path)) if !path.is_empty() => {
                    let f = self.resolve(dir, file, "patchesJson6902", path)?;
                    (load::text(self.tree, &f)?.to_string(), format!("{path:?}"))
                }
                (Some(_), Some(_)) => {
                    return Err(err(
                        "patchesJson6902: must specify a file path or jsonOp, not both".into(),
                    ));
                }
                _ => {
                    return Err(err(
                        "patchesJson6902: empty file path and empty jsonOp".into()
                    ));
                }
            };
            let ops = patches::json_ops(&text).map_err(|e| err(format!("patchesJson6902: {e}")))?;
            if ops.is_empty() {
                return Err(err("patchesJson6902: patch appears to be empty".into()));
            }
            patches::json_patch(&at, &label, &ops, &target, resources, false)?;
            stamp(resources, "PatchJson6902Transformer");
        }
        for r in &k.replicas {
            meta::set_replicas(resources, &r.name, r.count, &tc.replicas).map_err(err)?;
            stamp(resources, "ReplicaCountTransformer");
        }
        for image in k.images.iter().chain(&k.image_tags) {
            drop_empty(resources);
            images::apply(image, &tc.images, resources).map_err(err)?;
            stamp(resources, "ImageTagTransformer");
        }
        if !k.replacements.is_empty() {
            let list = replacements::load(self, dir, file, &k.replacements)?;
            drop_empty(resources);
            replacements::apply(&list, resources).map_err(|e| err(format!("replacements: {e}")))?;
            stamp(resources, "ReplacementTransformer");
        }
        plugins::transform(self, &at, &k.transformers, resources)?;
        drop_empty(resources);
        Ok(())
    }

    /// The resources of one `resources` entry: a file or a folder.
    fn entry(
        &mut self,
        dir: &str,
        file: &str,
        entry: &str,
        level: &mut Level,
    ) -> Result<(), KustomizeError> {
        let path = self.resolve(dir, file, "resources", entry)?;
        if self.tree.is_file(&path) {
            let mut found =
                load::resources(self.tree, &path).map_err(|e| KustomizeError::Transform {
                    kustomization: file.to_string(),
                    message: format!("resources entry {entry:?}: {e}"),
                })?;
            if self.origin_mode {
                let origin = format!("path: {}\n", self.relative(&path));
                found
                    .iter_mut()
                    .for_each(|r| build_metadata::set_origin(r, &origin));
            }
            return resmap::append_all(&mut level.resources, found)
                .map_err(|e| KustomizeError::transform(file, e));
        }
        let (_, sub) = self.build_dir(&path, Some((file, "resources", entry)))?;
        level.absorb(file, sub)
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
        let (comp_file, k) = self.load(&path, Some((file, "components", entry)))?;
        self.set_schema(&path, &comp_file, &k, false)?;
        if k.kind.as_deref() != Some("Component") {
            return Err(KustomizeError::Transform {
                kustomization: file.to_string(),
                message: format!(
                    "components entry {entry:?}: {comp_file} must have kind Component"
                ),
            });
        }
        self.enter(&path, &comp_file)?;
        let outcome = self.accumulate(&path, &comp_file, &k, level);
        self.stack.pop();
        outcome?;
        // kustomize then moves the resources into a new accumulator, one
        // by one: two with the same id (renamed by the component) fail.
        resmap::check_unique(level.resources.iter()).map_err(|e| {
            KustomizeError::transform(file, format!("merging from component {entry:?}: {e}"))
        })
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
