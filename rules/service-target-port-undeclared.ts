import { defineRule } from '../src/engine/types.js';
import { list } from '../src/util/text.js';
import { PROTOCOLS } from '../src/model/kinds.js';
import type { ContainerPort, PodTemplate } from '../src/model/model.js';

function declaresNumbers(ports: readonly ContainerPort[]): boolean {
  for (const cp of ports) if (cp.number !== undefined) return true;
  return false;
}

export default defineRule(
  {
    id: 'service-target-port-undeclared',
    severity: 'warning',
    description:
      'A numeric (or defaulted) targetPort that the selected pods do not declare while they declare other ports.',
  },
  (ctx) => {
    for (const svc of ctx.model.services) {
      // A headless Service (clusterIP: None) is not proxied: clients connect to the pod addresses on
      // the port they name, so its targetPorts translate nothing (a placeholder port is fine).
      if (svc.headless) continue;
      const pods = ctx.graph.podsOf(svc);
      if (pods.length === 0) continue;
      for (const sp of svc.ports) {
        if (sp.target?.kind !== 'number') continue;
        const target = sp.target.value;
        if (target < 1 || target > 65535) continue; // service-port-invalid
        if (!(PROTOCOLS as readonly string[]).includes(sp.protocol)) continue; // service-port-invalid
        const undeclared: { pod: PodTemplate; declared: string[] }[] = [];
        for (const pod of pods) {
          const ports = pod.servingPorts();
          if (!declaresNumbers(ports)) continue; // declares nothing: nothing to compare with
          if (ctx.graph.resolveTarget(sp, pod)?.status !== 'undeclared') continue;
          const declared = ports
            .filter((cp) => cp.number !== undefined)
            .map((cp) => `${cp.number}/${cp.protocol}${cp.name ? ` (${cp.name})` : ''}`);
          undeclared.push({ pod, declared });
        }
        if (undeclared.length === 0) continue;
        const first = undeclared[0];
        const what = sp.targetDefaulted
          ? `port ${target}/${sp.protocol} (targetPort defaults to port)`
          : `targetPort ${target}/${sp.protocol}`;
        const who =
          undeclared.length === 1
            ? `${first.pod.display}, which declares ${list(first.declared, 4)}`
            : `${list(
                undeclared.map((u) => u.pod.display),
                3,
              )}`;
        ctx.report({
          at: svc.targetLoc(sp),
          object: svc.res,
          message: `${what} of ${svc.res.displayShort} is not a containerPort of ${who}`,
          related: undeclared.slice(0, 5).map((u) => {
            const c = u.pod.containers.find((x) => x.kind !== 'init' && x.ports.length > 0) ?? u.pod.containers[0];
            return { at: u.pod.workload.at(...c.path, 'ports'), message: `ports of ${u.pod.display}` };
          }),
        });
      }
    }
  },
);
