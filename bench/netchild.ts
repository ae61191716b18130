/** Time `connectivity` on a generated directory (run in its own process by bench/run). */
import { performance } from 'node:perf_hooks';
import { Graph } from '../src/graph/graph.js';
import { loadInput } from '../src/load/input.js';
import { buildModel } from '../src/model/model.js';
import { PolicyEngine } from '../src/policy/engine.js';
import { tuneTiering } from '../src/cli/tiering.js';

// V8 set as the command line sets it (bin/kube-netlint.js), so the figures are the CLI's.
tuneTiering();

const dir = process.argv[2];
const { files } = await loadInput([dir], { cwd: process.cwd(), gitignore: false });
const t0 = performance.now();
const model = buildModel(files, { defaultNamespace: 'default' });
const engine = new PolicyEngine(model, new Graph(model));
const t1 = performance.now();
const conns = engine.connectivity();
const t2 = performance.now();
process.stdout.write(
  JSON.stringify({
    workloads: engine.workloadPods.length,
    policies: model.networkPolicies.length,
    adminPolicies: model.adminPolicies.length,
    ciliumPolicies: model.ciliumPolicies.length,
    pairs: conns.length,
    setupMs: t1 - t0,
    connectivityMs: t2 - t1,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
