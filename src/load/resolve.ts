/**
 * Where a path of a document is in its file's text: the source range of the node at a path (or
 * of its key), from the document's own locator while it has one that is sure (the fast path's,
 * src/load/locate.ts), else from its `yaml` Document. The bottom of every finding's `file:line:col`.
 */
import type { Document, Node } from 'yaml';
import type { ManifestDocument, Path, SourceFile } from './text.js';
import { yamlLib } from './yaml-lib.js';

/** A location inside a document: the node at `path`, its key when `key` is set. */
export interface Loc {
  doc: ManifestDocument;
  path: Path;
  key?: boolean;
}

/**
 * The source range of the node at `path` (or its key), falling back to the closest existing
 * ancestor when part of the path is missing (merge keys, defaults).
 */
export function resolveRange(loc: Loc): [number, number] {
  const { doc, path } = loc;
  // A document that can read the range from its own text (a fast-path document whose `yaml`
  // Document is not built yet).
  const own = doc.locate?.(path, loc.key);
  if (own) return own;
  let node: Node | null = doc.yaml.contents as Node | null;
  let keyNode: Node | null = null;
  let depth = 0;
  for (; depth < path.length && node; depth++) {
    const seg = path[depth];
    const next = child(doc.yaml, node, seg);
    if (!next) break;
    node = next.value;
    keyNode = next.key;
  }
  const complete = depth === path.length;
  const target = loc.key && complete && keyNode ? keyNode : node;
  if (!target || !target.range) {
    const r = doc.yaml.contents?.range;
    return r ? [r[0], r[1]] : [0, 0];
  }
  const start = target.range[0];
  const end = Math.max(start, contentEnd(doc.yaml, target));
  return [start, end];
}

/**
 * Where a node's own text ends: for a block collection, the end of its last item, so that a range
 * does not run on over trailing comments and line breaks to the start of the next line.
 */
function contentEnd(doc: Document.Parsed, node: Node, depth = 0): number {
  const { isMap, isPair, isSeq } = yamlLib();
  const range = node.range as [number, number, number];
  if (depth < 64 && (isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1] as unknown;
    const tail: Node | null = isPair(last)
      ? ((last.value as Node | null) ?? (last.key as Node | null))
      : (last as Node);
    if (tail && tail.range) return Math.min(range[1], contentEnd(doc, tail, depth + 1));
  }
  return range[1];
}

interface ChildHit {
  key: Node | null;
  value: Node | null;
}

function deref(doc: Document.Parsed, node: Node | null, seen = 0): Node | null {
  const { isAlias } = yamlLib();
  let n = node;
  while (n && isAlias(n) && seen++ < 64) {
    n = (n.resolve(doc) as Node | undefined) ?? null;
  }
  return n;
}

function child(doc: Document.Parsed, parent: Node, seg: string | number, depth = 0): ChildHit | null {
  const { isMap, isPair, isScalar, isSeq } = yamlLib();
  const node = deref(doc, parent);
  if (!node) return null;
  if (isSeq(node)) {
    if (typeof seg !== 'number') return null;
    const item = node.items[seg] as Node | undefined;
    return item ? { key: null, value: item as Node } : null;
  }
  if (isMap(node)) {
    const want = String(seg);
    let merge: Node[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as Node | null;
      const raw = isScalar(k) ? k.value : null;
      const kv = typeof raw === 'symbol' ? (raw.description ?? '') : raw === null ? null : String(raw);
      if (kv === want) {
        return { key: k, value: (pair.value as Node | null) ?? k };
      }
      if (kv === '<<' && pair.value) merge = merge.concat(mergeSources(doc, pair.value as Node));
    }
    if (depth < 8) {
      for (const src of merge) {
        const hit = child(doc, src, seg, depth + 1);
        if (hit) return hit;
      }
    }
  }
  return null;
}

function mergeSources(doc: Document.Parsed, value: Node): Node[] {
  const { isSeq } = yamlLib();
  const v = deref(doc, value);
  if (!v) return [];
  if (isSeq(v)) return v.items.map((i) => deref(doc, i as Node)).filter((n): n is Node => !!n);
  return [v];
}

/** A location given as a raw range, for problems found before the model exists (parse errors). */
export interface RawLoc {
  file: SourceFile;
  range: [number, number];
}

export type AnyLoc = Loc | RawLoc;

const isRaw = (l: AnyLoc): l is RawLoc => 'range' in l;

/** The file and source range of a location. */
export function locate(l: AnyLoc): { file: SourceFile; range: [number, number] } {
  if (isRaw(l)) return { file: l.file, range: l.range };
  return { file: l.doc.file, range: resolveRange(l) };
}

/** `file`, 1-based `line` and `column` of a location. */
export function positionOf(l: AnyLoc): { file: string; line: number; column: number } {
  const { file, range } = locate(l);
  return { file: file.path, ...file.position(range[0]) };
}
