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
import { SourceFile, YAML_LIMITS, fillLineStarts, parseSource, textProblems } from '../load/source.js';
import type { ManifestDocument } from '../load/source.js';
import { documentStarts } from '../load/text.js';

/** What makes documents depend on their neighbours, or makes the splitting unsafe. */
const UNSAFE = /^(?:%|\.\.\.(?:[ \t\r\n]|$))|\r(?!\n)/m;
/** A line with content (not blank, not a comment). */
const CONTENT = /^[ \t]*[^\s#]/m;

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

/** Characters a step of a whole-text check covers (a few milliseconds of scanning). */
export const SCAN_CHARS = 1 << 20;
/** Documents a step of `reparse` moves (or carries over) before it yields. */
export const MOVE_DOCS = 2000;

/**
 * Steps of the work: `false` where the caller may stop (nothing is changed yet), `true` once the
 * old file's documents are being moved (the caller must run it to the end).
 */
type Steps<T> = Generator<boolean, T, void>;

/** Whether a text has problems of its own (`textProblems`), in steps of `SCAN_CHARS`. */
function* hasTextProblems(text: string, from: number, to: number, json: boolean): Steps<boolean> {
  for (let at = from; at < to; at += SCAN_CHARS) {
    // One character of context each side, for surrogate pairs cut at the edge (a pair cut there
    // reads as a problem: the caller then parses the whole text, which says exactly what is wrong).
    const window = text.slice(Math.max(0, at - 1), Math.min(text.length, Math.min(to, at + SCAN_CHARS) + 1));
    if (textProblems(window, json).length) return true;
    yield false;
  }
  return false;
}

/** Whether `UNSAFE` matches a text, in steps of about `SCAN_CHARS` cut at line starts. */
function* unsafe(text: string): Steps<boolean> {
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + SCAN_CHARS);
    if (end < text.length) {
      const nl = text.indexOf('\n', end);
      end = nl < 0 ? text.length : nl + 1;
    }
    // Each window ends after a line break and the next starts a line: `^` and a lone CR read as on the whole text.
    if (UNSAFE.test(text.slice(at, end))) return true;
    at = end;
    yield false;
  }
  return false;
}

/** Run steps to the end at once. */
function runAll<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Run steps, pausing between them; null when `pause` said stop where stopping was allowed. */
async function runPausing<T>(steps: Steps<T>, pause: () => Promise<boolean>): Promise<T | null> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    const stop = await pause();
    if (stop && !r.value) return null;
  }
}

export function reparse(prev: SourceFile, text: string): SourceFile | undefined {
  return runAll(reparseSteps(prev, text));
}

/**
 * `reparse` between turns of the event loop: the whole-text checks and the moving of the
 * documents after the edit are split into steps, `pause` called between them. Null when stopped
 * (only before the old file is changed).
 */
export function reparseInSteps(
  prev: SourceFile,
  text: string,
  pause: () => Promise<boolean>,
): Promise<SourceFile | undefined | null> {
  return runPausing(reparseSteps(prev, text), pause);
}

function* reparseSteps(prev: SourceFile, text: string): Steps<SourceFile | undefined> {
  const old = prev.text;
  if (prev.problems.length) return undefined;
  if (yield* unsafe(old)) return undefined;
  if (yield* unsafe(text)) return undefined;
  // The edited region: [p, old.length - s) of the old text became [p, text.length - s).
  const max = Math.min(old.length, text.length);
  let p = 0;
  while (p < max && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && old.charCodeAt(old.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  const delta = text.length - old.length;
  yield false;
  // The old text had no problems of its own: the new one has none unless its edited region has.
  if (yield* hasTextProblems(text, p, text.length - s, /\.json$/i.test(prev.path))) return undefined;
  if ((yield* structureOverflowSteps(text)) !== undefined) return undefined;

  const oldStarts = documentStarts(old);
  yield false;
  const newStarts = documentStarts(text);
  yield false;
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
  yield false;

  const before = docsIn(old, oldStarts, 0, kb);
  const oldMidDocs = docsIn(old, oldStarts, kb, ka);
  const newMidDocs = docsIn(text, newStarts, kb, newKa);

  // The text's problems are known (none): not scanned again.
  const file = new SourceFile(prev.path, text, prev.absPath, []);
  fillLineStarts(file);
  yield false;
  const docs: ManifestDocument[] = [];
  let n = 0;
  for (const d of prev.documents) {
    const at = d.yaml.range[0];
    if (at < oldMidStart) docs.push({ ...d, file });
    if (++n % MOVE_DOCS === 0) yield false;
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
      // The old file's documents are changing: no stopping from here.
      if (++n % MOVE_DOCS === 0) yield true;
    }
  }
  file.documents = docs;
  return file;
}

/** The whole-text checks of `parseInPieces`, in steps: true when they pass. */
function* checkWhole(path: string, text: string): Steps<boolean> {
  if (yield* unsafe(text)) return false;
  if ((yield* structureOverflowSteps(text)) !== undefined) return false;
  return !(yield* hasTextProblems(text, 0, text.length, /\.json$/i.test(path)));
}

/** `structureOverflow` in steps of `SCAN_CHARS` (the same answer). */
function* structureOverflowSteps(text: string): Steps<number | undefined> {
  let count = 0;
  const max = YAML_LIMITS.maxStructure;
  if (text.length <= max) return undefined;
  for (let at = 0; at < text.length; at += SCAN_CHARS) {
    const end = Math.min(text.length, at + SCAN_CHARS);
    for (let i = at; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a || c === 0x2c || c === 0x5b || c === 0x7b) {
        if (++count > max) return i;
      }
    }
    yield false;
  }
  return undefined;
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
  const checked = await runPausing(checkWhole(path, text), pause);
  if (checked === null) return null;
  if (!checked) return undefined;
  // The text's problems are known (none): not scanned again.
  const file = new SourceFile(path, text, absPath, []);
  const starts = documentStarts(text);
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
