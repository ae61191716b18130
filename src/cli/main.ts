/**
 * The command line: one dispatch table from a command's name to its module (src/cli/commands/).
 * Without a command name the arguments are lint's. Errors that end a run become one line on
 * stderr and exit code 2.
 */
import { terminalSafe } from '../format/escape.js';
import { BaselineError } from '../engine/baseline.js';
import { ConfigError } from '../engine/config.js';
import { OutputPathError } from '../load/out-path.js';
import { EXIT_FATAL, EXIT_OK, FatalError, UsageError, packageJson } from './io.js';
import type { Command, Io } from './io.js';
import { OutputSpecError } from './outputs.js';

export type { Io } from './io.js';
export { EXIT_FATAL, EXIT_FINDINGS, EXIT_OK } from './io.js';

/** The modules of the commands, loaded when used: a lint run loads none of the others. */
const LOADERS: Readonly<Record<string, () => Promise<Command>>> = {
  lint: async () => (await import('./commands/lint.js')).lintCommand,
  connectivity: async () => (await import('./commands/connectivity.js')).connectivity,
  explain: async () => (await import('./commands/explain.js')).explain,
  diff: async () => (await import('./commands/diff.js')).diff,
  graph: async () => (await import('./commands/graph.js')).graph,
  lsp: async () => (await import('./commands/lsp.js')).lsp,
};

/** A command whose module is loaded when it runs; its summary is only known once loaded. */
function lazy(load: () => Promise<Command>): Command {
  return { summary: '', run: async (argv, io) => (await load()).run(argv, io) };
}

/** Every command by name. */
export const COMMANDS: Readonly<Record<string, Command>> = Object.fromEntries(
  Object.entries(LOADERS).map(([name, load]) => [name, lazy(load)]),
);

/** `kube-netlint --help`: lint's options, then every other command in a paragraph. */
async function overview(): Promise<string> {
  const network = await Promise.all(['connectivity', 'explain', 'diff', 'graph'].map((name) => LOADERS[name]()));
  const lsp = await LOADERS.lsp();
  const { LINT_HELP } = await import('./commands/lint.js');
  const others = network.map((c) => c.summary).join('');
  return `${LINT_HELP}\nNetwork commands:\n${others}Each command has its own options: kube-netlint <command> --help.\n\n${lsp.summary}`;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const name = argv[0];
    if (name !== undefined && Object.hasOwn(COMMANDS, name)) return await COMMANDS[name].run(argv.slice(1), io);
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
      // The version alone needs no module of any command.
      io.stdout.write(`${packageJson().version}\n`);
      return EXIT_OK;
    }
    const help = argv.includes('--help') || argv.includes('-h');
    const { lintRun } = await import('./commands/lint.js');
    return await lintRun(argv, io, help ? await overview() : undefined);
  } catch (e) {
    if (e instanceof UsageError || e instanceof OutputSpecError) {
      io.stderr.write(`kube-netlint: ${terminalSafe(e.message)}\nRun kube-netlint --help for usage.\n`);
      return EXIT_FATAL;
    }
    if (
      e instanceof ConfigError ||
      e instanceof BaselineError ||
      e instanceof OutputPathError ||
      e instanceof FatalError
    ) {
      io.stderr.write(`kube-netlint: ${terminalSafe(e.message)}\n`);
      return EXIT_FATAL;
    }
    const err = e as Error;
    io.stderr.write(`kube-netlint: internal error: ${err?.message ?? String(e)}\n`);
    if (debug && err?.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_FATAL;
  }
}
