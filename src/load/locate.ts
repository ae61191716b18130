/**
 * An exact locator for the documents of the fast path (src/load/fast.ts), without the `yaml`
 * package. The ranges of findings come from `resolveRange` (src/load/resolve.ts), which walks the
 * `yaml` Document of a document; on the fast path that Document is only built when a range is
 * asked for, and building it costs about half a millisecond per document. This module answers the
 * same question from the document's text alone: a small scanner reads ordinary YAML — block maps
 * and sequences, single-line scalars, flow collections (and so JSON) — with the exact ranges the
 * `yaml` package gives, checks what it read against the document's value (which js-yaml read),
 * and walks it the way `resolveRange` walks the `yaml` Document.
 *
 * It reads only what the paths asked of a document need. A scan reads the top-level entries;
 * the value of an entry of a block collection is skipped (src/load/scan-block.ts) and read when
 * a path enters it, and the tree is kept for the document's other paths. A path reads, and checks
 * against the value: every map it goes through (all its keys, their number and names), every
 * sequence (its length), and all of the node it ends at (a key asked for: the key alone). Why
 * the values skipped need neither reading nor checking:
 * - A value is skipped only where its indentation tells exactly where it ends: the first later
 *   line, neither blank nor a comment, indented no more than its entry (a sequence at its key's
 *   column goes on at its `- ` lines). Block structure is indentation; what else can carry a
 *   value on to a less indented line (a quoted scalar or flow collection that does not close on
 *   its line, which js-yaml reads on and the `yaml` package does not), hide a line break (a lone
 *   CR), or read otherwise in either parser (tabs in indentation, tags, anchors, block scalars,
 *   explicit keys, keys over 1024 characters) makes its line risky, and a value with a risky line
 *   is read, not skipped, as all of the document was before: what the scanner is not sure of
 *   there, it stays not sure of.
 * - If a skip still ended a value too early, the line after it would be read as one more entry
 *   of the collection it is in, or of one that holds it; those are on the path, where the number
 *   of entries is compared with js-yaml's, or the scanner finds the line out of place (unsure).
 *   A value that ended later than its skip (a more indented line after its end) is an
 *   indentation error, which js-yaml reports (such a document has no fast-path value).
 * - A skipped value that a later path enters must end on the line its skip found (else unsure).
 * So the ranges of what a path reads do not depend on what was skipped, and what a path reads is
 * checked as before. What a skipped value holds can only make that value unsure: a path into it
 * gets no answer, others still do.
 *
 * Anything it does not read exactly the way the `yaml` package does gives `undefined` ("not
 * sure"), and `resolveRange` builds the `yaml` Document as before: tags, anchors and aliases,
 * explicit (`?`) keys, merge keys, keys that may not be plain strings (numbers, booleans) before
 * the key wanted, block scalars with `+` or an indentation indicator as targets, multi-line
 * double-quoted scalars with escapes, comments inside flow collections, a byte order mark, Unicode
 * line separators, deep nesting, and any line it cannot place.
 */
import { MAX_DEPTH, jsonString, unsure } from './scan.js';
import type { MapNode, Node, SeqNode } from './scan.js';
import { Scanner } from './scan-block.js';
import type { Path, SourceFile } from './text.js';

/** Line breaks and marks the scanner does not read the way the parsers do. */
const ODD_TEXT = /[\u0085\u2028\u2029\ufeff]/;

/** A scanned document: the scanner (which reads its skipped values), its tree and its value. */
interface ScannedDocument {
  text: string;
  scanner: Scanner;
  root: Node;
  value: unknown;
}

/** A child of a collection, read first if it was skipped (kept read in the tree). */
function child(scanner: Scanner, nodes: Node[], i: number): Node {
  const node = nodes[i];
  if (node.kind !== 'lazy') return node;
  const read = scanner.expand(node);
  nodes[i] = read;
  return read;
}

/** Does a map or sequence have the keys (not their values) or the length of the value js-yaml read? */
function agreesShallow(node: MapNode | SeqNode, value: unknown): boolean {
  if (node.shallow !== undefined) return node.shallow;
  let ok: boolean;
  if (node.kind === 'seq') ok = Array.isArray(value) && value.length === node.items.length;
  else if (typeof value !== 'object' || value === null || Array.isArray(value)) ok = false;
  else {
    const obj = value as Record<string, unknown>;
    ok = Object.keys(obj).length === node.names.length;
    for (let i = 0; ok && i < node.names.length; i++) {
      const name = node.names[i];
      if (name !== null && !Object.prototype.hasOwnProperty.call(obj, name)) ok = false;
    }
  }
  node.shallow = ok;
  return ok;
}

/** Read all that was skipped in a node. */
function readAll(scanner: Scanner, node: Node): void {
  if (node.kind === 'map')
    for (let i = 0; i < node.values.length; i++) readAll(scanner, child(scanner, node.values, i));
  else if (node.kind === 'seq')
    for (let i = 0; i < node.items.length; i++) readAll(scanner, child(scanner, node.items, i));
}

/**
 * Does the tree read the same structure, keys and strings as the value js-yaml read? What was
 * skipped is read first (throws Unsure when the scanner is not sure of it).
 */
function agrees(scanner: Scanner, source: string, node: Node, value: unknown): boolean {
  switch (node.kind) {
    case 'map': {
      if (node.deep !== undefined) return node.deep;
      let ok = agreesShallow(node, value);
      const obj = value as Record<string, unknown>;
      for (let i = 0; ok && i < node.names.length; i++) {
        const name = node.names[i];
        const v = child(scanner, node.values, i);
        // A key that may not be a string: its value is not compared, but read all the same.
        if (name === null) readAll(scanner, v);
        else if (!agrees(scanner, source, v, obj[name])) ok = false;
      }
      node.deep = ok;
      return ok;
    }
    case 'seq': {
      if (node.deep !== undefined) return node.deep;
      let ok = agreesShallow(node, value);
      const items = value as unknown[];
      for (let i = 0; ok && i < node.items.length; i++)
        if (!agrees(scanner, source, child(scanner, node.items, i), items[i])) ok = false;
      node.deep = ok;
      return ok;
    }
    case 'lazy':
      return unsure();
    case 'opaque':
      return typeof value === 'string';
    case 'scalar': {
      if (typeof value === 'object' && value !== null) return false;
      if (node.start === node.end) return value === null;
      const text = source.slice(node.start, node.end);
      if (node.style === 'block') return typeof value === 'string';
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
  }
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
      case 'lazy':
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

/** A scanned document (its values read as paths enter them), or null when the scanner is not sure of it. */
export type Scanned = ScannedDocument | null;

/**
 * Scan one document (`text` between `start` and `end`), whose value js-yaml read: its top-level
 * entries, their values skipped where they can be (src/load/scan-block.ts).
 */
export function scanDocument(text: string, start: number, end: number, value: unknown): Scanned {
  if (ODD_TEXT.test(text.slice(start, end))) return null;
  try {
    const scanner = new Scanner(text, start, end);
    return { text, scanner, root: scanner.read(), value };
  } catch {
    // Unsure, or anything unexpected (a stack overflow on a pathological text): not sure either.
    return null;
  }
}

/**
 * The range `resolveRange` gives `path` (its key when `key` is set) in a scanned document, or
 * undefined when not sure of it. Reads the values the path enters, and all of the node it ends at.
 */
export function locateScanned(scanned: Scanned, path: Path, key?: boolean): [number, number] | undefined {
  if (!scanned) return undefined;
  try {
    return walk(scanned, path, key);
  } catch {
    // Unsure, or anything unexpected (a stack overflow on a pathological text): not sure either.
    return undefined;
  }
}

function walk(
  { text, scanner, root, value }: ScannedDocument,
  path: Path,
  key?: boolean,
): [number, number] | undefined {
  let node: Node = root;
  let v = value;
  let keyStart = -1;
  let keyEnd = -1;
  let depth = 0;
  for (; depth < path.length; depth++) {
    const seg = path[depth];
    if (node.kind === 'map') {
      if (!agreesShallow(node, v)) return undefined;
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
      // A key wanted: its value is not read.
      if (key && depth === path.length - 1) return [keyStart, keyEnd];
      node = child(scanner, node.values, found);
      v = (v as Record<string, unknown>)[want];
    } else if (node.kind === 'seq') {
      if (!agreesShallow(node, v)) return undefined;
      if (typeof seg !== 'number') break;
      if (!(node.items[seg] as Node | undefined)) break;
      keyStart = -1;
      node = child(scanner, node.items, seg);
      v = (v as unknown[])[seg];
    } else {
      break;
    }
  }
  if (key && depth === path.length && keyStart >= 0) return [keyStart, keyEnd];
  if (!agrees(scanner, text, node, v) || node.kind === 'opaque' || node.kind === 'lazy') return undefined;
  return [node.start, Math.max(node.start, contentEnd(node))];
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
