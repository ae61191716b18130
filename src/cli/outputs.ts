import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirs } from '../load/out-path.js';

/** One requested report: a format and where it goes (`undefined` = stdout). */
export interface OutputSpec {
  format: string;
  /** File path as given (relative to cwd), or undefined for stdout. */
  file?: string;
}

export class OutputSpecError extends Error {}

/**
 * Turn `--format` values (`name` or `name=path`, repeatable) and `-o` into output specs.
 * A bare name goes to `-o` if given, else to stdout; only one output may be that one.
 */
export function parseOutputs(
  formats: readonly string[] | undefined,
  outputFile: string | undefined,
  known: readonly string[],
): OutputSpec[] {
  const values = formats && formats.length ? formats : ['stylish'];
  const specs: OutputSpec[] = [];
  let bare = 0;
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    const file = eq < 0 ? undefined : v.slice(eq + 1);
    if (!known.includes(name)) throw new OutputSpecError(`unknown format "${name}" (available: ${known.join(', ')})`);
    if (file === '') throw new OutputSpecError(`--format ${v}: missing file name after "="`);
    if (file === undefined) bare++;
    specs.push({ format: name, file: file ?? outputFile });
  }
  if (bare > 1) {
    throw new OutputSpecError(
      `only one --format can go to ${outputFile ? `--output-file ${outputFile}` : 'stdout'}; write the others to files with --format <name>=<file>`,
    );
  }
  if (bare === 0 && outputFile !== undefined) {
    throw new OutputSpecError(`--output-file ${outputFile}: every --format already names its file (<name>=<file>)`);
  }
  const seen = new Map<string, string>();
  for (const s of specs) {
    if (s.file === undefined) continue;
    const key = path.resolve(s.file);
    const prev = seen.get(key);
    if (prev) throw new OutputSpecError(`formats ${prev} and ${s.format} both write to ${s.file}`);
    seen.set(key, s.format);
  }
  return specs;
}

/** Write a report file, creating its folder. Throws with the OS error code on failure. */
export function writeReport(cwd: string, file: string, text: string): void {
  const abs = path.resolve(cwd, file);
  makeDirs(path.dirname(abs));
  writeFileSync(abs, text);
}
