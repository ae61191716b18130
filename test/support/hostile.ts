/**
 * Helpers of the hostile-input suites: the CLI as a child process (`--no-config`, generous buffers)
 * and in this process, the JSON report of a run, the small cases of test-fixtures/hostile/, a check
 * that a finding's location lies inside its file, and linting with every rule.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import type { JsonFinding } from '../../src/format/json.js';
import type { SourceFile } from '../../src/load/source.js';
import { BIN, ROOT, inProcess as runInProcess } from './util.js';
import type { InProcessRun } from './util.js';

export const FIXTURES = path.join(ROOT, 'test-fixtures/hostile');
export const MiB = 1024 * 1024;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  signal: NodeJS.Signals | null;
}

export function run(
  args: string[],
  opts: { cwd?: string; input?: string | Buffer; stdinFd?: number; timeout?: number } = {},
): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const o: SpawnSyncOptions = {
    cwd: opts.cwd ?? ROOT,
    env,
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
    maxBuffer: 256 * MiB,
  };
  if (opts.stdinFd !== undefined) o.stdio = [opts.stdinFd, 'pipe', 'pipe'];
  else o.input = opts.input ?? '';
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, '--no-config', ...args], o);
  return {
    status: r.status,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    ms: performance.now() - t,
    signal: r.signal,
  };
}

export interface Report {
  findings: JsonFinding[];
  summary: { files: number; objects: number; errors: number; warnings: number };
}

export function report(r: Run): Report {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(
      `not JSON (exit ${r.status}, ${Math.round(r.ms)} ms): ${r.stdout.slice(0, 500)}\nstderr: ${r.stderr.slice(0, 500)}`,
    );
  }
}

export const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

/** The CLI in this process (no start-up cost), without configuration files: exit code and output. */
export const inProcess = (args: string[], cwd: string): Promise<InProcessRun> =>
  runInProcess(['--no-config', ...args], { cwd });

/** Every finding's location lies inside the text of its file (1-based lines; end >= start). */
export function assertLocated(f: JsonFinding, text: string): void {
  const lines = text.split(/\n|\r(?!\n)/); // a lone CR ends a line too, as in editors
  const where = `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId}`;
  assert.ok(f.line >= 1 && f.line <= lines.length, `${where}: line outside the file (${lines.length} lines)`);
  assert.ok(f.column >= 1 && f.column <= lines[f.line - 1].length + 1, `${where}: column outside line ${f.line}`);
  assert.ok(f.endLine >= f.line && f.endLine <= lines.length, `${where}: end line`);
  assert.ok(f.endLine > f.line || f.endColumn >= f.column, `${where}: end before start`);
  assert.ok(
    f.endColumn >= 1 && f.endColumn <= lines[f.endLine - 1].length + 1,
    `${where}: end column outside line ${f.endLine}`,
  );
}

export const SETTINGS = { defaultNamespace: 'default', nodePortRange: [30000, 32767] as [number, number] };
export const lintFiles = (files: SourceFile[]) => lint(files, { rules: RULES, settings: SETTINGS });

export const SERVICE_NOBODY =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: nobody\nspec:\n  selector:\n    app: nobody\n  ports:\n    - port: 80\n';
