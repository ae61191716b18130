/**
 * The scanner of the exact locator (src/load/locate.ts): the tree it reads a document's text
 * into, with the ranges the `yaml` package gives; the characters it reads by their codes; and the
 * part of it that knows lines, quoted scalars and flow collections (`{…}`, `[…]`, so JSON). Block
 * maps, sequences and scalars are read by its subclass in src/load/scan-block.ts. Anything it does
 * not read exactly as the `yaml` package does throws `Unsure`.
 */

/** A node of a scanned document. Offsets are offsets of the whole file's text. */
export type Node =
  /** A scalar (plain, quoted, block or empty), with the range the `yaml` package gives it. */
  | ScalarNode
  /** A block scalar that keeps its final line breaks (`|+`): its lines are known, not its range. */
  | { kind: 'opaque' }
  | MapNode
  | SeqNode;

export interface ScalarNode {
  kind: 'scalar';
  start: number;
  end: number;
  style: 'plain' | 'single' | 'double' | 'block';
}

export interface MapNode {
  kind: 'map';
  start: number;
  /** The end of a flow map (after its `}`); -1 for a block map. */
  end: number;
  /** Each key's string value; null when it may not be a plain string (a number, a bool, `<<`, an unknown escape). */
  names: (string | null)[];
  keyStart: number[];
  keyEnd: number[];
  values: Node[];
}

export interface SeqNode {
  kind: 'seq';
  start: number;
  /** The end of a flow sequence (after its `]`); -1 for a block sequence. */
  end: number;
  items: Node[];
}

/**
 * A new map node (its arrays made apart: an object literal with array literals in it is copied
 * from its template by the runtime, each time).
 */
export function mapNode(start: number): MapNode {
  const names: (string | null)[] = [];
  const keyStart: number[] = [];
  const keyEnd: number[] = [];
  const values: Node[] = [];
  return { kind: 'map', start, end: -1, names, keyStart, keyEnd, values };
}

export function seqNode(start: number): SeqNode {
  const items: Node[] = [];
  return { kind: 'seq', start, end: -1, items };
}

/** Thrown by the scanner for anything it does not read exactly. */
export class Unsure extends Error {}
const UNSURE = new Unsure('not sure');
export const unsure = (): never => {
  throw UNSURE;
};

export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const DQUOTE = 34;
export const HASH = 35;
export const SQUOTE = 39;
export const COMMA = 44;
export const DASH = 45;
export const COLON = 58;
export const LBRACKET = 91;
export const RBRACKET = 93;
export const LBRACE = 123;
export const RBRACE = 125;
export const BACKSLASH = 92;
export const QUESTION = 63;
export const PIPE = 124;
export const GREATER = 62;

/**
 * A set of ASCII characters by their codes, as a table: asked for every character of keys and
 * flow scalars, where a lookup in a `Set` costs a hash.
 */
class Codes {
  private readonly table = new Uint8Array(128);
  constructor(chars: string) {
    for (const c of chars) this.table[c.charCodeAt(0)] = 1;
  }
  has(code: number): boolean {
    return code < 128 && this.table[code] === 1;
  }
}
/** YAML indicators: a plain scalar does not start with one (`-` followed by a non-space is read where allowed). */
export const INDICATORS = new Codes('-?:,[]{}#&*!|>\'"%@`');
export const FLOW_INDICATORS = new Codes(',[]{}');

/**
 * Plain keys that may resolve to something other than their own text in the YAML 1.1 or 1.2 core
 * schema (null, booleans, numbers, the merge key): such keys compare as `String(value)` in
 * `resolveRange`.
 */
export const MAYBE_NOT_STRING =
  /^(?:[-+.0-9~]|(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|<<)$)/;
/** Decimal integers whose `String(value)` is their own text in both schemas. */
export const PLAIN_INT = /^(?:0|[1-9][0-9]{0,14})$/;
/**
 * The header of a block scalar: indicator, chomping and indentation indicators, then a comment or
 * nothing. Group 1: an indentation indicator, or `+`.
 */
export const BLOCK_HEADER = /^[|>](?:-|([1-9][-+]?|\+[1-9]?|-[1-9]))?(?: *$| +#)/;
/** Deepest nesting the scanner reads (`resolveRange` stops trimming a range's end at 64 levels). */
export const MAX_DEPTH = 60;
/** Longest implicit key read (the `yaml` package reports keys over 1024 characters). */
export const MAX_KEY = 1000;

export const plainKeyName = (text: string): string | null =>
  PLAIN_INT.test(text) ? text : MAYBE_NOT_STRING.test(text) ? null : text;

/** A JSON string's value; null when it is not one. */
export function jsonString(text: string): string | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Reads lines, quoted scalars and flow collections of one document's text (offsets start..end of `text`). */
export class FlowScanner {
  /** Per line: start, first non-space character, end (before its line break). */
  protected readonly lineStart: number[] = [];
  protected readonly contentStart: number[] = [];
  protected readonly lineEnd: number[] = [];
  /** Per line: the offset after its line break. */
  protected readonly nextLineStart: number[] = [];
  protected depth = 0;
  /**
   * Where the node read last ends (set by the methods that read one, instead of returning a pair):
   * the offset after a flow node, the line after a block node.
   */
  protected nextOffset = 0;
  protected nextLine = 0;
  /** Whether the line of a plain scalar read last (`plainLine` of src/load/scan-block.ts) ends with a comment. */
  protected comment = false;

  constructor(
    protected readonly text: string,
    start: number,
    protected readonly end: number,
  ) {
    for (let p = start; p < end;) {
      let nl = text.indexOf('\n', p);
      if (nl < 0 || nl >= end) nl = end;
      let e = nl;
      if (e > p && text.charCodeAt(e - 1) === CR) e--;
      let c = p;
      while (c < e && text.charCodeAt(c) === SPACE) c++;
      this.lineStart.push(p);
      this.contentStart.push(c);
      this.lineEnd.push(e);
      p = nl + 1;
      this.nextLineStart.push(Math.min(p, end));
    }
  }

  /** Nothing but spaces, and a comment after a space, from `p` to the end of line `li`. */
  protected restOfLine(li: number, p: number): void {
    const { text } = this;
    const e = this.lineEnd[li];
    let r = p;
    while (r < e && text.charCodeAt(r) === SPACE) r++;
    if (r < e && (text.charCodeAt(r) !== HASH || r === p)) unsure();
  }

  /** The first line at or after `li` that is neither blank nor a comment. */
  protected next(li: number): number {
    const { text, contentStart, lineEnd } = this;
    const n = contentStart.length;
    while (li < n && (contentStart[li] === lineEnd[li] || text.charCodeAt(contentStart[li]) === HASH)) li++;
    return li;
  }

  protected indent(li: number): number {
    return this.contentStart[li] - this.lineStart[li];
  }

  /** A block sequence entry indicator at `p` of line `li`: `-` then a space or the end of the line. */
  protected isDash(li: number, p: number): boolean {
    return this.text.charCodeAt(p) === DASH && (p + 1 === this.lineEnd[li] || this.text.charCodeAt(p + 1) === SPACE);
  }

  protected enter(): void {
    if (++this.depth > MAX_DEPTH) unsure();
  }

  /** The offset of the quote that closes the quoted scalar opened at `p`, on the same line (before `limit`). */
  protected closeQuote(p: number, limit: number): number {
    const close = this.findQuote(this.text.charCodeAt(p), p + 1, limit);
    return close < 0 ? unsure() : close;
  }

  /** The offset of the closing `quote` from `from` to the end of its line (before `limit`), or -1. */
  protected findQuote(quote: number, from: number, limit: number): number {
    const { text } = this;
    for (let i = from; i < limit; i++) {
      const ch = text.charCodeAt(i);
      if (ch === LF || ch === CR) break;
      if (quote === DQUOTE && ch === BACKSLASH) {
        i++;
        continue;
      }
      if (ch === quote) {
        if (quote === SQUOTE && i + 1 < limit && text.charCodeAt(i + 1) === SQUOTE) {
          i++;
          continue;
        }
        return i;
      }
    }
    return -1;
  }

  /** The string value of the single-line quoted scalar s..e; null when it is not sure of it. */
  protected quotedValue(s: number, e: number): string | null {
    const inner = this.text.slice(s + 1, e - 1);
    if (this.text.charCodeAt(s) === SQUOTE) return inner.replace(/''/g, "'");
    if (!inner.includes('\\')) return inner;
    return jsonString(this.text.slice(s, e));
  }

  /** Skip spaces and line breaks from `p`; a comment is not read. */
  private space(p: number, limit: number): number {
    const { text } = this;
    while (p < limit) {
      const c = text.charCodeAt(p);
      if (c === SPACE || c === LF || c === CR) p++;
      else if (c === HASH) unsure();
      else break;
    }
    return p;
  }

  /**
   * The flow collection that opens at `p` and ends before `limit` (it may span lines: the caller
   * checks their indentation); returns it (the offset after it in `nextOffset`).
   */
  protected flow(p: number, limit: number): MapNode | SeqNode {
    this.enter();
    const { text } = this;
    const isMap = text.charCodeAt(p) === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    const map = isMap ? mapNode(p) : null;
    const seq = isMap ? null : seqNode(p);
    let q = this.space(p + 1, limit);
    if (q < limit && text.charCodeAt(q) === close) {
      this.depth--;
      const empty = map ?? (seq as SeqNode);
      empty.end = this.nextOffset = q + 1;
      return empty;
    }
    for (;;) {
      if (q >= limit) unsure();
      if (map) {
        const c = text.charCodeAt(q);
        let keyEnd: number;
        let name: string | null;
        if (c === DQUOTE || c === SQUOTE) {
          keyEnd = this.closeQuote(q, limit) + 1;
          name = this.quotedValue(q, keyEnd);
        } else {
          keyEnd = this.flowPlain(q, limit);
          name = plainKeyName(text.slice(q, keyEnd));
        }
        if (keyEnd - q > MAX_KEY) unsure();
        let r = keyEnd;
        while (r < limit && text.charCodeAt(r) === SPACE) r++;
        if (r >= limit || text.charCodeAt(r) !== COLON) unsure();
        map.names.push(name);
        map.keyStart.push(q);
        map.keyEnd.push(keyEnd);
        q = this.space(r + 1, limit);
        if (q >= limit || text.charCodeAt(q) === COMMA || text.charCodeAt(q) === close) unsure();
        map.values.push(this.flowNode(q, limit));
        q = this.nextOffset;
      } else {
        (seq as SeqNode).items.push(this.flowNode(q, limit));
        q = this.nextOffset;
      }
      q = this.space(q, limit);
      if (q >= limit) unsure();
      const c = text.charCodeAt(q);
      if (c === close) break;
      if (c !== COMMA) unsure();
      q = this.space(q + 1, limit);
      // A trailing comma.
      if (q < limit && text.charCodeAt(q) === close) break;
    }
    this.depth--;
    const node = map ?? (seq as SeqNode);
    node.end = q + 1;
    this.nextOffset = q + 1;
    return node;
  }

  /** A node inside a flow collection at `q`; returns it (the offset after it in `nextOffset`). */
  private flowNode(q: number, limit: number): Node {
    const c = this.text.charCodeAt(q);
    if (c === LBRACE || c === LBRACKET) return this.flow(q, limit);
    if (c === DQUOTE || c === SQUOTE) {
      const e = this.closeQuote(q, limit) + 1;
      this.nextOffset = e;
      return { kind: 'scalar', start: q, end: e, style: c === DQUOTE ? 'double' : 'single' };
    }
    const e = this.flowPlain(q, limit);
    this.nextOffset = e;
    return { kind: 'scalar', start: q, end: e, style: 'plain' };
  }

  /** The end of the single-line plain scalar at `q` inside a flow collection (trailing spaces left out). */
  private flowPlain(q: number, limit: number): number {
    const { text } = this;
    const c = text.charCodeAt(q);
    // Indicators; `-` starts a plain scalar (a negative number) when a character follows it.
    if (INDICATORS.has(c)) {
      const nx = text.charCodeAt(q + 1);
      if (c !== DASH || q + 1 >= limit || nx === SPACE || nx === LF || nx === CR || FLOW_INDICATORS.has(nx)) unsure();
    }
    let i = q;
    for (; i < limit; i++) {
      const ch = text.charCodeAt(i);
      if (ch === LF || ch === CR || FLOW_INDICATORS.has(ch)) break;
      if (ch === COLON) {
        const nx = text.charCodeAt(i + 1);
        if (i + 1 >= limit || nx === SPACE || nx === LF || nx === CR) break;
        if (FLOW_INDICATORS.has(nx)) unsure();
      }
      if (ch === HASH && text.charCodeAt(i - 1) === SPACE) unsure();
    }
    let e = i;
    while (e > q && text.charCodeAt(e - 1) === SPACE) e--;
    if (e === q) unsure();
    // A plain scalar continued on the next line is not read.
    if (i < limit && (text.charCodeAt(i) === LF || text.charCodeAt(i) === CR)) {
      const r = this.space(i, limit);
      const nx = text.charCodeAt(r);
      if (r < limit && !(FLOW_INDICATORS.has(nx) || nx === COLON)) unsure();
    }
    return e;
  }
}
