/**
 * Helpers of the `connectivity`, `explain` and `diff` tests on the multi-namespace app of
 * test-fixtures/connectivity/shop: the commands run through the command table (COMMANDS) with an
 * in-memory io, the app's goldens, usage errors, and the connections derived by hand.
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { COMMANDS } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/main.js';
import { UsageError as CommandUsageError } from '../../src/cli/io.js';
import { assertGolden } from './golden.js';
import { ROOT, collector, tmp } from './util.js';

export const APP = path.join(ROOT, 'test-fixtures/connectivity/shop');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(
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

/** `actual` equals the golden file `file` of the app (UPDATE_GOLDEN=1 writes it). */
export function golden(file: string, actual: string): void {
  assertGolden(path.join(APP, file), actual);
}

export async function usageError(
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

/** A copy of `from` in a temporary folder, removed when the test process ends. */
export function tmpCopy(from: string): string {
  const dir = tmp({}, 'kube-netlint-conn-');
  cpSync(from, dir, { recursive: true });
  return dir;
}

export const lines = (s: string) => s.split('\n').filter((l) => l !== '');

/** The connections of the app, as derived by hand (README.md). */
export const EXPECTED = [
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
