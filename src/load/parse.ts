/**
 * Parsing a file's text into documents with the `yaml` package, within the limits of
 * `YAML_LIMITS`: every parse error and every limit hit becomes a problem of the file (a
 * `yaml-syntax` finding); each document's plain value is read with its alias expansion, depth
 * and cycles bounded. The fast path (src/load/fast.ts) falls back to this one.
 */
import type {
  Document,
  DocumentOptions,
  Node,
  ParseOptions as YamlParseOptions,
  ParsedNode,
  SchemaOptions,
  Tags,
  YAMLParseError,
} from 'yaml';
import { guardedTokens } from './guard.js';
import type { DeepDocument } from './guard.js';
import { padFlowIndent } from './flow-indent.js';
import { fillLineStarts } from './text.js';
import { crlfMapper, mapRanges } from './ranges.js';
import type { LoadProblem, ManifestDocument, SourceFile } from './text.js';
import { yamlLib } from './yaml-lib.js';

// Kubernetes reads manifests the way YAML 1.1 does (yes/no/on/off are booleans, 0755 is octal),
// but timestamps and base-60 numbers stay strings: the API server's YAML-to-JSON step keeps them as text.
const DROPPED_11_TAGS = new Set(['timestamp', 'intTime', 'floatTime', 'binary', 'omap', 'pairs', 'set']);
/**
 * `!!binary`, `!!omap`, `!!pairs` and `!!set` would turn into a Uint8Array, a Map or a Set: a manifest's
 * tags are data, so these read as the plain string, list or map they are written as (like any unknown
 * tag, such as `!!js/function`), which is what the API server's YAML-to-JSON step keeps too.
 */
const DATA_ONLY_TAGS = new Set(['binary', 'omap', 'pairs', 'set'].map((t) => `tag:yaml.org,2002:${t}`));
/**
 * Exponent floats need a digit before the exponent: `e2` or `E10` are strings for Kubernetes
 * (the `yaml` package's 1.1 pattern would read them as NaN, turning a label value `e2` into a number).
 */
export const FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/;

export function yaml11Tags(tags: Tags): Tags {
  return tags
    .filter((t) => {
      if (typeof t === 'string') return !DROPPED_11_TAGS.has(t);
      if (t.tag === 'tag:yaml.org,2002:timestamp' || DATA_ONLY_TAGS.has(t.tag)) return false;
      // intTime / floatTime (base 60) carry format 'TIME'
      if ('format' in t && t.format === 'TIME') return false;
      return true;
    })
    .map((t) =>
      typeof t !== 'string' && 'format' in t && t.format === 'EXP' && t.tag === 'tag:yaml.org,2002:float'
        ? ({ ...t, test: FLOAT_EXP } as typeof t)
        : t,
    );
}

/** Parse errors reported per file before the rest are summarised in one finding. */
export const MAX_PROBLEMS_PER_FILE = 20;

/**
 * Bounds of the `yaml` reader, whatever the input (docs/limits.md). Each one that is hit becomes a
 * `yaml-syntax` problem that names it; nothing is left to the size of the JavaScript stack.
 */
export const YAML_LIMITS = {
  /**
   * Alias expansion, as the `yaml` package counts it: uses of an anchor times the aliases inside
   * it (its `maxAliasCount`; stops the "billion laughs").
   */
  maxAliasCount: 100,
  /** Nodes that alias expansion may add to one document (what a tree walk of its value visits). */
  maxAliasNodes: 100_000,
  /** Collections nested in one document, written or reached through aliases. */
  maxDepth: 256,
  /**
   * Size of a file's YAML structure (lines plus flow-collection items): the `yaml` reader needs
   * several microseconds and about a kilobyte per node, so a file beyond this is not read.
   */
  maxStructure: 1_000_000,
} as const;

const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/m;

export interface ParseOptions {
  /** Use YAML 1.2 core schema (for `.json` files). */
  json?: boolean;
  /** Upper bound of alias expansion (per document), as the `yaml` package counts it. */
  maxAliasCount?: number;
  /** Nodes alias expansion may add to a document. */
  maxAliasNodes?: number;
  /** Deepest nesting of collections in a document. */
  maxDepth?: number;
  /** Largest file structure (lines plus flow-collection items) that is read. */
  maxStructure?: number;
}

/** The options the `yaml` package reads manifests with. */
export function yamlOptions(json: boolean): DocumentOptions & SchemaOptions & YamlParseOptions {
  return {
    version: json ? '1.2' : '1.1',
    schema: json ? 'core' : 'yaml-1.1',
    customTags: json ? undefined : yaml11Tags,
    prettyErrors: false,
    // Duplicate keys are found by `findDuplicateKeys` in linear time: the package compares every
    // key with every earlier key of its map (100,000 keys take minutes).
    uniqueKeys: false,
    merge: !json,
    strict: false,
    // Warnings (an unknown tag, a collection as a key) must not reach the process's stderr.
    logLevel: 'error',
  };
}

/** Parse a file's text into documents, turning every parse error into a problem. */
export function parseSource(file: SourceFile, options: ParseOptions = {}): SourceFile {
  const maxDepth = options.maxDepth ?? YAML_LIMITS.maxDepth;
  const maxStructure = options.maxStructure ?? YAML_LIMITS.maxStructure;
  if (file.problems.some((p) => p.code === 'BINARY')) {
    // Binary data: its "YAML errors" would be noise.
    fillLineStarts(file);
    return file;
  }
  const over = structureOverflow(file.text, maxStructure);
  if (over !== undefined) {
    fillLineStarts(file);
    file.problems.push({
      message:
        `the file is too large to read exactly: more than ${maxStructure.toLocaleString('en-US')} lines and flow-collection items ` +
        '(a limit of kube-netlint, see docs/limits.md); split it into smaller files',
      range: [over, Math.min(file.text.length, over + 1)],
      code: 'STRUCTURE_LIMIT',
    });
    return file;
  }
  const tooDeep = new Map<number, DeepDocument>();
  const docs = composeDocuments(file.text, options.json ?? false, maxDepth, tooDeep);
  // Line starts from the text itself: the parser does not report the line breaks inside the
  // tokens of its error recovery, which would shift every position after them.
  fillLineStarts(file);
  let dropped = 0;
  let last: LoadProblem | undefined;
  const push = (p: LoadProblem) => {
    // Garbage (a binary file, a half-pasted template) can yield thousands of errors: keep the
    // first ones, and one per repeated message.
    if (file.problems.length >= MAX_PROBLEMS_PER_FILE || (last && last.message === p.message && last.code === p.code)) {
      dropped++;
      return;
    }
    last = p;
    file.problems.push(p);
  };
  docs.forEach((doc, index) => {
    let fatal = false;
    const deep = tooDeep.get(doc.range[0]);
    if (deep !== undefined) {
      fatal = true;
      push(
        deep.badIndent
          ? indentProblem(deep.at, maxDepth, file.text.length)
          : depthProblem(deep.at, maxDepth, file.text.length),
      );
    }
    for (const e of doc.errors) {
      if (e.code !== 'DUPLICATE_KEY') fatal = true;
      const message = /Maximum call stack size exceeded/.test(e.message)
        ? depthProblem(0, maxDepth, 0).message
        : cleanMessage(e.message);
      // An error at the very end (an unclosed quote or bracket) points at the last character (a
      // final CRLF counts as one, so that CRLF and LF files get the same column).
      const end = file.text.length;
      const lastChar = file.text.endsWith('\r\n') ? end - 2 : end - 1;
      const start = Math.min(e.pos[0], Math.max(0, lastChar));
      push({ message, range: [start, Math.max(start, Math.min(e.pos[1], end))], code: e.code });
    }
    if (doc.contents === null) return; // empty document
    if (fatal) return;
    const read = documentValue(doc, options);
    if ('problem' in read) {
      push(read.problem);
      return;
    }
    const value = read.value;
    if (value === null || value === undefined) return;
    const md: ManifestDocument = { file, index, yaml: doc, value };
    // The comments before a document's content, from the end of the previous document (the
    // first document's comments may come before its range starts).
    const head = file.text.slice(
      index > 0 ? Math.min(docs[index - 1].range[2], doc.range[0]) : 0,
      doc.contents.range[0],
    );
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

function indentProblem(at: number, maxDepth: number, length: number): LoadProblem {
  return {
    message:
      `bad indentation: from here on, each line is read as a mapping nested in the line before (more than ${maxDepth} levels); ` +
      'indent the lines like the keys they belong with',
    range: [at, Math.min(length, at + 1)],
    code: 'BAD_INDENTATION',
  };
}

function depthProblem(at: number, maxDepth: number, length: number): LoadProblem {
  return {
    message: `the document is nested more than ${maxDepth} levels deep (a limit of kube-netlint, see docs/limits.md)`,
    range: [at, Math.min(length, at + 1)],
    code: 'DEPTH_LIMIT',
  };
}

/**
 * Parse a text into `yaml` Documents, with the options manifests are read with. A document nested
 * deeper than `maxDepth` is not composed (the composer recurses per level): it comes back empty, and
 * `tooDeep` maps its start offset to the offset of the collection beyond the limit. Duplicate keys
 * are added to each document's errors.
 *
 * CRLF line breaks are read as LF, and every range (nodes, documents, errors) is moved back to the
 * text: the parser's error recovery differs with CR, so a broken CRLF file would otherwise get other
 * errors, at other columns, than the same file with LF.
 */
export function composeDocuments(
  text: string,
  json: boolean,
  maxDepth: number = YAML_LIMITS.maxDepth,
  tooDeep: Map<number, DeepDocument> = new Map(),
): Document.Parsed[] {
  const { Composer } = yamlLib();
  const crlf = text.includes('\r\n');
  const src = crlf ? text.replace(/\r\n/g, '\n') : text;
  const compose = (t: string, deep: Map<number, DeepDocument>) =>
    [...new Composer(yamlOptions(json)).compose(guardedTokens(t, maxDepth, deep))] as Document.Parsed[];
  let deep = new Map<number, DeepDocument>();
  let docs = compose(src, deep);
  let map = crlf ? crlfMapper(text) : (o: number) => o;
  let moved = crlf;
  // Quoted strings whose lines are indented less than YAML requires, which kubectl and the fast
  // path read (./flow-indent.ts): the text with those lines indented enough, when that reads cleanly.
  const padding = docs.some((d) => d.errors.length > 0)
    ? padFlowIndent(src, (doc) => compose(doc, new Map()).some((d) => d.errors.length > 0))
    : undefined;
  if (padding) {
    const paddedDeep = new Map<number, DeepDocument>();
    const padded = compose(padding.text, paddedDeep);
    if (padded.every((d) => d.errors.length === 0)) {
      [docs, deep] = [padded, paddedDeep];
      const lf = map;
      map = (o) => lf(padding.map(o));
      moved = true;
    }
  }
  for (const doc of docs) findDuplicateKeys(doc);
  for (const [k, v] of deep) tooDeep.set(map(k), { at: map(v.at), badIndent: v.badIndent });
  if (moved) for (const doc of docs) mapRanges(doc, map);
  return docs;
}

const LF = 0x0a;
const COMMA = 0x2c;
const LBRACKET = 0x5b;
const LBRACE = 0x7b;

/**
 * Where a text's structure (line breaks plus the commas and opening brackets of flow collections)
 * first exceeds `max`, or undefined. Every counted character is one character of the text.
 */
export function structureOverflow(text: string, max: number = YAML_LIMITS.maxStructure): number | undefined {
  if (text.length <= max) return undefined;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === COMMA || c === LBRACKET || c === LBRACE) {
      if (++count > max) return i;
    }
  }
  return undefined;
}

/**
 * "Map keys must be unique", as the `yaml` package reports it with `uniqueKeys` (two scalar keys with
 * the same value), in linear time. The errors join the document's, in source order.
 */
function findDuplicateKeys(doc: Document.Parsed): void {
  const { YAMLParseError, isMap, isPair, isScalar, isSeq } = yamlLib();
  const found: YAMLParseError[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isScalar(key)) {
          const v = key.value;
          // NaN never equals itself for the package either; merge keys (`<<`) are symbols.
          if (typeof v === 'number' && Number.isNaN(v)) continue;
          if (seen.has(v) && key.range)
            found.push(
              new YAMLParseError([key.range[0], key.range[0] + 1], 'DUPLICATE_KEY', 'Map keys must be unique'),
            );
          seen.add(v);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
  }
  if (found.length === 0) return;
  for (const e of found) doc.errors.push(e);
  // Stable: the package's own errors keep their order among themselves.
  const order = new Map(doc.errors.map((e, i) => [e, i]));
  doc.errors.sort((a, b) => a.pos[0] - b.pos[0] || (order.get(a) as number) - (order.get(b) as number));
}

/**
 * The plain value of a parsed document, within the limits: alias expansion (the package's
 * `maxAliasCount`, then the nodes aliases add), the nesting depth of the value (aliases can nest
 * deeper than the text), and no cycles (an alias inside the node it refers to). Readers other than
 * `parseSource` (the fast path's documents with anchors) must read values with this too.
 */
export function documentValue(
  doc: Document.Parsed,
  options: ParseOptions = {},
): { value: unknown } | { problem: LoadProblem } {
  const maxAliasCount = options.maxAliasCount ?? YAML_LIMITS.maxAliasCount;
  const maxAliasNodes = options.maxAliasNodes ?? YAML_LIMITS.maxAliasNodes;
  const maxDepth = options.maxDepth ?? YAML_LIMITS.maxDepth;
  const contents = doc.contents as Node | null;
  const at = contents?.range?.[0] ?? doc.range[0];
  const problem = (message: string, code: string, where = at) => ({
    problem: { message, range: [where, where + 1] as [number, number], code },
  });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount });
  } catch (err) {
    const message = (err as Error).message;
    if (/Excessive alias count/.test(message)) {
      return problem(
        `aliases expand too much: more than ${maxAliasCount} uses of an anchor's nodes (a limit of kube-netlint, see docs/limits.md)`,
        'ALIAS_LIMIT',
      );
    }
    if (/Maximum call stack size exceeded/.test(message))
      return problem(depthProblem(at, maxDepth, at + 1).message, 'DEPTH_LIMIT');
    return problem(`document cannot be read: ${cleanMessage(message)}`, 'ALIAS');
  }
  const shape = valueShape(value, maxDepth);
  if (shape.cycle) {
    return problem(
      'an alias refers to a node that contains it: the document would be infinitely deep',
      'ALIAS_CYCLE',
      cyclicAlias(doc) ?? at,
    );
  }
  if (shape.depth > maxDepth) return problem(depthProblem(at, maxDepth, at + 1).message, 'DEPTH_LIMIT');
  if (shape.expanded - shape.written > maxAliasNodes) {
    return problem(
      `aliases expand too much: they add more than ${maxAliasNodes.toLocaleString('en-US')} nodes to the document (a limit of kube-netlint, see docs/limits.md)`,
      'ALIAS_LIMIT',
    );
  }
  return { value };
}

/** The offset of the first alias that sits inside the node it refers to. */
function cyclicAlias(doc: Document.Parsed): number | undefined {
  const { visit } = yamlLib();
  let found: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      const target = node.resolve(doc) as Node | undefined;
      const r = node.range;
      if (target?.range && r && target.range[0] <= r[0] && r[1] <= target.range[1]) {
        found = r[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

interface Shape {
  cycle: boolean;
  /** Deepest nesting of objects and arrays (a scalar is 0). Stops counting beyond `maxDepth + 1`. */
  depth: number;
  /** Nodes a tree walk of the value visits (aliases expanded), saturating at 2^40. */
  expanded: number;
  /** Nodes as written: distinct objects and arrays, and their entries. */
  written: number;
}

/** Walk a value once (shared objects once), without recursion. */
export function valueShape(root: unknown, maxDepth: number = YAML_LIMITS.maxDepth): Shape {
  const CAP = 2 ** 40;
  if (typeof root !== 'object' || root === null) return { cycle: false, depth: 0, expanded: 1, written: 1 };
  const done = new Map<object, { depth: number; size: number }>();
  const active = new Set<object>();
  interface Frame {
    obj: object;
    children: unknown[];
    i: number;
    depth: number;
    size: number;
  }
  const children = (o: object): unknown[] => (Array.isArray(o) ? o : isPlain(o) ? Object.values(o) : []);
  const stack: Frame[] = [{ obj: root, children: children(root), i: 0, depth: 0, size: 1 }];
  active.add(root);
  let written = 0;
  let deepest = 0;
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (f.i < f.children.length) {
      const c = f.children[f.i++];
      if (typeof c !== 'object' || c === null || !(Array.isArray(c) || isPlain(c))) {
        f.size += 1;
        continue;
      }
      const known = done.get(c);
      if (known) {
        f.depth = Math.max(f.depth, known.depth);
        f.size = Math.min(CAP, f.size + known.size);
        continue;
      }
      if (active.has(c)) return { cycle: true, depth: Infinity, expanded: Infinity, written };
      // The child would be at depth stack.length + 1.
      if (stack.length >= maxDepth) return { cycle: false, depth: stack.length + 1, expanded: f.size, written };
      active.add(c);
      stack.push({ obj: c, children: children(c), i: 0, depth: 0, size: 1 });
      continue;
    }
    stack.pop();
    active.delete(f.obj);
    written += 1 + f.children.length;
    const depth = f.depth + 1;
    deepest = Math.max(deepest, depth);
    done.set(f.obj, { depth, size: f.size });
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.depth = Math.max(parent.depth, depth);
      parent.size = Math.min(CAP, parent.size + f.size);
    } else {
      return { cycle: false, depth, expanded: f.size, written };
    }
  }
  return { cycle: false, depth: deepest, expanded: 1, written };
}

function isPlain(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as unknown;
  return proto === Object.prototype || proto === null;
}

function cleanMessage(message: string): string {
  // yaml appends " at line X, column Y" in some messages; positions are reported separately.
  return message
    .replace(/ at line \d+, column \d+:?[\s\S]*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export type { ParsedNode };
