/**
 * NetworkPolicy semantics of the connectivity engine, on small manifests: ports (numbers, names,
 * ranges, protocols), the reasons `explain` gives, and the connectivity listing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INGRESS_CONTROLLER } from '../../src/policy/engine.js';
import { explainText } from '../../src/format/connectivity/explain.js';
import { ALL, BASE, NONE, conn, deploy, engine, ep, listing, policy } from '../support/policy.js';

describe('ports', () => {
  const ingressB = (ports: unknown[]) =>
    engine(BASE + policy('shop', 'b-in', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ ports }] }));

  it('a named port resolves on the destination by name and protocol', () => {
    assert.equal(conn(ingressB([{ port: 'http' }]), 'shop/a', 'shop/b'), 'TCP 9090');
    assert.equal(conn(ingressB([{ port: 'dns', protocol: 'UDP' }]), 'shop/a', 'shop/b'), 'UDP 53');
    assert.equal(
      conn(ingressB([{ port: 'dns' }]), 'shop/a', 'shop/b'),
      NONE,
      'dns is a UDP port on shop/b, the rule asks TCP',
    );
    assert.equal(conn(ingressB([{ port: 'grpc' }]), 'shop/a', 'shop/b'), NONE, 'no such name');
    assert.equal(
      conn(ingressB([{ port: 'http' }]), '8.8.8.8', 'shop/b'),
      'TCP 9090',
      'an ingress named port resolves on the destination pod, whatever the source',
    );
  });

  it('egress named ports resolve per destination pod (same name, different numbers)', () => {
    const e = engine(
      BASE +
        policy('shop', 'a-out', {
          podSelector: { matchLabels: { app: 'a' } },
          policyTypes: ['Egress'],
          egress: [{ ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }] }],
        }),
    );
    assert.equal(conn(e, 'shop/a', 'shop/b'), 'TCP 9090,UDP 53');
    assert.equal(conn(e, 'shop/a', 'shop/c'), 'TCP 9191');
    assert.equal(conn(e, 'shop/a', 'ops/a'), 'TCP 7070');
    assert.equal(conn(e, 'shop/a', 'tools/d'), 'TCP 6060');
    assert.equal(conn(e, 'shop/a', '8.8.8.8'), NONE, 'external endpoints have no port names');
  });

  it('a named port that two containers of the destination declare under different protocols', () => {
    const e = engine(
      deploy('shop', 'a', { app: 'a' }) +
        deploy('shop', 'dns', { app: 'dns' }, [
          ['dns', 5353, 'UDP'],
          ['dns-tcp', 5353, 'TCP'],
        ]) +
        policy('shop', 'dns-in', {
          podSelector: { matchLabels: { app: 'dns' } },
          ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }, { port: 'dns-tcp' }] }],
        }),
    );
    assert.equal(conn(e, 'shop/a', 'shop/dns'), 'TCP 5353,UDP 5353');
  });

  it('a UDP or SCTP rule never opens TCP', () => {
    assert.equal(conn(ingressB([{ protocol: 'UDP', port: 9090 }]), 'shop/a', 'shop/b'), 'UDP 9090');
    assert.equal(conn(ingressB([{ protocol: 'UDP' }]), 'shop/a', 'shop/b'), 'UDP 1-65535');
    assert.equal(conn(ingressB([{ protocol: 'SCTP', port: 9090 }]), 'shop/a', 'shop/b'), 'SCTP 9090');
    assert.equal(conn(ingressB([{ port: 9090 }]), 'shop/a', 'shop/b'), 'TCP 9090', 'protocol defaults to TCP');
    assert.equal(conn(ingressB([{}]), 'shop/a', 'shop/b'), 'TCP 1-65535', 'an entry without port: every TCP port');
    assert.equal(conn(ingressB([]), 'shop/a', 'shop/b'), ALL, 'an empty ports list: every port and protocol');
    assert.equal(
      conn(ingressB([{ protocol: 'TCP' }, { protocol: 'UDP' }, { protocol: 'SCTP' }]), 'shop/a', 'shop/b'),
      ALL,
      'every port of every protocol prints as All Connections',
    );
  });

  it('endPort makes a range', () => {
    assert.equal(conn(ingressB([{ port: 8000, endPort: 8010 }]), 'shop/a', 'shop/b'), 'TCP 8000-8010');
    assert.equal(conn(ingressB([{ port: 8000, endPort: 8000 }]), 'shop/a', 'shop/b'), 'TCP 8000');
    assert.equal(
      conn(ingressB([{ protocol: 'UDP', port: 30000, endPort: 32767 }]), 'shop/a', 'shop/b'),
      'UDP 30000-32767',
    );
    assert.equal(
      conn(
        ingressB([{ port: 8000, endPort: 8010 }, { port: 8011 }, { port: 7990, endPort: 8001 }]),
        'shop/a',
        'shop/b',
      ),
      'TCP 7990-8011',
    );
  });

  it('a policy with a port the API rejects does not exist: the pods it selects are not isolated by it', () => {
    const rejected = [
      [{ port: 8010, endPort: 8000 }],
      [{ port: 70000 }, { port: 0 }],
      [{ protocol: 'tcp', port: 8080 }],
      [{ endPort: 9000 }],
      [{ port: 'http', endPort: 9100 }],
      [{ port: 8000, endPort: 70000 }],
      [{ port: '8080' }],
    ];
    for (const ports of rejected) {
      const e = ingressB(ports);
      const x = e.evaluate(ep(e, 'shop/a'), ep(e, 'shop/b'), true);
      assert.equal(x.conn.toString(), ALL, JSON.stringify(ports));
      assert.deepEqual(x.ingress?.isolatedBy, [], JSON.stringify(ports));
    }
    // Another policy selecting the same pods still applies.
    const both = engine(
      BASE +
        policy('shop', 'b-in', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ ports: [{ protocol: 'tcp', port: 8080 }] }],
        }) +
        policy('shop', 'b-http', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ ports: [{ port: 'http' }] }],
        }),
    );
    assert.equal(conn(both, 'shop/a', 'shop/b'), 'TCP 9090');
  });
});

describe('explain reasons', () => {
  it('a rule that admits the peer on no port says why', () => {
    const e = engine(
      BASE +
        policy('shop', 'b-in', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ ports: [{ port: 'grpc' }] }, { ports: [{ port: 'http' }] }],
        }),
    );
    const text = explainText({
      src: 'shop/a',
      dst: 'shop/b',
      explanation: e.evaluate(ep(e, 'shop/a'), ep(e, 'shop/b'), true),
    });
    const admits = text.split('\n').filter((l) => l.includes(' admits '));
    assert.equal(admits.length, 2);
    assert.match(
      admits[0],
      /^ {2}\+ ingress\[0\] of NetworkPolicy "shop\/b-in" \(t\.yaml:\d+:\d+\) admits shop\/a: no ports \(named port not found on the destination\)$/,
    );
    assert.match(admits[1], /^ {2}\+ ingress\[1\] .* admits shop\/a: TCP 9090$/);
  });
});

describe('connectivity listing', () => {
  it('never lists self-traffic, and lists both directions with external ranges', () => {
    const e = engine(
      deploy('shop', 'a', { app: 'a' }, [['http', 8080]]) +
        deploy('shop', 'b', { app: 'b' }, [['http', 9090]]) +
        policy('shop', 'a', {
          podSelector: { matchLabels: { app: 'a' } },
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { app: 'a' } } }, { podSelector: { matchLabels: { app: 'b' } } }],
              ports: [{ port: 'http' }],
            },
          ],
        }),
    );
    assert.deepEqual(listing(e), [
      '0.0.0.0/0 => shop/b[Deployment] : All Connections',
      'shop/a[Deployment] => 0.0.0.0/0 : All Connections',
      'shop/a[Deployment] => shop/b[Deployment] : All Connections',
      'shop/b[Deployment] => 0.0.0.0/0 : All Connections',
      'shop/b[Deployment] => shop/a[Deployment] : TCP 8080',
    ]);
  });

  it('names workloads by namespace, name and kind; findPod accepts name, ns/name and ns/name[Kind]', () => {
    const e = engine(
      deploy('default', 'web', { app: 'web' }) +
        deploy('default', 'web', { app: 'web2' }, [], 'StatefulSet') +
        deploy('shop', 'web', { app: 'web' }),
    );
    assert.deepEqual(
      e.findPod('web', 'default').map((p) => p.name),
      ['default/web[Deployment]', 'default/web[StatefulSet]'],
    );
    assert.deepEqual(
      e.findPod('default/web[StatefulSet]', 'default').map((p) => p.name),
      ['default/web[StatefulSet]'],
    );
    assert.deepEqual(
      e.findPod('shop/web', 'default').map((p) => p.name),
      ['shop/web[Deployment]'],
    );
    assert.deepEqual(
      e.findPod('web', 'shop').map((p) => p.name),
      ['shop/web[Deployment]'],
    );
    assert.deepEqual(e.findPod('nothing', 'default'), []);
    assert.equal(e.findPod(INGRESS_CONTROLLER, 'default')[0], e.controller);
  });
});
