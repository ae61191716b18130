#!/usr/bin/env node
import module from 'node:module';

// Node.js 22.1 and later keep the compiled code of the modules on disk, so later runs start faster
// (about a third of a small run is loading code). A no-op where it is not available.
try {
  module.enableCompileCache?.();
} catch {
  // a cache directory that cannot be written: run without it
}

const argv = process.argv.slice(2);

// A reader that goes away (`kube-netlint … | head`) is not an error of ours: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

if (argv[0] === 'lsp') {
  // `kube-netlint lsp [--stdio]`: the language server; stdout carries JSON-RPC only.
  const { runLanguageServer } = await import('../dist/src/lsp/server.js');
  const code = runLanguageServer(argv.slice(1));
  if (code !== undefined) process.exitCode = code;
} else {
  const { main } = await import('../dist/src/cli/main.js');
  process.exitCode = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
  });
}
