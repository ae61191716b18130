/**
 * A file's text: the file (or standard input) as read, its line starts and positions, the
 * problems of the text itself (binary data, encoding, control characters), and the shape of its
 * documents. Parsing is src/load/parse.ts; the range of a path is src/load/resolve.ts.
 */
import type { Document } from 'yaml';

/** A path into a manifest value: map keys and sequence indexes. */
export type Path = readonly (string | number)[];

/**
 * Line starts of a text, with the `yaml` package's LineCounter API (`lineStarts`, `addNewLine`,
 * `linePos`: the same answers), without loading that package.
 */
export class LineCounter {
  readonly lineStarts: number[] = [];
  /** Call in ascending order. */
  readonly addNewLine = (offset: number): number => this.lineStarts.push(offset);

  /** 1-based `{ line, col }` of an offset (line 0 when it is before the first line start). */
  linePos(offset: number): { line: number; col: number } {
    const starts = this.lineStarts;
    const low = lowerBound(starts, offset);
    if (starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - starts[low - 1] + 1 };
  }
}

/** The index of the first number of an ascending list that is not below `x` (the length when none). */
export function lowerBound(sorted: readonly number[], x: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < x) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A loaded file (or stdin stream) with all its YAML documents. */
export class SourceFile {
  private readonly lines = new LineCounter();
  /** Line starts not filled yet: they are filled from the text on first use (`deferLineStarts`). */
  private linesDeferred = false;
  documents: ManifestDocument[] = [];
  /** Problems found while reading or parsing, reported as `yaml-syntax` findings. */
  problems: LoadProblem[] = [];

  constructor(
    /** Display path: relative to the working directory with `/` separators, or `<stdin>`. */
    readonly path: string,
    readonly text: string,
    /** Absolute path on disk, when the source is a file. */
    readonly absPath?: string,
    /** The text's `textProblems`, when they are known already (from the parse cache). */
    known?: readonly LoadProblem[],
  ) {
    // Text that is not text (binary data, UTF-16 without a BOM, bytes that are not UTF-8, control
    // characters) is reported here, whichever reader reads the file afterwards.
    const problems = known ?? textProblems(text, /\.json$/i.test(path));
    if (problems.length) this.problems.push(...problems);
  }

  /** The line starts of the text, as the `yaml` parser's LineCounter holds them. */
  get lineCounter(): LineCounter {
    if (this.linesDeferred) {
      this.linesDeferred = false;
      addLineStarts(this.lines, this.text);
    }
    return this.lines;
  }

  /**
   * Fill the line starts from the text on first use of `lineCounter` or `position` rather than now
   * (most files of a large run never need a position). Nothing to do when they are filled already.
   */
  deferLineStarts(): void {
    if (this.lines.lineStarts.length === 0) this.linesDeferred = true;
  }

  /** 1-based line and column (UTF-16 code units) of a 0-based offset. */
  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const { line, col } = this.lineCounter.linePos(clamped);
    return { line, column: col };
  }
}

/**
 * Add the line starts of a text to a LineCounter, as the `yaml` parser does for LF and CRLF. A lone
 * CR ends a line too, as it does in editors and the language server protocol (and in YAML).
 */
const LF = 0x0a;
const CR = 0x0d;

function addLineStarts(lc: LineCounter, text: string): void {
  lc.addNewLine(0);
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
    return;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) lc.addNewLine(i + 1);
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
  /**
   * The range of `path` (its key when `key` is set) read from the document's own text, as
   * `resolveRange` would give it from `yaml`; undefined when not sure (then `yaml` is used).
   * Fast-path documents have one while their `yaml` Document is not built (src/load/locate.ts).
   */
  locate?(path: Path, key?: boolean): [number, number] | undefined;
}

/** Fill a file's line starts (as the parser does) when its text is not parsed. */
export function fillLineStarts(file: SourceFile): void {
  const lc = file.lineCounter;
  if (lc.lineStarts.length > 0) return;
  addLineStarts(lc, file.text);
}

const CONTROL_YAML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const CONTROL_JSON =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A character that is neither printable ASCII nor a tab or line end (every control character is one). */
const NOT_PLAIN = /[^\t\n\r\x20-\x7e]/;

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * What makes a text unreadable as YAML or JSON before any parsing: a NUL (binary data, or UTF-16
 * without a byte order mark: the parse is skipped), bytes that did not decode (U+FFFD), and control
 * characters YAML and JSON do not allow raw (the Kubernetes tools reject them). One problem each,
 * at the first occurrence.
 */
export function textProblems(text: string, json: boolean): LoadProblem[] {
  const out: LoadProblem[] = [];
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const utf16 = looksLikeUtf16(text);
    out.push({
      message: utf16
        ? `the file looks like UTF-16 (${utf16}) without a byte order mark: save it as UTF-8, or as UTF-16 with a byte order mark`
        : 'the file contains a NUL byte: it is binary data, not YAML or JSON',
      range: utf16 ? [0, Math.min(1, text.length)] : [nul, nul + 1],
      code: 'BINARY',
    });
    return out;
  }
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) {
    let n = 0;
    for (let i = bad; i >= 0; i = text.indexOf('\ufffd', i + 1)) n++;
    out.push({
      message:
        `text that is not valid UTF-8 (read as the replacement character U+FFFD${n > 1 ? `, ${n} times in this file` : ''}): ` +
        'save the file as UTF-8 (kube-netlint reads UTF-8, and UTF-16 or UTF-32 with a byte order mark)',
      range: [bad, bad + 1],
      code: 'ENCODING',
    });
  }
  // Most texts are printable ASCII and line ends: one quick search rules out every control character.
  if (!NOT_PLAIN.test(text)) return out;
  const re = json ? CONTROL_JSON : CONTROL_YAML;
  re.lastIndex = 0;
  const first = re.exec(text);
  if (first) {
    let n = 1;
    while (re.exec(text)) n++;
    const code = first[0].charCodeAt(0);
    const surrogate = code >= 0xd800 && code <= 0xdfff;
    out.push({
      message: surrogate
        ? `a lone surrogate (${hex(code)}) is not text${n > 1 ? ` (${n} in this file)` : ''}`
        : `control character ${hex(code)} is not allowed in ${json ? 'JSON' : 'YAML'} text${n > 1 ? ` (${n} in this file)` : ''}: ` +
          `write it as an escape sequence in a double-quoted string`,
      range: [first.index, first.index + 1],
      code: 'CONTROL_CHARACTER',
    });
  }
  return out;
}

/** "little-endian" or "big-endian" when every other character of the start is a NUL. */
function looksLikeUtf16(text: string): string | undefined {
  const n = Math.min(text.length, 4096) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) === 0) {
      if (i % 2) odd++;
      else even++;
    }
  }
  const half = n / 2;
  if (odd >= half * 0.9 && even <= half * 0.1) return 'little-endian';
  if (even >= half * 0.9 && odd <= half * 0.1) return 'big-endian';
  return undefined;
}

/** `---` at the start of a line, followed by a space, a tab or the end of the line. */
const DOCUMENT_MARKER = /^---(?=[ \t\r\n]|$)/gm;

/** Offsets where a text's `---` documents start, as the parts of it read on their own: 0, then every marker after it. */
export function documentStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(DOCUMENT_MARKER)) if (m.index > 0) starts.push(m.index);
  return starts;
}
