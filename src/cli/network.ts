/**
 * `kube-netlint connectivity`, `explain` and `diff`: what may talk to what, why, and what changed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RULES } from '../../rules/index.js';
import { findConfig, loadConfig } from '../engine/config.js';
import type { Config } from '../engine/config.js';
import { Graph } from '../graph/graph.js';
import { discover, displayPath } from '../load/discover.js';
import { terminalSafe } from '../format/escape.js';
import type { SourceFile } from '../load/source.js';
import { applyInputLimits, inDiscoveryOrder, inputLimitsOf, loadStdin } from '../load/load.js';
import { loadFilesParallel } from '../load/parallel.js';
import { buildModel, DEFAULT_NAMESPACE } from '../model/model.js';
import { isProtocol } from '../policy/conn.js';
import { INGRESS_CONTROLLER, PolicyEngine } from '../policy/engine.js';
import type { Connection, Endpoint } from '../policy/engine.js';
import {
  CONNECTIVITY_FORMATS,
  DIFF_FORMATS,
  diffConnectivity,
  explainJson,
  explainText,
  formatConnectivity,
  formatDiff,
  opensConnections,
} from '../policy/report.js';
import { diffHtmlCommand, graphCommand } from './graph.js';
import type { Io } from './main.js';

export class CommandUsageError extends Error {}

const COMMON = {
  config: { type: 'string', short: 'c' },
  'no-config': { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  format: { type: 'string', short: 'f' },
  'output-file': { type: 'string', short: 'o' },
  'ignore-pattern': { type: 'string', multiple: true },
  'max-file-bytes': { type: 'string' },
  'max-input-bytes': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const NETWORK_HELP = `Network commands:
  kube-netlint connectivity [options] <paths...>
      Every allowed connection between workloads, with external IP ranges, and from the
      ingress controller to Ingress backends. Formats: txt (default), json, csv, md, dot.
      --focus <workload>   only connections from or to this workload (ns/name, name or ns/name[Kind])
      --port <port[/proto]> only connections that allow this port (protocol TCP unless given)
  kube-netlint explain [options] <src> <dst> [paths...]
      Whether src may connect to dst and why: which policies isolate each side and which rules
      admit. src and dst are ns/name, ns/name[Kind], name, {ingress-controller} or an IPv4 address.
      --port <port[/proto]> ask about one port. Formats: txt (default), json.
  kube-netlint diff [options] <old-paths> <new-paths>
      Connections added, removed and changed between two versions. Formats: txt, md, json, html.
      --fail-on-added      exit 1 when the new version opens a connection
  kube-netlint graph [options] <paths...>
      The network as a picture: html (self-contained, offline), dot, mermaid, json; see docs/report.md.
Common options: -f/--format, -o/--output-file, -n/--namespace, -c/--config, --no-config,
--ignore-pattern, --max-file-bytes, --max-input-bytes (as for linting; see docs/limits.md).
Paths default to the current directory; "-" reads stdin. Files that cannot be read, or read
only in part, are named on stderr.
`;

interface Slice {
  engine: PolicyEngine;
  defaultNamespace: string;
}

export interface InputOptions {
  config?: string;
  'no-config'?: boolean;
  namespace?: string;
  'ignore-pattern'?: string[];
  'max-file-bytes'?: string;
  'max-input-bytes'?: string;
}

/**
 * Config, discovery and reading shared by the network commands, as `kube-netlint` reads input: the
 * fast reader (worker threads for large inputs) and the same input limits. Files over a limit come
 * back as files with a problem and no documents.
 */
export async function loadInput(
  paths: string[],
  io: Io,
  opts: InputOptions,
  command = '',
): Promise<{ files: SourceFile[]; config?: Config; defaultNamespace: string }> {
  const known = new Set(RULES.map((r) => r.meta.id));
  let config: Config | undefined;
  if (opts.config) config = loadConfig(path.resolve(io.cwd, opts.config), known, io.cwd);
  else if (!opts['no-config']) {
    const found = findConfig(io.cwd);
    if (found) config = loadConfig(found, known, io.cwd);
  }
  const defaultNamespace = opts.namespace ?? config?.namespace ?? DEFAULT_NAMESPACE;
  const discovered = await discover(paths.length ? paths : (config?.roots ?? ['.']), {
    cwd: io.cwd,
    ignore: [...(config?.ignorePatterns ?? []), ...(opts['ignore-pattern'] ?? [])],
  });
  if (discovered.unmatched.length) {
    throw new CommandUsageError(`no files matching ${discovered.unmatched.map((u) => `"${u}"`).join(', ')} were found`);
  }
  for (const chart of discovered.skippedCharts) {
    const at = terminalSafe(displayPath(chart, io.cwd));
    io.stderr.write(`kube-netlint: skipping Helm chart ${terminalSafe(at)}: render it first (helm template ${terminalSafe(at)} | kube-netlint ${command}${command ? ' ' : ''}-)\n`);
  }
  const limits = inputLimitsOf(opts);
  if ('error' in limits) throw new CommandUsageError(limits.error);
  const limited = applyInputLimits(discovered.files, io.cwd, limits);
  const loaded = await loadFilesParallel(limited.files, io.cwd);
  const files = inDiscoveryOrder(discovered.files, [...loaded.files, ...limited.refused]);
  const errors = [...limited.errors, ...loaded.errors].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of errors) io.stderr.write(`kube-netlint: cannot read ${terminalSafe(e.path)}: ${terminalSafe(e.message)}\n`);
  if (discovered.stdin) {
    files.push(await loadStdin(io.stdin, limits, limited.bytes));
  }
  return { files, config, defaultNamespace };
}

async function loadSlice(paths: string[], io: Io, opts: InputOptions): Promise<Slice> {
  const { files, config, defaultNamespace } = await loadInput(paths, io, opts);
  // The answer leaves out what could not be read: say so (lint runs report these as yaml-syntax findings).
  for (const f of files) {
    for (const p of f.problems) {
      const { line, column } = f.position(p.range[0]);
      io.stderr.write(`kube-netlint: warning: ${terminalSafe(f.path)}:${line}:${column}: ${terminalSafe(p.message)}\n`);
    }
  }
  const model = buildModel(files, { defaultNamespace });
  const graph = new Graph(model);
  return { engine: new PolicyEngine(model, graph, config?.policy), defaultNamespace };
}

function parsePort(s: string | undefined): { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(s.trim());
  const proto = (m?.[2] ?? 'TCP').toUpperCase();
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535 || !isProtocol(proto)) {
    throw new CommandUsageError(`--port "${s}": expected <port> or <port>/<TCP|UDP|SCTP>`);
  }
  return { protocol: proto, port: Number(m[1]) };
}

/** Write a report to `-o FILE` (creating its folder) or to stdout. */
export function write(io: Io, outFile: string | undefined, text: string): void {
  if (!outFile) {
    io.stdout.write(text);
    return;
  }
  const abs = path.resolve(io.cwd, outFile);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

function checkFormat(format: string | undefined, allowed: readonly string[]): string {
  const f = format ?? 'txt';
  if (!allowed.includes(f)) throw new CommandUsageError(`unknown format "${f}" (available: ${allowed.join(', ')})`);
  return f;
}

function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new CommandUsageError((e as Error).message.split('\n')[0]);
  }
}

/** Does a connection end match a --focus value? */
function focusMatches(name: string, focus: string, defaultNamespace: string): boolean {
  if (name === focus) return true;
  const m = /^([^/]+)\/([^[]+)\[/.exec(name);
  if (!m) return false;
  return focus === `${m[1]}/${m[2]}` || (m[1] === defaultNamespace && focus === m[2]);
}

export async function connectivityCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...COMMON, focus: { type: 'string' }, port: { type: 'string' } } }),
  );
  if (values.help) {
    io.stdout.write(NETWORK_HELP);
    return 0;
  }
  const format = checkFormat(values.format, CONNECTIVITY_FORMATS);
  const port = parsePort(values.port);
  const slice = await loadSlice(positionals, io, values);
  let conns: Connection[] = slice.engine.connectivity();
  const focus = values.focus;
  const isAddress = (f: string) => /^[\d.,/-]+$/.test(f);
  if (focus && focus !== INGRESS_CONTROLLER && !isAddress(focus) && slice.engine.findPod(focus, slice.defaultNamespace).length === 0) {
    throw new CommandUsageError(`--focus: no workload "${focus}" in the input (use namespace/name, or namespace/name[Kind])`);
  }
  if (focus) conns = conns.filter((c) => focusMatches(c.src, focus, slice.defaultNamespace) || focusMatches(c.dst, focus, slice.defaultNamespace));
  if (port) conns = conns.filter((c) => c.conn.has(port.protocol, port.port));
  write(io, values['output-file'], formatConnectivity(conns, format));
  return 0;
}

export async function explainCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...COMMON, port: { type: 'string' } } }),
  );
  if (values.help) {
    io.stdout.write(NETWORK_HELP);
    return 0;
  }
  if (positionals.length < 2) throw new CommandUsageError('explain needs a source and a destination (explain <src> <dst> [paths...])');
  const format = checkFormat(values.format, ['txt', 'json']);
  const port = parsePort(values.port);
  const [srcSpec, dstSpec, ...paths] = positionals;
  const slice = await loadSlice(paths, io, values);
  const resolve = (spec: string): { ep: Endpoint; name: string } => {
    if (/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(spec)) {
      const atom = slice.engine.atomOf(spec);
      if (atom === 'several') {
        throw new CommandUsageError(`"${spec}" spans address ranges that the policies treat differently; ask about one address (or a smaller CIDR)`);
      }
      if (atom === undefined || atom < 0) throw new CommandUsageError(`"${spec}" is not a valid IPv4 address`);
      return { ep: { kind: 'external', atom }, name: spec };
    }
    const pods = slice.engine.findPod(spec, slice.defaultNamespace);
    if (pods.length === 0) throw new CommandUsageError(`no workload "${spec}" in the input (use namespace/name, or namespace/name[Kind])`);
    if (pods.length > 1) throw new CommandUsageError(`"${spec}" names ${pods.length} workloads (${pods.map((p) => p.name).join(', ')}): add [Kind]`);
    return { ep: { kind: 'pod', pod: pods[0] }, name: pods[0].name };
  };
  const src = resolve(srcSpec);
  const dst = resolve(dstSpec);
  const explanation = slice.engine.evaluate(src.ep, dst.ep, true);
  const notes: string[] = [];
  if (src.ep.kind === 'pod' && dst.ep.kind === 'pod' && src.ep.pod === dst.ep.pod) {
    notes.push('a pod can always reach itself; the answer above is for traffic between different pods (replicas) of this workload');
  }
  for (const e of [src.ep, dst.ep]) {
    if (e.kind === 'pod' && e.pod.workload?.hostNetwork) {
      notes.push(`${e.pod.name} uses hostNetwork: how NetworkPolicies apply to it depends on the network plugin`);
    }
  }
  const input = { src: src.name, dst: dst.name, port, explanation, notes };
  write(io, values['output-file'], format === 'json' ? `${JSON.stringify(explainJson(input), null, 2)}\n` : explainText(input));
  return 0;
}

export async function diffCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...COMMON, 'fail-on-added': { type: 'boolean' } } }),
  );
  if (values.help) {
    io.stdout.write(NETWORK_HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new CommandUsageError('diff needs two inputs: diff <old-paths> <new-paths>');
  if (positionals[0] === '-' && positionals[1] === '-') throw new CommandUsageError('diff reads standard input ("-") for one side only: give a path for the other');
  if (values.format === 'html') return diffHtmlCommand(positionals, values, io);
  const format = checkFormat(values.format, DIFF_FORMATS);
  const before = await loadSlice([positionals[0]], io, values);
  const after = await loadSlice([positionals[1]], io, values);
  const diffs = diffConnectivity(before.engine.connectivity(), after.engine.connectivity());
  write(io, values['output-file'], formatDiff(diffs, format));
  return values['fail-on-added'] && diffs.some(opensConnections) ? 1 : 0;
}

export const NETWORK_COMMANDS: Record<string, (argv: string[], io: Io) => Promise<number>> = {
  connectivity: connectivityCommand,
  explain: explainCommand,
  diff: diffCommand,
  graph: graphCommand,
};
