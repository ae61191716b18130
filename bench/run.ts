/**
 * `npm run bench`: for generated clusters of 1k, 10k and 100k objects, the js-yaml floor (read
 * and `loadAll` every file) against the whole kube-netlint pipeline (discovery, reading and
 * parsing with exact positions, model, graph, rules, JSON output), each in a fresh process so
 * peak memory is its own; then a re-run with a warm --cache; then `connectivity` on 1k and 10k
 * workloads with 1k NetworkPolicies. Sizes can be given: `node dist/bench/run.js 1000 5000`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from './generate.js';
import { generateNet } from './netgen.js';

const args = process.argv.slice(2);
const sizes = args.map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1_000, 10_000, 100_000);
const here = import.meta.dirname;
const node = (script: string, ...a: string[]) =>
  JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=8192', path.join(here, script), ...a], { encoding: 'utf8', maxBuffer: 1 << 30 }));

const table = (rows: string[][]) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '));
};
const s = (ms: number) => (ms / 1000).toFixed(2);

console.log(`kube-netlint benchmark (node ${process.version}, ${process.platform}/${process.arch})\n`);
const rows = [['objects', 'files', 'MB', 'js-yaml s', 'kube-netlint s', 'ratio', 'load s', 'lint s', 'objects/s', 'µs/object', 'findings', 'peak RSS MB', 'cached s', 'cached ratio']];
for (const n of sizes) {
  const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-bench-'));
  try {
    const g = generate(path.join(root, 'cluster'), n);
    const floor = node('floor.js', g.dir);
    const run = node('child.js', g.dir, 'auto');
    const cacheDir = path.join(root, 'cache');
    const cold = node('child.js', g.dir, 'auto', cacheDir);
    const warm = node('child.js', g.dir, 'auto', cacheDir);
    rows.push([
      String(run.objects),
      String(g.files),
      (g.bytes / 1e6).toFixed(1),
      s(floor.totalMs),
      s(run.totalMs),
      (run.totalMs / floor.totalMs).toFixed(2),
      s(run.loadMs),
      s(run.lintMs),
      Math.round(run.objects / (run.totalMs / 1000)).toLocaleString('en-US'),
      ((run.totalMs * 1000) / run.objects).toFixed(0),
      String(run.findings),
      run.maxRssMB.toFixed(0),
      s(warm.totalMs),
      (warm.totalMs / cold.totalMs).toFixed(2),
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
table(rows);

console.log('\nconnectivity (1k NetworkPolicies)');
const net = [['workloads', 'policies', 'pairs', 'setup s', 'connectivity s', 'µs/pair', 'peak RSS MB']];
for (const w of [1_000, 10_000]) {
  const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-net-'));
  try {
    generateNet(root, w, 1_000);
    const r = node('netchild.js', root);
    net.push([String(r.workloads), String(r.policies), String(r.pairs), s(r.setupMs), s(r.connectivityMs), ((r.connectivityMs * 1000) / Math.max(1, r.pairs)).toFixed(1), r.maxRssMB.toFixed(0)]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
table(net);
