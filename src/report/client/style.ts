/// <reference lib="dom" />
/**
 * The report page's cytoscape stylesheet (inlined into the page before src/report/client/app.ts,
 * see src/report/html.ts). Sizes of labels and titles come from the layout
 * (src/report/layout.ts), which reserves room for them.
 */
import type cytoscapeNs from 'cytoscape';

export interface StyleSettings {
  /** The diff view. */
  diff: boolean;
  /** A page with many elements: cheaper edges. */
  big: boolean;
  label: { fontSize: number; maxWidth: number; margin: number };
  title: { fontSize: number };
}

export function pictureStyle(s: StyleSettings): cytoscapeNs.StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-size': s.label.fontSize,
        'font-family': 'system-ui, sans-serif',
        color: '#263238',
        'text-valign': 'bottom',
        'text-margin-y': s.label.margin,
        'text-wrap': 'ellipsis',
        'text-max-width': `${s.label.maxWidth}px`,
        'min-zoomed-font-size': 6,
        'border-width': 1,
        'border-color': '#37474f',
        'z-index-compare': 'manual',
        'z-index': 10,
      },
    },
    { selector: 'node[w]', style: { width: 'data(w)', height: 'data(h)' } },
    {
      selector: 'node.namespace',
      style: {
        shape: 'round-rectangle',
        'z-index': 0,
        'background-color': '#eef2f6',
        'background-opacity': 0.6,
        'border-style': 'dashed',
        'border-color': '#90a4ae',
        'border-width': 1,
        'text-valign': 'top',
        'text-halign': 'center',
        'font-size': s.title.fontSize,
        'font-weight': 'bold',
        color: '#455a64',
        'text-wrap': 'none',
        'text-margin-y': -4,
      },
    },
    {
      // The overview: a closed namespace is a box with its counts inside.
      selector: 'node.namespace.closed',
      style: {
        'text-valign': 'center',
        'text-wrap': 'wrap',
        'text-max-width': 'data(textWidth)',
        'background-color': '#dfe7ee',
        'border-style': 'solid',
        'font-size': s.title.fontSize,
        'text-margin-y': 0,
      },
    },
    { selector: 'node.namespace.closed.has-warning', style: { 'border-width': 3, 'border-color': '#f9a825' } },
    { selector: 'node.namespace.closed.has-error', style: { 'border-width': 3, 'border-color': '#d32f2f' } },
    { selector: 'node.workload', style: { shape: 'round-rectangle', 'background-color': '#1e88e5' } },
    { selector: 'node.service', style: { shape: 'ellipse', 'background-color': '#00897b' } },
    { selector: 'node.ingress', style: { shape: 'tag', 'background-color': '#8e24aa' } },
    { selector: 'node.controller', style: { shape: 'octagon', 'background-color': '#5e35b1' } },
    { selector: 'node.ingress-controller', style: { shape: 'octagon', 'background-color': '#5e35b1' } },
    {
      selector: 'node.missing',
      style: {
        shape: 'ellipse',
        'background-color': '#ffffff',
        'border-style': 'dashed',
        'border-width': 2,
        'border-color': '#757575',
      },
    },
    { selector: 'node.external', style: { shape: 'rhomboid', 'background-color': '#6d4c41' } },
    { selector: 'node.policies', style: { shape: 'cut-rectangle', 'background-color': '#ffca28' } },
    { selector: 'node.cluster', style: { shape: 'barrel', 'background-color': '#78909c' } },
    { selector: 'node.has-warning', style: { 'border-width': 3, 'border-color': '#f9a825' } },
    { selector: 'node.has-error', style: { 'border-width': 3, 'border-color': '#d32f2f' } },
    {
      selector: 'node.presence-new',
      style: { 'border-width': 3, 'border-color': '#2e7d32', 'border-style': 'double' },
    },
    {
      selector: 'node.presence-old',
      style: { opacity: 0.55, 'border-style': 'dashed', 'border-width': 3, 'border-color': '#d32f2f' },
    },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'curve-style': s.big ? 'straight' : 'bezier',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.9,
        'line-color': '#78909c',
        'target-arrow-color': '#78909c',
        'font-size': 9,
        'font-family': 'system-ui, sans-serif',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.85,
        'text-background-padding': '1px',
        'min-zoomed-font-size': 8,
        'text-rotation': 'autorotate',
        'z-index-compare': 'manual',
        'z-index': 5,
      },
    },
    {
      selector: 'edge.kind-serves',
      style: { 'line-style': 'dotted', 'line-color': '#b39ddb', 'target-arrow-color': '#b39ddb' },
    },
    { selector: 'edge.status-none', style: { 'line-color': '#b0bec5', 'target-arrow-color': '#b0bec5' } },
    { selector: 'edge.status-allowed', style: { 'line-color': '#546e7a', 'target-arrow-color': '#546e7a' } },
    {
      selector: 'edge.status-unresolved',
      style: {
        'line-style': 'dashed',
        'line-color': '#9e9e9e',
        'target-arrow-color': '#9e9e9e',
        label: 'data(label)',
        color: '#616161',
      },
    },
    {
      selector: 'edge.status-partial',
      style: {
        width: 2.5,
        'line-color': '#ef6c00',
        'target-arrow-color': '#ef6c00',
        label: 'data(label)',
        color: '#e65100',
      },
    },
    {
      selector: 'edge.status-blocked',
      style: {
        width: 3,
        'line-color': '#d32f2f',
        'target-arrow-color': '#d32f2f',
        label: 'data(label)',
        color: '#b71c1c',
      },
    },
    {
      selector: 'edge.summary',
      style: {
        width: 'data(width)',
        label: 'data(label)',
        color: '#455a64',
        'line-color': '#90a4ae',
        'target-arrow-color': '#90a4ae',
      },
    },
    {
      selector: 'edge.summary.status-partial',
      style: { 'line-color': '#ef6c00', 'target-arrow-color': '#ef6c00', color: '#e65100' },
    },
    {
      selector: 'edge.summary.status-blocked',
      style: { 'line-color': '#d32f2f', 'target-arrow-color': '#d32f2f', color: '#b71c1c' },
    },
    ...(s.diff
      ? ([
          // Only what changed stands out: unchanged edges, and nodes on no changed edge, are faded.
          { selector: 'edge', style: { label: '' } },
          { selector: 'edge.status-blocked, edge.status-unresolved', style: { 'line-style': 'dashed' } },
          {
            selector: 'edge.diff-unchanged',
            style: { width: 1, opacity: 0.3, 'line-color': '#b0bec5', 'target-arrow-color': '#b0bec5', label: '' },
          },
          { selector: 'node.quiet', style: { opacity: 0.45 } },
          {
            selector: 'edge.diff-added',
            style: {
              width: 3.5,
              'line-color': '#2e7d32',
              'target-arrow-color': '#2e7d32',
              label: 'data(label)',
              color: '#1b5e20',
            },
          },
          {
            selector: 'edge.diff-removed',
            style: {
              width: 3.5,
              'line-color': '#d32f2f',
              'target-arrow-color': '#d32f2f',
              label: 'data(label)',
              color: '#b71c1c',
            },
          },
          {
            selector: 'edge.diff-changed',
            style: {
              width: 3,
              'line-color': '#ef6c00',
              'target-arrow-color': '#ef6c00',
              label: 'data(label)',
              color: '#e65100',
            },
          },
        ] as cytoscapeNs.StylesheetJson)
      : []),
    { selector: '.faded', style: { opacity: 0.15 } },
    { selector: 'node.match', style: { 'overlay-color': '#ffb300', 'overlay-opacity': 0.45, 'overlay-padding': 6 } },
    { selector: ':selected', style: { 'overlay-color': '#0277bd', 'overlay-opacity': 0.3, 'overlay-padding': 6 } },
    { selector: '.hidden', style: { display: 'none' } },
  ];
}
