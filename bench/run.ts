/**
 * `npm run bench`. For generated clusters of 1k, 10k and 100k objects:
 * - the floor: a process that reads every file and parses it with plain js-yaml `loadAll`;
 * - kube-netlint end to end: the real CLI (`kube-netlint --format json DIR`) in its own process,
 *   timed from spawn to exit, with its peak RSS; then a cold and a warm run with `--cache`;
 * - the in-process phases (load, lint) and the steady state: the same pipeline run again in the
 *   same process (up to 20 rounds on small inputs) once its code is warm, the fastest round kept:
 *   time per object without the one-time costs of starting a process (module loading, JIT
 *   compilation), for js-yaml and kube-netlint alike.
 * - where a warm `--cache` run spends its time: the same phases in-process, the second run on one cache;
 * - the fixed cost of a run: the CLI on a folder with one small manifest.
 * Each measurement is repeated (`--repeat N`, default 3) and the fastest run is kept, for the
 * floor and for kube-netlint alike, so the ratio holds on a shared machine.
 * Then `connectivity` on 1k and 10k workloads with 1k NetworkPolicies, and on 10k workloads with
 * 1k NetworkPolicies plus 100 admin-tier and 200 Cilium policies.
 * Then `connectivity` on 2k workloads without policies (every pair written as computed: time and peak RSS).
 * Sizes can be given: `node dist/bench/run.js 1000 5000 --repeat 5`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate } from './generate.js';
import { generateNet } from './netgen.js';
import { generateClean, generateFindings } from './findings.js';
import { measureStartup } from './startup.js';
import { RULES } from '../rules/index.js';
import { benchLsp } from './lsp.js';

const args = process.argv.slice(2);
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Math.max(1, Number(args.splice(repeatAt, 2)[1])) : 3;
// `--only clean,findings,startup,network,open,lsp`: some sections (all by default).
const onlyAt = args.indexOf('--only');
const only = new Set(
  onlyAt >= 0 ? args.splice(onlyAt, 2)[1].split(',') : ['clean', 'findings', 'startup', 'network', 'open', 'lsp'],
);
const sizes = args.map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1_000, 10_000, 100_000);
const here = import.meta.dirname;
const cli = path.join(here, '..', '..', 'bin', 'kube-netlint.js');
const NODE = [process.execPath, '--max-old-space-size=8192'];

/** A script of this folder in its own process; its JSON output. */
const node = (script: string, ...a: string[]) =>
  JSON.parse(
    execFileSync(NODE[0], [...NODE.slice(1), path.join(here, script), ...a], { encoding: 'utf8', maxBuffer: 1 << 30 }),
  );

/** Wall time of a process from spawn to exit (ms), and its peak RSS (MB). */
function timed(argv: string[]): {
  ms: number;
  cpuMs: number;
  rssMB: number;
  status: number | null;
  stdoutBytes: number;
} {
  const rssFile = path.join(tmpdir(), `kube-netlint-bench-rss-${process.pid}`);
  const cpuFile = path.join(tmpdir(), `kube-netlint-bench-cpu-${process.pid}`);
  const t0 = performance.now();
  const r = spawnSync(NODE[0], [...NODE.slice(1), '--import', path.join(here, 'rss.js'), ...argv], {
    env: { ...process.env, KUBE_NETLINT_BENCH_RSS: rssFile, KUBE_NETLINT_BENCH_CPU: cpuFile },
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited with ${r.status}: ${r.stderr}`);
  const rssMB = Number(readFileSync(rssFile, 'utf8'));
  const cpuMs = Number(readFileSync(cpuFile, 'utf8'));
  rmSync(rssFile, { force: true });
  rmSync(cpuFile, { force: true });
  return { ms, cpuMs, rssMB, status: r.status, stdoutBytes: r.stdout.length };
}

const table = (rows: string[][]) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '));
};
const s = (ms: number) => (ms / 1000).toFixed(2);
const min = (xs: number[]) => Math.min(...xs);
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;

/**
 * The findings-heavy corpus (bench/findings.ts) and its twins at each size, in CPU time (user +
 * system, every thread): on a shared machine it moves far less than wall time, which also counts
 * waiting for a core. The js-yaml floor and the CLI end to end (spawn to exit) on the corpus and
 * on the clean twin (the wall-time ratio too); and the cost of a finding: the in-process run
 * (reading, model, rules, JSON) of the corpus less that of the clean twin, per finding (which also
 * counts what the fixtures' objects cost beyond their findings: their policies, for one). A twin
 * without the planted faults (`generateFindings(dir, n, false)`) would isolate the planted ones, but
 * their cost is within the run-to-run noise of a shared machine.
 */
function findingsSection(): void {
  const out = [
    [
      'objects',
      'files',
      'MB',
      'findings',
      'objects with a finding',
      'rules',
      'js-yaml s',
      'kube-netlint s',
      'ratio',
      'wall ratio',
      'clean js-yaml s',
      'clean s',
      'clean ratio',
      'clean wall ratio',
      'µs/finding',
    ],
  ];
  type Child = { cpuMs: number; findings: number; objects: number; objectsWithFinding: number; rules: string[] };
  const fastest = (runs: Child[]) => runs.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
  type Timed = ReturnType<typeof timed>;
  const cpu = (runs: Timed[]) => min(runs.map((r) => r.cpuMs));
  const wall = (runs: Timed[]) => min(runs.map((r) => r.ms));
  for (const n of sizes) {
    const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-findings-'));
    try {
      const g = generateFindings(path.join(root, 'findings'), n);
      const c = generateClean(path.join(root, 'clean'), n);
      const lint = (dir: string) => [cli, '--no-config', '--format', 'json', '--max-input-bytes', '1024M', dir];
      const floorF: Timed[] = [];
      const floorC: Timed[] = [];
      const runF: Timed[] = [];
      const runC: Timed[] = [];
      const inF: Child[] = [];
      const inC: Child[] = [];
      for (let i = 0; i < repeat; i++) {
        // Alternated, so a busy moment of the machine weighs on all of them.
        floorF.push(timed([path.join(here, 'floor.js'), g.dir]));
        runF.push(timed(lint(g.dir)));
        floorC.push(timed([path.join(here, 'floor.js'), c.dir]));
        runC.push(timed(lint(c.dir)));
        inF.push(node('child.js', g.dir, 'auto', '', '1'));
        inC.push(node('child.js', c.dir, 'auto', '', '1'));
      }
      const f = fastest(inF);
      const clean = fastest(inC);
      out.push([
        String(f.objects),
        String(g.files),
        (g.bytes / 1e6).toFixed(1),
        String(f.findings),
        `${((100 * f.objectsWithFinding) / f.objects).toFixed(1)}%`,
        `${f.rules.length}/${RULES.length}`,
        s(cpu(floorF)),
        s(cpu(runF)),
        (cpu(runF) / cpu(floorF)).toFixed(2),
        (wall(runF) / wall(floorF)).toFixed(2),
        s(cpu(floorC)),
        s(cpu(runC)),
        (cpu(runC) / cpu(floorC)).toFixed(2),
        (wall(runC) / wall(floorC)).toFixed(2),
        (((f.cpuMs - clean.cpuMs) * 1000) / Math.max(1, f.findings - clean.findings)).toFixed(0),
      ]);
      const missing = RULES.map((r) => r.meta.id).filter((id) => !f.rules.includes(id));
      if (missing.length) console.log(`(${n} objects: no finding of ${missing.join(', ')})`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  console.log(
    "findings-heavy corpus (one app in four with a planted fault, plus every rule's invalid test fixtures) and its clean twin (as many objects, no finding), CPU time:",
  );
  table(out);
  console.log(
    '(kube-netlint s: CPU time (user + system, all threads) of `kube-netlint --no-config --format json DIR`; js-yaml s: that of',
  );
  console.log(
    ' js-yaml loadAll of the same files; ratio = kube-netlint / js-yaml; wall ratio: the same in wall time, spawn to exit;',
  );
  console.log(
    ' µs/finding: CPU time of the in-process read + lint + JSON of the corpus less that of the clean twin, per finding;',
  );
  console.log(' this counts all that the findings-heavy input costs more: findings, and the policies of the fixtures)');
}

console.log(
  `kube-netlint benchmark (node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model.trim()}, fastest of ${repeat} runs)\n`,
);

if (only.has('startup')) {
  const runs = Math.max(9, repeat * 3);
  const st = measureStartup(cli, runs);
  console.log(`start-up, CPU time (user + system) of a process, median of ${runs}:`);
  table([
    ['command', 'CPU ms', 'ratio'],
    ['node -e 0', st.nodeMs.toFixed(0), '1.00'],
    ['kube-netlint --version', st.versionMs.toFixed(0), (st.versionMs / st.nodeMs).toFixed(2)],
    ['kube-netlint one.yaml', st.oneFileMs.toFixed(0), (st.oneFileMs / st.nodeMs).toFixed(2)],
  ]);
  console.log('(one.yaml: a Deployment and its Service, the pre-commit case; ratio = against node -e 0)\n');
}

if (only.has('findings')) {
  findingsSection();
  console.log('');
}
if (only.has('clean')) {
  const rows = [
    [
      'objects',
      'files',
      'MB',
      'js-yaml s',
      'kube-netlint s',
      'ratio',
      'objects/s',
      'µs/object',
      'peak RSS MB',
      'load s',
      'lint s',
      'findings',
      'cached s',
      'cached ratio',
    ],
  ];
  const steadyRows = [['objects', 'js-yaml µs/object', 'kube-netlint µs/object', 'ratio']];
  const perObject: { cold: number; steady: number; floorSteady: number }[] = [];
  const warmRows = [
    ['objects', 'discover s', 'read+cache s', 'model+graph+rules s', 'format s', 'in-process s', 'cold load s'],
  ];
  for (const n of sizes) {
    const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-bench-'));
    try {
      const g = generate(path.join(root, 'cluster'), n);
      const floor: number[] = [];
      const run: { ms: number; rssMB: number }[] = [];
      const cold: number[] = [];
      const warm: number[] = [];
      const lintArgs = [cli, '--format', 'json', '--max-input-bytes', '1024M', g.dir];
      for (let i = 0; i < repeat; i++) {
        floor.push(timed([path.join(here, 'floor.js'), g.dir]).ms);
        run.push(timed(lintArgs));
        const cacheDir = path.join(root, `cache-${i}`);
        cold.push(timed([...lintArgs, '--cache-location', cacheDir]).ms);
        warm.push(timed([...lintArgs, '--cache-location', cacheDir]).ms);
      }
      // Phases and steady state, in-process (fastest of the repeats as well).
      // Enough rounds for the code to be warm (the JIT needs several runs over a small input).
      const rounds = String(Math.max(2, Math.min(20, Math.ceil(100_000 / n))));
      const phases = Array.from({ length: repeat }, () => node('child.js', g.dir, 'auto', '', rounds));
      const floorIn = Array.from({ length: repeat }, () => node('floor.js', g.dir, rounds));
      const best = phases.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
      // A warm --cache run, phase by phase: the first run of each pair fills the cache.
      const warmPhases = Array.from({ length: repeat }, (_, i) => {
        const dir = path.join(root, `cache-phases-${i}`);
        node('child.js', g.dir, 'auto', dir, '1');
        return node('child.js', g.dir, 'auto', dir, '1');
      }).reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
      warmRows.push([
        String(best.objects),
        s(warmPhases.discoverMs),
        s(warmPhases.loadMs),
        s(warmPhases.lintMs),
        s(warmPhases.formatMs),
        s(warmPhases.totalMs),
        s(best.loadMs),
      ]);
      const fastest = run.reduce((a, b) => (b.ms < a.ms ? b : a));
      const steady = min(phases.flatMap((p) => p.rounds.slice(1)));
      const floorSteady = min(floorIn.flatMap((p) => p.rounds.slice(1)));
      perObject.push({
        cold: (fastest.ms * 1000) / n,
        steady: (steady * 1000) / n,
        floorSteady: (floorSteady * 1000) / n,
      });
      rows.push([
        String(best.objects),
        String(g.files),
        (g.bytes / 1e6).toFixed(1),
        s(min(floor)),
        s(fastest.ms),
        (fastest.ms / min(floor)).toFixed(2),
        Math.round(best.objects / (fastest.ms / 1000)).toLocaleString('en-US'),
        ((fastest.ms * 1000) / best.objects).toFixed(0),
        fastest.rssMB.toFixed(0),
        s(best.loadMs),
        s(best.lintMs),
        String(best.findings),
        s(min(warm)),
        (min(warm) / min(cold)).toFixed(2),
      ]);
      steadyRows.push([
        String(best.objects),
        ((floorSteady * 1000) / n).toFixed(1),
        ((steady * 1000) / n).toFixed(1),
        (steady / floorSteady).toFixed(2),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  table(rows);
  console.log(
    '(kube-netlint s: the CLI `kube-netlint --format json DIR`, spawn to exit; js-yaml s: a process that reads and',
  );
  console.log(
    ' loadAll-s every file; ratio = kube-netlint / js-yaml; cached ratio = warm --cache run / cold --cache run)',
  );

  const empty = mkdtempSync(path.join(tmpdir(), 'kube-netlint-one-'));
  try {
    writeFileSync(path.join(empty, 'one.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n');
    const fixed = min(Array.from({ length: repeat }, () => timed([cli, '--format', 'json', empty]).ms));
    console.log(
      `fixed cost of a run (the CLI on a folder with one small manifest: start Node, load modules, walk, report): ${s(fixed)} s`,
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }

  console.log(
    '\nwarm --cache run, in-process phases (fastest of the repeats; cold load s: the load phase without a cache)',
  );
  table(warmRows);

  console.log(
    '\nsteady state (the same run repeated in a warm process, fastest round: time per object without start-up costs)',
  );
  table(steadyRows);
  if (perObject.length > 1) {
    const spread = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      return `${pct(sorted[0] / median - 1)} / ${pct(sorted[sorted.length - 1] / median - 1)} around the median`;
    };
    console.log(
      `time per object from ${sizes[0]} to ${sizes[sizes.length - 1]} objects: steady ${spread(perObject.map((p) => p.steady))};` +
        ` end to end ${spread(perObject.map((p) => p.cold))}; js-yaml steady ${spread(perObject.map((p) => p.floorSteady))}`,
    );
  }
}

if (only.has('network')) {
  console.log(
    '\nconnectivity (1k NetworkPolicies, then also 100 admin-tier and 200 Cilium policies; setup and connectivity in-process, CLI: `kube-netlint connectivity --format json DIR`, spawn to exit)',
  );
  const net = [
    [
      'workloads',
      'policies',
      'admin-tier',
      'Cilium',
      'pairs',
      'setup s',
      'connectivity s',
      'µs/pair',
      'peak RSS MB',
      'CLI s',
      'CLI peak RSS MB',
    ],
  ];
  for (const [w, tiers] of [
    [1_000, { admin: 0, cilium: 0 }],
    [10_000, { admin: 0, cilium: 0 }],
    [10_000, { admin: 100, cilium: 200 }],
  ] as const) {
    const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-net-'));
    try {
      generateNet(root, w, 1_000, 7, tiers);
      const r = node('netchild.js', root);
      // The real command, spawn to exit: reading, the model, the engine and the JSON answer.
      const cliRuns = Array.from({ length: repeat }, () => timed([cli, 'connectivity', '--format', 'json', root]));
      const c = cliRuns.reduce((a, b) => (b.ms < a.ms ? b : a));
      net.push([
        String(r.workloads),
        String(r.policies),
        String(r.adminPolicies),
        String(r.ciliumPolicies),
        String(r.pairs),
        s(r.setupMs),
        s(r.connectivityMs),
        ((r.connectivityMs * 1000) / Math.max(1, r.pairs)).toFixed(1),
        r.maxRssMB.toFixed(0),
        s(c.ms),
        c.rssMB.toFixed(0),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  table(net);
}

if (only.has('open')) await openTable();
if (only.has('lsp')) await benchLsp();

/**
 * The CLI as a user runs it, its stdout read through a pipe and counted (not kept): wall time from
 * spawn to exit (ms), peak RSS (MB), bytes written.
 */
function timedPipe(argv: string[]): Promise<{ ms: number; rssMB: number; bytes: number }> {
  const rssFile = path.join(tmpdir(), `kube-netlint-bench-rss-${process.pid}`);
  const t0 = performance.now();
  const child = spawn(NODE[0], [...NODE.slice(1), '--import', path.join(here, 'rss.js'), ...argv], {
    env: { ...process.env, KUBE_NETLINT_BENCH_RSS: rssFile },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let bytes = 0;
  child.stdout.on('data', (b: Buffer) => (bytes += b.length));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited with ${code}`));
      const rssMB = Number(readFileSync(rssFile, 'utf8'));
      rmSync(rssFile, { force: true });
      resolve({ ms, rssMB, bytes });
    });
  });
}

/** `connectivity` where no policy isolates anything: every pair is listed, as it is computed. */
async function openTable(): Promise<void> {
  const workloads = 2_000;
  console.log(
    `\nconnectivity without policies (${workloads.toLocaleString('en-US')} Deployments: every pair, written as computed; the CLI, spawn to exit, stdout read through a pipe; one run each)`,
  );
  const rows = [['workloads', 'format', 'pairs', 'output MB', 'CLI s', 'µs/pair', 'CLI peak RSS MB']];
  const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-open-'));
  try {
    generateNet(root, workloads, 0);
    const pairs = workloads * (workloads - 1) + 2 * workloads;
    for (const format of ['json', 'txt', 'txt --summary']) {
      const r = await timedPipe([cli, 'connectivity', '--no-config', '-f', ...format.split(' '), root]);
      const listed = format.includes('--summary') ? 0 : pairs;
      rows.push([
        String(workloads),
        format,
        String(listed),
        (r.bytes / 1e6).toFixed(0),
        s(r.ms),
        listed ? ((r.ms * 1000) / listed).toFixed(2) : '-',
        r.rssMB.toFixed(0),
      ]);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  table(rows);
}
