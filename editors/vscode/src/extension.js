// kube-netlint for VS Code: starts `kube-netlint lsp --stdio` and lets vscode-languageclient do
// the rest (diagnostics, quick fixes, file watching). CommonJS; bundled with its dependencies into
// out/extension.js by esbuild (`npm run bundle`, run by `vsce package`).
/* global require, module, process */
'use strict';

/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
/* eslint-enable @typescript-eslint/no-require-imports */

/** @type {import('vscode-languageclient/node').LanguageClient | undefined} */
let client;

/**
 * How to start the server: the `kube-netlint.path` setting, else the workspace's own
 * node_modules/kube-netlint (run with VS Code's Node.js), else `kube-netlint` on the PATH.
 * @returns {import('vscode-languageclient/node').ServerOptions}
 */
function serverOptions() {
  const config = vscode.workspace.getConfiguration('kube-netlint');
  const configured = config.get('path');
  if (configured) {
    return { command: configured, args: ['lsp', '--stdio'], options: { shell: process.platform === 'win32' } };
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const bin = path.join(folder.uri.fsPath, 'node_modules', 'kube-netlint', 'bin', 'kube-netlint.js');
    if (fs.existsSync(bin)) {
      // A node module with stdio transport: the client adds --stdio (and --clientProcessId).
      return { module: bin, args: ['lsp'], transport: TransportKind.stdio };
    }
  }
  return { command: 'kube-netlint', args: ['lsp', '--stdio'], options: { shell: process.platform === 'win32' } };
}

async function start(context) {
  const config = vscode.workspace.getConfiguration('kube-netlint');
  client = new LanguageClient('kube-netlint', 'kube-netlint', serverOptions(), {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'untitled', language: 'json' },
    ],
    initializationOptions: { debounce: config.get('debounce', 150) },
    // Sends the `kube-netlint` settings section on change (the server reads `debounce`).
    synchronize: { configurationSection: 'kube-netlint' },
  });
  context.subscriptions.push(client);
  await client.start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('kube-netlint.restartServer', async () => {
      if (client) {
        await client.stop().catch(() => undefined);
        client = undefined;
      }
      await start(context);
    }),
  );
  try {
    await start(context);
  } catch (e) {
    void vscode.window.showErrorMessage(
      `kube-netlint: cannot start the language server (${e && e.message ? e.message : e}). ` +
        'Install kube-netlint in the workspace (npm i -D kube-netlint) or set "kube-netlint.path".',
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
