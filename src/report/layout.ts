/**
 * Node positions for the HTML page, computed here rather than in the browser, so the page opens on
 * a finished picture whatever its size and never freezes the tab laying it out. Seeded: the same
 * input gives the same picture (and the same HTML).
 *
 * Two levels, so the cost grows with the size of the largest namespace, not of the whole input:
 * 1. each namespace alone: fCoSE (cytoscape-fcose) on its nodes and the edges between them, or a
 *    grid in name order above GROUP_FCOSE_MAX nodes;
 * 2. the nodes that belong to no namespace (the ingress controller stand-in, the `cluster` node,
 *    external ranges), then the namespaces as boxes in name order, in rows about as wide as a
 *    screen (`shelves`).
 * Inside a namespace `separate` moves nodes apart until no two footprints (a node with its label)
 * overlap, and the rows of step 2 keep the boxes (with their titles) and the loose nodes apart. So
 * labels never overlap, and a node outside a namespace is never drawn inside its box.
 */
import type cytoscapeNs from 'cytoscape';
import type { ReportData, ReportNode } from './model.js';

/** A namespace with more nodes than this is laid out as a grid (fCoSE's cost grows faster than linearly). */
export const GROUP_FCOSE_MAX = 400;
/**
 * Above this many nodes the page opens on the namespaces only, each one box with its counts; a
 * click (or the namespace filter, the search, a link) opens a namespace.
 */
export const OVERVIEW_ABOVE = 3000;

/** Node sizes, shared with the page's style (src/report/client/app.ts). */
export const NODE_SIZE: Record<string, { width: number; height: number }> = {
  workload: { width: 46, height: 30 },
  service: { width: 34, height: 34 },
  ingress: { width: 36, height: 30 },
  controller: { width: 44, height: 44 },
  missing: { width: 34, height: 34 },
  external: { width: 40, height: 30 },
  policies: { width: 34, height: 34 },
  cluster: { width: 40, height: 34 },
};

/**
 * Node labels as the page draws them (below the node, cut with an ellipsis at `maxWidth`), and
 * the width this module reserves for them: `charWidth` a character, a bound for the page's fonts.
 */
export const LABEL = { fontSize: 11, maxWidth: 100, charWidth: 7.5, height: 15, margin: 3 };
/** Namespace titles, drawn above their box. */
export const TITLE = { fontSize: 14, charWidth: 9.5, height: 22 };
/** Room between two footprints, and inside a namespace box around its nodes. */
const GAP = { x: 14, y: 10 };
const BOX_PADDING = 18;
/** Width to height of the arrangement of namespaces: about a browser window's. */
const ASPECT = 1.6;
/** fCoSE's positions are drawn together by this factor before `separate` (a denser, larger picture on the screen). */
const COMPACT = 0.55;
/** An arrangement this many times longer than wide is folded (`fold`). */
const FOLD_ABOVE = 3;

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
  /** Namespaces (or the top level) laid out as a grid because of their size. */
  grids: number;
  /** Whether the page opens on the namespaces only (above OVERVIEW_ABOVE nodes). */
  overview: boolean;
  nodes: number;
  edges: number;
}

/** A rectangle to keep apart from others: its centre and full size (gaps included). */
interface Item {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The rectangle a node and its label take. */
function footprint(n: ReportNode): { w: number; h: number; dy: number } {
  const size = NODE_SIZE[n.kind] ?? { width: 30, height: 30 };
  const label = Math.min(LABEL.maxWidth, [...n.label].length * LABEL.charWidth);
  const h = size.height + LABEL.margin + LABEL.height;
  // The node's centre lies above the footprint's centre by half the label's height.
  return { w: Math.max(size.width, label) + GAP.x, h: h + GAP.y, dy: (LABEL.margin + LABEL.height) / 2 };
}

/**
 * Move items apart so that none overlaps another, keeping their arrangement: items are grouped
 * into rows by their vertical position, rows are pushed down until they clear the row above, and
 * items are pushed right until they clear their left neighbour (then the row is re-centred).
 */
export function separate(items: Item[]): void {
  if (items.length < 2) return;
  const order = [...items].sort((a, b) => a.y - b.y || a.x - b.x);
  const rows: Item[][] = [];
  let bottom = -Infinity;
  for (const it of order) {
    if (rows.length > 0 && it.y <= bottom) rows[rows.length - 1].push(it);
    else {
      rows.push([it]);
      bottom = it.y + it.h / 2;
    }
  }
  let prevY = -Infinity;
  let prevH = 0;
  for (const row of rows) {
    const height = Math.max(...row.map((r) => r.h));
    let y = row.reduce((s, r) => s + r.y, 0) / row.length;
    if (prevY !== -Infinity) y = Math.max(y, prevY + (prevH + height) / 2);
    prevY = y;
    prevH = height;
    row.sort((a, b) => a.x - b.x);
    const before = row.reduce((s, r) => s + r.x, 0);
    for (let i = 0; i < row.length; i++) {
      row[i].y = y;
      if (i > 0) row[i].x = Math.max(row[i].x, row[i - 1].x + (row[i - 1].w + row[i].w) / 2);
    }
    const shift = (before - row.reduce((s, r) => s + r.x, 0)) / row.length;
    for (const r of row) r.x += shift;
  }
}

/**
 * Items in rows (shelves), in the order given, left to right and top to bottom, the rows about
 * as wide as the whole is high times ASPECT (a screen's shape). No two items overlap.
 */
function shelves(items: Item[]): void {
  const area = items.reduce((s, i) => s + i.w * i.h, 0);
  const widest = Math.max(...items.map((i) => i.w));
  // The row width whose arrangement fits a screen-shaped frame best, of a few tried.
  let best = { cost: Infinity, width: widest };
  for (const f of [0.8, 1, 1.25, 1.5, 2, 3]) {
    const width = Math.max(Math.sqrt(area * ASPECT) * f, widest);
    const { w, h } = placeShelves(items, width);
    const cost = Math.max(w / ASPECT, h);
    if (cost < best.cost) best = { cost, width };
  }
  placeShelves(items, best.width);
}

function placeShelves(items: Item[], width: number): { w: number; h: number } {
  let x = 0;
  let y = 0;
  let rowH = 0;
  let w = 0;
  for (const it of items) {
    if (x > 0 && x + it.w > width) {
      y += rowH;
      x = 0;
      rowH = 0;
    }
    it.x = x + it.w / 2;
    it.y = y + it.h / 2;
    x += it.w;
    w = Math.max(w, x);
    rowH = Math.max(rowH, it.h);
  }
  return { w, h: y + rowH };
}

/**
 * A long thin arrangement (a chain of calls is laid out as a line) folded into a snake of rows,
 * in its order along its long side, so it fills a screen-shaped box.
 */
function fold(items: Item[]): void {
  if (items.length < 8) return;
  const span = (f: (i: Item) => number) => Math.max(...items.map(f)) - Math.min(...items.map(f));
  const w = span((i) => i.x);
  const h = span((i) => i.y);
  if (Math.max(w, h) < FOLD_ABOVE * Math.max(Math.min(w, h), 1)) return;
  const along = w > h ? (i: Item) => i.x : (i: Item) => i.y;
  const order = [...items].sort((a, b) => along(a) - along(b));
  const cellW = Math.max(...items.map((i) => i.w));
  const cellH = Math.max(...items.map((i) => i.h)) * 1.4;
  const cols = Math.max(2, Math.ceil(Math.sqrt((order.length * cellH * ASPECT) / cellW)));
  order.forEach((it, k) => {
    const row = Math.floor(k / cols);
    const col = k % cols;
    it.x = (row % 2 ? cols - 1 - col : col) * cellW;
    it.y = row * cellH;
  });
}

/** Items on a grid, in the order given, about as wide as high. */
function grid(items: Item[]): void {
  const w = Math.max(...items.map((i) => i.w));
  const h = Math.max(...items.map((i) => i.h));
  const cols = Math.max(1, Math.ceil(Math.sqrt((items.length * h) / w)));
  items.forEach((it, i) => {
    it.x = (i % cols) * w;
    it.y = Math.floor(i / cols) * h;
  });
}

type Cytoscape = typeof cytoscapeNs;

/** Positions (centres) of items by fCoSE; `edges` index into `items`. */
function fcose(cytoscape: Cytoscape, items: Item[], edges: [number, number][], quality: 'default' | 'draft'): void {
  if (items.length < 2) {
    for (const it of items) it.x = it.y = 0;
    return;
  }
  const cy = cytoscape({
    headless: true,
    styleEnabled: true,
    elements: [
      ...items.map((it, i) => ({ group: 'nodes' as const, data: { id: `n${i}`, w: it.w, h: it.h } })),
      ...edges.map(([s, t], i) => ({
        group: 'edges' as const,
        data: { id: `e${i}`, source: `n${s}`, target: `n${t}` },
      })),
    ],
    style: [{ selector: 'node', style: { width: 'data(w)', height: 'data(h)' } }],
  });
  cy.layout({
    name: 'fcose',
    quality,
    randomize: true,
    animate: false,
    fit: false,
    nodeDimensionsIncludeLabels: false,
    idealEdgeLength: () => 60,
    nodeRepulsion: () => 4500,
    tile: true,
    packComponents: true,
  } as unknown as Parameters<typeof cy.layout>[0]).run();
  items.forEach((it, i) => {
    const p = cy.getElementById(`n${i}`).position();
    it.x = p.x;
    it.y = p.y;
  });
  cy.destroy();
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Fill `position` of every node, and `size` of the namespace boxes. */
export async function layoutReport(data: ReportData): Promise<LayoutStats> {
  const start = performance.now();
  const { default: cytoscape } = await import('cytoscape');
  const { default: fcoseExt } = await import('cytoscape-fcose');
  cytoscape.use(fcoseExt);
  const nodes = new Map(data.nodes.map((n) => [n.id, n]));
  const members = new Map<string, ReportNode[]>();
  const loose: ReportNode[] = [];
  for (const n of data.nodes) {
    if (n.kind === 'namespace') {
      if (!members.has(n.id)) members.set(n.id, []);
    } else if (n.parent && nodes.get(n.parent)?.kind === 'namespace') {
      const list = members.get(n.parent);
      if (list) list.push(n);
      else members.set(n.parent, [n]);
    } else loose.push(n);
  }
  /** The group (namespace id, or the node itself when loose) of each node. */
  const groupOf = (id: string) => {
    const n = nodes.get(id);
    return n?.parent && members.has(n.parent) ? n.parent : id;
  };
  let grids = 0;
  // In the overview the namespaces' insides are seen one at a time: fCoSE's spectral step is enough.
  const overview = data.nodes.length > OVERVIEW_ABOVE;
  const quality = overview ? 'draft' : 'default';
  const random = Math.random;
  Math.random = seeded(0x6b6e6c);
  try {
    // 1. Each namespace alone, in its own coordinates (centred on 0,0).
    const local = new Map<string, { x: number; y: number }>();
    const boxes = new Map<string, { w: number; h: number }>();
    const edgesWithin = new Map<string, [string, string][]>();
    for (const e of data.edges) {
      const g = groupOf(e.source);
      if (g === groupOf(e.target) && members.has(g) && e.source !== e.target) {
        const list = edgesWithin.get(g);
        if (list) list.push([e.source, e.target]);
        else edgesWithin.set(g, [[e.source, e.target]]);
      }
    }
    for (const [nsId, list] of [...members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (list.length === 0) continue;
      const feet = list.map(footprint);
      const items: Item[] = feet.map((f) => ({ x: 0, y: 0, w: f.w, h: f.h }));
      if (list.length > GROUP_FCOSE_MAX) {
        grids++;
        // Name order keeps a Service beside the workload of the same name.
        const order = list
          .map((n, i) => ({ n, i }))
          .sort((a, b) => (a.n.label < b.n.label ? -1 : a.n.label > b.n.label ? 1 : byId(a.n, b.n)));
        const sorted = order.map((o) => items[o.i]);
        grid(sorted);
      } else {
        const index = new Map(list.map((n, i) => [n.id, i]));
        fcose(
          cytoscape,
          items,
          (edgesWithin.get(nsId) ?? []).map(([s, t]) => [index.get(s)!, index.get(t)!]),
          quality,
        );
      }
      // fCoSE leaves room between nodes for edges; `separate` opens just what labels need.
      for (const it of items) {
        it.x *= COMPACT;
        it.y *= COMPACT;
      }
      separate(items);
      fold(items);
      const x1 = Math.min(...items.map((i) => i.x - i.w / 2));
      const x2 = Math.max(...items.map((i) => i.x + i.w / 2));
      const y1 = Math.min(...items.map((i) => i.y - i.h / 2));
      const y2 = Math.max(...items.map((i) => i.y + i.h / 2));
      const title = `namespace ${nodes.get(nsId)!.label}`.length * TITLE.charWidth;
      const w = Math.max(x2 - x1 + 2 * BOX_PADDING, title);
      const h = y2 - y1 + 2 * BOX_PADDING;
      boxes.set(nsId, { w, h });
      list.forEach((n, i) =>
        local.set(n.id, { x: items[i].x - (x1 + x2) / 2, y: items[i].y - (y1 + y2) / 2 - feet[i].dy }),
      );
    }

    // 2. The loose nodes, then the namespace boxes (with their titles above).
    const top: { id: string; item: Item; dy: number }[] = [];
    for (const n of [...loose].sort(byId)) {
      const f = footprint(n);
      top.push({ id: n.id, item: { x: 0, y: 0, w: f.w, h: f.h }, dy: -f.dy });
    }
    for (const [nsId, box] of [...boxes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      top.push({
        id: nsId,
        item: { x: 0, y: 0, w: box.w + GAP.x * 2, h: box.h + TITLE.height + GAP.y * 2 },
        dy: TITLE.height / 2,
      });
    }
    shelves(top.map((t) => t.item));
    const centre = new Map(top.map((t) => [t.id, { x: t.item.x, y: t.item.y + t.dy }]));
    for (const n of data.nodes) {
      if (n.kind === 'namespace') {
        const c = centre.get(n.id);
        const box = boxes.get(n.id);
        if (!c || !box) continue;
        n.position = { x: Math.round(c.x), y: Math.round(c.y) };
        n.size = { width: Math.round(box.w), height: Math.round(box.h) };
        continue;
      }
      const g = groupOf(n.id);
      const c = centre.get(g)!;
      const l = g === n.id ? { x: 0, y: 0 } : local.get(n.id)!;
      n.position = { x: Math.round(c.x + l.x), y: Math.round(c.y + l.y) };
    }
  } finally {
    Math.random = random;
  }
  return {
    ms: Math.round(performance.now() - start),
    grids,
    overview,
    nodes: data.nodes.length,
    edges: data.edges.length,
  };
}
