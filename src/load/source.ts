import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, ParsedNode, Tags } from 'yaml';

/** A path into a manifest value: map keys and sequence indexes. */
export type Path = readonly (string | number)[];

/** A loaded file (or stdin stream) with all its YAML documents. */
export class SourceFile {
  readonly lineCounter = new LineCounter();
  documents: ManifestDocument[] = [];
  /** Problems found while reading or parsing, reported as `yaml-syntax` findings. */
  problems: LoadProblem[] = [];

  constructor(
    /** Display path: relative to the working directory with `/` separators, or `<stdin>`. */
    readonly path: string,
    readonly text: string,
    /** Absolute path on disk, when the source is a file. */
    readonly absPath?: string,
  ) {}

  /** 1-based line and column (UTF-16 code units) of a 0-based offset. */
  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const { line, col } = this.lineCounter.linePos(clamped);
    return { line, column: col };
  }
}

export interface LoadProblem {
  message: string;
  range: [number, number];
  code: string;
}

/** One `---` document of a file. */
export interface ManifestDocument {
  file: SourceFile;
  /** 0-based index of the document in its file. */
  index: number;
  yaml: Document.Parsed;
  /** The document as plain data (null when it could not be converted). */
  value: unknown;
  /** `# Source: chart/templates/x.yaml` comment of Helm-rendered streams. */
  template?: string;
}

// Kubernetes reads manifests the way YAML 1.1 does (yes/no/on/off are booleans, 0755 is octal),
// but timestamps and base-60 numbers stay strings: the API server's YAML-to-JSON step keeps them as text.
const DROPPED_11_TAGS = new Set(['timestamp', 'intTime', 'floatTime']);
/**
 * Exponent floats need a digit before the exponent: `e2` or `E10` are strings for Kubernetes
 * (the `yaml` package's 1.1 pattern would read them as NaN, turning a label value `e2` into a number).
 */
export const FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/;

export function yaml11Tags(tags: Tags): Tags {
  return tags
    .filter((t) => {
      if (typeof t === 'string') return !DROPPED_11_TAGS.has(t);
      if (t.tag === 'tag:yaml.org,2002:timestamp') return false;
      // intTime / floatTime (base 60) carry format 'TIME'
      if ('format' in t && t.format === 'TIME') return false;
      return true;
    })
    .map((t) => (typeof t !== 'string' && 'format' in t && t.format === 'EXP' && t.tag === 'tag:yaml.org,2002:float' ? ({ ...t, test: FLOAT_EXP } as typeof t) : t));
}

/** Parse errors reported per file before the rest are summarised in one finding. */
export const MAX_PROBLEMS_PER_FILE = 20;

const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/m;

export interface ParseOptions {
  /** Use YAML 1.2 core schema (for `.json` files). */
  json?: boolean;
  /** Upper bound of alias expansion (per document). */
  maxAliasCount?: number;
}

/** Parse a file's text into documents, turning every parse error into a problem. */
export function parseSource(file: SourceFile, options: ParseOptions = {}): SourceFile {
  const docs = parseAllDocuments(file.text, {
    lineCounter: file.lineCounter,
    version: options.json ? '1.2' : '1.1',
    schema: options.json ? 'core' : 'yaml-1.1',
    customTags: options.json ? undefined : yaml11Tags,
    prettyErrors: false,
    uniqueKeys: true,
    merge: !options.json,
    strict: false,
  });
  let dropped = 0;
  let last: LoadProblem | undefined;
  docs.forEach((doc, index) => {
    let fatal = false;
    for (const e of doc.errors) {
      if (e.code !== 'DUPLICATE_KEY') fatal = true;
      const message = /Maximum call stack size exceeded/.test(e.message)
        ? 'the document is nested too deeply to be read'
        : cleanMessage(e.message);
      // Garbage (a binary file, a half-pasted template) can yield thousands of errors: keep the
      // first ones, and one per repeated message.
      if (file.problems.length >= MAX_PROBLEMS_PER_FILE || (last && last.message === message && last.code === e.code)) {
        dropped++;
        continue;
      }
      // An error at the very end (an unclosed quote or bracket) points at the last character.
      const end = file.text.length;
      const start = Math.min(e.pos[0], Math.max(0, end - 1));
      last = { message, range: [start, Math.max(start, Math.min(e.pos[1], end))], code: e.code };
      file.problems.push(last);
    }
    if (doc.contents === null) return; // empty document
    if (fatal) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: options.maxAliasCount ?? 100 });
    } catch (err) {
      const [start, end] = doc.contents.range;
      file.problems.push({
        message: `document cannot be read: ${(err as Error).message}`,
        range: [start, Math.min(end, start + 1)],
        code: 'ALIAS_LIMIT',
      });
      return;
    }
    if (value === null || value === undefined) return;
    const md: ManifestDocument = { file, index, yaml: doc, value };
    // The comments before a document's content, from the end of the previous document (the
    // first document's comments may come before its range starts).
    const head = file.text.slice(index > 0 ? Math.min(docs[index - 1].range[2], doc.range[0]) : 0, doc.contents.range[0]);
    const m = HELM_SOURCE.exec(head);
    if (m) md.template = m[1];
    file.documents.push(md);
  });
  if (dropped > 0 && last) {
    file.problems.push({
      message: `${dropped} more YAML ${dropped === 1 ? 'error' : 'errors'} in this file not shown`,
      range: last.range,
      code: 'MORE_ERRORS',
    });
  }
  return file;
}

function cleanMessage(message: string): string {
  // yaml appends " at line X, column Y" in some messages; positions are reported separately.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').replace(/\s+/g, ' ').trim();
}

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
  const range = node.range as [number, number, number];
  if (depth < 64 && (isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1] as unknown;
    const tail: Node | null = isPair(last) ? ((last.value as Node | null) ?? (last.key as Node | null)) : (last as Node);
    if (tail && tail.range) return Math.min(range[1], contentEnd(doc, tail, depth + 1));
  }
  return range[1];
}

interface ChildHit {
  key: Node | null;
  value: Node | null;
}

function deref(doc: Document.Parsed, node: Node | null, seen = 0): Node | null {
  let n = node;
  while (n && isAlias(n) && seen++ < 64) {
    n = (n.resolve(doc) as Node | undefined) ?? null;
  }
  return n;
}

function child(doc: Document.Parsed, parent: Node, seg: string | number, depth = 0): ChildHit | null {
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
  const v = deref(doc, value);
  if (!v) return [];
  if (isSeq(v)) return v.items.map((i) => deref(doc, i as Node)).filter((n): n is Node => !!n);
  return [v];
}

export type { ParsedNode };
