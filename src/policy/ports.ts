/** What the port entries of a NetworkPolicy rule allow towards a destination. */
import type { PortSpec } from '../model/netpol.js';
import { ConnSet, isProtocol } from './conn.js';
import type { Protocol } from './conn.js';
import type { Endpoint } from './pods.js';

/** What a rule's port entries allow towards `dst`. */
export function portsConn(ports: readonly PortSpec[], dst: Endpoint): ConnSet {
  let acc = ConnSet.NONE;
  for (const p of ports) acc = acc.union(portSpecConn(p, dst));
  return acc;
}

/** What one port entry of a rule allows towards `dst`. */
export function portSpecConn(p: PortSpec, dst: Endpoint): ConnSet {
  if (!isProtocol(p.protocol)) return ConnSet.NONE;
  const proto: Protocol = p.protocol;
  if (p.port === undefined) return ConnSet.allPorts(proto);
  if (typeof p.port === 'number') {
    if (p.endPort !== undefined) return p.endPort >= p.port ? ConnSet.of(proto, p.port, p.endPort) : ConnSet.NONE;
    return ConnSet.of(proto, p.port);
  }
  // A named port resolves on the destination pod; external endpoints have no names.
  if (dst.kind !== 'pod') return ConnSet.NONE;
  let acc = ConnSet.NONE;
  for (const n of dst.pod.portsNamed(p.port, proto)) acc = acc.union(ConnSet.of(proto, n));
  return acc;
}
