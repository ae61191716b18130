/**
 * The layout of the network picture, and a picture of 20,000 objects.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadVersion, reportOf } from '../../src/cli/graph.js';
import { COMMANDS } from '../../src/cli/main.js';
import { OVERVIEW_ABOVE, layoutReport, separate } from '../../src/report/layout.js';
import type { ReportData } from '../../src/report/model.js';
import { generateCluster } from '../support/report-cluster.js';
import { io, scripts } from '../support/graph-report.js';
import { tmp } from '../support/util.js';

describe('layout', () => {
  const overlaps = (
    a: { x: number; y: number; w: number; h: number },
    b: { x: number; y: number; w: number; h: number },
  ) => Math.abs(a.x - b.x) * 2 < a.w + b.w - 1e-6 && Math.abs(a.y - b.y) * 2 < a.h + b.h - 1e-6;

  it('separate leaves no two rectangles overlapping', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let round = 0; round < 30; round++) {
      const items = Array.from({ length: 5 + round * 7 }, () => ({
        x: random() * 300,
        y: random() * 300,
        w: 20 + random() * 120,
        h: 20 + random() * 80,
      }));
      if (round % 5 === 0) for (const it of items) it.x = it.y = 10; // all on one point
      separate(items);
      for (let i = 0; i < items.length; i++)
        for (let j = i + 1; j < items.length; j++)
          assert.ok(!overlaps(items[i], items[j]), `round ${round}: items ${i} and ${j} overlap`);
    }
  });

  it('keeps every node inside its namespace box and outside the others', async () => {
    const dir = tmp({}, 'kn-graph-');
    generateCluster(dir, { workloads: 30, perNamespace: 12 });
    const data = reportOf(await loadVersion(['.'], io(dir), { 'no-config': true }), 'c');
    await layoutReport(data);
    const boxes = data.nodes.filter((n) => n.kind === 'namespace');
    assert.equal(boxes.length, 3);
    for (const n of data.nodes) {
      if (n.kind === 'namespace') continue;
      for (const b of boxes) {
        const inside =
          Math.abs(n.position!.x - b.position!.x) * 2 < b.size!.width &&
          Math.abs(n.position!.y - b.position!.y) * 2 < b.size!.height;
        assert.equal(inside, n.parent === b.id, `${n.id} and the box of ${b.id}`);
      }
    }
  });
});

describe('20,000 objects', () => {
  // A hang guard: before the layout was done per namespace this did not finish in 300 s.
  it('graph writes the HTML report, which opens on the namespaces', { timeout: 900_000 }, async () => {
    const dir = tmp({}, 'kn-graph-20k-');
    generateCluster(dir, { workloads: 10_000, perNamespace: 50 });
    const out = path.join(dir, 'report.html');
    assert.equal(await COMMANDS.graph.run(['.', '--no-config', '-o', out], io(dir)), 0);
    const payload = JSON.parse(scripts(readFileSync(out, 'utf8'))[0].body) as {
      data: ReportData;
      overviewAbove: number;
    };
    const { nodes } = payload.data;
    assert.ok(nodes.length > 20_000, `${nodes.length} nodes`);
    assert.equal(payload.overviewAbove, OVERVIEW_ABOVE);
    assert.ok(nodes.length > OVERVIEW_ABOVE, 'opens on the overview');
    for (const n of nodes) assert.ok(n.kind === 'namespace' ? n.size : n.position, `${n.id} is placed`);
  });
});
