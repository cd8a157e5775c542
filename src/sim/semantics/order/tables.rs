//! Field order tables of the common built-in structs (Kubernetes 1.24 Go
//! types) and the positions that hold string maps.

use super::pod_tables::{
    CONDITION, CONTAINER, CONTAINER_PORT, ENV, JSON_SCHEMA, MOUNT, POD, POD_STATUS, TOLERATION,
};

const TOP: &[&str] = &["kind", "apiVersion", "metadata", "spec", "status"];
const CONFIGMAP: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "immutable",
    "data",
    "binaryData",
];
const SECRET: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "immutable",
    "data",
    "stringData",
    "type",
];
const SERVICE_ACCOUNT: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "secrets",
    "imagePullSecrets",
    "automountServiceAccountToken",
];
const ROLE: &[&str] = &["kind", "apiVersion", "metadata", "rules", "aggregationRule"];
const BINDING: &[&str] = &["kind", "apiVersion", "metadata", "subjects", "roleRef"];
/// Go field order of ObjectMeta (the HTTP layer orders metadata by it too).
pub(crate) const META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];
const ENTRY: &[&str] = &[
    "manager",
    "operation",
    "apiVersion",
    "time",
    "fieldsType",
    "fieldsV1",
    "subresource",
];
const DEPLOYMENT: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "strategy",
    "minReadySeconds",
    "revisionHistoryLimit",
    "paused",
    "progressDeadlineSeconds",
];
const STATEFULSET: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "volumeClaimTemplates",
    "serviceName",
    "podManagementPolicy",
    "updateStrategy",
    "revisionHistoryLimit",
    "minReadySeconds",
    "persistentVolumeClaimRetentionPolicy",
];
const DAEMONSET: &[&str] = &[
    "selector",
    "template",
    "updateStrategy",
    "minReadySeconds",
    "revisionHistoryLimit",
];
const REPLICASET: &[&str] = &["replicas", "minReadySeconds", "selector", "template"];
const JOB: &[&str] = &[
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "podFailurePolicy",
    "backoffLimit",
    "selector",
    "manualSelector",
    "template",
    "ttlSecondsAfterFinished",
    "completionMode",
    "suspend",
];
const CRONJOB: &[&str] = &[
    "schedule",
    "timeZone",
    "startingDeadlineSeconds",
    "concurrencyPolicy",
    "suspend",
    "jobTemplate",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
];
const SERVICE: &[&str] = &[
    "ports",
    "selector",
    "clusterIP",
    "clusterIPs",
    "type",
    "externalIPs",
    "sessionAffinity",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "externalName",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "publishNotReadyAddresses",
    "sessionAffinityConfig",
    "ipFamilies",
    "ipFamilyPolicy",
    "allocateLoadBalancerNodePorts",
    "loadBalancerClass",
    "internalTrafficPolicy",
];
const SERVICE_PORT: &[&str] = &[
    "name",
    "protocol",
    "appProtocol",
    "port",
    "targetPort",
    "nodePort",
];
const PVC: &[&str] = &[
    "accessModes",
    "selector",
    "resources",
    "volumeName",
    "storageClassName",
    "volumeMode",
    "dataSource",
    "dataSourceRef",
];
const NETPOL: &[&str] = &["podSelector", "ingress", "egress", "policyTypes"];
const NETPOL_RULE: &[&str] = &["ports", "from", "to"];
const NETPOL_PORT: &[&str] = &["protocol", "port", "endPort"];
const HPA: &[&str] = &[
    "scaleTargetRef",
    "minReplicas",
    "maxReplicas",
    "metrics",
    "behavior",
];
const PDB: &[&str] = &["minAvailable", "selector", "maxUnavailable"];
const INGRESS: &[&str] = &["ingressClassName", "defaultBackend", "tls", "rules"];
const LEASE: &[&str] = &[
    "holderIdentity",
    "leaseDurationSeconds",
    "acquireTime",
    "renewTime",
    "leaseTransitions",
];
const CRD: &[&str] = &[
    "group",
    "names",
    "scope",
    "versions",
    "conversion",
    "preserveUnknownFields",
];
const CRD_NAMES: &[&str] = &[
    "plural",
    "singular",
    "shortNames",
    "kind",
    "listKind",
    "categories",
];
const CRD_VERSION: &[&str] = &[
    "name",
    "served",
    "storage",
    "deprecated",
    "deprecationWarning",
    "schema",
    "subresources",
    "additionalPrinterColumns",
];
const POLICY_RULE: &[&str] = &[
    "verbs",
    "apiGroups",
    "resources",
    "resourceNames",
    "nonResourceURLs",
];
const SUBJECT: &[&str] = &["kind", "apiGroup", "name", "namespace"];
const ROLE_REF: &[&str] = &["apiGroup", "kind", "name"];
const CROSS_REF: &[&str] = &["kind", "name", "apiVersion"];
const STRATEGY: &[&str] = &["type", "rollingUpdate"];
const ROLLING: &[&str] = &["maxUnavailable", "maxSurge", "partition"];
const TEMPLATE: &[&str] = &["metadata", "spec"];
const DEPLOYMENT_STATUS: &[&str] = &[
    "observedGeneration",
    "replicas",
    "updatedReplicas",
    "readyReplicas",
    "availableReplicas",
    "unavailableReplicas",
    "conditions",
    "collisionCount",
];
const PRINTER_COLUMN: &[&str] = &[
    "name",
    "type",
    "format",
    "description",
    "priority",
    "jsonPath",
];

fn top(kind: &str) -> &'static [&'static str] {
    match kind {
        "ConfigMap" => CONFIGMAP,
        "Secret" => SECRET,
        "ServiceAccount" => SERVICE_ACCOUNT,
        "Role" | "ClusterRole" => ROLE,
        "RoleBinding" | "ClusterRoleBinding" => BINDING,
        _ => TOP,
    }
}

fn spec(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Deployment" => DEPLOYMENT,
        "StatefulSet" => STATEFULSET,
        "DaemonSet" => DAEMONSET,
        "ReplicaSet" => REPLICASET,
        "Job" => JOB,
        "CronJob" => CRONJOB,
        "Service" => SERVICE,
        "PersistentVolumeClaim" => PVC,
        "NetworkPolicy" => NETPOL,
        "HorizontalPodAutoscaler" => HPA,
        "PodDisruptionBudget" => PDB,
        "Ingress" => INGRESS,
        "Lease" => LEASE,
        "CustomResourceDefinition" => CRD,
        _ => return None,
    })
}

fn strs(p: &[String]) -> Vec<&str> {
    p.iter().map(String::as_str).collect()
}

/// The field order of the struct at `rel` (pod spec paths start `@pod`).
pub fn struct_order(
    kind: &str,
    rel: &[String],
    full: &[String],
) -> Option<&'static [&'static str]> {
    let r = strs(rel);
    let last = full.last().map(String::as_str).unwrap_or("");
    Some(match r.as_slice() {
        [] => top(kind),
        ["@pod"] => POD,
        ["@pod", "containers" | "initContainers", "[]"] => CONTAINER,
        ["@pod", "containers" | "initContainers", "[]", "ports", "[]"] => CONTAINER_PORT,
        ["@pod", "containers" | "initContainers", "[]", "env", "[]"] => ENV,
        [
            "@pod",
            "containers" | "initContainers",
            "[]",
            "volumeMounts",
            "[]",
        ] => MOUNT,
        ["@pod", "tolerations", "[]"] => TOLERATION,
        ["status"] if kind == "Pod" => POD_STATUS,
        ["status"] if kind == "Deployment" => DEPLOYMENT_STATUS,
        ["status", "conditions", "[]"] => CONDITION,
        ["spec", "versions", "[]", "additionalPrinterColumns", "[]"] => PRINTER_COLUMN,
        _ if r.contains(&"openAPIV3Schema") && last != "properties" => JSON_SCHEMA,
        ["spec"] => spec(kind)?,
        ["spec", "ports", "[]"] if kind == "Service" => SERVICE_PORT,
        ["spec", "ingress" | "egress", "[]", "ports", "[]"] => NETPOL_PORT,
        ["spec", "ingress" | "egress", "[]"] if kind == "NetworkPolicy" => NETPOL_RULE,
        ["spec", "names"] => CRD_NAMES,
        ["spec", "versions", "[]"] => CRD_VERSION,
        ["spec", "scaleTargetRef"] => CROSS_REF,
        ["rules", "[]"] => POLICY_RULE,
        ["subjects", "[]"] => SUBJECT,
        ["roleRef"] => ROLE_REF,
        _ if last == "metadata" => META,
        _ if last == "managedFields" || r.ends_with(&["managedFields", "[]"]) => ENTRY,
        _ if last == "template" || last == "jobTemplate" => TEMPLATE,
        _ if last == "strategy" || last == "updateStrategy" => STRATEGY,
        _ if last == "rollingUpdate" => ROLLING,
        _ => return None,
    })
}

/// True where the object is a Go map (marshalled with sorted keys).
pub fn map_position(kind: &str, rel: &[String], full: &[String]) -> bool {
    let last = full.last().map(String::as_str).unwrap_or("");
    let r = strs(rel);
    match r.as_slice() {
        ["data" | "binaryData" | "stringData"] => true,
        ["spec", "selector"] => kind == "Service",
        _ => matches!(
            last,
            "labels"
                | "annotations"
                | "matchLabels"
                | "nodeSelector"
                | "requests"
                | "limits"
                | "properties"
        ),
    }
}
