/**
 * What the analysis leaves out (src/policy/gaps.ts): policy kinds that are not modelled, IPv6
 * ipBlocks, hostNetwork pods and policies the API server rejects. Each gap is checked in the model
 * (analysisGaps, gapsTouching), in lint findings, on the stderr of connectivity, explain, diff and
 * graph (through the command table and once through the real executable), and in explain's
 * `incomplete:` lines.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import { loadText } from '../../src/load/load.js';
import { NOT_MODELLED, analysisGaps, gapsTouching } from '../../src/policy/gaps.js';
import { BIN, runCommand, tmp, warningLines as warnings } from '../support/util.js';
import { APP, deployment, modelOf, pod } from '../support/gaps.js';

const API_INGRESS = (
  ports: string,
  from = '- podSelector: {matchLabels: {app: web}}',
) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-in
  namespace: shop
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from:
        ${from}
      ports:
${ports}
---
`;

/** One input per kind of gap, with the warning it must produce. */
const CASES: { name: string; files: Record<string, string>; warning: RegExp }[] = [
  {
    name: 'a policy kind that is not modelled',
    files: {
      'app.yaml': APP,
      'anp.yaml': `apiVersion: crd.projectcalico.org/v1
kind: GlobalNetworkPolicy
metadata:
  name: deny-ops
spec:
  priority: 1
  subject: {namespaces: {}}
---
apiVersion: crd.projectcalico.org/v1
kind: GlobalNetworkPolicy
metadata:
  name: deny-more
spec:
  priority: 2
  subject: {namespaces: {}}
`,
    },
    warning:
      /^kube-netlint: warning: 2 GlobalNetworkPolicies \(crd\.projectcalico\.org\) are not analysed \(cluster-wide ordered Calico allow and deny rules\): the connections shown ignore them \(anp\.yaml:2:7, anp\.yaml:10:7\)$/,
  },
  {
    name: 'a Linkerd Server',
    files: {
      'app.yaml': APP,
      'server.yaml': `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: api-http, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  port: http
`,
    },
    warning:
      /^kube-netlint: warning: 1 Server \(policy\.linkerd\.io\) is not analysed \(a port of pods the Linkerd proxies refuse to clients that no authorization for it admits\): the connections shown ignore it \(server\.yaml:2:7\)$/,
  },
  {
    name: 'a Linkerd default inbound policy that refuses clients',
    files: {
      'app.yaml':
        APP +
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations: {config.linkerd.io/default-inbound-policy: deny}\n',
    },
    warning:
      /^kube-netlint: warning: 1 Linkerd default inbound policy \(config\.linkerd\.io\/default-inbound-policy\) is not analysed \(the Linkerd proxies refuse clients the policy does not admit\): the connections shown ignore it \(app\.yaml:\d+:\d+\)$/,
  },
  {
    name: 'a Cilium host policy',
    files: {
      'app.yaml': APP,
      'host.yaml': `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: lock-down}
spec:
  nodeSelector: {matchLabels: {type: dev-vm}}
  ingress:
    - fromEntities: [cluster]
`,
    },
    warning:
      /^kube-netlint: warning: 1 Cilium host policy rule \(nodeSelector\) is not analysed \(it governs traffic of nodes, hostNetwork pods included, not of pods\): the connections shown ignore it \(host\.yaml:5:17\)$/,
  },
  {
    name: 'an IPv6 ipBlock',
    files: { 'app.yaml': APP, 'np.yaml': API_INGRESS('        - port: 8080', '- ipBlock: {cidr: "fd00::/8"}') },
    warning:
      /^kube-netlint: warning: 1 IPv6 ipBlock is not analysed \(the analysis covers IPv4 only\): it is treated as matching no address, and connections to or from IPv6 addresses are not shown \(np\.yaml:10:27\)$/,
  },
  {
    name: 'a hostNetwork pod where policies are in use',
    files: {
      'app.yaml': APP + deployment('ops', 'agent', '\n      hostNetwork: true'),
      'np.yaml': API_INGRESS('        - port: 8080'),
    },
    warning:
      /^kube-netlint: warning: 1 workload uses hostNetwork, which is not analysed: NetworkPolicies do not reliably apply to pods on the node's network .*\(app\.yaml:\d+:20\)$/,
  },
  {
    name: 'a policy the API server rejects',
    files: { 'app.yaml': APP, 'np.yaml': API_INGRESS('        - port: 8080\n          protocol: tcp') },
    warning:
      /^kube-netlint: warning: 1 NetworkPolicy would be rejected by the API server and is left out: the connections shown are those without it \(np\.yaml:13:21\)$/,
  },
];

const run = (command: string, args: string[], cwd: string) => runCommand(command, ['--no-config', ...args], cwd);

describe('analysisGaps', () => {
  it('finds every kind of the table, once per object, at its kind', () => {
    const text = NOT_MODELLED.map(
      (r, i) =>
        `apiVersion: ${r.group}/${r.versions.split(',')[0]}\nkind: ${r.kind}\nmetadata:\n  name: x${i}\n  namespace: shop\n---\n`,
    ).join('');
    const { model, graph } = modelOf(APP + text);
    const gaps = analysisGaps(model, graph);
    assert.deepEqual(
      gaps.map((g) => g.key),
      NOT_MODELLED.map((r) => `${r.group}/${r.kind}`),
    );
    for (const g of gaps) {
      assert.equal(g.kind, 'not-modelled');
      assert.equal(g.items.length, 1);
      assert.deepEqual(g.items[0].path, ['kind']);
    }
  });

  it('leaves NetworkPolicy-like kinds of other groups alone, and reports nothing for a plain input', () => {
    const { model, graph } = modelOf(
      APP +
        'apiVersion: example.com/v1\nkind: NetworkPolicy\nmetadata: {name: other}\n---\n' +
        API_INGRESS('        - port: 8080'),
    );
    assert.deepEqual(analysisGaps(model, graph), []);
  });

  it('reports IPv6 blocks only in directions the policy isolates, and hostNetwork pods only where policies are in use', () => {
    const host = APP + deployment('ops', 'agent', '\n      hostNetwork: true');
    assert.deepEqual(analysisGaps(modelOf(host).model), [], 'no policy: nothing is isolated, hostNetwork or not');
    const inactive = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  egress:
    - to: [{ipBlock: {cidr: "2001:db8::/32"}}]
`;
    const { model, graph } = modelOf(host + inactive);
    assert.deepEqual(
      analysisGaps(model, graph).map((g) => [g.kind, g.items.length]),
      [['host-network', 1]],
    );
  });

  it('a rejected policy is one gap, and the engine leaves it out', () => {
    const { model, graph, engine } = modelOf(APP + API_INGRESS('        - port: 8080\n          endPort: 80'));
    const gaps = analysisGaps(model, graph);
    assert.deepEqual(
      gaps.map((g) => [g.kind, g.items.length]),
      [['rejected-policy', 1]],
    );
    assert.match(gaps[0].items[0].message, /endPort 80 is smaller than port 8080/);
    assert.deepEqual(engine.isolatedIngress(engine.findPod('shop/api', 'default')[0]), []);
    assert.equal(engine.allowed(pod(engine, 'ops/tool'), pod(engine, 'shop/api')).toString(), 'All Connections');
  });
});

describe('rejected policies', () => {
  it('a policy with a field manifest-structure rejects is left out too, and lint does not report it twice', () => {
    const text =
      APP +
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: lower, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, egress]
  ingress: []
`;
    const { model, graph, engine } = modelOf(text);
    const gaps = analysisGaps(model, graph);
    assert.deepEqual(
      gaps.map((g) => g.kind),
      ['rejected-policy'],
    );
    assert.match(
      gaps[0].items[0].message,
      /policyTypes\[1\] must be one of "Ingress", "Egress".*\(see manifest-structure\)/,
    );
    assert.equal(
      engine.allowed(pod(engine, 'ops/tool'), pod(engine, 'shop/api')).toString(),
      'All Connections',
      'the deny-all policy does not exist',
    );
    const res = lint([loadText('t.yaml', text)], {
      rules: RULES,
      settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] },
    });
    assert.deepEqual(
      res.findings.map((f) => f.ruleId),
      ['manifest-structure'],
    );
  });
});

describe('gapsTouching', () => {
  const text =
    APP +
    deployment('ops', 'agent', '\n      hostNetwork: true') +
    API_INGRESS('        - port: 8080', '- ipBlock: {cidr: "fd00::/8"}') +
    `apiVersion: crd.projectcalico.org/v1
kind: NetworkPolicy
metadata: {name: c, namespace: ops}
spec: {endpointSelector: {}}
---
`;
  const { model, graph, engine } = modelOf(text);
  const gaps = analysisGaps(model, graph);
  const touching = (a: string, b: string) =>
    gapsTouching(gaps, pod(engine, a), pod(engine, b))
      .map((g) => g.kind)
      .sort();

  it('a namespaced policy kind may touch pairs with an end in its namespace', () => {
    assert.deepEqual(touching('shop/web', 'ops/tool'), ['not-modelled']);
    assert.deepEqual(touching('ops/tool', 'shop/web'), ['not-modelled']);
    assert.deepEqual(touching('shop/web', 'shop/web'), []);
  });

  it('an IPv6 block touches pairs with an end the policy selects; hostNetwork its own workload', () => {
    assert.deepEqual(touching('shop/web', 'shop/api'), ['ipv6-ipblock']);
    assert.deepEqual(touching('ops/agent', 'shop/api'), ['host-network', 'ipv6-ipblock', 'not-modelled']);
  });

  it('a cluster-wide kind touches every pair, external ends included', () => {
    const {
      model: m2,
      graph: g2,
      engine: e2,
    } = modelOf(APP + 'apiVersion: crd.antrea.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: w}\n---\n');
    const g = analysisGaps(m2, g2);
    assert.equal(gapsTouching(g, pod(e2, 'shop/web'), pod(e2, 'shop/api')).length, 1);
    assert.equal(gapsTouching(g, { kind: 'external', atom: 0 }, pod(e2, 'shop/api')).length, 1);
  });
});

describe('lint and the network commands agree', () => {
  it('a rejected policy is an error in lint and absent from connectivity', async () => {
    const input = { 'app.yaml': APP, 'np.yaml': API_INGRESS('        - port: http\n          endPort: 9000') };
    const dir = tmp(input);
    const files = Object.entries(input).map(([name, text]) => loadText(name, text));
    const res = lint(files, { rules: RULES, settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] } });
    const invalid = res.findings.filter((f) => f.ruleId === 'netpol-invalid-peer');
    assert.equal(invalid.length, 1);
    assert.match(
      invalid[0].message,
      /endPort needs a numeric port, not the named port "http"; the API server rejects the policy, so it is left out/,
    );
    const r = await run('connectivity', ['--focus', 'shop/api', '.'], dir);
    assert.match(
      r.stdout,
      /^ops\/tool\[Deployment\] => shop\/api\[Deployment\] : All Connections$/m,
      'api is not isolated: the policy does not exist',
    );
  });
});

describe('gap warnings of the network commands', () => {
  for (const c of CASES) {
    it(`${c.name}: one warning line from connectivity, explain, graph, and each side of diff`, async () => {
      const dir = tmp(c.files);
      const conn = await run('connectivity', ['.'], dir);
      assert.equal(conn.code, 0);
      assert.equal(warnings(conn.stderr).length, 1, conn.stderr);
      assert.match(warnings(conn.stderr)[0], c.warning);
      const explain = await run('explain', ['shop/web', 'shop/api', '.'], dir);
      assert.deepEqual(warnings(explain.stderr), warnings(conn.stderr));
      const graph = await run('graph', ['-f', 'json', '.'], dir);
      assert.deepEqual(warnings(graph.stderr), warnings(conn.stderr));
      const clean = tmp({ 'app.yaml': APP });
      const diff = await run('diff', [clean, '.'], dir);
      assert.deepEqual(
        warnings(diff.stderr),
        warnings(conn.stderr).map((l) => l.replace('warning: ', 'warning: in .: ')),
        'only the side with the gap warns, and is named',
      );
      const html = await run('diff', ['-f', 'html', '-o', path.join(dir, 'out', 'd.html'), '.', clean], dir);
      assert.deepEqual(
        warnings(html.stderr),
        warnings(conn.stderr).map((l) => l.replace('warning: ', 'warning: in .: ')),
      );
    });
  }

  it('a plain input gets no warning', async () => {
    const dir = tmp({ 'app.yaml': APP, 'np.yaml': API_INGRESS('        - port: 8080') });
    for (const [cmd, args] of [
      ['connectivity', ['.']],
      ['explain', ['shop/web', 'shop/api', '.']],
      ['graph', ['-f', 'dot', '.']],
      ['diff', ['.', '.']],
    ] as const) {
      const r = await run(cmd, [...args], dir);
      assert.deepEqual(warnings(r.stderr), [], `${cmd}: ${r.stderr}`);
    }
  });

  it('every kind of gap at once: one line each, counted, through the executable', () => {
    const dir = tmp({
      'app.yaml': APP + deployment('ops', 'agent', '\n      hostNetwork: true'),
      'anp.yaml': CASES[0].files['anp.yaml'],
      'v6.yaml': API_INGRESS('        - port: 8080', '- ipBlock: {cidr: "fd00::/8"}'),
      'bad.yaml': API_INGRESS('        - port: 8080\n          protocol: tcp').replace('name: api-in', 'name: api-bad'),
    });
    const r = spawnSync(process.execPath, [BIN, 'connectivity', '--no-config', '.'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const w = warnings(r.stderr);
    assert.equal(w.length, 4, r.stderr);
    assert.match(w[0], /2 GlobalNetworkPolicies/);
    assert.match(w[1], /NetworkPolicy would be rejected/);
    assert.match(w[2], /1 IPv6 ipBlock is not analysed/);
    assert.match(w[3], /1 workload uses hostNetwork/);
  });

  it('lists three places, then how many more', async () => {
    const many = Array.from(
      { length: 5 },
      (_, i) =>
        `apiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\nmetadata: {name: c${i}, namespace: shop}\n---\n`,
    ).join('');
    const dir = tmp({ 'app.yaml': APP, 'c.yaml': many });
    const r = await run('connectivity', ['.'], dir);
    assert.deepEqual(warnings(r.stderr), [
      'kube-netlint: warning: 5 NetworkPolicies (crd.projectcalico.org) are not analysed (ordered Calico allow and deny rules): the connections shown ignore them (c.yaml:2:7, c.yaml:6:7, c.yaml:10:7, and 2 more)',
    ]);
  });
});

describe('explain: incomplete', () => {
  it('ends the answer with one incomplete line per kind of gap touching the pair', async () => {
    const dir = tmp({
      'app.yaml': APP + deployment('shop', 'agent', '\n      hostNetwork: true'),
      'np.yaml':
        API_INGRESS('        - port: 8080', '- ipBlock: {cidr: "fd00::/8"}') +
        API_INGRESS('        - port: 8080\n          protocol: udp').replace('name: api-in', 'name: api-bad'),
      'anp.yaml':
        'apiVersion: crd.projectcalico.org/v1\nkind: GlobalNetworkPolicy\nmetadata: {name: deny}\nspec: {priority: 1}\n',
    });
    const r = await run('explain', ['shop/agent', 'shop/api', '.'], dir);
    const out = r.stdout.trimEnd().split('\n');
    const tail = out.slice(-4);
    assert.deepEqual(
      tail.map((l) => l.replace(/ \([^()]*\.yaml:\d+:\d+\)$/, '')),
      [
        'incomplete: GlobalNetworkPolicy "deny" (crd.projectcalico.org) is not analysed and may apply to this connection',
        'incomplete: NetworkPolicy "shop/api-bad" would be rejected by the API server and is left out: protocol "udp" is not one of TCP, UDP, SCTP (protocols are upper case: write UDP)',
        'incomplete: NetworkPolicy "shop/api-in" has an IPv6 ipBlock, which is not analysed (connections with IPv6 addresses are not shown)',
        'incomplete: Deployment "shop/agent" uses hostNetwork: whether NetworkPolicies apply to it depends on the network plugin',
      ],
    );
    assert.ok(
      tail.every((l) => /\((anp|np|app)\.yaml:\d+:\d+\)$/.test(l)),
      tail.join('\n'),
    );
    const json = JSON.parse((await run('explain', ['-f', 'json', 'shop/agent', 'shop/api', '.'], dir)).stdout) as {
      incomplete: { gap: string; file: string }[];
    };
    assert.deepEqual(
      json.incomplete.map((x) => [x.gap, x.file]),
      [
        ['not-modelled', 'anp.yaml'],
        ['rejected-policy', 'np.yaml'],
        ['ipv6-ipblock', 'np.yaml'],
        ['host-network', 'app.yaml'],
      ],
    );
  });

  it('says nothing when no gap touches the pair', async () => {
    const dir = tmp({
      'app.yaml': APP + deployment('ops', 'agent', '\n      hostNetwork: true'),
      'np.yaml': API_INGRESS('        - port: 8080', '- ipBlock: {cidr: "fd00::/8"}'),
      'cnp.yaml':
        'apiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\nmetadata: {name: c, namespace: ops}\nspec: {}\n',
    });
    const r = await run('explain', ['shop/web', 'shop/web', '.'], dir);
    assert.doesNotMatch(r.stdout, /incomplete:/);
    assert.equal(warnings(r.stderr).length, 3, 'the warnings still name every gap of the input');
    const json = JSON.parse((await run('explain', ['-f', 'json', 'shop/web', 'shop/web', '.'], dir)).stdout) as {
      incomplete: unknown[];
    };
    assert.deepEqual(json.incomplete, []);
  });

  it('an IPv6 block is reported as not analysed, and matches no address in the answer', async () => {
    const dir = tmp({ 'app.yaml': APP, 'np.yaml': API_INGRESS('        - port: 8080', '- ipBlock: {cidr: "::/0"}') });
    const r = await run('connectivity', ['--focus', 'shop/api', '.'], dir);
    // api is isolated for ingress and its only rule names IPv6 addresses: nothing reaches it.
    assert.doesNotMatch(r.stdout, /=> shop\/api/);
    assert.match(warnings(r.stderr)[0], /IPv6 ipBlock is not analysed/);
  });
});
