/**
 * The fast loading path. The `yaml` package gives every node an exact source range, but it is
 * about ten times slower than js-yaml and holds about thirty times the input in memory. Most
 * documents never need a range: only those with a finding do. So a file is cut into its `---`
 * documents, each document's values come from js-yaml (with a schema that resolves scalars the
 * way the `yaml` package's YAML 1.1 schema does), ranges come from the document's text
 * (src/load/locate.ts), and the exact `yaml` Document of a document is built only when that
 * locator is not sure of a range, or something else needs the Document: from that document's
 * text alone, with its ranges moved to the file.
 *
 * Anything the fast path is not sure to read exactly like the `yaml` path — a parse error,
 * directives, `...` markers, anchors and aliases, a lone CR — falls back to the `yaml` path,
 * for the whole file or for that document.
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import type { Document } from 'yaml';
import { guardedTokens, textTooDeep } from './guard.js';
import { cutDocuments, mayBeDeep, mayNestDeeper } from './cut.js';
import type { DeepDocument } from './guard.js';
import { padFlowIndent, scalarListener } from './flow-indent.js';
import { mapRanges } from './ranges.js';
import { ScanMemo, locateChunk } from './locate.js';
import type { LazyChunk } from './locate.js';
import {
  FLOAT_EXP,
  YAML_LIMITS,
  documentValue,
  parseSource,
  structureOverflow,
  valueShape,
  yamlOptions,
} from './parse.js';
import { SourceFile } from './text.js';
import type { ManifestDocument, Path } from './text.js';
import { yamlLib } from './yaml-lib.js';

/**
 * js-yaml and the two schemas, loaded when the first document is read: a run that reads every file
 * from the cache never needs them.
 */
let reader: { jsyaml: typeof JsYaml; schema11: JsYaml.Schema; schemaJson: JsYaml.Schema } | undefined;
function jsYaml(): NonNullable<typeof reader> {
  if (reader) return reader;
  const jsyaml = createRequire(import.meta.url)('js-yaml') as typeof JsYaml;
  return (reader = { jsyaml, schema11: schema11(jsyaml), schemaJson: jsyaml.CORE_SCHEMA });
}

function schema11(jsyaml: typeof JsYaml): JsYaml.Schema {
  const { Type } = jsyaml;

  // Scalar resolution of the `yaml` package's yaml-1.1 schema (timestamps and base 60 left out, as
  // in src/load/source.ts), in the same order: the first type whose pattern matches wins.
  /**
   * A decimal integer of up to 15 digits, without sign, `_` or leading zero (`0` itself included):
   * most numbers of a manifest (ports, counts), read without the patterns below.
   */
  const isDecimal = (s: string) => {
    const n = s.length;
    if (n === 0 || n > 15) return false;
    if (s.charCodeAt(0) === 0x30) return n === 1;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return false;
    }
    return true;
  };
  const intOf = (str: string, offset: number, radix: number) => {
    const sign = str[0];
    if (sign === '-' || sign === '+') offset += 1;
    const n = parseInt(str.substring(offset).replace(/_/g, ''), radix);
    return sign === '-' ? -1 * n : n;
  };
  // Quick first-character checks keep the common case, a plain string, to one lookup per type:
  // a bit per type, for the characters a scalar of that type can start with.
  const NULL = 1;
  const BOOL = 2;
  const NUMBER = 4;
  const first = new Uint8Array(128);
  for (const [chars, type] of [
    ['~nN', NULL],
    ['yYnNtTfFoO', BOOL],
    ['-+.0123456789', NUMBER],
  ] as const)
    for (const c of chars) first[c.charCodeAt(0)] |= type;
  const startsAs = (s: string, type: number) => {
    const c = s.charCodeAt(0);
    return c < 128 && (first[c] & type) !== 0;
  };
  const implicit = [
    new Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (s: string) => s.length === 0 || (startsAs(s, NULL) && /^(?:~|[Nn]ull|NULL)$/.test(s)),
      construct: () => null,
    }),
    new Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (s: string) =>
        s.length <= 5 &&
        startsAs(s, BOOL) &&
        /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON|N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/.test(s),
      construct: (s: string) => /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/.test(s),
    }),
    new Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (s: string) =>
        startsAs(s, NUMBER) &&
        (isDecimal(s) ||
          /^[-+]?0b[0-1_]+$/.test(s) ||
          /^[-+]?0[0-7_]+$/.test(s) ||
          /^[-+]?[0-9][0-9_]*$/.test(s) ||
          /^[-+]?0x[0-9a-fA-F_]+$/.test(s)),
      construct: (s: string) => {
        if (isDecimal(s)) return Number(s);
        if (/^[-+]?0b[0-1_]+$/.test(s)) return intOf(s, 2, 2);
        if (/^[-+]?0[0-7_]+$/.test(s)) return intOf(s, 1, 8);
        if (/^[-+]?[0-9][0-9_]*$/.test(s)) return intOf(s, 0, 10);
        return intOf(s, 2, 16);
      },
    }),
    new Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (s: string) =>
        startsAs(s, NUMBER) &&
        (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s) ||
          FLOAT_EXP.test(s) ||
          /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/.test(s)),
      construct: (s: string) => {
        if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
          return s.slice(-3).toLowerCase() === 'nan'
            ? NaN
            : s[0] === '-'
              ? Number.NEGATIVE_INFINITY
              : Number.POSITIVE_INFINITY;
        }
        return parseFloat(s.replace(/_/g, ''));
      },
    }),
  ];
  const merge = new Type('tag:yaml.org,2002:merge', {
    kind: 'scalar',
    resolve: (s: string | null) => s === '<<' || s === null,
  });
  return jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [...implicit, merge] });
}

/** One `---` document of a file, as the fast path read it. */
export interface FastChunk {
  index: number;
  start: number;
  end: number;
  /** The document's value; undefined for an empty document. */
  value?: unknown;
  /** Read this document with the `yaml` path (anchors and aliases). */
  slow?: boolean;
  template?: string;
}

const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/;
const BLOCK_SCALAR = /[:-][ \t]+[|>]/;
/** An anchor or alias indicator where a node may start. */
const ANCHOR_OR_ALIAS = /(?:^|[\s[{,:-])[&*][^\s,[\]{}]/m;
/** A line of spaces only. */
const SPACE_LINE = /^[ ]+\r?$/m;
// The regular expressions above scan every document of every file. Each one is tested only when
// the text holds characters it needs (a native search, many times faster than the expression):
// the same documents are selected either way.
const mayHaveAnchor = (src: string) => (src.includes('&') || src.includes('*')) && ANCHOR_OR_ALIAS.test(src);
/** A block scalar and a line of spaces (which needs a space before a line break, or at the end). */
const blockScalarNextToSpaces = (src: string) =>
  (src.includes('|') || src.includes('>')) &&
  BLOCK_SCALAR.test(src) &&
  (src.includes(' \n') ||
    src.includes(' \r') ||
    src.endsWith(' ') ||
    src.includes(' \u2028') ||
    src.includes(' \u2029')) &&
  SPACE_LINE.test(src);

const BANG = 0x21;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

/**
 * js-yaml keeps the spaces at the end of a line inside a quoted scalar that goes on over several
 * lines, where YAML (and the `yaml` path) folds them away: `"a  ⏎  b"` is "a b", not "a   b".
 * For a document with both spaces at a line end and quotes, a listener on js-yaml's nodes finds
 * out whether a quoted scalar has such a line; if so, the document takes the `yaml` path.
 */
function spacesInQuotedLines(
  src: string,
): { found: boolean; listener: (event: JsYaml.EventType, state: JsYaml.State) => void } | undefined {
  if (!(src.includes(' \n') || src.includes(' \r\n')) || !(src.includes('"') || src.includes("'"))) return undefined;
  const out = {
    found: false,
    listener: scalarListener(src, (start, end) => {
      if (out.found) return;
      const first = src.charCodeAt(start);
      // A quoted scalar, or a node with properties (a tag) that may be one.
      if (first !== DQUOTE && first !== SQUOTE && first !== BANG) return;
      const text = src.slice(start, end);
      if (/ \r?\n/.test(text) && (first !== BANG || /["']/.test(text))) out.found = true;
    }),
  };
  return out;
}

/** Cut a text into documents and read each with js-yaml; null asks for the `yaml` path. */
export function readFast(text: string, json: boolean): FastChunk[] | null {
  if (
    (text.includes('%') && /^%/m.test(text)) ||
    (text.includes('...') && /^\.\.\.(?:[ \t]|\r?$)/m.test(text)) ||
    (text.includes('\r') && /\r(?!\n)/.test(text)) ||
    text.includes('\t')
  ) {
    return null;
  }
  // Oversized structure, binary data or text problems: the `yaml` path reports them with its limits.
  // The structure limit guards the exact reader, which reads one document at a time here: it is
  // checked per document (below), so a large file of many small documents keeps the fast path.
  if (text.includes('\u0000') || text.includes('\ufffd')) return null;
  const docs = cutDocuments(text);
  const chunks: FastChunk[] = [];
  const js = jsYaml();
  // What the checks of a document need is searched for in the whole file once: a file without it
  // has no document with it, and most files have none (a document's text is part of the file's).
  const anchorChars = text.includes('&') || text.includes('*');
  const spaceBeforeBreak = docs.some((d) => d.spaceAtLineEnd) || text.includes(' \u2028') || text.includes(' \u2029');
  const blockScalarChars = (text.includes('|') || text.includes('>')) && (spaceBeforeBreak || text.endsWith(' '));
  // A Helm source comment names itself: a file without the word has none in any document.
  const helmSources = text.includes('Source:');
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i];
    const { start, end } = doc;
    const src = text.slice(start, end);
    if (structureOverflow(src) !== undefined) return null;
    const chunk: FastChunk = { index: i, start, end };
    if (helmSources) {
      const head = /^(?:(?:---[^\n]*|\s*#[^\n]*|\s*)(?:\n|$))*/.exec(src)?.[0] ?? '';
      for (const l of head.split('\n')) {
        const m = HELM_SOURCE.exec(l.trim());
        if (m) {
          chunk.template = m[1];
          break;
        }
      }
    }
    // Anchors and aliases (alias expansion is bounded on the `yaml` path), and block scalars next
    // to all-space lines (where parsers disagree on the indentation) take the `yaml` path.
    if ((anchorChars && mayHaveAnchor(src)) || (blockScalarChars && blockScalarNextToSpaces(src))) {
      chunk.slow = true;
    } else {
      try {
        const spaced = doc.spaceAtLineEnd ? spacesInQuotedLines(src) : undefined;
        const v = js.jsyaml.load(src, { schema: json ? js.schemaJson : js.schema11, listener: spaced?.listener });
        // Nesting beyond the limit is reported by the `yaml` path.
        // (Only text with deep indentation or long runs of brackets can nest that far.)
        if (typeof v === 'object' && v !== null && mayBeDeep(doc, src) && valueShape(v).depth > YAML_LIMITS.maxDepth)
          return null;
        // Flow collections used as keys (strings in js-yaml's value) and compact block nesting
        // count too: the `yaml` path reports what its reader would find.
        if (mayNestDeeper(doc, YAML_LIMITS.maxDepth) && textTooDeep(src, YAML_LIMITS.maxDepth)) return null;
        // A flow map as a key (`port: {{ .Port }}`, an unrendered template placeholder) is the
        // key "[object Object]" in js-yaml's value; the `yaml` path keeps its text.
        if (spaced?.found || (src.includes('{{') && hasObjectKey(v, 0))) chunk.slow = true;
        else if (v !== null && v !== undefined) chunk.value = v;
      } catch {
        return null;
      }
    }
    chunks.push(chunk);
  }
  return chunks;
}

/** Does a value have a key that was a map (js-yaml's "[object Object]"), to the structure limit? */
function hasObjectKey(v: unknown, depth: number): boolean {
  if (typeof v !== 'object' || v === null || depth > YAML_LIMITS.maxDepth) return false;
  if (Array.isArray(v)) return v.some((x) => hasObjectKey(x, depth + 1));
  for (const k in v) {
    if (k === '[object Object]' || hasObjectKey((v as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

function shift(doc: Document.Parsed, by: number): void {
  const move = (r: unknown) => {
    if (Array.isArray(r)) for (let i = 0; i < r.length; i++) if (typeof r[i] === 'number') r[i] += by;
  };
  move(doc.range);
  const { isNode, visit } = yamlLib();
  visit(doc, (_key, node) => {
    if (isNode(node)) move(node.range);
  });
  for (const e of [...doc.errors, ...doc.warnings]) move(e.pos);
}

/**
 * The exact `yaml` Document of one chunk, with ranges in the coordinates of the whole file. A chunk
 * the `yaml` package rejects only for quoted strings whose lines are indented less than YAML
 * requires (src/load/flow-indent.ts) is read as js-yaml and kubectl read it, as the fast path does.
 */
export function parseChunk(file: SourceFile, chunk: Pick<FastChunk, 'start' | 'end'>, json: boolean): Document.Parsed {
  const src = file.text.slice(chunk.start, chunk.end);
  const doc = parseDocumentGuarded(src, json);
  if (doc.errors.length > 0) {
    const padding = padFlowIndent(src, (d) => d === src || parseDocumentGuarded(d, json).errors.length > 0);
    const padded = padding && parseDocumentGuarded(padding.text, json);
    if (padding && padded && padded.errors.length === 0 && padded.contents !== null) {
      mapRanges(padded, (o) => padding.map(o) + chunk.start);
      return padded;
    }
  }
  shift(doc, chunk.start);
  return doc;
}

/**
 * The `yaml` package's `parseDocument`, with the nesting guard of src/load/guard.ts: a document
 * nested beyond the limit comes back without contents, with an error that says so (which sends
 * the file to the `yaml` path, where it is reported).
 */
function parseDocumentGuarded(src: string, json: boolean): Document.Parsed {
  const { Composer, YAMLParseError } = yamlLib();
  const deep = new Map<number, DeepDocument>();
  let doc: Document.Parsed | undefined;
  for (const d of new Composer(yamlOptions(json)).compose(
    guardedTokens(src, YAML_LIMITS.maxDepth, deep),
    true,
    src.length,
  )) {
    if (!doc) doc = d as Document.Parsed;
    else {
      doc.errors.push(
        new YAMLParseError(
          [d.range[0], d.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  const parsed = doc as Document.Parsed;
  for (const found of deep.values()) {
    parsed.errors.push(
      new YAMLParseError(
        [found.at, found.at + 1],
        'IMPOSSIBLE',
        `the document is nested more than ${YAML_LIMITS.maxDepth} levels deep`,
      ),
    );
  }
  return parsed;
}

/**
 * A fast-path document: its value from js-yaml, its ranges from its text (src/load/locate.ts)
 * until its exact `yaml` Document is built on first use (from its chunk of the text). It is its
 * own entry for the locator (`LazyChunk`), so a file of many documents costs one object per document.
 */
class FastDocument implements ManifestDocument, LazyChunk {
  scannedBefore?: boolean;
  scanned?: LazyChunk['scanned'];
  private parsed: Document.Parsed | undefined = undefined;

  constructor(
    readonly file: SourceFile,
    readonly index: number,
    readonly value: unknown,
    readonly template: string | undefined,
    readonly start: number,
    readonly end: number,
    private readonly json: boolean,
    readonly memo: ScanMemo,
  ) {}

  get yaml(): Document.Parsed {
    if (this.parsed === undefined) this.parsed = parseChunk(this.file, this, this.json);
    return this.parsed;
  }

  /** From the text while the `yaml` Document is not built; then `resolveRange` reads that. */
  locate(path: Path, key?: boolean): [number, number] | undefined {
    return this.parsed === undefined ? locateChunk(this, path, key) : undefined;
  }
}

/**
 * Build a SourceFile from fast chunks (computed here or in a worker). Documents marked slow are
 * read with the `yaml` path; a null chunk list reads the whole file with it. `memo`: what the
 * documents keep of their scans, one per run (src/load/locate.ts).
 */
export function fromChunks(
  file: SourceFile,
  chunks: FastChunk[] | null,
  json: boolean,
  memo: ScanMemo = new ScanMemo(),
): SourceFile {
  if (chunks === null) return parseSource(file, { json });
  // Line starts are filled on first use (a position), not for every file read.
  file.deferLineStarts();
  for (const c of chunks) {
    if (c.slow) {
      const doc = parseChunk(file, c, json);
      if (doc.errors.length || doc.contents === null) {
        // Let the `yaml` path report it exactly as it would for the whole file.
        const fresh = new SourceFile(file.path, file.text, file.absPath);
        return parseSource(fresh, { json });
      }
      // Alias expansion, cycles and depth are bounded by the `yaml` path's own checks.
      const read = documentValue(doc, { json });
      if ('problem' in read) return parseSource(new SourceFile(file.path, file.text, file.absPath), { json });
      const value = read.value;
      if (value === null || value === undefined) continue;
      file.documents.push({ file, index: c.index, yaml: doc, value, template: c.template });
      continue;
    }
    if (c.value === undefined) continue;
    file.documents.push(new FastDocument(file, c.index, c.value, c.template, c.start, c.end, json, memo));
  }
  return file;
}

/** Read one file with the fast path. */
export function loadFast(displayName: string, text: string, absPath?: string, memo?: ScanMemo): SourceFile {
  const json = /\.json$/i.test(displayName);
  const file = new SourceFile(displayName, text, absPath);
  return fromChunks(file, readFast(text, json), json, memo);
}

/**
 * The chunks as JSON, or undefined when a value does not survive JSON (NaN, ±Infinity, -0 from
 * `.nan`, `.inf`, `-0.0`): such files travel and are cached as objects, or not at all.
 */
export function chunksToJson(chunks: FastChunk[] | null): string | undefined {
  let safe = true;
  const text = JSON.stringify(chunks, (_k, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) safe = false;
    return v;
  });
  return safe ? text : undefined;
}
