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
 * near miss makes an error. Nor do ExternalName Services alone: they are aliases of addresses outside
 * the input, often defined beside routes by a folder that does not deploy the applications.
 */
import type { Graph } from '../../src/graph/graph.js';
import type { Service } from '../../src/model/service.js';
import { closest, q } from '../../src/util/text.js';
import { platformNamespace } from '../../src/model/defaults.js';
import { folderOf } from '../../src/model/identity.js';
import type { Resource } from '../../src/model/resource.js';
import { samplesFolder, samplesNote } from './alternatives.js';

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

export function serviceAbsence(graph: Graph, namespace: string, name: string, from?: Resource): ServiceAbsence {
  const sample = from && samplesFolder(graph.model, folderOf(from));
  if (from && sample) return sampleAbsence(graph, namespace, name, from, samplesNote(graph.model, sample));
  const names = graph.serviceNamesIn(namespace);
  const fix = closest(name, names);
  const elsewhere = graph.servicesNamed(name).find((s) => s.namespace !== namespace);
  const partly = platformNamespace(namespace);
  const aliases = names.length > 0 && aliasesOnly(graph, namespace);
  const sure = fix !== undefined || elsewhere !== undefined || (names.length > 0 && !partly && !aliases);
  return {
    sure,
    fix,
    elsewhere,
    statement: sure
      ? `Service ${q(name)} does not exist in namespace ${q(namespace)}`
      : names.length === 0
        ? `Service ${q(name)} is not defined in these manifests, which define no Service in namespace ` +
          `${q(namespace)} (its Services may be deployed by other manifests)`
        : aliases && !partly
          ? `Service ${q(name)} is not defined in these manifests, whose only Services in namespace ` +
            `${q(namespace)} are ExternalName aliases (its Services may be deployed by other manifests)`
          : `Service ${q(name)} is not defined in these manifests, which hold only part of namespace ` +
            `${q(namespace)} (the cluster and installers add Services there; it may be deployed by other manifests)`,
  };
}

/** Per graph and namespace: are all the input's Services there of type ExternalName? */
const aliasNamespaces = new WeakMap<Graph, Map<string, boolean>>();

/**
 * ExternalName Services are aliases of addresses outside the input (routing examples define them
 * beside their routes): a namespace whose only Services are aliases is no evidence that the input
 * deploys the namespace's applications.
 */
function aliasesOnly(graph: Graph, namespace: string): boolean {
  let known = aliasNamespaces.get(graph);
  if (!known) aliasNamespaces.set(graph, (known = new Map()));
  let answer = known.get(namespace);
  if (answer === undefined) {
    answer = graph
      .serviceNamesIn(namespace)
      .every((n) => graph.servicesNamed(n).every((s) => s.namespace !== namespace || s.type === 'ExternalName'));
    known.set(namespace, answer);
  }
  return answer;
}

/**
 * In a folder of samples, each applied on its own (support/alternatives.ts), the evidence is the
 * referring object's own file: the Services of other samples are not applied with it.
 */
function sampleAbsence(graph: Graph, namespace: string, name: string, from: Resource, why: string): ServiceAbsence {
  const own = graph.model.services.filter((s) => s.res.file === from.file && s.namespace === namespace);
  const names = [...new Set(own.map((s) => s.name))];
  const fix = closest(name, names);
  const sure = fix !== undefined || (own.some((s) => s.type !== 'ExternalName') && !platformNamespace(namespace));
  return {
    sure,
    fix,
    statement: sure
      ? `Service ${q(name)} does not exist in namespace ${q(namespace)}`
      : `Service ${q(name)} is not defined in ${from.file.path}, which defines ${
          names.length ? 'only other' : 'no'
        } Services in namespace ${q(namespace)}, and ${why}, so the Services of the others are not ` +
        `applied with it (it may be deployed by other manifests)`,
  };
}
