/** Namespace of objects without metadata.namespace, unless the run says otherwise (like kubectl -n). */
export const DEFAULT_NAMESPACE = 'default';

/** Namespaces that the cluster (kube-*) or an installer (Istio's root namespace) populates. */
const PLATFORM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'istio-system']);

/**
 * Namespaces that the cluster, its provider and installers fill with their own Services and pods
 * (kube-system: DNS, metrics, the network plugin's agents; istio-system: istiod, the gateways;
 * `gke-managed-*`: GKE's add-ons). Manifests that put objects there hold only part of the namespace.
 */
export function platformNamespace(namespace: string): boolean {
  return PLATFORM_NAMESPACES.has(namespace) || namespace.startsWith('gke-managed-');
}
