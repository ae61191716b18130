/**
 * Where the pods outside the workloads' own policies run: the ingress controller of each Ingress
 * (and the OpenShift router of each Route), the cluster DNS, every Gateway and Prometheus. The
 * configuration says so (PolicySettings); without it, the input's own pods when it holds them
 * (controller.ts recognises controllers), else a stand-in pod placed where the project's defaults
 * put it, with the assumption stated.
 */
import type { Model } from '../model/model.js';
import type { Ingress } from '../model/network.js';
import { consumerStandIns } from './consumers.js';
import type { StandIn } from './consumers.js';
import { ControllerInference } from './controller.js';
import type { ControllerGuess } from './controller.js';
import type { NetPod, PodSet } from './pods.js';

export interface PolicySettings {
  /** Where the ingress controller's pods run; absent: an anonymous pod in a namespace of its own. */
  ingressController?: { namespace: string; labels: Record<string, string> };
  /**
   * The cluster DNS pods and the port they listen on (default: `k8s-app: kube-dns` in kube-system
   * on 53; on OpenShift, recognised by its API groups in the input, the openshift-dns pods on 5353).
   */
  dns?: { namespace: string; labels: Record<string, string>; port?: number };
  /**
   * Where the pods of every Gateway run (default: `gateway.networking.k8s.io/gateway-name:
   * <gateway>` in the Gateway's namespace). `{name}` and `{namespace}` in a label value stand for
   * the Gateway's; an absent namespace is the Gateway's.
   */
  gatewayPods?: { namespace?: string; labels: Record<string, string> };
  /** Where the Prometheus that scrapes annotated pods runs (default: a prometheus workload of the input). */
  prometheus?: { namespace: string; labels: Record<string, string> };
}

export const INGRESS_CONTROLLER = '{ingress-controller}';
const ANON_CONTROLLER_NS = '{ingress-controller}';

/** The ingress controller of an Ingress: its pods (none for a load balancer outside the cluster). */
export interface ControllerChoice {
  guess: ControllerGuess | { kind: 'configured'; reason: string };
  pods: NetPod[];
}

/** The placed pods, in the order they were added to the pod set. */
export interface Placement {
  /** The pod `{ingress-controller}` stands for in the connection list. */
  controller: NetPod;
  controllerChoices: Map<Ingress, ControllerChoice>;
  dnsPods: NetPod[];
  standIns: { standIn: StandIn; pods: NetPod[] }[];
  configuredPrometheus: NetPod[] | undefined;
}

/** Place the pods outside the workloads (adding stand-ins to `pods` where the input has none). */
export function placePods(pods: PodSet, model: Model, settings: PolicySettings): Placement {
  const controllerChoices = new Map<Ingress, ControllerChoice>();
  const controller = resolveController(pods, model, settings, controllerChoices);
  const dnsPods = resolveDns(pods, dnsSettingsOf(model, settings));
  // Gateways' and Prometheus' pods: the input's own, or a stand-in.
  const standIns = consumerStandIns(model).map((standIn) => {
    if (standIn.kind === 'gateway' && settings.gatewayPods)
      standIn = configuredGatewayPods(standIn, settings.gatewayPods);
    const real = pods.real(standIn.namespace, standIn.labels);
    return {
      standIn,
      pods: real.length ? real : [pods.synthetic(standIn.kind, standIn.namespace, standIn.labels, standIn.name, [])],
    };
  });
  let configuredPrometheus: NetPod[] | undefined;
  if (settings.prometheus) {
    const { namespace, labels } = settings.prometheus;
    const real = pods.real(namespace, labels);
    configuredPrometheus = real.length
      ? real
      : [pods.synthetic('prometheus', namespace, labels, `${namespace}/{prometheus}`, [])];
  }
  return { controller, controllerChoices, dnsPods, standIns, configuredPrometheus };
}

function resolveController(
  pods: PodSet,
  model: Model,
  settings: PolicySettings,
  choices: Map<Ingress, ControllerChoice>,
): NetPod {
  const cfg = settings.ingressController;
  if (cfg) {
    const real = pods.real(cfg.namespace, cfg.labels);
    const pod = real.length
      ? real[0]
      : pods.synthetic('ingress-controller', cfg.namespace, cfg.labels, INGRESS_CONTROLLER, []);
    const labels = Object.entries(cfg.labels).map(([k, v]) => `${k}=${v}`);
    const choice: ControllerChoice = {
      guess: {
        kind: 'configured',
        reason: `set in ingressController (namespace "${cfg.namespace}"${labels.length ? `, ${labels.join(', ')}` : ''})`,
      },
      pods: [pod],
    };
    for (const ing of model.ingresses) choices.set(ing, choice);
    return pod;
  }
  // Without configuration: the controller of each Ingress's class (the router of each Route), as the input shows it.
  const inference = new ControllerInference(model);
  const assumed = new Map<string, NetPod>();
  let anon: NetPod | undefined;
  const distinct = new Set<NetPod>();
  const anonController = () => pods.synthetic('ingress-controller', ANON_CONTROLLER_NS, {}, INGRESS_CONTROLLER, []);
  for (const ing of model.ingresses) {
    if (ing.res.superseded) continue;
    const guess = inference.forIngress(ing);
    let chosen: NetPod[] = [];
    if (guess.kind === 'input')
      chosen = guess.workloads.map((t) => pods.byWorkload.get(t)).filter((p): p is NetPod => p !== undefined);
    else if (guess.kind === 'assumed') {
      let pod = assumed.get(guess.family);
      if (!pod)
        assumed.set(
          guess.family,
          (pod = pods.synthetic(
            'ingress-controller',
            guess.namespace,
            guess.labels,
            `${guess.namespace}/{${guess.family}}`,
            [],
          )),
        );
      chosen = [pod];
    } else if (guess.kind === 'unknown') chosen = [(anon ??= anonController())];
    for (const p of chosen) distinct.add(p);
    choices.set(ing, { guess, pods: chosen });
  }
  if (distinct.size === 1 && !anon) return [...distinct][0];
  return anon ?? anonController();
}

/** The DNS settings in force: configured, or the platform's default. */
export function dnsSettingsOf(
  model: Model,
  settings: PolicySettings,
): { namespace: string; labels: Record<string, string>; port: number } {
  const cfg = settings.dns;
  if (cfg) return { ...cfg, port: cfg.port ?? 53 };
  const openshift = model.resources.some((r) => r.group === 'openshift.io' || r.group.endsWith('.openshift.io'));
  return openshift
    ? { namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, port: 5353 }
    : { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, port: 53 };
}

function resolveDns(pods: PodSet, cfg: { namespace: string; labels: Record<string, string>; port: number }): NetPod[] {
  const real = pods.real(cfg.namespace, cfg.labels);
  if (real.length) return real;
  return [
    pods.synthetic('dns', cfg.namespace, cfg.labels, `${cfg.namespace}/{cluster-dns}`, [
      ['dns', 'UDP', cfg.port],
      ['dns-tcp', 'TCP', cfg.port],
    ]),
  ];
}

/** A Gateway's stand-in placed where gatewayPods says. */
function configuredGatewayPods(standIn: StandIn, cfg: NonNullable<PolicySettings['gatewayPods']>): StandIn {
  const gwName = standIn.res.name;
  const fill = (v: string): string => v.replaceAll('{name}', gwName).replaceAll('{namespace}', standIn.namespace);
  const labels = Object.fromEntries(Object.entries(cfg.labels).map(([k, v]) => [k, fill(v)]));
  const namespace = cfg.namespace ? fill(cfg.namespace) : standIn.namespace;
  const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return {
    ...standIn,
    namespace,
    labels,
    configured: `set in gatewayPods (namespace "${namespace}"${shown.length ? `, ${shown.join(', ')}` : ''})`,
  };
}
