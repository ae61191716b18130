/**
 * Quoted strings whose continuation lines are indented less than YAML requires. YAML 1.2 wants
 * every line of a multi-line quoted scalar in a block mapping indented more than its key; go-yaml
 * (kubectl's reader), libyaml and js-yaml read such a string all the same, and re-indented files
 * (a CRD's CEL rules, say) hold them:
 *
 *     - message: …
 *       rule: 'self.all(p1, …
 *     == p2.kind …'
 *
 * The fast path reads them with js-yaml; the `yaml` package rejects the document, and every error
 * after the string follows from the first. Leading spaces of a continuation line are not part of
 * the string (they fold away), so the document reads the same with those lines indented just
 * enough: this module finds the lines and says where to put the spaces, and src/load/fast.ts
 * reads the padded text with the `yaml` package, moving its ranges back to the text itself.
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import { documentStarts } from './text.js';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

export interface FlowIndentPadding {
  /** The text with the short lines indented enough. */
  text: string;
  /** Offsets in `text` → offsets in the text it was made from. */
  map: (offset: number) => number;
}

/**
 * The padding that makes the under-indented continuation lines of the quoted scalars of `src` (one
 * or more documents) as indented as YAML requires, or undefined when no line is short. Each `---`
 * document is read on its own (as the fast path and the language server's re-parse cut them); one
 * that the `yaml` package reads (`rejects` is false), or that js-yaml cannot read, is left as it is.
 */
export function padFlowIndent(src: string, rejects: (doc: string) => boolean): FlowIndentPadding | undefined {
  if (!src.includes("'") && !src.includes('"')) return undefined;
  // Loaded here, when a document the `yaml` package rejects has quotes (rare).
  const jsyaml = createRequire(import.meta.url)('js-yaml') as typeof JsYaml;
  /** Insertions: [offset of a line's start, spaces to insert there], in text order. */
  const inserts: [number, number][] = [];
  const onScalar = (start: number, end: number) => {
    const first = src.charCodeAt(start);
    if (first !== DQUOTE && first !== SQUOTE) return;
    const firstBreak = src.indexOf('\n', start);
    if (firstBreak < 0 || firstBreak >= end) return;
    // The column of the key (or of the scalar itself) on its first line, after any `- ` items.
    const lineStart = src.lastIndexOf('\n', start - 1) + 1;
    let i = lineStart;
    while (src.charCodeAt(i) === SPACE) i++;
    while (src.charCodeAt(i) === DASH && src.charCodeAt(i + 1) === SPACE) {
      i += 2;
      while (src.charCodeAt(i) === SPACE) i++;
    }
    const need = Math.min(i, start) - lineStart + 1;
    for (let line = firstBreak + 1; line < end;) {
      let indent = 0;
      while (src.charCodeAt(line + indent) === SPACE) indent++;
      const c = src.charCodeAt(line + indent);
      // A blank line folds to a line break whatever its indentation.
      if (indent < need && c !== LF && c !== CR && line + indent < end) inserts.push([line, need - indent]);
      const nl = src.indexOf('\n', line);
      if (nl < 0) break;
      line = nl + 1;
    }
  };
  const starts = documentStarts(src);
  starts.forEach((at, i) => {
    const doc = src.slice(at, starts[i + 1] ?? src.length);
    // A document the `yaml` package reads is left as it is, whatever its indentation.
    if (!doc.includes("'") && !doc.includes('"')) return;
    if (!rejects(doc)) return;
    try {
      // Every scalar a string: only the structure matters here.
      const listener = scalarListener(doc, (start, end) => onScalar(start + at, end + at));
      jsyaml.load(doc, { schema: jsyaml.FAILSAFE_SCHEMA, listener });
    } catch {
      // not one js-yaml reads: left as it is
    }
  });
  if (inserts.length === 0) return undefined;
  inserts.sort((a, b) => a[0] - b[0]);
  let text = '';
  let from = 0;
  // Where each insertion starts in the padded text, and the spaces inserted up to its end.
  const startsIn: number[] = [];
  const total: number[] = [];
  let added = 0;
  for (const [at, n] of inserts) {
    text += src.slice(from, at);
    startsIn.push(at + added);
    text += ' '.repeat(n);
    from = at;
    added += n;
    total.push(added);
  }
  text += src.slice(from);
  const map = (offset: number) => {
    // The last insertion that starts at or before `offset`.
    let lo = 0;
    let hi = startsIn.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (startsIn[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0) return offset;
    // Inside the inserted spaces: the line's start.
    if (offset < startsIn[k] + inserts[k][1]) return inserts[k][0];
    return offset - total[k];
  };
  return { text, map };
}

/**
 * A listener on js-yaml's nodes that calls `onScalar` with where each scalar node of `src` starts
 * (its first character: a node opens before the space and comments in front of it) and ends.
 */
export function scalarListener(
  src: string,
  onScalar: (start: number, end: number) => void,
): (event: JsYaml.EventType, state: JsYaml.State) => void {
  const starts: number[] = [];
  return (event, state) => {
    if (event === 'open') {
      starts.push(state.position);
      return;
    }
    let start = starts.pop();
    if (start === undefined || state.kind !== 'scalar') return;
    for (let c = src.charCodeAt(start); start < state.position; c = src.charCodeAt(start)) {
      if (c === SPACE || c === LF || c === CR) start++;
      else if (c === HASH) {
        const nl = src.indexOf('\n', start);
        start = nl < 0 ? state.position : nl + 1;
      } else break;
    }
    onScalar(start, state.position);
  };
}
