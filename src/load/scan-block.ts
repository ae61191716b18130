/**
 * The block part of the exact locator's scanner: block maps and sequences, plain, quoted and
 * block scalars, read line by line over the line tables of `FlowScanner` (src/load/scan.ts).
 *
 * The value of an entry of a block map or sequence is not read but skipped (a `lazy` node, read
 * when a path enters it) when it can be skipped exactly: by indentation alone, it ends before the
 * first later line, neither blank nor a comment, indented no more than its entry (a sequence at
 * its key's column goes on at `- ` lines of that column). That is where YAML ends it, unless one
 * of its lines holds what can go on to a less indented line or hide a line break: a quoted scalar
 * that does not close on its line, a flow collection, a block scalar header, a tag, anchor, alias
 * or reserved indicator, an explicit key, a tab in indentation, a lone CR (a line break to YAML,
 * not to the line tables), or a line too long for an implicit key (a flow collection that closes
 * on its line, with nothing after it but a comment, is not one of them). Such lines (`RISKY`,
 * found in one search of the document, and long lines) are never skipped: the value that holds one is read
 * as before, its own entries skipped where they can be. Why this is sound is in src/load/locate.ts.
 */
import {
  BACKSLASH,
  BLOCK_HEADER,
  COLON,
  COMMA,
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
  RBRACE,
  RBRACKET,
  SPACE,
  SQUOTE,
  newMap,
  newSeq,
  plainKeyName,
  unsure,
} from './scan.js';
import type { LazyNode, MapNode, Node, SeqNode } from './scan.js';

/**
 * What may make a line end a value elsewhere than its indentation says (see above): where a node
 * starts (at the start of a line, or after `- `, `: `, `? `), a quote that does not close on the
 * line, a flow collection, a block scalar, a tag, an anchor, an alias, a directive or a reserved
 * indicator; an explicit key or value (`? `, `: ` at the start of a line); a tab at the start of a
 * line or after an indicator; a CR that is not followed by a LF.
 */
const RISKY =
  /(?:^[ ]*|[-:?][ ]+)(?:"(?!(?:[^"\\\r\n]|\\.)*")|'(?!(?:[^'\r\n]|'')*'(?!'))|[[{|>&*!%@`])|^[ ]*(?:\t|[?:](?:[ ]|\r?$))|[-:?]\t|\r(?!\n)/gm;

/** Characters that make a flow collection risky wherever they are (tags, anchors, comments, …). */
const FLOW_RISKY = /[!&*%@`#?|>\t]/;

/**
 * The offset after the flow collection that opens at `p` when it closes before `e` (the end of
 * its line) with nothing after it but spaces and a comment; else -1 (also for whatever in it may
 * be read otherwise: a quote after `:` with no space, tags, anchors, comments, explicit keys). A
 * quote opens a scalar only where a node starts (after `[`, `{`, `,` or `: `); elsewhere it is
 * part of a plain scalar, as in YAML.
 */
function flowLineEnd(text: string, p: number, e: number): number {
  let depth = 0;
  let start = true;
  for (let i = p; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c === LBRACE || c === LBRACKET) {
      depth++;
      start = true;
    } else if (c === RBRACE || c === RBRACKET) {
      if (--depth > 0) {
        start = false;
        continue;
      }
      let r = i + 1;
      while (r < e && text.charCodeAt(r) === SPACE) r++;
      return r === e || (r > i + 1 && text.charCodeAt(r) === HASH) ? i + 1 : -1;
    } else if (c === COMMA) start = true;
    else if (c === COLON) {
      const nx = text.charCodeAt(i + 1);
      if (nx === DQUOTE || nx === SQUOTE) return -1;
      start = nx === SPACE;
    } else if (c === DQUOTE || c === SQUOTE) {
      if (!start) continue;
      let close = -1;
      for (let j = i + 1; j < e; j++) {
        const d = text.charCodeAt(j);
        if (c === DQUOTE && d === BACKSLASH) j++;
        else if (d === c) {
          if (c === SQUOTE && text.charCodeAt(j + 1) === SQUOTE) j++;
          else {
            close = j;
            break;
          }
        }
      }
      if (close < 0) return -1;
      i = close;
      start = false;
    } else if (c !== SPACE) {
      if (FLOW_RISKY.test(text[i])) return -1;
      start = false;
    }
  }
  return -1;
}

/** Reads one document's text (offsets start..end of `text`) into a tree, or throws Unsure. */
export class Scanner extends FlowScanner {
  /** Per line: 1 when it may not be skipped (`RISKY`); null when no line is. */
  private readonly risky: Uint8Array | null = null;

  constructor(text: string, start: number, end: number) {
    super(text, start, end);
    const src = text.slice(start, end);
    RISKY.lastIndex = 0;
    let m = RISKY.exec(src);
    if (m === null) return;
    const { lineStart, lineEnd } = this;
    let risky: Uint8Array | null = null;
    for (let li = 0; m !== null; m = RISKY.exec(src)) {
      const at = start + m.index;
      while (li + 1 < lineStart.length && lineStart[li + 1] <= at) li++;
      const last = m.index + m[0].length - 1;
      const c = src.charCodeAt(last);
      if (c === LBRACE || c === LBRACKET) {
        // A flow collection that closes on its line (and a comment at most after it) is skipped.
        const after = flowLineEnd(text, start + last, lineEnd[li]);
        if (after >= 0) {
          RISKY.lastIndex = after - start;
          continue;
        }
      }
      risky ??= new Uint8Array(lineStart.length);
      risky[li] = 1;
    }
    this.risky = risky;
  }

  /**
   * Read a skipped value (when a path enters it). It must end on the line the skip found;
   * otherwise, or when the scanner is not sure of it, throws Unsure (then and every time after).
   */
  expand(node: LazyNode): Node {
    if (node.failed) unsure();
    this.depth = node.depth;
    try {
      const [value, next] = this.value(node.li, node.p, node.n, node.inMap);
      if (this.next(next) !== node.next) unsure();
      return value;
    } catch (e) {
      node.failed = true;
      throw e;
    }
  }

  /** The value after an indicator (as `value`), skipped when it can be (see above). */
  private entry(li: number, p: number, n: number, inMap: boolean): [Node, number] {
    const next = this.skip(li, p, n, inMap);
    if (next < 0) return this.value(li, p, n, inMap);
    return [{ kind: 'lazy', li, p, n, inMap, depth: this.depth, next, failed: false }, next];
  }

  /**
   * The line after the value that `value(li, p, n, inMap)` would read, by indentation alone
   * (the next line, neither blank nor a comment, that is not part of it); -1 when it is not to
   * be skipped: a line of it is risky or too long, or it is empty (which costs nothing to read).
   */
  private skip(li: number, p: number, n: number, inMap: boolean): number {
    const { text, lineStart, contentStart, lineEnd, risky } = this;
    const count = lineStart.length;
    if (risky !== null && risky[li] === 1) return -1;
    const e = lineEnd[li];
    let q = p;
    while (q < e && text.charCodeAt(q) === SPACE) q++;
    let j = li + 1;
    // `key:` then a sequence at the key's column: it goes on at the `- ` lines of that column.
    let dashes = false;
    if (q >= e || text.charCodeAt(q) === HASH) {
      // Nothing on this line: the value starts on the next line that is neither blank nor a comment.
      j = this.next(li + 1);
      if (j >= count) return -1;
      const ind = contentStart[j] - lineStart[j];
      if (ind === n && inMap && this.isDash(j, contentStart[j])) dashes = true;
      else if (ind <= n) return -1;
    } else if (lineEnd[li] - contentStart[li] > MAX_KEY) return -1;
    for (; j < count; j++) {
      const c = contentStart[j];
      if (c === lineEnd[j] || text.charCodeAt(c) === HASH) continue;
      const ind = c - lineStart[j];
      if (ind < n || (ind === n && !(dashes && this.isDash(j, c)))) break;
      if ((risky !== null && risky[j] === 1) || lineEnd[j] - c > MAX_KEY) return -1;
    }
    return j;
  }

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
      let close: number;
      [root, close] = this.flow(p, this.end);
      let j = li;
      while (j + 1 < n && lineStart[j + 1] < close) j++;
      this.restOfLine(j, close);
      next = j + 1;
    } else {
      [root, next] = this.isDash(li, p) ? this.seq(li, p) : this.map(li, p);
    }
    if (this.next(next) < n) unsure();
    return root;
  }

  /** A block map whose first key is at `p` of line `li`; its other keys start lines at the same column. */
  private map(li: number, p: number): [MapNode, number] {
    this.enter();
    const col = p - this.lineStart[li];
    const node = newMap(p);
    const n = this.lineStart.length;
    for (;;) {
      const after = this.blockKey(li, p, node);
      const [value, nli] = this.entry(li, after, col, true);
      node.values.push(value);
      li = this.next(nli);
      if (li >= n) break;
      const ind = this.indent(li);
      if (ind < col) break;
      // A more indented line that the value did not read: a multi-line scalar, or not YAML.
      if (ind > col) unsure();
      p = this.contentStart[li];
    }
    this.depth--;
    return [node, li];
  }

  /** A block sequence whose first `-` is at `p` of line `li`. */
  private seq(li: number, p: number): [SeqNode, number] {
    this.enter();
    const col = p - this.lineStart[li];
    const node = newSeq(p);
    const n = this.lineStart.length;
    for (;;) {
      const [value, nli] = this.entry(li, p + 1, col, false);
      node.items.push(value);
      li = this.next(nli);
      if (li >= n) break;
      const ind = this.indent(li);
      if (ind < col) break;
      if (ind > col) unsure();
      p = this.contentStart[li];
      // A key at the column of a sequence that is a map's value: the map goes on.
      if (!this.isDash(li, p)) break;
    }
    this.depth--;
    return [node, li];
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
   * Returns the value and the line after it.
   */
  private value(li: number, p: number, n: number, inMap: boolean): [Node, number] {
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
    return [{ kind: 'scalar', start: q, end: q, style: 'plain' }, li + 1];
  }

  /**
   * The node that starts at `q` of line `li` (not a space or a comment), the value of an entry at
   * column `n`; `compact`: a block map or sequence may start there. Returns it and the line after it.
   */
  private node(li: number, q: number, n: number, compact: boolean): [Node, number] {
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
      return [{ kind: 'scalar', start: q, end: close + 1, style: c === DQUOTE ? 'double' : 'single' }, li + 1];
    }
    if (c === LBRACKET || c === LBRACE) {
      const [node, end] = this.flow(q, this.end);
      // Its lines: each one more indented than the entry.
      let j = li;
      while (j + 1 < this.lineStart.length && this.lineStart[j + 1] < end) {
        j++;
        if (this.contentStart[j] < this.lineEnd[j] && this.indent(j) <= n) unsure();
      }
      this.restOfLine(j, end);
      return [node, j + 1];
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
      if (last < 0 || header[1]) return [{ kind: 'opaque' }, j];
      return [{ kind: 'scalar', start: q, end: this.nextLineStart[last], style: 'block' }, j];
    }
    if (c === DASH && this.isDash(li, q)) return compact ? this.seq(li, q) : unsure();
    // A plain scalar: `-`, `?` and `:` start one when a non-space follows; other indicators do not.
    if (
      INDICATORS.has(c) &&
      !((c === DASH || c === QUESTION || c === COLON) && q + 1 < e && text.charCodeAt(q + 1) !== SPACE)
    )
      unsure();
    const [end, comment] = this.plainLine(q, e);
    if (end < 0) return compact ? this.map(li, q) : unsure();
    if (comment) return [{ kind: 'scalar', start: q, end: end, style: 'plain' }, li + 1];
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
      const [ej, commentj] = this.plainLine(cj, this.lineEnd[j]);
      // A key or a comment on a continuation line: not read.
      if (ej < 0 || commentj) unsure();
      last = j;
      lastEnd = ej;
    }
    return [{ kind: 'scalar', start: q, end: lastEnd, style: 'plain' }, last + 1];
  }

  /**
   * One line of a plain scalar in a block, from `q` to `e`: the end of its text (trailing spaces
   * left out) and whether a comment follows it; -1 when a `: ` makes it a key.
   */
  private plainLine(q: number, e: number): [number, boolean] {
    const { text } = this;
    let end = e;
    let comment = false;
    for (let i = q; i < e; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON && (i + 1 === e || text.charCodeAt(i + 1) === SPACE)) return [-1, false];
      if (ch === HASH && i > q && text.charCodeAt(i - 1) === SPACE) {
        end = i;
        comment = true;
        break;
      }
    }
    while (end > q && text.charCodeAt(end - 1) === SPACE) end--;
    return [end, comment];
  }

  /** A quoted scalar that opens at `q` of line `li` and closes on a later line, more indented than `n`. */
  private multiQuoted(li: number, q: number, n: number): [Node, number] {
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
        return [{ kind: 'scalar', start: q, end: close + 1, style: quote === DQUOTE ? 'double' : 'single' }, j + 1];
      }
    }
    return unsure();
  }
}
