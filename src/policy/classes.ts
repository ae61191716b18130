/**
 * Pods the policies treat alike. A connection's verdict (engine.ts, `evaluate`) reads a pod only
 * through the policies that select it (NetworkPolicies, Cilium rules and cluster-scoped tiers, per
 * direction), the peers it is a member of, and, as a destination, the ports it names. Two workload
 * pods that agree on all of these get the same verdict from every source and towards every
 * destination: they are one class, and a verdict is computed once per (source class,
 * destination class). Stand-ins (ingress controller, DNS, Gateways, Prometheus) each keep a class
 * of their own.
 */
import type { AdminPolicy } from '../model/adminpolicy.js';
import type { CiliumPolicy } from '../model/cilium.js';
import type { NetworkPolicy, PeerSpec } from '../model/netpol.js';
import type { PeerSet } from './bits.js';
import type { NetPod } from './pods.js';

type Dir = 'ingress' | 'egress';

/** What the classes read of the engine. */
export interface ClassSource {
  pods: readonly NetPod[];
  /** The NetworkPolicies the engine applies (not superseded, not rejected). */
  networkPolicies: readonly NetworkPolicy[];
  ciliumPolicies: readonly CiliumPolicy[];
  adminPolicies: readonly AdminPolicy[];
  peerSet(peer: PeerSpec, namespace: string): PeerSet;
  /** The objects that decide a pod's direction (policies, Cilium rules, tier policies), in order. */
  deciders(dir: Dir, podId: number): readonly object[];
}

export class PodClasses {
  /** The class of each pod (by pod id). */
  readonly classOf: Int32Array;
  readonly count: number;

  constructor(src: ClassSource) {
    const n = src.pods.length;
    // Every peer any evaluation may ask about, evaluated now; the pods of each, by set.
    const sets = new Set<PeerSet>();
    const add = (peers: readonly PeerSpec[] | null, namespace: string) => {
      for (const p of peers ?? []) sets.add(src.peerSet(p, namespace));
    };
    for (const np of src.networkPolicies) for (const r of [...np.ingress, ...np.egress]) add(r.peers, np.namespace);
    for (const cp of src.ciliumPolicies) for (const s of cp.sections()) add(s.peers, '');
    for (const ap of src.adminPolicies) for (const r of ap.rules()) add(r.peers, '');
    const member: number[][] = src.pods.map(() => []);
    let setNo = 0;
    for (const set of sets) {
      for (const id of set.pods) member[id].push(setNo);
      setNo++;
    }
    const ids = new Map<object, number>();
    const idOf = (o: object) => {
      let i = ids.get(o);
      if (i === undefined) ids.set(o, (i = ids.size));
      return i;
    };
    const byKey = new Map<string, number>();
    this.classOf = new Int32Array(n);
    let count = 0;
    for (let id = 0; id < n; id++) {
      const pod = src.pods[id];
      let key: string;
      if (pod.synthetic || !pod.workload) key = `#${id}`;
      else {
        const ports = pod.workload
          .servingPorts()
          .filter((cp) => cp.name !== undefined && cp.number !== undefined)
          .map((cp) => `${cp.name}/${cp.protocol}/${cp.number}`);
        key = [
          src.deciders('ingress', id).map(idOf).join(','),
          src.deciders('egress', id).map(idOf).join(','),
          member[id].join(','),
          ports.join(','),
        ].join('|');
      }
      let c = byKey.get(key);
      if (c === undefined) byKey.set(key, (c = count++));
      this.classOf[id] = c;
    }
    this.count = count;
  }
}
