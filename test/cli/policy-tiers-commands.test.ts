/**
 * The network commands with the admin tiers, Cilium policies and OpenShift Routes, end to end
 * (the real CLI): `diff` between two versions that differ by such a policy, `graph`'s edges and
 * their explanations, the warnings of what the answer assumes or leaves out (admin-tier and
 * Cilium policies together, ICMP, DNS names), and the OpenShift router found in the input.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cli as runCli, type Run } from '../support/util.js';

const TMP = mkdtempSync(path.join(tmpdir(), 'kube-netlint-tiers-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

const cli = (args: string[]): Run => runCli([...args, '--no-config'], { cwd: TMP, env: { NO_COLOR: '1' } });

/** A folder of manifests (one file per document list). */
function cluster(name: string, ...docs: string[]): string {
  const dir = path.join(TMP, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'all.yaml'), docs.join('---\n'));
  return name;
}

const NAMESPACES = ['secure', 'other', 'web']
  .map((n) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${n}\n  labels: {team: ${n}}\n`)
  .join('---\n');

/** The database and a client that names it in its environment (a reference the graph draws). */
const APPS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: secure}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: postgres
          image: postgres:16
          ports: [{name: pg, containerPort: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: secure}
spec:
  selector: {app: db}
  ports: [{name: pg, port: 5432, targetPort: pg}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: other}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec:
      containers:
        - name: client
          image: client:1
          env: [{name: DATABASE_URL, value: "postgres://db.secure.svc.cluster.local:5432/app"}]
`;

const ANP_DENY = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: protect-secure}
spec:
  priority: 10
  subject:
    namespaces:
      matchLabels: {kubernetes.io/metadata.name: secure}
  ingress:
    - name: deny-other
      action: Deny
      from:
        - namespaces:
            matchLabels: {team: other}
`;

const CILIUM_DENY = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db-deny-other, namespace: secure}
spec:
  endpointSelector:
    matchLabels: {app: db}
  enableDefaultDeny: {ingress: false}
  ingressDeny:
    - fromEndpoints:
        - matchLabels:
            k8s:io.kubernetes.pod.namespace: other
      toPorts:
        - ports: [{port: "5432", protocol: TCP}]
`;

interface DiffEntry {
  diff: string;
  src: string;
  dst: string;
}

interface GraphJson {
  edges: {
    kind: string;
    source: string;
    target: string;
    status: string;
    explain: { text: string; allowed: boolean }[];
  }[];
}

const CLIENT_TO_DB = (d: DiffEntry) => d.src === 'other/client[Deployment]' && d.dst === 'secure/db[Deployment]';

describe('diff with the admin tiers and Cilium policies', () => {
  const before = cluster('before', NAMESPACES, APPS);
  const withAnp = cluster('with-anp', NAMESPACES, APPS, ANP_DENY);
  const withCilium = cluster('with-cilium', NAMESPACES, APPS, CILIUM_DENY);

  it('an AdminNetworkPolicy added between two versions removes the connection it denies', () => {
    const r = cli(['diff', before, withAnp, '-f', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const entries = JSON.parse(r.stdout) as DiffEntry[];
    assert.ok(
      entries.some((d) => CLIENT_TO_DB(d) && d.diff === 'removed'),
      r.stdout,
    );
    // Only ingress from namespace other is denied: nothing else changes.
    assert.deepEqual(
      entries.map((d) => `${d.diff} ${d.src} => ${d.dst}`),
      ['removed other/client[Deployment] => secure/db[Deployment]'],
    );
    // And back: removing it adds the connection again (and --fail-on-added says so).
    const back = cli(['diff', withAnp, before, '--fail-on-added']);
    assert.equal(back.status, 1, back.stdout + back.stderr);
    assert.match(back.stdout, /\+ other\/client\[Deployment\] => secure\/db\[Deployment\]/);
  });

  it('a Cilium deny rule added changes the connection to the ports it leaves', () => {
    const r = cli(['diff', before, withCilium, '-f', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const entries = JSON.parse(r.stdout) as DiffEntry[];
    const changed = entries.filter(CLIENT_TO_DB);
    assert.equal(changed.length, 1, r.stdout);
    assert.equal(changed[0].diff, 'changed');
    const txt = cli(['diff', before, withCilium]);
    // All connections but TCP 5432 remain.
    assert.match(
      txt.stdout,
      /~ other\/client\[Deployment\] => secure\/db\[Deployment\] : All Connections -> TCP 1-5431,5433-65535,UDP 1-65535,SCTP 1-65535/,
    );
  });
});

describe('graph with the admin tiers and Cilium policies', () => {
  const edge = (dir: string) => {
    const r = cli(['graph', dir, '-f', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const g = JSON.parse(r.stdout) as GraphJson;
    const e = g.edges.find(
      (x) => x.kind === 'reference' && x.source === 'wl:other/client[Deployment]' && x.target === 'svc:secure/db',
    );
    assert.ok(e, JSON.stringify(g.edges.map((x) => `${x.kind} ${x.source} ${x.target}`)));
    return e;
  };

  it('a reference is allowed without the policies', () => {
    const e = edge(cluster('graph-before', NAMESPACES, APPS));
    assert.equal(e.status, 'allowed');
  });

  it("an AdminNetworkPolicy's deny blocks the reference, and the edge's explanation names the policy, its tier and its rule", () => {
    const e = edge(cluster('graph-anp', NAMESPACES, APPS, ANP_DENY));
    assert.equal(e.status, 'blocked');
    assert.equal(e.explain[0].allowed, false);
    assert.match(
      e.explain[0].text,
      /AdminNetworkPolicy "protect-secure" \(priority 10\) rule "deny-other" \(.*\) denies other\/client\[Deployment\]/,
    );
  });

  it("a Cilium deny rule blocks the reference, and the edge's explanation names the section", () => {
    const e = edge(cluster('graph-cilium', NAMESPACES, APPS, CILIUM_DENY));
    assert.equal(e.status, 'blocked');
    assert.match(e.explain[0].text, /CiliumNetworkPolicy "secure\/db-deny-other" ingressDeny\[0\]/);
  });
});

describe('what the answer assumes or leaves out with these kinds', () => {
  const ALLOW_ALL_ADMIN = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: allow-other}
spec:
  priority: 5
  subject:
    namespaces:
      matchLabels: {kubernetes.io/metadata.name: secure}
  ingress:
    - name: allow-other
      action: Allow
      from:
        - namespaces:
            matchLabels: {team: other}
`;
  const both = cluster('both', NAMESPACES, APPS, ALLOW_ALL_ADMIN, CILIUM_DENY);

  it('admin-tier and Cilium policies selecting one pod: a warning states the assumption, and explain says it for that pod only', () => {
    const r = cli(['connectivity', both]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /warning: 1 AdminNetworkPolicy or BaselineAdminNetworkPolicy selects pods that Cilium policies also select: no network plugin enforces both .* the Admin tier first/,
    );
    // The assumption: the Admin tier's Allow is final, the Cilium deny does not apply.
    assert.match(r.stdout, /^other\/client\[Deployment\] => secure\/db\[Deployment\] : All Connections$/m);
    const e = cli(['explain', 'other/client', 'secure/db', both]);
    assert.match(
      e.stdout,
      /incomplete: .*AdminNetworkPolicy "allow-other" and Cilium policies both select a pod of this connection/,
    );
    // The other way round: the pod both select is the source; its connections are still concerned.
    const reverse = cli(['explain', 'secure/db', 'other/client', both]);
    assert.match(reverse.stdout, /incomplete: .*allow-other/);
    // When the Cilium policy selects no pod the admin tier selects, there is nothing to say.
    const apart = cluster(
      'both-apart',
      NAMESPACES,
      APPS,
      ALLOW_ALL_ADMIN,
      CILIUM_DENY.replace('app: db', 'app: nothing'),
    );
    const quiet = cli(['connectivity', apart]);
    assert.doesNotMatch(quiet.stderr, /AdminNetworkPolic/);
  });

  it('a ClusterNetworkPolicy with Cilium policies assumes nothing: Cilium enforces both, in the tiers the engine uses', () => {
    const cnp = ALLOW_ALL_ADMIN.replace('v1alpha1', 'v1alpha2')
      .replace('kind: AdminNetworkPolicy', 'kind: ClusterNetworkPolicy')
      .replace('  priority: 5', '  tier: Admin\n  priority: 5')
      .replace('action: Allow', 'action: Accept');
    const dir = cluster('both-cnp', NAMESPACES, APPS, cnp, CILIUM_DENY);
    const r = cli(['connectivity', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    // The Admin tier's Accept is final there too.
    assert.match(r.stdout, /^other\/client\[Deployment\] => secure\/db\[Deployment\] : All Connections$/m);
  });

  it('lint reports none of these (they are about the answer, not the manifests)', () => {
    const r = cli(['-f', 'json', both]);
    assert.doesNotMatch(r.stdout, /Cilium policies also select/);
  });

  it('Cilium ICMP rules, other protocols and DNS names are named as not analysed', () => {
    const dir = cluster(
      'icmp',
      NAMESPACES,
      APPS,
      `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: pings, namespace: other}
spec:
  endpointSelector:
    matchLabels: {app: client}
  egress:
    - toEndpoints:
        - matchLabels: {k8s:io.kubernetes.pod.namespace: secure}
      icmps:
        - fields: [{type: 8, family: IPv4}]
    - toCIDR: [192.0.2.0/24]
      toPorts:
        - ports: [{port: "0", protocol: VRRP}]
    - toFQDNs: [{matchName: api.example.com}]
      toPorts:
        - ports: [{port: "443", protocol: TCP}]
`,
    );
    const r = cli(['connectivity', dir]);
    assert.match(
      r.stderr,
      /warning: 2 Cilium rule parts are about ICMP or other protocols than TCP, UDP and SCTP, which are not analysed: the connections shown are TCP, UDP and SCTP only \(icmp\/all\.yaml:\d+:\d+, icmp\/all\.yaml:\d+:\d+\)/,
    );
    assert.match(r.stderr, /warning: 1 policy peer is not analysed \(DNS names/);
    const e = cli(['explain', 'other/client', 'secure/db', dir]);
    assert.match(e.stdout, /incomplete: .*has ICMP rules/);
    assert.match(e.stdout, /has a peer that is not analysed: DNS names \(resolved at run time\)/);
  });
});

describe('the OpenShift router of the input serves the Routes', () => {
  const ROUTER = `apiVersion: apps/v1
kind: Deployment
metadata: {name: router-default, namespace: openshift-ingress}
spec:
  selector:
    matchLabels: {ingresscontroller.operator.openshift.io/deployment-ingresscontroller: default}
  template:
    metadata:
      labels: {ingresscontroller.operator.openshift.io/deployment-ingresscontroller: default}
    spec:
      containers: [{name: router, image: quay.io/openshift/origin-haproxy-router:4.16}]
`;
  const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: web}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers: [{name: web, image: web:1, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: web}
spec:
  selector: {app: frontend}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: frontend, namespace: web}
spec:
  host: shop.apps.example.com
  to: {kind: Service, name: frontend}
  port: {targetPort: http}
`;
  /** The policy OpenShift documents for admitting the router: by its namespace's policy-group label. */
  const FROM_ROUTER = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-router, namespace: web}
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {policy-group.network.openshift.io/ingress: ""}
`;

  it('the router pods are {ingress-controller}: a policy admitting the router namespace admits the Route', () => {
    const dir = cluster('router', NAMESPACES, WEB, ROUTER, FROM_ROUTER);
    const r = cli(['connectivity', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\{ingress-controller\} => web\/frontend\[Deployment\] : TCP 8080$/m);
    assert.match(
      r.stdout,
      /^openshift-ingress\/router-default\[Deployment\] => web\/frontend\[Deployment\] : All Connections$/m,
    );
    const lint = cli(['-f', 'json', dir]);
    assert.doesNotMatch(lint.stdout, /netpol-blocks-ingress-backend/);
  });

  it('a policy that admits other namespaces only blocks the Route, and the finding names the router', () => {
    const dir = cluster(
      'router-blocked',
      NAMESPACES,
      WEB,
      ROUTER,
      FROM_ROUTER.replace('policy-group.network.openshift.io/ingress: ""', 'team: other'),
    );
    const r = cli(['connectivity', dir]);
    assert.doesNotMatch(r.stdout, /\{ingress-controller\} =>/);
    const lint = cli(['-f', 'json', dir]);
    const findings = (JSON.parse(lint.stdout) as { findings: { ruleId: string; message: string }[] }).findings.filter(
      (f) => f.ruleId === 'netpol-blocks-ingress-backend',
    );
    assert.equal(findings.length, 1, lint.stdout);
    assert.match(
      findings[0].message,
      /an OpenShift Route is served by the OpenShift router → Deployment "openshift-ingress\/router-default" \(label ingresscontroller\.operator\.openshift\.io\/deployment-ingresscontroller=default\)/,
    );
  });

  it('without router pods in the input, the stand-in stays, and says why', () => {
    const dir = cluster('no-router', NAMESPACES, WEB, FROM_ROUTER);
    const r = cli(['connectivity', dir]);
    // The stand-in runs in a namespace of its own, without the router namespace's labels.
    assert.doesNotMatch(r.stdout, /\{ingress-controller\} =>/);
    const lint = cli(['-f', 'json', dir]);
    assert.match(
      lint.stdout,
      /whose pods \(namespace \\"openshift-ingress\\", label ingresscontroller\.operator\.openshift\.io\/deployment-ingresscontroller\) are not in the input/,
    );
  });
});
