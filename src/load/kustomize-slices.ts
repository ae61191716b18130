/**
 * Kustomize roots on the input road (src/load/input.ts, `InputOptions.kustomize`): the discovered
 * files split into cluster slices by src/load/kustomize.ts — the files outside any Kustomize tree,
 * and one slice per top-level root (its resource files, those outside the walk read too, or its
 * build output). Nothing is printed here: notes and errors come back for the caller to show.
 */
import path from 'node:path';
import type { DiscoveredFile } from './discover.js';
import { originMapper } from './kustomize-build.js';
import { planSlices } from './kustomize.js';
import { namespaceValues } from './kustomize-namespace.js';
import type { NameAffixes } from './kustomize-namespace.js';
import type { PatchTarget } from './kustomize-patches.js';
import type { KustomizeOptions, SlicePlan } from './kustomize.js';
import { loadText } from './load.js';
import type { ReadError } from './load.js';
import type { ManifestDocument, SourceFile } from './text.js';

export interface KustomizeInputOptions {
  /** The build program (see `resolveKustomizeCommand`); an error is handed back as `error`, unplanned. */
  command: string[] | null | { error: string };
  /** The paths of the run (directories the walk went through). */
  walked: string[];
  /** What the walk knows of them: see `KustomizeOptions.listed`. */
  listed?: KustomizeOptions['listed'];
  ignore?: string[];
  gitignore?: boolean;
  build?: KustomizeOptions['build'];
  /** The network commands want one slice: their usage line, for the hint when there are several roots (see `chooseSlice`). */
  one?: string;
}

/** One slice, loaded: its files, and how its findings name the root and map back to the sources. */
export interface LoadedSlice {
  root?: string;
  files: SourceFile[];
  /** The absolute paths of a file slice's files, those the caller read before (`alreadyRead`) included. */
  paths?: string[];
  map?: ReturnType<typeof originMapper>;
  /** A root linted without a build: the namespace and name affixes a build gives each file (see `builtNames`). */
  namespaces?: Map<string, string>;
  affixes?: Map<string, NameAffixes>;
  /** What the patches of a root linted without a build change (src/load/kustomize-patches.ts). */
  patched?: PatchTarget[];
}

export interface KustomizeInput {
  /** A usage error (a --kustomize-command that cannot be used, no one slice for a network command). */
  error?: string;
  /** What was skipped and why (one line each). */
  notes: string[];
  /** Roots that could not be read or built. */
  rootErrors: SlicePlan['errors'];
  /** Roots a network command left out. */
  warning?: string;
  /** Resource files outside the walk that could not be read. */
  readErrors: ReadError[];
  slices: LoadedSlice[];
  /** Roots and files that failed (the run is not clean). */
  errors: number;
  /** The input holds no Kustomize tree: the road's files are the one slice. */
  plain: boolean;
}

/** Every file the file slices read (each once). */
function filesToRead(plan: SlicePlan): DiscoveredFile[] {
  const seen = new Map<string, DiscoveredFile>();
  for (const s of plan.slices) {
    if (s.kind !== 'files') continue;
    for (const f of s.files) if (!seen.has(f.absPath)) seen.set(f.absPath, f);
  }
  return [...seen.values()].sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
}

/** The loaded files of each slice (`loaded`: the files read, by absolute path; stdin joins the ordinary slice). */
function loadSlices(plan: SlicePlan, loaded: SourceFile[], stdin: SourceFile | undefined, cwd: string): LoadedSlice[] {
  const byPath = new Map<string, SourceFile>();
  for (const f of loaded) if (f.absPath !== undefined) byPath.set(path.normalize(f.absPath), f);
  const out: LoadedSlice[] = [];
  for (const s of plan.slices) {
    if (s.kind === 'rendered') {
      const stream = loadText(s.rendered.name, s.rendered.text);
      out.push({ root: s.root, files: [stream], map: originMapper(stream, s.rendered, cwd) });
    } else {
      const files = s.files
        .map((f) => byPath.get(path.normalize(f.absPath)))
        .filter((f): f is SourceFile => f !== undefined);
      out.push({
        root: s.root,
        files,
        paths: s.files.map((f) => f.absPath),
        ...unbuiltParts(s),
      });
    }
  }
  if (stdin) {
    const ordinary = out.find((s) => s.root === undefined);
    if (ordinary) ordinary.files.push(stdin);
    else out.unshift({ files: [stdin] });
  }
  return out;
}

/** What a build would change of a root linted without one (only the parts it has: plain data). */
export function unbuiltParts(
  s: Pick<LoadedSlice, 'namespaces' | 'affixes' | 'patched'>,
): Pick<LoadedSlice, 'namespaces' | 'affixes' | 'patched'> {
  return {
    ...(s.namespaces ? { namespaces: s.namespaces } : {}),
    ...(s.affixes ? { affixes: s.affixes } : {}),
    ...(s.patched ? { patched: s.patched } : {}),
  };
}

/**
 * What the model of a root linted without a build reads of its files (`files`, those of the slice
 * as they are now): the objects in the namespace a build gives them, and the names it would give
 * them (`ModelOptions.documentValue`, `ModelOptions.nameAffixes`).
 */
export function builtNames(
  slice: { namespaces?: ReadonlyMap<string, string>; affixes?: ReadonlyMap<string, NameAffixes> },
  files: SourceFile[],
): {
  documentValue?: (doc: ManifestDocument) => unknown;
  nameAffixes?: (file: SourceFile) => NameAffixes | undefined;
} {
  const { namespaces, affixes } = slice;
  return {
    documentValue: namespaces ? namespaceValues(files, namespaces) : undefined,
    nameAffixes: affixes
      ? (f) => (f.absPath === undefined ? undefined : affixes.get(path.normalize(f.absPath)))
      : undefined,
  };
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
    return {
      plan: { ...plan, slices: ordinary },
      warning: `skipping ${count}: each is a cluster of its own, not part of the files outside them; ${hint}`,
    };
  }
  return { error: `the input holds ${count}, each a cluster of its own: ${hint}` };
}

/**
 * The cluster slices of the files the road read (`files`, standard input last) from the files it
 * discovered: see the top of this module. `read` reads resource files outside the walk.
 */
export async function kustomizeInput(
  files: SourceFile[],
  discovered: DiscoveredFile[],
  cwd: string,
  o: KustomizeInputOptions,
  read: (files: DiscoveredFile[]) => Promise<{ files: SourceFile[]; errors: ReadError[] }>,
): Promise<KustomizeInput> {
  const none: KustomizeInput = {
    notes: [],
    rootErrors: [],
    readErrors: [],
    slices: [{ files }],
    errors: 0,
    plain: true,
  };
  const command = o.command;
  if (command !== null && 'error' in command) return { ...none, error: command.error };
  const planned = await planSlices(discovered, {
    cwd,
    walked: o.walked,
    listed: o.listed,
    ignore: o.ignore,
    gitignore: o.gitignore,
    command,
    build: o.build,
  });
  if (planned.roots.length === 0 && planned.notes.length === 0 && planned.errors.length === 0) return none;
  const out: KustomizeInput = {
    notes: planned.notes,
    rootErrors: planned.errors,
    readErrors: [],
    slices: [],
    errors: planned.errors.length,
    plain: false,
  };
  let plan = planned;
  if (o.one !== undefined) {
    const chosen = chooseSlice(plan, o.one);
    if ('error' in chosen) return { ...out, error: chosen.error };
    out.warning = chosen.warning;
    plan = chosen.plan;
    out.errors = plan.errors.length;
  }
  const have = new Set(files.filter((f) => f.absPath !== undefined).map((f) => path.normalize(f.absPath as string)));
  const missing = filesToRead(plan).filter((f) => !have.has(path.normalize(f.absPath)));
  const extra = missing.length ? await read(missing) : { files: [], errors: [] };
  out.readErrors = extra.errors;
  out.errors += extra.errors.length;
  const stdin = files.find((f) => f.absPath === undefined);
  out.slices = loadSlices(plan, [...files.filter((f) => f.absPath !== undefined), ...extra.files], stdin, cwd);
  return out;
}
