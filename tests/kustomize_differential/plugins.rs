//! Built-in plugin configurations listed under `transformers:` (inline
//! YAML or files).

use super::case::{Folder, Visible};
use super::kustomization::{Gen, to_json};
use super::patches;
use super::yaml::{self, Node, Style};
use rand::Rng;
use rand::seq::IndexedRandom;

fn head(kind: &str, name: &str) -> Vec<(&'static str, Node)> {
    vec![
        ("apiVersion", Node::s("builtin")),
        ("kind", Node::s(kind)),
        ("metadata", Node::map(vec![("name", Node::s(name))])),
    ]
}

fn field_spec(path: &str, kind: Option<&str>, create: bool) -> Node {
    let mut f = vec![("path", Node::s(path))];
    if let Some(kind) = kind {
        f.push(("kind", Node::s(kind)));
    }
    if create {
        f.push(("create", Node::Bool(true)));
    }
    Node::map(f)
}

/// One built-in transformer configuration.
fn config(g: &mut Gen<'_>, visible: &mut [Visible], index: usize) -> Node {
    let v = visible.choose(g.rng).cloned();
    let suffix = if g.rng.random_bool(0.95) {
        format!("-{index}")
    } else {
        String::new()
    };
    let head = |kind: &str, name: &str| head(kind, &format!("{name}{suffix}"));
    let pick = g.rng.random_range(0..12);
    let mut c = match pick {
        0 => {
            let mut c = head("PrefixSuffixTransformer", "names");
            c.push(("prefix", Node::s("pt-")));
            if g.rng.random_bool(0.5) {
                c.push(("suffix", Node::s("-st")));
            }
            let mut specs = vec![field_spec("metadata/name", None, false)];
            if g.rng.random_bool(0.3) {
                specs = vec![field_spec("metadata/name", Some("Deployment"), false)];
            }
            c.push(("fieldSpecs", Node::Seq(specs)));
            c
        }
        1 => {
            let mut c = head("LabelTransformer", "labels");
            c.push(("labels", Node::map(vec![("plugin", Node::s("label"))])));
            let mut specs = vec![field_spec("metadata/labels", None, true)];
            if g.rng.random_bool(0.5) {
                specs.push(field_spec(
                    "spec/selector/matchLabels",
                    Some("Deployment"),
                    true,
                ));
            }
            if g.rng.random_bool(0.3) {
                specs.push(field_spec("spec/template/metadata/labels", None, false));
            }
            c.push(("fieldSpecs", Node::Seq(specs)));
            c
        }
        2 => {
            let mut c = head("AnnotationsTransformer", "annotations");
            c.push((
                "annotations",
                Node::map(vec![("plugin", Node::s("annotation"))]),
            ));
            c.push((
                "fieldSpecs",
                Node::Seq(vec![field_spec("metadata/annotations", None, true)]),
            ));
            c
        }
        3 | 4 => {
            let mut c = head("NamespaceTransformer", "ns");
            let ns = *g.names.namespaces.choose(g.rng).unwrap();
            c[2] = (
                "metadata",
                Node::map(vec![("name", Node::s("ns")), ("namespace", Node::s(ns))]),
            );
            if g.rng.random_bool(0.5) {
                c.push(("unsetOnly", Node::Bool(true)));
            }
            if g.rng.random_bool(0.5) {
                let mode = *["defaultOnly", "allServiceAccounts", "none"]
                    .choose(g.rng)
                    .unwrap();
                c.push(("setRoleBindingSubjects", Node::s(mode)));
            }
            let mut specs = vec![field_spec("metadata/namespace", None, true)];
            if g.rng.random_bool(0.2) {
                specs.push(field_spec("spec/targetNamespace", Some("Widget"), true));
            }
            c.push(("fieldSpecs", Node::Seq(specs)));
            c
        }
        5 => {
            let mut c = head("ImageTagTransformer", "images");
            let image = super::objects::IMAGES.choose(g.rng).unwrap();
            let name = image.split([':', '@']).next().unwrap();
            c.push((
                "imageTag",
                Node::map(vec![("name", Node::s(name)), ("newTag", Node::s("plugin"))]),
            ));
            if g.rng.random_bool(0.3) {
                c.push((
                    "fieldSpecs",
                    Node::Seq(vec![field_spec("spec/image", Some("Widget"), false)]),
                ));
            }
            c
        }
        6 => {
            let mut c = head("ReplicaCountTransformer", "replicas");
            let workload = visible
                .iter()
                .filter(|v| matches!(v.kind.as_str(), "Deployment" | "Widget"))
                .collect::<Vec<_>>()
                .choose(g.rng)
                .map(|v| v.orig_name.clone());
            let name = workload.unwrap_or_else(|| "web".to_string());
            c.push((
                "replica",
                Node::map(vec![("name", Node::s(name)), ("count", Node::Int(4))]),
            ));
            c.push((
                "fieldSpecs",
                Node::Seq(vec![
                    field_spec("spec/replicas", Some("Deployment"), true),
                    field_spec("spec/size", Some("Widget"), false),
                ]),
            ));
            c
        }
        7 | 8 if v.is_some() => {
            let v = v.clone().unwrap();
            let json = pick == 8;
            let mut c = if json {
                head("PatchJson6902Transformer", "json")
            } else {
                head("PatchTransformer", "patch")
            };
            let doc = if json {
                patches::json_ops(g.rng, &v)
            } else {
                patches::smp(g.rng, &v)
            };
            let text = if json && g.rng.random_bool(0.3) {
                serde_json::to_string(&to_json(&doc)).unwrap()
            } else {
                yaml::odd_yaml(&doc, g.rng, g.odd)
            };
            c.push((if json { "jsonOp" } else { "patch" }, Node::s(text)));
            if json || g.rng.random_bool(0.5) {
                c.push(("target", patches::target(g.rng, &v)));
            }
            c
        }
        9 if v.is_some() => {
            let v = v.clone().unwrap();
            let mut c = head("PatchStrategicMergeTransformer", "smp");
            let doc = patches::smp(g.rng, &v);
            let text = yaml::odd_yaml(&doc, g.rng, g.odd);
            c.push(("patches", Node::s(text)));
            c
        }
        10 if !visible.is_empty() => {
            let mut c = head("ReplacementTransformer", "replace");
            c.push((
                "replacements",
                Node::Seq(vec![patches::replacement(g.rng, visible)]),
            ));
            c
        }
        11 if g.rng.random_bool(0.3) => head("HashTransformer", "hash"),
        _ => {
            let mut c = head("LabelTransformer", "labels2");
            c.push(("labels", Node::map(vec![("only", Node::s("deployments"))])));
            c.push((
                "fieldSpecs",
                Node::Seq(vec![field_spec(
                    "metadata/labels",
                    Some("Deployment"),
                    true,
                )]),
            ));
            c
        }
    };
    if g.rng.random_bool(0.05) {
        c.push(("unknownField", Node::s("x")));
    }
    Node::map(c)
}

/// Adds a `transformers:` field with one to three built-in configs.
pub fn transformers(
    g: &mut Gen<'_>,
    k: &mut Vec<(String, Node)>,
    folder: &mut Folder,
    visible: &mut [Visible],
) {
    let mut entries = Vec::new();
    for i in 0..g.rng.random_range(1..=3) {
        let c = config(g, visible, i);
        let style = Style::random(g.rng, g.odd);
        let text = yaml::to_yaml(&c, g.rng, style);
        if g.rng.random_bool(0.5) {
            let file = format!("transformer-{i}.yaml");
            folder.add(&file, text);
            entries.push(Node::s(file));
        } else {
            entries.push(Node::s(text));
        }
    }
    k.push(("transformers".into(), Node::Seq(entries)));
}

/// Adds a `generators:` field with a built-in ConfigMap or Secret generator.
pub fn generators(
    g: &mut Gen<'_>,
    k: &mut Vec<(String, Node)>,
    folder: &mut Folder,
    visible: &mut Vec<Visible>,
) {
    let secret = g.rng.random_bool(0.3);
    let kind = if secret {
        "SecretGenerator"
    } else {
        "ConfigMapGenerator"
    };
    let name = if secret {
        *g.names.secrets.choose(g.rng).unwrap()
    } else {
        *g.names.configmaps.choose(g.rng).unwrap()
    };
    let mut c = head(kind, name);
    c.push(("literals", Node::Seq(vec![Node::s("from=plugin")])));
    if g.rng.random_bool(0.3) {
        c.push((
            "options",
            Node::map(vec![("disableNameSuffixHash", Node::Bool(true))]),
        ));
    }
    let text = yaml::odd_yaml(&Node::map(c), g.rng, g.odd);
    let entry = if g.rng.random_bool(0.5) {
        folder.add("generator.yaml", text);
        Node::s("generator.yaml")
    } else {
        Node::s(text)
    };
    let obj_kind = if secret { "Secret" } else { "ConfigMap" };
    if !visible
        .iter()
        .any(|v| v.kind == obj_kind && v.orig_name == name)
    {
        visible.push(Visible::new("v1", obj_kind, name, None));
    }
    k.push(("generators".into(), Node::Seq(vec![entry])));
}
