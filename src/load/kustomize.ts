/**
 * Kustomize trees in the input. A directory walk that meets a kustomization file (`kustomization.yaml`,
 * `kustomization.yml` or `Kustomization`) treats its folder as a Kustomize root: the files of the
 * tree are not objects of the ordinary slice (patches, generator inputs), and each top-level root
 * (one that no other kustomization of the input uses as a resource, base or component) is a cluster
 * slice of its own: overlays are different environments.
 *
 * A root's slice is the build output of `kustomize build` or `kubectl kustomize` when one of them is
 * there (src/load/kustomize-build.ts), else the files its kustomization lists as resources,
 * following bases, in the namespace a kustomization sets (src/load/kustomize-namespace.ts), with
 * patches and generators skipped (and said so).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DiscoveredFile } from './discover.js';
import { displayPath } from './discover.js';
import { readErrorMessage } from './read.js';
import { yamlLib } from './yaml-lib.js';
import { buildRoot, kustomizeCommandName } from './kustomize-build.js';

export { resolveKustomizeCommand } from './kustomize-build.js';
import type { BuildOptions, Rendered } from './kustomize-build.js';
import { nameAffixesOf, namespacesOf } from './kustomize-namespace.js';
import type { NameAffixes } from './kustomize-namespace.js';
import { patchTargetsOf } from './kustomize-patches.js';
import type { PatchTarget } from './kustomize-patches.js';

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** A kustomization file, as far as the slices need it. */
export interface Kustomization {
  /** Absolute path of its folder. */
  dir: string;
  /** Absolute path of the kustomization file. */
  file: string;
  /** `kind: Component`: applied by others, never built on its own. */
  component: boolean;
  /** Files listed as resources (absolute paths). */
  resources: string[];
  /** Folders with a kustomization it builds on: resources that are folders, `bases`, `components`. */
  bases: string[];
  /** Other files it reads: patches, generator inputs, transformer configs (absolute paths). */
  uses: string[];
  /** Its fields that change objects, which only a build applies (`patches`, `namePrefix`, …). */
  transforms: string[];
  /** Remote resources (URLs), which are never fetched without a build. */
  remote: string[];
  /** Its `namespace`: set on the objects of its resources and bases, as a build sets it (`namespacesOf`). */
  namespace?: string;
  /** Its `namePrefix` and `nameSuffix`: see `nameAffixesOf`. */
  namePrefix?: string;
  nameSuffix?: string;
  /** Why it could not be read in full (a YAML error, a resource that does not exist). */
  problems: string[];
}

/** Fields of a kustomization that change the objects: a build applies them, reading the files does not. */
const TRANSFORM_FIELDS = [
  'patches',
  'patchesStrategicMerge',
  'patchesJson6902',
  'namespace',
  'namePrefix',
  'nameSuffix',
  'commonLabels',
  'labels',
  'commonAnnotations',
  'images',
  'replicas',
  'configMapGenerator',
  'secretGenerator',
  'generators',
  'transformers',
  'replacements',
  'vars',
  'helmCharts',
  'components',
];

const isRemote = (entry: string) =>
  /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
  /^(git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(entry) ||
  entry.includes('?ref=');

/** Does the start of a file (64 KiB) have a `kind` key? A cheap look, for notes only. */
function mayBeManifest(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return /(^|\n)\s*(kind|"kind")\s*:/.test(buf.toString('utf8', 0, n));
  } catch {
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The kustomization file of a folder, if it has one. */
export function kustomizationFileIn(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_NAMES) {
    const file = path.join(dir, name);
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not there
    }
  }
  return undefined;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
const objects = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x))
    : [];

/** Read one kustomization file (never throws: what cannot be read is in `problems`). */
export function readKustomization(file: string, maxBytes = 16 * 1024 * 1024): Kustomization {
  const dir = path.dirname(file);
  const k: Kustomization = {
    dir,
    file,
    component: false,
    resources: [],
    bases: [],
    uses: [],
    transforms: [],
    remote: [],
    problems: [],
  };
  let value: unknown;
  try {
    if (statSync(file).size > maxBytes) {
      k.problems.push(`the kustomization file is larger than ${maxBytes} bytes`);
      return k;
    }
    const docs = yamlLib().parseAllDocuments(readFileSync(file, 'utf8'));
    const list = Array.isArray(docs) ? docs : [docs];
    const bad = list.find((d) => d.errors.length > 0);
    if (bad) {
      k.problems.push(`not valid YAML: ${bad.errors[0].message.split('\n')[0]}`);
      return k;
    }
    value = list[0]?.toJS({ maxAliasCount: 100 });
  } catch (e) {
    k.problems.push(readErrorMessage(e));
    return k;
  }
  if (value === null || value === undefined) return k;
  if (typeof value !== 'object' || Array.isArray(value)) {
    k.problems.push('not a kustomization (a YAML mapping was expected)');
    return k;
  }
  const v = value as Record<string, unknown>;
  k.component = v.kind === 'Component';
  for (const f of ['namespace', 'namePrefix', 'nameSuffix'] as const) if (typeof v[f] === 'string' && v[f]) k[f] = v[f];
  k.transforms = TRANSFORM_FIELDS.filter(
    (f) => v[f] !== undefined && v[f] !== null && !(Array.isArray(v[f]) && (v[f] as unknown[]).length === 0),
  );
  const use = (entry: string) => {
    // An inline patch or transformer config (YAML text) is not a path.
    if (entry.includes('\n') || /^\s*[{[]/.test(entry)) return;
    k.uses.push(path.resolve(dir, entry));
  };
  for (const entry of [...strings(v.resources), ...strings(v.bases), ...strings(v.components)]) {
    if (isRemote(entry)) {
      k.remote.push(entry);
      continue;
    }
    const abs = path.resolve(dir, entry);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      k.problems.push(`resource ${entry} does not exist`);
      continue;
    }
    if (stat.isDirectory()) {
      if (kustomizationFileIn(abs)) k.bases.push(abs);
      else k.problems.push(`resource ${entry} is a folder without a kustomization file`);
    } else k.resources.push(abs);
  }
  strings(v.patchesStrategicMerge).forEach(use);
  for (const p of [...objects(v.patches), ...objects(v.patchesJson6902), ...objects(v.replacements)])
    strings(p.path).forEach(use);
  for (const g of [...objects(v.configMapGenerator), ...objects(v.secretGenerator)]) {
    for (const f of strings(g.files)) use(f.includes('=') ? f.slice(f.indexOf('=') + 1) : f);
    [...strings(g.envs), ...strings(g.env)].forEach(use);
  }
  for (const f of [
    ...strings(v.crds),
    ...strings(v.configurations),
    ...strings(v.generators),
    ...strings(v.transformers),
    ...strings(v.validators),
  ])
    use(f);
  const openapi = v.openapi as { path?: unknown } | undefined;
  if (openapi && typeof openapi === 'object') strings(openapi.path).forEach(use);
  return k;
}

/** How a top-level root is linted. */
export interface KustomizeOptions {
  cwd: string;
  /**
   * The build program, as an argument list (`['kubectl', 'kustomize']`, `['kustomize', 'build']`);
   * null: none (the files its kustomization lists are linted). See `resolveKustomizeCommand`.
   */
  command: string[] | null;
  /** Directories the walk went through (where `Kustomization` files without an extension are looked for). */
  walked: string[];
  /**
   * The `Kustomization` files of walked directories whose trees the walk listed itself, by absolute
   * path (`DiscoverResult.kustomizationFiles`): not searched again. Used only without ignore globs.
   */
  listed?: ReadonlyMap<string, readonly string[]>;
  /** Ignore globs of the walk (relative to cwd). */
  ignore?: string[];
  gitignore?: boolean;
  /** Limits of one build: see `BuildOptions`. */
  build?: Partial<Omit<BuildOptions, 'command' | 'cwd'>>;
}

/** One cluster slice: files read as they are, or the build output of a Kustomize root. */
export type PlannedSlice =
  | {
      kind: 'files';
      /** The Kustomize root (display path), for the slice of a root linted from its files. */ root?: string;
      files: DiscoveredFile[];
      /**
       * The namespace a build gives the objects of each file (by absolute path): that of the
       * outermost kustomization on the way from the root to the file that sets one.
       */
      namespaces?: Map<string, string>;
      /** The name prefix and suffix a build gives the objects of each file (by absolute path), where any. */
      affixes?: Map<string, NameAffixes>;
      /** What its patches change (not applied without a build), where any. */
      patched?: PatchTarget[];
    }
  | { kind: 'rendered'; root: string; rendered: Rendered };

export interface SlicePlan {
  /** The ordinary slice first (files outside any Kustomize tree), when it has files; then one per top-level root. */
  slices: PlannedSlice[];
  /** Top-level roots (display paths), sorted. */
  roots: string[];
  /** What was skipped and why, one line each (for stderr). */
  notes: string[];
  /** Roots that could not be read or built: one line each, naming the root. */
  errors: { root: string; message: string }[];
}

const inside = (file: string, dir: string) => file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/**
 * Split discovered files into cluster slices (see the top of this file). Without any kustomization
 * in the walk, one slice holds every file, as before.
 */
export async function planSlices(files: DiscoveredFile[], options: KustomizeOptions): Promise<SlicePlan> {
  const { cwd } = options;
  const show = (p: string) => displayPath(p, cwd);
  // Kustomization files the walk met: those it read, and `Kustomization` files (no extension).
  const found = new Set(
    files
      .filter((f) => f.expanded && (KUSTOMIZATION_NAMES as readonly string[]).includes(path.basename(f.absPath)))
      .map((f) => f.absPath),
  );
  const dirs = options.walked.filter((d) => {
    try {
      return statSync(path.resolve(cwd, d)).isDirectory();
    } catch {
      return false;
    }
  });
  // The walk's own listing of a folder has them (without ignore globs, as globby finds them below).
  const listed = (options.ignore ?? []).length === 0 ? options.listed : undefined;
  const known = dirs.flatMap((d) => listed?.get(path.resolve(cwd, d)) ?? []);
  const searched = dirs.filter((d) => !listed?.has(path.resolve(cwd, d)));
  if (searched.length || known.length) {
    const toPosix = (p: string) => p.split(path.sep).join('/');
    const patterns = searched.map((d) => {
      const rel = toPosix(path.relative(cwd, path.resolve(cwd, d)));
      return `${rel === '' ? '' : `${rel.replace(/[*?[\]{}()!@+]/g, '\\$&')}/`}**/Kustomization`;
    });
    const ignore = ['**/node_modules/**', '**/.git/**', ...(options.ignore ?? [])];
    const { globby } = await import('globby');
    // Without .gitignore first (reading those costs more than the walk); the rare hits are checked against it.
    // A folder that cannot be listed is skipped here: the walk reported it (src/load/discover.ts).
    const search = {
      cwd,
      ignore,
      absolute: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      suppressErrors: true,
    } as const;
    let more = [...known, ...(patterns.length ? await globby(patterns, { ...search, gitignore: false }) : [])];
    if (more.length && (options.gitignore ?? true)) {
      const rel = more.map((m) => toPosix(path.relative(cwd, m)).replace(/[*?[\]{}()!@+]/g, '\\$&'));
      more = await globby(rel, { ...search, gitignore: true });
    }
    for (const m of more) found.add(path.normalize(m));
  }
  if (found.size === 0)
    return { slices: files.length ? [{ kind: 'files', files }] : [], roots: [], notes: [], errors: [] };

  // Every kustomization reachable from those the walk met (bases outside the walk included).
  const all = new Map<string, Kustomization>();
  const byDir = (dir: string): Kustomization | undefined => {
    if (all.has(dir)) return all.get(dir);
    const file = kustomizationFileIn(dir);
    if (!file) return undefined;
    const k = readKustomization(file);
    all.set(dir, k);
    for (const b of k.bases) byDir(b);
    return k;
  };
  const inWalk = [...new Set([...found].map((f) => path.dirname(f)))].sort();
  for (const d of inWalk) byDir(d);

  // Top-level roots: used by no other kustomization; then, until every one of the walk is reached,
  // the first of those left (a cycle of kustomizations that use each other).
  const used = new Set<string>();
  for (const k of all.values()) for (const b of k.bases) if (b !== k.dir) used.add(b);
  const closure = (dir: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(dir)) return seen;
    seen.add(dir);
    for (const b of all.get(dir)?.bases ?? []) closure(b, seen);
    return seen;
  };
  const rootDirs = inWalk.filter((d) => !used.has(d));
  const reached = new Set<string>();
  for (const r of rootDirs) for (const d of closure(r)) reached.add(d);
  for (const d of inWalk) {
    if (reached.has(d)) continue;
    rootDirs.push(d);
    for (const x of closure(d)) reached.add(x);
  }

  const notes: string[] = [];
  const errors: SlicePlan['errors'] = [];
  // Files of a Kustomize tree: under a kustomization's folder, or used by one.
  const treeDirs = [...all.keys()];
  const usedFiles = new Set<string>();
  for (const k of all.values()) for (const f of [k.file, ...k.resources, ...k.uses]) usedFiles.add(path.normalize(f));
  const ordinary: DiscoveredFile[] = [];
  for (const f of files) {
    if (!f.expanded) {
      ordinary.push(f);
      continue;
    }
    if (usedFiles.has(f.absPath)) continue;
    const owner = treeDirs.filter((d) => inside(f.absPath, d)).sort((a, b) => b.length - a.length)[0];
    if (owner === undefined) ordinary.push(f);
    // Said only of what looks like a manifest: other YAML (values, tool configs) is left out silently, as ever.
    else if (mayBeManifest(f.absPath))
      notes.push(
        `skipping ${show(f.absPath)}: it is in the Kustomize folder ${show(owner)}, but no kustomization uses it`,
      );
  }

  const slices: PlannedSlice[] = ordinary.length ? [{ kind: 'files', files: ordinary }] : [];
  const roots: string[] = [];
  const buildName = options.command ? kustomizeCommandName(options.command) : undefined;
  const toBuild: { dir: string; root: string; resources: string[] }[] = [];
  const components = rootDirs.filter((d) => all.get(d)?.component).map(show);
  if (components.length) {
    const list = components.length === 1 ? `component ${components[0]}` : `components ${components.join(', ')}`;
    notes.push(
      `skipping Kustomize ${list}: no kustomization in the input uses ${components.length === 1 ? 'it' : 'them'}, and a component is not built on its own`,
    );
  }
  for (const dir of rootDirs.sort()) {
    const k = all.get(dir) as Kustomization;
    const root = show(dir);
    if (k.component) continue;
    roots.push(root);
    const members = [...closure(dir)].map((d) => all.get(d) as Kustomization);
    const problems = members.flatMap((m) => m.problems.map((p) => (m.dir === dir ? p : `${show(m.file)}: ${p}`)));
    if (problems.length && !options.command) {
      errors.push({ root, message: `${show(k.file)}: ${problems[0]}` });
      continue;
    }
    // The files listed as resources, in the order of the kustomizations.
    const seen = new Set<string>();
    const rootFiles: DiscoveredFile[] = [];
    for (const m of members) {
      for (const r of m.resources) {
        const abs = path.normalize(r);
        if (seen.has(abs) || !existsSync(abs)) continue;
        seen.add(abs);
        rootFiles.push({ absPath: abs, expanded: false });
      }
    }
    if (options.command) {
      toBuild.push({ dir, root, resources: rootFiles.map((f) => f.absPath) });
      continue;
    }
    const [namespaces, affixes] = [namespacesOf(dir, all), nameAffixesOf(dir, all)];
    const patched = patchTargetsOf(dir, all, show);
    slices.push({
      kind: 'files',
      root,
      files: rootFiles,
      namespaces,
      affixes,
      patched: patched.length ? patched : undefined,
    });
    const skipped: string[] = [];
    const patches = [...new Set(members.flatMap((m) => m.uses))].map(show);
    // The namespace is applied (src/load/kustomize-namespace.ts); the other fields are not.
    const fields = [...new Set(members.flatMap((m) => m.transforms))].filter((f) => f !== 'namespace');
    if (fields.length) skipped.push(`${fields.join(', ')}${patches.length ? ` (${patches.join(', ')})` : ''}`);
    const remote = members.flatMap((m) => m.remote);
    if (remote.length) skipped.push(`remote resources (${remote.join(', ')})`);
    const what = `${rootFiles.length} resource ${rootFiles.length === 1 ? 'file' : 'files'}`;
    notes.push(
      skipped.length
        ? `Kustomize root ${root}: linted its ${what} as written${namespaces ? ', in the namespace its kustomization sets' : ''}; not applied: ${skipped.join('; ')}. ` +
            'For the built objects, put kustomize or kubectl on the PATH (or name one with --kustomize-command)'
        : namespaces
          ? `Kustomize root ${root}: linted its ${what} in the namespace its kustomization sets (not built, but it has nothing else to apply)`
          : `Kustomize root ${root}: linted its ${what} as written (not built, but it has nothing to apply: the files are what a build gives)`,
    );
  }
  // Builds run a few at a time; their slices and errors keep the order of the roots.
  const command = options.command;
  if (command) {
    const results = await mapLimited(toBuild, BUILD_CONCURRENCY, (b) =>
      buildRoot(b.dir, { ...options.build, command, cwd }),
    );
    toBuild.forEach((b, i) => {
      const built = results[i];
      if ('error' in built) errors.push({ root: b.root, message: `${buildName} failed: ${built.error}` });
      else slices.push({ kind: 'rendered', root: b.root, rendered: { ...built, resources: b.resources } });
    });
  }
  return { slices, roots, notes, errors };
}

/** Builds at a time: each is a process that may take a second or more. */
const BUILD_CONCURRENCY = 4;

async function mapLimited<T, R>(items: T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
