/**
 * Builders for the connectivity engine's tests: manifests written as JSON documents (valid YAML),
 * an engine over them, endpoints named `ns/name`, `{ingress-controller}` or an IPv4 address, and
 * the connection set between two of them as text.
 */
import assert from 'node:assert/strict';
import { Graph } from '../../src/graph/graph.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import type { Endpoint, PolicySettings } from '../../src/policy/engine.js';
import { doc } from './util.js';

// ---------------------------------------------------------------------------------------------
// Manifest builders. Documents are written as JSON (valid YAML); avoid YAML 1.1 booleans (y, n,
// on, off, yes, no) as bare names anyway.

export type Labels = Record<string, string>;
export type PortDecl = [name: string, number: number, protocol?: string];

export function deploy(ns: string, name: string, labels: Labels, ports: PortDecl[] = [], kind = 'Deployment'): string {
  const containers = [
    {
      name: 'main',
      image: 'registry.example.com/app:1',
      ports: ports.map(([n, containerPort, protocol]) => ({
        name: n,
        containerPort,
        ...(protocol ? { protocol } : {}),
      })),
    },
  ];
  const template = { metadata: { labels }, spec: { containers } };
  const spec =
    kind === 'StatefulSet'
      ? { serviceName: name, selector: { matchLabels: labels }, template }
      : { selector: { matchLabels: labels }, template };
  return doc({ apiVersion: 'apps/v1', kind, metadata: { name, namespace: ns }, spec });
}

export function namespace(name: string, labels: Labels): string {
  return doc({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

export function policy(ns: string, name: string, spec: unknown): string {
  return doc({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
}

/** An AdminNetworkPolicy (cluster-scoped, Admin tier). */
export function anp(name: string, priority: number, spec: Record<string, unknown>): string {
  return doc({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name },
    spec: { priority, ...spec },
  });
}

/** The BaselineAdminNetworkPolicy (its one allowed name is `default`). */
export function banp(spec: Record<string, unknown>): string {
  return doc({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'BaselineAdminNetworkPolicy',
    metadata: { name: 'default' },
    spec,
  });
}

/** A ClusterNetworkPolicy of `tier` (Admin or Baseline). */
export function cnp(name: string, tier: string, priority: number, spec: Record<string, unknown>): string {
  return doc({
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    kind: 'ClusterNetworkPolicy',
    metadata: { name },
    spec: { tier, priority, ...spec },
  });
}

export function engine(text: string, settings: PolicySettings = {}): PolicyEngine {
  const model = buildModel([loadText('t.yaml', text)], { defaultNamespace: 'default' });
  return new PolicyEngine(model, new Graph(model), settings);
}

/** An endpoint: `ns/name`, `{ingress-controller}` or an IPv4 address. */
export function ep(e: PolicyEngine, spec: string): Endpoint {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(spec)) {
    const atom = e.atomOf(spec);
    assert.ok(typeof atom === 'number' && atom >= 0, `no atom for ${spec}`);
    return { kind: 'external', atom };
  }
  const pods = e.findPod(spec, 'default');
  assert.equal(pods.length, 1, `${spec} names ${pods.length} workloads`);
  return { kind: 'pod', pod: pods[0] };
}

export function conn(e: PolicyEngine, src: string, dst: string): string {
  return e.evaluate(ep(e, src), ep(e, dst)).conn.toString();
}

export function listing(e: PolicyEngine): string[] {
  return e.connectivity().map((c) => `${c.src} => ${c.dst} : ${c.conn.toString()}`);
}

export const ALL = 'All Connections';
export const NONE = 'No Connections';

/** Three workloads in namespace `shop`, one in `ops` (a Namespace object with labels), one in `tools` (no Namespace object). */
export const BASE =
  namespace('ops', { team: 'platform' }) +
  deploy('shop', 'a', { app: 'a' }, [['http', 8080]]) +
  deploy('shop', 'b', { app: 'b', role: 'web' }, [
    ['http', 9090],
    ['dns', 53, 'UDP'],
  ]) +
  deploy('shop', 'c', { app: 'c', role: 'web' }, [['http', 9191]]) +
  deploy('ops', 'a', { app: 'a' }, [['http', 7070]]) +
  deploy('tools', 'd', { app: 'd' }, [['http', 6060]]);
