/**
 * The command line: one dispatch table from a command's name to its module (src/cli/commands/).
 * Without a command name the arguments are lint's. Errors that end a run become one line on
 * stderr and exit code 2.
 */
import { terminalSafe } from '../format/escape.js';
import { BaselineError } from '../engine/baseline.js';
import { ConfigError } from '../engine/config.js';
import { OutputPathError } from '../load/out-path.js';
import { connectivity } from './commands/connectivity.js';
import { diff } from './commands/diff.js';
import { explain } from './commands/explain.js';
import { graph } from './commands/graph.js';
import { LINT_HELP, lintCommand, lintRun } from './commands/lint.js';
import { lsp } from './commands/lsp.js';
import { EXIT_FATAL, FatalError, UsageError } from './io.js';
import type { Command, Io } from './io.js';
import { OutputSpecError } from './outputs.js';

export type { Io } from './io.js';
export { EXIT_FATAL, EXIT_FINDINGS, EXIT_OK } from './io.js';

/** Every command by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  lint: lintCommand,
  connectivity,
  explain,
  diff,
  graph,
  lsp,
};

/** `kube-netlint --help`: lint's options, then every other command in a paragraph. */
function overview(): string {
  const others = Object.entries(COMMANDS)
    .filter(([name]) => name !== 'lint' && name !== 'lsp')
    .map(([, c]) => c.summary)
    .join('');
  return `${LINT_HELP}\nNetwork commands:\n${others}Each command has its own options: kube-netlint <command> --help.\n\n${lsp.summary}`;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const name = argv[0];
    if (name !== undefined && Object.hasOwn(COMMANDS, name)) return await COMMANDS[name].run(argv.slice(1), io);
    return await lintRun(argv, io, overview());
  } catch (e) {
    if (e instanceof UsageError || e instanceof OutputSpecError) {
      io.stderr.write(`kube-netlint: ${terminalSafe(e.message)}\nRun kube-netlint --help for usage.\n`);
      return EXIT_FATAL;
    }
    if (e instanceof ConfigError || e instanceof BaselineError || e instanceof OutputPathError || e instanceof FatalError) {
      io.stderr.write(`kube-netlint: ${terminalSafe(e.message)}\n`);
      return EXIT_FATAL;
    }
    const err = e as Error;
    io.stderr.write(`kube-netlint: internal error: ${err?.message ?? String(e)}\n`);
    if (debug && err?.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_FATAL;
  }
}
