/**
 * `connectivity`, `explain` and `diff` on the multi-namespace app of test-fixtures/connectivity/shop,
 * run through the command table (COMMANDS) with an in-memory io.
 *
 * The goldens (expected.*, diff-expected.*) were derived by hand from the manifests and the
 * NetworkPolicy semantics (see test-fixtures/connectivity/shop/README.md), then compared with the
 * tool. After an intended change, regenerate them with
 *   npx tsc -p . && UPDATE_GOLDEN=1 node --test dist/test/cli/connectivity.test.js
 * and review the diff against the derivation in the README before committing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/main.js';
import { UsageError as CommandUsageError } from '../../src/cli/io.js';
import { ROOT, collector } from '../support/util.js';

const APP = path.join(ROOT, 'test-fixtures/connectivity/shop');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  command: 'connectivity' | 'explain' | 'diff',
  args: string[],
  opts: { cwd?: string; stdin?: string } = {},
): Promise<Run> {
  const out = collector();
  const err = collector();
  const io: Io = {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    cwd: opts.cwd ?? APP,
    env: {},
  };
  const code = await COMMANDS[command].run(args, io);
  return { code, stdout: out.text(), stderr: err.text() };
}

function golden(file: string, actual: string): void {
  const abs = path.join(APP, file);
  if (UPDATE) {
    writeFileSync(abs, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(abs, 'utf8');
  } catch {
    assert.fail(
      `${path.relative(ROOT, abs)} is missing (UPDATE_GOLDEN=1 writes it; review it by hand before committing)`,
    );
  }
  assert.equal(actual, expected, `output differs from ${path.relative(ROOT, abs)}`);
}

async function usageError(
  command: 'connectivity' | 'explain' | 'diff',
  args: string[],
  message: RegExp,
  cwd = APP,
): Promise<void> {
  await assert.rejects(run(command, args, { cwd }), (e: unknown) => {
    assert.ok(e instanceof CommandUsageError, `expected a CommandUsageError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

const tmpDirs: string[] = [];
function tmpCopy(from: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-conn-'));
  tmpDirs.push(dir);
  cpSync(from, dir, { recursive: true });
  return dir;
}
after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

/** The connections of the app, as derived by hand (README.md). */
const EXPECTED = [
  'data/backup[CronJob] => 203.0.113.0/25 : TCP 443',
  'data/backup[CronJob] => data/postgres[StatefulSet] : TCP 5432',
  'data/cache[Deployment] => 0.0.0.0/0 : All Connections',
  'data/postgres[StatefulSet] => 0.0.0.0/0 : All Connections',
  'web/api[Deployment] => 0.0.0.0-9.255.255.255,11.0.0.0-172.15.255.255,172.32.0.0-192.167.255.255,192.169.0.0-255.255.255.255 : TCP 443',
  'web/api[Deployment] => data/cache[Deployment] : TCP 6379,9121',
  'web/api[Deployment] => data/postgres[StatefulSet] : TCP 5432,9187',
  'web/frontend[Deployment] => web/api[Deployment] : TCP 9000',
  '{ingress-controller} => web/api[Deployment] : TCP 9000',
  '{ingress-controller} => web/frontend[Deployment] : TCP 8080',
];

// ---------------------------------------------------------------------------------------------

describe('connectivity', () => {
  for (const format of ['txt', 'json', 'csv', 'md', 'dot']) {
    it(`matches the reviewed golden in ${format}`, async () => {
      const r = await run('connectivity', ['-f', format, 'manifests']);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      golden(`expected.${format}`, r.stdout);
    });
  }

  it('txt is the hand-derived list, and the default format', async () => {
    const r = await run('connectivity', ['manifests']);
    assert.deepEqual(lines(r.stdout), EXPECTED);
  });

  it('json, csv and md hold the same connections as txt', async () => {
    const parse = (l: string) => {
      const m = /^(.*) => (.*) : (.*)$/.exec(l)!;
      return { src: m[1], dst: m[2], conn: m[3] };
    };
    const want = EXPECTED.map(parse);
    const json = JSON.parse((await run('connectivity', ['-f', 'json', 'manifests'])).stdout) as unknown;
    assert.deepEqual(json, want);
    const csv = lines((await run('connectivity', ['-f', 'csv', 'manifests'])).stdout);
    assert.equal(csv[0], 'src,dst,conn');
    const csvRow = (row: string) =>
      [...row.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)]
        .map((m) => m[1].replace(/^"(.*)"$/, '$1').replace(/""/g, '"'))
        .slice(0, 3);
    assert.deepEqual(
      csv.slice(1).map(csvRow),
      want.map((c) => [c.src, c.dst, c.conn]),
    );
    const md = lines((await run('connectivity', ['-f', 'md', 'manifests'])).stdout);
    assert.equal(md[0], '| src | dst | conn |');
    assert.deepEqual(
      md.slice(2).map((row) => row.split(' | ').map((c) => c.replace(/^\| |\s\|$/g, ''))),
      want.map((c) => [c.src, c.dst, c.conn]),
    );
  });

  it('reads the manifests from stdin with "-"', async () => {
    const text = readdirSync(path.join(APP, 'manifests'))
      .sort()
      .map((f) => readFileSync(path.join(APP, 'manifests', f), 'utf8'))
      .join('\n---\n');
    const r = await run('connectivity', ['-'], { stdin: text });
    assert.deepEqual(lines(r.stdout), EXPECTED);
  });

  it('applies the input limits of lint runs, and names on stderr what it could not read', async () => {
    const text = readdirSync(path.join(APP, 'manifests'))
      .sort()
      .map((f) => readFileSync(path.join(APP, 'manifests', f), 'utf8'))
      .join('\n---\n');
    // Standard input over --max-file-bytes is not read: no connections, and a warning that says why.
    const over = await run('connectivity', ['--max-file-bytes', '1K', '-'], { stdin: text });
    assert.equal(over.code, 0);
    assert.equal(over.stdout.trim(), '', 'nothing was read, so nothing is connected');
    assert.match(
      over.stderr,
      /^kube-netlint: warning: <stdin>:1:1: standard input is not read: it is more than the limit of 1 KiB per file \(--max-file-bytes\)$/m,
    );
    // A broken document is named with its position; the other documents still count.
    const broken = await run('connectivity', ['-'], { stdin: `${text}\n---\nkind: [oops\n` });
    assert.deepEqual(lines(broken.stdout), EXPECTED);
    assert.match(broken.stderr, /^kube-netlint: warning: <stdin>:\d+:\d+: /m);
    await assert.rejects(run('connectivity', ['--max-input-bytes', 'lots', '-'], { stdin: text }), (e: Error) => {
      assert.ok(e instanceof CommandUsageError);
      assert.match(e.message, /--max-input-bytes needs a size in bytes/);
      return true;
    });
  });

  it('without the ingress controller settings, the policies that name its namespace do not admit it', async () => {
    const r = await run('connectivity', ['--no-config', 'manifests']);
    assert.deepEqual(
      lines(r.stdout),
      EXPECTED.filter((l) => !l.startsWith('{ingress-controller}')),
    );
  });

  it('--focus keeps the connections from or to one workload', async () => {
    const api = EXPECTED.filter((l) => l.startsWith('web/api[') || l.includes('=> web/api['));
    assert.equal(api.length, 5);
    for (const args of [
      ['--focus', 'web/api'],
      ['--focus', 'web/api[Deployment]'],
      ['--focus', 'api', '-n', 'web'],
    ]) {
      assert.deepEqual(lines((await run('connectivity', [...args, 'manifests'])).stdout), api, args.join(' '));
    }
    // api alone: not in the default namespace, so the one namespace that has it (web); a wrong kind names nothing.
    assert.deepEqual(lines((await run('connectivity', ['--focus', 'api', 'manifests'])).stdout), api);
    await assert.rejects(run('connectivity', ['--focus', 'web/api[StatefulSet]', 'manifests']), CommandUsageError);
    assert.deepEqual(
      lines((await run('connectivity', ['--focus', '{ingress-controller}', 'manifests'])).stdout),
      EXPECTED.filter((l) => l.startsWith('{ingress-controller}')),
    );
    assert.deepEqual(lines((await run('connectivity', ['--focus', '203.0.113.0/25', 'manifests'])).stdout), [
      'data/backup[CronJob] => 203.0.113.0/25 : TCP 443',
    ]);
    const json = JSON.parse(
      (await run('connectivity', ['--focus', 'data/postgres', '-f', 'json', 'manifests'])).stdout,
    ) as { src: string; dst: string }[];
    assert.deepEqual(
      json.map((c) => `${c.src} => ${c.dst}`),
      [
        'data/backup[CronJob] => data/postgres[StatefulSet]',
        'data/postgres[StatefulSet] => 0.0.0.0/0',
        'web/api[Deployment] => data/postgres[StatefulSet]',
      ],
    );
  });

  it('--port keeps the connections that allow a port (TCP unless given)', async () => {
    const port = async (...args: string[]) => lines((await run('connectivity', [...args, 'manifests'])).stdout);
    assert.deepEqual(await port('--port', '9000'), [
      'data/cache[Deployment] => 0.0.0.0/0 : All Connections',
      'data/postgres[StatefulSet] => 0.0.0.0/0 : All Connections',
      'web/frontend[Deployment] => web/api[Deployment] : TCP 9000',
      '{ingress-controller} => web/api[Deployment] : TCP 9000',
    ]);
    assert.deepEqual(await port('--port', '5432/TCP'), [
      'data/backup[CronJob] => data/postgres[StatefulSet] : TCP 5432',
      'data/cache[Deployment] => 0.0.0.0/0 : All Connections',
      'data/postgres[StatefulSet] => 0.0.0.0/0 : All Connections',
      'web/api[Deployment] => data/postgres[StatefulSet] : TCP 5432,9187',
    ]);
    assert.deepEqual(
      await port('--port', '6379/udp'),
      [
        'data/cache[Deployment] => 0.0.0.0/0 : All Connections',
        'data/postgres[StatefulSet] => 0.0.0.0/0 : All Connections',
      ],
      'the cache policy opens UDP 6379 but the api egress does not',
    );
    assert.deepEqual(await port('--port', '443', '--focus', 'web/api'), [EXPECTED[4]]);
    assert.deepEqual(
      await port('--port', '9187', '--focus', 'web/frontend'),
      [],
      'allowed by the ingress of postgres, not by the egress of frontend',
    );
  });

  it('--output-file writes the report to a file', async () => {
    const dir = tmpCopy(APP);
    const r = await run('connectivity', ['-f', 'csv', '-o', 'out/conn.csv', 'manifests'], { cwd: dir });
    assert.equal(r.stdout, '');
    assert.equal(
      readFileSync(path.join(dir, 'out/conn.csv'), 'utf8'),
      readFileSync(path.join(APP, 'expected.csv'), 'utf8'),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('dot output', () => {
  /** A tokenizer and recursive-descent parser for the DOT language (no HTML strings). */
  function parseDot(text: string): { nodes: Set<string>; edges: [string, string][] } {
    const tokens: string[] = [];
    const re =
      /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|^#[^\n]*|("(?:\\[\s\S]|[^"\\])*")|(->|--)|([{}[\];,=:])|([A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*|-?(?:\.\d+|\d+(?:\.\d*)?))|([\s\S])/gmy;
    for (const m of text.matchAll(re)) {
      if (m[5] !== undefined) throw new Error(`unexpected character ${JSON.stringify(m[5])} at ${m.index}`);
      const t = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (t !== undefined) tokens.push(t);
    }
    let i = 0;
    const KEYWORDS = new Set(['strict', 'graph', 'digraph', 'node', 'edge', 'subgraph']);
    const peek = () => tokens[i];
    const next = () => {
      if (i >= tokens.length) throw new Error('unexpected end of input');
      return tokens[i++];
    };
    const expect = (t: string) => {
      const got = next();
      if (got !== t) throw new Error(`expected ${t}, got ${got} (token ${i - 1})`);
    };
    const isId = (t: string | undefined) =>
      t !== undefined &&
      (t.startsWith('"') || /^[A-Za-z_\u0080-\uffff\d.-]/.test(t)) &&
      t !== '->' &&
      t !== '--' &&
      !KEYWORDS.has(t.toLowerCase());
    const id = () => {
      const t = next();
      if (!isId(t)) throw new Error(`expected an ID, got ${t}`);
      return t.startsWith('"') ? t.slice(1, -1).replace(/\\"/g, '"').replace(/\\\\/g, '\\') : t;
    };
    const nodes = new Set<string>();
    const edges: [string, string][] = [];
    const attrList = () => {
      while (peek() === '[') {
        next();
        while (peek() !== ']') {
          id();
          expect('=');
          id();
          if (peek() === ';' || peek() === ',') next();
        }
        expect(']');
      }
    };
    const stmtList = () => {
      while (peek() !== '}') {
        stmt();
        if (peek() === ';') next();
      }
    };
    const subgraph = () => {
      if (peek()?.toLowerCase() === 'subgraph') {
        next();
        if (isId(peek())) id();
      }
      expect('{');
      stmtList();
      expect('}');
    };
    const stmt = () => {
      const t = peek();
      if (t === undefined) throw new Error('unexpected end of input');
      if (['graph', 'node', 'edge'].includes(t.toLowerCase())) {
        next();
        if (peek() !== '[') throw new Error(`attribute statement without [ after ${t}`);
        attrList();
        return;
      }
      if (t === '{' || t.toLowerCase() === 'subgraph') {
        subgraph();
        return;
      }
      const first = id();
      if (peek() === '=') {
        next();
        id();
        return;
      }
      if (peek() === '--') throw new Error('undirected edge in a digraph');
      let from = first;
      let isEdge = false;
      while (peek() === '->') {
        next();
        const to = id();
        edges.push([from, to]);
        from = to;
        isEdge = true;
      }
      if (!isEdge) nodes.add(first);
      attrList();
    };
    if (peek()?.toLowerCase() === 'strict') next();
    if (next().toLowerCase() !== 'digraph') throw new Error('expected digraph');
    if (isId(peek())) id();
    expect('{');
    stmtList();
    expect('}');
    if (i !== tokens.length) throw new Error(`trailing tokens after the graph: ${tokens.slice(i).join(' ')}`);
    return { nodes, edges };
  }

  it('the parser used here rejects broken dot', () => {
    assert.throws(() => parseDot('digraph { "a" -> }'));
    assert.throws(() => parseDot('digraph { "a -> "b"; }'));
    assert.throws(() => parseDot('digraph { a -> b; '));
    assert.throws(() => parseDot('digraph { a [label=] }'));
    assert.throws(() => parseDot('digraph { a -- b }'));
    assert.deepEqual(
      parseDot('digraph g { node [shape=box]; a -> "b\\"c" [label="x"]; subgraph cluster_0 { label="ns"; a; } }').edges,
      [['a', 'b"c']],
    );
  });

  it('is valid Graphviz syntax: one declared node per endpoint, one edge per connection', async () => {
    const r = await run('connectivity', ['-f', 'dot', 'manifests']);
    const g = parseDot(r.stdout);
    const parse = (l: string) => /^(.*) => (.*) : (.*)$/.exec(l)!;
    assert.deepEqual(
      g.edges,
      EXPECTED.map((l) => [parse(l)[1], parse(l)[2]]),
    );
    for (const [a, b] of g.edges) {
      assert.ok(g.nodes.has(a), `${a} is declared`);
      assert.ok(g.nodes.has(b), `${b} is declared`);
    }
    assert.match(r.stdout, /subgraph cluster_\d+ \{\n {4}label="data";/);
    assert.match(r.stdout, /subgraph cluster_\d+ \{\n {4}label="web";/);
  });

  it('an empty connectivity is still a valid graph', async () => {
    const dir = tmpCopy(APP);
    rmSync(path.join(dir, 'manifests'), { recursive: true });
    writeFileSync(path.join(dir, 'empty.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const r = await run('connectivity', ['-f', 'dot', 'empty.yaml'], { cwd: dir });
    assert.deepEqual(parseDot(r.stdout).edges, []);
    assert.equal((await run('connectivity', ['empty.yaml'], { cwd: dir })).stdout, '');
    assert.equal((await run('connectivity', ['-f', 'json', 'empty.yaml'], { cwd: dir })).stdout, '[]\n');
  });

  it('is accepted by Graphviz dot, when it is installed', async (t) => {
    const probe = spawnSync('dot', ['-V'], { encoding: 'utf8' });
    if (probe.error) {
      t.skip('Graphviz is not installed (no `dot` on PATH): syntax checked by the parser above only');
      return;
    }
    const r = await run('connectivity', ['-f', 'dot', 'manifests']);
    const res = spawnSync('dot', ['-Tcanon'], { input: r.stdout, encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
  });
});

// ---------------------------------------------------------------------------------------------

describe('explain', () => {
  it('an allowed pair: which policies isolate each side and which rules admit', async () => {
    const r = await run('explain', ['web/frontend', 'web/api', 'manifests']);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      `web/frontend[Deployment] => web/api[Deployment] (any port): ALLOWED
  allowed connections: TCP 9000
egress of web/frontend[Deployment]: isolated by
  - NetworkPolicy "web/default-deny" (manifests/policies-web.yaml:5:9)
  - NetworkPolicy "web/allow-dns" (manifests/policies-web.yaml:14:9)
  - NetworkPolicy "web/frontend" (manifests/policies-web.yaml:37:9)
  + egress[0] of NetworkPolicy "web/frontend" (manifests/policies-web.yaml:54:7) admits web/api[Deployment]: TCP 9000
ingress of web/api[Deployment]: isolated by
  - NetworkPolicy "web/default-deny" (manifests/policies-web.yaml:5:9)
  - NetworkPolicy "web/api" (manifests/policies-web.yaml:64:9)
  + ingress[0] of NetworkPolicy "web/api" (manifests/policies-web.yaml:72:7) admits web/frontend[Deployment]: TCP 9000
`,
    );
    const j = JSON.parse(
      (await run('explain', ['web/frontend', 'web/api', '-f', 'json', '--port', '9000', 'manifests'])).stdout,
    ) as Record<string, unknown>;
    assert.deepEqual(j, {
      src: 'web/frontend[Deployment]',
      dst: 'web/api[Deployment]',
      port: 'TCP 9000',
      allowed: true,
      conn: 'TCP 9000',
      egress: {
        isolated: true,
        isolatedBy: [
          { policy: 'web/default-deny', file: 'manifests/policies-web.yaml', line: 5, column: 9 },
          { policy: 'web/allow-dns', file: 'manifests/policies-web.yaml', line: 14, column: 9 },
          { policy: 'web/frontend', file: 'manifests/policies-web.yaml', line: 37, column: 9 },
        ],
        admitting: [
          {
            rule: 'egress[0] of NetworkPolicy "web/frontend"',
            conn: 'TCP 9000',
            file: 'manifests/policies-web.yaml',
            line: 54,
            column: 7,
          },
        ],
        conn: 'TCP 9000',
      },
      notes: [],
      incomplete: [],
      ingress: {
        isolated: true,
        isolatedBy: [
          { policy: 'web/default-deny', file: 'manifests/policies-web.yaml', line: 5, column: 9 },
          { policy: 'web/api', file: 'manifests/policies-web.yaml', line: 64, column: 9 },
        ],
        admitting: [
          {
            rule: 'ingress[0] of NetworkPolicy "web/api"',
            conn: 'TCP 9000',
            file: 'manifests/policies-web.yaml',
            line: 72,
            column: 7,
          },
        ],
        conn: 'TCP 9000',
      },
    });
  });

  it('a pair blocked by the source egress (the destination ingress would admit it)', async () => {
    const r = await run('explain', ['web/frontend', 'data/postgres', 'manifests']);
    const out = lines(r.stdout);
    assert.equal(out[0], 'web/frontend[Deployment] => data/postgres[StatefulSet] (any port): BLOCKED');
    assert.equal(out[1], '  allowed connections: No Connections');
    assert.ok(out.includes('  no rule admits data/postgres[StatefulSet]: nothing allowed'));
    assert.ok(
      out.indexOf('  no rule admits data/postgres[StatefulSet]: nothing allowed') <
        out.indexOf('ingress of data/postgres[StatefulSet]: isolated by'),
      'on the egress side',
    );
    assert.ok(
      out.includes(
        '  + ingress[0] of NetworkPolicy "data/allow-metrics" (manifests/policies-data.yaml:75:7) admits web/frontend[Deployment]: TCP 9187',
      ),
    );
    const j = JSON.parse(
      (await run('explain', ['web/frontend', 'data/postgres', '-f', 'json', 'manifests'])).stdout,
    ) as {
      allowed: boolean;
      conn: string;
      egress: { isolated: boolean; admitting: unknown[]; conn: string };
      ingress: { admitting: { rule: string; conn: string }[]; conn: string };
    };
    assert.equal(j.allowed, false);
    assert.equal(j.conn, 'No Connections');
    assert.equal(j.egress.isolated, true);
    assert.deepEqual(j.egress.admitting, []);
    assert.equal(j.egress.conn, 'No Connections');
    assert.deepEqual(
      j.ingress.admitting.map((a) => [a.rule, a.conn]),
      [['ingress[0] of NetworkPolicy "data/allow-metrics"', 'TCP 9187']],
    );
  });

  it('a pair blocked by the destination ingress (the source egress would allow DNS ports)', async () => {
    const out = lines((await run('explain', ['data/backup', 'data/cache', 'manifests'])).stdout);
    assert.deepEqual(out, [
      'data/backup[CronJob] => data/cache[Deployment] (any port): BLOCKED',
      '  allowed connections: No Connections',
      'egress of data/backup[CronJob]: isolated by',
      '  - NetworkPolicy "data/backup" (manifests/policies-data.yaml:85:9)',
      '  + egress[2] of NetworkPolicy "data/backup" (manifests/policies-data.yaml:106:7) admits data/cache[Deployment]: TCP 53,UDP 53',
      'ingress of data/cache[Deployment]: isolated by',
      '  - NetworkPolicy "data/default-deny-ingress" (manifests/policies-data.yaml:5:9)',
      '  - NetworkPolicy "data/cache" (manifests/policies-data.yaml:41:9)',
      '  - NetworkPolicy "data/allow-metrics" (manifests/policies-data.yaml:70:9)',
      '  no rule admits data/backup[CronJob]: nothing allowed',
    ]);
    const j = JSON.parse((await run('explain', ['data/backup', 'data/cache', '-f', 'json', 'manifests'])).stdout) as {
      allowed: boolean;
      egress: { conn: string };
      ingress: { conn: string; admitting: unknown[] };
    };
    assert.equal(j.allowed, false);
    assert.equal(j.egress.conn, 'TCP 53,UDP 53');
    assert.equal(j.ingress.conn, 'No Connections');
    assert.deepEqual(j.ingress.admitting, []);
  });

  it('--port: rules admit the pair, but not on that port', async () => {
    const out = lines((await run('explain', ['web/api', 'data/postgres', '--port', '6379', 'manifests'])).stdout);
    assert.deepEqual(out, [
      'web/api[Deployment] => data/postgres[StatefulSet] (TCP 6379): BLOCKED',
      '  allowed connections: TCP 5432,9187',
      'egress of web/api[Deployment]: isolated by',
      '  - NetworkPolicy "web/default-deny" (manifests/policies-web.yaml:5:9)',
      '  - NetworkPolicy "web/allow-dns" (manifests/policies-web.yaml:14:9)',
      '  - NetworkPolicy "web/api" (manifests/policies-web.yaml:64:9)',
      '  + egress[0] of NetworkPolicy "web/api" (manifests/policies-web.yaml:82:7) admits data/postgres[StatefulSet]: TCP 5432',
      '  + egress[2] of NetworkPolicy "web/api" (manifests/policies-web.yaml:100:7) admits data/postgres[StatefulSet]: TCP 9187',
      '  none of these rules allows TCP 6379',
      'ingress of data/postgres[StatefulSet]: isolated by',
      '  - NetworkPolicy "data/default-deny-ingress" (manifests/policies-data.yaml:5:9)',
      '  - NetworkPolicy "data/postgres" (manifests/policies-data.yaml:14:9)',
      '  - NetworkPolicy "data/allow-metrics" (manifests/policies-data.yaml:70:9)',
      '  + ingress[0] of NetworkPolicy "data/postgres" (manifests/policies-data.yaml:21:7) admits web/api[Deployment]: TCP 5432',
      '  + ingress[0] of NetworkPolicy "data/allow-metrics" (manifests/policies-data.yaml:75:7) admits web/api[Deployment]: TCP 9187',
      '  none of these rules allows TCP 6379',
    ]);
    const ok = lines((await run('explain', ['web/api', 'data/postgres', '--port', '5432/tcp', 'manifests'])).stdout);
    assert.equal(ok[0], 'web/api[Deployment] => data/postgres[StatefulSet] (TCP 5432): ALLOWED');
    assert.ok(!ok.some((l) => l.includes('none of these rules')));
    const udp = JSON.parse(
      (await run('explain', ['web/api', 'data/cache', '--port', '6379/UDP', '-f', 'json', 'manifests'])).stdout,
    ) as {
      port: string;
      allowed: boolean;
      egress: { conn: string };
      ingress: { conn: string };
    };
    assert.equal(udp.port, 'UDP 6379');
    assert.equal(udp.allowed, false, 'the cache ingress opens UDP 6379, the api egress does not');
    assert.equal(udp.egress.conn, 'TCP 6379,9121');
    assert.equal(udp.ingress.conn, 'TCP 6379,9121,UDP 6379');
  });

  it('an external IP as source, and as destination', async () => {
    const out = lines((await run('explain', ['8.8.8.8', 'web/frontend', 'manifests'])).stdout);
    assert.deepEqual(out, [
      '8.8.8.8 => web/frontend[Deployment] (any port): BLOCKED',
      '  allowed connections: No Connections',
      'egress of 8.8.8.8: not governed by NetworkPolicies (external endpoint)',
      'ingress of web/frontend[Deployment]: isolated by',
      '  - NetworkPolicy "web/default-deny" (manifests/policies-web.yaml:5:9)',
      '  - NetworkPolicy "web/frontend" (manifests/policies-web.yaml:37:9)',
      '  no rule admits 8.8.8.8: nothing allowed',
    ]);
    const src = JSON.parse((await run('explain', ['8.8.8.8', 'web/frontend', '-f', 'json', 'manifests'])).stdout) as {
      src: string;
      allowed: boolean;
      egress: unknown;
    };
    assert.equal(src.src, '8.8.8.8');
    assert.equal(src.allowed, false);
    assert.equal(src.egress, null);
    const dst = JSON.parse(
      (await run('explain', ['web/api', '8.8.8.8', '--port', '443', '-f', 'json', 'manifests'])).stdout,
    ) as {
      allowed: boolean;
      conn: string;
      ingress: unknown;
      egress: { admitting: { rule: string; conn: string; line: number }[] };
    };
    assert.equal(dst.allowed, true);
    assert.equal(dst.conn, 'TCP 443');
    assert.equal(dst.ingress, null);
    assert.deepEqual(
      dst.egress.admitting.map((a) => [a.rule, a.conn, a.line]),
      [['egress[3] of NetworkPolicy "web/api"', 'TCP 443', 106]],
    );
    const priv = lines((await run('explain', ['web/api', '10.1.2.3', '--port', '443', 'manifests'])).stdout);
    assert.equal(priv[0], 'web/api[Deployment] => 10.1.2.3 (TCP 443): BLOCKED', '10.0.0.0/8 is in the except list');
    const store = lines((await run('explain', ['data/backup', '203.0.113.200', 'manifests'])).stdout);
    assert.equal(store[0], 'data/backup[CronJob] => 203.0.113.200 (any port): BLOCKED', '203.0.113.128/25 is excepted');
    const store2 = lines((await run('explain', ['data/backup', '203.0.113.7', 'manifests'])).stdout);
    assert.equal(store2[0], 'data/backup[CronJob] => 203.0.113.7 (any port): ALLOWED');
  });

  it('the ingress controller as source, with and without its settings', async () => {
    const withCfg = lines((await run('explain', ['{ingress-controller}', 'web/frontend', 'manifests'])).stdout);
    assert.equal(withCfg[0], '{ingress-controller} => web/frontend[Deployment] (any port): ALLOWED');
    assert.equal(withCfg[1], '  allowed connections: TCP 8080');
    const without = lines(
      (await run('explain', ['{ingress-controller}', 'web/frontend', '--no-config', 'manifests'])).stdout,
    );
    assert.equal(without[0], '{ingress-controller} => web/frontend[Deployment] (any port): BLOCKED');
  });
});

// ---------------------------------------------------------------------------------------------

describe('diff', () => {
  for (const format of ['txt', 'md', 'json']) {
    it(`one policy changed: one connection added, one removed, one changed (${format})`, async () => {
      const r = await run('diff', ['-f', format, 'manifests', 'manifests-v2']);
      assert.equal(r.code, 0);
      golden(`diff-expected.${format}`, r.stdout);
    });
  }

  it('the txt diff is the hand-derived one', async () => {
    const r = await run('diff', ['manifests', 'manifests-v2']);
    assert.deepEqual(lines(r.stdout), [
      '+ data/backup[CronJob] => 198.51.100.0/24 : TCP 22',
      '~ data/backup[CronJob] => 203.0.113.0/25 : TCP 443 -> TCP 443,8443',
      '- data/backup[CronJob] => data/postgres[StatefulSet] : TCP 5432',
      '1 added, 1 removed, 1 changed',
    ]);
  });

  it('a new ipBlock elsewhere does not rename unchanged external ranges', async () => {
    const r = await run('diff', ['manifests', 'manifests-v2']);
    assert.ok(!r.stdout.includes('web/api'), r.stdout);
    assert.ok(!r.stdout.includes('0.0.0.0/0'), r.stdout);
  });

  it('--fail-on-added: 1 when the new version opens a connection, 0 otherwise', async () => {
    assert.equal((await run('diff', ['--fail-on-added', 'manifests', 'manifests-v2'])).code, 1);
    assert.equal(
      (await run('diff', ['--fail-on-added', 'manifests-v2', 'manifests'])).code,
      1,
      'backup -> postgres comes back',
    );
    const same = await run('diff', ['--fail-on-added', 'manifests', 'manifests']);
    assert.equal(same.code, 0);
    assert.equal(same.stdout, 'no changes\n');
    assert.equal((await run('diff', ['-f', 'json', 'manifests', 'manifests'])).stdout, '[]\n');
    // Only narrowing: 8443 closed again and the SFTP rule dropped.
    const dir = tmpCopy(APP);
    const file = path.join(dir, 'manifests-v2/policies-data.yaml');
    const text = readFileSync(file, 'utf8');
    const narrowed = text
      .replace('        - port: 8443\n', '')
      .replace(/ {4}- to:\n {8}- ipBlock:\n {12}cidr: 198\.51\.100\.0\/24\n {6}ports:\n {8}- port: 22\n/, '');
    assert.notEqual(narrowed, text);
    assert.ok(!narrowed.includes('cidr: 198.51.100'));
    writeFileSync(file, narrowed);
    const narrow = await run('diff', ['--fail-on-added', path.join(APP, 'manifests-v2'), 'manifests-v2'], { cwd: dir });
    assert.deepEqual(lines(narrow.stdout), [
      '- data/backup[CronJob] => 198.51.100.0/24 : TCP 22',
      '~ data/backup[CronJob] => 203.0.113.0/25 : TCP 443,8443 -> TCP 443',
      '0 added, 1 removed, 1 changed',
    ]);
    assert.equal(narrow.code, 0);
    assert.equal(
      (await run('diff', ['manifests-v2', path.join(APP, 'manifests-v2')], { cwd: dir })).code,
      0,
      'without the flag the exit code is 0',
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('usage errors', () => {
  it('unknown workloads in explain', async () => {
    await usageError('explain', ['web/nothing', 'web/api', 'manifests'], /no workload "web\/nothing" in the input/);
    await usageError(
      'explain',
      ['web/api', 'frontnd', 'manifests'],
      /no workload "frontnd" in the input; did you mean "web\/frontend"\?/,
    );
    await usageError(
      'explain',
      ['web/api[StatefulSet]', 'web/frontend', 'manifests'],
      /no workload "web\/api\[StatefulSet\]"/,
    );
    await usageError('explain', ['web/api', 'manifests'], /no workload "manifests"/);
    await usageError('explain', ['web/api'], /explain needs a source and a destination/);
  });

  it('an ambiguous workload name in explain asks for the kind', async () => {
    const dir = tmpCopy(APP);
    writeFileSync(
      path.join(dir, 'manifests/twin.yaml'),
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: api, namespace: web}\nspec:\n  serviceName: api\n  selector: {matchLabels: {app: api-sts}}\n  template:\n    metadata: {labels: {app: api-sts}}\n    spec: {containers: [{name: c, image: x}]}\n',
    );
    await usageError(
      'explain',
      ['web/api', 'web/frontend', 'manifests'],
      /"web\/api" names 2 workloads \(.*web\/api\[StatefulSet\].*\): add \[Kind\]/,
      dir,
    );
    const r = await run('explain', ['web/api[StatefulSet]', 'web/frontend', 'manifests'], { cwd: dir });
    assert.match(r.stdout, /^web\/api\[StatefulSet\] => web\/frontend\[Deployment\] \(any port\): BLOCKED/);
  });

  it('bad --port values', async () => {
    for (const bad of ['0', '65536', 'http', '80/icmp', '80/', '8o', '1.5']) {
      // Both commands take port names too (http, 8o), resolved on the destinations' container ports.
      if (bad === 'http' || bad === '8o') continue;
      await usageError(
        'connectivity',
        ['--port', bad, 'manifests'],
        new RegExp(
          `--port "${bad.replace(/[/.*+?^${}()|[\]\\-]/g, '\\$&')}": expected <port> or <port>/<TCP\\|UDP\\|SCTP>`,
        ),
      );
      await usageError('explain', ['web/api', 'web/frontend', '--port', bad, 'manifests'], /--port .*expected <port>/);
    }
    await usageError(
      'connectivity',
      ['--port', '8o', 'manifests'],
      /--port "8o": no workload in the input has a TCP container port named "8o"/,
    );
    await usageError(
      'explain',
      ['web/api', 'web/frontend', '--port', '8o', 'manifests'],
      /--port "8o": web\/frontend\[Deployment\] has no TCP container port named "8o"/,
    );
  });

  it('unknown formats', async () => {
    await usageError(
      'connectivity',
      ['-f', 'yaml', 'manifests'],
      /unknown format "yaml" \(available: txt, json, csv, md, dot\)/,
    );
    await usageError(
      'explain',
      ['web/api', 'web/frontend', '-f', 'csv', 'manifests'],
      /unknown format "csv" \(available: txt, json\)/,
    );
    await usageError(
      'diff',
      ['-f', 'dot', 'manifests', 'manifests-v2'],
      /unknown format "dot" \(available: txt, md, json, html\)/,
    );
  });

  it('bad IPv4 addresses, unknown options, missing inputs', async () => {
    await usageError('explain', ['300.1.1.1', 'web/api', 'manifests'], /"300\.1\.1\.1" is not a valid IPv4 address/);
    await usageError('connectivity', ['--bogus', 'manifests'], /Unknown option '--bogus'/);
    await usageError('connectivity', ['does-not-exist'], /no files matching "does-not-exist" were found/);
    await usageError('diff', ['manifests'], /diff needs two inputs/);
    await usageError('diff', ['manifests', 'manifests-v2', 'extra'], /diff needs two inputs/);
  });

  it('an unknown --focus workload is a usage error', async () => {
    await usageError('connectivity', ['--focus', 'web/nothing', 'manifests'], /web\/nothing/);
  });

  it('explain with a CIDR that policies split is a usage error, not an answer for its first address', async () => {
    const r = await run('explain', ['web/api', '0.0.0.0/0', '--port', '443', 'manifests']).catch((e: unknown) => e);
    assert.ok(
      r instanceof CommandUsageError || !(r as Run).stdout.includes('ALLOWED'),
      'either rejected, or not reported as allowed for every address',
    );
  });

  it('--help prints the network commands', async () => {
    const r = await run('connectivity', ['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /kube-netlint connectivity \[options\] <paths\.\.\.>/);
  });
});
