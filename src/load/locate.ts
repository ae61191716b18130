/**
 * An exact locator for the documents of the fast path (src/load/fast.ts), without the `yaml`
 * package. The ranges of findings come from `resolveRange` (src/load/resolve.ts), which walks the
 * `yaml` Document of a document; on the fast path that Document is only built when a range is
 * asked for, and building it costs about half a millisecond per document. This module answers the
 * same question from the document's text alone: a small scanner reads ordinary YAML — block maps
 * and sequences, single-line scalars, flow collections (and so JSON) — into a tree with the exact
 * ranges the `yaml` package gives, checks the tree against the document's value (which js-yaml
 * read), and walks it the way `resolveRange` walks the `yaml` Document.
 *
 * Anything it does not read exactly the way the `yaml` package does gives `undefined` ("not
 * sure"), and `resolveRange` builds the `yaml` Document as before: tags, anchors and aliases,
 * explicit (`?`) keys, merge keys, keys that may not be plain strings (numbers, booleans) before
 * the key wanted, block scalars with `+` or an indentation indicator as targets, multi-line
 * double-quoted scalars with escapes, comments inside flow collections, a byte order mark, Unicode
 * line separators, deep nesting, and any line it cannot place.
 */
import { MAX_DEPTH, Unsure, jsonString, unsure } from './scan.js';
import type { Node, ScalarNode } from './scan.js';
import { Scanner } from './scan-block.js';
import type { Path, SourceFile } from './text.js';

/** Line breaks and marks the scanner does not read the way the parsers do. */
const ODD_TEXT = /[\u0085\u2028\u2029\ufeff]/;

/** Does the tree read the same structure, keys and strings as the value js-yaml read? */
function agrees(source: string, node: Node, value: unknown): boolean {
  switch (node.kind) {
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      const { names } = node;
      if (keys.length !== names.length) return false;
      // js-yaml keeps the keys in the order of the text (unless some look like array indexes):
      // then the i-th name is the i-th key, and no name needs a lookup.
      let inOrder = true;
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        if (name !== null && name !== keys[i]) {
          inOrder = false;
          break;
        }
      }
      if (inOrder) {
        const values = Object.values(obj);
        for (let i = 0; i < names.length; i++) {
          if (names[i] !== null && !agrees(source, node.values[i], values[i])) return false;
        }
        return true;
      }
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        if (name === null) continue;
        if (!Object.prototype.hasOwnProperty.call(obj, name)) return false;
        if (!agrees(source, node.values[i], obj[name])) return false;
      }
      return true;
    }
    case 'seq': {
      if (!Array.isArray(value) || value.length !== node.items.length) return false;
      for (let i = 0; i < node.items.length; i++) if (!agrees(source, node.items[i], value[i])) return false;
      return true;
    }
    case 'opaque':
      return typeof value === 'string';
    case 'scalar':
      return sameScalar(source, node, value);
  }
}

/** Does a scalar's text read as `value`? */
function sameScalar(source: string, node: ScalarNode, value: unknown): boolean {
  if (typeof value === 'object' && value !== null) return false;
  if (node.start === node.end) return value === null;
  if (node.style === 'block') return typeof value === 'string';
  // Most strings are their own text (inside the quotes): a line without line breaks, `''` or escapes.
  if (typeof value === 'string') {
    const quoted = node.style === 'plain' ? 0 : 1;
    if (
      value.length === node.end - node.start - 2 * quoted &&
      source.startsWith(value, node.start + quoted) &&
      !value.includes('\n') &&
      (node.style === 'plain' || !value.includes(node.style === 'single' ? "''" : '\\'))
    )
      return true;
  }
  const text = source.slice(node.start, node.end);
  if (node.style === 'plain')
    return text.includes('\n') ? value === fold(text) : typeof value !== 'string' || value === text;
  if (typeof value !== 'string') return false;
  const inner = fold(text.slice(1, -1));
  if (node.style === 'single') return value === inner.replace(/''/g, "'");
  if (!inner.includes('\\')) return value === inner;
  // (Only single-line double-quoted scalars have escapes.)
  const json = jsonString(text);
  return json === null || value === json;
}

/**
 * The value of a multi-line flow scalar's text (without its quotes): lines folded into spaces,
 * blank lines into line breaks, the spaces around line breaks left out.
 */
function fold(text: string): string {
  if (!text.includes('\n')) return text;
  const lines = text.split(/\r?\n/);
  let out = lines[0].replace(/ +$/, '');
  let blank = 0;
  for (let i = 1; i < lines.length; i++) {
    const last = i === lines.length - 1;
    const line = last ? lines[i].replace(/^ +/, '') : lines[i].trim();
    if (line === '' && !last) {
      blank++;
      continue;
    }
    out += (blank ? '\n'.repeat(blank) : ' ') + line;
    blank = 0;
  }
  return out;
}

/** Where a node's own text ends (as `contentEnd` in src/load/resolve.ts); throws Unsure when not known. */
function contentEnd(node: Node): number {
  for (let depth = 0; ; depth++) {
    if (depth > MAX_DEPTH) unsure();
    switch (node.kind) {
      case 'scalar':
        return node.end;
      case 'opaque':
        return unsure();
      case 'map':
        if (node.end >= 0) return node.end;
        node = node.values[node.values.length - 1];
        break;
      case 'seq':
        if (node.end >= 0) return node.end;
        node = node.items[node.items.length - 1];
        break;
    }
  }
}

/** A scanned document: its tree, or null when the scanner is not sure of it. */
export type Scanned = { root: Node } | null;

/** Scan one document (`text` between `start` and `end`) and check it against its value. */
export function scanDocument(text: string, start: number, end: number, value: unknown): Scanned {
  if (ODD_TEXT.test(text.slice(start, end))) return null;
  try {
    const root = new Scanner(text, start, end).read();
    return agrees(text, root, value) ? { root } : null;
  } catch {
    // Unsure, or anything unexpected (a stack overflow on a pathological text): not sure either.
    return null;
  }
}

/**
 * The range `resolveRange` gives `path` (its key when `key` is set) in a scanned document, or
 * undefined when not sure of it.
 */
export function locateScanned(scanned: Scanned, path: Path, key?: boolean): [number, number] | undefined {
  if (!scanned) return undefined;
  let node: Node = scanned.root;
  let keyStart = -1;
  let keyEnd = -1;
  let depth = 0;
  for (; depth < path.length; depth++) {
    const seg = path[depth];
    if (node.kind === 'map') {
      const want = String(seg);
      let found = -1;
      for (let i = 0; i < node.names.length; i++) {
        const name = node.names[i];
        // A key that may compare equal (a number, a bool, `<<`, an escape) before the one wanted.
        if (name === null) return undefined;
        if (name === want) {
          found = i;
          break;
        }
      }
      if (found < 0) break;
      keyStart = node.keyStart[found];
      keyEnd = node.keyEnd[found];
      node = node.values[found];
    } else if (node.kind === 'seq') {
      if (typeof seg !== 'number') break;
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      keyStart = -1;
      node = item;
    } else {
      break;
    }
  }
  if (key && depth === path.length && keyStart >= 0) return [keyStart, keyEnd];
  if (node.kind === 'opaque') return undefined;
  try {
    return [node.start, Math.max(node.start, contentEnd(node))];
  } catch (e) {
    if (e instanceof Unsure) return undefined;
    throw e;
  }
}

/** The exact locator for `path` of one document's text: `scanDocument` and `locateScanned` in one. */
export function locateInText(
  text: string,
  start: number,
  end: number,
  value: unknown,
  path: Path,
  key?: boolean,
): [number, number] | undefined {
  return locateScanned(scanDocument(text, start, end, value), path, key);
}

/**
 * What the documents of one read keep of their scans (src/load/fast.ts gives one to every document
 * it makes in a run): the tree of the last document scanned. Keeping the tree of every document
 * with a finding costs kilobytes each (gigabytes for 100,000s of findings), and scanning a document
 * anew for each of its findings would cost findings x document size; so the last tree is kept, and
 * that of a document asked for again after another one (a finding and its related location in
 * turn) is kept on that document.
 */
export class ScanMemo {
  /** How many documents were scanned (each at most twice). */
  scans = 0;
  lastChunk: LazyChunk | undefined = undefined;
  lastScanned: Scanned | undefined = undefined;
}

/** A document the locator reads from its text: its chunk of the file, and what it keeps of its scans. */
export interface LazyChunk {
  readonly file: SourceFile;
  readonly value: unknown;
  readonly start: number;
  readonly end: number;
  readonly memo: ScanMemo;
  /** Scanned once already (its tree was not kept). */
  scannedBefore?: boolean;
  /** The scanned tree, kept once the document is scanned a second time (null: not sure of it). */
  scanned?: Scanned;
}

/** The range of `path` in a chunk's text (its key when `key` is set); undefined when not sure. */
export function locateChunk(chunk: LazyChunk, path: Path, key?: boolean): [number, number] | undefined {
  if (chunk.scanned !== undefined) return locateScanned(chunk.scanned, path, key);
  const memo = chunk.memo;
  if (memo.lastChunk !== chunk) {
    const scanned = scanDocument(chunk.file.text, chunk.start, chunk.end, chunk.value);
    memo.scans++;
    if (chunk.scannedBefore) {
      chunk.scanned = scanned;
      return locateScanned(scanned, path, key);
    }
    chunk.scannedBefore = true;
    memo.lastScanned = scanned;
    memo.lastChunk = chunk;
  }
  return locateScanned(memo.lastScanned as Scanned, path, key);
}
