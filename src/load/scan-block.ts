/**
 * The block part of the exact locator's scanner: block maps and sequences, plain, quoted and
 * block scalars, read line by line over the line tables of `FlowScanner` (src/load/scan.ts).
 */
import {
  BLOCK_HEADER,
  COLON,
  DASH,
  DQUOTE,
  FLOW_INDICATORS,
  FlowScanner,
  GREATER,
  HASH,
  INDICATORS,
  LBRACE,
  LBRACKET,
  MAX_KEY,
  PIPE,
  QUESTION,
  SPACE,
  SQUOTE,
  mapNode,
  plainKeyName,
  seqNode,
  unsure,
} from './scan.js';
import type { MapNode, Node, SeqNode } from './scan.js';

/** Reads one document's text (offsets start..end of `text`) into a tree, or throws Unsure. */
export class Scanner extends FlowScanner {
  read(): Node {
    const { text, lineStart, contentStart, lineEnd } = this;
    const n = lineStart.length;
    let li = 0;
    // Blank lines, comments and the `---` marker before the content.
    for (; li < n; li++) {
      const c = contentStart[li];
      if (c === lineEnd[li] || text.charCodeAt(c) === HASH) continue;
      if (c === lineStart[li] && text.startsWith('---', c)) {
        this.restOfLine(li, c + 3);
        continue;
      }
      break;
    }
    if (li >= n) unsure();
    const p = contentStart[li];
    const c = text.charCodeAt(p);
    let root: Node;
    let next: number;
    if (c === LBRACE || c === LBRACKET) {
      // A flow collection (a JSON document): it may span lines.
      root = this.flow(p, this.end);
      const close = this.nextOffset;
      let j = li;
      while (j + 1 < n && lineStart[j + 1] < close) j++;
      this.restOfLine(j, close);
      next = j + 1;
    } else {
      root = this.isDash(li, p) ? this.seq(li, p) : this.map(li, p);
      next = this.nextLine;
    }
    if (this.next(next) < n) unsure();
    return root;
  }

  /** A block map whose first key is at `p` of line `li`; its other keys start lines at the same column. */
  private map(li: number, p: number): MapNode {
    this.enter();
    const col = p - this.lineStart[li];
    const node = mapNode(p);
    const n = this.lineStart.length;
    for (;;) {
      const after = this.blockKey(li, p, node);
      node.values.push(this.value(li, after, col, true));
      li = this.next(this.nextLine);
      if (li >= n) break;
      const ind = this.indent(li);
      if (ind < col) break;
      // A more indented line that the value did not read: a multi-line scalar, or not YAML.
      if (ind > col) unsure();
      p = this.contentStart[li];
    }
    this.depth--;
    this.nextLine = li;
    return node;
  }

  /** A block sequence whose first `-` is at `p` of line `li`. */
  private seq(li: number, p: number): SeqNode {
    this.enter();
    const col = p - this.lineStart[li];
    const node = seqNode(p);
    const n = this.lineStart.length;
    for (;;) {
      node.items.push(this.value(li, p + 1, col, false));
      li = this.next(this.nextLine);
      if (li >= n) break;
      const ind = this.indent(li);
      if (ind < col) break;
      if (ind > col) unsure();
      p = this.contentStart[li];
      // A key at the column of a sequence that is a map's value: the map goes on.
      if (!this.isDash(li, p)) break;
    }
    this.depth--;
    this.nextLine = li;
    return node;
  }

  /** Read the key at `p` of line `li` of a block map into `node`; returns the offset after its `:`. */
  private blockKey(li: number, p: number, node: MapNode): number {
    const { text } = this;
    const e = this.lineEnd[li];
    const c = text.charCodeAt(p);
    let name: string | null;
    let keyEnd: number;
    let colon: number;
    if (c === DQUOTE || c === SQUOTE) {
      keyEnd = this.closeQuote(p, e) + 1;
      name = this.quotedValue(p, keyEnd);
      colon = keyEnd;
      while (colon < e && text.charCodeAt(colon) === SPACE) colon++;
      if (colon >= e || text.charCodeAt(colon) !== COLON) unsure();
      if (colon + 1 < e && text.charCodeAt(colon + 1) !== SPACE) unsure();
    } else {
      if (INDICATORS.has(c)) unsure();
      colon = -1;
      for (let i = p; i < e; i++) {
        const ch = text.charCodeAt(i);
        if (ch === COLON && (i + 1 === e || text.charCodeAt(i + 1) === SPACE)) {
          colon = i;
          break;
        }
        // A comment, or flow indicators (which the parsers may read differently in keys).
        if ((ch === HASH && text.charCodeAt(i - 1) === SPACE) || FLOW_INDICATORS.has(ch)) unsure();
      }
      if (colon < 0) unsure();
      keyEnd = colon;
      while (keyEnd > p && text.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
      name = plainKeyName(text.slice(p, keyEnd));
    }
    if (keyEnd - p > MAX_KEY) unsure();
    node.names.push(name);
    node.keyStart.push(p);
    node.keyEnd.push(keyEnd);
    return colon + 1;
  }

  /**
   * The value after an indicator (`:` of a key or `-` of an entry) that ends at `p` of line `li`.
   * `n` is the column of the entry (its key or its `-`); `inMap` is set for a map's value.
   * Returns the value (the line after it in `nextLine`).
   */
  private value(li: number, p: number, n: number, inMap: boolean): Node {
    const { text } = this;
    const e = this.lineEnd[li];
    let q = p;
    while (q < e && text.charCodeAt(q) === SPACE) q++;
    if (q < e && text.charCodeAt(q) !== HASH) return this.node(li, q, n, !inMap);
    // Nothing on this line: the value is on the next lines, or empty (placed after the indicator and its spaces).
    const j = this.next(li + 1);
    if (j < this.lineStart.length) {
      const ind = this.indent(j);
      if (ind > n) return this.node(j, this.contentStart[j], n, true);
      // A sequence as a map's value may be as indented as its key.
      if (inMap && ind === n && this.isDash(j, this.contentStart[j])) return this.seq(j, this.contentStart[j]);
    }
    this.nextLine = li + 1;
    return { kind: 'scalar', start: q, end: q, style: 'plain' };
  }

  /**
   * The node that starts at `q` of line `li` (not a space or a comment), the value of an entry at
   * column `n`; `compact`: a block map or sequence may start there. Returns it (the line after it
   * in `nextLine`).
   */
  private node(li: number, q: number, n: number, compact: boolean): Node {
    const { text } = this;
    const e = this.lineEnd[li];
    const c = text.charCodeAt(q);
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.findQuote(c, q + 1, e);
      if (close < 0) return this.multiQuoted(li, q, n);
      let r = close + 1;
      while (r < e && text.charCodeAt(r) === SPACE) r++;
      // `- "key": value`: a map.
      if (r < e && text.charCodeAt(r) === COLON) return compact ? this.map(li, q) : unsure();
      this.restOfLine(li, close + 1);
      this.nextLine = li + 1;
      return { kind: 'scalar', start: q, end: close + 1, style: c === DQUOTE ? 'double' : 'single' };
    }
    if (c === LBRACKET || c === LBRACE) {
      const node = this.flow(q, this.end);
      const end = this.nextOffset;
      // Its lines: each one more indented than the entry.
      let j = li;
      while (j + 1 < this.lineStart.length && this.lineStart[j + 1] < end) {
        j++;
        if (this.contentStart[j] < this.lineEnd[j] && this.indent(j) <= n) unsure();
      }
      this.restOfLine(j, end);
      this.nextLine = j + 1;
      return node;
    }
    if (c === PIPE || c === GREATER) {
      // | or >: a block scalar. Its content: the lines indented like its first one, and empty lines.
      const header = BLOCK_HEADER.exec(text.slice(q, e));
      if (!header) return unsure();
      let j = li + 1;
      let last = -1;
      let m = -1;
      for (; j < this.lineStart.length; j++) {
        if (this.contentStart[j] === this.lineEnd[j]) {
          // (The fast path reads no block scalar next to lines of spaces.)
          if (this.lineStart[j] < this.lineEnd[j]) unsure();
          continue;
        }
        const ind = this.indent(j);
        if (ind <= n) break;
        if (m < 0) m = ind;
        else if (ind < m) {
          // A less indented comment ends it.
          if (text.charCodeAt(this.contentStart[j]) !== HASH) unsure();
          break;
        }
        last = j;
      }
      // It ends with the line break of its last line. An indentation indicator, or `+` (keep the
      // empty lines after it): its range is not read.
      this.nextLine = j;
      if (last < 0 || header[1]) return { kind: 'opaque' };
      return { kind: 'scalar', start: q, end: this.nextLineStart[last], style: 'block' };
    }
    if (c === DASH && this.isDash(li, q)) return compact ? this.seq(li, q) : unsure();
    // A plain scalar: `-`, `?` and `:` start one when a non-space follows; other indicators do not.
    if (
      INDICATORS.has(c) &&
      !((c === DASH || c === QUESTION || c === COLON) && q + 1 < e && text.charCodeAt(q + 1) !== SPACE)
    )
      unsure();
    const end = this.plainLine(q, e);
    if (end < 0) return compact ? this.map(li, q) : unsure();
    if (this.comment) {
      this.nextLine = li + 1;
      return { kind: 'scalar', start: q, end: end, style: 'plain' };
    }
    // More indented lines continue it (blank lines inside it are line breaks).
    let last = li;
    let lastEnd = end;
    for (let j = li + 1; j < this.lineStart.length; j++) {
      const cj = this.contentStart[j];
      if (cj === this.lineEnd[j]) continue;
      const cc = text.charCodeAt(cj);
      // A less indented line, or a comment, ends it.
      if (this.indent(j) <= n || cc === HASH) break;
      // `- `, `? ` or `: ` at the start of a continuation line: not read.
      if (
        (cc === DASH || cc === QUESTION || cc === COLON) &&
        (cj + 1 === this.lineEnd[j] || text.charCodeAt(cj + 1) === SPACE)
      )
        unsure();
      const ej = this.plainLine(cj, this.lineEnd[j]);
      // A key or a comment on a continuation line: not read.
      if (ej < 0 || this.comment) unsure();
      last = j;
      lastEnd = ej;
    }
    this.nextLine = last + 1;
    return { kind: 'scalar', start: q, end: lastEnd, style: 'plain' };
  }

  /**
   * One line of a plain scalar in a block, from `q` to `e`: the end of its text (trailing spaces
   * left out), -1 when a `: ` makes it a key; `comment` tells whether a comment follows it.
   */
  private plainLine(q: number, e: number): number {
    const { text } = this;
    let end = e;
    let comment = false;
    for (let i = q; i < e; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON && (i + 1 === e || text.charCodeAt(i + 1) === SPACE)) {
        this.comment = false;
        return -1;
      }
      if (ch === HASH && i > q && text.charCodeAt(i - 1) === SPACE) {
        end = i;
        comment = true;
        break;
      }
    }
    while (end > q && text.charCodeAt(end - 1) === SPACE) end--;
    this.comment = comment;
    return end;
  }

  /** A quoted scalar that opens at `q` of line `li` and closes on a later line, more indented than `n`. */
  private multiQuoted(li: number, q: number, n: number): Node {
    const { text } = this;
    const quote = text.charCodeAt(q);
    // Escapes (and escaped line breaks) in a multi-line double-quoted scalar: not read.
    if (quote === DQUOTE && text.slice(q, this.lineEnd[li]).includes('\\')) unsure();
    for (let j = li + 1; j < this.lineStart.length; j++) {
      const cj = this.contentStart[j];
      const ej = this.lineEnd[j];
      if (cj === ej) continue;
      if (this.indent(j) <= n) unsure();
      const close = this.findQuote(quote, cj, ej);
      if (quote === DQUOTE && text.slice(cj, close < 0 ? ej : close).includes('\\')) unsure();
      if (close >= 0) {
        this.restOfLine(j, close + 1);
        this.nextLine = j + 1;
        return { kind: 'scalar', start: q, end: close + 1, style: quote === DQUOTE ? 'double' : 'single' };
      }
    }
    return unsure();
  }
}
