/**
 * The objects that the patches of a Kustomize root change, for a root linted without a build
 * (src/load/kustomize.ts): the patches are not applied, so what is found about these objects may
 * not hold once built, and the findings say so (src/cli/slices.ts). A patch changes the objects of
 * its kustomization (its resources and bases) that its target names (kind, and name as a regular
 * expression, as kustomize matches it), or, without a target, the kind and name of each document
 * of the patch. A target that names no kind or name, or selects by labels or annotations, is taken
 * to name every object of its kind (or every object): too many rather than too few.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { yamlLib } from './yaml-lib.js';

/** What a patch changes: objects of `files` of `kind` (any when undefined) whose name matches `name`. */
export interface PatchTarget {
  /** The patch file, or the kustomization file of an inline patch (display path). */
  patch: string;
  /** The resource files of the kustomization that has the patch (absolute paths). */
  files: ReadonlySet<string>;
  kind?: string;
  name?: RegExp;
  /** It may change labels, selectors or namespaces: what a selector selects (`SELECTED_KEYS`). */
  relabels: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The documents of a YAML text as plain data (none where it does not parse). */
function documents(text: string): unknown[] {
  try {
    return yamlLib()
      .parseAllDocuments(text)
      .filter((d) => d.errors.length === 0)
      .map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  } catch {
    return [];
  }
}

/** A target name, matched as kustomize matches it: a whole-name regular expression. */
function nameRegExp(name: string | undefined): RegExp | undefined {
  if (name === undefined) return undefined;
  try {
    return new RegExp(`^(?:${name})$`);
  } catch {
    return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  }
}

/**
 * Keys below which a patch changes nothing the rules judge: scale, images, resources, volumes,
 * scheduling, security settings. (Not the environment, arguments or command, where workloads name
 * the Services they call, nor annotations, which suppress findings and configure Ingresses.) A
 * patch whose every change is below one of them is left out.
 */
const INERT_KEYS = new Set([
  'replicas',
  'image',
  'imagePullPolicy',
  'imagePullSecrets',
  'resources',
  'volumeMounts',
  'volumes',
  'nodeSelector',
  'tolerations',
  'affinity',
  'topologySpreadConstraints',
  'priorityClassName',
  'securityContext',
  'terminationGracePeriodSeconds',
  'strategy',
  'revisionHistoryLimit',
  'minReadySeconds',
  'progressDeadlineSeconds',
]);

/** The key paths a strategic merge patch sets (its identity fields left out). */
function leafPaths(v: unknown, at: string[], out: string[][]): void {
  if (Array.isArray(v)) v.forEach((x) => leafPaths(x, at, out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) leafPaths(x, [...at, k], out);
  else out.push(at);
}

/**
 * The key paths a patch (its documents) changes: the paths of a JSON patch's operations, and what a
 * strategic merge patch sets, less what names the object patched. Undefined when it is neither.
 */
function changedPaths(docs: unknown[]): { json: string[][]; merge: string[][] } | undefined {
  const json: string[][] = [];
  const merge: string[][] = [];
  for (const d of docs) {
    if (Array.isArray(d)) {
      for (const op of d) {
        if (!isObj(op)) return undefined;
        for (const p of [op.path, op.from]) if (typeof p === 'string') json.push(p.split('/'));
      }
    } else if (isObj(d)) {
      const { apiVersion: _v, kind: _k, metadata, ...rest } = d;
      const { name: _n, namespace: _ns, ...meta } = isObj(metadata) ? metadata : {};
      leafPaths({ ...rest, metadata: meta }, [], merge);
    } else return undefined;
  }
  return { json, merge };
}

/** Does a patch change only what the rules do not judge? */
function inert(changed: NonNullable<ReturnType<typeof changedPaths>>): boolean {
  const below = (p: string[]) => p.some((k) => INERT_KEYS.has(k));
  // A list item's merge key (a container's `name`) only says which item is patched.
  const says = (p: string[]) => p[p.length - 1] === 'name';
  return changed.json.every(below) && changed.merge.every((p) => below(p) || says(p));
}

/** Keys under which a patch changes what selectors select: labels, selectors, the namespace. */
const SELECTED_KEYS = new Set(['labels', 'selector', 'matchLabels', 'matchExpressions', 'namespace', '$patch']);

/** The targets of one patch entry of a kustomization in `dir` (a path or inline text, and a target). */
function targetsOf(
  dir: string,
  file: string,
  entry: unknown,
  files: ReadonlySet<string>,
  show: (p: string) => string,
): PatchTarget[] {
  const inline = typeof entry === 'string' && (entry.includes('\n') || /^\s*[{[]/.test(entry));
  const e: Obj = typeof entry === 'string' ? (inline ? { patch: entry } : { path: entry }) : isObj(entry) ? entry : {};
  const where = str(e.path) !== undefined ? path.resolve(dir, e.path as string) : file;
  const patch = show(where);
  const text = str(e.patch) ?? (str(e.path) !== undefined ? readText(where) : undefined);
  const docs = text === undefined ? undefined : documents(text);
  // What cannot be read is taken to change anything.
  const changed = docs?.length ? changedPaths(docs) : undefined;
  if (changed && inert(changed)) return [];
  const relabels =
    changed === undefined || [...changed.json, ...changed.merge].some((p) => p.some((k) => SELECTED_KEYS.has(k)));
  if (isObj(e.target)) {
    const t = e.target;
    const bySelector = str(t.labelSelector) !== undefined || str(t.annotationSelector) !== undefined;
    return [{ patch, files, relabels, kind: str(t.kind), name: bySelector ? undefined : nameRegExp(str(t.name)) }];
  }
  // A strategic merge patch names what it patches; a JSON patch without a target patches nothing.
  return (docs ?? [])
    .filter(isObj)
    .map((d) => ({
      patch,
      files,
      relabels,
      kind: str(d.kind),
      name: nameRegExp(str(isObj(d.metadata) ? d.metadata.name : undefined)),
    }))
    .filter((t) => t.kind !== undefined || t.name !== undefined);
}

/**
 * The patch targets of the kustomizations of the root in `dir` (`all`: every kustomization read,
 * by folder; `show` gives display paths). Empty when none has a patch.
 */
export function patchTargetsOf(
  dir: string,
  all: ReadonlyMap<string, { file: string; resources: string[]; bases: string[] }>,
  show: (p: string) => string,
): PatchTarget[] {
  const out: PatchTarget[] = [];
  const subtree = (d: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(d)) return seen;
    seen.add(d);
    for (const b of all.get(d)?.bases ?? []) subtree(b, seen);
    return seen;
  };
  for (const d of subtree(dir)) {
    const k = all.get(d);
    if (!k) continue;
    const v = documents(readText(k.file))[0];
    if (!isObj(v)) continue;
    const entries = [v.patches, v.patchesStrategicMerge, v.patchesJson6902].flatMap((x) => (Array.isArray(x) ? x : []));
    if (entries.length === 0) continue;
    const files = new Set([...subtree(d)].flatMap((s) => (all.get(s)?.resources ?? []).map((r) => path.normalize(r))));
    for (const e of entries) out.push(...targetsOf(d, k.file, e, files, show));
  }
  return out;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The patch (display path) that changes an object of kind `kind` named `name` of `file`, if one. */
export function patchOf(
  targets: readonly PatchTarget[],
  file: string | undefined,
  kind: string,
  name: string,
): string | undefined {
  if (file === undefined) return undefined;
  const abs = path.normalize(file);
  for (const t of targets) {
    if (!t.files.has(abs)) continue;
    if (t.kind !== undefined && t.kind !== kind) continue;
    if (t.name !== undefined && !t.name.test(name)) continue;
    return t.patch;
  }
  return undefined;
}
