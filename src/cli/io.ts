/**
 * What every command module shares: the process's streams (`Io`), exit codes, the errors that end
 * a run with exit code 2, argument parsing, and writing a report to `-o FILE` or stdout.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { makeDirs } from '../load/out-path.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FATAL = 2;

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A command, as the dispatch table of `main` knows it. */
export interface Command {
  /** Its paragraph in `kube-netlint --help` (its own `--help` says more). */
  summary: string;
  run(argv: string[], io: Io): Promise<number>;
}

/** A mistake in the command line: one line on stderr, a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** The run cannot go on (nothing to lint, a path that cannot be written): one line on stderr, exit code 2. */
export class FatalError extends Error {}

type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: T }>
>;
type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse a command's arguments; a parse error is a UsageError with the parser's first line. */
export function parseCommandLine<T extends Options>(argv: string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

export { packageJson } from '../util/package.js';

/** Write a report to `-o FILE` (creating its folder) or to stdout. */
export function write(io: Io, outFile: string | undefined, text: string): void {
  if (!outFile) {
    io.stdout.write(text);
    return;
  }
  const abs = path.resolve(io.cwd, outFile);
  makeDirs(path.dirname(abs));
  writeFileSync(abs, text);
}
