import { defineRule } from '../src/engine/types.js';
import { closest, list, q } from '../src/util/text.js';
import { PROTOCOLS, hasTemplatePlaceholder } from '../src/model/kinds.js';
import type { Graph } from '../src/graph/graph.js';
import type { Model, PodTemplate, ServicePort } from '../src/model/model.js';
import type { Resource } from '../src/model/resource.js';
import { definitionsOf, folderOf } from '../src/model/identity.js';
import { samplesFolder, samplesNote } from './support/alternatives.js';

/** Does a named target fail on any of the pods (no port of that name, or another protocol)? */
function anyUnresolved(graph: Graph, sp: ServicePort, pods: readonly PodTemplate[]): boolean {
  for (const pod of pods) {
    const status = graph.resolveTarget(sp, pod)?.status;
    if (status === 'missing-name' || status === 'wrong-protocol') return true;
  }
  return false;
}

/**
 * When the Service is in a folder of samples (support/alternatives.ts) with pods of its own file
 * that define the port, and the pods that do not are in other files of that folder: why they are
 * likely never selected together (else undefined).
 */
function otherSamples(model: Model, svc: Resource, ok: PodTemplate[], failing: PodTemplate[]): string | undefined {
  const folder = folderOf(svc);
  // A workload defined in several samples is one pod template: of its last definition.
  const inFile = (p: PodTemplate) => definitionsOf(model, p.workload).some((d) => d.file === svc.file);
  if (!ok.some(inFile)) return undefined;
  if (!failing.every((p) => !inFile(p) && folderOf(p.workload) === folder)) return undefined;
  const samples = samplesFolder(model, folder);
  if (!samples) return undefined;
  const files = [...new Set(failing.map((p) => p.workload.file.path))];
  const which = files.length > 1 ? 'are other files' : 'is another file';
  return `${list(files, 3)} ${which} of the folder, and ${samplesNote(model, samples)}`;
}

export default defineRule(
  {
    id: 'service-target-port-unresolved',
    severity: 'error',
    description:
      'A named targetPort that no selected pod defines with that protocol, ' +
      'or that only some of the selected workloads define.',
  },
  (ctx) => {
    for (const svc of ctx.model.services) {
      // A headless Service (clusterIP: None) is not proxied: clients connect to the pod addresses on
      // the port they name, so its targetPorts translate nothing (a placeholder port is fine).
      if (svc.headless) continue;
      const pods = ctx.graph.podsOf(svc);
      if (pods.length === 0) continue;
      for (const sp of svc.ports) {
        if (sp.target?.kind !== 'name') continue;
        // A template placeholder is not a name yet (service-port-invalid says it is not checked).
        if (hasTemplatePlaceholder(sp.target.value)) continue;
        // An invalid protocol makes the API server reject the Service (service-port-invalid).
        if (!(PROTOCOLS as readonly string[]).includes(sp.protocol)) continue;
        // Nearly every target resolves on every pod: the failures are gathered when there are some.
        if (!anyUnresolved(ctx.graph, sp, pods)) continue;
        const name = sp.target.value;
        const missing: PodTemplate[] = [];
        const wrongProtocol: { pod: PodTemplate; protocol: string }[] = [];
        for (const pod of pods) {
          const r = ctx.graph.resolveTarget(sp, pod);
          if (r?.status === 'missing-name') missing.push(pod);
          else if (r?.status === 'wrong-protocol') wrongProtocol.push({ pod, protocol: r.port.protocol });
        }
        const failing = [...missing, ...wrongProtocol.map((w) => w.pod)];
        if (failing.length === 0) continue;
        const port = `targetPort ${q(name)} (${sp.protocol})`;
        let message: string;
        let severity: 'info' | undefined;
        if (failing.length === pods.length) {
          if (wrongProtocol.length > 0 && missing.length === 0) {
            const w = wrongProtocol[0];
            message =
              `${port} of ${svc.res.displayShort}: ${w.pod.display} defines port ${q(name)} with ` +
              `protocol ${w.protocol}, not ${sp.protocol}`;
          } else {
            const names = new Set<string>();
            for (const pod of pods)
              for (const cp of pod.servingPorts()) if (cp.name) names.add(`${cp.name}/${cp.protocol}`);
            const avail = names.size
              ? `; selected pods define ${list([...names].sort())}`
              : '; selected pods define no named ports';
            message = `${port} of ${svc.res.displayShort} is not a port name of any selected pod (${list(
              pods.map((p) => p.display),
              3,
            )})${avail}`;
          }
        } else {
          const failed = new Set(failing);
          const ok = pods.filter((p) => !failed.has(p));
          message = `${port} of ${svc.res.displayShort} is defined by ${list(
            ok.map((p) => p.display),
            3,
          )} but not by ${list(
            failing.map((p) => p.display),
            3,
          )}; traffic to those pods goes nowhere`;
          // A folder of samples, each applied on its own: the Service goes with the pods of its own file.
          const samples = otherSamples(ctx.model, svc.res, ok, failing);
          if (samples) {
            severity = 'info';
            message += ` if they are applied together, but ${samples}`;
          }
        }
        // A misspelt name that every selected pod defines under one spelling can be fixed in place.
        const common = pods
          .map(
            (pod) =>
              new Set(
                [...pod.servingPorts()]
                  .filter((cp) => cp.protocol === sp.protocol && cp.name)
                  .map((cp) => cp.name as string),
              ),
          )
          .reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
        const fix = missing.length === pods.length ? closest(name, common) : undefined;
        ctx.report({
          at: svc.targetLoc(sp),
          object: svc.res,
          severity,
          message: fix ? `${message}; did you mean ${q(fix)}?` : message,
          suggestions: fix ? [{ title: `Change targetPort to "${fix}"`, at: svc.targetLoc(sp), replacement: fix }] : [],
          related: failing.slice(0, 5).map((pod) => ({
            at: pod.containers.length ? pod.workload.at(...pod.containers[0].path, 'name') : pod.labelsLoc,
            message: `${pod.display} has no port ${q(name)}/${sp.protocol}`,
          })),
        });
      }
    }
  },
);
