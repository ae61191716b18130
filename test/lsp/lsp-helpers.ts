/** Helpers of the language server's workspace tests: temporary folders, a recording host, waiting. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { Workspace } from '../../src/lsp/workspace.js';
import type { WorkspaceHost } from '../../src/lsp/workspace.js';

import { tmp } from '../support/util.js';

export { tmp };

export function write(dir: string, name: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), text);
}
export class Host implements WorkspaceHost {
  /** Last diagnostics per URI, and every publish in order. */
  readonly current = new Map<string, Diagnostic[]>();
  readonly publishes: { uri: string; diagnostics: Diagnostic[]; version?: number }[] = [];
  readonly logs: string[] = [];
  readonly warnings: string[] = [];
  publish(uri: string, diagnostics: Diagnostic[], version?: number): void {
    this.current.set(uri, diagnostics);
    this.publishes.push({ uri, diagnostics, version });
  }
  log(m: string): void {
    this.logs.push(m);
  }
  warn(m: string): void {
    this.warnings.push(m);
  }
  codes(uri: string): string[] {
    return (this.current.get(uri) ?? []).map((d) => String(d.code));
  }
}

export const uri = (dir: string, name: string) => pathToFileURL(path.join(dir, name)).href;

export async function setup(files: Record<string, string>): Promise<{ dir: string; host: Host; ws: Workspace }> {
  const dir = tmp(files);
  const host = new Host();
  const ws = new Workspace(host, { debounceMs: 0, documentChanges: true });
  await ws.addFolder(dir);
  ws.flush();
  return { dir, host, ws };
}

/** Wait for a condition the workspace reaches asynchronously (file reads), flushing lints. */
export async function until(what: string, ws: Workspace, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    // Not unref()ed: the poll itself keeps the test alive until the deadline.
    await new Promise((r) => setTimeout(r, 5));
    ws.flush();
  }
}

export const deployment = (name: string, port = 'http') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: main
          image: nginx
          ports:
            - name: ${port}
              containerPort: 8080
`;

export const service = (name: string, targetPort = 'http') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
    - port: 80
      targetPort: ${targetPort}
`;
