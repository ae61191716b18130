/**
 * An exact locator for the documents of the fast path (src/load/fast.ts), without the `yaml`
 * package. The ranges of findings come from `resolveRange` (src/load/source.ts), which walks the
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
import type { ManifestDocument, Path, SourceFile } from './source.js';

/** A node of a scanned document. Offsets are offsets of the whole file's text. */
type Node =
  /** A scalar (plain, quoted, block or empty), with the range the `yaml` package gives it. */
  | ScalarNode
  /** A block scalar that keeps its final line breaks (`|+`): its lines are known, not its range. */
  | { k: 'opaque' }
  | MapNode
  | SeqNode;

interface ScalarNode {
  k: 'scalar';
  s: number;
  e: number;
  style: 'plain' | 'single' | 'double' | 'block';
}

interface MapNode {
  k: 'map';
  s: number;
  /** The end of a flow map (after its `}`); -1 for a block map. */
  e: number;
  /** Each key's string value; null when it may not be a plain string (a number, a bool, `<<`, an unknown escape). */
  names: (string | null)[];
  keyStart: number[];
  keyEnd: number[];
  values: Node[];
}

interface SeqNode {
  k: 'seq';
  s: number;
  /** The end of a flow sequence (after its `]`); -1 for a block sequence. */
  e: number;
  items: Node[];
}

/** Thrown by the scanner for anything it does not read exactly. */
class Unsure extends Error {}
const UNSURE = new Unsure('not sure');
const unsure = (): never => {
  throw UNSURE;
};

const LF = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const SQUOTE = 39;
const COMMA = 44;
const DASH = 45;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;

const codes = (chars: string) => new Set([...chars].map((c) => c.charCodeAt(0)));
/** YAML indicators: a plain scalar does not start with one (`-` followed by a non-space is read where allowed). */
const INDICATORS = codes('-?:,[]{}#&*!|>\'"%@`');
const FLOW_INDICATORS = codes(',[]{}');

/**
 * Plain keys that may resolve to something other than their own text in the YAML 1.1 or 1.2 core
 * schema (null, booleans, numbers, the merge key): such keys compare as `String(value)` in
 * `resolveRange`.
 */
const MAYBE_NOT_STRING = /^(?:[-+.0-9~]|(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|<<)$)/;
/** Decimal integers whose `String(value)` is their own text in both schemas. */
const PLAIN_INT = /^(?:0|[1-9][0-9]{0,14})$/;
/**
 * The header of a block scalar: indicator, chomping and indentation indicators, then a comment or
 * nothing. Group 1: an indentation indicator, or `+`.
 */
const BLOCK_HEADER = /^[|>](?:-|([1-9][-+]?|\+[1-9]?|-[1-9]))?(?: *$| +#)/;
/** Line breaks and marks the scanner does not read the way the parsers do. */
const ODD_TEXT = /[\u0085\u2028\u2029\ufeff]/;
/** Deepest nesting the scanner reads (`resolveRange` stops trimming a range's end at 64 levels). */
const MAX_DEPTH = 60;
/** Longest implicit key read (the `yaml` package reports keys over 1024 characters). */
const MAX_KEY = 1000;

const plainKeyName = (text: string): string | null => (PLAIN_INT.test(text) ? text : MAYBE_NOT_STRING.test(text) ? null : text);

/** Reads one document's text (offsets start..end of `t`) into a tree, or throws Unsure. */
class Scanner {
  /** Per line: start, first non-space character, end (before its line break). */
  private readonly ls: number[] = [];
  private readonly cs: number[] = [];
  private readonly le: number[] = [];
  /** Per line: the offset after its line break. */
  private readonly ln: number[] = [];
  private depth = 0;

  constructor(
    private readonly t: string,
    start: number,
    private readonly end: number,
  ) {
    for (let p = start; p < end; ) {
      let nl = t.indexOf('\n', p);
      if (nl < 0 || nl >= end) nl = end;
      let e = nl;
      if (e > p && t.charCodeAt(e - 1) === CR) e--;
      let c = p;
      while (c < e && t.charCodeAt(c) === SPACE) c++;
      this.ls.push(p);
      this.cs.push(c);
      this.le.push(e);
      p = nl + 1;
      this.ln.push(Math.min(p, end));
    }
  }

  read(): Node {
    const { t, ls, cs, le } = this;
    const n = ls.length;
    let li = 0;
    // Blank lines, comments and the `---` marker before the content.
    for (; li < n; li++) {
      const c = cs[li];
      if (c === le[li] || t.charCodeAt(c) === HASH) continue;
      if (c === ls[li] && t.startsWith('---', c)) {
        this.restOfLine(li, c + 3);
        continue;
      }
      break;
    }
    if (li >= n) unsure();
    const p = cs[li];
    const c = t.charCodeAt(p);
    let root: Node;
    let next: number;
    if (c === LBRACE || c === LBRACKET) {
      // A flow collection (a JSON document): it may span lines.
      let close: number;
      [root, close] = this.flow(p, this.end);
      let j = li;
      while (j + 1 < n && ls[j + 1] < close) j++;
      this.restOfLine(j, close);
      next = j + 1;
    } else {
      [root, next] = this.isDash(li, p) ? this.seq(li, p) : this.map(li, p);
    }
    if (this.next(next) < n) unsure();
    return root;
  }

  /** Nothing but spaces, and a comment after a space, from `p` to the end of line `li`. */
  private restOfLine(li: number, p: number): void {
    const { t } = this;
    const e = this.le[li];
    let r = p;
    while (r < e && t.charCodeAt(r) === SPACE) r++;
    if (r < e && (t.charCodeAt(r) !== HASH || r === p)) unsure();
  }

  /** The first line at or after `li` that is neither blank nor a comment. */
  private next(li: number): number {
    const { t, cs, le } = this;
    const n = cs.length;
    while (li < n && (cs[li] === le[li] || t.charCodeAt(cs[li]) === HASH)) li++;
    return li;
  }

  private indent(li: number): number {
    return this.cs[li] - this.ls[li];
  }

  /** A block sequence entry indicator at `p` of line `li`: `-` then a space or the end of the line. */
  private isDash(li: number, p: number): boolean {
    return this.t.charCodeAt(p) === DASH && (p + 1 === this.le[li] || this.t.charCodeAt(p + 1) === SPACE);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) unsure();
  }

  /** A block map whose first key is at `p` of line `li`; its other keys start lines at the same column. */
  private map(li: number, p: number): [MapNode, number] {
    this.enter();
    const col = p - this.ls[li];
    const node: MapNode = { k: 'map', s: p, e: -1, names: [], keyStart: [], keyEnd: [], values: [] };
    const n = this.ls.length;
    for (;;) {
      const after = this.blockKey(li, p, node);
      const [value, nli] = this.value(li, after, col, true);
      node.values.push(value);
      li = this.next(nli);
      if (li >= n) break;
      const ind = this.indent(li);
      if (ind < col) break;
      // A more indented line that the value did not read: a multi-line scalar, or not YAML.
      if (ind > col) unsure();
      p = this.cs[li];
    }
    this.depth--;
    return [node, li];
  }

  /** A block sequence whose first `-` is at `p` of line `li`. */
  private seq(li: number, p: number): [SeqNode, number] {
    this.enter();
    const col = p - this.ls[li];
    const node: SeqNode = { k: 'seq', s: p, e: -1, items: [] };
    const n = this.ls.length;
    for (;;) {
      const [value, nli] = this.value(li, p + 1, col, false);
      node.items.push(value);
      li = this.next(nli);
      if (li >= n) break;
      const ind = this.indent(li);
      if (ind < col) break;
      if (ind > col) unsure();
      p = this.cs[li];
      // A key at the column of a sequence that is a map's value: the map goes on.
      if (!this.isDash(li, p)) break;
    }
    this.depth--;
    return [node, li];
  }

  /** Read the key at `p` of line `li` of a block map into `node`; returns the offset after its `:`. */
  private blockKey(li: number, p: number, node: MapNode): number {
    const { t } = this;
    const e = this.le[li];
    const c = t.charCodeAt(p);
    let name: string | null;
    let keyEnd: number;
    let colon: number;
    if (c === DQUOTE || c === SQUOTE) {
      keyEnd = this.closeQuote(p, e) + 1;
      name = this.quotedValue(p, keyEnd);
      colon = keyEnd;
      while (colon < e && t.charCodeAt(colon) === SPACE) colon++;
      if (colon >= e || t.charCodeAt(colon) !== COLON) unsure();
      if (colon + 1 < e && t.charCodeAt(colon + 1) !== SPACE) unsure();
    } else {
      if (INDICATORS.has(c)) unsure();
      colon = -1;
      for (let i = p; i < e; i++) {
        const ch = t.charCodeAt(i);
        if (ch === COLON && (i + 1 === e || t.charCodeAt(i + 1) === SPACE)) {
          colon = i;
          break;
        }
        // A comment, or flow indicators (which the parsers may read differently in keys).
        if ((ch === HASH && t.charCodeAt(i - 1) === SPACE) || FLOW_INDICATORS.has(ch)) unsure();
      }
      if (colon < 0) unsure();
      keyEnd = colon;
      while (keyEnd > p && t.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
      name = plainKeyName(t.slice(p, keyEnd));
    }
    if (keyEnd - p > MAX_KEY) unsure();
    node.names.push(name);
    node.keyStart.push(p);
    node.keyEnd.push(keyEnd);
    return colon + 1;
  }

  /** The offset of the quote that closes the quoted scalar opened at `p`, on the same line (before `limit`). */
  private closeQuote(p: number, limit: number): number {
    const close = this.findQuote(this.t.charCodeAt(p), p + 1, limit);
    return close < 0 ? unsure() : close;
  }

  /** The offset of the closing `quote` from `from` to the end of its line (before `limit`), or -1. */
  private findQuote(quote: number, from: number, limit: number): number {
    const { t } = this;
    for (let i = from; i < limit; i++) {
      const ch = t.charCodeAt(i);
      if (ch === LF || ch === CR) break;
      if (quote === DQUOTE && ch === 92) {
        i++;
        continue;
      }
      if (ch === quote) {
        if (quote === SQUOTE && i + 1 < limit && t.charCodeAt(i + 1) === SQUOTE) {
          i++;
          continue;
        }
        return i;
      }
    }
    return -1;
  }

  /** The string value of the single-line quoted scalar s..e; null when it is not sure of it. */
  private quotedValue(s: number, e: number): string | null {
    const inner = this.t.slice(s + 1, e - 1);
    if (this.t.charCodeAt(s) === SQUOTE) return inner.replace(/''/g, "'");
    if (!inner.includes('\\')) return inner;
    return jsonString(this.t.slice(s, e));
  }

  /**
   * The value after an indicator (`:` of a key or `-` of an entry) that ends at `p` of line `li`.
   * `n` is the column of the entry (its key or its `-`); `inMap` is set for a map's value.
   * Returns the value and the line after it.
   */
  private value(li: number, p: number, n: number, inMap: boolean): [Node, number] {
    const { t } = this;
    const e = this.le[li];
    let q = p;
    while (q < e && t.charCodeAt(q) === SPACE) q++;
    if (q < e && t.charCodeAt(q) !== HASH) return this.node(li, q, n, !inMap);
    // Nothing on this line: the value is on the next lines, or empty (placed after the indicator and its spaces).
    const j = this.next(li + 1);
    if (j < this.ls.length) {
      const ind = this.indent(j);
      if (ind > n) return this.node(j, this.cs[j], n, true);
      // A sequence as a map's value may be as indented as its key.
      if (inMap && ind === n && this.isDash(j, this.cs[j])) return this.seq(j, this.cs[j]);
    }
    return [{ k: 'scalar', s: q, e: q, style: 'plain' }, li + 1];
  }

  /**
   * The node that starts at `q` of line `li` (not a space or a comment), the value of an entry at
   * column `n`; `compact`: a block map or sequence may start there. Returns it and the line after it.
   */
  private node(li: number, q: number, n: number, compact: boolean): [Node, number] {
    const { t } = this;
    const e = this.le[li];
    const c = t.charCodeAt(q);
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.findQuote(c, q + 1, e);
      if (close < 0) return this.multiQuoted(li, q, n);
      let r = close + 1;
      while (r < e && t.charCodeAt(r) === SPACE) r++;
      // `- "key": value`: a map.
      if (r < e && t.charCodeAt(r) === COLON) return compact ? this.map(li, q) : unsure();
      this.restOfLine(li, close + 1);
      return [{ k: 'scalar', s: q, e: close + 1, style: c === DQUOTE ? 'double' : 'single' }, li + 1];
    }
    if (c === LBRACKET || c === LBRACE) {
      const [node, end] = this.flow(q, this.end);
      // Its lines: each one more indented than the entry.
      let j = li;
      while (j + 1 < this.ls.length && this.ls[j + 1] < end) {
        j++;
        if (this.cs[j] < this.le[j] && this.indent(j) <= n) unsure();
      }
      this.restOfLine(j, end);
      return [node, j + 1];
    }
    if (c === 124 || c === 62) {
      // | or >: a block scalar. Its content: the lines indented like its first one, and empty lines.
      const header = BLOCK_HEADER.exec(t.slice(q, e));
      if (!header) return unsure();
      let j = li + 1;
      let last = -1;
      let m = -1;
      for (; j < this.ls.length; j++) {
        if (this.cs[j] === this.le[j]) {
          // (The fast path reads no block scalar next to lines of spaces.)
          if (this.ls[j] < this.le[j]) unsure();
          continue;
        }
        const ind = this.indent(j);
        if (ind <= n) break;
        if (m < 0) m = ind;
        else if (ind < m) {
          // A less indented comment ends it.
          if (t.charCodeAt(this.cs[j]) !== HASH) unsure();
          break;
        }
        last = j;
      }
      // It ends with the line break of its last line. An indentation indicator, or `+` (keep the
      // empty lines after it): its range is not read.
      if (last < 0 || header[1]) return [{ k: 'opaque' }, j];
      return [{ k: 'scalar', s: q, e: this.ln[last], style: 'block' }, j];
    }
    if (c === DASH && this.isDash(li, q)) return compact ? this.seq(li, q) : unsure();
    // A plain scalar: `-`, `?` and `:` start one when a non-space follows; other indicators do not.
    if (INDICATORS.has(c) && !((c === DASH || c === 63 || c === COLON) && q + 1 < e && t.charCodeAt(q + 1) !== SPACE)) unsure();
    const [end, comment] = this.plainLine(q, e);
    if (end < 0) return compact ? this.map(li, q) : unsure();
    if (comment) return [{ k: 'scalar', s: q, e: end, style: 'plain' }, li + 1];
    // More indented lines continue it (blank lines inside it are line breaks).
    let last = li;
    let lastEnd = end;
    for (let j = li + 1; j < this.ls.length; j++) {
      const cj = this.cs[j];
      if (cj === this.le[j]) continue;
      const cc = t.charCodeAt(cj);
      // A less indented line, or a comment, ends it.
      if (this.indent(j) <= n || cc === HASH) break;
      // `- `, `? ` or `: ` at the start of a continuation line: not read.
      if ((cc === DASH || cc === 63 || cc === COLON) && (cj + 1 === this.le[j] || t.charCodeAt(cj + 1) === SPACE)) unsure();
      const [ej, commentj] = this.plainLine(cj, this.le[j]);
      // A key or a comment on a continuation line: not read.
      if (ej < 0 || commentj) unsure();
      last = j;
      lastEnd = ej;
    }
    return [{ k: 'scalar', s: q, e: lastEnd, style: 'plain' }, last + 1];
  }

  /**
   * One line of a plain scalar in a block, from `q` to `e`: the end of its text (trailing spaces
   * left out) and whether a comment follows it; -1 when a `: ` makes it a key.
   */
  private plainLine(q: number, e: number): [number, boolean] {
    const { t } = this;
    let end = e;
    let comment = false;
    for (let i = q; i < e; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON && (i + 1 === e || t.charCodeAt(i + 1) === SPACE)) return [-1, false];
      if (ch === HASH && i > q && t.charCodeAt(i - 1) === SPACE) {
        end = i;
        comment = true;
        break;
      }
    }
    while (end > q && t.charCodeAt(end - 1) === SPACE) end--;
    return [end, comment];
  }

  /** A quoted scalar that opens at `q` of line `li` and closes on a later line, more indented than `n`. */
  private multiQuoted(li: number, q: number, n: number): [Node, number] {
    const { t } = this;
    const quote = t.charCodeAt(q);
    // Escapes (and escaped line breaks) in a multi-line double-quoted scalar: not read.
    if (quote === DQUOTE && t.slice(q, this.le[li]).includes('\\')) unsure();
    for (let j = li + 1; j < this.ls.length; j++) {
      const cj = this.cs[j];
      const ej = this.le[j];
      if (cj === ej) continue;
      if (this.indent(j) <= n) unsure();
      const close = this.findQuote(quote, cj, ej);
      if (quote === DQUOTE && t.slice(cj, close < 0 ? ej : close).includes('\\')) unsure();
      if (close >= 0) {
        this.restOfLine(j, close + 1);
        return [{ k: 'scalar', s: q, e: close + 1, style: quote === DQUOTE ? 'double' : 'single' }, j + 1];
      }
    }
    return unsure();
  }

  /** Skip spaces and line breaks from `p`; a comment is not read. */
  private space(p: number, limit: number): number {
    const { t } = this;
    while (p < limit) {
      const c = t.charCodeAt(p);
      if (c === SPACE || c === LF || c === CR) p++;
      else if (c === HASH) unsure();
      else break;
    }
    return p;
  }

  /**
   * The flow collection that opens at `p` and ends before `limit` (it may span lines: the caller
   * checks their indentation); returns it and the offset after it.
   */
  private flow(p: number, limit: number): [MapNode | SeqNode, number] {
    this.enter();
    const { t } = this;
    const isMap = t.charCodeAt(p) === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    const map: MapNode = { k: 'map', s: p, e: -1, names: [], keyStart: [], keyEnd: [], values: [] };
    const seq: SeqNode = { k: 'seq', s: p, e: -1, items: [] };
    let q = this.space(p + 1, limit);
    if (q < limit && t.charCodeAt(q) === close) {
      this.depth--;
      return [isMap ? { ...map, e: q + 1 } : { ...seq, e: q + 1 }, q + 1];
    }
    for (;;) {
      if (q >= limit) unsure();
      let node: Node;
      if (isMap) {
        const c = t.charCodeAt(q);
        let keyEnd: number;
        let name: string | null;
        if (c === DQUOTE || c === SQUOTE) {
          keyEnd = this.closeQuote(q, limit) + 1;
          name = this.quotedValue(q, keyEnd);
        } else {
          keyEnd = this.flowPlain(q, limit);
          name = plainKeyName(t.slice(q, keyEnd));
        }
        if (keyEnd - q > MAX_KEY) unsure();
        let r = keyEnd;
        while (r < limit && t.charCodeAt(r) === SPACE) r++;
        if (r >= limit || t.charCodeAt(r) !== COLON) unsure();
        map.names.push(name);
        map.keyStart.push(q);
        map.keyEnd.push(keyEnd);
        q = this.space(r + 1, limit);
        if (q >= limit || t.charCodeAt(q) === COMMA || t.charCodeAt(q) === close) unsure();
        [node, q] = this.flowNode(q, limit);
        map.values.push(node);
      } else {
        [node, q] = this.flowNode(q, limit);
        seq.items.push(node);
      }
      q = this.space(q, limit);
      if (q >= limit) unsure();
      const c = t.charCodeAt(q);
      if (c === close) break;
      if (c !== COMMA) unsure();
      q = this.space(q + 1, limit);
      // A trailing comma.
      if (q < limit && t.charCodeAt(q) === close) break;
    }
    this.depth--;
    const node = isMap ? map : seq;
    node.e = q + 1;
    return [node, q + 1];
  }

  /** A node inside a flow collection at `q`; returns it and the offset after it. */
  private flowNode(q: number, limit: number): [Node, number] {
    const c = this.t.charCodeAt(q);
    if (c === LBRACE || c === LBRACKET) return this.flow(q, limit);
    if (c === DQUOTE || c === SQUOTE) {
      const e = this.closeQuote(q, limit) + 1;
      return [{ k: 'scalar', s: q, e, style: c === DQUOTE ? 'double' : 'single' }, e];
    }
    const e = this.flowPlain(q, limit);
    return [{ k: 'scalar', s: q, e, style: 'plain' }, e];
  }

  /** The end of the single-line plain scalar at `q` inside a flow collection (trailing spaces left out). */
  private flowPlain(q: number, limit: number): number {
    const { t } = this;
    const c = t.charCodeAt(q);
    // Indicators; `-` starts a plain scalar (a negative number) when a character follows it.
    if (INDICATORS.has(c)) {
      const nx = t.charCodeAt(q + 1);
      if (c !== DASH || q + 1 >= limit || nx === SPACE || nx === LF || nx === CR || FLOW_INDICATORS.has(nx)) unsure();
    }
    let i = q;
    for (; i < limit; i++) {
      const ch = t.charCodeAt(i);
      if (ch === LF || ch === CR || FLOW_INDICATORS.has(ch)) break;
      if (ch === COLON) {
        const nx = t.charCodeAt(i + 1);
        if (i + 1 >= limit || nx === SPACE || nx === LF || nx === CR) break;
        if (FLOW_INDICATORS.has(nx)) unsure();
      }
      if (ch === HASH && t.charCodeAt(i - 1) === SPACE) unsure();
    }
    let e = i;
    while (e > q && t.charCodeAt(e - 1) === SPACE) e--;
    if (e === q) unsure();
    // A plain scalar continued on the next line is not read.
    if (i < limit && (t.charCodeAt(i) === LF || t.charCodeAt(i) === CR)) {
      const r = this.space(i, limit);
      const nx = t.charCodeAt(r);
      if (r < limit && !(FLOW_INDICATORS.has(nx) || nx === COLON)) unsure();
    }
    return e;
  }
}

/** A JSON string's value; null when it is not one. */
function jsonString(text: string): string | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Does the tree read the same structure, keys and strings as the value js-yaml read? */
function agrees(t: string, node: Node, value: unknown): boolean {
  switch (node.k) {
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const obj = value as Record<string, unknown>;
      if (Object.keys(obj).length !== node.names.length) return false;
      for (let i = 0; i < node.names.length; i++) {
        const name = node.names[i];
        if (name === null) continue;
        if (!Object.prototype.hasOwnProperty.call(obj, name)) return false;
        if (!agrees(t, node.values[i], obj[name])) return false;
      }
      return true;
    }
    case 'seq': {
      if (!Array.isArray(value) || value.length !== node.items.length) return false;
      for (let i = 0; i < node.items.length; i++) if (!agrees(t, node.items[i], value[i])) return false;
      return true;
    }
    case 'opaque':
      return typeof value === 'string';
    case 'scalar': {
      if (typeof value === 'object' && value !== null) return false;
      if (node.s === node.e) return value === null;
      const text = t.slice(node.s, node.e);
      if (node.style === 'block') return typeof value === 'string';
      if (node.style === 'plain') return text.includes('\n') ? value === fold(text) : typeof value !== 'string' || value === text;
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

/** Where a node's own text ends (as `contentEnd` in src/load/source.ts); throws Unsure when not known. */
function contentEnd(node: Node): number {
  for (let depth = 0; ; depth++) {
    if (depth > MAX_DEPTH) unsure();
    switch (node.k) {
      case 'scalar':
        return node.e;
      case 'opaque':
        return unsure();
      case 'map':
        if (node.e >= 0) return node.e;
        node = node.values[node.values.length - 1];
        break;
      case 'seq':
        if (node.e >= 0) return node.e;
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
    if (node.k === 'map') {
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
    } else if (node.k === 'seq') {
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
  if (node.k === 'opaque') return undefined;
  try {
    return [node.s, Math.max(node.s, contentEnd(node))];
  } catch (e) {
    if (e instanceof Unsure) return undefined;
    throw e;
  }
}

/** The exact locator for `path` of one document's text: `scanDocument` and `locateScanned` in one. */
export function locateInText(text: string, start: number, end: number, value: unknown, path: Path, key?: boolean): [number, number] | undefined {
  return locateScanned(scanDocument(text, start, end, value), path, key);
}

/** A fast-path document: its chunk of the file, and whether its `yaml` Document was built. */
export interface LazyChunk {
  doc: ManifestDocument;
  start: number;
  end: number;
  /** Set when the document's `yaml` Document has been built: `resolveRange` then uses it. */
  built: boolean;
  /** Scanned once already (its tree was not kept). */
  scannedBefore?: boolean;
  /** The scanned tree, kept once the document is scanned a second time (null: not sure of it). */
  scanned?: Scanned | null;
}

/**
 * The fast-path documents of each file, by document index. (Kept per file rather than per
 * document: a WeakMap entry for each of 100,000 documents costs more than the whole lookup.)
 */
const lazyFiles = new WeakMap<SourceFile, LazyChunk[]>();

/** Register the fast-path documents of a file whose `yaml` Documents are built on first use. */
export function registerLazy(file: SourceFile, chunks: LazyChunk[]): void {
  const byIndex: LazyChunk[] = [];
  for (const c of chunks) byIndex[c.doc.index] = c;
  lazyFiles.set(file, byIndex);
  // Let go of the last file of an earlier run.
  lastChunk = undefined;
  lastScanned = undefined;
}

/**
 * The range of `path` in a fast-path document whose `yaml` Document has not been built, from its
 * text; undefined for any other document, or when not sure.
 */
export function locateLazy(doc: ManifestDocument, path: Path, key?: boolean): [number, number] | undefined {
  const chunk = lazyFiles.get(doc.file)?.[doc.index];
  // (A copy of a document, or one moved to another file, is not the registered one.)
  if (!chunk || chunk.doc !== doc || chunk.built) return undefined;
  // The tree of the last scanned document is kept, and that of a document asked for again after
  // another one (a finding and its related location in turn): keeping the tree of every document
  // with a finding costs kilobytes each (gigabytes for 100,000s of findings), and scanning a
  // document anew for each of its findings would cost findings x document size.
  if (chunk.scanned !== undefined) return locateScanned(chunk.scanned, path, key);
  if (lastChunk !== chunk) {
    const scanned = scanDocument(doc.file.text, chunk.start, chunk.end, doc.value);
    locatorStats.scans++;
    if (chunk.scannedBefore) {
      chunk.scanned = scanned;
      return locateScanned(scanned, path, key);
    }
    chunk.scannedBefore = true;
    lastScanned = scanned;
    lastChunk = chunk;
  }
  return locateScanned(lastScanned as Scanned | null, path, key);
}

/** How many documents `locateLazy` scanned (for tests: each document at most twice). */
export const locatorStats = { scans: 0 };

let lastChunk: LazyChunk | undefined;
let lastScanned: Scanned | null | undefined;
