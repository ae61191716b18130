/** `kube-netlint lsp`: the language server over stdio (bin/kube-netlint.js starts it before anything writes to stdout). */
import type { Command, Io } from '../io.js';

const SUMMARY = `kube-netlint lsp [--stdio]
    The language server (diagnostics, quick fixes) over stdio; see docs/editors.md.
`;

async function run(argv: string[], io: Io): Promise<number> {
  // Loaded on demand: lint runs do not need the protocol library. It has its own --help.
  const { runLanguageServer } = await import('../../lsp/server.js');
  return runLanguageServer(argv, io) ?? 0;
}

export const lsp: Command = { summary: SUMMARY, run };
