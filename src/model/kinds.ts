/** Built-in knowledge about Kubernetes kinds. */

/** API groups served by Kubernetes itself; anything else is a custom resource. */
export const BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'extensions',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'apiextensions.k8s.io',
  'admissionregistration.k8s.io',
  'apiregistration.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'certificates.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
  'internal.apiserver.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
]);

/** Cluster-scoped kinds (built-in and common add-ons); CRDs in the input add theirs. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'VolumeAttributesClass',
  'IngressClass',
  'PriorityClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'APIService',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'CertificateSigningRequest',
  'ClusterTrustBundle',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'IPAddress',
  'ServiceCIDR',
  'DeviceClass',
  'ComponentStatus',
  'StorageVersionMigration',
  'GatewayClass',
  'ClusterIssuer',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
]);

export type WorkloadKind =
  'Pod' | 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'ReplicationController' | 'Job' | 'CronJob';

/** Where each workload kind keeps its pod template (relative to the object). */
export const POD_TEMPLATE_PATHS: Record<WorkloadKind, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const WORKLOAD_GROUPS: Record<WorkloadKind, readonly string[]> = {
  Pod: [''],
  Deployment: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  DaemonSet: ['apps', 'extensions'],
  ReplicationController: [''],
  Job: ['batch'],
  CronJob: ['batch'],
};

/** `WORKLOAD_GROUPS` as a map: looking up a kind that is not a key does not intern it. */
const WORKLOAD_GROUP_MAP: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(WORKLOAD_GROUPS));

export function workloadKind(group: string, kind: string): WorkloadKind | undefined {
  return WORKLOAD_GROUP_MAP.get(kind)?.includes(group) ? (kind as WorkloadKind) : undefined;
}

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/**
 * A `protocol` the API server rejects on a container or Service port: one that is given (omitted,
 * null and "" all default to TCP) and is not TCP, UDP or SCTP (case matters).
 */
export function isInvalidProtocol(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && !(PROTOCOLS as readonly unknown[]).includes(v);
}

const PORT_NAME_CHARS = /^[a-z0-9-]+$/;
const LETTER = /[a-z]/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Text that holds a template placeholder (`{{ .Values.port }}`, `{{ index .Ports 0 }}`): a file
 * that a program renders (Go templates of Helm charts and test suites) before it is applied. A
 * placeholder written unquoted as a value reads as a YAML flow map, so a rule finds a map where an
 * integer or a string belongs.
 */
export function hasTemplatePlaceholder(text: string): boolean {
  // Two searches, linear in the text (a pattern such as /\{\{.*\}\}/s backtracks once per `{{`).
  const open = text.indexOf('{{');
  return open >= 0 && text.indexOf('}}', open + 2) >= 0;
}

/**
 * The kind of placeholder a value holds, as a phrase, or undefined: a template placeholder
 * (`{{ … }}`), a substitution variable (`${DOMAIN}`, replaced by envsubst or Flux post-build
 * substitution), a marker a script replaces (`__INGRESS_HOST__`), or text to fill in by hand
 * (`registry.<your domain>`). Such a value is not what the cluster gets.
 */
export function placeholderIn(text: string): string | undefined {
  if (hasTemplatePlaceholder(text)) return 'a template placeholder ({{ … }})';
  if (/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=+?][^}]*)?\}/.test(text)) return 'a substitution variable (${…})';
  if (/__[A-Z][A-Z0-9_]*__/.test(text)) return 'a placeholder marker (__…__)';
  if (/<[^<>]+>/.test(text)) return 'a placeholder to fill in (<…>)';
  return undefined;
}

/** IANA service name, as Kubernetes validates port names (IsValidPortName). */
export function portNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 15) return 'must be no more than 15 characters';
  if (!PORT_NAME_CHARS.test(name)) return 'must contain only lowercase letters, digits and "-"';
  if (!LETTER.test(name)) return 'must contain at least one letter';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not begin or end with "-"';
  if (name.includes('--')) return 'must not contain "--"';
  return undefined;
}

/** RFC 1123 label (DNS_LABEL). */
export function isDnsLabel(s: string): boolean {
  return s.length > 0 && s.length <= 63 && DNS_LABEL.test(s);
}

/** RFC 1123 subdomain (DNS_SUBDOMAIN). */
export function isDnsSubdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every(isDnsLabel);
}

/**
 * Configuration files of tools that share the Kubernetes object shape but are never applied to a
 * cluster (kustomization.yaml, kind and kubeadm configs, KRM function configs, Skaffold): they are
 * not objects of the cluster slice.
 */
export function isToolConfig(apiVersion: string): boolean {
  if (apiVersion.startsWith('skaffold/')) return true;
  const slash = apiVersion.lastIndexOf('/');
  if (slash < 0) return false;
  const group = apiVersion.slice(0, slash);
  return group === 'config.k8s.io' || group.endsWith('.config.k8s.io') || TOOL_CONFIG_GROUPS.has(group);
}

const TOOL_CONFIG_GROUPS = new Set([
  'config.kubernetes.io',
  'kpt.dev',
  'fn.kpt.dev',
  'kind.x-k8s.io',
  'k3d.io',
  'kubeadm.k8s.io',
  'kubescheduler.config.k8s.io',
  'ctlptl.dev',
  // IstioOperator: the input of `istioctl install -f` (the in-cluster operator that read it as an
  // object was removed in Istio 1.24).
  'install.istio.io',
]);
