/**
 * `connectivity` written as it is computed (src/policy/stream.ts, src/format/connectivity/list.ts,
 * src/cli/stream-out.ts): the same list, in the same order, as `PolicyEngine.connectivity()`, on
 * every fixture and example and on random clusters; the first pairs are written before the last
 * ones are computed; `--summary` and the note for input that no policy isolates.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { COMMANDS } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/main.js';
import { UsageError } from '../../src/cli/io.js';
import { pump } from '../../src/cli/stream-out.js';
import { CONNECTIVITY_FORMATS, connectivityText, formatConnectivity } from '../../src/format/connectivity/list.js';
import { Graph } from '../../src/graph/graph.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import type { Connection } from '../../src/policy/engine.js';
import { connectionsInOrder, openWorkloads } from '../../src/policy/stream.js';
import { ROOT, collector, tmp } from '../support/util.js';

const show = (c: Connection) => `${c.src} => ${c.dst} : ${c.conn.toString()}`;

function engineOf(files: { path: string; text: string }[]): PolicyEngine {
  const model = buildModel(
    files.map((f) => loadText(f.path, f.text)),
    { defaultNamespace: 'default' },
  );
  return new PolicyEngine(model, new Graph(model));
}

/** Every folder holding manifests, with the manifests directly in it. */
function clusters(dir: string): { dir: string; files: { path: string; text: string }[] }[] {
  const out: { dir: string; files: { path: string; text: string }[] }[] = [];
  const walk = (d: string) => {
    const entries = readdirSync(d, { withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
      .map((e) => ({ path: path.join(d, e.name), text: readFileSync(path.join(d, e.name), 'utf8') }));
    if (files.length) out.push({ dir: d, files });
    for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  return out;
}

async function connectivity(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string; writes: number }> {
  const out = collector();
  const err = collector();
  const io: Io = { stdout: out.stream, stderr: err.stream, stdin: Readable.from([]), cwd, env: {} };
  const code = await COMMANDS.connectivity.run(args, io);
  return { code, stdout: out.text(), stderr: err.text(), writes: out.writes() };
}

function deployment(ns: string, name: string, labels: Record<string, string> = { app: name }): string {
  return `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: ${JSON.stringify(labels)}}
  template:
    metadata: {labels: ${JSON.stringify(labels)}}
    spec: {containers: [{name: main, image: registry.example.com/app:1, ports: [{name: http, containerPort: 8080}]}]}
`;
}

function deployments(n: number): string {
  return Array.from({ length: n }, (_, i) => deployment(`ns-${i % 3}`, `app-${i}`)).join('');
}

describe('connectivity as a stream: the same list as the engine', () => {
  const all = [...clusters(path.join(ROOT, 'test-fixtures')), ...clusters(path.join(ROOT, 'examples'))];

  it('on every fixture and example folder, pair for pair and in the same order', () => {
    assert.ok(all.length > 50, `only ${all.length} folders found`);
    let pairs = 0;
    for (const { dir, files } of all) {
      const e = engineOf(files);
      const expected = e.connectivity().map(show);
      const actual = [...connectionsInOrder(e)].map(show);
      assert.deepEqual(actual, expected, path.relative(ROOT, dir));
      pairs += expected.length;
    }
    assert.ok(pairs > 500, `only ${pairs} pairs compared`);
  });

  it('every format renders the stream as it renders the whole list', async () => {
    for (const { dir, files } of all.filter((c) => /connectivity|examples|tiers|cilium/.test(c.dir))) {
      const e = engineOf(files);
      const list = e.connectivity();
      for (const format of CONNECTIVITY_FORMATS) {
        const sink = collector();
        // A small chunk: many writes, each waited for.
        await pump(
          sink.stream,
          connectivityText(() => connectionsInOrder(e), format),
          100,
        );
        assert.equal(sink.text(), formatConnectivity(list, format), `${path.relative(ROOT, dir)} (${format})`);
      }
    }
  });

  it('on random clusters with policies, named ports, ipBlocks and repeated names', () => {
    const labels = fc.constantFrom('a', 'b', 'c');
    const ns = fc.constantFrom('x', 'y');
    const selector = fc.oneof(
      fc.constant({}),
      labels.map((v) => ({ matchLabels: { app: v } })),
    );
    const peer = fc.oneof(
      selector.map((s) => ({ podSelector: s })),
      fc.tuple(ns, selector).map(([n, s]) => ({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } },
        podSelector: s,
      })),
      fc
        .constantFrom('10.0.0.0/8', '10.1.0.0/16', '0.0.0.0/0', '192.168.1.0/24')
        .map((cidr) => ({ ipBlock: { cidr } })),
    );
    const port = fc.oneof(fc.constantFrom(80, 8080, 53), fc.constant('http'));
    const rule = fc.record({
      peers: fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined }),
      ports: fc.option(fc.array(port, { maxLength: 2 }), { nil: undefined }),
    });
    const policy = fc.record({
      ns,
      sel: selector,
      types: fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
      ingress: fc.array(rule, { maxLength: 2 }),
      egress: fc.array(rule, { maxLength: 2 }),
    });
    const workload = fc.record({
      ns,
      name: fc.constantFrom('p', 'q', 'r', 's'),
      app: labels,
      kind: fc.constantFrom('Deployment', 'StatefulSet'),
    });
    const toRule = (r: { peers?: unknown[]; ports?: (number | string)[] }, key: 'from' | 'to') => ({
      ...(r.peers ? { [key]: r.peers } : {}),
      ...(r.ports ? { ports: r.ports.map((p) => ({ port: p })) } : {}),
    });
    fc.assert(
      fc.property(fc.array(workload, { minLength: 1, maxLength: 7 }), fc.array(policy, { maxLength: 4 }), (ws, ps) => {
        const docs = ws.map(
          (w) =>
            `---\n${JSON.stringify({
              apiVersion: 'apps/v1',
              kind: w.kind,
              metadata: { name: w.name, namespace: w.ns },
              spec: {
                selector: { matchLabels: { app: w.app } },
                template: {
                  metadata: { labels: { app: w.app } },
                  spec: { containers: [{ name: 'm', image: 'i:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
                },
              },
            })}\n`,
        );
        ps.forEach((p, i) =>
          docs.push(
            `---\n${JSON.stringify({
              apiVersion: 'networking.k8s.io/v1',
              kind: 'NetworkPolicy',
              metadata: { name: `np-${i}`, namespace: p.ns },
              spec: {
                podSelector: p.sel,
                policyTypes: p.types,
                ingress: p.ingress.map((r) => toRule(r, 'from')),
                egress: p.egress.map((r) => toRule(r, 'to')),
              },
            })}\n`,
          ),
        );
        const e = engineOf([{ path: 'c.yaml', text: docs.join('') }]);
        assert.deepEqual([...connectionsInOrder(e)].map(show), e.connectivity().map(show));
      }),
      { numRuns: 200, seed: 20 },
    );
  });
});

describe('connectivity is written as it is computed', () => {
  it('the first pair comes out before the last one is evaluated', () => {
    const e = engineOf([{ path: 'd.yaml', text: deployments(40) }]);
    let evaluated = 0;
    const allowed = e.allowed.bind(e);
    e.allowed = (src, dst) => {
      evaluated++;
      return allowed(src, dst);
    };
    const it = connectionsInOrder(e);
    const first = it.next();
    assert.equal(first.done, false);
    const atFirst = evaluated;
    let count = 1;
    while (!it.next().done) count++;
    // 40 workloads: 40 × 39 pairs between them, and each to and from every address.
    assert.equal(count, 40 * 39 + 80);
    assert.ok(atFirst < evaluated / 10, `${atFirst} of ${evaluated} evaluations before the first pair`);
  });

  it('a small writable receives the first pairs before the last is computed (the command, end to end)', async () => {
    const dir = tmp({ 'apps.yaml': deployments(120) });
    let evaluated = 0;
    const proto = PolicyEngine.prototype;
    const allowed = proto.allowed;
    let atFirstWrite: number | undefined;
    proto.allowed = function (this: PolicyEngine, src, dst) {
      evaluated++;
      return allowed.call(this, src, dst);
    };
    const chunks: string[] = [];
    const stream = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        atFirstWrite ??= evaluated;
        chunks.push(chunk.toString('utf8'));
        // An asynchronous reader: the writer has to wait for it.
        setImmediate(cb);
      },
    });
    try {
      const io: Io = { stdout: stream, stderr: collector().stream, stdin: Readable.from([]), cwd: dir, env: {} };
      assert.equal(await COMMANDS.connectivity.run(['--no-config', '-f', 'json', '.'], io), 0);
    } finally {
      proto.allowed = allowed;
    }
    const parsed = JSON.parse(chunks.join('')) as unknown[];
    assert.equal(parsed.length, 120 * 119 + 240);
    assert.ok(chunks.length > 10, `${chunks.length} writes`);
    assert.ok(
      atFirstWrite !== undefined && atFirstWrite < evaluated / 10,
      `${atFirstWrite} of ${evaluated} evaluations before the first write`,
    );
  });
});

describe('--summary, and the note when no policy isolates anything', () => {
  const open = deployments(4);
  const isolating = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-only-from-app-0, namespace: ns-1}
spec:
  podSelector: {matchLabels: {app: app-1}}
  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: app-0}}}], ports: [{port: 8080}]}]
`;

  it('the default output lists every pair, and a note on stderr says nothing isolates them', async () => {
    const dir = tmp({ 'apps.yaml': open });
    const r = await connectivity(['--no-config', '.'], dir);
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 4 * 3 + 8);
    assert.match(
      r.stderr,
      /^kube-netlint: note: no policy isolates any of the 4 workloads: all of them can reach each other on all ports \(listed pair by pair, 12 pairs; --summary says it once\)\n$/,
    );
  });

  it('a note says so when the input defines no workload: nothing to list', async () => {
    const policies = (await connectivity(['--no-config', '.'], tmp({ 'policy.yaml': isolating }))).stderr;
    assert.equal(
      policies,
      'kube-netlint: note: the input defines no workload (no Pod or pod template): there are no connections to ' +
        'list; its policy selects pods that other manifests deploy\n',
    );
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n';
    const r = await connectivity(['--no-config', '.'], tmp({ 'cm.yaml': configMap }));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no workload \(no Pod or pod template\): there are no connections to list\n$/);
  });

  it('no note when a policy isolates a workload, or with --focus', async () => {
    assert.equal((await connectivity(['--no-config', '.'], tmp({ 'apps.yaml': open + isolating }))).stderr, '');
    assert.equal(
      (await connectivity(['--no-config', '--focus', 'ns-0/app-0', '.'], tmp({ 'apps.yaml': open }))).stderr,
      '',
    );
  });

  it('txt: one line instead of the pairs when nothing isolates any workload', async () => {
    const r = await connectivity(['--no-config', '--summary', '.'], tmp({ 'apps.yaml': open }));
    assert.equal(
      r.stdout,
      'all 4 workloads can reach each other and any external address, both ways, on all ports (no policy isolates them)\n',
    );
    assert.equal(r.stderr, '');
  });

  it('txt: the open workloads are named, and every pair that involves another one is listed', async () => {
    const dir = tmp({ 'apps.yaml': open + isolating });
    const full = (await connectivity(['--no-config', '.'], dir)).stdout.split('\n').filter(Boolean);
    const r = await connectivity(['--no-config', '--summary', '.'], dir);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.deepEqual(lines.slice(0, 4), [
      '3 of 4 workloads can reach each other and any external address, both ways, on all ports (no policy isolates them):',
      '  ns-0/app-0[Deployment]',
      '  ns-0/app-3[Deployment]',
      '  ns-2/app-2[Deployment]',
    ]);
    const openNames = new Set(['ns-0/app-0[Deployment]', 'ns-0/app-3[Deployment]', 'ns-2/app-2[Deployment]']);
    const isOpen = (e: string) => openNames.has(e) || e === '0.0.0.0/0';
    // The rest: the full list without the pairs among the open workloads and the whole address space.
    assert.deepEqual(
      lines.slice(4),
      full.filter((l) => {
        const [src, dst] = l.split(' : ')[0].split(' => ');
        return !(isOpen(src) && isOpen(dst));
      }),
    );
    assert.ok(lines.some((l) => l === 'ns-1/app-1[Deployment] => ns-0/app-0[Deployment] : All Connections'));
    assert.ok(lines.some((l) => l === 'ns-0/app-0[Deployment] => ns-1/app-1[Deployment] : TCP 8080'));
  });

  it('json: {workloads, open, summary, connections}', async () => {
    const r = await connectivity(
      ['--no-config', '--summary', '-f', 'json', '.'],
      tmp({ 'apps.yaml': open + isolating }),
    );
    const j = JSON.parse(r.stdout) as {
      workloads: number;
      open: string[];
      summary: string;
      connections: { src: string; dst: string; conn: string }[];
    };
    assert.deepEqual(Object.keys(j), ['workloads', 'open', 'summary', 'connections']);
    assert.equal(j.workloads, 4);
    assert.deepEqual(j.open, ['ns-0/app-0[Deployment]', 'ns-0/app-3[Deployment]', 'ns-2/app-2[Deployment]']);
    assert.match(j.summary, /^3 of 4 workloads can reach each other/);
    assert.ok(
      j.connections.some(
        (c) => c.src === 'ns-0/app-0[Deployment]' && c.dst === 'ns-1/app-1[Deployment]' && c.conn === 'TCP 8080',
      ),
    );
    assert.ok(!j.connections.some((c) => c.src === 'ns-0/app-0[Deployment]' && c.dst === 'ns-2/app-2[Deployment]'));
    // Written as JSON.stringify(…, null, 2) writes it.
    assert.equal(r.stdout, `${JSON.stringify(j, null, 2)}\n`);
    const none = await connectivity(['--no-config', '--summary', '-f', 'json', '.'], tmp({ 'apps.yaml': open }));
    assert.equal(
      none.stdout,
      `${JSON.stringify({ workloads: 4, open: JSON.parse(none.stdout).open, summary: 'all 4 workloads can reach each other and any external address, both ways, on all ports (no policy isolates them)', connections: [] }, null, 2)}\n`,
    );
  });

  it('md: the statement, the open workloads, then the table', async () => {
    const r = await connectivity(['--no-config', '--summary', '-f', 'md', '.'], tmp({ 'apps.yaml': open + isolating }));
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^3 of 4 workloads can reach each other .*:$/);
    assert.deepEqual(lines.slice(1, 7), [
      '',
      '- ns-0/app-0[Deployment]',
      '- ns-0/app-3[Deployment]',
      '- ns-2/app-2[Deployment]',
      '',
      '| src | dst | conn |',
    ]);
  });

  it('when every workload is isolated, the summary says so and the list is whole', async () => {
    const deny = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
    const dir = tmp({ 'apps.yaml': deployment('x', 'a') + deployment('x', 'b') + deny });
    const full = await connectivity(['--no-config', '.'], dir);
    const r = await connectivity(['--no-config', '--summary', '.'], dir);
    assert.equal(
      r.stdout,
      `every one of the 2 workloads is isolated by a policy: each connection is listed\n${full.stdout}`,
    );
  });

  it('csv and dot have no place for the statement: a usage error', async () => {
    for (const f of ['csv', 'dot']) {
      await assert.rejects(
        connectivity(['--no-config', '--summary', '-f', f, '.'], tmp({ 'apps.yaml': open })),
        (e: unknown) => e instanceof UsageError && /--summary is available with txt, json, md/.test(e.message),
      );
    }
  });

  it('openWorkloads: none isolated by a policy in either direction', () => {
    const e = engineOf([{ path: 'a.yaml', text: open + isolating }]);
    assert.deepEqual(
      openWorkloads(e)
        .map((p) => p.name)
        .sort(),
      ['ns-0/app-0[Deployment]', 'ns-0/app-3[Deployment]', 'ns-2/app-2[Deployment]'],
    );
  });
});
