//! The transformer and generator fields of one kustomization, picked at
//! random and aimed at the objects it can see.

use super::case::{Folder, Visible};
use super::objects::{IMAGES, Names};
use super::patches;
use super::plugins;
use super::yaml::{self, Node, Style};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};

/// What the kustomization being written is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Base,
    Middle,
    Top,
    Component,
}

/// Random generation context.
pub struct Gen<'a> {
    pub rng: &'a mut StdRng,
    pub names: &'a Names,
    /// Whether odd YAML and odd values are allowed.
    pub odd: bool,
    /// Whether `configurations:`/`crds:` teach kustomize about Widgets.
    pub widgets: bool,
}

impl Gen<'_> {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// A string that is sometimes written plain although YAML 1.1 reads
    /// it as something else.
    fn label_value(&mut self) -> Node {
        if self.odd && self.chance(0.03) {
            return Node::Raw(
                ["yes", "on", "1.0", "0644", "true", "no"]
                    .choose(self.rng)
                    .unwrap()
                    .to_string(),
            );
        }
        Node::s(
            *["prod", "blue", "v2", "team-x", "1.0", "true"]
                .choose(self.rng)
                .unwrap(),
        )
    }
}

/// Adds random transformer and generator fields to `k` (which already
/// holds resources/components), writing extra files into `folder` and
/// updating `visible` approximately as kustomize would.
pub fn add_fields(
    g: &mut Gen<'_>,
    role: Role,
    k: &mut Vec<(String, Node)>,
    folder: &mut Folder,
    visible: &mut Vec<Visible>,
) {
    let boost = if role == Role::Base { 0.6 } else { 1.0 };
    if g.chance(0.5 * boost) {
        generators(g, role, k, folder, visible);
    }
    if g.widgets && g.chance(0.5) {
        teach_widgets(g, k, folder);
    }
    if !visible.is_empty() && g.chance(0.45 * boost) {
        patches_field(g, k, folder, visible);
    }
    if !visible.is_empty() && g.chance(0.1) {
        legacy_smp(g, k, folder, visible);
    }
    if !visible.is_empty() && g.chance(0.08) {
        legacy_json(g, k, folder, visible);
    }
    if g.chance(0.3 * boost) && role != Role::Component {
        let p = ["pre-", "app-", "x"].choose(g.rng).unwrap().to_string();
        k.push(("namePrefix".into(), Node::s(p.clone())));
        for v in visible.iter_mut() {
            if renamable(&v.kind) {
                v.name = format!("{p}{}", v.name);
            }
        }
    }
    if g.chance(0.2 * boost) && role != Role::Component {
        let s = ["-v2", "-prod", "-x"].choose(g.rng).unwrap().to_string();
        k.push(("nameSuffix".into(), Node::s(s.clone())));
        for v in visible.iter_mut() {
            if renamable(&v.kind) {
                v.name = format!("{}{s}", v.name);
            }
        }
    }
    if g.chance(0.3 * boost) && role != Role::Component {
        let ns = *g.names.namespaces.choose(g.rng).unwrap();
        k.push(("namespace".into(), Node::s(ns)));
        for v in visible.iter_mut() {
            if !cluster_scoped(&v.kind) {
                v.namespace = Some(ns.to_string());
            }
        }
    }
    if g.chance(0.2 * boost) {
        let mut l = vec![("env".to_string(), g.label_value())];
        if g.chance(0.3) {
            l.push(("app".into(), Node::s("shop")));
        }
        k.push(("commonLabels".into(), Node::Map(l)));
    }
    if g.chance(0.25 * boost) {
        labels(g, k);
    }
    if g.chance(0.2 * boost) {
        let mut a = vec![("owner".to_string(), g.label_value())];
        if g.chance(0.3) {
            a.push(("note".into(), Node::s("multi\nline\n")));
        }
        k.push(("commonAnnotations".into(), Node::Map(a)));
    }
    if g.chance(0.25 * boost) {
        images(g, k);
    }
    if g.chance(0.15 * boost) {
        replicas(g, k, visible);
    }
    if !visible.is_empty() && g.chance(0.2 * boost) {
        let n = g.rng.random_range(1..=2);
        let list: Vec<Node> = (0..n)
            .map(|_| patches::replacement(g.rng, visible))
            .collect();
        if g.chance(0.3) {
            let text = yaml::odd_yaml(&Node::Seq(list), g.rng, g.odd);
            folder.add("replacements.yaml", text);
            k.push((
                "replacements".into(),
                Node::Seq(vec![Node::map(vec![(
                    "path",
                    Node::s("replacements.yaml"),
                )])]),
            ));
        } else {
            k.push(("replacements".into(), Node::Seq(list)));
        }
    }
    if g.chance(0.06) {
        vars(g, k, visible);
    }
    if g.chance(0.2 * boost) {
        plugins::transformers(g, k, folder, visible);
    }
    if g.chance(0.08) && role == Role::Top {
        sort_options(g, k);
    }
    if g.chance(0.04) && role == Role::Top {
        let count = g.rng.random_range(1..=2);
        let opts: Vec<Node> = ["originAnnotations", "managedByLabel"]
            .choose_multiple(g.rng, count)
            .map(|s| Node::s(*s))
            .collect();
        k.push(("buildMetadata".into(), Node::Seq(opts)));
    }
    if g.chance(0.07) && role != Role::Component {
        openapi(g, k, folder);
    }
    if g.chance(0.2) {
        k.shuffle(g.rng);
    }
}

/// An `openapi` field: a custom schema giving Widgets (and maybe
/// Deployments) merge keys and maybe a cluster scope, or the built-in
/// version.
fn openapi(g: &mut Gen<'_>, k: &mut Vec<(String, Node)>, folder: &mut Folder) {
    if g.chance(0.2) {
        k.push((
            "openapi".into(),
            Node::map(vec![("version", Node::s("v1.21.2"))]),
        ));
        return;
    }
    let keyed = |items: &str, key: &str| {
        Node::map(vec![
            ("type", Node::s("array")),
            (
                "items",
                Node::map(vec![("$ref", Node::s(format!("#/definitions/{items}")))]),
            ),
            ("x-kubernetes-patch-merge-key", Node::s(key)),
            ("x-kubernetes-patch-strategy", Node::s("merge")),
        ])
    };
    let gvk = |group: &str, version: &str, kind: &str| {
        Node::Seq(vec![Node::map(vec![
            ("group", Node::s(group)),
            ("kind", Node::s(kind)),
            ("version", Node::s(version)),
        ])])
    };
    let object = |props: Vec<(&str, Node)>| {
        Node::map(vec![
            ("type", Node::s("object")),
            ("properties", Node::map(props)),
        ])
    };
    let reference = |to: &str| Node::map(vec![("$ref", Node::s(format!("#/definitions/{to}")))]);
    let mut widget = object(vec![("spec", reference("com.example.v1.WidgetSpec"))]);
    widget.set(
        "x-kubernetes-group-version-kind",
        gvk("example.com", "v1", "Widget"),
    );
    let mut defs = vec![
        ("com.example.v1.Widget", widget),
        (
            "com.example.v1.WidgetSpec",
            object(vec![
                ("items", keyed("com.example.v1.Item", "name")),
                ("template", reference("io.k8s.api.core.v1.PodTemplateSpec")),
            ]),
        ),
        (
            "com.example.v1.Item",
            object(vec![("name", Node::map(vec![("type", Node::s("string"))]))]),
        ),
    ];
    if g.chance(0.5) {
        let mut deploy = object(vec![("spec", reference("apps.DeploymentSpec"))]);
        deploy.set(
            "x-kubernetes-group-version-kind",
            gvk("apps", "v1", "Deployment"),
        );
        defs.push(("apps.Deployment", deploy));
        defs.push((
            "apps.DeploymentSpec",
            object(vec![("template", reference("apps.Template"))]),
        ));
        defs.push((
            "apps.Template",
            object(vec![("spec", reference("apps.PodSpec"))]),
        ));
        defs.push((
            "apps.PodSpec",
            object(vec![("containers", keyed("apps.Container", "name"))]),
        ));
        defs.push(("apps.Container", object(vec![])));
    }
    let mut doc = vec![("definitions", Node::map(defs))];
    if g.chance(0.3) {
        let get = Node::map(vec![(
            "get",
            Node::map(vec![(
                "x-kubernetes-group-version-kind",
                Node::map(vec![
                    ("group", Node::s("example.com")),
                    ("kind", Node::s("Widget")),
                    ("version", Node::s("v1")),
                ]),
            )]),
        )]);
        let path = if g.chance(0.5) {
            "/apis/example.com/v1/widgets"
        } else {
            "/apis/example.com/v1/namespaces/{namespace}/widgets"
        };
        doc.push(("paths", Node::map(vec![(path, get)])));
    }
    let doc = Node::map(doc);
    let text = if g.chance(0.7) {
        serde_json::to_string_pretty(&to_json(&doc)).unwrap()
    } else {
        yaml::odd_yaml(&doc, g.rng, false)
    };
    folder.add("openapi.json", text);
    k.push((
        "openapi".into(),
        Node::map(vec![("path", Node::s("openapi.json"))]),
    ));
}

fn renamable(kind: &str) -> bool {
    !matches!(
        kind,
        "CustomResourceDefinition" | "Namespace" | "APIService"
    )
}

/// Kinds kustomize knows to be cluster-scoped, among those generated.
pub fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "StorageClass"
            | "PriorityClass"
            | "PersistentVolume"
            | "CustomResourceDefinition"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
    )
}

fn generator_options(g: &mut Gen<'_>) -> Node {
    let mut o = Vec::new();
    if g.chance(0.4) {
        o.push(("disableNameSuffixHash", Node::Bool(true)));
    }
    if g.chance(0.3) {
        o.push(("labels", Node::map(vec![("generated", g.label_value())])));
    }
    if g.chance(0.3) {
        o.push((
            "annotations",
            Node::map(vec![("gen/by", Node::s("kustomize"))]),
        ));
    }
    if g.chance(0.15) {
        o.push(("immutable", Node::Bool(true)));
    }
    Node::map(o)
}

fn generators(
    g: &mut Gen<'_>,
    role: Role,
    k: &mut Vec<(String, Node)>,
    folder: &mut Folder,
    visible: &mut Vec<Visible>,
) {
    let mut cms = Vec::new();
    let mut secrets = Vec::new();
    for _ in 0..g.rng.random_range(1..=2) {
        let secret = g.chance(0.35);
        let name = if secret {
            *g.names.secrets.choose(g.rng).unwrap()
        } else {
            *g.names.configmaps.choose(g.rng).unwrap()
        };
        let kind = if secret { "Secret" } else { "ConfigMap" };
        let ns = if g.chance(0.1) {
            Some(*g.names.namespaces.choose(g.rng).unwrap())
        } else {
            None
        };
        let same_ns = |have: Option<&str>| match (ns, have) {
            (None | Some("default"), None | Some("default")) => true,
            (a, b) => a == b,
        };
        let exists = visible.iter().any(|v| {
            v.kind == kind
                && ((v.orig_name == name && same_ns(v.orig_namespace.as_deref()))
                    || (v.name == name && same_ns(v.namespace.as_deref())))
        });
        let clash = false;
        if (exists && (role == Role::Base || g.chance(0.2))) || (clash && !exists) {
            continue;
        }
        let mut e = vec![("name", Node::s(name))];
        if exists && g.chance(0.95) {
            e.push((
                "behavior",
                Node::s(*["merge", "replace"].choose(g.rng).unwrap()),
            ));
        } else if !exists && g.chance(0.01) {
            e.push(("behavior", Node::s("merge")));
        }
        if g.chance(0.6) {
            let count = g.rng.random_range(1..=3);
            let lits: Vec<Node> = [
                "key=value",
                "mode=0644",
                "flag=yes",
                "quoted=\"a b\"",
                "empty=",
                "url=http://x?a=b",
            ]
            .choose_multiple(g.rng, count)
            .map(|s| Node::s(*s))
            .collect();
            e.push(("literals", Node::Seq(lits)));
        }
        if g.chance(0.3) {
            let body = [
                "line one\nline two\n",
                "{\"json\": true}",
                "plain",
                "trailing  \n",
                "ä ö\n",
            ]
            .choose(g.rng)
            .unwrap();
            let file = *["app.properties", "config.json", "notes.txt"]
                .choose(g.rng)
                .unwrap();
            folder.add(file, body.to_string());
            let entry = if g.chance(0.4) {
                format!("renamed.txt={file}")
            } else {
                file.to_string()
            };
            e.push(("files", Node::Seq(vec![Node::s(entry)])));
        }
        if g.chance(0.25) {
            let body = [
                "A=1\nB=two\n",
                "# comment\nC=3\n\nD=\"q\"\n",
                "E=x=y\n",
                "F\n",
            ]
            .choose(g.rng)
            .unwrap();
            folder.add("vars.env", body.to_string());
            e.push(("envs", Node::Seq(vec![Node::s("vars.env")])));
        }
        if !e
            .iter()
            .any(|(k, _)| matches!(*k, "literals" | "files" | "envs"))
        {
            e.push(("literals", Node::Seq(vec![Node::s("k=v")])));
        }
        if g.chance(0.2) {
            e.push(("options", generator_options(g)));
        }
        if let Some(ns) = ns {
            e.push(("namespace", Node::s(ns)));
        }
        if secret && g.chance(0.2) {
            e.push(("type", Node::s("kubernetes.io/tls")));
        }
        if !exists {
            visible.push(Visible::new("v1", kind, name, ns));
        }
        if secret {
            secrets.push(Node::map(e));
        } else {
            cms.push(Node::map(e));
        }
    }
    if !cms.is_empty() {
        k.push(("configMapGenerator".into(), Node::Seq(cms)));
    }
    if !secrets.is_empty() {
        k.push(("secretGenerator".into(), Node::Seq(secrets)));
    }
    if g.chance(0.3) {
        k.push(("generatorOptions".into(), generator_options(g)));
    }
}

/// `configurations:` (or `crds:`) teaching name references, labels and
/// images in Widgets.
fn teach_widgets(g: &mut Gen<'_>, k: &mut Vec<(String, Node)>, folder: &mut Folder) {
    let fs = |path: &str| Node::map(vec![("kind", Node::s("Widget")), ("path", Node::s(path))]);
    let mut conf = vec![(
        "nameReference",
        Node::Seq(vec![
            Node::map(vec![
                ("kind", Node::s("ConfigMap")),
                ("version", Node::s("v1")),
                ("fieldSpecs", Node::Seq(vec![fs("spec/configRef/name")])),
            ]),
            Node::map(vec![
                ("kind", Node::s("Secret")),
                ("version", Node::s("v1")),
                ("fieldSpecs", Node::Seq(vec![fs("spec/secretName")])),
            ]),
        ]),
    )];
    if g.chance(0.5) {
        conf.push(("images", Node::Seq(vec![fs("spec/image")])));
    }
    if g.chance(0.4) {
        let mut f = fs("spec/template/metadata/labels");
        f.set("create", Node::Bool(true));
        conf.push(("commonLabels", Node::Seq(vec![f])));
    }
    if g.chance(0.3) {
        conf.push(("replicas", Node::Seq(vec![fs("spec/size")])));
    }
    if g.chance(0.2) {
        conf.push(("namespace", Node::Seq(vec![fs("spec/targetNamespace")])));
    }
    if g.chance(0.2) {
        conf.push((
            "varReference",
            Node::Seq(vec![fs("spec/template/spec/containers/args")]),
        ));
    }
    if g.chance(0.8) {
        let text = yaml::odd_yaml(&Node::map(conf), g.rng, g.odd);
        folder.add("widget-config.yaml", text);
        k.push((
            "configurations".into(),
            Node::Seq(vec![Node::s("widget-config.yaml")]),
        ));
    } else {
        // The legacy crds field: OpenAPI definitions by type name, whose
        // properties carry reference and label hints.
        let prop = |ext: Vec<(&str, Node)>| Node::map(ext);
        let crd = Node::map(vec![
            (
                "com.example.v1.Widget",
                Node::map(vec![(
                    "Schema",
                    Node::map(vec![(
                        "properties",
                        Node::map(vec![
                            ("apiVersion", prop(vec![("type", Node::s("string"))])),
                            ("kind", prop(vec![("type", Node::s("string"))])),
                            ("metadata", prop(vec![("type", Node::s("object"))])),
                            (
                                "spec",
                                prop(vec![("$ref", Node::s("com.example.v1.WidgetSpec"))]),
                            ),
                        ]),
                    )]),
                )]),
            ),
            (
                "com.example.v1.WidgetSpec",
                Node::map(vec![(
                    "Schema",
                    Node::map(vec![(
                        "properties",
                        Node::map(vec![
                            (
                                "configRef",
                                prop(vec![
                                    ("x-kubernetes-object-ref-api-version", Node::s("v1")),
                                    ("x-kubernetes-object-ref-kind", Node::s("ConfigMap")),
                                ]),
                            ),
                            (
                                "selector",
                                prop(vec![("x-kubernetes-label-selector", Node::s(""))]),
                            ),
                            (
                                "owner",
                                prop(vec![("x-kubernetes-annotation", Node::s(""))]),
                            ),
                        ]),
                    )]),
                )]),
            ),
        ]);
        let text = if g.chance(0.5) {
            serde_json::to_string_pretty(&to_json(&crd)).unwrap()
        } else {
            yaml::to_yaml(&crd, g.rng, Style::plain())
        };
        folder.add("widget-crd.json", text);
        k.push(("crds".into(), Node::Seq(vec![Node::s("widget-crd.json")])));
    }
}

/// A patch written inline or to a file.
fn patch_text(g: &mut Gen<'_>, doc: &Node) -> String {
    let style = Style::random(g.rng, g.odd);
    yaml::to_yaml(doc, g.rng, style)
}

fn patches_field(
    g: &mut Gen<'_>,
    k: &mut Vec<(String, Node)>,
    folder: &mut Folder,
    visible: &mut Vec<Visible>,
) {
    let mut list = Vec::new();
    for i in 0..g.rng.random_range(1..=3) {
        let Some(v) = visible.choose(g.rng).cloned() else {
            break;
        };
        let json = g.chance(0.35);
        let doc = if json {
            patches::json_ops(g.rng, &v)
        } else {
            patches::smp(g.rng, &v)
        };
        if patches::deletes(&doc) {
            visible.retain(|x| {
                !(x.kind == v.kind && x.orig_name == v.orig_name && x.namespace == v.namespace)
            });
        }
        let mut e = Vec::new();
        let text = if json && g.chance(0.2) {
            serde_json::to_string(&to_json(&doc)).unwrap()
        } else {
            patch_text(g, &doc)
        };
        if g.chance(0.35) {
            let file = format!("patch-{i}.yaml");
            folder.add(&file, text);
            e.push(("path", Node::s(file)));
        } else {
            e.push(("patch", Node::s(text)));
        }
        if json || g.chance(0.35) {
            e.push(("target", patches::target(g.rng, &v)));
        }
        if !json && g.chance(0.1) {
            let key = if g.chance(0.8) {
                "allowNameChange"
            } else {
                "allowKindChange"
            };
            e.push(("options", Node::map(vec![(key, Node::Bool(true))])));
        }
        list.push(Node::map(e));
    }
    k.push(("patches".into(), Node::Seq(list)));
}

fn legacy_smp(
    g: &mut Gen<'_>,
    k: &mut Vec<(String, Node)>,
    folder: &mut Folder,
    visible: &mut Vec<Visible>,
) {
    let v = visible.choose(g.rng).unwrap().clone();
    let doc = patches::smp(g.rng, &v);
    if patches::deletes(&doc) {
        visible.retain(|x| {
            !(x.kind == v.kind && x.orig_name == v.orig_name && x.namespace == v.namespace)
        });
    }
    let text = patch_text(g, &doc);
    let entry = if g.chance(0.5) {
        folder.add("legacy-patch.yaml", text);
        Node::s("legacy-patch.yaml")
    } else {
        Node::s(text)
    };
    k.push(("patchesStrategicMerge".into(), Node::Seq(vec![entry])));
}

fn legacy_json(
    g: &mut Gen<'_>,
    k: &mut Vec<(String, Node)>,
    folder: &mut Folder,
    visible: &[Visible],
) {
    let v = visible.choose(g.rng).unwrap().clone();
    let ops = patches::json_ops(g.rng, &v);
    let (group, version) = match v.api_version.split_once('/') {
        Some((gr, ver)) => (gr.to_string(), ver.to_string()),
        None => (String::new(), v.api_version.clone()),
    };
    let mut target = vec![
        ("version", Node::s(version)),
        ("kind", Node::s(v.kind.clone())),
        ("name", Node::s(v.orig_name.clone())),
    ];
    if !group.is_empty() {
        target.push(("group", Node::s(group)));
    }
    let mut e = vec![("target", Node::map(target))];
    if g.chance(0.5) {
        let text = patch_text(g, &ops);
        folder.add("legacy-json.yaml", text);
        e.push(("path", Node::s("legacy-json.yaml")));
    } else {
        e.push(("patch", Node::s(patch_text(g, &ops))));
    }
    k.push(("patchesJson6902".into(), Node::Seq(vec![Node::map(e)])));
}

fn labels(g: &mut Gen<'_>, k: &mut Vec<(String, Node)>) {
    let mut list = Vec::new();
    for _ in 0..g.rng.random_range(1..=2) {
        let key = *["team", "app.kubernetes.io/name", "stage"]
            .choose(g.rng)
            .unwrap();
        let mut e = vec![("pairs", Node::map(vec![(key, g.label_value())]))];
        if g.chance(0.4) {
            e.push(("includeSelectors", Node::Bool(g.chance(0.7))));
        }
        if g.chance(0.4) {
            e.push(("includeTemplates", Node::Bool(true)));
        }
        if g.chance(0.15) {
            e.push((
                "fields",
                Node::Seq(vec![Node::map(vec![
                    ("kind", Node::s("Widget")),
                    ("path", Node::s("spec/selector/matchLabels")),
                    ("create", Node::Bool(true)),
                ])]),
            ));
        }
        list.push(Node::map(e));
    }
    k.push(("labels".into(), Node::Seq(list)));
}

fn images(g: &mut Gen<'_>, k: &mut Vec<(String, Node)>) {
    let mut list = Vec::new();
    for _ in 0..g.rng.random_range(1..=2) {
        let image = IMAGES.choose(g.rng).unwrap();
        let name = image.split(['@']).next().unwrap();
        let name = match name.rsplit_once(':') {
            Some((n, tag)) if !tag.contains('/') => n,
            _ => name,
        };
        let name = if g.chance(0.08) { "*" } else { name };
        let mut e = vec![("name", Node::s(name))];
        match g.rng.random_range(0..5) {
            0 => e.push(("newTag", Node::s("2.0"))),
            1 => e.push(("newName", Node::s("mirror.local/app"))),
            2 => e.push((
                "digest",
                Node::s("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            )),
            3 => {
                e.push(("newName", Node::s("mirror.local/app")));
                let tag = if g.chance(0.1) {
                    Node::Raw("1.30".into())
                } else {
                    Node::s("1.30")
                };
                e.push(("newTag", tag));
            }
            _ => e.push(("tagSuffix", Node::s("-debug"))),
        }
        list.push(Node::map(e));
    }
    k.push(("images".into(), Node::Seq(list)));
}

fn replicas(g: &mut Gen<'_>, k: &mut Vec<(String, Node)>, visible: &[Visible]) {
    let workloads: Vec<&Visible> = visible
        .iter()
        .filter(|v| matches!(v.kind.as_str(), "Deployment" | "StatefulSet" | "ReplicaSet"))
        .collect();
    let name = match workloads.choose(g.rng) {
        Some(v) if g.chance(0.97) => v.orig_name.clone(),
        None if g.chance(0.9) => return,
        _ => "web".to_string(),
    };
    k.push((
        "replicas".into(),
        Node::Seq(vec![Node::map(vec![
            ("name", Node::s(name)),
            ("count", Node::Int(g.rng.random_range(0..6))),
        ])]),
    ));
}

fn vars(g: &mut Gen<'_>, k: &mut Vec<(String, Node)>, visible: &[Visible]) {
    let Some(v) = visible
        .iter()
        .filter(|v| v.kind != "Namespace")
        .collect::<Vec<_>>()
        .choose(g.rng)
        .map(|v| (*v).clone())
    else {
        return;
    };
    let mut objref = vec![
        ("kind", Node::s(v.kind.clone())),
        ("name", Node::s(v.orig_name.clone())),
    ];
    if g.chance(0.92) {
        objref.push(("apiVersion", Node::s(v.api_version.clone())));
    }
    let mut var = vec![("name", Node::s("APP_NAME")), ("objref", Node::map(objref))];
    if g.chance(0.4) {
        var.push((
            "fieldref",
            Node::map(vec![(
                "fieldpath",
                Node::s(
                    *["metadata.name", "metadata.namespace", "metadata.labels.app"]
                        .choose(g.rng)
                        .unwrap(),
                ),
            )]),
        ));
    }
    k.push(("vars".into(), Node::Seq(vec![Node::map(var)])));
}

fn sort_options(g: &mut Gen<'_>, k: &mut Vec<(String, Node)>) {
    let o = if g.chance(0.5) {
        Node::map(vec![("order", Node::s("fifo"))])
    } else {
        Node::map(vec![
            ("order", Node::s("legacy")),
            (
                "legacySortOptions",
                Node::map(vec![
                    (
                        "orderFirst",
                        Node::Seq(vec![Node::s("Service"), Node::s("ConfigMap")]),
                    ),
                    ("orderLast", Node::Seq(vec![Node::s("Deployment")])),
                ]),
            ),
        ])
    };
    k.push(("sortOptions".into(), o));
}

/// A node as JSON (for JSON-written patches).
pub fn to_json(n: &Node) -> serde_json::Value {
    use serde_json::Value;
    match n {
        Node::Str(s) => Value::String(s.clone()),
        Node::Int(i) => Value::from(*i),
        Node::Bool(b) => Value::Bool(*b),
        Node::Null => Value::Null,
        Node::Raw(t) => Value::String(t.clone()),
        Node::Seq(s) => Value::Array(s.iter().map(to_json).collect()),
        Node::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}
