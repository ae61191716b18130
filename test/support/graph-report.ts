/**
 * Helpers of the network picture's tests (test/report/): the fixtures of test-fixtures/graph-report,
 * an in-memory io, a loaded version of a folder, goldens, and edges by id and by location.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadVersion } from '../../src/cli/graph.js';
import type { LoadedVersion } from '../../src/cli/graph.js';
import type { Io } from '../../src/cli/main.js';
import type { ReportData, ReportEdge } from '../../src/report/model.js';
import { assertGolden } from './golden.js';
import { ROOT, collector } from './util.js';

export const FIXTURES = path.join(ROOT, 'test-fixtures/graph-report');

export function io(cwd: string): Io & { out: () => string; err: () => string } {
  const out = collector();
  const err = collector();
  return {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([]),
    cwd,
    env: {},
    out: out.text,
    err: err.text,
  };
}

export async function load(dir: string, cwd = FIXTURES): Promise<LoadedVersion> {
  return loadVersion([dir], io(cwd), { 'no-config': true });
}

/** `actual` equals the golden file `file` under test-fixtures/graph-report (UPDATE_GOLDEN=1 writes it). */
export function golden(file: string, actual: string): void {
  assertGolden(path.join(FIXTURES, file), actual);
}

export const edgeMap = (d: ReportData) => new Map(d.edges.map((e) => [e.id, e]));
export const at = (e: ReportEdge | undefined) => (e?.at ? `${e.at.file}:${e.at.line}:${e.at.column}` : undefined);

/** Like assert.doesNotMatch, without printing a whole page. */
export function assertNo(text: string, re: RegExp, what: string): void {
  const m = re.exec(text);
  assert.ok(!m, `${what}: ${m ? text.slice(Math.max(0, m.index - 60), m.index + 60) : ''}`);
}

/** Text of the `<script>` elements and what lies outside them. */
export function scripts(html: string): { attrs: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1], body: m[2] }));
}
