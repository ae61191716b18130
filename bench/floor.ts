/** The floor: read every manifest of a directory and parse it with plain js-yaml `loadAll`. */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import jsyaml from 'js-yaml';
import { globbySync } from 'globby';

const dir = process.argv[2];
const t0 = performance.now();
let docs = 0;
for (const f of globbySync('**/*.{yaml,yml,json}', { cwd: dir, absolute: true })) {
  jsyaml.loadAll(readFileSync(f, 'utf8'), () => docs++);
}
process.stdout.write(JSON.stringify({ docs, totalMs: performance.now() - t0, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
