/**
 * A config file kube-netlint did not write (found by the upward lookup) cannot hang or exhaust a
 * run: the read is bounded by bytes actually read and refuses what is not a regular file; the YAML
 * and the values are bounded (docs/limits.md). Every such file is a one-line error naming the file
 * and the position, exit 2, never an internal error. Inputs are made here; no timed assertions.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { CONFIG_LIMITS, braceExpansions } from '../../src/engine/config-read.js';
import { ConfigError, loadConfig } from '../../src/engine/config.js';
import { BIN, inProcess, tmp as tmpDir } from '../support/util.js';

const KNOWN = new Set(RULES.map((r) => r.meta.id));

/** The ConfigError message of a config text (fails when it loads). */
function error(text: string): string {
  const dir = tmpDir();
  const file = path.join(dir, '.kube-netlint.yaml');
  writeFileSync(file, text);
  try {
    loadConfig(file, KNOWN, dir);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `not a ConfigError: ${(e as Error).stack}`);
    return e.message.replace(file, 'F');
  }
  assert.fail('the config loaded');
}

/** Nine anchors, each nine aliases of the one before: 9^9 nodes once expanded. */
const LAUGHS = (() => {
  let s = 'x:\n  a: &a [x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    s += `  ${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
  }
  return s;
})();

describe('config file: hostile values are one-line errors with a position', () => {
  it('billion laughs: alias expansion is bounded', () => {
    assert.match(error(LAUGHS), /^F:1:1: invalid YAML: aliases expand too much: .*docs\/limits\.md\)$/);
  });

  it('50,000 rule keys: a limit on the keys of a map (and the duplicate check is linear)', () => {
    const text = `rules:\n${Array.from({ length: 50_000 }, (_, i) => `  r${i}: off\n`).join('')}`;
    assert.equal(error(text), `F:2:3: rules: more than 1,000 keys (a limit of kube-netlint, see docs/limits.md)`);
    // Duplicates among many keys are still found, at the second one.
    const dup = `rules:\n${Array.from({ length: 900 }, (_, i) => `  r${i}: off\n`).join('')}  r5: off\n`;
    assert.equal(error(dup), 'F:902:3: invalid YAML: Map keys must be unique');
  });

  it('lists: a limit on their items', () => {
    const text = `externalServices:\n${Array.from({ length: CONFIG_LIMITS.maxEntries + 1 }, (_, i) => `  - ns/s${i}\n`).join('')}`;
    assert.equal(
      error(text),
      'F:2:3: externalServices: more than 1,000 items (a limit of kube-netlint, see docs/limits.md)',
    );
  });

  it('ignorePatterns and roots: pattern length and brace expansion are bounded', () => {
    assert.equal(
      error(`ignorePatterns:\n  - ok/**\n  - "${'{a,b}'.repeat(20)}"\n`),
      'F:3:5: ignorePatterns: the braces of this pattern expand to more than 1,000 patterns (a limit of kube-netlint, see docs/limits.md)',
    );
    assert.equal(
      error(`roots:\n  - "{1..100000000}"\n`),
      'F:2:5: roots: the braces of this pattern expand to more than 1,000 patterns (a limit of kube-netlint, see docs/limits.md)',
    );
    assert.equal(
      error(`roots: ["${'x'.repeat(CONFIG_LIMITS.maxPatternLength + 1)}"]\n`),
      'F:1:9: roots: a pattern of more than 1,024 characters (a limit of kube-netlint, see docs/limits.md)',
    );
  });

  it('deep nesting, several documents, unknown keys and rules: each at its place', () => {
    assert.match(
      error(`x: ${'['.repeat(200)}${']'.repeat(200)}\n`),
      /^F:1:\d+: invalid YAML: nested more than 64 levels deep/,
    );
    assert.equal(
      error('rules: {}\n---\nrules: {}\n'),
      'F:2:1: invalid YAML: a config file holds one document, not several',
    );
    assert.equal(
      error('rules:\n  yaml-syntax: off\n  no-such-rule: off\n'),
      'F:3:3: rules: unknown rule "no-such-rule"',
    );
    assert.equal(error('namespace: a\nnope: 1\n'), 'F:2:1: unknown key "nope"');
    assert.equal(error('ignorePatterns:\n  - a\n  - 3\n'), 'F:3:5: ignorePatterns.1: must be string');
    assert.equal(error('nodePortRange: "9-3"\n'), 'F:1:16: nodePortRange: "9-3" is not a range like 30000-32767');
  });

  it('a config within the limits loads as before', () => {
    const dir = tmpDir();
    const file = path.join(dir, '.kube-netlint.yaml');
    writeFileSync(file, `rules:\n  yaml-syntax: warn\nignorePatterns: ["{a,b,c}/**/{x,y}.yaml"]\nroots: [k8s]\n`);
    const c = loadConfig(file, KNOWN, dir);
    assert.equal(c.rules['yaml-syntax'], 'warning');
    assert.deepEqual(c.ignorePatterns, ['{a,b,c}/**/{x,y}.yaml']);
    assert.deepEqual(c.roots, ['k8s']);
  });
});

describe('config file: the read is bounded and never blocks', () => {
  const cases: [string, (file: string) => boolean, RegExp][] = [
    [
      'a symbolic link to /dev/zero',
      (f) => existsSync('/dev/zero') && (symlinkSync('/dev/zero', f), true),
      /: the config file is not read: it is not a regular file \(a character device\)$/,
    ],
    [
      'a FIFO',
      (f) => spawnSync('mkfifo', [f]).status === 0,
      /: the config file is not read: it is not a regular file \(a FIFO\)$/,
    ],
    [
      'a folder',
      (f) => spawnSync('mkdir', [f]).status === 0,
      /: the config file is not read: it is not a regular file \(a folder\)$/,
    ],
    [
      'a file larger than the limit',
      (f) => (writeFileSync(f, `# ${'x'.repeat(CONFIG_LIMITS.maxBytes)}\n`), true),
      /: the config file is not read: it is larger than 1 MiB/,
    ],
    // A procfs file says it is empty: it is read up to the limit and no further (or refused by the kernel).
    [
      'a link to /proc/self/pagemap',
      (f) => existsSync('/proc/self/pagemap') && (symlinkSync('/proc/self/pagemap', f), true),
      /config file.*(larger than 1 MiB|cannot read|E[A-Z]+)/,
    ],
  ];
  for (const [name, make, want] of cases) {
    it(`${name}: a one-line error, exit 2`, { timeout: 60_000 }, (t) => {
      const dir = tmpDir();
      writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
      if (!make(path.join(dir, '.kube-netlint.yaml'))) {
        t.skip(`${name} cannot be made here`);
        return;
      }
      const r = spawnSync(process.execPath, [BIN, 'a.yaml'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.signal, null, 'must not block');
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^kube-netlint: /);
      assert.match(lines[0], want);
      assert.doesNotMatch(lines[0], /internal error/);
    });
  }

  it('a hostile config in the CLI: one line with file, line and column, exit 2', { timeout: 60_000 }, () => {
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    writeFileSync(path.join(dir, '.kube-netlint.yaml'), LAUGHS);
    const r = spawnSync(process.execPath, [BIN, 'a.yaml'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^kube-netlint: .*\.kube-netlint\.yaml:1:1: invalid YAML: aliases expand too much/);
  });
});

describe('brace expansion count', () => {
  it('counts alternatives, ranges, nesting and escapes', () => {
    assert.equal(braceExpansions('a/**/*.yaml'), 1);
    assert.equal(braceExpansions('{a,b}'), 2);
    assert.equal(braceExpansions('{a,b}x{c,d,e}'), 6);
    assert.equal(braceExpansions('{a,{b,c}}'), 3);
    assert.equal(braceExpansions('{a,b{c,d}}'), 3);
    assert.equal(braceExpansions('{1..10}'), 10);
    assert.equal(braceExpansions('{1..10..2}'), 5);
    assert.equal(braceExpansions('{a..e}'), 5);
    assert.equal(braceExpansions('\\{a,b\\}'), 1);
    assert.equal(braceExpansions('{a}'), 1);
    assert.equal(braceExpansions('{a,b'), 2);
    assert.equal(braceExpansions('{a,b}'.repeat(60)), Number.MAX_SAFE_INTEGER);
  });
});

describe('--ignore-pattern is held to the limits of ignorePatterns', () => {
  it('refuses a pattern whose braces expand too far, and one too long, as a usage error (exit 2)', async () => {
    const dir = tmpDir({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    for (const [pattern, message] of [
      ['{a,b}'.repeat(12), /--ignore-pattern: the braces of this pattern expand to more than 1,000 patterns/],
      ['x'.repeat(CONFIG_LIMITS.maxPatternLength + 1), /--ignore-pattern: a pattern of more than 1,024 characters/],
    ] as const) {
      const r = await inProcess(['--no-config', '--ignore-pattern', pattern, '.'], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    }
    const ok = await inProcess(['--no-config', '--ignore-pattern', '{a,b}/**', '.'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
  });
});
