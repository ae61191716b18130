import { defineRule } from '../src/engine/types.js';
import type { RelatedReport } from '../src/engine/types.js';
import { closest, editDistance, list, q } from '../src/util/text.js';
import { knativeServiceBehind } from '../src/graph/conventions.js';
import type { ServiceReference } from '../src/graph/references.js';
import { platformNamespace } from '../src/model/defaults.js';
import { namespaceDefaulted } from '../src/model/identity.js';

export default defineRule(
  {
    id: 'service-reference-unresolved',
    severity: 'error',
    description:
      'A workload refers to a Service by its cluster DNS name (in env values, ConfigMap values it reads, args or ' +
      'command) that does not exist, or to a port the Service does not have.',
  },
  (ctx) => {
    // One finding per place and problem, even when several workloads read the same ConfigMap value.
    // A place is a node of one document: paths are relative to their document.
    const groups = new Map<string, ServiceReference[]>();
    const external = externalMatcher(ctx.settings.externalServices ?? []);
    for (const ref of ctx.graph.references) {
      if (!ref.problem) continue;
      // Declared as deployed elsewhere: the reference resolves to an endpoint outside the input.
      if (ref.problem === 'no-service' && external(ref.namespace, ref.serviceName)) continue;
      // Knative Serving makes the Kubernetes Services of its Knative Services and Revisions.
      if (ref.problem === 'no-service' && knativeServiceBehind(ctx.model, ref.namespace, ref.serviceName)) continue;
      const key =
        `${ref.at.doc.file.path}\u0000${ref.at.doc.index}\u0000${ref.at.path.join('/')}\u0000` +
        `${ref.namespace}/${ref.serviceName}:${ref.port ?? ''}\u0000${ref.problem}`;
      const list = groups.get(key);
      if (list) list.push(ref);
      else groups.set(key, [ref]);
    }
    for (const refs of groups.values()) {
      const ref = refs[0];
      const w = ref.pod.workload;
      const what = ref.envName ? `env ${ref.envName}` : ref.source;
      const users = [...new Set(refs.map((r) => r.pod.display))];
      const by = ref.via
        ? ` (read as ${what} by ${list(users, 3)})`
        : ` (${what} of container ${q(ref.container.name)})`;
      const related: RelatedReport[] = ref.via
        ? refs.slice(0, 5).map((r) => ({
            at: r.via!.at,
            message: `${r.pod.display} reads ${r.via!.configMap.res.displayShort} key ${q(r.via!.key)}`,
          }))
        : [];
      let message: string;
      let fix: string | undefined;
      let severity: 'warning' | undefined;
      if (ref.problem === 'no-service') {
        fix = closest(ref.serviceName, ctx.graph.serviceNamesIn(ref.namespace));
        const others = ctx.graph.servicesNamed(ref.serviceName).filter((s) => s.namespace !== ref.namespace);
        const elsewhere = others.find((s) => !namespaceDefaulted(s.res)) ?? others[0];
        message =
          `${q(ref.text)} refers to Service ${q(ref.serviceName)} in namespace ${q(ref.namespace)}, which does not ` +
          `exist${by}`;
        if (fix) message += `; did you mean ${q(fix)}?`;
        if (elsewhere) {
          message +=
            `; a Service ${q(ref.serviceName)} exists in namespace ${q(elsewhere.namespace)} (use ` +
            `${ref.serviceName}.${elsewhere.namespace})`;
          related.push({ at: elsewhere.res.nameLoc, message: elsewhere.res.display });
        }
        // The input may hold only part of another namespace (another chart or repository deploys
        // the rest): its absence here is no evidence that the Service does not exist. Only the
        // referrer's own namespace, or a near miss, makes the claim.
        // Nor is the referrer's own namespace when the platform fills it with its own Services
        // (kube-system); nor a Service of that name that sets no metadata.namespace: applied with
        // -n, it is there.
        const movable = elsewhere !== undefined && namespaceDefaulted(elsewhere.res);
        const near =
          (fix !== undefined && editDistance(fix, ref.serviceName) <= 2) || (elsewhere !== undefined && !movable);
        const platform = platformNamespace(ref.namespace);
        if ((ref.namespace !== ref.pod.namespace || platform) && !near) {
          severity = 'warning';
          message =
            `${q(ref.text)} refers to Service ${q(ref.serviceName)} in namespace ${q(ref.namespace)}, which is not ` +
            `defined in these manifests${by}` +
            (platform
              ? `; the cluster, its provider and installers put their own Services in ${q(ref.namespace)}`
              : '') +
            (movable
              ? `; ${elsewhere.res.displayShort} sets no metadata.namespace: applied to namespace ` +
                `${q(ref.namespace)} (kubectl apply -n), it is this Service`
              : '') +
            `; declare it in externalServices (${ref.namespace}/${ref.serviceName}) ` +
            `if another repository deploys it${fix ? `; did you mean ${q(fix)}?` : ''}`;
        }
      } else {
        const svc = ref.service!;
        if (svc.headless) {
          // No proxy translates the port: clients connect to the pod addresses on the port they name.
          const served = [
            ...new Set(ctx.graph.podsOf(svc).flatMap((p) => [...p.servingPorts()].map((cp) => cp.number))),
          ]
            .filter((n): n is number => n !== undefined)
            .sort((a, b) => a - b);
          message =
            `${q(ref.text)} uses port ${ref.port}, which no pod of headless Service ${q(svc.name)} serves (clients ` +
            `of a headless Service connect to the pods directly; they serve ${list(served.map(String), 5)})${by}`;
        } else {
          const ports = svc.ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`);
          const byTarget = ref.port !== undefined ? ctx.graph.servicePortBehind(svc, ref.port) : undefined;
          message =
            `${q(ref.text)} uses port ${ref.port}, which is not a port of Service ` +
            `${q(svc.name)}${ports.length ? ` (its ports are ${list(ports, 5)})` : ''}${by}`;
          if (byTarget)
            message +=
              `; ${ref.port} is the targetPort of its port ${byTarget.port}: ` + 'clients connect to the Service port';
        }
        related.push({ at: svc.res.keyAt('spec', 'ports'), message: `ports of ${svc.res.display}` });
      }
      ctx.report({
        at: ref.at,
        object: ref.via ? ref.via.configMap.res : w,
        severity,
        message,
        related,
      });
    }

    // Fully qualified addresses in ConfigMap values that no workload of the input reads as env: an
    // app may read them through the API or a mounted file. A warning: no reader is known.
    for (const a of ctx.graph.configMapAddresses) {
      if (
        a.problem === 'no-service' &&
        (external(a.namespace, a.serviceName) || knativeServiceBehind(ctx.model, a.namespace, a.serviceName))
      )
        continue;
      const cm = a.configMap.res;
      let message: string;
      const related: RelatedReport[] = [];
      if (a.problem === 'no-service') {
        const fix = closest(a.serviceName, ctx.graph.serviceNamesIn(a.namespace));
        const elsewhere = ctx.graph.servicesNamed(a.serviceName).find((s) => s.namespace !== a.namespace);
        message =
          `${q(a.text)} in ${cm.displayShort} key ${q(a.key)} refers to Service ${q(a.serviceName)} in namespace ` +
          `${q(a.namespace)}, which is not defined in these manifests`;
        if (fix) message += `; did you mean ${q(fix)}?`;
        if (elsewhere) {
          message += `; a Service ${q(a.serviceName)} exists in namespace ${q(elsewhere.namespace)}`;
          related.push({ at: elsewhere.res.nameLoc, message: elsewhere.res.display });
        }
        if (!fix && !elsewhere && a.namespace !== cm.namespace)
          message +=
            `; declare it in externalServices (${a.namespace}/${a.serviceName}) ` + 'if another repository deploys it';
      } else {
        const svc = a.service!;
        const ports = svc.ports.map((p) => String(p.port));
        message =
          `${q(a.text)} in ${cm.displayShort} key ${q(a.key)} uses port ${a.port}, ` +
          `which is not a port of Service ${q(svc.name)} (its ports are ${list(ports, 5)})`;
        related.push({ at: svc.res.keyAt('spec', 'ports'), message: `ports of ${svc.res.display}` });
      }
      ctx.report({ at: a.at, object: cm, severity: 'warning', message, related });
    }
  },
);

/** Does `namespace/name` match an entry of externalServices (`namespace/name` or `namespace/*`)? */
function externalMatcher(entries: readonly string[]): (namespace: string, name: string) => boolean {
  if (entries.length === 0) return () => false;
  const set = new Set(entries);
  return (namespace, name) => set.has(`${namespace}/${name}`) || set.has(`${namespace}/*`);
}
