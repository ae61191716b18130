/** Namespace of objects without metadata.namespace, unless the run says otherwise (like kubectl -n). */
export const DEFAULT_NAMESPACE = 'default';

/**
 * Namespaces that the cluster and its provider fill with their own Services and pods (kube-system:
 * DNS, metrics, the network plugin's agents; `gke-managed-*`: GKE's add-ons). Manifests that put
 * objects there hold only part of the namespace.
 */
export function platformNamespace(namespace: string): boolean {
  return namespace === 'kube-system' || namespace.startsWith('gke-managed-');
}
