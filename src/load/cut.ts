/**
 * A text cut into its `---` documents for the fast path (./fast.ts), in one pass over its lines:
 * where each document starts and ends, and what the checks of a document need of its lines (how
 * far its lines lead, spaces at their ends) and of its brackets, so that no check searches the
 * text of a document again.
 */

/** One `---` document of a text: `[start, end)`, and what the fast path's checks need of it. */
export interface CutDocument {
  start: number;
  end: number;
  /** Opening brackets (`[`, `{`) in it, quoted ones included. */
  brackets: number;
  /** The longest lead of a line (spaces, `-` and `?` indicators) when it is `LONG_LEAD` or more, else 0. */
  lead: number;
  /** A line that begins with 128 spaces or more. */
  deepIndent: boolean;
  /** A line that ends in a space (before LF or CRLF). */
  spaceAtLineEnd: boolean;
}

/**
 * Leads shorter than this are not measured: for the depth limit (256) only a lead of 94 or more can
 * matter (`mayNestDeeper`), and deep indentation is 128 spaces.
 */
const LONG_LEAD = 64;
const DEEP_SPACES = 128;

const CR = 0x0d;
const TAB = 0x09;
const SPACE = 0x20;
const DASH = 0x2d;
const QUESTION = 0x3f;

const isLead = (c: number) => c === SPACE || c === DASH || c === QUESTION;

/**
 * The documents of a text. Every `---` line (`---` then a space, a tab or the end of the line)
 * starts one. Text before the first one is a document of its own when it holds more than comments
 * and blank lines; otherwise it belongs to the first document (its comments come before it). A text
 * of blank lines only has none.
 */
export function cutDocuments(text: string): CutDocument[] {
  const len = text.length;
  /** Documents from every `---` line, the text before the first one as the first. */
  const parts: CutDocument[] = [];
  let part = newPart(0);
  for (let pos = 0; pos < len;) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? len : nl;
    const first = text.charCodeAt(pos);
    if (first === DASH && isMarker(text, pos, end)) {
      part.end = pos;
      parts.push(part);
      part = newPart(pos);
    }
    // Most lines are shorter than a long lead, or hold other characters where it would end.
    if (end - pos >= LONG_LEAD && isLead(text.charCodeAt(pos + LONG_LEAD - 1))) measureLead(text, pos, part);
    if (nl < 0) break;
    const last = text.charCodeAt(nl - 1);
    if (last === SPACE || (last === CR && text.charCodeAt(nl - 2) === SPACE)) part.spaceAtLineEnd = true;
    pos = nl + 1;
  }
  part.end = len;
  parts.push(part);
  countBrackets(text, '[', parts);
  countBrackets(text, '{', parts);

  const preamble = parts[0];
  if (parts.length === 1) return /\S/.test(text) ? parts : [];
  // The text before the first `---` line is a document when a line of it holds more than a comment.
  if (/^(?!\s*#)\s*\S/m.test(text.slice(0, preamble.end))) return parts;
  const merged = parts[1];
  merged.start = 0;
  merged.brackets += preamble.brackets;
  merged.lead = Math.max(merged.lead, preamble.lead);
  merged.deepIndent ||= preamble.deepIndent;
  merged.spaceAtLineEnd ||= preamble.spaceAtLineEnd;
  return parts.slice(1);
}

function newPart(start: number): CutDocument {
  return { start, end: start, brackets: 0, lead: 0, deepIndent: false, spaceAtLineEnd: false };
}

/** A `---` line: `---` then a space, a tab, or the end of the line (CR included). */
function isMarker(text: string, pos: number, end: number): boolean {
  if (!text.startsWith('---', pos)) return false;
  const at = pos + 3;
  if (at === end) return true;
  const c = text.charCodeAt(at);
  return c === SPACE || c === TAB || (c === CR && at + 1 === end);
}

/** The lead of the line at `pos`, into its document. */
function measureLead(text: string, pos: number, part: CutDocument): void {
  let spaces = pos;
  while (text.charCodeAt(spaces) === SPACE) spaces++;
  if (spaces - pos >= DEEP_SPACES) part.deepIndent = true;
  let lead = spaces;
  while (isLead(text.charCodeAt(lead))) lead++;
  if (lead - pos >= LONG_LEAD && lead - pos > part.lead) part.lead = lead - pos;
}

/** Count the occurrences of `bracket` into the documents they are in (in order, as the documents are). */
function countBrackets(text: string, bracket: string, parts: CutDocument[]): void {
  let k = 0;
  for (let i = text.indexOf(bracket); i >= 0; i = text.indexOf(bracket, i + 1)) {
    while (i >= parts[k].end && k + 1 < parts.length) k++;
    parts[k].brackets++;
  }
}

/**
 * Whether a document could nest deeper than `maxDepth` (a sound bound for text the `yaml` reader
 * reads without errors, tabs excluded): each block collection starts in a line's lead
 * (indentation, `- ` and `? ` indicators, at most two levels per column) and flow collections
 * need an opening bracket each. The bound: 2 levels per column of the longest lead, plus a key's
 * mapping, plus the brackets.
 */
export function mayNestDeeper(doc: CutDocument, maxDepth: number): boolean {
  if (doc.brackets > maxDepth >> 2) return true;
  const maxLead = (maxDepth - doc.brackets - 3) >> 1;
  // (A limit low enough for a short lead to matter is not bounded here.)
  return maxLead < LONG_LEAD || doc.lead > maxLead;
}

/** A run of 16 opening brackets. */
const BRACKET_RUN = /[[{]{16}/;

/**
 * Whether a document's value may nest deeper than the depth limit (its value's depth is then
 * measured): deep indentation, or a run of 16 opening brackets. Such a run holds `[[`, `{{` or
 * `[{[{` (alternating brackets): each is searched for apart (a native search), then the run.
 */
export function mayBeDeep(doc: CutDocument, src: string): boolean {
  return (
    doc.deepIndent ||
    (doc.brackets >= 16 && (src.includes('[[') || src.includes('{{') || src.includes('[{[{')) && BRACKET_RUN.test(src))
  );
}
