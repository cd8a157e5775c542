//! One generated case: folders of resources, bases, a component and
//! overlays, each with a kustomization.

use super::kustomization::{self, Gen, Role};
use super::objects::{self, Names, Obj};
use super::plugins;
use super::yaml::{self, Node};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

/// An object as a kustomization sees it (approximately).
#[derive(Debug, Clone)]
pub struct Visible {
    pub api_version: String,
    pub kind: String,
    pub orig_name: String,
    pub name: String,
    pub namespace: Option<String>,
    pub orig_namespace: Option<String>,
    pub labels: Vec<(String, String)>,
    pub containers: Vec<String>,
    /// Field paths (replacement syntax) the object has, as written.
    pub paths: Vec<&'static str>,
}

impl Visible {
    /// A visible object without labels or containers.
    pub fn new(api_version: &str, kind: &str, name: &str, namespace: Option<&str>) -> Visible {
        Visible {
            api_version: api_version.into(),
            kind: kind.into(),
            orig_name: name.into(),
            name: name.into(),
            namespace: namespace.map(Into::into),
            orig_namespace: namespace.map(Into::into),
            labels: Vec::new(),
            containers: Vec::new(),
            paths: vec!["metadata.name"],
        }
    }

    fn of(o: &Obj) -> Visible {
        Visible {
            api_version: o.api_version.clone(),
            kind: o.kind.clone(),
            orig_name: o.name.clone(),
            name: o.name.clone(),
            namespace: o.namespace.clone(),
            orig_namespace: o.namespace.clone(),
            labels: o.labels.clone(),
            containers: o.containers.clone(),
            paths: super::patches::existing_paths(&o.kind, &o.body),
        }
    }
}

/// Files of one folder (names relative to it).
#[derive(Debug, Default)]
pub struct Folder {
    pub dir: String,
    pub files: Vec<(String, String)>,
}

impl Folder {
    fn new(dir: &str) -> Folder {
        Folder {
            dir: dir.into(),
            files: Vec::new(),
        }
    }

    /// Adds (or replaces) a file.
    pub fn add(&mut self, name: &str, text: String) {
        match self.files.iter_mut().find(|(n, _)| n == name) {
            Some((_, t)) => *t = text,
            None => self.files.push((name.to_string(), text)),
        }
    }
}

/// A generated case: files by path, and the folder to build.
#[derive(Debug)]
pub struct Case {
    pub files: BTreeMap<String, String>,
    pub root: String,
}

/// Writes resource files for `objs` into `folder`, returning their names.
fn resource_files(rng: &mut StdRng, folder: &mut Folder, objs: &[Obj], odd: bool) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest: Vec<&Obj> = objs.iter().collect();
    let mut i = 0;
    while !rest.is_empty() {
        let n = rng.random_range(1..=rest.len().min(3));
        let docs: Vec<Node> = rest.drain(..n).map(|o| o.body.clone()).collect();
        let (file, text) = if docs.len() > 1 && rng.random_bool(0.1) {
            let list = Node::map(vec![
                ("apiVersion", Node::s("v1")),
                ("kind", Node::s("List")),
                ("items", Node::Seq(docs)),
            ]);
            (format!("list-{i}.yaml"), yaml::odd_yaml(&list, rng, odd))
        } else if docs.len() == 1 && rng.random_bool(0.05) {
            let json = kustomization::to_json(&docs[0]);
            (
                format!("res-{i}.json"),
                serde_json::to_string_pretty(&json).unwrap(),
            )
        } else {
            (format!("res-{i}.yaml"), yaml::stream(&docs, rng, odd))
        };
        folder.add(&file, text);
        names.push(file);
        i += 1;
    }
    names
}

/// Random objects for a folder: distinct identities (mostly).
fn objects(rng: &mut StdRng, names: &Names, n: usize, widgets: &mut bool) -> Vec<Obj> {
    let mut out: Vec<Obj> = Vec::new();
    for _ in 0..n * 3 {
        if out.len() >= n {
            break;
        }
        let o = objects::random(rng, names);
        let dup = out.iter().any(|x| x.kind == o.kind && x.name == o.name);
        if dup && rng.random_bool(0.95) {
            continue;
        }
        if o.kind == "Widget" {
            *widgets = true;
        }
        out.push(o);
    }
    out
}

fn kustomization_file(
    rng: &mut StdRng,
    folder: &mut Folder,
    k: Vec<(String, Node)>,
    odd: bool,
    component: bool,
) {
    let mut k = k;
    if component {
        k.insert(0, ("kind".into(), Node::s("Component")));
        k.insert(
            0,
            (
                "apiVersion".into(),
                Node::s("kustomize.config.k8s.io/v1alpha1"),
            ),
        );
    } else if rng.random_bool(0.4) {
        k.insert(0, ("kind".into(), Node::s("Kustomization")));
        k.insert(
            0,
            (
                "apiVersion".into(),
                Node::s("kustomize.config.k8s.io/v1beta1"),
            ),
        );
    }
    if k.is_empty() {
        k.push(("resources".into(), Node::Seq(vec![])));
    }
    let name = if rng.random_bool(0.9) {
        "kustomization.yaml"
    } else {
        "kustomization.yml"
    };
    let text = yaml::odd_yaml(&Node::Map(k), rng, odd);
    folder.add(name, text);
}

/// Builds a base folder: objects, resource files and a kustomization.
fn base(g: &mut Gen<'_>, dir: &str, widgets: &mut bool) -> (Folder, Vec<Visible>) {
    let mut folder = Folder::new(dir);
    let n = g.rng.random_range(1..=6);
    let mut objs = objects(g.rng, g.names, n, widgets);
    if *widgets && g.rng.random_bool(0.5) && objs.iter().any(|o| o.kind == "Widget") {
        objs.push(objects::widget_crd());
    }
    let files = resource_files(g.rng, &mut folder, &objs, g.odd);
    let mut visible: Vec<Visible> = objs.iter().map(Visible::of).collect();
    let mut k = vec![(
        "resources".to_string(),
        Node::Seq(files.iter().map(|f| Node::s(f.clone())).collect()),
    )];
    g.widgets = *widgets;
    kustomization::add_fields(g, Role::Base, &mut k, &mut folder, &mut visible);
    if g.rng.random_bool(0.05) {
        plugins::generators(g, &mut k, &mut folder, &mut visible);
    }
    kustomization_file(g.rng, &mut folder, k, g.odd, false);
    (folder, visible)
}

/// Generates case number `index` of the run seeded `seed`.
pub fn generate(seed: u64, index: u64) -> Case {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(index));
    let names = Names::random(&mut rng);
    let odd = rng.random_bool(0.6);
    let mut widgets = false;
    let mut g = Gen {
        rng: &mut rng,
        names: &names,
        odd,
        widgets: false,
    };
    let mut folders = Vec::new();
    let (b, mut visible) = base(&mut g, "base", &mut widgets);
    folders.push(b);
    let mut bases = vec!["base".to_string()];
    if g.rng.random_bool(0.3) {
        let (b2, v2) = base(&mut g, "other", &mut widgets);
        let clash = v2.iter().any(|o| {
            visible
                .iter()
                .any(|v| v.kind == o.kind && v.name == o.name && v.namespace == o.namespace)
        });
        if !clash || g.rng.random_bool(0.1) {
            folders.push(b2);
            bases.push("other".into());
            visible.extend(v2);
        }
    }
    g.widgets = widgets;
    if g.rng.random_bool(0.25) {
        // A middle overlay of the first base.
        let mut mid = Folder::new("mid");
        let mut k = vec![("resources".to_string(), Node::Seq(vec![Node::s("../base")]))];
        let mut mid_visible: Vec<Visible> = visible.clone();
        kustomization::add_fields(&mut g, Role::Middle, &mut k, &mut mid, &mut mid_visible);
        kustomization_file(g.rng, &mut mid, k, odd, false);
        folders.push(mid);
        bases[0] = "mid".into();
        visible = mid_visible;
    }
    let mut components = Vec::new();
    if g.rng.random_bool(0.2) {
        let mut comp = Folder::new("comp");
        let mut k = Vec::new();
        if g.rng.random_bool(0.3) {
            let extra = objects(g.rng, &names, 1, &mut widgets);
            let files = resource_files(g.rng, &mut comp, &extra, odd);
            k.push((
                "resources".to_string(),
                Node::Seq(files.into_iter().map(Node::s).collect()),
            ));
            visible.extend(extra.iter().map(Visible::of));
        }
        let mut comp_visible = visible.clone();
        kustomization::add_fields(
            &mut g,
            Role::Component,
            &mut k,
            &mut comp,
            &mut comp_visible,
        );
        kustomization_file(g.rng, &mut comp, k, odd, true);
        folders.push(comp);
        components.push("../comp");
    }
    let root = if g.rng.random_bool(0.75) || !components.is_empty() {
        let mut top = Folder::new("overlay");
        let mut res: Vec<Node> = bases.iter().map(|b| Node::s(format!("../{b}"))).collect();
        if g.rng.random_bool(0.2) {
            let extra = objects(g.rng, &names, 1, &mut widgets);
            let files = resource_files(g.rng, &mut top, &extra, odd);
            res.extend(files.into_iter().map(Node::s));
            visible.extend(extra.iter().map(Visible::of));
        }
        let field = if g.rng.random_bool(0.05) {
            "bases"
        } else {
            "resources"
        };
        let mut k = vec![(field.to_string(), Node::Seq(res))];
        if !components.is_empty() {
            k.push((
                "components".into(),
                Node::Seq(components.iter().map(|c| Node::s(*c)).collect()),
            ));
        }
        g.widgets = widgets;
        kustomization::add_fields(&mut g, Role::Top, &mut k, &mut top, &mut visible);
        kustomization_file(g.rng, &mut top, k, odd, false);
        folders.push(top);
        "overlay".to_string()
    } else {
        bases[0].clone()
    };
    let mut files = BTreeMap::new();
    for f in folders {
        for (name, text) in f.files {
            files.insert(format!("{}/{name}", f.dir), text);
        }
    }
    let _ = IndexedRandom::choose(&[0u8][..], g.rng);
    Case { files, root }
}
