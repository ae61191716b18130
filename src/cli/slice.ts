/**
 * The network commands' input (`connectivity`, `explain`, `diff`, `graph`): their common options,
 * and one cluster slice read on the input road and analysed (model, graph, policy engine, and the
 * lint findings when asked for).
 */
import { RULES } from '../../rules/index.js';
import { runRules } from '../engine/runner.js';
import type { SettingFlags } from '../engine/settings.js';
import type { Finding } from '../engine/types.js';
import { terminalSafe } from '../format/escape.js';
import { Graph } from '../graph/graph.js';
import type { SourceFile } from '../load/source.js';
import { buildModel } from '../model/model.js';
import type { Model } from '../model/model.js';
import { isProtocol } from '../policy/conn.js';
import { PolicyEngine } from '../policy/engine.js';
import { analysisGaps, droppedObjects } from '../policy/gaps.js';
import type { Gap } from '../policy/gaps.js';
import { printGaps } from './gaps.js';
import { readRunInput, settingsFor } from './input.js';
import { kustomizeOptions, kustomizeSlices } from './slices.js';
import { unpatchedFindings } from '../engine/unbuilt.js';
import { builtNames } from '../load/kustomize-slices.js';
import { UsageError } from './io.js';
import type { Io } from './io.js';
import type { Progress } from './progress.js';

const KNOWN_RULES: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id));

/** Options every network command accepts. */
export const NETWORK_OPTIONS = {
  config: { type: 'string', short: 'c' },
  'no-config': { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  format: { type: 'string', short: 'f' },
  'output-file': { type: 'string', short: 'o' },
  'ignore-pattern': { type: 'string', multiple: true },
  'max-file-bytes': { type: 'string' },
  'max-input-bytes': { type: 'string' },
  'no-error-on-unmatched-pattern': { type: 'boolean' },
  'kustomize-command': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const NETWORK_OPTIONS_HELP = `  -f, --format <name>      Output format (see above)
  -o, --output-file <file> Write to a file instead of stdout
  -n, --namespace <name>   Namespace of objects without metadata.namespace (default: default)
  -c, --config <file>      Use this config file instead of looking for .kube-netlint.yaml
      --no-config          Do not look for a config file
      --ignore-pattern <g> Skip files matching the glob; repeatable
      --max-file-bytes <size>, --max-input-bytes <size>
                           Input limits, as for linting (see docs/limits.md)
      --no-error-on-unmatched-pattern
                           Paths that match nothing, or input without any Kubernetes manifest,
                           are not an error (exit code 2 otherwise)
      --kustomize-command <cmd>
                           Build Kustomize roots with it ("kustomize build", "kubectl kustomize";
                           default: whichever is on the PATH), or "none". With several top-level
                           roots, name the one to analyse (docs/kustomize.md)
  -h, --help               Show this help
Paths default to the config's "roots", else the current directory; "-" reads stdin. Files that
cannot be read, or read only in part, are named on stderr.
`;

export interface SliceFlags extends SettingFlags {
  'no-error-on-unmatched-pattern'?: boolean;
  'kustomize-command'?: string;
}

/** One version of the manifests, analysed. */
export interface LoadedSlice {
  model: Model;
  graph: Graph;
  engine: PolicyEngine;
  /** The lint findings (empty unless asked for). */
  findings: Finding[];
  defaultNamespace: string;
  /** What the analysis leaves out (src/policy/gaps.ts); each kind is named on stderr. */
  gaps: Gap[];
  /**
   * A path could not be read (other than for permission) or a Kustomize root could not be built:
   * named on stderr; the command still answers, and exits 2 (the answer lacks that input).
   */
  unread: boolean;
}

export interface SliceOptions {
  /** The command's name, for notes on stderr. */
  command: string;
  /** Run the rules (the graph's findings); the old side of a diff needs none. */
  lint?: boolean;
  /** Name what could not be read on stderr (what the answer leaves out). */
  warnProblems?: boolean;
  /** Names this input in the gap warnings (the two sides of a diff). */
  label?: string;
  /** Progress on a terminal (./progress.ts). */
  progress?: Progress;
}

/** Read and analyse the manifests under `paths` (default: the config's roots, else `.`). */
export async function loadSlice(paths: string[], io: Io, flags: SliceFlags, o: SliceOptions): Promise<LoadedSlice> {
  const resolved = settingsFor(flags, io, KNOWN_RULES);
  const targets = paths.length ? paths : (resolved.roots ?? ['.']);
  // A Kustomize tree: its one top-level root (several: the user names one), planned on the road.
  const kustomize = kustomizeOptions(targets, io, {
    commandFlag: flags['kustomize-command'],
    ignore: resolved.ignore,
    limits: resolved.limits,
    one: o.command || '<command>',
  });
  const input = await readRunInput(targets, io, {
    command: o.command,
    settings: resolved,
    noErrorOnUnmatched: flags['no-error-on-unmatched-pattern'],
    kustomize,
    progress: o.progress,
  });
  const { settings } = resolved;
  // The network commands answer for one cluster: the one slice the road gives.
  const k = kustomizeSlices(input, io);
  if ('error' in k) throw new UsageError(k.error);
  const files = k.slices.flatMap((s) => s.files);
  warnAboutSlice(files, io, o);
  o.progress?.update({ phase: 'building the model' });
  const model = buildModel(files, {
    defaultNamespace: settings.defaultNamespace,
    // A Kustomize root is applied as one (ModelOptions.appliedTogether).
    appliedTogether: k.slices.length === 1 && k.slices[0].root !== undefined,
    ...(k.slices.length === 1 ? builtNames(k.slices[0], files) : {}),
  });
  const graph = new Graph(model);
  // What the analysis leaves out: one warning per kind of gap (src/policy/gaps.ts).
  // Dropped objects first (what the model could not take), then what the analysis leaves out.
  printGaps(io, droppedObjects(model), o.label);
  const gaps = analysisGaps(model, graph);
  printGaps(io, gaps, o.label);
  let findings: Finding[] = [];
  if (o.lint) {
    const result = runRules(model, graph, { rules: RULES, severities: resolved.severities, settings });
    for (const e of result.internalErrors)
      io.stderr.write(`kube-netlint: internal error in rule ${e.ruleId}: ${e.error?.message ?? String(e.error)}\n`);
    findings = result.findings;
    // A root linted without a build: what its patches change is not sure (src/cli/slices.ts).
    if (k.slices.length === 1) unpatchedFindings(findings, k.slices[0].patched, model.resources);
  }
  return {
    model,
    graph,
    engine: new PolicyEngine(model, graph, resolved.config?.policy),
    findings,
    defaultNamespace: settings.defaultNamespace,
    gaps,
    unread: input.errors.length > 0 || k.errors > 0,
  };
}

/**
 * Warnings about a loaded slice: what the network commands' answer leaves out, one
 * `kube-netlint: warning: …` line each on stderr. The one place for them.
 */
function warnAboutSlice(files: SourceFile[], io: Io, o: SliceOptions): void {
  // What could not be read (lint runs report these as yaml-syntax findings; the graph shows them).
  if (o.warnProblems) {
    for (const f of files) {
      for (const p of f.problems) {
        const { line, column } = f.position(p.range[0]);
        io.stderr.write(
          `kube-netlint: warning: ${terminalSafe(f.path)}:${line}:${column}: ${terminalSafe(p.message)}\n`,
        );
      }
    }
  }
}

export function parsePort(s: string | undefined): { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(s.trim());
  const proto = (m?.[2] ?? 'TCP').toUpperCase();
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535 || !isProtocol(proto)) {
    throw new UsageError(`--port "${s}": expected <port> or <port>/<TCP|UDP|SCTP>`);
  }
  return { protocol: proto, port: Number(m[1]) };
}

export function checkFormat(format: string | undefined, allowed: readonly string[]): string {
  const f = format ?? 'txt';
  if (!allowed.includes(f)) throw new UsageError(`unknown format "${f}" (available: ${allowed.join(', ')})`);
  return f;
}
