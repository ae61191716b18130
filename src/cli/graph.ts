/**
 * The network as a picture (self-contained HTML, dot, mermaid or its data): for `kube-netlint
 * graph` and the HTML view of `kube-netlint diff --format html`.
 */
import type { Finding } from '../engine/types.js';
import type { Graph } from '../graph/graph.js';
import type { Model } from '../model/model.js';
import type { PolicyEngine } from '../policy/engine.js';
import { buildReportData } from '../report/build.js';
import type { ReportData } from '../report/model.js';
import { renderDot, renderMermaid } from '../report/text.js';
import { UsageError, packageJson } from './io.js';
import type { Io } from './io.js';
import { loadSlice } from './slice.js';
import type { SliceFlags } from './slice.js';

export const GRAPH_FORMATS = ['html', 'dot', 'mermaid', 'json'] as const;

export interface LoadOptions extends SliceFlags {
  /** Run the rules (default true); the old side of a diff needs no findings. */
  lint?: boolean;
}

/** One version of the manifests, analysed: the model, the graph, the policy engine and the findings. */
export interface LoadedVersion {
  model: Model;
  graph: Graph;
  engine: PolicyEngine;
  findings: Finding[];
  /** Input that could not be read (see LoadedSlice): the command exits 2. */
  unread: boolean;
}

/** Load and lint the manifests under `paths` as `kube-netlint graph` does. */
export async function loadVersion(paths: string[], io: Io, opts: LoadOptions): Promise<LoadedVersion> {
  return loadSlice(paths, io, opts, { command: 'graph', lint: opts.lint !== false });
}

/** The network picture of one analysed version. */
export function reportOf(v: LoadedVersion, title: string): ReportData {
  return buildReportData({
    model: v.model,
    graph: v.graph,
    engine: v.engine,
    findings: v.findings,
    title,
    version: packageJson().version,
  });
}

/** Lay out and render a picture in a format. */
export async function renderReport(data: ReportData, format: string): Promise<string> {
  switch (format) {
    case 'dot':
      return renderDot(data);
    case 'mermaid':
      return renderMermaid(data);
    case 'json':
      return `${JSON.stringify(data, null, 2)}\n`;
    default: {
      // Loaded on demand: the layout brings in cytoscape, which lint runs do not need.
      const { layoutReport } = await import('../report/layout.js');
      const { renderHtml } = await import('../report/html.js');
      await layoutReport(data);
      return renderHtml(data);
    }
  }
}

/** The format asked for, or the default: html for an -o file ending in .html/.htm, else dot. */
export function graphFormat(format: string | undefined, outFile: string | undefined): string {
  const f = format ?? (outFile && /\.html?$/i.test(outFile) ? 'html' : 'dot');
  if (!(GRAPH_FORMATS as readonly string[]).includes(f))
    throw new UsageError(`unknown format "${f}" (available: ${GRAPH_FORMATS.join(', ')})`);
  return f;
}
