/**
 * The HTML page of the network picture: self-contained, escaped, safe on hostile manifests, and its
 * page script.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { renderReport, reportOf } from '../../src/cli/graph.js';
import type { LoadedVersion } from '../../src/cli/graph.js';
import { COMMANDS } from '../../src/cli/main.js';
import { CLIENT_MODULES, joinable, renderHtml, scriptJson } from '../../src/report/html.js';
import { layoutReport } from '../../src/report/layout.js';
import type { ReportData } from '../../src/report/model.js';
import { renderDot, renderMermaid } from '../../src/report/text.js';
import { FIXTURES, assertNo, io, load, scripts } from '../support/graph-report.js';
import { tmp } from '../support/util.js';

describe('HTML report', () => {
  let html: string;
  let data: ReportData;
  before(async () => {
    data = reportOf(await load('app'), 'kube-netlint graph app');
    const stats = await layoutReport(data);
    assert.equal(stats.grids, 0);
    assert.equal(stats.overview, false);
    html = renderHtml(data);
  });

  it('is one file that refers to nothing outside itself', () => {
    const list = scripts(html);
    assert.deepEqual(
      list.map((s) => s.attrs.trim()),
      ['type="application/json" id="kn-data"', '', 'type="module"'],
    );
    // The markup: no src/href to another document (http:, https:, protocol-relative, file:, relative).
    let markup = html;
    for (const s of list) markup = markup.replace(s.body, '');
    for (const m of markup.matchAll(/\b(src|href)\s*=\s*["']?([^"'\s>]*)/gi)) {
      assert.ok(m[2] === '' || m[2].startsWith('#'), `${m[1]}="${m[2]}" refers outside the page`);
    }
    assertNo(markup, /<(link|iframe|img|object|embed|base|audio|video|source)\b/i, 'elements that load resources');
    assertNo(markup, /https?:\/\//i, 'URLs in the markup');
    // Anywhere, scripts included: no URL assigned to src/href, no CSS imports, url() or web fonts.
    assertNo(html, /\b(src|href)\s*=\s*["'`]?\s*(https?:)?\/\//i, 'src/href to a URL');
    assertNo(html, /@import/i, '@import');
    assertNo(html, /\burl\s*\(/i, 'CSS url()');
    assertNo(html, /@font-face/i, 'web fonts');
    assertNo(html, /sourceMappingURL/, 'source map references');
    // The page script holds no URL; cytoscape's only ones are in its licence comments. (The data
    // block may: manifests hold URLs, as inert JSON text.)
    assert.ok(!/https?:\/\//i.test(list[2].body), 'a URL in the page script');
    assert.ok(
      !/https?:\/\//i.test(list[1].body.replace(/\/\*[\s\S]*?\*\//g, '')),
      'a URL in cytoscape outside comments',
    );
  });

  it('forbids every fetch with a Content-Security-Policy that names the hashes of its scripts', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;/g, "'");
    assert.ok(csp, 'has a CSP');
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);
    for (const s of scripts(html).filter((x) => !x.attrs.includes('application/json'))) {
      const hash = createHash('sha256').update(s.body, 'utf8').digest('base64');
      assert.ok(csp.includes(`'sha256-${hash}'`), 'inline script hash in the CSP');
    }
  });

  it('embeds the data as inert JSON with the layout positions', () => {
    const json = scripts(html)[0].body;
    const parsed = JSON.parse(json) as { data: ReportData };
    assert.equal(parsed.data.nodes.length, data.nodes.length);
    for (const n of parsed.data.nodes) if (n.kind !== 'namespace') assert.ok(n.position, `${n.id} has a position`);
    assert.equal(scriptJson({ s: '</script><!--\u2028' }), '{"s":"\\u003c/script\\u003e\\u003c!--\\u2028"}');
  });

  it('lays out deterministically', async () => {
    const again = reportOf(await load('app'), 'kube-netlint graph app');
    await layoutReport(again);
    assert.equal(renderHtml(again), html);
  });

  it('is written by graph -o report.html', async () => {
    const dir = tmp({}, 'kn-graph-');
    const run = io(FIXTURES);
    assert.equal(
      await COMMANDS.graph.run(
        ['app', '--no-config', '--title', 'kube-netlint graph app', '-o', path.join(dir, 'report.html')],
        run,
      ),
      0,
    );
    assert.equal(readFileSync(path.join(dir, 'report.html'), 'utf8'), html);
    assert.equal(run.out(), '');
  });
});

describe('hostile manifests', () => {
  let version: LoadedVersion;
  before(async () => {
    version = await load('hostile');
  });

  it('render inert in the HTML', async () => {
    const data = reportOf(version, '</title><b>x</b>');
    const html = await renderReport(data, 'html');
    const list = scripts(html);
    assert.equal(list.length, 3, 'no script element but the report’s own');
    // Outside the inert JSON block no manifest text appears at all; inside it `<` is escaped.
    const outside = html.replace(list[0].body, '');
    assertNo(outside, /alert\(\d\)/, 'manifest text outside the JSON block');
    assertNo(list[0].body, /[<>]/, 'raw < or > in the JSON block');
    assert.match(html, /<title>&#60;\/title&#62;&#60;b&#62;x&#60;\/b&#62;<\/title>/);
    const parsed = JSON.parse(list[0].body) as { data: ReportData };
    const names = parsed.data.nodes.map((n) => n.label);
    assert.ok(names.includes('</script><script>alert(1)</script>'), 'names survive as text');
    assert.ok(
      parsed.data.findings.some((f) => f.message.includes('<')),
      'messages survive as text',
    );
  });

  it('cannot break out of dot strings or mermaid labels', () => {
    const data = reportOf(version, 'x" -> y; "z');
    const dot = renderDot(data);
    for (const line of dot.split('\n')) {
      // Outside of the escaped quotes, a line holds only ids, brackets, attribute names and punctuation.
      const outside = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      assert.doesNotMatch(outside, /alert|script|evil|label=x/i, line);
    }
    const mermaid = renderMermaid(data);
    for (const line of mermaid.split('\n')) {
      const outside = line.replace(/"[^"]*"/g, '""');
      assert.doesNotMatch(outside, /alert|script|evil|click|</i, line);
      assert.doesNotMatch(line, /<(?!br>)/, `no markup but <br> in ${line}`);
    }
    assert.doesNotMatch(mermaid, /^\s*(click|end\b.*\]\])/m);
  });
});

describe('page script', () => {
  it('joins the client modules into one module without imports or exports', () => {
    assert.equal(
      joinable("import { h } from './dom.js';\nexport function f() {}\nexport const x = 1;\nexport {};\n"),
      'function f() {}\nconst x = 1;\n',
    );
    const html = renderHtml({
      version: 1,
      mode: 'graph',
      title: 't',
      tool: { name: 'kube-netlint', version: '0' },
      namespaces: [],
      nodes: [],
      edges: [],
      findings: [],
    });
    const page = scripts(html)[2].body;
    assert.doesNotMatch(page, /^\s*(import|export)\b/m);
    for (const m of CLIENT_MODULES)
      assert.ok(existsSync(new URL(`../../src/report/client/${m}.js`, import.meta.url)), m);
  });
});
