/**
 * How sure a finding "Service X does not exist in namespace N" is (route-backend-missing,
 * ingress-backend-missing, istio-host-unresolved). The input is often only part of the cluster: a
 * platform team's repository of Gateways and routes, or a folder of examples, holds no Service at
 * all, and the Services come from the applications' own manifests. The absence of a Service is
 * evidence only where the input holds Services of N, or where a near miss shows a slip (a Service
 * of N with a similar name, a Service of that name in another namespace): then an error; otherwise
 * a warning that says the input defines no Service in N.
 *
 * Some namespaces are populated by the cluster and by installers whatever the input holds
 * (kube-system, Istio's root namespace istio-system, GKE's gke-managed-*): Services of the input there (Istio's addons,
 * a dashboard) show that the input adds to the namespace, not that it defines it. There only a
 * near miss makes an error.
 */
import type { Graph } from '../../src/graph/graph.js';
import type { Service } from '../../src/model/service.js';
import { closest, q } from '../../src/util/text.js';
import { platformNamespace } from '../../src/model/defaults.js';

export interface ServiceAbsence {
  /** The input holds Services of the namespace, or one of that name elsewhere: the absence is an error. */
  sure: boolean;
  /** A Service of the namespace with a similar name ("did you mean"). */
  fix?: string;
  /** A Service of that name in another namespace. */
  elsewhere?: Service;
  /**
   * `Service "X" does not exist in namespace "N"`, or when not `sure`, that it is not defined in
   * these manifests, which define no Service in N (or only part of N's Services).
   */
  statement: string;
}

export function serviceAbsence(graph: Graph, namespace: string, name: string): ServiceAbsence {
  const names = graph.serviceNamesIn(namespace);
  const fix = closest(name, names);
  const elsewhere = graph.servicesNamed(name).find((s) => s.namespace !== namespace);
  const partly = platformNamespace(namespace);
  const sure = fix !== undefined || elsewhere !== undefined || (names.length > 0 && !partly);
  return {
    sure,
    fix,
    elsewhere,
    statement: sure
      ? `Service ${q(name)} does not exist in namespace ${q(namespace)}`
      : names.length === 0
        ? `Service ${q(name)} is not defined in these manifests, which define no Service in namespace ` +
          `${q(namespace)} (its Services may be deployed by other manifests)`
        : `Service ${q(name)} is not defined in these manifests, which hold only part of namespace ` +
          `${q(namespace)} (the cluster and installers add Services there; it may be deployed by other manifests)`,
  };
}
