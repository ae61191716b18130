/**
 * Node positions for the HTML page, computed here rather than in the browser: the fCoSE layout
 * (cytoscape-fcose, with namespaces as compound nodes) runs once in Node, so the page opens on a
 * finished picture whatever its size and never freezes the tab laying it out. The layout is seeded:
 * the same input gives the same picture (and the same HTML).
 */
import type { ReportData } from './model.js';

/** Above this many nodes fCoSE runs its spectral step only (`draft`): seconds instead of minutes. */
export const DRAFT_LAYOUT_ABOVE = 4000;

/** Node sizes, shared with the page's style (src/report/client/app.ts). */
export const NODE_SIZE: Record<string, { width: number; height: number }> = {
  workload: { width: 46, height: 30 },
  service: { width: 34, height: 34 },
  ingress: { width: 36, height: 30 },
  controller: { width: 44, height: 44 },
  missing: { width: 34, height: 34 },
  external: { width: 40, height: 30 },
};

/** A small deterministic PRNG (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LayoutStats {
  ms: number;
  quality: 'default' | 'draft';
  nodes: number;
  edges: number;
}

/** Fill `position` of every node, and `size` of the namespace boxes. */
export async function layoutReport(data: ReportData): Promise<LayoutStats> {
  const start = performance.now();
  const { default: cytoscape } = await import('cytoscape');
  const { default: fcose } = await import('cytoscape-fcose');
  cytoscape.use(fcose);
  const ids = new Set(data.nodes.map((n) => n.id));
  const elements = [
    ...data.nodes.map((n) => ({
      group: 'nodes' as const,
      data: { id: n.id, ...(n.parent && ids.has(n.parent) ? { parent: n.parent } : {}), w: NODE_SIZE[n.kind]?.width ?? 30, h: NODE_SIZE[n.kind]?.height ?? 30 },
    })),
    ...data.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ group: 'edges' as const, data: { id: e.id, source: e.source, target: e.target } })),
  ];
  const cy = cytoscape({
    headless: true,
    styleEnabled: true,
    elements,
    style: [
      { selector: 'node', style: { width: 'data(w)', height: 'data(h)' } },
      { selector: ':parent', style: { padding: '24px' } },
    ],
  });
  const quality = data.nodes.length > DRAFT_LAYOUT_ABOVE ? 'draft' : 'default';
  const random = Math.random;
  Math.random = seeded(0x6b6e6c);
  try {
    if (data.nodes.length > 1) {
      cy.layout({
        name: 'fcose',
        quality,
        randomize: true,
        animate: false,
        fit: false,
        nodeDimensionsIncludeLabels: false,
        idealEdgeLength: () => 100,
        nodeRepulsion: () => 20000,
        // Keep each namespace together: strong compound gravity, so namespaces do not overlap
        // (tuned on examples/ and a generated 1,000-workload cluster).
        gravityCompound: 2,
        gravityRangeCompound: 1,
        tile: true,
        packComponents: true,
      } as unknown as Parameters<typeof cy.layout>[0]).run();
    }
  } finally {
    Math.random = random;
  }
  for (const n of data.nodes) {
    const el = cy.getElementById(n.id);
    if (n.kind === 'namespace') {
      // The page draws a namespace as a plain box behind its nodes (not a compound node: styling
      // thousands of compound children costs seconds in the browser), sized here.
      if (el.empty() || el.children().empty()) continue;
      const bb = el.boundingBox({});
      n.position = { x: Math.round((bb.x1 + bb.x2) / 2), y: Math.round((bb.y1 + bb.y2) / 2) };
      n.size = { width: Math.round(bb.w), height: Math.round(bb.h) };
      continue;
    }
    const p = el.position();
    n.position = { x: Math.round(p.x), y: Math.round(p.y) };
  }
  cy.destroy();
  return { ms: Math.round(performance.now() - start), quality, nodes: data.nodes.length, edges: data.edges.length };
}
