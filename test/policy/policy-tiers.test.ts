/**
 * The cluster-scoped policy tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy) in the connectivity engine: the traps of their order on small manifests.
 * The differential test against a reference evaluator is in policy-tiers-differential.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainText } from '../../src/format/connectivity/explain.js';
import { anp, banp, cnp, conn, deploy, engine, ep, namespace, policy } from '../support/policy.js';

const CLUSTER =
  namespace('secure', { tier: 'restricted' }) +
  namespace('web', { tier: 'public' }) +
  namespace('other', {}) +
  deploy('secure', 'db', { app: 'db' }, [['pg', 5432, 'TCP']]) +
  deploy('web', 'api', { app: 'api' }, [['http', 9090, 'TCP']]) +
  deploy('other', 'client', { app: 'client' });

const DENY_SECURE = anp('deny-secure', 10, {
  subject: { namespaces: { matchLabels: { tier: 'restricted' } } },
  ingress: [{ name: 'deny-all', action: 'Deny', from: [{ namespaces: {} }] }],
});

describe('admin tiers: order of evaluation', () => {
  it('an AdminNetworkPolicy Deny overrides the absence of NetworkPolicies (the issue example)', () => {
    assert.equal(conn(engine(CLUSTER), 'other/client', 'secure/db'), 'All Connections');
    const e = engine(CLUSTER + DENY_SECURE);
    assert.equal(conn(e, 'other/client', 'secure/db'), 'No Connections');
    assert.ok(!e.connectivity().some((c) => c.dst === 'secure/db[Deployment]' && c.src.includes('[')));
    const text = explainText({
      src: 'other/client',
      dst: 'secure/db',
      explanation: e.evaluate(ep(e, 'other/client'), ep(e, 'secure/db'), true),
    });
    assert.match(
      text,
      /AdminNetworkPolicy "deny-secure" \(priority 10\) rule "deny-all" \(t\.yaml:\d+:\d+\) denies other\/client: All Connections/,
    );
    assert.match(text, /BLOCKED/);
  });

  it('an AdminNetworkPolicy Deny overrides a NetworkPolicy allow; Allow overrides a NetworkPolicy deny', () => {
    const allowAll = policy('secure', 'allow-all', { podSelector: {}, ingress: [{}] });
    assert.equal(conn(engine(CLUSTER + allowAll + DENY_SECURE), 'web/api', 'secure/db'), 'No Connections');
    const denyAll = policy('secure', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
    const allowWeb = anp('allow-web', 5, {
      subject: { namespaces: { matchLabels: { tier: 'restricted' } } },
      ingress: [
        {
          name: 'web',
          action: 'Allow',
          from: [{ namespaces: { matchLabels: { tier: 'public' } } }],
          ports: [{ portNumber: { protocol: 'TCP', port: 5432 } }],
        },
      ],
    });
    const e = engine(CLUSTER + denyAll + allowWeb);
    assert.equal(conn(e, 'web/api', 'secure/db'), 'TCP 5432');
    assert.equal(conn(e, 'other/client', 'secure/db'), 'No Connections');
    // The listing finds sources that only the Admin tier admits.
    assert.ok(
      e
        .connectivity()
        .some(
          (c) =>
            c.src === 'web/api[Deployment]' && c.dst === 'secure/db[Deployment]' && c.conn.toString() === 'TCP 5432',
        ),
    );
  });

  it('priority order: the lower priority number decides first, whatever the input order', () => {
    const subject = { namespaces: { matchLabels: { tier: 'restricted' } } };
    const deny = anp('deny', 20, { subject, ingress: [{ name: 'd', action: 'Deny', from: [{ namespaces: {} }] }] });
    const allow = anp('allow', 3, {
      subject,
      ingress: [{ name: 'a', action: 'Allow', from: [{ namespaces: { matchLabels: { tier: 'public' } } }] }],
    });
    for (const text of [CLUSTER + deny + allow, CLUSTER + allow + deny]) {
      const e = engine(text);
      assert.equal(conn(e, 'web/api', 'secure/db'), 'All Connections');
      assert.equal(conn(e, 'other/client', 'secure/db'), 'No Connections');
    }
  });

  it('Pass defers to an allowing NetworkPolicy, and to its implicit deny', () => {
    const pass = anp('pass', 1, {
      subject: { namespaces: { matchLabels: { tier: 'restricted' } } },
      ingress: [
        { name: 'p', action: 'Pass', from: [{ namespaces: {} }] },
        { name: 'd', action: 'Deny', from: [{ namespaces: {} }] },
      ],
    });
    const allowApi = policy('secure', 'from-api', {
      podSelector: {},
      ingress: [
        { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'pg' }] },
      ],
    });
    const e = engine(CLUSTER + pass + allowApi);
    assert.equal(conn(e, 'web/api', 'secure/db'), 'TCP 5432');
    assert.equal(conn(e, 'other/client', 'secure/db'), 'No Connections');
    const text = explainText({
      src: 'web/api',
      dst: 'secure/db',
      explanation: e.evaluate(ep(e, 'web/api'), ep(e, 'secure/db'), true),
    });
    assert.match(text, /rule "p" .* passes web\/api to NetworkPolicies: All Connections/);
    assert.match(text, /NetworkPolicy "secure\/from-api"/);
  });

  it('a Baseline deny applies without NetworkPolicies and is overridden by a NetworkPolicy allow', () => {
    const base = banp({
      subject: { namespaces: {} },
      ingress: [{ name: 'deny', action: 'Deny', from: [{ namespaces: {} }] }],
    });
    assert.equal(conn(engine(CLUSTER + base), 'web/api', 'secure/db'), 'No Connections');
    // External sources match no namespaces peer: allowed by default.
    assert.equal(conn(engine(CLUSTER + base), '8.8.8.8', 'secure/db'), 'All Connections');
    const allowApi = policy('secure', 'from-api', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } }] }],
    });
    const e = engine(CLUSTER + base + allowApi);
    assert.equal(conn(e, 'web/api', 'secure/db'), 'All Connections');
    assert.equal(conn(e, 'other/client', 'secure/db'), 'No Connections');
  });

  it('ClusterNetworkPolicy v1alpha2: tiers, Accept, protocols and named ports', () => {
    const admin = cnp('admin', 'Admin', 5, {
      subject: {
        pods: {
          namespaceSelector: { matchLabels: { tier: 'restricted' } },
          podSelector: { matchLabels: { app: 'db' } },
        },
      },
      ingress: [
        {
          name: 'pg',
          action: 'Accept',
          from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } } }],
          protocols: [{ destinationNamedPort: 'pg' }],
        },
        {
          name: 'udp',
          action: 'Accept',
          from: [{ namespaces: {} }],
          protocols: [{ udp: { destinationPort: { range: { start: 1000, end: 2000 } } } }],
        },
      ],
    });
    const baseline = cnp('baseline', 'Baseline', 1, {
      subject: { namespaces: {} },
      ingress: [{ name: 'deny', action: 'Deny', from: [{ namespaces: {} }] }],
    });
    const e = engine(CLUSTER + admin + baseline);
    assert.equal(conn(e, 'web/api', 'secure/db'), 'TCP 5432,UDP 1000-2000');
    assert.equal(conn(e, 'other/client', 'secure/db'), 'UDP 1000-2000');
    assert.equal(conn(e, 'secure/db', 'web/api'), 'No Connections');
  });

  it('egress networks peers cut the address space', () => {
    const egress = anp('egress', 1, {
      subject: { namespaces: { matchLabels: { tier: 'restricted' } } },
      egress: [
        { name: 'internal', action: 'Allow', to: [{ networks: ['10.0.0.0/8'] }] },
        { name: 'rest', action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] },
      ],
    });
    const e = engine(CLUSTER + egress);
    assert.equal(conn(e, 'secure/db', '10.1.2.3'), 'All Connections');
    assert.equal(conn(e, 'secure/db', '8.8.8.8'), 'No Connections');
    assert.equal(conn(e, 'secure/db', 'web/api'), 'All Connections');
    const listed = e.connectivity().filter((c) => c.src === 'secure/db[Deployment]' && !c.dst.includes('['));
    assert.deepEqual(
      listed.map((c) => `${c.dst} ${c.conn.toString()}`),
      ['10.0.0.0/8 All Connections'],
    );
  });

  it('node and domain-name peers are named as not analysed and match nothing', () => {
    const nodes = anp('nodes', 1, {
      subject: { namespaces: {} },
      egress: [{ name: 'to-nodes', action: 'Deny', to: [{ nodes: { matchLabels: { role: 'control-plane' } } }] }],
    });
    const e = engine(CLUSTER + nodes);
    assert.equal(conn(e, 'web/api', 'secure/db'), 'All Connections');
    assert.deepEqual(
      e.model.adminPolicies[0].egress[0].unmodelled.map((u) => u.path.join('.')),
      ['spec.egress.0.to.0.nodes'],
    );
  });
});
