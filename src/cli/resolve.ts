/**
 * Names on the network commands' command lines: a workload spec (`ns/name`, `ns/name[Kind]`,
 * `name`) found across namespaces when a bare name is unambiguous, with "did you mean"
 * suggestions when it is not found; and `--port` given as a number or a port name.
 */
import { editDistance } from '../util/text.js';
import type { NetPod, PolicyEngine } from '../policy/engine.js';
import { isProtocol } from '../policy/conn.js';
import { UsageError } from './io.js';

/** `ns/name[Kind]` of the workload a pod belongs to. */
const workloadOf = (p: NetPod): string =>
  p.workload ? `${p.namespace}/${p.workload.ownerName}[${p.workload.ownerKind}]` : p.name;

/**
 * The pods a workload spec names. A bare `name` (or `name[Kind]`) not found in the default
 * namespace is looked for in every namespace: found in one, it names that workload; found in
 * several, the spec is ambiguous (a usage error listing them); found nowhere, the error
 * suggests the closest workload names.
 */
export function findWorkload(
  engine: PolicyEngine,
  spec: string,
  defaultNamespace: string,
  what = 'workload',
): NetPod[] {
  const pods = engine.findPod(spec, defaultNamespace);
  if (pods.length > 0) return pods;
  const bare = /^([^[\]/]+)(?:\[([A-Za-z]+)\])?$/.exec(spec);
  if (bare) {
    const found = engine.workloadPods.filter(
      (p) => p.workload?.ownerName === bare[1] && (!bare[2] || p.workload?.ownerKind === bare[2]),
    );
    const namespaces = [...new Set(found.map((p) => p.namespace))].sort();
    if (namespaces.length === 1) return found;
    if (namespaces.length > 1) {
      const names = [...new Set(found.map(workloadOf))].sort();
      throw new UsageError(`"${spec}" names workloads in several namespaces (${names.join(', ')}): use namespace/name`);
    }
  }
  throw new UsageError(
    `no ${what} "${spec}" in the input${suggest(engine, spec)} (use namespace/name, or namespace/name[Kind])`,
  );
}

/** `; did you mean "a/b"?` (up to three workloads, nearest first), or '' when nothing is close. */
function suggest(engine: PolicyEngine, spec: string): string {
  const target = spec.replace(/\[[A-Za-z]+\]$/, '');
  const full = target.includes('/');
  const workloads = [
    ...new Set(engine.workloadPods.filter((p) => p.workload).map((p) => `${p.namespace}/${p.workload?.ownerName}`)),
  ];
  const key = (w: string) => (full ? w : w.slice(w.indexOf('/') + 1));
  const limit = Math.max(2, Math.floor(target.length / 3));
  const picks = workloads
    .map((w) => ({ w, d: editDistance(target, key(w)) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || (a.w < b.w ? -1 : a.w > b.w ? 1 : 0))
    .slice(0, 3)
    .map((x) => `"${x.w}"`);
  return picks.length ? `; did you mean ${picks.join(' or ')}?` : '';
}

export interface PortQuery {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** A number, or a name to be resolved on the destination's container ports. */
  port: number | string;
}

/** `--port <port|name>[/proto]`: a number, or a port name (IANA_SVC_NAME: at most 15 characters, a letter among them). */
export function parsePortQuery(s: string | undefined): PortQuery | undefined {
  if (s === undefined) return undefined;
  const m = /^(?:(\d{1,5})|((?=[a-z0-9-]*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?))(?:\/(tcp|udp|sctp))?$/i.exec(
    s.trim(),
  );
  const proto = (m?.[4] ?? 'TCP').toUpperCase();
  if (!m || (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535)) || !isProtocol(proto)) {
    throw new UsageError(`--port "${s}": expected <port> or <port>/<TCP|UDP|SCTP>, or a port name (e.g. http)`);
  }
  return { protocol: proto, port: m[1] !== undefined ? Number(m[1]) : m[2] };
}

/** A port name resolved on the destination pod's container ports (one number, or a usage error). */
export function resolvePortName(
  q: PortQuery,
  dst: NetPod | undefined,
  dstName: string,
): { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } {
  if (typeof q.port === 'number') return { protocol: q.protocol, port: q.port };
  if (!dst)
    throw new UsageError(
      `--port "${q.port}": a port name needs a workload as destination (${dstName} has no named ports)`,
    );
  const numbers = [...new Set(dst.portsNamed(q.port, q.protocol))];
  if (numbers.length === 1) return { protocol: q.protocol, port: numbers[0] };
  if (numbers.length > 1)
    throw new UsageError(
      `--port "${q.port}": ${dstName} has several ${q.protocol} ports named "${q.port}" (${numbers.join(', ')}): give a number`,
    );
  throw new UsageError(`--port "${q.port}": ${dstName} has no ${q.protocol} container port named "${q.port}"`);
}

/**
 * `connectivity --port <name>`: which connections allow the named port. A port name means a
 * number on each destination's container ports (as NetworkPolicy resolves it), so a connection
 * matches when its destination is a workload with a container port of that name and protocol and
 * the connection allows that number. A name no workload of the input defines is a usage error.
 */
export function portNameFilter(
  q: PortQuery & { port: string },
  engine: PolicyEngine,
): (dst: string, allows: (protocol: 'TCP' | 'UDP' | 'SCTP', port: number) => boolean) => boolean {
  const numbers = new Map<string, number[]>();
  for (const p of engine.workloadPods) {
    const named = p.portsNamed(q.port, q.protocol);
    if (named.length) numbers.set(p.name, [...new Set([...(numbers.get(p.name) ?? []), ...named])]);
  }
  if (numbers.size === 0)
    throw new UsageError(
      `--port "${q.port}": no workload in the input has a ${q.protocol} container port named "${q.port}"`,
    );
  return (dst, allows) => (numbers.get(dst) ?? []).some((n) => allows(q.protocol, n));
}
