/**
 * The floor: read every manifest of a directory and parse it with plain js-yaml `loadAll`.
 * `node floor.js DIR [rounds]` prints the time of each round (the second and later rounds run
 * with warm code: the steady state).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import jsyaml from 'js-yaml';
import { globbySync } from 'globby';

const dir = process.argv[2];
const rounds = Number(process.argv[3] ?? 1);
const times: number[] = [];
let docs = 0;
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  docs = 0;
  for (const f of globbySync('**/*.{yaml,yml,json}', { cwd: dir, absolute: true })) {
    try {
      jsyaml.loadAll(readFileSync(f, 'utf8'), () => docs++);
    } catch {
      // Not YAML (a test fixture of yaml-syntax): the rest of the files still count.
    }
  }
  times.push(performance.now() - t0);
}
process.stdout.write(
  JSON.stringify({ docs, totalMs: times[0], rounds: times, maxRssMB: process.resourceUsage().maxRSS / 1024 }),
);
