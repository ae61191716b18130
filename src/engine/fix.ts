/**
 * `--fix`: the fixes rules carry (a finding's one suggestion: replace a range with a value) as text
 * edits that keep everything else of the file — comments, quoting style, indentation, line ends.
 * ESLint's model: per pass, the non-overlapping fixes of the findings are applied, the files are
 * linted again, and so on until no fix is left (at most MAX_FIX_PASSES passes).
 *
 * A suggestion's replacement is a value; the text written for it keeps the quoting of the text it
 * replaces (`"web"` becomes `"api"`, `'web'` becomes `'api'`), and a value that would not read back
 * as the same string unquoted (`true`, `1.0`, anything in a JSON file) is double-quoted. Each edit is
 * checked by parsing the document before and after it: applied only when exactly the replaced value
 * changes, to exactly the suggested string, and no parse problem appears (a rule name in a disable
 * comment: when no value changes).
 */
import { isDeepStrictEqual } from 'node:util';
import { SourceFile, parseSource } from '../load/source.js';
import type { ManifestDocument } from '../load/source.js';
import type { Finding } from './types.js';

/** ESLint's limit: passes of fix-and-lint before the fixes are taken as they are. */
export const MAX_FIX_PASSES = 10;

export interface TextEdit {
  /** [start, end) offsets into the file's text. */
  range: [number, number];
  text: string;
}

/** The edits of one pass in one file, sorted and without overlaps, with the findings they fix. */
export interface FileFix {
  file: SourceFile;
  edits: TextEdit[];
  /** Rule ids of the findings fixed, one per edit. */
  rules: string[];
}

/**
 * The fixes of a pass: for each finding with exactly one suggestion (a finding with several has no
 * single fix: editors offer them, `--fix` leaves them), the edit, grouped by file. `canFix` says
 * which files may be changed (not standard input). Where two edits overlap, the first by position
 * is taken and the other waits for the next pass, when it may no longer be needed.
 */
export function collectFixes(findings: readonly Finding[], canFix: (file: SourceFile) => boolean): FileFix[] {
  const byFile = new Map<SourceFile, { edit: TextEdit; rule: string }[]>();
  for (const f of findings) {
    if (f.suggestions.length !== 1) continue;
    const s = f.suggestions[0];
    if (!canFix(s.file)) continue;
    const edit = fixEdit(s.file, s.range, s.replacement);
    if (!edit) continue;
    const list = byFile.get(s.file) ?? [];
    list.push({ edit, rule: f.ruleId });
    byFile.set(s.file, list);
  }
  const out: FileFix[] = [];
  for (const [file, list] of byFile) {
    list.sort((a, b) => a.edit.range[0] - b.edit.range[0] || a.edit.range[1] - b.edit.range[1]);
    const edits: TextEdit[] = [];
    const rules: string[] = [];
    let end = -1;
    for (const { edit, rule } of list) {
      const last = edits[edits.length - 1];
      // The same edit from two findings (one value, two rules or slices) is one edit.
      if (last && last.range[0] === edit.range[0] && last.range[1] === edit.range[1] && last.text === edit.text)
        continue;
      // Touching counts as overlapping, as in ESLint: the later edit waits for the next pass.
      if (edit.range[0] <= end) continue;
      edits.push(edit);
      rules.push(rule);
      end = edit.range[1];
    }
    if (edits.length) out.push({ file, edits, rules });
  }
  return out;
}

/** The text with the edits (sorted, not overlapping) applied. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.range[0]) + e.text;
    at = e.range[1];
  }
  return out + text.slice(at);
}

/**
 * The edit that writes `value` in place of the scalar at `range`, in the quoting the scalar has
 * (else plain, else double-quoted), checked by parsing; undefined when no spelling reads right.
 */
export function fixEdit(file: SourceFile, range: [number, number], value: string): TextEdit | undefined {
  const [a, b] = range;
  if (a < 0 || b > file.text.length || a > b) return undefined;
  const old = file.text.slice(a, b);
  // A rule name in a disable comment: the comment's text itself, the values untouched.
  const lineStart = file.text.lastIndexOf('\n', a - 1) + 1;
  if (/(^|[ \t])#/.test(file.text.slice(lineStart, a)) && !/[\r\n]/.test(value + old)) {
    const edit: TextEdit = { range: [a, b], text: value };
    return value !== old && changedValues(file, edit, value) === 0 ? edit : undefined;
  }
  const candidates: string[] = [];
  if (old.startsWith("'") && !value.includes('\n')) candidates.push(`'${value.replace(/'/g, "''")}'`);
  else if (!old.startsWith('"')) candidates.push(value);
  candidates.push(JSON.stringify(value));
  for (const text of candidates) {
    const edit: TextEdit = { range: [a, b], text };
    if (text !== old && changedValues(file, edit, value) === 1) return edit;
  }
  return undefined;
}

/**
 * How many values of its document the edit changes, each to `value`, with the same parse problems
 * and documents as before; -1 when it changes anything else. Parsed as the loader parses (YAML 1.1
 * scalars, JSON files).
 */
function changedValues(file: SourceFile, edit: TextEdit, value: string): number {
  const holder = file.documents.map(spanOf).find(([a, b]) => a <= edit.range[0] && edit.range[1] <= b);
  const [from, to] = holder ?? [0, file.text.length];
  const beforeText = file.text.slice(from, to);
  const afterText = file.text.slice(from, edit.range[0]) + edit.text + file.text.slice(edit.range[1], to);
  const json = /\.json$/i.test(file.path);
  const parse = (t: string) => parseSource(new SourceFile(file.path, t), { json });
  const before = parse(beforeText);
  const after = parse(afterText);
  if (before.problems.length !== after.problems.length || before.documents.length !== after.documents.length) return -1;
  let changed = 0;
  for (let i = 0; i < before.documents.length; i++) {
    const r = diffValues(before.documents[i].value, after.documents[i].value, value);
    if (r < 0) return -1;
    changed += r;
  }
  return changed;
}

/**
 * Where a document's text is: a fast-path document knows it without building its `yaml` Document
 * (src/load/fast.ts), which would cost a parse per document of the file.
 */
function spanOf(d: ManifestDocument): [number, number] {
  const lazy = d as Partial<{ start: unknown; end: unknown }>;
  if (typeof lazy.start === 'number' && typeof lazy.end === 'number') return [lazy.start, lazy.end];
  return [d.yaml.range[0], d.yaml.range[2]];
}

/**
 * How many leaves differ between `x` and `y` when every difference is a leaf that became
 * `value`; -1 when the two differ otherwise (shape, keys, another value).
 */
function diffValues(x: unknown, y: unknown, value: string, depth = 0): number {
  if (isDeepStrictEqual(x, y)) return 0;
  if (depth > 200) return -1;
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObj(x) && isObj(y)) {
    if (Array.isArray(x) !== Array.isArray(y)) return -1;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return -1;
    let n = 0;
    for (const k of kx) {
      const r = diffValues(x[k], y[k], value, depth + 1);
      if (r < 0) return -1;
      n += r;
    }
    return n;
  }
  return !isObj(x) && y === value ? 1 : -1;
}
