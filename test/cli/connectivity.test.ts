/**
 * `connectivity` (text, JSON and dot output) on the multi-namespace app of
 * test-fixtures/connectivity/shop, run through the command table (COMMANDS) with an in-memory io;
 * `explain` is in connectivity-explain.test.ts, `diff` and usage errors in connectivity-diff.test.ts.
 *
 * The goldens (expected.*, diff-expected.*) were derived by hand from the manifests and the
 * NetworkPolicy semantics (see test-fixtures/connectivity/shop/README.md), then compared with the
 * tool. After an intended change, regenerate them with
 *   npm run build && UPDATE_GOLDEN=1 node dist/scripts/run-tests.js cli/connectivity cli/connectivity-explain cli/connectivity-diff
 * and review the diff against the derivation in the README before committing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { UsageError as CommandUsageError } from '../../src/cli/io.js';
import { APP, EXPECTED, golden, lines, run, tmpCopy } from '../support/connectivity.js';

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
