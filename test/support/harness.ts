/**
 * Fixture harness. A case is a file or a directory under `test-fixtures/<rule-id>/{valid,invalid}/`.
 * All files of a case are linted together, as one cluster slice, with every rule enabled. Each file
 * states the findings expected in it with comments:
 *
 *   # expect: <rule-id> <line>:<col>-<endLine>:<endCol> [error|warning|info] [-- <message substring>]
 *
 * The harness fails on a missing or extra finding, a wrong range or a wrong severity. A case
 * directory may hold a `.kube-netlint.yaml` whose settings apply to that case.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../../rules/index.js';
import { loadConfig, parseNodePortRange } from '../../src/engine/config.js';
import { lint } from '../../src/engine/runner.js';
import type { LintResult } from '../../src/engine/runner.js';
import type { Finding, Severity } from '../../src/engine/types.js';
import { MANIFEST_EXTENSIONS } from '../../src/load/discover.js';
import { loadText } from '../../src/load/load.js';
import { DEFAULT_NAMESPACE } from '../../src/model/model.js';
import { FIXTURES } from './util.js';

export { FIXTURES };

export interface Expectation {
  file: string;
  ruleId: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity?: Severity;
  message?: string;
}

const EXPECT = /#\s*expect:\s*([a-z0-9-]+)\s+(\d+):(\d+)-(\d+):(\d+)(?:\s+(error|warning|info))?(?:\s+--\s+(.*?))?\s*$/;

export function parseExpectations(file: string, text: string): Expectation[] {
  const out: Expectation[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!/#\s*expect:/.test(line)) continue;
    const m = EXPECT.exec(line);
    if (!m) throw new Error(`${file}: malformed expectation: ${line.trim()}`);
    out.push({
      file,
      ruleId: m[1],
      line: Number(m[2]),
      column: Number(m[3]),
      endLine: Number(m[4]),
      endColumn: Number(m[5]),
      severity: m[6] as Severity | undefined,
      message: m[7],
    });
  }
  return out;
}

export interface FixtureCase {
  rule: string;
  kind: 'valid' | 'invalid';
  name: string;
  /** Absolute path of the case (file or directory). */
  path: string;
  /** Files of the case, relative to the case directory (or the file's directory). */
  files: string[];
  root: string;
}

const isManifest = (f: string) =>
  MANIFEST_EXTENSIONS.some((e) => f.endsWith(`.${e}`)) && !f.endsWith('.kube-netlint.yaml');

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p, base));
    else if (isManifest(e)) out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out;
}

export function listCases(rule: string): FixtureCase[] {
  const out: FixtureCase[] = [];
  for (const kind of ['valid', 'invalid'] as const) {
    const dir = path.join(FIXTURES, rule, kind);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      const p = path.join(dir, entry);
      if (statSync(p).isDirectory()) out.push({ rule, kind, name: entry, path: p, files: walk(p), root: p });
      else if (isManifest(entry)) out.push({ rule, kind, name: entry, path: p, files: [entry], root: dir });
    }
  }
  return out;
}

/**
 * Lint a case as one cluster slice. With `only`, just that rule runs (as ESLint's RuleTester runs the
 * rule under test), and `compare` then looks at that rule's expectations alone.
 */
export function lintCase(c: FixtureCase, only?: string): LintResult {
  const sources = c.files.map((f) => loadText(f, readFileSync(path.join(c.root, f), 'utf8')));
  const configPath = path.join(c.root, '.kube-netlint.yaml');
  const config =
    statSync(c.path).isDirectory() && existsSync(configPath)
      ? loadConfig(configPath, new Set(RULES.map((r) => r.meta.id)), c.root)
      : undefined;
  return lint(sources, {
    rules: RULES,
    severities: only
      ? {
          ...config?.rules,
          ...Object.fromEntries(RULES.filter((r) => r.meta.id !== only).map((r) => [r.meta.id, 'off' as const])),
        }
      : config?.rules,
    settings: {
      defaultNamespace: config?.namespace ?? DEFAULT_NAMESPACE,
      nodePortRange: config?.nodePortRange ?? (parseNodePortRange('30000-32767') as [number, number]),
      policy: config?.policy,
      externalServices: config?.externalServices,
    },
  });
}

export function expectationsOf(c: FixtureCase): Expectation[] {
  return c.files.flatMap((f) => parseExpectations(f, readFileSync(path.join(c.root, f), 'utf8')));
}

export function toExpectation(f: Finding): Expectation {
  const s = f.file.position(f.range[0]);
  const e = f.file.position(f.range[1]);
  return {
    file: f.file.path,
    ruleId: f.ruleId,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    severity: f.severity,
  };
}

export function formatExpectation(e: Expectation): string {
  return `${e.ruleId} ${e.line}:${e.column}-${e.endLine}:${e.endColumn}${e.severity ? ` ${e.severity}` : ''}`;
}

const RULE_DEFAULTS = new Map(RULES.map((r) => [r.meta.id, r.meta.severity]));

/**
 * Compare findings with expectations; returns human-readable differences (empty when equal). With
 * `only`, expectations and findings of other rules are left out.
 */
export function compare(c: FixtureCase, result: LintResult, only?: string): string[] {
  const expected = expectationsOf(c).filter((e) => !only || e.ruleId === only);
  const actual = result.findings.filter((f) => !only || f.ruleId === only).map((f) => ({ f, e: toExpectation(f) }));
  const problems: string[] = [];
  const unmatched = [...actual];
  for (const exp of expected) {
    const sev = exp.severity ?? RULE_DEFAULTS.get(exp.ruleId);
    const i = unmatched.findIndex(
      ({ e }) =>
        e.file === exp.file &&
        e.ruleId === exp.ruleId &&
        e.line === exp.line &&
        e.column === exp.column &&
        e.endLine === exp.endLine &&
        e.endColumn === exp.endColumn,
    );
    if (i < 0) {
      problems.push(`missing: ${exp.file}: ${formatExpectation(exp)}`);
      continue;
    }
    const { f } = unmatched[i];
    unmatched.splice(i, 1);
    if (f.severity !== sev)
      problems.push(`${exp.file}: ${formatExpectation(exp)}: severity is ${f.severity}, expected ${sev}`);
    if (exp.message && !f.message.includes(exp.message)) {
      problems.push(
        `${exp.file}: ${formatExpectation(exp)}: message ${JSON.stringify(f.message)} does not contain ${JSON.stringify(exp.message)}`,
      );
    }
  }
  for (const { f, e } of unmatched) problems.push(`extra: ${e.file}: ${formatExpectation(e)} -- ${f.message}`);
  return problems;
}
