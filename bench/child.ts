/** One measured run of the lint pipeline on a directory (run in its own process by bench/run). */
import { performance } from 'node:perf_hooks';
import { RULES } from '../rules/index.js';
import { lint } from '../src/engine/runner.js';
import { json } from '../src/format/json.js';
import { discover } from '../src/load/discover.js';
import { loadFiles } from '../src/load/load.js';

const dir = process.argv[2];
const t0 = performance.now();
const found = await discover([dir], { cwd: process.cwd(), ignore: [], gitignore: false });
const { files } = await loadFiles(found.files, process.cwd());
const t1 = performance.now();
const result = lint(files, { rules: RULES, settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] } });
const t2 = performance.now();
const out = json(result.findings, {
  cwd: process.cwd(),
  color: false,
  rules: new Map(),
  summary: { files: files.length, objects: result.model.resources.length },
});
const t3 = performance.now();
process.stdout.write(
  JSON.stringify({
    objects: result.model.resources.length,
    findings: result.findings.length,
    loadMs: t1 - t0,
    lintMs: t2 - t1,
    formatMs: t3 - t2,
    totalMs: t3 - t0,
    outputBytes: out.length,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
