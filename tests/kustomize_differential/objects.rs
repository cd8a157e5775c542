//! Random Kubernetes objects that refer to each other by name: workloads
//! naming ConfigMaps, Secrets, ServiceAccounts, claims and priority
//! classes; Services, Ingresses, RBAC, autoscalers, webhooks, custom
//! resources (with their CRD) and unknown kinds.

use super::yaml::Node;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// Names objects of a case may have, per kind of thing; references pick
/// from the same lists so that most of them hit something.
#[derive(Debug, Clone)]
pub struct Names {
    pub configmaps: Vec<&'static str>,
    pub secrets: Vec<&'static str>,
    pub accounts: Vec<&'static str>,
    pub workloads: Vec<&'static str>,
    pub services: Vec<&'static str>,
    pub roles: Vec<&'static str>,
    pub claims: Vec<&'static str>,
    pub namespaces: Vec<&'static str>,
}

impl Names {
    /// A random, small set of names.
    pub fn random(rng: &mut StdRng) -> Names {
        let pick = |rng: &mut StdRng, from: &[&'static str], n: usize| -> Vec<&'static str> {
            let mut v: Vec<&'static str> = from.choose_multiple(rng, n).copied().collect();
            v.sort_unstable();
            v
        };
        Names {
            configmaps: pick(rng, &["cfg", "env", "settings", "app"], 2),
            secrets: pick(rng, &["creds", "tls", "token"], 2),
            accounts: pick(rng, &["runner", "default", "builder", "app"], 2),
            workloads: pick(rng, &["web", "worker", "db", "app"], 2),
            services: pick(rng, &["web", "api", "db"], 2),
            roles: pick(rng, &["reader", "admin", "app"], 2),
            claims: pick(rng, &["data", "cache"], 1),
            namespaces: pick(rng, &["team-a", "team-b", "default", "ops"], 2),
        }
    }
}

/// What the generator knows of an object it wrote.
#[derive(Debug, Clone)]
pub struct Obj {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub labels: Vec<(String, String)>,
    pub containers: Vec<String>,
    pub body: Node,
}

impl Obj {
    fn new(api_version: &str, kind: &str, name: &str, body: Node) -> Obj {
        let meta = body.get("metadata");
        let namespace = meta
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
            .map(str::to_string);
        let labels = match meta.and_then(|m| m.get("labels")) {
            Some(Node::Map(m)) => m
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect(),
            _ => Vec::new(),
        };
        Obj {
            api_version: api_version.into(),
            kind: kind.into(),
            name: name.into(),
            namespace,
            labels,
            containers: Vec::new(),
            body,
        }
    }
}

/// Some odd values for data fields and annotations.
const ODD_VALUES: &[&str] = &[
    "yes",
    "on",
    "0644",
    "1.0",
    "1e3",
    "2024-03-01",
    "~",
    "12:30",
    "true",
    "0x1F",
    "1_000",
    "-",
    "a: b",
    "# not a comment",
    "multi\nline\n",
    "trailing\n\n",
    "tab\there",
    "é ü",
    "x  ",
    "[1, 2]",
    "{a: b}",
    "'quoted'",
    "\"dq\"",
    "*star",
    "&amp",
    "!tag",
    "%pct",
    "@at",
    "`tick",
    "",
];

/// A random scalar for a data value: mostly plain words, sometimes odd.
pub fn value(rng: &mut StdRng, odd: bool) -> Node {
    if odd && rng.random_bool(0.35) {
        let v = ODD_VALUES.choose(rng).copied().unwrap_or("x");
        if rng.random_bool(0.3)
            && !v.contains([
                '\n', '\t', ':', '#', '[', '{', '\'', '"', '*', '&', '!', '%', '@', '`',
            ])
            && !v.is_empty()
            && !v.ends_with(' ')
        {
            return Node::Raw(v.to_string());
        }
        return Node::s(v);
    }
    Node::s(
        ["one", "two", "blue", "v1", "enabled", "prod"]
            .choose(rng)
            .copied()
            .unwrap_or("x"),
    )
}

fn labels(rng: &mut StdRng, app: &str) -> Node {
    let mut l = vec![("app".to_string(), Node::s(app))];
    if rng.random_bool(0.3) {
        l.push((
            "tier".into(),
            Node::s(*["front", "back"].choose(rng).unwrap()),
        ));
    }
    if rng.random_bool(0.15) {
        l.push(("app.kubernetes.io/part-of".into(), Node::s("shop")));
    }
    Node::Map(l)
}

fn meta(rng: &mut StdRng, name: &str, ns: Option<&str>, with_labels: bool) -> Node {
    let mut m = vec![("name".to_string(), Node::s(name))];
    if let Some(ns) = ns {
        m.push(("namespace".into(), Node::s(ns)));
    }
    if with_labels && rng.random_bool(0.7) {
        m.push(("labels".into(), labels(rng, name)));
    }
    if rng.random_bool(0.2) {
        let mut a = vec![("note".to_string(), value(rng, true))];
        if rng.random_bool(0.3) {
            a.push(("example.com/owner".into(), Node::s("team")));
        }
        m.push(("annotations".into(), Node::Map(a)));
    }
    if rng.random_bool(0.05) {
        m.push((
            "finalizers".into(),
            Node::Seq(vec![Node::s("example.com/keep")]),
        ));
    }
    Node::Map(m)
}

fn namespace(rng: &mut StdRng, names: &Names) -> Option<&'static str> {
    if rng.random_bool(0.35) {
        names.namespaces.choose(rng).copied()
    } else {
        None
    }
}

pub const IMAGES: &[&str] = &[
    "nginx",
    "nginx:1.25",
    "registry.local:5000/app:v1",
    "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "app",
    "ghcr.io/org/tool:2.0",
    "postgres:16-alpine",
];

fn container(rng: &mut StdRng, name: &str, names: &Names) -> Node {
    let mut c = vec![
        ("name".to_string(), Node::s(name)),
        ("image".into(), Node::s(*IMAGES.choose(rng).unwrap())),
    ];
    if rng.random_bool(0.5) {
        let mut ports = Vec::new();
        for _ in 0..rng.random_range(1..=2) {
            let mut p = vec![(
                "containerPort".to_string(),
                Node::Int(*[80, 8080, 53, 9090].choose(rng).unwrap()),
            )];
            if rng.random_bool(0.4) {
                p.push((
                    "protocol".into(),
                    Node::s(*["TCP", "UDP"].choose(rng).unwrap()),
                ));
            }
            if rng.random_bool(0.4) {
                p.push((
                    "name".into(),
                    Node::s(*["http", "dns", "metrics"].choose(rng).unwrap()),
                ));
            }
            if !ports.contains(&Node::Map(p.clone())) {
                ports.push(Node::Map(p));
            }
        }
        c.push(("ports".into(), Node::Seq(ports)));
    }
    if rng.random_bool(0.5) {
        let mut env = Vec::new();
        let mut used = Vec::new();
        for _ in 0..rng.random_range(1..=3) {
            let var = *["MODE", "LEVEL", "DB_URL", "TOKEN"].choose(rng).unwrap();
            if used.contains(&var) {
                continue;
            }
            used.push(var);
            let v = match rng.random_range(0..4) {
                0 => Node::map(vec![
                    ("name", Node::s(var)),
                    (
                        "valueFrom",
                        Node::map(vec![(
                            "configMapKeyRef",
                            Node::map(vec![
                                ("name", Node::s(*names.configmaps.choose(rng).unwrap())),
                                ("key", Node::s("key")),
                            ]),
                        )]),
                    ),
                ]),
                1 => Node::map(vec![
                    ("name", Node::s(var)),
                    (
                        "valueFrom",
                        Node::map(vec![(
                            "secretKeyRef",
                            Node::map(vec![
                                ("name", Node::s(*names.secrets.choose(rng).unwrap())),
                                ("key", Node::s("password")),
                            ]),
                        )]),
                    ),
                ]),
                2 => Node::map(vec![
                    ("name", Node::s(var)),
                    ("value", Node::s("$(APP_NAME)")),
                ]),
                _ => Node::map(vec![("name", Node::s(var)), ("value", value(rng, true))]),
            };
            env.push(v);
        }
        c.push(("env".into(), Node::Seq(env)));
    }
    if rng.random_bool(0.3) {
        let from = if rng.random_bool(0.5) {
            Node::map(vec![(
                "configMapRef",
                Node::map(vec![(
                    "name",
                    Node::s(*names.configmaps.choose(rng).unwrap()),
                )]),
            )])
        } else {
            Node::map(vec![(
                "secretRef",
                Node::map(vec![("name", Node::s(*names.secrets.choose(rng).unwrap()))]),
            )])
        };
        c.push(("envFrom".into(), Node::Seq(vec![from])));
    }
    if rng.random_bool(0.3) {
        c.push((
            "args".into(),
            Node::Seq(vec![Node::s("--name=$(APP_NAME)"), Node::s("--verbose")]),
        ));
    }
    if rng.random_bool(0.3) {
        c.push((
            "volumeMounts".into(),
            Node::Seq(vec![Node::map(vec![
                ("name", Node::s("config")),
                ("mountPath", Node::s("/etc/config")),
            ])]),
        ));
    }
    if rng.random_bool(0.2) {
        c.push((
            "resources".into(),
            Node::map(vec![(
                "limits",
                Node::map(vec![
                    ("cpu", Node::Raw("0.5".into())),
                    ("memory", Node::s("128Mi")),
                ]),
            )]),
        ));
    }
    Node::Map(c)
}

/// A pod spec naming things from `names`; returns it and its container names.
pub fn pod_spec(rng: &mut StdRng, names: &Names) -> (Node, Vec<String>) {
    let mut spec = Vec::new();
    let all = ["main", "sidecar", "proxy"];
    let n = rng.random_range(1..=2);
    let cnames: Vec<&str> = all[..n].to_vec();
    spec.push((
        "containers".to_string(),
        Node::Seq(cnames.iter().map(|c| container(rng, c, names)).collect()),
    ));
    if rng.random_bool(0.2) {
        spec.push((
            "initContainers".into(),
            Node::Seq(vec![container(rng, "init", names)]),
        ));
    }
    if rng.random_bool(0.5) {
        let mut vols = vec![Node::map(vec![
            ("name", Node::s("config")),
            (
                "configMap",
                Node::map(vec![(
                    "name",
                    Node::s(*names.configmaps.choose(rng).unwrap()),
                )]),
            ),
        ])];
        if rng.random_bool(0.5) {
            vols.push(Node::map(vec![
                ("name", Node::s("secret")),
                (
                    "secret",
                    Node::map(vec![
                        ("secretName", Node::s(*names.secrets.choose(rng).unwrap())),
                        ("defaultMode", Node::Raw("0644".into())),
                    ]),
                ),
            ]));
        }
        if rng.random_bool(0.3) {
            vols.push(Node::map(vec![
                ("name", Node::s("data")),
                (
                    "persistentVolumeClaim",
                    Node::map(vec![("claimName", Node::s(names.claims[0]))]),
                ),
            ]));
        }
        if rng.random_bool(0.2) {
            vols.push(Node::map(vec![
                ("name", Node::s("projected")),
                (
                    "projected",
                    Node::map(vec![(
                        "sources",
                        Node::Seq(vec![
                            Node::map(vec![(
                                "configMap",
                                Node::map(vec![(
                                    "name",
                                    Node::s(*names.configmaps.choose(rng).unwrap()),
                                )]),
                            )]),
                            Node::map(vec![(
                                "secret",
                                Node::map(vec![(
                                    "name",
                                    Node::s(*names.secrets.choose(rng).unwrap()),
                                )]),
                            )]),
                        ]),
                    )]),
                ),
            ]));
        }
        if rng.random_bool(0.2) {
            vols.push(Node::map(vec![
                ("name", Node::s("scratch")),
                ("emptyDir", Node::map::<&str>(vec![])),
            ]));
        }
        spec.push(("volumes".into(), Node::Seq(vols)));
    }
    if rng.random_bool(0.5) {
        spec.push((
            "serviceAccountName".into(),
            Node::s(*names.accounts.choose(rng).unwrap()),
        ));
    }
    if rng.random_bool(0.2) {
        spec.push((
            "imagePullSecrets".into(),
            Node::Seq(vec![Node::map(vec![(
                "name",
                Node::s(*names.secrets.choose(rng).unwrap()),
            )])]),
        ));
    }
    if rng.random_bool(0.1) {
        spec.push(("priorityClassName".into(), Node::s("high")));
    }
    if rng.random_bool(0.15) {
        spec.push((
            "nodeSelector".into(),
            Node::map(vec![("disk", Node::s("ssd"))]),
        ));
    }
    if rng.random_bool(0.15) {
        spec.push((
            "tolerations".into(),
            Node::Seq(vec![Node::map(vec![
                ("key", Node::s("dedicated")),
                ("operator", Node::s("Exists")),
            ])]),
        ));
    }
    if rng.random_bool(0.1) {
        spec.push((
            "topologySpreadConstraints".into(),
            Node::Seq(vec![Node::map(vec![
                ("maxSkew", Node::Int(1)),
                ("topologyKey", Node::s("zone")),
                ("whenUnsatisfiable", Node::s("DoNotSchedule")),
                (
                    "labelSelector",
                    Node::map(vec![(
                        "matchLabels",
                        Node::map(vec![("app", Node::s("web"))]),
                    )]),
                ),
            ])]),
        ));
    }
    if rng.random_bool(0.1) {
        spec.push((
            "affinity".into(),
            Node::map(vec![(
                "podAntiAffinity",
                Node::map(vec![(
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    Node::Seq(vec![Node::map(vec![
                        ("topologyKey", Node::s("kubernetes.io/hostname")),
                        (
                            "labelSelector",
                            Node::map(vec![(
                                "matchLabels",
                                Node::map(vec![("app", Node::s("web"))]),
                            )]),
                        ),
                    ])]),
                )]),
            )]),
        ));
    }
    (
        Node::Map(spec),
        cnames.iter().map(|c| c.to_string()).collect(),
    )
}

fn template(rng: &mut StdRng, name: &str, names: &Names) -> (Node, Vec<String>) {
    let (spec, containers) = pod_spec(rng, names);
    let mut t = Vec::new();
    if rng.random_bool(0.8) {
        t.push((
            "metadata".to_string(),
            Node::map(vec![("labels", Node::map(vec![("app", Node::s(name))]))]),
        ));
    }
    t.push(("spec".into(), spec));
    (Node::Map(t), containers)
}

fn obj(api: &str, kind: &str, meta: Node, rest: Vec<(&str, Node)>) -> Node {
    let mut m = vec![
        ("apiVersion".to_string(), Node::s(api)),
        ("kind".into(), Node::s(kind)),
        ("metadata".into(), meta),
    ];
    m.extend(rest.into_iter().map(|(k, v)| (k.to_string(), v)));
    Node::Map(m)
}

fn workload(rng: &mut StdRng, names: &Names, kind: &str) -> Obj {
    let name = *names.workloads.choose(rng).unwrap();
    let ns = namespace(rng, names);
    let api = match kind {
        "Deployment" if rng.random_bool(0.1) => "extensions/v1beta1",
        "CronJob" if rng.random_bool(0.2) => "batch/v1beta1",
        "Job" | "CronJob" => "batch/v1",
        "Pod" => "v1",
        _ => "apps/v1",
    };
    let (tpl, containers) = template(rng, name, names);
    let selector = Node::map(vec![(
        "matchLabels",
        Node::map(vec![("app", Node::s(name))]),
    )]);
    let body = match kind {
        "Pod" => {
            let (spec, c) = pod_spec(rng, names);
            let o = obj(api, kind, meta(rng, name, ns, true), vec![("spec", spec)]);
            let mut out = Obj::new(api, kind, name, o);
            out.containers = c;
            return out;
        }
        "CronJob" => obj(
            api,
            kind,
            meta(rng, name, ns, true),
            vec![(
                "spec",
                Node::map(vec![
                    ("schedule", Node::s("*/5 * * * *")),
                    (
                        "jobTemplate",
                        Node::map(vec![("spec", Node::map(vec![("template", tpl)]))]),
                    ),
                ]),
            )],
        ),
        "Job" => obj(
            api,
            kind,
            meta(rng, name, ns, true),
            vec![("spec", Node::map(vec![("template", tpl)]))],
        ),
        _ => {
            let mut spec = Vec::new();
            if kind != "DaemonSet" && rng.random_bool(0.6) {
                spec.push(("replicas", Node::Int(rng.random_range(1..4))));
            }
            if kind == "StatefulSet" {
                spec.push(("serviceName", Node::s(*names.services.choose(rng).unwrap())));
            }
            if rng.random_bool(0.8) {
                spec.push(("selector", selector));
            }
            spec.push(("template", tpl));
            if kind == "StatefulSet" && rng.random_bool(0.4) {
                spec.push((
                    "volumeClaimTemplates",
                    Node::Seq(vec![Node::map(vec![
                        ("metadata", Node::map(vec![("name", Node::s("data"))])),
                        (
                            "spec",
                            Node::map(vec![
                                ("storageClassName", Node::s("fast")),
                                ("accessModes", Node::Seq(vec![Node::s("ReadWriteOnce")])),
                            ]),
                        ),
                    ])]),
                ));
            }
            obj(
                api,
                kind,
                meta(rng, name, ns, true),
                vec![("spec", Node::map(spec))],
            )
        }
    };
    let mut out = Obj::new(api, kind, name, body);
    out.containers = containers;
    out
}

fn configmap(rng: &mut StdRng, names: &Names) -> Obj {
    let name = *names.configmaps.choose(rng).unwrap();
    let ns = namespace(rng, names);
    let mut data = Vec::new();
    let count = rng.random_range(1..=3);
    for k in ["key", "mode", "path"].choose_multiple(rng, count) {
        data.push((k.to_string(), value(rng, true)));
    }
    let body = obj(
        "v1",
        "ConfigMap",
        meta(rng, name, ns, true),
        vec![("data", Node::Map(data))],
    );
    Obj::new("v1", "ConfigMap", name, body)
}

fn secret(rng: &mut StdRng, names: &Names) -> Obj {
    let name = *names.secrets.choose(rng).unwrap();
    let ns = namespace(rng, names);
    let mut rest = vec![];
    if rng.random_bool(0.5) {
        rest.push(("type", Node::s("Opaque")));
    }
    if rng.random_bool(0.5) {
        rest.push((
            "stringData",
            Node::map(vec![("password", value(rng, true))]),
        ));
    } else {
        rest.push(("data", Node::map(vec![("password", Node::s("c2VjcmV0"))])));
    }
    let body = obj("v1", "Secret", meta(rng, name, ns, true), rest);
    Obj::new("v1", "Secret", name, body)
}

fn service(rng: &mut StdRng, names: &Names) -> Obj {
    let name = *names.services.choose(rng).unwrap();
    let ns = namespace(rng, names);
    let mut ports = Vec::new();
    let count = rng.random_range(1..=2);
    for (port, proto) in [
        (80, None),
        (53, Some("UDP")),
        (53, Some("TCP")),
        (443, Some("TCP")),
    ]
    .choose_multiple(rng, count)
    {
        let mut p = vec![("port".to_string(), Node::Int(*port))];
        if let Some(proto) = proto {
            p.push(("protocol".into(), Node::s(*proto)));
        }
        if rng.random_bool(0.5) {
            p.push(("targetPort".into(), Node::Int(8080)));
        }
        if rng.random_bool(0.5) {
            p.push(("name".into(), Node::s(format!("p{port}"))));
        }
        ports.push(Node::Map(p));
    }
    let mut spec = vec![("ports", Node::Seq(ports))];
    if rng.random_bool(0.8) {
        spec.push((
            "selector",
            Node::map(vec![(
                "app",
                Node::s(*names.workloads.choose(rng).unwrap()),
            )]),
        ));
    }
    let body = obj(
        "v1",
        "Service",
        meta(rng, name, ns, true),
        vec![("spec", Node::map(spec))],
    );
    Obj::new("v1", "Service", name, body)
}

fn account(rng: &mut StdRng, names: &Names) -> Obj {
    let name = *names.accounts.choose(rng).unwrap();
    let ns = namespace(rng, names);
    let mut rest = vec![];
    if rng.random_bool(0.3) {
        rest.push((
            "imagePullSecrets",
            Node::Seq(vec![Node::map(vec![(
                "name",
                Node::s(*names.secrets.choose(rng).unwrap()),
            )])]),
        ));
    }
    if rng.random_bool(0.2) {
        rest.push((
            "secrets",
            Node::Seq(vec![Node::map(vec![(
                "name",
                Node::s(*names.secrets.choose(rng).unwrap()),
            )])]),
        ));
    }
    let body = obj("v1", "ServiceAccount", meta(rng, name, ns, false), rest);
    Obj::new("v1", "ServiceAccount", name, body)
}

fn role(rng: &mut StdRng, names: &Names, cluster: bool) -> Obj {
    let name = *names.roles.choose(rng).unwrap();
    let kind = if cluster { "ClusterRole" } else { "Role" };
    let ns = if cluster { None } else { namespace(rng, names) };
    let mut rule = vec![
        ("apiGroups", Node::Seq(vec![Node::s("")])),
        ("resources", Node::Seq(vec![Node::s("configmaps")])),
        ("verbs", Node::Seq(vec![Node::s("get")])),
    ];
    if rng.random_bool(0.5) {
        rule.push((
            "resourceNames",
            Node::Seq(vec![Node::s(*names.configmaps.choose(rng).unwrap())]),
        ));
    }
    let api = "rbac.authorization.k8s.io/v1";
    let body = obj(
        api,
        kind,
        meta(rng, name, ns, false),
        vec![("rules", Node::Seq(vec![Node::map(rule)]))],
    );
    Obj::new(api, kind, name, body)
}

/// A subject of a (Cluster)RoleBinding.
pub fn subject(rng: &mut StdRng, names: &Names) -> Node {
    match rng.random_range(0..6) {
        0 => Node::map(vec![
            ("kind", Node::s("User")),
            ("name", Node::s("jane")),
            ("apiGroup", Node::s("rbac.authorization.k8s.io")),
        ]),
        1 => Node::map(vec![
            ("kind", Node::s("Group")),
            ("name", Node::s("devs")),
            ("apiGroup", Node::s("rbac.authorization.k8s.io")),
        ]),
        2 | 3 => Node::map(vec![
            ("kind", Node::s("ServiceAccount")),
            ("name", Node::s(*names.accounts.choose(rng).unwrap())),
            ("namespace", Node::s(*names.namespaces.choose(rng).unwrap())),
        ]),
        _ => Node::map(vec![
            ("kind", Node::s("ServiceAccount")),
            ("name", Node::s(*names.accounts.choose(rng).unwrap())),
        ]),
    }
}

fn binding(rng: &mut StdRng, names: &Names, cluster: bool) -> Obj {
    let name = format!("{}-binding", names.roles.choose(rng).unwrap());
    let kind = if cluster {
        "ClusterRoleBinding"
    } else {
        "RoleBinding"
    };
    let ns = if cluster { None } else { namespace(rng, names) };
    let role_kind = if cluster || rng.random_bool(0.3) {
        "ClusterRole"
    } else {
        "Role"
    };
    let subjects: Vec<Node> = (0..rng.random_range(1..=3))
        .map(|_| subject(rng, names))
        .collect();
    let api = "rbac.authorization.k8s.io/v1";
    let body = obj(
        api,
        kind,
        meta(rng, &name, ns, false),
        vec![
            (
                "roleRef",
                Node::map(vec![
                    ("apiGroup", Node::s("rbac.authorization.k8s.io")),
                    ("kind", Node::s(role_kind)),
                    ("name", Node::s(*names.roles.choose(rng).unwrap())),
                ]),
            ),
            ("subjects", Node::Seq(subjects)),
        ],
    );
    Obj::new(api, kind, &name, body)
}

fn ingress(rng: &mut StdRng, names: &Names) -> Obj {
    let name = "gateway";
    let ns = namespace(rng, names);
    let svc = *names.services.choose(rng).unwrap();
    let mut spec = vec![(
        "rules",
        Node::Seq(vec![Node::map(vec![
            ("host", Node::s("example.com")),
            (
                "http",
                Node::map(vec![(
                    "paths",
                    Node::Seq(vec![Node::map(vec![
                        ("path", Node::s("/")),
                        ("pathType", Node::s("Prefix")),
                        (
                            "backend",
                            Node::map(vec![(
                                "service",
                                Node::map(vec![
                                    ("name", Node::s(svc)),
                                    ("port", Node::map(vec![("number", Node::Int(80))])),
                                ]),
                            )]),
                        ),
                    ])]),
                )]),
            ),
        ])]),
    )];
    if rng.random_bool(0.4) {
        spec.push((
            "tls",
            Node::Seq(vec![Node::map(vec![
                ("hosts", Node::Seq(vec![Node::s("example.com")])),
                ("secretName", Node::s(*names.secrets.choose(rng).unwrap())),
            ])]),
        ));
    }
    let body = obj(
        "networking.k8s.io/v1",
        "Ingress",
        meta(rng, name, ns, true),
        vec![("spec", Node::map(spec))],
    );
    Obj::new("networking.k8s.io/v1", "Ingress", name, body)
}

fn hpa(rng: &mut StdRng, names: &Names) -> Obj {
    let target = *names.workloads.choose(rng).unwrap();
    let ns = namespace(rng, names);
    let kind = if rng.random_bool(0.8) {
        "Deployment"
    } else {
        "StatefulSet"
    };
    let body = obj(
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        meta(rng, target, ns, false),
        vec![(
            "spec",
            Node::map(vec![
                (
                    "scaleTargetRef",
                    Node::map(vec![
                        ("apiVersion", Node::s("apps/v1")),
                        ("kind", Node::s(kind)),
                        ("name", Node::s(target)),
                    ]),
                ),
                ("minReplicas", Node::Int(1)),
                ("maxReplicas", Node::Int(5)),
            ]),
        )],
    );
    Obj::new("autoscaling/v2", "HorizontalPodAutoscaler", target, body)
}

fn claim(rng: &mut StdRng, names: &Names) -> Obj {
    let name = names.claims[0];
    let ns = namespace(rng, names);
    let mut spec = vec![
        ("accessModes", Node::Seq(vec![Node::s("ReadWriteOnce")])),
        (
            "resources",
            Node::map(vec![(
                "requests",
                Node::map(vec![("storage", Node::s("1Gi"))]),
            )]),
        ),
    ];
    if rng.random_bool(0.5) {
        spec.push(("storageClassName", Node::s("fast")));
    }
    if rng.random_bool(0.3) {
        spec.push(("volumeName", Node::s("pv-data")));
    }
    let body = obj(
        "v1",
        "PersistentVolumeClaim",
        meta(rng, name, ns, true),
        vec![("spec", Node::map(spec))],
    );
    Obj::new("v1", "PersistentVolumeClaim", name, body)
}

fn cluster_scoped(rng: &mut StdRng, names: &Names) -> Obj {
    match rng.random_range(0..4) {
        0 => {
            let ns = *names.namespaces.choose(rng).unwrap();
            let body = obj("v1", "Namespace", meta(rng, ns, None, true), vec![]);
            Obj::new("v1", "Namespace", ns, body)
        }
        1 => {
            let body = obj(
                "storage.k8s.io/v1",
                "StorageClass",
                meta(rng, "fast", None, false),
                vec![("provisioner", Node::s("example.com/ssd"))],
            );
            Obj::new("storage.k8s.io/v1", "StorageClass", "fast", body)
        }
        2 => {
            let body = obj(
                "scheduling.k8s.io/v1",
                "PriorityClass",
                meta(rng, "high", None, false),
                vec![("value", Node::Int(1000))],
            );
            Obj::new("scheduling.k8s.io/v1", "PriorityClass", "high", body)
        }
        _ => {
            let body = obj(
                "v1",
                "PersistentVolume",
                meta(rng, "pv-data", None, false),
                vec![(
                    "spec",
                    Node::map(vec![
                        ("capacity", Node::map(vec![("storage", Node::s("1Gi"))])),
                        ("storageClassName", Node::s("fast")),
                        ("hostPath", Node::map(vec![("path", Node::s("/data"))])),
                    ]),
                )],
            );
            Obj::new("v1", "PersistentVolume", "pv-data", body)
        }
    }
}

fn webhook(rng: &mut StdRng, names: &Names) -> Obj {
    let kind = if rng.random_bool(0.5) {
        "ValidatingWebhookConfiguration"
    } else {
        "MutatingWebhookConfiguration"
    };
    let mut service = vec![("name", Node::s(*names.services.choose(rng).unwrap()))];
    if rng.random_bool(0.7) {
        service.push(("namespace", Node::s(*names.namespaces.choose(rng).unwrap())));
    }
    let api = "admissionregistration.k8s.io/v1";
    let body = obj(
        api,
        kind,
        meta(rng, "hooks", None, false),
        vec![(
            "webhooks",
            Node::Seq(vec![Node::map(vec![
                ("name", Node::s("check.example.com")),
                (
                    "clientConfig",
                    Node::map(vec![("service", Node::map(service))]),
                ),
                ("sideEffects", Node::s("None")),
                ("admissionReviewVersions", Node::Seq(vec![Node::s("v1")])),
            ])]),
        )],
    );
    Obj::new(api, kind, "hooks", body)
}

/// The CRD of the custom `Widget` kind.
pub fn widget_crd() -> Obj {
    let body = obj(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        Node::map(vec![("name", Node::s("widgets.example.com"))]),
        vec![(
            "spec",
            Node::map(vec![
                ("group", Node::s("example.com")),
                (
                    "names",
                    Node::map(vec![
                        ("kind", Node::s("Widget")),
                        ("plural", Node::s("widgets")),
                    ]),
                ),
                ("scope", Node::s("Namespaced")),
                (
                    "versions",
                    Node::Seq(vec![Node::map(vec![
                        ("name", Node::s("v1")),
                        ("served", Node::Bool(true)),
                        ("storage", Node::Bool(true)),
                        (
                            "schema",
                            Node::map(vec![(
                                "openAPIV3Schema",
                                Node::map(vec![
                                    ("type", Node::s("object")),
                                    ("x-kubernetes-preserve-unknown-fields", Node::Bool(true)),
                                ]),
                            )]),
                        ),
                    ])]),
                ),
            ]),
        )],
    );
    Obj::new(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "widgets.example.com",
        body,
    )
}

/// A custom resource naming a ConfigMap, a Secret and a ServiceAccount.
fn widget(rng: &mut StdRng, names: &Names) -> Obj {
    let name = *["gizmo", "sprocket"].choose(rng).unwrap();
    let ns = namespace(rng, names);
    let (tpl, containers) = template(rng, name, names);
    let mut spec = vec![
        (
            "configRef",
            Node::map(vec![(
                "name",
                Node::s(*names.configmaps.choose(rng).unwrap()),
            )]),
        ),
        ("secretName", Node::s(*names.secrets.choose(rng).unwrap())),
        ("image", Node::s(*IMAGES.choose(rng).unwrap())),
        ("size", Node::Int(rng.random_range(1..5))),
    ];
    if rng.random_bool(0.5) {
        spec.push(("template", tpl));
    }
    if rng.random_bool(0.3) {
        spec.push(("selector", Node::map(vec![("app", Node::s(name))])));
    }
    if rng.random_bool(0.2) {
        spec.push(("owner", Node::map(vec![("team", Node::s("shop"))])));
    }
    if rng.random_bool(0.5) {
        spec.push((
            "items",
            Node::Seq(vec![
                Node::map(vec![("name", Node::s("a")), ("value", Node::Int(1))]),
                Node::map(vec![("name", Node::s("b")), ("value", Node::Int(2))]),
            ]),
        ));
    }
    let body = obj(
        "example.com/v1",
        "Widget",
        meta(rng, name, ns, true),
        vec![("spec", Node::map(spec))],
    );
    let mut o = Obj::new("example.com/v1", "Widget", name, body);
    o.containers = containers;
    o
}

fn gadget(rng: &mut StdRng, names: &Names) -> Obj {
    let name = "gadget";
    let ns = namespace(rng, names);
    let (tpl, containers) = template(rng, name, names);
    let body = obj(
        "toys.io/v1alpha1",
        "Gadget",
        meta(rng, name, ns, true),
        vec![(
            "spec",
            Node::map(vec![("template", tpl), ("mode", value(rng, true))]),
        )],
    );
    let mut o = Obj::new("toys.io/v1alpha1", "Gadget", name, body);
    o.containers = containers;
    o
}

fn small(rng: &mut StdRng, names: &Names) -> Obj {
    if rng.random_bool(0.5) {
        let name = *names.workloads.choose(rng).unwrap();
        let ns = namespace(rng, names);
        let body = obj(
            "policy/v1",
            "PodDisruptionBudget",
            meta(rng, name, ns, false),
            vec![(
                "spec",
                Node::map(vec![
                    ("minAvailable", Node::Int(1)),
                    (
                        "selector",
                        Node::map(vec![(
                            "matchLabels",
                            Node::map(vec![("app", Node::s(name))]),
                        )]),
                    ),
                ]),
            )],
        );
        Obj::new("policy/v1", "PodDisruptionBudget", name, body)
    } else {
        let ns = namespace(rng, names);
        let body = obj(
            "networking.k8s.io/v1",
            "NetworkPolicy",
            meta(rng, "deny", ns, false),
            vec![(
                "spec",
                Node::map(vec![
                    (
                        "podSelector",
                        Node::map(vec![(
                            "matchLabels",
                            Node::map(vec![("app", Node::s("web"))]),
                        )]),
                    ),
                    ("policyTypes", Node::Seq(vec![Node::s("Ingress")])),
                ]),
            )],
        );
        Obj::new("networking.k8s.io/v1", "NetworkPolicy", "deny", body)
    }
}

/// A random object.
pub fn random(rng: &mut StdRng, names: &Names) -> Obj {
    match rng.random_range(0..40) {
        0..=5 => workload(rng, names, "Deployment"),
        6 => workload(rng, names, "StatefulSet"),
        7 => workload(rng, names, "DaemonSet"),
        8 => workload(rng, names, "Job"),
        9 => workload(rng, names, "CronJob"),
        10 => workload(rng, names, "Pod"),
        11..=14 => configmap(rng, names),
        15..=16 => secret(rng, names),
        17..=19 => service(rng, names),
        20..=22 => account(rng, names),
        23 => role(rng, names, false),
        24 => role(rng, names, true),
        25..=26 => binding(rng, names, false),
        27 => binding(rng, names, true),
        28 => ingress(rng, names),
        29 => hpa(rng, names),
        30 => claim(rng, names),
        31..=32 => cluster_scoped(rng, names),
        33 => webhook(rng, names),
        34..=35 => widget(rng, names),
        36 => gadget(rng, names),
        37 => workload(rng, names, "ReplicaSet"),
        _ => small(rng, names),
    }
}
