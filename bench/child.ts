/**
 * The lint pipeline in-process, phase by phase (run in its own process by bench/run): discovery,
 * reading and parsing (fast path, worker threads), model + graph + rules, JSON output.
 * `node child.js DIR [workers|auto] [cacheDir] [rounds]` prints one JSON line with the phase times
 * of the first round, the total of every round (later rounds run with warm code: the steady
 * state) and the peak RSS.
 */
import { performance } from 'node:perf_hooks';
import { RULES } from '../rules/index.js';
import { lint } from '../src/engine/runner.js';
import { defaultSettings } from '../src/engine/settings.js';
import { json } from '../src/format/json.js';
import { ParseCache } from '../src/load/cache.js';
import { loadInput } from '../src/load/input.js';
import { tuneTiering } from '../src/cli/tiering.js';

// V8 set as the command line sets it (bin/kube-netlint.js), so the figures are the CLI's.
tuneTiering();

const [dir, workersArg, cacheDir, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 1);
const workers = workersArg === 'auto' || workersArg === undefined ? undefined : Number(workersArg);

async function once() {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let t1 = t0;
  const cache = cacheDir ? ParseCache.open(cacheDir, 'bench') : undefined;
  // The road: discovery (with opening the cache) ends when the files are known, then reading and the cache's save.
  const { files } = await loadInput([dir], {
    cwd: process.cwd(),
    gitignore: false,
    workers,
    cache,
    onDiscovered: () => (t1 = performance.now()),
  });
  const t2 = performance.now();
  const result = lint(files, { rules: RULES, settings: defaultSettings() });
  const t3 = performance.now();
  const out = json(result.findings, {
    cwd: process.cwd(),
    color: false,
    rules: new Map(),
    summary: { files: files.length, objects: result.model.resources.length },
  });
  const t4 = performance.now();
  // CPU time of the round (user + system, every thread of the process).
  const cpu = process.cpuUsage(cpu0);
  return {
    objects: result.model.resources.length,
    findings: result.findings.length,
    objectsWithFinding: new Set(result.findings.map((f) => f.object).filter((o) => o !== null)).size,
    rules: [...new Set(result.findings.map((f) => f.ruleId))].sort(),
    discoverMs: t1 - t0,
    loadMs: t2 - t1,
    lintMs: t3 - t2,
    formatMs: t4 - t3,
    totalMs: t4 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    outputBytes: out.length,
  };
}

const first = await once();
const maxRssMB = process.resourceUsage().maxRSS / 1024;
const totals = [first.totalMs];
// (No forced collection between rounds: it would shrink the young generation, and each round
// would then pay for growing it again, which a long-running process does not.)
for (let r = 1; r < rounds; r++) totals.push((await once()).totalMs);
process.stdout.write(JSON.stringify({ ...first, rounds: totals, maxRssMB }));
