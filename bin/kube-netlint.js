#!/usr/bin/env node
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { URL } from 'node:url';

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

/**
 * The command line as one bundle (`npm run build`, scripts/bundle.ts) when it is at least as new
 * as the compiled modules it was made from; else those modules.
 */
function cliModule() {
  const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
  const bundled = new URL('../dist/src/bundle/main.js', import.meta.url);
  try {
    if (statSync(bundled).mtimeMs >= statSync(compiled).mtimeMs) return bundled.href;
  } catch {
    // no bundle (or no compiled module): the compiled modules
  }
  return compiled.href;
}

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  // The version alone needs no module of ours.
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else if (argv[0] === 'lsp') {
  // `kube-netlint lsp [--stdio]`: the language server; stdout carries JSON-RPC only.
  const { runLanguageServer } = await import('../dist/src/lsp/server.js');
  const code = runLanguageServer(argv.slice(1));
  if (code !== undefined) process.exitCode = code;
} else {
  // V8's optimising compiler set for a run that ends soon (src/cli/tiering.ts).
  (await import('../dist/src/cli/tiering.js')).tuneTiering();
  const { main } = await import(cliModule());
  process.exitCode = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
  });
}
