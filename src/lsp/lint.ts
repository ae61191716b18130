/**
 * Running the rules over a slice's files: all together, or each Kustomize group on its own (a
 * finding once per file, whichever roots use it). At once for ordinary slices; in steps for big
 * ones (the model, then one rule at a time), yielding to the event loop between steps so that the
 * server answers other requests meanwhile, and stopping when a newer edit makes the run useless.
 * The steps give the same findings as one run: each rule's findings are numbered, deduplicated
 * and sorted by the same keys, all of which include the rule id.
 */
import { buildModel } from '../model/model.js';
import { Graph } from '../graph/graph.js';
import { compareFindings, lint, runRules } from '../engine/runner.js';
import type { LintOptions } from '../engine/runner.js';
import type { Finding, SeveritySetting } from '../engine/types.js';
import { builtNames, unbuiltParts } from '../load/kustomize-slices.js';
import type { KustomizeInput, LoadedSlice } from '../load/kustomize-slices.js';
import { unpatchedFindings } from '../engine/unbuilt.js';
import type { SourceFile } from '../load/source.js';
import { normPath } from './paths.js';

/**
 * One group of files linted together (ids); `root` names a Kustomize root, and for one linted
 * without a build, what a build would change: see `LoadedSlice`.
 */
export interface LintGroup extends Pick<LoadedSlice, 'namespaces' | 'affixes' | 'patched'> {
  root?: string;
  ids: string[];
}

export interface SliceLint {
  findings: Finding[];
  internalErrors: { ruleId: string; error: Error }[];
  objects: number;
}

/** Yield to the event loop; true: stop. */
export type Pause = () => Promise<boolean>;

/** The files of each group (every file in one group when there are no groups); `root` for a Kustomize root's. */
function groupFiles(
  slice: { id: string; file: SourceFile }[],
  groups: LintGroup[] | undefined,
): (Omit<LintGroup, 'ids'> & { files: SourceFile[] })[] {
  if (!groups) return [{ files: slice.map((s) => s.file) }];
  const byId = new Map(slice.map((s) => [s.id, s.file]));
  return groups.map(({ ids, ...g }) => ({
    ...g,
    files: ids.map((id) => byId.get(id)).filter((f): f is SourceFile => f !== undefined),
  }));
}

/** Merge the groups' runs: a base's finding once per file. */
function merge(runs: SliceLint[]): SliceLint {
  if (runs.length === 1) return runs[0];
  const out: SliceLint = { findings: [], internalErrors: [], objects: 0 };
  const seen = new Set<string>();
  for (const r of runs) {
    for (const f of r.findings) {
      const key = `${f.ruleId}\u0000${f.file.path}\u0000${f.range[0]}\u0000${f.range[1]}\u0000${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.findings.push(f);
    }
    out.internalErrors.push(...r.internalErrors);
    out.objects += r.objects;
  }
  return out;
}

/** Lint a slice at once. */
export function lintSlice(
  slice: { id: string; file: SourceFile }[],
  groups: LintGroup[] | undefined,
  options: LintOptions,
): SliceLint {
  return merge(
    groupFiles(slice, groups).map((g) => {
      const { files, root } = g;
      // A Kustomize root is applied as one (ModelOptions.appliedTogether).
      const r = lint(
        files,
        root === undefined ? options : { ...options, appliedTogether: true, ...builtNames(g, files) },
      );
      unpatchedFindings(r.findings, g.patched, r.model.resources);
      return { findings: r.findings, internalErrors: r.internalErrors, objects: r.model.resources.length };
    }),
  );
}

/** Lint a slice in steps, pausing between them; undefined when `pause` said stop. */
export async function lintSliceInSteps(
  slice: { id: string; file: SourceFile }[],
  groups: LintGroup[] | undefined,
  options: LintOptions,
  pause: Pause,
): Promise<SliceLint | undefined> {
  const runs: SliceLint[] = [];
  for (const g of groupFiles(slice, groups)) {
    const { files, root } = g;
    const model = buildModel(files, {
      defaultNamespace: options.settings.defaultNamespace,
      appliedTogether: root !== undefined,
      ...(root === undefined ? {} : builtNames(g, files)),
    });
    if (await pause()) return undefined;
    const graph = new Graph(model);
    const run: SliceLint = { findings: [], internalErrors: [], objects: model.resources.length };
    for (const rule of options.rules) {
      const setting = options.severities?.[rule.meta.id] ?? rule.meta.severity;
      if (setting === 'off') continue;
      // Every rule is known (a rule reads the set of rule ids), the others are off for this step.
      const severities: Record<string, SeveritySetting> = {};
      for (const r of options.rules) severities[r.meta.id] = r === rule ? setting : 'off';
      const r = runRules(model, graph, { ...options, severities });
      run.findings.push(...r.findings);
      run.internalErrors.push(...r.internalErrors);
      if (await pause()) return undefined;
    }
    unpatchedFindings(run.findings, g.patched, model.resources);
    run.findings.sort(compareFindings);
    runs.push(run);
  }
  return merge(runs);
}

/**
 * The lint groups of the road's Kustomize plan (undefined: the folder holds no Kustomize tree,
 * every file is one group). Resource files of a root outside the walk, which the road read for
 * it, join the slice's files (`files`, `read`).
 */
export function plannedGroups(
  k: KustomizeInput | undefined,
  files: string[],
  read: Map<string, SourceFile>,
  log: (message: string) => void,
): LintGroup[] | undefined {
  if (!k) return undefined;
  for (const n of k.notes) log(n);
  for (const e of k.rootErrors) log(`Kustomize root ${e.root}: ${e.message}`);
  for (const e of k.readErrors) log(`cannot read ${e.path}: ${e.message}`);
  if (k.plain) return undefined;
  const walked = new Set(files);
  for (const s of k.slices) {
    for (const f of s.files) {
      if (f.absPath === undefined) continue;
      const id = normPath(f.absPath);
      read.set(id, f);
      if (walked.has(id)) continue;
      files.push(id);
      walked.add(id);
    }
  }
  return k.slices.map((s) => ({
    root: s.root,
    ids: (s.paths ?? s.files.flatMap((f) => (f.absPath === undefined ? [] : [f.absPath]))).map(normPath),
    ...unbuiltParts(s),
  }));
}
