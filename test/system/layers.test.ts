/**
 * The layers of the source: every import points down the stack
 *
 *   cli, lsp → report, format → engine, rules → policy → graph → model → load
 *
 * with src/util (text helpers, the package's own metadata) under all of them, importing none.
 * Modules of one layer may import each other (test/load/road.test.ts checks that they make no cycle);
 * src/index.ts, the public entry point, may import any layer and none imports it. Type imports
 * count too: a type from above ties a lower layer to an upper one all the same.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../support/util.js';

/** Layer of each folder of src/ (and of rules/): higher imports lower. */
const LAYER: Record<string, number> = {
  util: 0,
  load: 1,
  model: 2,
  graph: 3,
  policy: 4,
  engine: 5,
  rules: 5,
  report: 6,
  format: 6,
  cli: 7,
  lsp: 7,
  index: 8,
};

/**
 * Upward imports allowed for now, each with its reason (none are left). An entry that no longer
 * occurs fails the test too, so the list cannot go stale.
 */
const ALLOWED_UPWARD: readonly string[] = [];

/** The folder (layer name) of a source file relative to the root, or undefined outside src/ and rules/. */
function folderOf(rel: string): string | undefined {
  const parts = rel.split('/');
  if (parts[0] === 'rules') return 'rules';
  if (parts[0] !== 'src') return undefined;
  return parts.length === 2 ? 'index' : parts[1];
}

/** Why an import from `from` to `to` (paths relative to the root) breaks the layers, or undefined. */
function violation(from: string, to: string): string | undefined {
  const a = folderOf(from);
  const b = folderOf(to);
  if (a === undefined || b === undefined) return `${from} -> ${to}: outside src/ and rules/`;
  if (!(a in LAYER)) return `${from}: folder ${a} has no place in the layers (add it to LAYER)`;
  if (!(b in LAYER)) return `${to}: folder ${b} has no place in the layers (add it to LAYER)`;
  if (b === 'index' && a !== 'index') return `${from} -> ${to}: the public entry point is imported by none`;
  if (a === b || LAYER[b] < LAYER[a] || (LAYER[b] === LAYER[a] && b !== 'index')) return undefined;
  return `${from} -> ${to}: ${a} is below ${b}`;
}

/** Every relative import of a module: static, re-export, side-effect and dynamic, types too. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm)) found.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+'(\.[^']+)'/gm)) found.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)) found.push(m[1]);
  return found;
}

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(path.join(ROOT, 'src'));
  walk(path.join(ROOT, 'rules'));
  return files;
}

const rel = (p: string) => path.relative(ROOT, p).split(path.sep).join('/');

describe('layers', () => {
  it('the check tells an upward import from a downward one', () => {
    assert.equal(violation('src/graph/graph.ts', 'src/util/text.ts'), undefined);
    assert.equal(violation('rules/x.ts', 'src/engine/types.ts'), undefined);
    assert.equal(violation('src/engine/runner.ts', 'rules/index.ts'), undefined);
    assert.equal(violation('src/report/html.ts', 'src/format/escape.ts'), undefined);
    assert.equal(violation('src/index.ts', 'src/cli/main.ts'), undefined);
    assert.match(violation('src/graph/graph.ts', 'src/engine/text.ts') ?? '', /graph is below engine/);
    assert.match(violation('src/util/text.ts', 'src/load/source.ts') ?? '', /util is below load/);
    assert.match(violation('src/model/model.ts', 'src/policy/engine.ts') ?? '', /model is below policy/);
    assert.match(violation('src/cli/main.ts', 'src/index.ts') ?? '', /imported by none/);
    assert.match(violation('src/widgets/a.ts', 'src/load/source.ts') ?? '', /no place in the layers/);
    assert.deepEqual(
      importsOf(
        "import a from './a.js';\nexport { b } from '../b.js';\nimport './c.js';\nconst d = await import('./d.js');\n",
      ),
      ['./a.js', '../b.js', './c.js', './d.js'],
    );
  });

  it('every import of src/ and rules/ points down the stack (or stays in its layer)', () => {
    const found: string[] = [];
    for (const file of sourceFiles()) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const target = rel(path.join(path.dirname(file), spec.replace(/\.js$/, '.ts')));
        const why = violation(rel(file), target);
        if (why !== undefined) found.push(why);
      }
    }
    const allowed = found.filter((v) => ALLOWED_UPWARD.some((a) => v.startsWith(`${a}:`)));
    assert.deepEqual(
      found.filter((v) => !allowed.includes(v)),
      [],
    );
    // The allow-list holds only what still occurs.
    assert.deepEqual(
      ALLOWED_UPWARD.filter((a) => !allowed.some((v) => v.startsWith(`${a}:`))),
      [],
    );
  });
});
