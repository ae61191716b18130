/**
 * Helpers shared by the test files: where the repository is, temporary folders that are removed
 * when the test process ends, the CLI as a child process and in this process, and output sinks.
 * Test files import these instead of keeping copies of their own.
 */
import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { JsonFinding } from '../../src/format/json.js';

/** The repository root (this file runs as dist/test/support/util.js). */
export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BIN = path.join(ROOT, 'bin/kube-netlint.js');
export const FIXTURES = path.join(ROOT, 'test-fixtures');

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Standard input (default: empty). */
  input?: string | Buffer;
  /** A file descriptor to use as standard input instead of `input`. */
  stdinFd?: number;
  /** Variables added to the environment; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** A hang guard, never the thing under test (default 60 s). */
  timeout?: number;
}

/** The environment of a child run: this one's, without colour switches, plus `extra`. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

/** One run of the real program (bin/kube-netlint.js) in a child process. */
export function cli(args: string[], opts: CliOptions = {}): Run {
  const o: SpawnSyncOptions = {
    cwd: opts.cwd ?? ROOT,
    env: childEnv(opts.env),
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  };
  if (opts.stdinFd !== undefined) o.stdio = [opts.stdinFd, 'pipe', 'pipe'];
  else o.input = opts.input ?? '';
  const r = spawnSync(process.execPath, [BIN, ...args], o);
  return { status: r.status, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** A writable stream that keeps what is written to it, and how many writes it took. */
export function collector(): { stream: Writable; text: () => string; writes: () => number } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      cb();
    },
  });
  return { stream, text: () => chunks.join(''), writes: () => chunks.length };
}

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * One command of the command table (COMMANDS) run in this process with an in-memory io: exit code
 * and output. A usage error is thrown, as the command throws it.
 */
export async function runCommand(command: string, args: string[], cwd: string, stdin?: string): Promise<InProcessRun> {
  const { COMMANDS } = await import('../../src/cli/main.js');
  const out = collector();
  const err = collector();
  const io = {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]),
    cwd,
    env: {},
  };
  const code = await COMMANDS[command].run(args, io);
  return { code, stdout: out.text(), stderr: err.text() };
}

/** One run of the CLI in this process (no start-up cost): exit code and output. */
export async function inProcess(
  args: string[],
  opts: { cwd?: string; stdin?: string | Buffer; env?: Record<string, string | undefined> } = {},
): Promise<InProcessRun> {
  const { main } = await import('../../src/cli/main.js');
  const out = collector();
  const err = collector();
  const stdin = Readable.from([Buffer.from(opts.stdin ?? '')]);
  const code = await main(args, {
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

const tmpRoots: string[] = [];
process.on('exit', () => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

/** Write `files` (relative names, folders made as needed) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** A new temporary folder holding `files`, removed when the test process ends. */
export function tmp(files: Record<string, string | Buffer> = {}, prefix = 'kube-netlint-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tmpRoots.push(dir);
  writeFiles(dir, files);
  return dir;
}

/** The findings of a `--format json` output. */
export const findingsOf = (stdout: string): JsonFinding[] =>
  (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;

/** Every manifest file (.yaml, .yml, .json) under `dir`, in name order. */
export function* manifests(dir: string): Generator<string> {
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) yield* manifests(p);
    else if (/\.(ya?ml|json)$/.test(e)) yield p;
  }
}

/** `p`, or a rejection naming `what` when it does not settle within `ms` (a hang guard). */
export function within<T>(p: Promise<T>, what: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

/** The `kube-netlint: warning: …` lines of a standard error text. */
export const warningLines = (stderr: string): string[] =>
  stderr.split('\n').filter((l) => l.startsWith('kube-netlint: warning: '));

/** One YAML document (JSON is YAML) of `o`, with its separator. */
export const doc = (o: unknown): string => `---\n${JSON.stringify(o)}\n`;
