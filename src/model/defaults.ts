/** Namespace of objects without metadata.namespace, unless the run says otherwise (like kubectl -n). */
export const DEFAULT_NAMESPACE = 'default';
