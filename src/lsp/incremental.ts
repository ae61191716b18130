/**
 * Re-parse an edited file document by document: the YAML documents before and after the edited
 * region are kept (those after it moved by the length difference), only the documents the edit
 * touched are parsed again. Typing in one object of a 100-object file then costs one document's
 * parse instead of the whole file's.
 *
 * This gives the same SourceFile as a full `parseSource` of the new text (test/lsp-incremental
 * checks that on random edits) because YAML documents of a stream are read independently. It is
 * used only where that holds: no parse error in the old file or the new documents, no directives
 * (`%YAML`, `%TAG`) and no document end markers (`...`); otherwise the caller parses the whole file.
 *
 * The old file's YAML documents are reused (and moved) in place: the old SourceFile must not be
 * used afterwards.
 */
import { isMap, isPair, isSeq } from 'yaml';
import type { Document } from 'yaml';
import { SourceFile, fillLineStarts, parseSource, structureOverflow } from '../load/source.js';
import type { ManifestDocument } from '../load/source.js';

/** `---` at the start of a line, followed by a space, a tab or the end of the line. */
const MARKER = /^---(?=[ \t\r\n]|$)/gm;
/** What makes documents depend on their neighbours, or makes the splitting unsafe. */
const UNSAFE = /^(?:%|\.\.\.(?:[ \t\r\n]|$))|\r(?!\n)/m;
/** A line with content (not blank, not a comment). */
const CONTENT = /^[ \t]*[^\s#]/m;

/** Offsets where the file's documents start: 0, then every `---` marker after it. */
function chunkStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(MARKER)) if (m.index > 0) starts.push(m.index);
  return starts;
}

/**
 * YAML documents in chunks [from, to): every chunk after the first starts one; the first holds one
 * if it starts with `---` or has content.
 */
function docsIn(text: string, starts: number[], from: number, to: number): number {
  if (to <= from) return 0;
  let n = to - from;
  if (from === 0) {
    const first = text.slice(0, starts[1] ?? text.length);
    if (!/^---(?=[ \t\r\n]|$)/.test(first) && !CONTENT.test(first)) n--;
  }
  return n;
}

export function reparse(prev: SourceFile, text: string): SourceFile | undefined {
  const old = prev.text;
  if (prev.problems.length || UNSAFE.test(old) || UNSAFE.test(text)) return undefined;
  // The edited region: [p, old.length - s) of the old text became [p, text.length - s).
  const max = Math.min(old.length, text.length);
  let p = 0;
  while (p < max && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && old.charCodeAt(old.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  const delta = text.length - old.length;

  const oldStarts = chunkStarts(old);
  const newStarts = chunkStarts(text);
  // Chunks wholly before the edit, with a margin for the marker test's look-around.
  let kb = 0;
  while (kb + 1 < oldStarts.length && oldStarts[kb + 1] + 4 <= p) kb++;
  // The first chunk wholly after the edit (the line break before its marker included).
  let ka = oldStarts.length;
  for (let j = oldStarts.length - 1; j > kb && oldStarts[j] - 1 >= old.length - s; j--) ka = j;
  const newKa = ka < oldStarts.length ? newStarts.indexOf(oldStarts[ka] + delta) : newStarts.length;
  if (newKa < 0 || newKa < kb || newStarts[kb] !== oldStarts[kb]) return undefined;
  for (let i = 0; i < kb; i++) if (newStarts[i] !== oldStarts[i]) return undefined;

  const midStart = newStarts[kb];
  const midEnd = newKa < newStarts.length ? newStarts[newKa] : text.length;
  const oldMidStart = oldStarts[kb];
  const oldMidEnd = ka < oldStarts.length ? oldStarts[ka] : old.length;
  const mid = parseSource(new SourceFile(prev.path, text.slice(midStart, midEnd), prev.absPath), {});
  if (mid.problems.length) return undefined;

  const before = docsIn(old, oldStarts, 0, kb);
  const oldMidDocs = docsIn(old, oldStarts, kb, ka);
  const newMidDocs = docsIn(text, newStarts, kb, newKa);

  const file = new SourceFile(prev.path, text, prev.absPath);
  fillLineStarts(file);
  const docs: ManifestDocument[] = [];
  for (const d of prev.documents) {
    const at = d.yaml.range[0];
    if (at < oldMidStart) docs.push({ ...d, file });
  }
  for (const d of mid.documents) {
    move(d.yaml, midStart);
    docs.push({ ...d, file, index: d.index + before });
  }
  for (const d of prev.documents) {
    const at = d.yaml.range[0];
    if (at >= oldMidEnd) {
      move(d.yaml, delta);
      docs.push({ ...d, file, index: d.index + newMidDocs - oldMidDocs });
    }
  }
  file.documents = docs;
  return file;
}

/** Characters of a piece of `parseInPieces`: a few hundredths of a second of parsing. */
export const PIECE_CHARS = 64 * 1024;

/**
 * Parse a big text in pieces of whole YAML documents (cut at `---` markers, as `reparse` cuts),
 * calling `pause` between pieces: the caller yields to the event loop there, and stops when
 * `pause` says so (null). The same SourceFile as a full `parseSource` where the conditions of
 * `reparse` hold; undefined where they do not (a parse error, directives, document end markers,
 * text problems, the structure limit), and the caller parses the whole text.
 */
export async function parseInPieces(
  path: string,
  text: string,
  absPath: string | undefined,
  pause: () => Promise<boolean>,
  pieceChars = PIECE_CHARS,
): Promise<SourceFile | undefined | null> {
  if (UNSAFE.test(text) || structureOverflow(text) !== undefined) return undefined;
  const file = new SourceFile(path, text, absPath);
  if (file.problems.length) return undefined;
  const starts = chunkStarts(text);
  if (await pause()) return null;
  const docs: ManifestDocument[] = [];
  let before = 0;
  for (let k = 0; k < starts.length;) {
    let j = k + 1;
    while (j < starts.length && starts[j] - starts[k] < pieceChars) j++;
    const from = starts[k];
    const piece = parseSource(
      new SourceFile(path, text.slice(from, j < starts.length ? starts[j] : text.length), absPath),
      {},
    );
    if (piece.problems.length) return undefined;
    for (const d of piece.documents) {
      move(d.yaml, from);
      docs.push({ ...d, file, index: d.index + before });
    }
    before += docsIn(text, starts, k, j);
    k = j;
    if (await pause()) return null;
  }
  fillLineStarts(file);
  file.documents = docs;
  return file;
}

/**
 * Move every range of a parsed document by `by` characters. Each node has a range array of its own
 * (the composer makes one per node), so each is moved once; nesting is bounded by the parse's depth
 * limit, and the walk keeps its own stack.
 */
function move(doc: Document.Parsed, by: number): void {
  if (by === 0) return;
  const shift = (r: number[] | undefined | null) => {
    if (r) for (let i = 0; i < r.length; i++) r[i] += by;
  };
  shift(doc.range);
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    if (isPair(node)) {
      stack.push(node.value, node.key);
      continue;
    }
    shift((node as { range?: number[] }).range);
    if (isMap(node) || isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  for (const e of doc.errors) shift(e.pos);
  for (const e of doc.warnings) shift(e.pos);
}
