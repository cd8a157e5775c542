//! kustomize 5.8's built-in field specs: which fields of which kinds
//! each transformer writes, and which fields name which other kinds.
//!
//! One spec per line: `section Kind[.group][@version] path [create]`,
//! `*` for any kind. Name references read `nameReference Target <-
//! Referrer path`. Where the same pod-spec fields recur for every
//! workload kind, `{pod}` stands for the path to the pod spec and the
//! line is repeated for each workload (see [`POD_SPECS`]).

/// Workload kinds and the path to their pod spec, in kustomize's order
/// for each reference target.
pub(crate) const POD_SPECS: &[(&str, &str)] = &[
    ("Pod@v1", "spec"),
    ("PodTemplate", "template/spec"),
    ("Deployment", "spec/template/spec"),
    ("ReplicaSet", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
];

/// The built-in specs (expanded by [`super::config::defaults`]).
pub(crate) const SPECS: &str = r"
namePrefix * metadata/name
nameSuffix * metadata/name

commonLabels Service@v1 spec/selector create
commonLabels ReplicationController@v1 spec/selector create
commonLabels Deployment spec/selector/matchLabels create
commonLabels Deployment.apps spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels
commonLabels Deployment.apps spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels
commonLabels Deployment.apps spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels
commonLabels Deployment.apps spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels
commonLabels Deployment.apps spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels
commonLabels ReplicaSet spec/selector/matchLabels create
commonLabels DaemonSet spec/selector/matchLabels create
commonLabels StatefulSet.apps spec/selector/matchLabels create
commonLabels StatefulSet.apps spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels
commonLabels StatefulSet.apps spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels
commonLabels StatefulSet.apps spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels
commonLabels StatefulSet.apps spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels
commonLabels StatefulSet.apps spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels
commonLabels Job.batch spec/selector/matchLabels
commonLabels CronJob.batch spec/jobTemplate/spec/selector/matchLabels
commonLabels PodDisruptionBudget.policy spec/selector/matchLabels
commonLabels NetworkPolicy.networking.k8s.io spec/podSelector/matchLabels
commonLabels NetworkPolicy.networking.k8s.io spec/ingress/from/podSelector/matchLabels
commonLabels NetworkPolicy.networking.k8s.io spec/egress/to/podSelector/matchLabels
commonLabels {metadataLabels}

templateLabels {metadataLabels}

commonAnnotations * metadata/annotations create
commonAnnotations ReplicationController@v1 spec/template/metadata/annotations create
commonAnnotations Deployment spec/template/metadata/annotations create
commonAnnotations ReplicaSet spec/template/metadata/annotations create
commonAnnotations DaemonSet spec/template/metadata/annotations create
commonAnnotations StatefulSet spec/template/metadata/annotations create
commonAnnotations Job.batch spec/template/metadata/annotations create
commonAnnotations CronJob.batch spec/jobTemplate/metadata/annotations create
commonAnnotations CronJob.batch spec/jobTemplate/spec/template/metadata/annotations create

namespace Namespace metadata/name create
namespace APIService.apiregistration.k8s.io spec/service/namespace create
namespace CustomResourceDefinition.apiextensions.k8s.io spec/conversion/webhook/clientConfig/service/namespace

images * spec/containers[]/image create
images * spec/initContainers[]/image create
images * spec/volumes[]/image/reference create
images * spec/template/spec/containers[]/image create
images * spec/template/spec/initContainers[]/image create
images * spec/template/spec/volumes[]/image/reference create

replicas Deployment spec/replicas create
replicas ReplicationController spec/replicas create
replicas ReplicaSet spec/replicas create
replicas StatefulSet spec/replicas create
";

/// The metadata label fields `commonLabels` and `templateLabels` share.
pub(crate) const METADATA_LABELS: &str = r"
* metadata/labels create
ReplicationController@v1 spec/template/metadata/labels create
Deployment spec/template/metadata/labels create
ReplicaSet spec/template/metadata/labels create
DaemonSet spec/template/metadata/labels create
StatefulSet.apps spec/template/metadata/labels create
StatefulSet.apps spec/volumeClaimTemplates[]/metadata/labels create
Job.batch spec/template/metadata/labels create
CronJob.batch spec/jobTemplate/metadata/labels create
CronJob.batch spec/jobTemplate/spec/template/metadata/labels create
";

/// Name references: `Target[.group][@version] <- Referrer path`, with
/// `{pod}` lines expanded over [`POD_SPECS`] (PodTemplate and the
/// workloads after Pod, which is listed at version v1).
pub(crate) const NAME_REFERENCES: &str = r"
Deployment <- HorizontalPodAutoscaler spec/scaleTargetRef/name
ReplicationController <- HorizontalPodAutoscaler spec/scaleTargetRef/name
ReplicaSet <- HorizontalPodAutoscaler spec/scaleTargetRef/name
StatefulSet <- HorizontalPodAutoscaler spec/scaleTargetRef/name
ConfigMap@v1 <- {pod} volumes/configMap/name|containers/env/valueFrom/configMapKeyRef/name|initContainers/env/valueFrom/configMapKeyRef/name|containers/envFrom/configMapRef/name|initContainers/envFrom/configMapRef/name|volumes/projected/sources/configMap/name
ConfigMap@v1 <- Node spec/configSource/configMap
ConfigMap@v1 <- Role rules/resourceNames
ConfigMap@v1 <- ClusterRole rules/resourceNames
ConfigMap@v1 <- Ingress metadata/annotations/nginx.ingress.kubernetes.io\/fastcgi-params-configmap
Secret@v1 <- {pod} volumes/secret/secretName|containers/env/valueFrom/secretKeyRef/name|initContainers/env/valueFrom/secretKeyRef/name|containers/envFrom/secretRef/name|initContainers/envFrom/secretRef/name|imagePullSecrets/name|volumes/projected/sources/secret/name
Secret@v1 <- Ingress spec/tls/secretName
Secret@v1 <- Ingress metadata/annotations/ingress.kubernetes.io\/auth-secret
Secret@v1 <- Ingress metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret
Secret@v1 <- Ingress metadata/annotations/nginx.ingress.kubernetes.io\/auth-tls-secret
Secret@v1 <- Ingress spec/tls/secretName
Secret@v1 <- ServiceAccount imagePullSecrets/name
Secret@v1 <- StorageClass parameters/secretName
Secret@v1 <- StorageClass parameters/adminSecretName
Secret@v1 <- StorageClass parameters/userSecretName
Secret@v1 <- StorageClass parameters/secretRef
Secret@v1 <- Role rules/resourceNames
Secret@v1 <- ClusterRole rules/resourceNames
Secret@v1 <- Service.serving.knative.dev@v1 spec/template/spec/containers/env/valueFrom/secretKeyRef/name
Secret@v1 <- PersistentVolume spec/azureFile/secretName
Service@v1 <- StatefulSet.apps spec/serviceName
Service@v1 <- Ingress spec/rules/http/paths/backend/serviceName
Service@v1 <- Ingress spec/backend/serviceName
Service@v1 <- Ingress spec/rules/http/paths/backend/service/name
Service@v1 <- Ingress spec/defaultBackend/service/name
Service@v1 <- APIService.apiregistration.k8s.io spec/service/name
Service@v1 <- ValidatingWebhookConfiguration.admissionregistration.k8s.io webhooks/clientConfig/service
Service@v1 <- MutatingWebhookConfiguration.admissionregistration.k8s.io webhooks/clientConfig/service
Role.rbac.authorization.k8s.io <- RoleBinding.rbac.authorization.k8s.io roleRef/name
ClusterRole.rbac.authorization.k8s.io <- RoleBinding.rbac.authorization.k8s.io roleRef/name
ClusterRole.rbac.authorization.k8s.io <- ClusterRoleBinding.rbac.authorization.k8s.io roleRef/name
ServiceAccount@v1 <- RoleBinding.rbac.authorization.k8s.io subjects
ServiceAccount@v1 <- ClusterRoleBinding.rbac.authorization.k8s.io subjects
ServiceAccount@v1 <- Pod spec/serviceAccountName
ServiceAccount@v1 <- StatefulSet spec/template/spec/serviceAccountName
ServiceAccount@v1 <- Deployment spec/template/spec/serviceAccountName
ServiceAccount@v1 <- ReplicationController spec/template/spec/serviceAccountName
ServiceAccount@v1 <- CronJob spec/jobTemplate/spec/template/spec/serviceAccountName
ServiceAccount@v1 <- Job spec/template/spec/serviceAccountName
ServiceAccount@v1 <- DaemonSet spec/template/spec/serviceAccountName
PersistentVolumeClaim@v1 <- Pod spec/volumes/persistentVolumeClaim/claimName
PersistentVolumeClaim@v1 <- StatefulSet spec/template/spec/volumes/persistentVolumeClaim/claimName
PersistentVolumeClaim@v1 <- Deployment spec/template/spec/volumes/persistentVolumeClaim/claimName
PersistentVolumeClaim@v1 <- ReplicationController spec/template/spec/volumes/persistentVolumeClaim/claimName
PersistentVolumeClaim@v1 <- CronJob spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName
PersistentVolumeClaim@v1 <- Job spec/template/spec/volumes/persistentVolumeClaim/claimName
PersistentVolumeClaim@v1 <- DaemonSet spec/template/spec/volumes/persistentVolumeClaim/claimName
PersistentVolume@v1 <- PersistentVolumeClaim spec/volumeName
PersistentVolume@v1 <- ClusterRole rules/resourceNames
StorageClass.storage.k8s.io@v1 <- PersistentVolume spec/storageClassName
StorageClass.storage.k8s.io@v1 <- PersistentVolumeClaim spec/storageClassName
StorageClass.storage.k8s.io@v1 <- StatefulSet spec/volumeClaimTemplates/spec/storageClassName
PriorityClass.scheduling.k8s.io@v1 <- Pod spec/priorityClassName
PriorityClass.scheduling.k8s.io@v1 <- StatefulSet spec/template/spec/priorityClassName
PriorityClass.scheduling.k8s.io@v1 <- Deployment spec/template/spec/priorityClassName
PriorityClass.scheduling.k8s.io@v1 <- ReplicationController spec/template/spec/priorityClassName
PriorityClass.scheduling.k8s.io@v1 <- CronJob spec/jobTemplate/spec/template/spec/priorityClassName
PriorityClass.scheduling.k8s.io@v1 <- Job spec/template/spec/priorityClassName
PriorityClass.scheduling.k8s.io@v1 <- DaemonSet spec/template/spec/priorityClassName
IngressClass.networking.k8s.io/v1@v1 <- Ingress spec/ingressClassName
ValidatingAdmissionPolicy.admissionregistration.k8s.io <- ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io spec/policyName
";

/// Fields where legacy `vars` are expanded.
pub(crate) const VAR_REFERENCES: &str = r"
CronJob spec/jobTemplate/spec/template/spec/containers/args
CronJob spec/jobTemplate/spec/template/spec/containers/command
CronJob spec/jobTemplate/spec/template/spec/containers/env/value
CronJob spec/jobTemplate/spec/template/spec/containers/volumeMounts/mountPath
CronJob spec/jobTemplate/spec/template/spec/initContainers/args
CronJob spec/jobTemplate/spec/template/spec/initContainers/command
CronJob spec/jobTemplate/spec/template/spec/initContainers/env/value
CronJob spec/jobTemplate/spec/template/spec/initContainers/volumeMounts/mountPath
CronJob spec/jobTemplate/spec/template/volumes/nfs/server
{workloads} containers/args|containers/command|containers/env/value|containers/volumeMounts/mountPath|initContainers/args|initContainers/command|initContainers/env/value|initContainers/volumeMounts/mountPath|volumes/nfs/server
Deployment spec/template/metadata/annotations
Ingress spec/rules/host
Ingress spec/tls/hosts
Ingress spec/tls/secretName
Service spec/ports/port
Service spec/ports/targetPort
StatefulSet spec/template/spec/containers/args
StatefulSet spec/template/spec/containers/command
StatefulSet spec/template/spec/containers/env/value
StatefulSet spec/template/spec/containers/volumeMounts/mountPath
StatefulSet spec/template/spec/initContainers/args
StatefulSet spec/template/spec/initContainers/command
StatefulSet spec/template/spec/initContainers/env/value
StatefulSet spec/template/spec/initContainers/volumeMounts/mountPath
StatefulSet spec/volumeClaimTemplates/spec/nfs/server
PersistentVolume spec/nfs/server
* metadata/labels
* metadata/annotations
";

/// The workloads whose pod-spec fields hold vars, in kustomize's order
/// (kind, path to the pod spec).
pub(crate) const VAR_WORKLOADS: &[(&str, &str)] = &[
    ("DaemonSet", "spec/template/spec"),
    ("Deployment", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("Pod", "spec"),
    ("ReplicaSet", "spec/template/spec"),
];
