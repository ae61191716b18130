/**
 * The Gateway API half of netpol-blocks-ingress-backend: the pods of a Gateway of the input must
 * reach the backends of the routes it accepts (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute).
 */
import type { RuleContext } from '../../src/engine/types.js';
import { list, q } from '../../src/util/text.js';
import { ConnSet, isProtocol } from '../../src/policy/conn.js';
import type { StandIn } from '../../src/policy/consumers.js';
import type { NetPod } from '../../src/policy/engine.js';
import { reportBlocked } from './blocked.js';

export function checkRoutes(ctx: RuleContext): void {
  const engine = ctx.policy;
  const gateways = new Map(engine.standIns.filter((s) => s.standIn.kind === 'gateway').map((s) => [s.standIn.res, s]));
  const seen = new Set<string>();
  for (const routeInfo of ctx.model.routes) {
    if (routeInfo.res.superseded) continue;
    for (const parent of routeInfo.parentRefs) {
      const a = ctx.graph.gateways.attachment(routeInfo, parent);
      if (a.status !== 'accepted') continue;
      const gw = gateways.get(a.gateway.res);
      if (!gw || gw.pods.length === 0) continue;
      const who = describeGatewayPods(`${a.gateway.namespace}/${a.gateway.name}`, gw.standIn, gw.pods);
      for (const b of routeInfo.backendRefs) {
        const r = ctx.graph.routeBackend(b);
        if (r.status !== 'ok') continue;
        const sp = r.servicePort;
        if (!isProtocol(sp.protocol)) continue;
        for (const t of ctx.graph.podsOf(r.service)) {
          const pod = engine.podOf(t);
          const target = ctx.graph.resolveTarget(sp, t);
          if (!pod || !target || (target.status !== 'ok' && target.status !== 'undeclared')) continue;
          const key = `${routeInfo.res.key}|${b.path.join('/')}|${gw.standIn.name}|${pod.id}`;
          if (seen.has(key)) continue;
          const want = ConnSet.of(sp.protocol, target.number);
          const dst = { kind: 'pod' as const, pod };
          // Blocked when no pod of the Gateway may connect.
          let e: ReturnType<typeof engine.evaluate> | undefined;
          for (const src of gw.pods) {
            const ev = engine.evaluate({ kind: 'pod', pod: src }, dst, true);
            if (!ev.conn.intersect(want).isEmpty) {
              e = undefined;
              break;
            }
            e ??= ev;
          }
          if (!e) continue;
          seen.add(key);
          const port = `${sp.protocol} ${target.number}`;
          // Pods of the Gateway not in the input: a policy admitting something like a gateway may
          // well admit the real ones.
          const guessed = who.standIn && !gw.standIn.configured;
          reportBlocked(ctx, {
            e,
            want,
            dst: t.display,
            src: 'the Gateway pods',
            port,
            guessed,
            wording: () => ({
              route:
                `backendRef ${q(b.name ?? '')} of ${routeInfo.res.displayShort} → Service ${q(r.service.name)} ` +
                `port ${sp.port} → ${t.display} ${port}`,
              name: who.name,
              why: who.why,
              hint: guessed ? '; set gatewayPods in .kube-netlint.yaml if they run elsewhere' : '',
              unsure: {
                runs: a.gateway.res.displayShort,
                setting: 'gatewayPods',
                lookalike: 'a gateway or controller',
              },
              related: [
                { at: routeInfo.res.at(...b.path), message: `backend of ${routeInfo.res.display}` },
                { at: a.gateway.res.nameLoc, message: `the parent ${a.gateway.res.display}` },
              ],
            }),
          });
        }
      }
    }
  }
}

/** Which pods stand for the Gateway, and why. */
function describeGatewayPods(
  gateway: string,
  standIn: StandIn,
  pods: NetPod[],
): { name: string; why: string; standIn: boolean } {
  const labels = Object.entries(standIn.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const gw = q(gateway);
  const isStandIn = pods.every((p) => p.synthetic);
  const where = standIn.configured ?? `pods labelled ${labels} in namespace ${q(standIn.namespace)}`;
  if (isStandIn) {
    return {
      name: `the pods of Gateway ${gw}`,
      why: standIn.configured
        ? `Gateway pods: ${where}, not in the input`
        : `Gateway pods: not in the input; assumed to be ${where}`,
      standIn: true,
    };
  }
  return {
    name: `the pods of Gateway ${gw} (${list(
      pods.map((p) => p.name),
      3,
    )})`,
    why: `Gateway pods: ${standIn.configured ?? `the input's ${where}`}`,
    standIn: false,
  };
}
