/**
 * `npm run bench`: generate clusters of 1k, 10k and 100k objects and time the whole lint
 * pipeline (discovery, reading, parsing with positions, model, graph, rules, JSON output) on each,
 * each size in a fresh process so peak memory is its own. Sizes can be given as arguments:
 * `node dist/bench/run.js 1000 5000`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from './generate.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1_000, 10_000, 100_000);

const child = path.join(import.meta.dirname, 'child.js');
const rows: string[][] = [['objects', 'files', 'MB', 'load+parse s', 'model+graph+rules s', 'total s', 'objects/s', 'µs/object', 'findings', 'peak RSS MB']];
for (const n of sizes) {
  const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-bench-'));
  try {
    const g = generate(path.join(root, 'cluster'), n);
    const out = execFileSync(process.execPath, ['--max-old-space-size=8192', child, g.dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const r = JSON.parse(out) as { objects: number; findings: number; loadMs: number; lintMs: number; totalMs: number; maxRssMB: number };
    rows.push([
      String(r.objects),
      String(g.files),
      (g.bytes / 1e6).toFixed(1),
      (r.loadMs / 1000).toFixed(2),
      (r.lintMs / 1000).toFixed(2),
      (r.totalMs / 1000).toFixed(2),
      Math.round(r.objects / (r.totalMs / 1000)).toLocaleString('en-US'),
      ((r.totalMs * 1000) / r.objects).toFixed(0),
      String(r.findings),
      r.maxRssMB.toFixed(0),
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log(`kube-netlint benchmark (node ${process.version}, ${process.platform}/${process.arch})`);
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '));
