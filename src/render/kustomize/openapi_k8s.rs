//! Facts from the Kubernetes 1.21.2 OpenAPI schema that kustomize 5.8
//! embeds, reduced to what strategic-merge patches need: for each type,
//! the fields leading to lists that merge by key (and the keys). Types
//! and fields without such lists are left out; a field left out merges
//! as a plain value, as kustomize merges fields its schema does not key.
//!
//! `T apiVersion Kind Definition` maps a type to its definition;
//! `D Definition` starts one, followed by its fields: `name Definition`
//! (an object), `name {} Definition` (a map of them), or
//! `name [] Definition|- [strategy mergeKey|- [key,key]]` (a list of
//! them, `-` for items not listed, then its patch strategy, merge key
//! and list-map keys).

/// The table (see the module docs for its format).
pub(crate) const TABLE: &str = r"
T admissionregistration.k8s.io/v1 MutatingWebhookConfiguration admissionregistration.v1.MutatingWebhookConfiguration
T admissionregistration.k8s.io/v1 MutatingWebhookConfigurationList admissionregistration.v1.MutatingWebhookConfigurationList
T admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration admissionregistration.v1.ValidatingWebhookConfiguration
T admissionregistration.k8s.io/v1 ValidatingWebhookConfigurationList admissionregistration.v1.ValidatingWebhookConfigurationList
T admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration admissionregistration.v1beta1.MutatingWebhookConfiguration
T admissionregistration.k8s.io/v1beta1 MutatingWebhookConfigurationList admissionregistration.v1beta1.MutatingWebhookConfigurationList
T admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration admissionregistration.v1beta1.ValidatingWebhookConfiguration
T admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfigurationList admissionregistration.v1beta1.ValidatingWebhookConfigurationList
T apps/v1 ControllerRevision apps.v1.ControllerRevision
T apps/v1 ControllerRevisionList apps.v1.ControllerRevisionList
T apps/v1 DaemonSet apps.v1.DaemonSet
T apps/v1 DaemonSetList apps.v1.DaemonSetList
T apps/v1 Deployment apps.v1.Deployment
T apps/v1 DeploymentList apps.v1.DeploymentList
T apps/v1 ReplicaSet apps.v1.ReplicaSet
T apps/v1 ReplicaSetList apps.v1.ReplicaSetList
T apps/v1 StatefulSet apps.v1.StatefulSet
T apps/v1 StatefulSetList apps.v1.StatefulSetList
T authentication.k8s.io/v1 TokenRequest authentication.v1.TokenRequest
T authentication.k8s.io/v1 TokenReview authentication.v1.TokenReview
T authentication.k8s.io/v1beta1 TokenReview authentication.v1beta1.TokenReview
T authorization.k8s.io/v1 LocalSubjectAccessReview authorization.v1.LocalSubjectAccessReview
T authorization.k8s.io/v1 SelfSubjectAccessReview authorization.v1.SelfSubjectAccessReview
T authorization.k8s.io/v1 SelfSubjectRulesReview authorization.v1.SelfSubjectRulesReview
T authorization.k8s.io/v1 SubjectAccessReview authorization.v1.SubjectAccessReview
T authorization.k8s.io/v1beta1 LocalSubjectAccessReview authorization.v1beta1.LocalSubjectAccessReview
T authorization.k8s.io/v1beta1 SelfSubjectAccessReview authorization.v1beta1.SelfSubjectAccessReview
T authorization.k8s.io/v1beta1 SelfSubjectRulesReview authorization.v1beta1.SelfSubjectRulesReview
T authorization.k8s.io/v1beta1 SubjectAccessReview authorization.v1beta1.SubjectAccessReview
T autoscaling/v1 HorizontalPodAutoscaler autoscaling.v1.HorizontalPodAutoscaler
T autoscaling/v1 HorizontalPodAutoscalerList autoscaling.v1.HorizontalPodAutoscalerList
T autoscaling/v1 Scale autoscaling.v1.Scale
T autoscaling/v2beta1 HorizontalPodAutoscaler autoscaling.v2beta1.HorizontalPodAutoscaler
T autoscaling/v2beta1 HorizontalPodAutoscalerList autoscaling.v2beta1.HorizontalPodAutoscalerList
T autoscaling/v2beta2 HorizontalPodAutoscaler autoscaling.v2beta2.HorizontalPodAutoscaler
T autoscaling/v2beta2 HorizontalPodAutoscalerList autoscaling.v2beta2.HorizontalPodAutoscalerList
T batch/v1 CronJob batch.v1.CronJob
T batch/v1 CronJobList batch.v1.CronJobList
T batch/v1 Job batch.v1.Job
T batch/v1 JobList batch.v1.JobList
T batch/v1beta1 CronJob batch.v1beta1.CronJob
T batch/v1beta1 CronJobList batch.v1beta1.CronJobList
T certificates.k8s.io/v1 CertificateSigningRequest certificates.v1.CertificateSigningRequest
T certificates.k8s.io/v1 CertificateSigningRequestList certificates.v1.CertificateSigningRequestList
T certificates.k8s.io/v1beta1 CertificateSigningRequest certificates.v1beta1.CertificateSigningRequest
T certificates.k8s.io/v1beta1 CertificateSigningRequestList certificates.v1beta1.CertificateSigningRequestList
T coordination.k8s.io/v1 Lease coordination.v1.Lease
T coordination.k8s.io/v1 LeaseList coordination.v1.LeaseList
T coordination.k8s.io/v1beta1 Lease coordination.v1beta1.Lease
T coordination.k8s.io/v1beta1 LeaseList coordination.v1beta1.LeaseList
T v1 Binding core.v1.Binding
T v1 ComponentStatus core.v1.ComponentStatus
T v1 ComponentStatusList core.v1.ComponentStatusList
T v1 ConfigMap core.v1.ConfigMap
T v1 ConfigMapList core.v1.ConfigMapList
T v1 Endpoints core.v1.Endpoints
T v1 EndpointsList core.v1.EndpointsList
T v1 Event core.v1.Event
T v1 EventList core.v1.EventList
T v1 LimitRange core.v1.LimitRange
T v1 LimitRangeList core.v1.LimitRangeList
T v1 Namespace core.v1.Namespace
T v1 NamespaceList core.v1.NamespaceList
T v1 Node core.v1.Node
T v1 NodeList core.v1.NodeList
T v1 PersistentVolume core.v1.PersistentVolume
T v1 PersistentVolumeClaim core.v1.PersistentVolumeClaim
T v1 PersistentVolumeClaimList core.v1.PersistentVolumeClaimList
T v1 PersistentVolumeList core.v1.PersistentVolumeList
T v1 Pod core.v1.Pod
T v1 PodList core.v1.PodList
T v1 PodTemplate core.v1.PodTemplate
T v1 PodTemplateList core.v1.PodTemplateList
T v1 ReplicationController core.v1.ReplicationController
T v1 ReplicationControllerList core.v1.ReplicationControllerList
T v1 ResourceQuota core.v1.ResourceQuota
T v1 ResourceQuotaList core.v1.ResourceQuotaList
T v1 Secret core.v1.Secret
T v1 SecretList core.v1.SecretList
T v1 Service core.v1.Service
T v1 ServiceAccount core.v1.ServiceAccount
T v1 ServiceAccountList core.v1.ServiceAccountList
T v1 ServiceList core.v1.ServiceList
T discovery.k8s.io/v1 EndpointSlice discovery.v1.EndpointSlice
T discovery.k8s.io/v1 EndpointSliceList discovery.v1.EndpointSliceList
T discovery.k8s.io/v1beta1 EndpointSlice discovery.v1beta1.EndpointSlice
T discovery.k8s.io/v1beta1 EndpointSliceList discovery.v1beta1.EndpointSliceList
T events.k8s.io/v1 Event events.v1.Event
T events.k8s.io/v1 EventList events.v1.EventList
T events.k8s.io/v1beta1 Event events.v1beta1.Event
T events.k8s.io/v1beta1 EventList events.v1beta1.EventList
T extensions/v1beta1 Ingress extensions.v1beta1.Ingress
T extensions/v1beta1 IngressList extensions.v1beta1.IngressList
T flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema flowcontrol.v1beta1.FlowSchema
T flowcontrol.apiserver.k8s.io/v1beta1 FlowSchemaList flowcontrol.v1beta1.FlowSchemaList
T flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration flowcontrol.v1beta1.PriorityLevelConfiguration
T flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfigurationList flowcontrol.v1beta1.PriorityLevelConfigurationList
T networking.k8s.io/v1 Ingress networking.v1.Ingress
T networking.k8s.io/v1 IngressClass networking.v1.IngressClass
T networking.k8s.io/v1 IngressClassList networking.v1.IngressClassList
T networking.k8s.io/v1 IngressList networking.v1.IngressList
T networking.k8s.io/v1 NetworkPolicy networking.v1.NetworkPolicy
T networking.k8s.io/v1 NetworkPolicyList networking.v1.NetworkPolicyList
T networking.k8s.io/v1beta1 Ingress networking.v1beta1.Ingress
T networking.k8s.io/v1beta1 IngressClass networking.v1beta1.IngressClass
T networking.k8s.io/v1beta1 IngressClassList networking.v1beta1.IngressClassList
T networking.k8s.io/v1beta1 IngressList networking.v1beta1.IngressList
T node.k8s.io/v1 RuntimeClass node.v1.RuntimeClass
T node.k8s.io/v1 RuntimeClassList node.v1.RuntimeClassList
T node.k8s.io/v1beta1 RuntimeClass node.v1beta1.RuntimeClass
T node.k8s.io/v1beta1 RuntimeClassList node.v1beta1.RuntimeClassList
T policy/v1 PodDisruptionBudget policy.v1.PodDisruptionBudget
T policy/v1 PodDisruptionBudgetList policy.v1.PodDisruptionBudgetList
T policy/v1beta1 Eviction policy.v1beta1.Eviction
T policy/v1beta1 PodDisruptionBudget policy.v1beta1.PodDisruptionBudget
T policy/v1beta1 PodDisruptionBudgetList policy.v1beta1.PodDisruptionBudgetList
T policy/v1beta1 PodSecurityPolicy policy.v1beta1.PodSecurityPolicy
T policy/v1beta1 PodSecurityPolicyList policy.v1beta1.PodSecurityPolicyList
T rbac.authorization.k8s.io/v1 ClusterRole rbac.v1.ClusterRole
T rbac.authorization.k8s.io/v1 ClusterRoleBinding rbac.v1.ClusterRoleBinding
T rbac.authorization.k8s.io/v1 ClusterRoleBindingList rbac.v1.ClusterRoleBindingList
T rbac.authorization.k8s.io/v1 ClusterRoleList rbac.v1.ClusterRoleList
T rbac.authorization.k8s.io/v1 Role rbac.v1.Role
T rbac.authorization.k8s.io/v1 RoleBinding rbac.v1.RoleBinding
T rbac.authorization.k8s.io/v1 RoleBindingList rbac.v1.RoleBindingList
T rbac.authorization.k8s.io/v1 RoleList rbac.v1.RoleList
T rbac.authorization.k8s.io/v1beta1 ClusterRole rbac.v1beta1.ClusterRole
T rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding rbac.v1beta1.ClusterRoleBinding
T rbac.authorization.k8s.io/v1beta1 ClusterRoleBindingList rbac.v1beta1.ClusterRoleBindingList
T rbac.authorization.k8s.io/v1beta1 ClusterRoleList rbac.v1beta1.ClusterRoleList
T rbac.authorization.k8s.io/v1beta1 Role rbac.v1beta1.Role
T rbac.authorization.k8s.io/v1beta1 RoleBinding rbac.v1beta1.RoleBinding
T rbac.authorization.k8s.io/v1beta1 RoleBindingList rbac.v1beta1.RoleBindingList
T rbac.authorization.k8s.io/v1beta1 RoleList rbac.v1beta1.RoleList
T scheduling.k8s.io/v1 PriorityClass scheduling.v1.PriorityClass
T scheduling.k8s.io/v1 PriorityClassList scheduling.v1.PriorityClassList
T scheduling.k8s.io/v1beta1 PriorityClass scheduling.v1beta1.PriorityClass
T scheduling.k8s.io/v1beta1 PriorityClassList scheduling.v1beta1.PriorityClassList
T storage.k8s.io/v1 CSIDriver storage.v1.CSIDriver
T storage.k8s.io/v1 CSIDriverList storage.v1.CSIDriverList
T storage.k8s.io/v1 CSINode storage.v1.CSINode
T storage.k8s.io/v1 CSINodeList storage.v1.CSINodeList
T storage.k8s.io/v1 StorageClass storage.v1.StorageClass
T storage.k8s.io/v1 StorageClassList storage.v1.StorageClassList
T storage.k8s.io/v1 VolumeAttachment storage.v1.VolumeAttachment
T storage.k8s.io/v1 VolumeAttachmentList storage.v1.VolumeAttachmentList
T storage.k8s.io/v1beta1 CSIDriver storage.v1beta1.CSIDriver
T storage.k8s.io/v1beta1 CSIDriverList storage.v1beta1.CSIDriverList
T storage.k8s.io/v1beta1 CSINode storage.v1beta1.CSINode
T storage.k8s.io/v1beta1 CSINodeList storage.v1beta1.CSINodeList
T storage.k8s.io/v1beta1 CSIStorageCapacity storage.v1beta1.CSIStorageCapacity
T storage.k8s.io/v1beta1 CSIStorageCapacityList storage.v1beta1.CSIStorageCapacityList
T storage.k8s.io/v1beta1 StorageClass storage.v1beta1.StorageClass
T storage.k8s.io/v1beta1 StorageClassList storage.v1beta1.StorageClassList
T storage.k8s.io/v1beta1 VolumeAttachment storage.v1beta1.VolumeAttachment
T storage.k8s.io/v1beta1 VolumeAttachmentList storage.v1beta1.VolumeAttachmentList
T apiextensions.k8s.io/v1 CustomResourceDefinition ext.apiextensions.v1.CustomResourceDefinition
T apiextensions.k8s.io/v1 CustomResourceDefinitionList ext.apiextensions.v1.CustomResourceDefinitionList
T apiextensions.k8s.io/v1beta1 CustomResourceDefinition ext.apiextensions.v1beta1.CustomResourceDefinition
T apiextensions.k8s.io/v1beta1 CustomResourceDefinitionList ext.apiextensions.v1beta1.CustomResourceDefinitionList
T apiregistration.k8s.io/v1 APIService agg.apiregistration.v1.APIService
T apiregistration.k8s.io/v1 APIServiceList agg.apiregistration.v1.APIServiceList
T apiregistration.k8s.io/v1beta1 APIService agg.apiregistration.v1beta1.APIService
T apiregistration.k8s.io/v1beta1 APIServiceList agg.apiregistration.v1beta1.APIServiceList
D admissionregistration.v1.MutatingWebhookConfiguration
  metadata meta.ObjectMeta
  webhooks [] - merge name
D admissionregistration.v1.MutatingWebhookConfigurationList
  items [] admissionregistration.v1.MutatingWebhookConfiguration
D admissionregistration.v1.ValidatingWebhookConfiguration
  metadata meta.ObjectMeta
  webhooks [] - merge name
D admissionregistration.v1.ValidatingWebhookConfigurationList
  items [] admissionregistration.v1.ValidatingWebhookConfiguration
D admissionregistration.v1beta1.MutatingWebhookConfiguration
  metadata meta.ObjectMeta
  webhooks [] - merge name
D admissionregistration.v1beta1.MutatingWebhookConfigurationList
  items [] admissionregistration.v1beta1.MutatingWebhookConfiguration
D admissionregistration.v1beta1.ValidatingWebhookConfiguration
  metadata meta.ObjectMeta
  webhooks [] - merge name
D admissionregistration.v1beta1.ValidatingWebhookConfigurationList
  items [] admissionregistration.v1beta1.ValidatingWebhookConfiguration
D apps.v1.ControllerRevision
  metadata meta.ObjectMeta
D apps.v1.ControllerRevisionList
  items [] apps.v1.ControllerRevision
D apps.v1.DaemonSet
  metadata meta.ObjectMeta
  spec apps.v1.DaemonSetSpec
  status apps.v1.DaemonSetStatus
D apps.v1.DaemonSetList
  items [] apps.v1.DaemonSet
D apps.v1.DaemonSetSpec
  template core.v1.PodTemplateSpec
D apps.v1.DaemonSetStatus
  conditions [] - merge type
D apps.v1.Deployment
  metadata meta.ObjectMeta
  spec apps.v1.DeploymentSpec
  status apps.v1.DeploymentStatus
D apps.v1.DeploymentList
  items [] apps.v1.Deployment
D apps.v1.DeploymentSpec
  template core.v1.PodTemplateSpec
D apps.v1.DeploymentStatus
  conditions [] - merge type
D apps.v1.ReplicaSet
  metadata meta.ObjectMeta
  spec apps.v1.ReplicaSetSpec
  status apps.v1.ReplicaSetStatus
D apps.v1.ReplicaSetList
  items [] apps.v1.ReplicaSet
D apps.v1.ReplicaSetSpec
  template core.v1.PodTemplateSpec
D apps.v1.ReplicaSetStatus
  conditions [] - merge type
D apps.v1.StatefulSet
  metadata meta.ObjectMeta
  spec apps.v1.StatefulSetSpec
  status apps.v1.StatefulSetStatus
D apps.v1.StatefulSetList
  items [] apps.v1.StatefulSet
D apps.v1.StatefulSetSpec
  template core.v1.PodTemplateSpec
  volumeClaimTemplates [] core.v1.PersistentVolumeClaim
D apps.v1.StatefulSetStatus
  conditions [] - merge type
D authentication.v1.TokenRequest
  metadata meta.ObjectMeta
D authentication.v1.TokenReview
  metadata meta.ObjectMeta
D authentication.v1beta1.TokenReview
  metadata meta.ObjectMeta
D authorization.v1.LocalSubjectAccessReview
  metadata meta.ObjectMeta
D authorization.v1.SelfSubjectAccessReview
  metadata meta.ObjectMeta
D authorization.v1.SelfSubjectRulesReview
  metadata meta.ObjectMeta
D authorization.v1.SubjectAccessReview
  metadata meta.ObjectMeta
D authorization.v1beta1.LocalSubjectAccessReview
  metadata meta.ObjectMeta
D authorization.v1beta1.SelfSubjectAccessReview
  metadata meta.ObjectMeta
D authorization.v1beta1.SelfSubjectRulesReview
  metadata meta.ObjectMeta
D authorization.v1beta1.SubjectAccessReview
  metadata meta.ObjectMeta
D autoscaling.v1.HorizontalPodAutoscaler
  metadata meta.ObjectMeta
D autoscaling.v1.HorizontalPodAutoscalerList
  items [] autoscaling.v1.HorizontalPodAutoscaler
D autoscaling.v1.Scale
  metadata meta.ObjectMeta
D autoscaling.v2beta1.HorizontalPodAutoscaler
  metadata meta.ObjectMeta
D autoscaling.v2beta1.HorizontalPodAutoscalerList
  items [] autoscaling.v2beta1.HorizontalPodAutoscaler
D autoscaling.v2beta2.HorizontalPodAutoscaler
  metadata meta.ObjectMeta
D autoscaling.v2beta2.HorizontalPodAutoscalerList
  items [] autoscaling.v2beta2.HorizontalPodAutoscaler
D batch.v1.CronJob
  metadata meta.ObjectMeta
  spec batch.v1.CronJobSpec
D batch.v1.CronJobList
  items [] batch.v1.CronJob
D batch.v1.CronJobSpec
  jobTemplate batch.v1.JobTemplateSpec
D batch.v1.Job
  metadata meta.ObjectMeta
  spec batch.v1.JobSpec
  status batch.v1.JobStatus
D batch.v1.JobList
  items [] batch.v1.Job
D batch.v1.JobSpec
  template core.v1.PodTemplateSpec
D batch.v1.JobStatus
  conditions [] - merge type
D batch.v1.JobTemplateSpec
  metadata meta.ObjectMeta
  spec batch.v1.JobSpec
D batch.v1beta1.CronJob
  metadata meta.ObjectMeta
  spec batch.v1beta1.CronJobSpec
D batch.v1beta1.CronJobList
  items [] batch.v1beta1.CronJob
D batch.v1beta1.CronJobSpec
  jobTemplate batch.v1beta1.JobTemplateSpec
D batch.v1beta1.JobTemplateSpec
  metadata meta.ObjectMeta
  spec batch.v1.JobSpec
D certificates.v1.CertificateSigningRequest
  metadata meta.ObjectMeta
D certificates.v1.CertificateSigningRequestList
  items [] certificates.v1.CertificateSigningRequest
D certificates.v1beta1.CertificateSigningRequest
  metadata meta.ObjectMeta
D certificates.v1beta1.CertificateSigningRequestList
  items [] certificates.v1beta1.CertificateSigningRequest
D coordination.v1.Lease
  metadata meta.ObjectMeta
D coordination.v1.LeaseList
  items [] coordination.v1.Lease
D coordination.v1beta1.Lease
  metadata meta.ObjectMeta
D coordination.v1beta1.LeaseList
  items [] coordination.v1beta1.Lease
D core.v1.Binding
  metadata meta.ObjectMeta
D core.v1.ComponentStatus
  conditions [] - merge type
  metadata meta.ObjectMeta
D core.v1.ComponentStatusList
  items [] core.v1.ComponentStatus
D core.v1.ConfigMap
  metadata meta.ObjectMeta
D core.v1.ConfigMapList
  items [] core.v1.ConfigMap
D core.v1.Container
  env [] - merge name
  ports [] - merge containerPort containerPort,protocol
  volumeDevices [] - merge devicePath
  volumeMounts [] - merge mountPath
D core.v1.Endpoints
  metadata meta.ObjectMeta
D core.v1.EndpointsList
  items [] core.v1.Endpoints
D core.v1.EphemeralContainer
  env [] - merge name
  volumeDevices [] - merge devicePath
  volumeMounts [] - merge mountPath
D core.v1.EphemeralVolumeSource
  volumeClaimTemplate core.v1.PersistentVolumeClaimTemplate
D core.v1.Event
  metadata meta.ObjectMeta
D core.v1.EventList
  items [] core.v1.Event
D core.v1.LimitRange
  metadata meta.ObjectMeta
D core.v1.LimitRangeList
  items [] core.v1.LimitRange
D core.v1.Namespace
  metadata meta.ObjectMeta
  status core.v1.NamespaceStatus
D core.v1.NamespaceList
  items [] core.v1.Namespace
D core.v1.NamespaceStatus
  conditions [] - merge type
D core.v1.Node
  metadata meta.ObjectMeta
  spec core.v1.NodeSpec
  status core.v1.NodeStatus
D core.v1.NodeList
  items [] core.v1.Node
D core.v1.NodeSpec
  podCIDRs [] - merge -
D core.v1.NodeStatus
  addresses [] - merge type
  conditions [] - merge type
D core.v1.PersistentVolume
  metadata meta.ObjectMeta
D core.v1.PersistentVolumeClaim
  metadata meta.ObjectMeta
  status core.v1.PersistentVolumeClaimStatus
D core.v1.PersistentVolumeClaimList
  items [] core.v1.PersistentVolumeClaim
D core.v1.PersistentVolumeClaimStatus
  conditions [] - merge type
D core.v1.PersistentVolumeClaimTemplate
  metadata meta.ObjectMeta
D core.v1.PersistentVolumeList
  items [] core.v1.PersistentVolume
D core.v1.Pod
  metadata meta.ObjectMeta
  spec core.v1.PodSpec
  status core.v1.PodStatus
D core.v1.PodList
  items [] core.v1.Pod
D core.v1.PodSpec
  containers [] core.v1.Container merge name
  ephemeralContainers [] core.v1.EphemeralContainer merge name
  hostAliases [] - merge ip
  imagePullSecrets [] - merge name
  initContainers [] core.v1.Container merge name
  topologySpreadConstraints [] - merge topologyKey topologyKey,whenUnsatisfiable
  volumes [] core.v1.Volume merge,retainKeys name
D core.v1.PodStatus
  conditions [] - merge type
  podIPs [] - merge ip
D core.v1.PodTemplate
  metadata meta.ObjectMeta
  template core.v1.PodTemplateSpec
D core.v1.PodTemplateList
  items [] core.v1.PodTemplate
D core.v1.PodTemplateSpec
  metadata meta.ObjectMeta
  spec core.v1.PodSpec
D core.v1.ReplicationController
  metadata meta.ObjectMeta
  spec core.v1.ReplicationControllerSpec
  status core.v1.ReplicationControllerStatus
D core.v1.ReplicationControllerList
  items [] core.v1.ReplicationController
D core.v1.ReplicationControllerSpec
  template core.v1.PodTemplateSpec
D core.v1.ReplicationControllerStatus
  conditions [] - merge type
D core.v1.ResourceQuota
  metadata meta.ObjectMeta
D core.v1.ResourceQuotaList
  items [] core.v1.ResourceQuota
D core.v1.Secret
  metadata meta.ObjectMeta
D core.v1.SecretList
  items [] core.v1.Secret
D core.v1.Service
  metadata meta.ObjectMeta
  spec core.v1.ServiceSpec
  status core.v1.ServiceStatus
D core.v1.ServiceAccount
  metadata meta.ObjectMeta
  secrets [] - merge name
D core.v1.ServiceAccountList
  items [] core.v1.ServiceAccount
D core.v1.ServiceList
  items [] core.v1.Service
D core.v1.ServiceSpec
  ports [] - merge port port,protocol
D core.v1.ServiceStatus
  conditions [] - merge type type
D core.v1.Volume
  ephemeral core.v1.EphemeralVolumeSource
D discovery.v1.EndpointSlice
  metadata meta.ObjectMeta
D discovery.v1.EndpointSliceList
  items [] discovery.v1.EndpointSlice
D discovery.v1beta1.EndpointSlice
  metadata meta.ObjectMeta
D discovery.v1beta1.EndpointSliceList
  items [] discovery.v1beta1.EndpointSlice
D events.v1.Event
  metadata meta.ObjectMeta
D events.v1.EventList
  items [] events.v1.Event
D events.v1beta1.Event
  metadata meta.ObjectMeta
D events.v1beta1.EventList
  items [] events.v1beta1.Event
D extensions.v1beta1.Ingress
  metadata meta.ObjectMeta
D extensions.v1beta1.IngressList
  items [] extensions.v1beta1.Ingress
D flowcontrol.v1beta1.FlowSchema
  metadata meta.ObjectMeta
D flowcontrol.v1beta1.FlowSchemaList
  items [] flowcontrol.v1beta1.FlowSchema
D flowcontrol.v1beta1.PriorityLevelConfiguration
  metadata meta.ObjectMeta
D flowcontrol.v1beta1.PriorityLevelConfigurationList
  items [] flowcontrol.v1beta1.PriorityLevelConfiguration
D networking.v1.Ingress
  metadata meta.ObjectMeta
D networking.v1.IngressClass
  metadata meta.ObjectMeta
D networking.v1.IngressClassList
  items [] networking.v1.IngressClass
D networking.v1.IngressList
  items [] networking.v1.Ingress
D networking.v1.NetworkPolicy
  metadata meta.ObjectMeta
D networking.v1.NetworkPolicyList
  items [] networking.v1.NetworkPolicy
D networking.v1beta1.Ingress
  metadata meta.ObjectMeta
D networking.v1beta1.IngressClass
  metadata meta.ObjectMeta
D networking.v1beta1.IngressClassList
  items [] networking.v1beta1.IngressClass
D networking.v1beta1.IngressList
  items [] networking.v1beta1.Ingress
D node.v1.RuntimeClass
  metadata meta.ObjectMeta
D node.v1.RuntimeClassList
  items [] node.v1.RuntimeClass
D node.v1beta1.RuntimeClass
  metadata meta.ObjectMeta
D node.v1beta1.RuntimeClassList
  items [] node.v1beta1.RuntimeClass
D policy.v1.PodDisruptionBudget
  metadata meta.ObjectMeta
  status policy.v1.PodDisruptionBudgetStatus
D policy.v1.PodDisruptionBudgetList
  items [] policy.v1.PodDisruptionBudget
D policy.v1.PodDisruptionBudgetStatus
  conditions [] - merge type type
D policy.v1beta1.Eviction
  metadata meta.ObjectMeta
D policy.v1beta1.PodDisruptionBudget
  metadata meta.ObjectMeta
  status policy.v1beta1.PodDisruptionBudgetStatus
D policy.v1beta1.PodDisruptionBudgetList
  items [] policy.v1beta1.PodDisruptionBudget
D policy.v1beta1.PodDisruptionBudgetStatus
  conditions [] - merge type type
D policy.v1beta1.PodSecurityPolicy
  metadata meta.ObjectMeta
D policy.v1beta1.PodSecurityPolicyList
  items [] policy.v1beta1.PodSecurityPolicy
D rbac.v1.ClusterRole
  metadata meta.ObjectMeta
D rbac.v1.ClusterRoleBinding
  metadata meta.ObjectMeta
D rbac.v1.ClusterRoleBindingList
  items [] rbac.v1.ClusterRoleBinding
D rbac.v1.ClusterRoleList
  items [] rbac.v1.ClusterRole
D rbac.v1.Role
  metadata meta.ObjectMeta
D rbac.v1.RoleBinding
  metadata meta.ObjectMeta
D rbac.v1.RoleBindingList
  items [] rbac.v1.RoleBinding
D rbac.v1.RoleList
  items [] rbac.v1.Role
D rbac.v1beta1.ClusterRole
  metadata meta.ObjectMeta
D rbac.v1beta1.ClusterRoleBinding
  metadata meta.ObjectMeta
D rbac.v1beta1.ClusterRoleBindingList
  items [] rbac.v1beta1.ClusterRoleBinding
D rbac.v1beta1.ClusterRoleList
  items [] rbac.v1beta1.ClusterRole
D rbac.v1beta1.Role
  metadata meta.ObjectMeta
D rbac.v1beta1.RoleBinding
  metadata meta.ObjectMeta
D rbac.v1beta1.RoleBindingList
  items [] rbac.v1beta1.RoleBinding
D rbac.v1beta1.RoleList
  items [] rbac.v1beta1.Role
D scheduling.v1.PriorityClass
  metadata meta.ObjectMeta
D scheduling.v1.PriorityClassList
  items [] scheduling.v1.PriorityClass
D scheduling.v1beta1.PriorityClass
  metadata meta.ObjectMeta
D scheduling.v1beta1.PriorityClassList
  items [] scheduling.v1beta1.PriorityClass
D storage.v1.CSIDriver
  metadata meta.ObjectMeta
D storage.v1.CSIDriverList
  items [] storage.v1.CSIDriver
D storage.v1.CSINode
  metadata meta.ObjectMeta
  spec storage.v1.CSINodeSpec
D storage.v1.CSINodeList
  items [] storage.v1.CSINode
D storage.v1.CSINodeSpec
  drivers [] - merge name
D storage.v1.StorageClass
  metadata meta.ObjectMeta
D storage.v1.StorageClassList
  items [] storage.v1.StorageClass
D storage.v1.VolumeAttachment
  metadata meta.ObjectMeta
D storage.v1.VolumeAttachmentList
  items [] storage.v1.VolumeAttachment
D storage.v1beta1.CSIDriver
  metadata meta.ObjectMeta
D storage.v1beta1.CSIDriverList
  items [] storage.v1beta1.CSIDriver
D storage.v1beta1.CSINode
  metadata meta.ObjectMeta
  spec storage.v1beta1.CSINodeSpec
D storage.v1beta1.CSINodeList
  items [] storage.v1beta1.CSINode
D storage.v1beta1.CSINodeSpec
  drivers [] - merge name
D storage.v1beta1.CSIStorageCapacity
  metadata meta.ObjectMeta
D storage.v1beta1.CSIStorageCapacityList
  items [] storage.v1beta1.CSIStorageCapacity
D storage.v1beta1.StorageClass
  metadata meta.ObjectMeta
D storage.v1beta1.StorageClassList
  items [] storage.v1beta1.StorageClass
D storage.v1beta1.VolumeAttachment
  metadata meta.ObjectMeta
D storage.v1beta1.VolumeAttachmentList
  items [] storage.v1beta1.VolumeAttachment
D ext.apiextensions.v1.CustomResourceDefinition
  metadata meta.ObjectMeta
D ext.apiextensions.v1.CustomResourceDefinitionList
  items [] ext.apiextensions.v1.CustomResourceDefinition
D ext.apiextensions.v1beta1.CustomResourceDefinition
  metadata meta.ObjectMeta
D ext.apiextensions.v1beta1.CustomResourceDefinitionList
  items [] ext.apiextensions.v1beta1.CustomResourceDefinition
D meta.ObjectMeta
  finalizers [] - merge -
  ownerReferences [] - merge uid
D agg.apiregistration.v1.APIService
  metadata meta.ObjectMeta
  status agg.apiregistration.v1.APIServiceStatus
D agg.apiregistration.v1.APIServiceList
  items [] agg.apiregistration.v1.APIService
D agg.apiregistration.v1.APIServiceStatus
  conditions [] - merge type type
D agg.apiregistration.v1beta1.APIService
  metadata meta.ObjectMeta
  status agg.apiregistration.v1beta1.APIServiceStatus
D agg.apiregistration.v1beta1.APIServiceList
  items [] agg.apiregistration.v1beta1.APIService
D agg.apiregistration.v1beta1.APIServiceStatus
  conditions [] - merge type type
";
