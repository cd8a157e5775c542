//! Random patches (strategic merge and JSON 6902), patch targets and
//! replacements aimed at the objects a kustomization can see.

use super::case::Visible;
use super::objects::IMAGES;
use super::yaml::Node;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// The identity a patch names an object by.
fn head(rng: &mut StdRng, v: &Visible) -> Vec<(String, Node)> {
    let name = if rng.random_bool(0.85) {
        &v.orig_name
    } else {
        &v.name
    };
    let mut meta = vec![("name".to_string(), Node::s(name.clone()))];
    if let Some(ns) = &v.namespace
        && rng.random_bool(0.95)
    {
        meta.push(("namespace".into(), Node::s(ns.clone())));
    }
    vec![
        ("apiVersion".into(), Node::s(v.api_version.clone())),
        ("kind".into(), Node::s(v.kind.clone())),
        ("metadata".into(), Node::Map(meta)),
    ]
}

fn is_workload(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job"
    )
}

/// A pod-spec patch for a workload.
fn pod_patch(rng: &mut StdRng, v: &Visible) -> Node {
    let mut spec = Vec::new();
    let mut containers = Vec::new();
    let names: Vec<String> = if v.containers.is_empty() {
        vec!["main".into()]
    } else {
        v.containers.clone()
    };
    for _ in 0..rng.random_range(1..=2) {
        let name = if rng.random_bool(0.75) {
            names.choose(rng).unwrap().clone()
        } else {
            "extra".to_string()
        };
        let mut c = vec![("name".to_string(), Node::s(name))];
        match rng.random_range(0..8) {
            0 => c.push(("$patch".into(), Node::s("delete"))),
            1 => c.push((
                "ports".into(),
                Node::Seq(vec![Node::map(vec![(
                    "containerPort",
                    Node::Int(*[80, 8080, 53].choose(rng).unwrap()),
                )])]),
            )),
            2 => {
                let mut p = vec![("containerPort", Node::Int(53))];
                p.push(("protocol", Node::s(*["UDP", "TCP"].choose(rng).unwrap())));
                if rng.random_bool(0.5) {
                    p.push(("name", Node::s("dns")));
                }
                c.push(("ports".into(), Node::Seq(vec![Node::map(p)])));
            }
            3 => c.push((
                "env".into(),
                Node::Seq(vec![
                    Node::map(vec![
                        ("name", Node::s("MODE")),
                        ("value", Node::s("patched")),
                    ]),
                    Node::map(vec![
                        ("name", Node::s("NEW")),
                        ("value", Node::Raw("yes".into())),
                    ]),
                ]),
            )),
            4 => c.push(("args".into(), Node::Seq(vec![Node::s("--patched")]))),
            5 => c.push((
                "resources".into(),
                Node::map(vec![("limits", Node::map(vec![("cpu", Node::Null)]))]),
            )),
            6 => c.push((
                "volumeMounts".into(),
                Node::Seq(vec![Node::map(vec![
                    ("name", Node::s("extra")),
                    ("mountPath", Node::s("/extra")),
                ])]),
            )),
            _ => c.push(("image".into(), Node::s(*IMAGES.choose(rng).unwrap()))),
        }
        if !containers
            .iter()
            .any(|x: &Node| x.get("name") == Some(&c[0].1))
        {
            containers.push(Node::Map(c));
        }
    }
    if rng.random_bool(0.1) {
        containers.push(Node::map(vec![("$patch", Node::s("replace"))]));
    }
    spec.push(("containers".to_string(), Node::Seq(containers)));
    match rng.random_range(0..8) {
        0 => spec.push((
            "volumes".into(),
            Node::Seq(vec![Node::map(vec![
                ("name", Node::s("extra")),
                ("emptyDir", Node::map::<&str>(vec![])),
            ])]),
        )),
        1 => spec.push(("serviceAccountName".into(), Node::s("patched-sa"))),
        2 => spec.push((
            "tolerations".into(),
            Node::Seq(vec![Node::map(vec![("operator", Node::s("Exists"))])]),
        )),
        3 => spec.push(("nodeSelector".into(), Node::Null)),
        4 => spec.push((
            "nodeSelector".into(),
            Node::map(vec![("$patch", Node::s("replace")), ("zone", Node::s("b"))]),
        )),
        5 => spec.push((
            "imagePullSecrets".into(),
            Node::Seq(vec![Node::map(vec![("name", Node::s("pull"))])]),
        )),
        _ => {}
    }
    Node::Map(spec)
}

/// A strategic merge patch for `v`.
pub fn smp(rng: &mut StdRng, v: &Visible) -> Node {
    let mut p = head(rng, v);
    if rng.random_bool(0.04) {
        p.push(("$patch".into(), Node::s("delete")));
        return Node::Map(p);
    }
    let mut meta_extra: Vec<(String, Node)> = Vec::new();
    if rng.random_bool(0.35) {
        let mut labels = vec![("patched".to_string(), Node::s("true"))];
        if let Some((k, _)) = v.labels.choose(rng)
            && rng.random_bool(0.5)
        {
            labels.push((k.clone(), Node::Null));
        }
        meta_extra.push(("labels".into(), Node::Map(labels)));
    }
    if rng.random_bool(0.25) {
        let mut a = vec![("patched-by".to_string(), Node::s("overlay"))];
        if rng.random_bool(0.5) {
            a.push(("note".into(), Node::Null));
        }
        meta_extra.push(("annotations".into(), Node::Map(a)));
    }
    if rng.random_bool(0.05) {
        meta_extra.push((
            "finalizers".into(),
            Node::Seq(vec![Node::s("example.com/other")]),
        ));
    }
    if let Some(Node::Map(meta)) = p.iter_mut().find(|(k, _)| k == "metadata").map(|(_, m)| m) {
        meta.extend(meta_extra);
    }
    let kind = v.kind.as_str();
    match kind {
        k if is_workload(k) => {
            let mut spec = Vec::new();
            if k != "DaemonSet" && k != "Job" && rng.random_bool(0.4) {
                spec.push(("replicas".to_string(), Node::Int(rng.random_range(2..6))));
            }
            if rng.random_bool(0.8) {
                spec.push((
                    "template".into(),
                    Node::map(vec![("spec", pod_patch(rng, v))]),
                ));
            }
            p.push(("spec".into(), Node::Map(spec)));
        }
        "CronJob" => p.push((
            "spec".into(),
            Node::map(vec![(
                "jobTemplate",
                Node::map(vec![(
                    "spec",
                    Node::map(vec![(
                        "template",
                        Node::map(vec![("spec", pod_patch(rng, v))]),
                    )]),
                )]),
            )]),
        )),
        "Pod" => p.push(("spec".into(), pod_patch(rng, v))),
        "Service" => {
            let mut port = vec![("port", Node::Int(*[80, 53, 443].choose(rng).unwrap()))];
            if rng.random_bool(0.4) {
                port.push(("protocol", Node::s(*["TCP", "UDP"].choose(rng).unwrap())));
            }
            port.push(("targetPort", Node::Int(9090)));
            let mut ports = vec![Node::map(port)];
            if rng.random_bool(0.2) {
                ports.push(Node::map(vec![
                    ("port", Node::Int(80)),
                    ("$patch", Node::s("delete")),
                ]));
            }
            p.push(("spec".into(), Node::map(vec![("ports", Node::Seq(ports))])));
        }
        "ConfigMap" => {
            let mut data = vec![("added".to_string(), super::objects::value(rng, true))];
            if rng.random_bool(0.4) {
                data.push(("key".into(), Node::Null));
            }
            p.push(("data".into(), Node::Map(data)));
        }
        "ServiceAccount" => p.push((
            "secrets".into(),
            Node::Seq(vec![Node::map(vec![("name", Node::s("extra-token"))])]),
        )),
        "RoleBinding" | "ClusterRoleBinding" => p.push((
            "subjects".into(),
            Node::Seq(vec![Node::map(vec![
                ("kind", Node::s("ServiceAccount")),
                ("name", Node::s("runner")),
                ("namespace", Node::s("team-a")),
            ])]),
        )),
        "Widget" => {
            let mut spec = vec![("size", Node::Int(9))];
            if rng.random_bool(0.5) {
                spec.push((
                    "items",
                    Node::Seq(vec![Node::map(vec![
                        ("name", Node::s("a")),
                        ("value", Node::Int(10)),
                    ])]),
                ));
            }
            if rng.random_bool(0.3) {
                spec.push(("template", Node::map(vec![("spec", pod_patch(rng, v))])));
            }
            p.push(("spec".into(), Node::map(spec)));
        }
        _ => {}
    }
    Node::Map(p)
}

/// Whether a patch deletes its object.
pub fn deletes(doc: &Node) -> bool {
    doc.get("$patch") == Some(&Node::s("delete"))
}

/// JSON 6902 operations for `v`.
pub fn json_ops(rng: &mut StdRng, v: &Visible) -> Node {
    let mut ops = Vec::new();
    for _ in 0..rng.random_range(1..=3) {
        let op = match (v.kind.as_str(), rng.random_range(0..9)) {
            (_, 0) => vec![
                ("op", Node::s("add")),
                ("path", Node::s("/metadata/labels")),
                ("value", Node::map(vec![("json", Node::s("patched"))])),
            ],
            (_, 1) => vec![
                ("op", Node::s("add")),
                ("path", Node::s("/metadata/annotations")),
                (
                    "value",
                    Node::map(vec![(
                        "flag",
                        Node::Raw(["yes", "on", "true", "1"].choose(rng).unwrap().to_string()),
                    )]),
                ),
            ],
            (k, 2) if is_workload(k) => vec![
                ("op", Node::s("replace")),
                ("path", Node::s("/spec/replicas")),
                ("value", Node::Int(7)),
            ],
            (k, 3) if is_workload(k) => vec![
                ("op", Node::s("replace")),
                ("path", Node::s("/spec/template/spec/containers/0/image")),
                ("value", Node::s("nginx:json")),
            ],
            (k, 4) if is_workload(k) => vec![
                ("op", Node::s("add")),
                ("path", Node::s("/spec/template/spec/containers/-")),
                (
                    "value",
                    Node::map(vec![
                        ("name", Node::s("added")),
                        ("image", Node::s("busybox")),
                    ]),
                ),
            ],
            ("ConfigMap", _) => vec![
                ("op", Node::s("add")),
                ("path", Node::s("/data/json")),
                ("value", super::objects::value(rng, true)),
            ],
            ("Service", 5) => vec![
                ("op", Node::s("add")),
                ("path", Node::s("/spec/ports/-")),
                (
                    "value",
                    Node::map(vec![("port", Node::Int(8443)), ("name", Node::s("alt"))]),
                ),
            ],
            (_, 6) => vec![
                ("op", Node::s("test")),
                ("path", Node::s("/kind")),
                ("value", Node::s(v.kind.clone())),
            ],
            (_, 7) => vec![
                ("op", Node::s("copy")),
                ("from", Node::s("/metadata/name")),
                (
                    "path",
                    Node::s(if rng.random_bool(0.9) {
                        "/copiedName"
                    } else {
                        "/metadata/labels/copied"
                    }),
                ),
            ],
            _ => vec![
                ("op", Node::s("replace")),
                ("path", Node::s("/metadata/name")),
                ("value", Node::s(format!("{}-renamed", v.orig_name))),
            ],
        };
        ops.push(Node::map(op));
    }
    Node::Seq(ops)
}

/// A patch target selecting `v` (or a few objects like it).
pub fn target(rng: &mut StdRng, v: &Visible) -> Node {
    let mut t = Vec::new();
    match rng.random_range(0..8) {
        0 => t.push(("kind", Node::s(v.kind.clone()))),
        1 => {
            t.push(("kind", Node::s(v.kind.clone())));
            t.push(("name", Node::s(v.orig_name.clone())));
        }
        2 => {
            let first: String = v.orig_name.chars().take(1).collect();
            t.push(("name", Node::s(format!("{first}.*"))));
        }
        3 if !v.labels.is_empty() => {
            let (k, val) = v.labels.choose(rng).unwrap();
            t.push(("labelSelector", Node::s(format!("{k}={val}"))));
        }
        4 => {
            let (group, version) = match v.api_version.split_once('/') {
                Some((g, ver)) => (g.to_string(), ver.to_string()),
                None => (String::new(), v.api_version.clone()),
            };
            if !group.is_empty() {
                t.push(("group", Node::s(group)));
            }
            t.push(("version", Node::s(version)));
            t.push(("kind", Node::s(v.kind.clone())));
        }
        5 => {
            t.push(("name", Node::s(v.name.clone())));
            if let Some(ns) = &v.namespace {
                t.push(("namespace", Node::s(ns.clone())));
            }
        }
        6 => t.push(("annotationSelector", Node::s("note"))),
        _ => {
            t.push(("kind", Node::s(v.kind.clone())));
            t.push(("name", Node::s(v.orig_name.clone())));
        }
    }
    Node::map(t)
}

/// Field paths (replacement syntax) an object of `kind` may have.
fn field_paths(kind: &str) -> Vec<&'static str> {
    let mut out = vec![
        "metadata.name",
        "metadata.labels.app",
        "metadata.annotations.note",
    ];
    match kind {
        k if is_workload(k) => out.extend([
            "spec.replicas",
            "spec.template.spec.containers.0.image",
            "spec.template.spec.containers.[name=main].image",
            "spec.template.spec.containers.*.image",
            "spec.template.spec.serviceAccountName",
            "spec.template.metadata.labels.app",
        ]),
        "ConfigMap" => out.extend(["data.key", "data.mode"]),
        "Service" => out.extend([
            "spec.ports.0.port",
            "spec.selector.app",
            "spec.ports.*.name",
        ]),
        "Widget" => out.extend([
            "spec.size",
            "spec.configRef.name",
            "spec.items.[name=a].value",
        ]),
        _ => {}
    }
    out
}

/// The [`field_paths`] of `kind` that `body` has.
pub fn existing_paths(kind: &str, body: &Node) -> Vec<&'static str> {
    field_paths(kind)
        .into_iter()
        .filter(|p| has_path(body, p))
        .collect()
}

/// Whether `node` has the field at `path` (replacement syntax).
fn has_path(node: &Node, path: &str) -> bool {
    let Some((step, rest)) = path.split_once('.').map_or(Some((path, "")), Some) else {
        return false;
    };
    let next: Vec<&Node> = match node {
        Node::Seq(items) if step == "*" => items.iter().collect(),
        Node::Seq(items) => match step.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(kv) => {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                items
                    .iter()
                    .filter(|i| i.get(k).and_then(Node::as_str) == Some(v))
                    .collect()
            }
            None => step
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .into_iter()
                .collect(),
        },
        Node::Map(_) => node.get(step).into_iter().collect(),
        _ => Vec::new(),
    };
    if rest.is_empty() {
        return !next.is_empty();
    }
    !next.is_empty() && next.iter().all(|n| has_path(n, rest))
}

/// A path `v` has (mostly), else any path an object of its kind may have.
fn pick_path(rng: &mut StdRng, v: &Visible, names: bool) -> &'static str {
    let ok = |p: &&str| names || *p != "metadata.name";
    let have: Vec<&'static str> = v.paths.iter().copied().filter(ok).collect();
    if !have.is_empty() && rng.random_bool(0.85) {
        return have.choose(rng).copied().unwrap();
    }
    field_paths(&v.kind)
        .into_iter()
        .filter(ok)
        .collect::<Vec<_>>()
        .choose(rng)
        .copied()
        .unwrap_or("metadata.labels.app")
}

/// One replacement from one visible object into others.
pub fn replacement(rng: &mut StdRng, visible: &[Visible]) -> Node {
    let src = visible.choose(rng).unwrap();
    // kustomize re-reads text it writes into names it set itself (a
    // `null` copied there becomes null); tether keeps a string, so odd
    // values are not copied into names.
    let into_names = rng.random_bool(0.3);
    let mut r = Vec::new();
    if rng.random_bool(0.15) && !into_names {
        r.push(("sourceValue", super::objects::value(rng, false)));
    } else {
        let mut source = vec![("kind", Node::s(src.kind.clone()))];
        if rng.random_bool(0.85) {
            source.push((
                "name",
                Node::s(if rng.random_bool(0.7) {
                    src.orig_name.clone()
                } else {
                    src.name.clone()
                }),
            ));
        }
        let path = if into_names || rng.random_bool(0.5) {
            "metadata.name"
        } else {
            pick_path(rng, src, true)
        };
        source.push(("fieldPath", Node::s(path)));
        if rng.random_bool(0.2) {
            let index = if rng.random_bool(0.8) { 0 } else { 1 };
            source.push((
                "options",
                Node::map(vec![
                    ("delimiter", Node::s(*["-", ":", "/"].choose(rng).unwrap())),
                    ("index", Node::Int(index)),
                ]),
            ));
        }
        r.push(("source", Node::map(source)));
    }
    let mut targets = Vec::new();
    for _ in 0..rng.random_range(1..=2) {
        let tgt = visible.choose(rng).unwrap();
        let mut select = vec![("kind", Node::s(tgt.kind.clone()))];
        let named = rng.random_bool(0.5);
        if named {
            select.push(("name", Node::s(tgt.orig_name.clone())));
        }
        let mut t = vec![("select", Node::map(select))];
        if rng.random_bool(0.15) {
            t.push((
                "reject",
                Node::Seq(vec![Node::map(vec![(
                    "name",
                    Node::s(tgt.orig_name.clone()),
                )])]),
            ));
        }
        let first = if into_names {
            "metadata.name"
        } else {
            pick_path(rng, tgt, false)
        };
        let mut paths = vec![Node::s(first)];
        if rng.random_bool(0.2) {
            paths.push(Node::s(
                *[
                    "metadata.annotations.copied",
                    "spec.extra.value",
                    "metadata.labels.[x=y]",
                ]
                .choose(rng)
                .unwrap(),
            ));
        }
        let one_path = paths.len() == 1;
        t.push(("fieldPaths", Node::Seq(paths)));
        let mut opts = Vec::new();
        // Mostly made to work: a path some selected object may lack is
        // created.
        let sure = named && one_path && tgt.paths.contains(&first);
        if rng.random_bool(if sure { 0.5 } else { 0.9 }) {
            opts.push(("create", Node::Bool(true)));
        }
        if rng.random_bool(0.15) {
            opts.push(("delimiter", Node::s("-")));
            let index = if rng.random_bool(0.8) {
                rng.random_range(-1..1)
            } else {
                rng.random_range(1..3)
            };
            opts.push(("index", Node::Int(index)));
        }
        if !opts.is_empty() {
            t.push(("options", Node::map(opts)));
        }
        targets.push(Node::map(t));
    }
    r.push(("targets", Node::Seq(targets)));
    Node::map(r)
}
