/**
 * The self-contained HTML report: one file with cytoscape, the page script and the data inlined.
 * It makes no network request: no CDN, no web fonts, no images; a Content-Security-Policy with
 * `default-src 'none'` and hashes of the two inline scripts enforces that, and keeps any markup that
 * slipped into the page from running.
 *
 * Manifest text reaches the page only as JSON inside `<script type="application/json">`, with `<`,
 * `>` and `&` escaped, and is put into the document with `textContent` by the page script.
 */
import { htmlText as escapeHtml } from '../format/escape.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LABEL, NODE_SIZE, OVERVIEW_ABOVE, TITLE } from './layout.js';
import type { ReportData } from './model.js';

const require = createRequire(import.meta.url);

let vendorCache: string | undefined;
let appCache: string | undefined;

/** Inline script text must not end the `<script>` element early or open an HTML comment. */
function inlineSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function vendorScript(): string {
  vendorCache ??= inlineSafe(readFileSync(require.resolve('cytoscape/dist/cytoscape.min.js'), 'utf8'));
  return vendorCache;
}

/** The page script's modules (src/report/client/), each after those it imports. */
export const CLIENT_MODULES = ['dom', 'style', 'overview', 'tables', 'panel', 'app'];

/**
 * One module's compiled text, ready to share one scope with the others: its imports of the other
 * client modules are dropped (they come before it) and `export` is removed. No source map
 * reference: the page refers to nothing outside itself.
 */
export function joinable(js: string): string {
  return js
    .replace(/\n?\/\/# sourceMappingURL=.*$/m, '\n')
    .replace(/^import \{[^}]*\} from '\.\/[\w-]+\.js';\n/gm, '')
    .replace(/^export \{\};\n/gm, '')
    .replace(/^export (?=(?:async )?function |const |let |class )/gm, '');
}

/** The page script: the client modules in one module script (the page loads nothing else). */
function appScript(): string {
  // `../report/client/` holds from the bundle of the command line (dist/src/bundle/) as well.
  appCache ??= inlineSafe(
    CLIENT_MODULES.map((m) =>
      joinable(readFileSync(new URL(`../report/client/${m}.js`, import.meta.url), 'utf8')),
    ).join('\n'),
  );
  return appCache;
}

/** JSON that is safe inside a `<script>` element (and inert: `type="application/json"`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export { escapeHtml };

function sha256(s: string): string {
  return `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
}

const CSS = `
:root { color-scheme: light; --border: #cfd8dc; --muted: #607d8b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #263238; background: #fafbfc; }
header { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 14px; border-bottom: 1px solid var(--border); background: #fff; }
header h1 { font-size: 16px; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 40vw; }
#kn-stats { color: var(--muted); font-size: 13px; }
.controls { display: flex; gap: 8px; align-items: center; margin-left: auto; flex-wrap: wrap; }
.controls input[type=search] { width: 220px; padding: 4px 8px; border: 1px solid var(--border); border-radius: 4px; }
.controls select, .controls button { padding: 4px 8px; border: 1px solid var(--border); border-radius: 4px; background: #fff; }
#kn-search-count { color: var(--muted); font-size: 12px; min-width: 5em; }
main { display: flex; height: 72vh; min-height: 360px; border-bottom: 1px solid var(--border); }
#kn-picture { flex: 1; min-width: 0; position: relative; background: #fff; }
#kn-panel { width: 420px; max-width: 45vw; overflow: auto; padding: 10px 14px; border-left: 1px solid var(--border); background: #fff; }
#kn-panel h2 { font-size: 15px; margin: 4px 0; word-break: break-all; }
#kn-panel h3 { font-size: 13px; margin: 14px 0 4px; text-transform: uppercase; letter-spacing: .03em; color: #455a64; }
#kn-panel h4 { font-size: 12px; margin: 6px 0 2px; color: #455a64; }
#kn-panel ul { margin: 4px 0; padding-left: 18px; }
#kn-panel li { margin: 3px 0; word-break: break-word; }
.subtitle, .muted { color: var(--muted); margin: 2px 0; }
.loc { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; color: #37474f; }
pre.explain { white-space: pre-wrap; word-break: break-word; font-size: 12px; background: #f5f7f9; border-left: 4px solid #546e7a; padding: 6px 8px; margin: 6px 0; }
pre.explain.blocked { border-left-color: #d32f2f; }
pre.explain.allowed { border-left-color: #2e7d32; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 11px; font-weight: 600; color: #fff; background: #607d8b; }
.sev-error .sev, .sev.sev-error { background: #d32f2f; }
.sev-warning .sev, .sev.sev-warning { background: #f9a825; color: #212121; }
.sev-info .sev, .sev.sev-info { background: #0288d1; }
.badge { display: inline-block; padding: 1px 6px; border-radius: 3px; font-size: 12px; background: #eceff1; }
.badge.status-blocked, .badge.diff-removed { background: #ffebee; color: #b71c1c; }
.badge.status-partial, .badge.diff-changed { background: #fff3e0; color: #e65100; }
.badge.status-allowed, .badge.diff-added { background: #e8f5e9; color: #1b5e20; }
button.link { border: none; background: none; padding: 0; color: #0277bd; cursor: pointer; text-align: left; font: inherit; }
button.link.status-blocked { color: #c62828; }
.finding .msg { margin: 2px 0 6px; }
section { padding: 10px 14px; }
section h2 { font-size: 15px; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eceff1; }
th { background: #f5f7f9; position: sticky; top: 0; }
td.loc { white-space: nowrap; }
a { color: #0277bd; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: #455a64; padding: 6px 14px; background: #fff; border-bottom: 1px solid var(--border); }
.legend i { display: inline-block; width: 22px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 4px; }
.legend b { display: inline-block; width: 12px; height: 12px; vertical-align: middle; margin-right: 4px; border-radius: 3px; }
footer { color: var(--muted); font-size: 12px; padding: 8px 14px 16px; }
`;

function legend(mode: ReportData['mode']): string {
  const line = (color: string, text: string, dashed = false) =>
    `<span><i style="border-top-color:${color};${dashed ? 'border-top-style:dashed;' : ''}"></i>${text}</span>`;
  const box = (color: string, text: string, round = false) =>
    `<span><b style="background:${color};${round ? 'border-radius:50%;' : ''}"></b>${text}</span>`;
  const nodes = [
    box('#1e88e5', 'workload'),
    box('#00897b', 'Service', true),
    box('#8e24aa', 'Ingress'),
    box('#5e35b1', 'ingress controller'),
    box('#ffffff;border:2px dashed #757575', 'missing Service', true),
    box('#ffca28', 'policies (their findings)'),
    box('#78909c', 'cluster (other findings)'),
  ];
  const edges =
    mode === 'diff'
      ? [
          line('#2e7d32', 'connection added'),
          line('#d32f2f', 'connection removed'),
          line('#ef6c00', 'changed'),
          line('#cfd8dc', 'unchanged'),
          line('#9e9e9e', 'blocked / unresolved (dashed)', true),
        ]
      : [
          line('#546e7a', 'allowed'),
          line('#d32f2f', 'blocked by NetworkPolicies'),
          line('#ef6c00', 'blocked for some pods'),
          line('#9e9e9e', 'unresolved', true),
          line('#b0bec5', 'not evaluated'),
        ];
  return `<div class="legend" aria-label="legend">${[...nodes, ...edges].join('')}<span>red / yellow outline: node with errors / warnings</span></div>`;
}

/** The whole page. `data.nodes[].position` should be filled (layoutReport) for a useful picture. */
export function renderHtml(data: ReportData): string {
  const vendor = vendorScript();
  const app = appScript();
  const json = scriptJson({ data, sizes: NODE_SIZE, label: LABEL, title: TITLE, overviewAbove: OVERVIEW_ABOVE });
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(vendor)} ${sha256(app)}`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = escapeHtml(data.title);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(`${data.tool.name} ${data.tool.version}`)}">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1 title="${title}">${title}</h1>
<span id="kn-stats"></span>
<div class="controls">
<input id="kn-search" type="search" placeholder="Find a workload, Service, Ingress…" aria-label="search" autocomplete="off">
<span id="kn-search-count" aria-live="polite"></span>
<select id="kn-namespace" aria-label="namespace filter"><option value="">All namespaces</option></select>
<label><input id="kn-neighbours" type="checkbox"> with neighbours</label>
<button id="kn-fit" type="button">Fit</button>
</div>
</header>
${legend(data.mode)}
<main>
<div id="kn-picture" role="img" aria-label="network picture"></div>
<aside id="kn-panel" aria-live="polite"><p class="muted">Click a node or an edge for details. Drag to pan, scroll to zoom.</p></aside>
</main>
<section id="kn-changes" hidden>
<h2>Connection changes (<span id="kn-changes-count">0</span>)</h2>
<p class="muted" id="kn-changes-note"></p>
<table><thead><tr><th>change</th><th>connection</th><th>edge</th></tr></thead><tbody id="kn-changes-body"></tbody></table>
</section>
<section id="kn-findings">
<h2>Findings (<span id="kn-findings-count">0</span>)</h2>
<table><thead><tr><th>severity</th><th>rule</th><th>location</th><th>message</th><th>node</th></tr></thead><tbody id="kn-findings-body"></tbody></table>
</section>
<footer>${escapeHtml(`${data.tool.name} ${data.tool.version}`)} · self-contained report: it loads nothing from the network.</footer>
<script type="application/json" id="kn-data">${json}</script>
<script>${vendor}</script>
<script type="module">${app}</script>
</body>
</html>
`;
}
