/**
 * The longest blocking step of the language server on a big document (a row of `npm run bench`):
 * one open file of 100,000 small objects (about 13 MB), linted in steps; the time between two
 * turns of the event loop, longest, while the open and an edit near its top are parsed, and
 * while the whole lint runs (model, rules, publish). In process, debounce 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Workspace } from '../src/lsp/workspace.js';

/** 100,000 objects (Services without selector, ConfigMaps): about 13 MB, few findings. */
export function bigDocument(objects = 100_000): string {
  const parts: string[] = [];
  for (let i = 0; i < objects; i++) {
    parts.push(
      i % 2 === 0
        ? `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: ns-${i % 50}\nspec:\n  clusterIP: None\n  ports:\n    - name: http\n      port: 80\n`
        : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ns-${i % 50}\ndata:\n  key: value-${i}\n`,
    );
  }
  return parts.join('---\n');
}

export interface Blocking {
  /** Longest gap between event-loop turns while the text was parsed, and over the whole lint (ms). */
  parse: number;
  lint: number;
  totalMs: number;
}

/** Open the document, then edit near its top; the longest gaps of each lint. */
export async function bigDocumentBlocking(
  objects = 100_000,
): Promise<{ chars: number; open: Blocking; edit: Blocking }> {
  const text = bigDocument(objects);
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-lsp-big-'));
  let linted = 0;
  let parsing = true;
  let current = '';
  const ws = new Workspace(
    {
      publish: () => undefined,
      // The timing line comes when a lint has published (whether or not anything changed).
      log: (m) => {
        if (/^lint .*: 1 files/.test(m)) linted++;
      },
      warn: () => undefined,
    },
    { debounceMs: 0, timing: true },
  );
  let last = performance.now();
  let gaps = { parse: 0, lint: 0 };
  let running = true;
  const tick = () => {
    const now = performance.now();
    const gap = now - last;
    last = now;
    // A gap counts for the parse when the parse was not over at its start.
    if (parsing) gaps.parse = Math.max(gaps.parse, gap);
    if ([...ws.overlays.values()][0]?.parsed?.text === current) parsing = false;
    gaps.lint = Math.max(gaps.lint, gap);
    if (running) setImmediate(tick);
  };
  try {
    await ws.addFolder(dir);
    const uri = pathToFileURL(path.join(dir, 'big.yaml')).href;
    const run = async (version: number, t: string): Promise<Blocking> => {
      gaps = { parse: 0, lint: 0 };
      parsing = true;
      current = t;
      const t0 = performance.now();
      last = t0;
      const done = linted + 1;
      ws.setDocument(uri, 'yaml', version, t);
      while (linted < done) {
        // The parse is over once the open buffer holds this text's parse.
        await new Promise((r) => setTimeout(r, 1));
      }
      return { ...gaps, totalMs: performance.now() - t0 };
    };
    setImmediate(tick);
    const open = await run(1, text);
    const edit = await run(2, text.replace('name: svc-2\n', 'name: svc-2x\n'));
    return { chars: text.length, open, edit };
  } finally {
    running = false;
    ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench row. */
export async function benchLspBig(objects = 100_000): Promise<void> {
  const r = await bigDocumentBlocking(objects);
  console.log(
    `\nlanguage server, one open document of ${objects.toLocaleString('en-US')} objects (${(r.chars / 1e6).toFixed(1)} MB): longest blocking step (ms, between event-loop turns)`,
  );
  for (const [what, b] of [
    ['open', r.open],
    ['edit near the top', r.edit],
  ] as const)
    console.log(
      `  ${what.padEnd(18)} parse ${b.parse.toFixed(0).padStart(6)}   whole lint ${b.lint.toFixed(0).padStart(6)}   (to publish ${b.totalMs.toFixed(0)} ms)`,
    );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLspBig(Number(process.argv[2]) || 100_000);
}
