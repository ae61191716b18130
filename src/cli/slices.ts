/**
 * Cluster slices of one run (src/load/kustomize.ts): the files outside any Kustomize tree, and one
 * slice per top-level Kustomize root. Lint runs lint each slice on its own and report all findings;
 * the network commands need one slice, and ask for one root when the input holds several.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { lint } from '../engine/runner.js';
import type { LintOptions } from '../engine/runner.js';
import type { Finding } from '../engine/types.js';
import { terminalSafe } from '../format/escape.js';
import type { DiscoveredFile } from '../load/discover.js';
import { originMapper } from '../load/kustomize-build.js';
import { planSlices, resolveKustomizeCommand } from '../load/kustomize.js';
import type { KustomizeOptions, SlicePlan } from '../load/kustomize.js';
import { readFiles } from '../load/input.js';
import type { Input } from '../load/input.js';
import { loadText } from '../load/load.js';
import type { InputLimits } from '../load/load.js';
import type { SourceFile } from '../load/source.js';
import type { Resource } from '../model/resource.js';

export const KUSTOMIZE_HELP = `      --kustomize-command <cmd> Build Kustomize roots with this command ("kustomize build",
                              "kubectl kustomize"; default: whichever is on the PATH), or "none"
                              to lint the files each kustomization lists as resources`;

/** The slices of the discovered files; notes and build errors written to stderr (one line each). */
export async function planRun(
  files: DiscoveredFile[],
  options: Omit<KustomizeOptions, 'command'> & { commandFlag?: string; env: NodeJS.ProcessEnv; maxBuildBytes: number },
  stderr: NodeJS.WritableStream,
): Promise<SlicePlan | { error: string }> {
  const command = resolveKustomizeCommand(options.commandFlag, options.env);
  if (command !== null && 'error' in command) return command;
  const plan = await planSlices(files, { ...options, command, build: { ...options.build, env: options.env, maxBytes: options.maxBuildBytes } });
  for (const n of plan.notes) stderr.write(`kube-netlint: ${terminalSafe(n)}\n`);
  for (const e of plan.errors) stderr.write(`kube-netlint: Kustomize root ${terminalSafe(e.root)}: ${terminalSafe(e.message)}\n`);
  return plan;
}

/** Every file the file slices read (each once). */
export function filesToRead(plan: SlicePlan): DiscoveredFile[] {
  const seen = new Map<string, DiscoveredFile>();
  for (const s of plan.slices) {
    if (s.kind !== 'files') continue;
    for (const f of s.files) if (!seen.has(f.absPath)) seen.set(f.absPath, f);
  }
  return [...seen.values()].sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
}

/** One slice, loaded: its files, and how its findings name the root and map back to the sources. */
export interface LoadedSlice {
  root?: string;
  files: SourceFile[];
  map?: ReturnType<typeof originMapper>;
}

/** The loaded files of each slice (`loaded`: the files read, by absolute path; stdin joins the ordinary slice). */
export function loadSlices(plan: SlicePlan, loaded: SourceFile[], stdin: SourceFile | undefined, cwd: string): LoadedSlice[] {
  const byPath = new Map<string, SourceFile>();
  for (const f of loaded) if (f.absPath !== undefined) byPath.set(path.normalize(f.absPath), f);
  const out: LoadedSlice[] = [];
  for (const s of plan.slices) {
    if (s.kind === 'rendered') {
      const stream = loadText(s.rendered.name, s.rendered.text);
      out.push({ root: s.root, files: [stream], map: originMapper(stream, s.rendered, cwd) });
    } else {
      const files = s.files.map((f) => byPath.get(path.normalize(f.absPath))).filter((f): f is SourceFile => f !== undefined);
      out.push({ root: s.root, files });
    }
  }
  if (stdin) {
    const ordinary = out.find((s) => s.root === undefined);
    if (ordinary) ordinary.files.push(stdin);
    else out.unshift({ files: [stdin] });
  }
  return out;
}

/** Findings of a root's slice: at their source files where the build says, naming the root. */
function placeFindings(list: Finding[], slice: LoadedSlice): void {
  const { root, map } = slice;
  if (root === undefined) return;
  for (const f of list) {
    const at = map?.({ file: f.file, range: f.range });
    if (at) {
      f.file = at.file;
      f.range = at.range;
      // Quick fixes edit the build output, not the sources.
      f.suggestions = [];
    }
    if (map) {
      f.related = f.related.map((r) => {
        const m = map({ file: r.file, range: r.range });
        return m ? { ...r, ...m } : r;
      });
    }
    f.message = `${f.message} (Kustomize root ${root})`;
    // Two environments built from one base are two findings, with two identities.
    f.fingerprint = createHash('sha256').update(`${root}\u0000${f.fingerprint}`).digest('hex').slice(0, 32);
  }
}

/** Lint each slice on its own; the findings of all of them (ordinary slice first, then the roots in order). */
export function lintSlices(slices: LoadedSlice[], options: LintOptions) {
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const internalErrors: { ruleId: string; error: Error }[] = [];
  const resources: Resource[] = [];
  for (const slice of slices) {
    const result = lint(slice.files, options);
    placeFindings(result.findings, slice);
    placeFindings(result.suppressed, slice);
    findings.push(...result.findings);
    suppressed.push(...result.suppressed);
    internalErrors.push(...result.internalErrors);
    resources.push(...result.model.resources);
  }
  return { findings, suppressed, internalErrors, resources };
}

/**
 * The one slice the network commands analyse. One top-level root: its slice. Several: each is its own
 * cluster, so there is no one answer; with files outside Kustomize trees, those are analysed and the
 * roots left out with a warning (as Helm charts are), else the user must name one root.
 */
export function chooseSlice(plan: SlicePlan, usage: string): { error: string } | { plan: SlicePlan; warning?: string } {
  if (plan.roots.length === 0) return { plan };
  const failed = plan.errors.map((e) => e.root);
  const ordinary = plan.slices.filter((s) => s.root === undefined);
  const rooted = plan.slices.length - ordinary.length + failed.length;
  if (rooted <= 1 && ordinary.length === 0) {
    if (failed.length) return { error: `Kustomize root ${failed[0]} could not be built (see above)` };
    return { plan };
  }
  const roots = plan.roots.join(', ');
  const hint = `name one to analyse it, e.g. kube-netlint ${usage} ${plan.roots[0]}`;
  const count = `${plan.roots.length} Kustomize ${plan.roots.length === 1 ? 'root' : 'roots'} (${roots})`;
  if (ordinary.length) {
    return { plan: { ...plan, slices: ordinary }, warning: `skipping ${count}: each is a cluster of its own, not part of the files outside them; ${hint}` };
  }
  return { error: `the input holds ${count}, each a cluster of its own: ${hint}` };
}

/**
 * The cluster slices of a run read on the input road: the Kustomize roots split out of the
 * discovered files (their resource files outside the walk read too). `one`: the network commands'
 * usage line; they get one slice (see `chooseSlice`). Without any kustomization: the road's files, as
 * they are.
 */
export async function kustomizeSlices(
  input: Input,
  targets: string[],
  io: { cwd: string; env: NodeJS.ProcessEnv; stderr: NodeJS.WritableStream },
  o: { commandFlag?: string; ignore?: string[]; gitignore?: boolean; limits: InputLimits; one?: string },
): Promise<{ slices: LoadedSlice[]; errors: number } | { error: string }> {
  const planned = await planRun(
    input.discovered.files,
    { cwd: io.cwd, walked: targets, ignore: o.ignore, gitignore: o.gitignore, commandFlag: o.commandFlag, env: io.env, maxBuildBytes: o.limits.maxInputBytes },
    io.stderr,
  );
  if ('error' in planned) return planned;
  if (planned.roots.length === 0 && planned.notes.length === 0 && planned.errors.length === 0) return { slices: [{ files: input.files }], errors: 0 };
  let plan = planned;
  if (o.one !== undefined) {
    const chosen = chooseSlice(plan, o.one);
    if ('error' in chosen) return chosen;
    if (chosen.warning) io.stderr.write(`kube-netlint: warning: ${terminalSafe(chosen.warning)}\n`);
    plan = chosen.plan;
  }
  const have = new Set(input.files.filter((f) => f.absPath !== undefined).map((f) => path.normalize(f.absPath as string)));
  const missing = filesToRead(plan).filter((f) => !have.has(path.normalize(f.absPath)));
  const extra = missing.length ? await readFiles(missing, { cwd: io.cwd, limits: o.limits }) : { files: [], errors: [] };
  for (const e of extra.errors) io.stderr.write(`kube-netlint: cannot read ${terminalSafe(e.path)}: ${terminalSafe(e.message)}\n`);
  const stdin = input.files.find((f) => f.absPath === undefined);
  const slices = loadSlices(plan, [...input.files.filter((f) => f.absPath !== undefined), ...extra.files], stdin, io.cwd);
  return { slices, errors: extra.errors.length + plan.errors.length };
}
