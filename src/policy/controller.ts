/**
 * Which pods run the ingress controller, read from the input when the configuration does not say.
 *
 * An Ingress is served by the controller of its class: `spec.ingressClassName`, the deprecated
 * `kubernetes.io/ingress.class` annotation, or the IngressClass marked
 * `ingressclass.kubernetes.io/is-default-class: "true"`. The IngressClass's `spec.controller`
 * names the implementation (`k8s.io/ingress-nginx`, `nginx.org/ingress-controller`, …); the
 * workload running it is recognised by its image, its well-known labels, and its
 * `--ingress-class`/`--controller-class` arguments (a controller started with another class does
 * not serve this one). OpenShift Routes are served by the OpenShift router (namespace
 * `openshift-ingress`). Cloud load balancers (AWS ALB, GCE, Azure Application Gateway) send traffic
 * to the pods from outside the cluster: the source is an external address.
 */
import type { Model, PodTemplate } from '../model/model.js';
import type { Ingress } from '../model/network.js';
import { OpenShiftRoute } from '../model/openshift.js';
import { asArray, asString } from '../model/resource.js';
import type { Selector } from '../model/selector.js';

interface Family {
  id: string;
  title: string;
  /** IngressClass `spec.controller` values. */
  controllers: readonly string[];
  /** Class names the controller claims by default. */
  classes: readonly string[];
  /** Values of `app.kubernetes.io/name` (or `app`) its charts give the controller pods. */
  names: readonly string[];
  image: RegExp;
  /** Where its charts install it, for a controller the input does not contain. */
  namespace: string;
  labels: Record<string, string>;
}

const FAMILIES: readonly Family[] = [
  {
    id: 'ingress-nginx',
    title: 'ingress-nginx',
    controllers: ['k8s.io/ingress-nginx'],
    classes: ['nginx'],
    names: ['ingress-nginx'],
    image: /ingress-nginx\/controller|nginx-ingress-controller/,
    namespace: 'ingress-nginx',
    labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
  },
  {
    id: 'nginx-inc',
    title: 'NGINX Ingress Controller',
    controllers: ['nginx.org/ingress-controller'],
    classes: ['nginx'],
    names: ['nginx-ingress'],
    image: /nginx\/nginx-ingress|nginx-plus-ingress/,
    namespace: 'nginx-ingress',
    labels: { 'app.kubernetes.io/name': 'nginx-ingress' },
  },
  {
    id: 'traefik',
    title: 'Traefik',
    controllers: ['traefik.io/ingress-controller'],
    classes: ['traefik'],
    names: ['traefik'],
    image: /(^|\/)traefik(:|@|$)/,
    namespace: 'traefik',
    labels: { 'app.kubernetes.io/name': 'traefik' },
  },
  {
    // Contour programs Envoy: the Envoy pods send the traffic.
    id: 'contour',
    title: 'Contour (Envoy)',
    controllers: ['projectcontour.io/ingress-controller', 'projectcontour.io/contour'],
    classes: ['contour'],
    names: ['envoy'],
    image: /envoyproxy\/envoy/,
    namespace: 'projectcontour',
    labels: { app: 'envoy' },
  },
  {
    id: 'haproxy',
    title: 'HAProxy',
    controllers: ['haproxy.org/ingress-controller/haproxy', 'haproxy-ingress.github.io/controller'],
    classes: ['haproxy'],
    names: ['kubernetes-ingress', 'haproxy-ingress'],
    image: /haproxytech\/kubernetes-ingress|haproxy-ingress/,
    namespace: 'haproxy-controller',
    labels: { 'app.kubernetes.io/name': 'kubernetes-ingress' },
  },
  {
    id: 'kong',
    title: 'Kong',
    controllers: ['ingress-controllers.konghq.com/kong'],
    classes: ['kong'],
    names: ['kong'],
    image: /(^|\/)kong(:|@|$)|kong-gateway/,
    namespace: 'kong',
    labels: { 'app.kubernetes.io/name': 'kong' },
  },
];

/** Controllers whose load balancer lives outside the cluster and sends from external addresses. */
const EXTERNAL: readonly { controllers: readonly string[]; classes: readonly string[]; title: string }[] = [
  { controllers: ['ingress.k8s.aws/alb'], classes: ['alb'], title: 'the AWS Application Load Balancer' },
  { controllers: ['k8s.io/ingress-gce'], classes: ['gce', 'gce-internal'], title: 'the Google Cloud load balancer' },
  {
    controllers: ['azure/application-gateway'],
    classes: ['azure/application-gateway', 'azure-application-gateway'],
    title: 'the Azure Application Gateway',
  },
];

export type ControllerGuess =
  /** Controller workloads of the input. */
  | { kind: 'input'; workloads: PodTemplate[]; reason: string }
  /** A known controller whose pods are not in the input: its charts' defaults. */
  | { kind: 'assumed'; family: string; namespace: string; labels: Record<string, string>; reason: string }
  /** A load balancer outside the cluster. */
  | { kind: 'external'; reason: string }
  | { kind: 'unknown'; reason: string };

interface Candidate {
  pod: PodTemplate;
  family?: Family;
  /** `--ingress-class` (and Traefik's `ingressclass`) argument, if given. */
  ingressClass?: string;
  /** `--controller-class` argument, if given. */
  controllerClass?: string;
  why: string;
}

const ROUTER_NAMESPACE = 'openshift-ingress';
const ROUTER_LABEL = 'ingresscontroller.operator.openshift.io/deployment-ingresscontroller';

/** Matches an image when some family's `image` does (one test for the images of no family, most of them). */
const ANY_FAMILY_IMAGE = new RegExp(FAMILIES.map((f) => f.image.source).join('|'));

const CLASS_ARG = /^--?(?:ingress-class|providers\.kubernetesingress\.ingressclass)(?:=(.*))?$/;
const CONTROLLER_ARG = /^--?controller-class(?:=(.*))?$/;
const NOT_CONTROLLER_COMPONENTS = new Set(['admission-webhook', 'default-backend', 'certgen', 'webhook']);

/** The controller workloads of the input and the Ingresses' controllers. */
export class ControllerInference {
  private readonly candidates: Candidate[] = [];
  private readonly byClass = new Map<string, ControllerGuess>();

  constructor(private readonly model: Model) {
    for (const pod of model.podTemplates) {
      if (pod.workload.superseded || pod.workloadKind === 'Job' || pod.workloadKind === 'CronJob') continue;
      const c = candidateOf(pod);
      if (c) this.candidates.push(c);
    }
  }

  /** The controller that serves an Ingress (the router, for an OpenShift Route), and how it was found. */
  forIngress(ing: Ingress): ControllerGuess {
    if (ing instanceof OpenShiftRoute) return (this.route ??= this.router());
    return this.forClass(ing);
  }

  private route?: ControllerGuess;

  /**
   * The OpenShift router serves Routes: the pods of the IngressController deployments in namespace
   * `openshift-ingress` (`router-default` for the default IngressController), labelled
   * `ingresscontroller.operator.openshift.io/deployment-ingresscontroller: <name>`. The default
   * IngressController's pods when the input holds them, else every router of the input; sharding
   * (an IngressController's routeSelector and namespaceSelector) is not analysed.
   */
  private router(): ControllerGuess {
    const routers = this.model.podTemplates.filter(
      (t) => !t.workload.superseded && t.namespace === ROUTER_NAMESPACE && t.label(ROUTER_LABEL) !== undefined,
    );
    const defaults = routers.filter((t) => t.label(ROUTER_LABEL) === 'default');
    const found = defaults.length ? defaults : routers;
    if (found.length) {
      const names = found.slice(0, 2).map((t) => `${t.display} (label ${ROUTER_LABEL}=${t.label(ROUTER_LABEL)})`);
      const more = found.length > 2 ? ` and ${found.length - 2} more` : '';
      return {
        kind: 'input',
        workloads: found,
        reason: `an OpenShift Route is served by the OpenShift router → ${names.join(' and ')}${more}`,
      };
    }
    return {
      kind: 'unknown',
      reason: `an OpenShift Route is served by the OpenShift router, whose pods (namespace "${ROUTER_NAMESPACE}", label ${ROUTER_LABEL}) are not in the input`,
    };
  }

  private forClass(ing: Ingress): ControllerGuess {
    let className = ing.className;
    let how = className
      ? `${ing.classSource === 'field' ? 'ingressClassName' : 'annotation kubernetes.io/ingress.class'} "${className}"`
      : '';
    if (!className) {
      const def = this.model.ingressClasses.find((c) => c.isDefault && !c.res.superseded);
      if (def) {
        className = def.name;
        how = `default IngressClass "${className}"`;
      }
    }
    const key = className ?? '';
    let guess = this.byClass.get(key);
    if (!guess) {
      guess = this.guess(className, how);
      this.byClass.set(key, guess);
    }
    return guess;
  }

  private guess(className: string | undefined, how: string): ControllerGuess {
    if (className === undefined) {
      const found = this.candidates.filter((c) => c.family);
      if (found.length > 0 && found.every((c) => c.family === found[0].family)) {
        return {
          kind: 'input',
          workloads: found.map((c) => c.pod),
          reason: `the Ingress names no class and the only ingress controller of the input is ${describe(found)}`,
        };
      }
      return {
        kind: 'unknown',
        reason:
          'the Ingress names no class, no IngressClass is the default, and the input holds no single ingress controller',
      };
    }
    const ic = this.model.ingressClasses.find((c) => c.name === className && !c.res.superseded);
    const controller = ic?.controller;
    const chain = controller ? `${how} → IngressClass spec.controller ${controller}` : how;
    const external = EXTERNAL.find((e) =>
      controller ? e.controllers.includes(controller) : e.classes.includes(className),
    );
    if (external)
      return {
        kind: 'external',
        reason: `${chain}: ${external.title} sends traffic to the pods from outside the cluster`,
      };
    const families = FAMILIES.filter((f) =>
      controller ? f.controllers.includes(controller) : f.classes.includes(className),
    );
    // A controller started for another class or controller value does not serve this one.
    const serves = (c: Candidate) =>
      (c.ingressClass === undefined || c.ingressClass === className) &&
      (c.controllerClass === undefined || controller === undefined || c.controllerClass === controller);
    const explicit = this.candidates.filter(
      (c) =>
        (c.ingressClass === className || (controller !== undefined && c.controllerClass === controller)) && serves(c),
    );
    const byFamily = this.candidates.filter((c) => c.family && families.includes(c.family) && serves(c));
    const found = explicit.length ? explicit : byFamily;
    if (found.length)
      return { kind: 'input', workloads: found.map((c) => c.pod), reason: `${chain} → ${describe(found)}` };
    if (families.length === 1) {
      const f = families[0];
      const labels = Object.entries(f.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      return {
        kind: 'assumed',
        family: f.id,
        namespace: f.namespace,
        labels: f.labels,
        reason: `${chain} (${f.title}), whose pods are not in the input: assumed its chart's defaults (namespace "${f.namespace}", ${labels})`,
      };
    }
    return {
      kind: 'unknown',
      reason: `${chain}${controller ? '' : ' (no IngressClass of that name in the input)'}, and no workload of the input runs that controller`,
    };
  }
}

function describe(found: Candidate[]): string {
  const names = found.slice(0, 2).map((c) => `${c.pod.display} (${c.why})`);
  return found.length > 2 ? `${names.join(', ')} and ${found.length - 2} more` : names.join(' and ');
}

/** Is the pod template an ingress controller, by image, labels or arguments? */
function candidateOf(pod: PodTemplate): Candidate | undefined {
  let ingressClass: string | undefined;
  let controllerClass: string | undefined;
  let byImage: Family | undefined;
  for (const c of pod.containers) {
    const image = asString(c.raw.image) ?? '';
    if (byImage === undefined && ANY_FAMILY_IMAGE.test(image)) byImage = FAMILIES.find((f) => f.image.test(image));
    const words = [...asArray(c.raw.command), ...asArray(c.raw.args)].filter((w): w is string => typeof w === 'string');
    for (let i = 0; i < words.length; i++) {
      const cls = CLASS_ARG.exec(words[i]);
      if (cls) ingressClass = cls[1] ?? words[i + 1];
      const ctl = CONTROLLER_ARG.exec(words[i]);
      if (ctl) controllerClass = ctl[1] ?? words[i + 1];
    }
  }
  const component = pod.label('app.kubernetes.io/component');
  if (component !== undefined && NOT_CONTROLLER_COMPONENTS.has(component)) return undefined;
  const name = pod.label('app.kubernetes.io/name') ?? pod.label('app');
  const byLabel = name !== undefined ? FAMILIES.find((f) => f.names.includes(name)) : undefined;
  const family = byImage ?? byLabel;
  const args = [
    ingressClass !== undefined ? `--ingress-class=${ingressClass}` : '',
    controllerClass !== undefined ? `--controller-class=${controllerClass}` : '',
  ].filter(Boolean);
  if (!family && args.length === 0) return undefined;
  const why = args.length
    ? args.join(' ')
    : byImage
      ? `image of ${family!.title}`
      : `label ${pod.label('app.kubernetes.io/name') !== undefined ? 'app.kubernetes.io/name' : 'app'}=${name}`;
  return { pod, family, ingressClass, controllerClass, why };
}

const LOOKS_LIKE_CONTROLLER = /ingress|nginx|traefik|contour|envoy|haproxy|kong|router|gateway/i;

/** Does a selector name something that looks like an ingress controller (by a key or value)? */
export function looksLikeController(sel: Selector | undefined): boolean {
  if (!sel) return false;
  for (const [k, v] of sel.matchLabels) if (LOOKS_LIKE_CONTROLLER.test(v) || LOOKS_LIKE_CONTROLLER.test(k)) return true;
  for (const e of sel.expressions)
    if (LOOKS_LIKE_CONTROLLER.test(e.key) || e.values.some((v) => LOOKS_LIKE_CONTROLLER.test(v))) return true;
  return false;
}
