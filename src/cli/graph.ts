/**
 * `kube-netlint graph`: the network as a picture (self-contained HTML, dot or mermaid), and the HTML
 * view of `kube-netlint diff --format html`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RULES } from '../../rules/index.js';
import { runRules } from '../engine/runner.js';
import type { Finding } from '../engine/types.js';
import { Graph } from '../graph/graph.js';
import { buildModel } from '../model/model.js';
import type { Model } from '../model/model.js';
import { PolicyEngine } from '../policy/engine.js';
import { diffConnectivity, opensConnections } from '../policy/report.js';
import { buildReportData } from '../report/build.js';
import { buildDiffData } from '../report/diff.js';
import type { ReportData } from '../report/model.js';
import { renderDot, renderMermaid } from '../report/text.js';
import type { Io } from './main.js';
import { CommandUsageError, loadInput, write } from './network.js';

export const GRAPH_FORMATS = ['html', 'dot', 'mermaid', 'json'] as const;

export const GRAPH_HELP = `Usage: kube-netlint graph [options] <paths...>

The network as a picture: namespaces as groups; workloads, Services, Ingresses and the ingress
controller as nodes; edges Ingress -> Service -> workload and workload -> Service (service
references), red where NetworkPolicies block the traffic.

Options:
  -f, --format <name>      html (one self-contained file: no server, no network), dot, mermaid, or
                           json (the data behind the picture). Default: html when -o ends in .html
                           or .htm, otherwise dot.
  -o, --output-file <file> Write to a file instead of stdout
      --title <text>       Title of the picture (default: the command line's paths)
  -n, --namespace <name>   Namespace of objects without metadata.namespace (default: default)
  -c, --config <file>      Use this config file instead of looking for .kube-netlint.yaml
      --no-config          Do not look for a config file
      --ignore-pattern <g> Skip files matching the glob; repeatable
      --kustomize-command <cmd> Build Kustomize roots with it ("kustomize build", "kubectl
                           kustomize"; default: whichever is on the PATH), or "none". With several
                           top-level roots in the input, name the one to draw
  -h, --help               Show this help

kube-netlint diff <old-paths> <new-paths> --format html -o diff.html draws the same picture for two
versions: edges whose connection was added are green, removed red, changed orange.
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'no-config': { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  format: { type: 'string', short: 'f' },
  'output-file': { type: 'string', short: 'o' },
  'ignore-pattern': { type: 'string', multiple: true },
  'kustomize-command': { type: 'string' },
  title: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface LoadOptions {
  config?: string;
  'no-config'?: boolean;
  namespace?: string;
  'ignore-pattern'?: string[];
  'kustomize-command'?: string;
  /** Run the rules (default true); the old side of a diff needs no findings. */
  lint?: boolean;
}

/** One version of the manifests, analysed: the model, the graph, the policy engine and the findings. */
export interface LoadedVersion {
  model: Model;
  graph: Graph;
  engine: PolicyEngine;
  findings: Finding[];
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Load and lint the manifests under `paths` as `kube-netlint` and `connectivity` do. */
export async function loadVersion(paths: string[], io: Io, opts: LoadOptions): Promise<LoadedVersion> {
  const { files, config, defaultNamespace } = await loadInput(paths, io, opts, 'graph');
  const model = buildModel(files, { defaultNamespace });
  const graph = new Graph(model);
  const settings = { defaultNamespace, nodePortRange: config?.nodePortRange ?? ([30000, 32767] as [number, number]), policy: config?.policy };
  let findings: Finding[] = [];
  if (opts.lint !== false) {
    const result = runRules(model, graph, { rules: RULES, severities: config?.rules, settings });
    for (const e of result.internalErrors) io.stderr.write(`kube-netlint: internal error in rule ${e.ruleId}: ${e.error?.message ?? String(e.error)}\n`);
    findings = result.findings;
  }
  return { model, graph, engine: new PolicyEngine(model, graph, config?.policy), findings };
}

/** The network picture of one analysed version. */
export function reportOf(v: LoadedVersion, title: string): ReportData {
  return buildReportData({ model: v.model, graph: v.graph, engine: v.engine, findings: v.findings, title, version: packageVersion() });
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
  if (!(GRAPH_FORMATS as readonly string[]).includes(f)) throw new CommandUsageError(`unknown format "${f}" (available: ${GRAPH_FORMATS.join(', ')})`);
  return f;
}

export async function graphCommand(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (e) {
    throw new CommandUsageError((e as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(GRAPH_HELP);
    return 0;
  }
  const format = graphFormat(values.format, values['output-file']);
  const version = await loadVersion(positionals, io, values);
  const title = values.title ?? `kube-netlint graph ${positionals.length ? positionals.join(' ') : '.'}`;
  write(io, values['output-file'], await renderReport(reportOf(version, title), format));
  return 0;
}

/**
 * `kube-netlint diff OLD NEW --format html`: both versions in one picture. Exit code as `diff`:
 * 1 with --fail-on-added when the new version opens a connection.
 */
export async function diffHtmlCommand(
  positionals: string[],
  values: LoadOptions & { 'output-file'?: string; 'fail-on-added'?: boolean },
  io: Io,
): Promise<number> {
  const before = await loadVersion([positionals[0]], io, { ...values, lint: false });
  const after = await loadVersion([positionals[1]], io, values);
  const changes = diffConnectivity(before.engine.connectivity(), after.engine.connectivity());
  const title = `kube-netlint diff ${positionals[0]} → ${positionals[1]}`;
  const data = buildDiffData({ before: reportOf(before, title), after: reportOf(after, title), changes, title, engines: { before: before.engine, after: after.engine } });
  write(io, values['output-file'], await renderReport(data, 'html'));
  return values['fail-on-added'] && changes.some(opensConnections) ? 1 : 0;
}
