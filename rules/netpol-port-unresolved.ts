import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import { portNameProblem } from '../src/model/kinds.js';
import type { PodTemplate } from '../src/model/model.js';
import type { PolicyRule, PortSpec } from '../src/model/netpol.js';

export default defineRule(
  {
    id: 'netpol-port-unresolved',
    severity: 'warning',
    description:
      'A NetworkPolicy port that matches nothing on the pods it applies to: ' +
      'a named port no destination pod defines with that protocol, ' +
      "or a Service's port listed where the pods listen on another (policies see pod ports).",
  },
  (ctx) => {
    // Without NetworkPolicies nothing is isolated and nothing blocked.
    if (ctx.model.networkPolicies.length === 0) return;
    const engine = ctx.policy;
    /** The pods a rule's ports are resolved on: the policy's pods (ingress) or the peers (egress). */
    const destinations = (rule: PolicyRule): PodTemplate[] | undefined => {
      if (rule.direction === 'ingress') return ctx.graph.select(rule.policy.namespace, rule.policy.podSelector);
      if (rule.peers === null) return undefined;
      const out = new Set<PodTemplate>();
      for (const peer of rule.peers) {
        const set = engine.peerSet(peer, rule.policy.namespace);
        for (const i of set.pods) {
          const w = engine.pods[i].workload;
          // A stand-in (the cluster DNS, the ingress controller) is a pod outside the input.
          if (!w) return undefined;
          out.add(w);
        }
        // Peers outside the input (or external addresses): the port cannot be judged.
        if (peer.kind !== 'selector') return undefined;
        const sel = peer.namespaceSelector;
        if (sel && engine.namespacesMatching(sel).some((ns) => ctx.graph.pods.all(ns).length === 0)) return undefined;
      }
      return [...out];
    };
    for (const np of ctx.model.networkPolicies) {
      for (const rule of np.activeRules()) {
        if (!rule.ports) continue;
        const pods = destinations(rule);
        if (!pods || pods.length === 0) continue;
        for (const port of rule.ports) check(rule, port, pods);
      }
    }

    function check(rule: PolicyRule, port: PortSpec, pods: PodTemplate[]) {
      const np = rule.policy;
      const side = rule.direction === 'ingress' ? 'selected pods' : 'destination pods';
      if (typeof port.port === 'string') {
        const name = port.port;
        // Not a valid port name ("8080" in quotes, upper case): netpol-invalid-peer reports it.
        if (portNameProblem(name)) return;
        const defining = pods.filter((p) =>
          [...p.servingPorts()].some((cp) => cp.name === name && cp.protocol === port.protocol),
        );
        if (defining.length > 0) return;
        const otherProto = pods.flatMap((p) => [...p.servingPorts()]).find((cp) => cp.name === name);
        const names = [
          ...new Set(
            pods.flatMap((p) => [...p.servingPorts()].filter((cp) => cp.name).map((cp) => `${cp.name}/${cp.protocol}`)),
          ),
        ].sort();
        ctx.report({
          at: np.res.at(...port.path, 'port'),
          object: np.res,
          message: otherProto
            ? `${np.res.displayShort}: named port ${q(name)} is ${otherProto.protocol} on the ${side}, ` +
              `not ${port.protocol}; this ${rule.direction} rule opens nothing`
            : `${np.res.displayShort}: no ${side.slice(0, -1)} (${list(
                pods.map((p) => p.display),
                3,
              )}) defines a port named ${q(name)} ` +
              `(${port.protocol})${names.length ? `; they define ${list(names, 5)}` : ''}`,
          related: pods.slice(0, 3).map((p) => ({ at: p.labelsLoc, message: `pods of ${p.display}` })),
        });
        return;
      }
      if (typeof port.port !== 'number' || port.endPort !== undefined) return;
      const number = port.port;
      // The Service-port trap: policies apply after Service translation, to the pod's port.
      const served = pods.some((p) =>
        [...p.servingPorts()].some((cp) => cp.number === number && cp.protocol === port.protocol),
      );
      if (served) return;
      // The Services that select one of the pods, in input order.
      for (const svc of ctx.graph.servicesSelecting(pods)) {
        const selected = ctx.graph.podsOf(svc);
        const sp = svc.ports.find((x) => x.port === number && x.protocol === port.protocol);
        if (!sp) continue;
        const targets = new Set<number>();
        for (const p of selected) {
          const t = ctx.graph.resolveTarget(sp, p);
          if (t && (t.status === 'ok' || t.status === 'undeclared')) targets.add(t.number);
        }
        if (targets.size === 0 || targets.has(number)) continue;
        ctx.report({
          at: np.res.at(...port.path, 'port'),
          object: np.res,
          message:
            `${np.res.displayShort}: port ${number} is the port of ${svc.res.displayShort}, ` +
            `but NetworkPolicies see the pod's port after Service ` +
            `translation: ${[...targets].join(', ')}/${port.protocol}`,
          related: [{ at: svc.targetLoc(sp), message: `target of port ${number} of ${svc.res.display}` }],
        });
        return;
      }
    }
  },
);
