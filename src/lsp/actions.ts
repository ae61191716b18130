/**
 * Edits behind the quick fixes that are not rule suggestions: a disable comment above the
 * reported line, and the ignore annotation on the reported object. Every edit is checked by
 * parsing the edited document again: it is offered only when the document reads exactly as
 * before (plus the annotation), so a fix can never break the YAML.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isPair, isScalar } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';
import { IGNORE_ANNOTATION } from '../engine/suppress.js';
import type { Finding } from '../engine/types.js';
import { SourceFile, parseSource } from '../load/source.js';
import type { Path } from '../load/source.js';

/** Replace `range` ([start, end) offsets into the finding's file) with `newText`. */
export interface OffsetEdit {
  range: [number, number];
  newText: string;
}

export const DISABLE_DIRECTIVE = 'kube-netlint-disable-next-line';

const isJson = (file: SourceFile) => /\.json$/i.test(file.path);
const eolOf = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');
const lineStartOf = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;

/**
 * `# kube-netlint-disable-next-line <rule>` on a new line above the reported line, indented like
 * it; when the line above already holds such a comment for other rules, the rule is added to it.
 */
export function disableLineEdit(f: Finding): OffsetEdit | undefined {
  const file = f.file;
  const text = file.text;
  if (isJson(file) || f.ruleId === 'yaml-syntax') return undefined;
  const at = Math.max(0, Math.min(f.range[0], text.length));
  const lineStart = lineStartOf(text, at);
  let edit: OffsetEdit | undefined;
  if (lineStart > 0) {
    const prevStart = lineStartOf(text, lineStart - 1);
    const prev = text.slice(prevStart, lineStart - 1).replace(/\r$/, '');
    const m = /#\s*kube-netlint-disable-next-line\b/.exec(prev);
    if (m) {
      const bodyStart = m.index + m[0].length;
      const body = prev.slice(bodyStart);
      const dash = body.indexOf('--');
      const list = (dash < 0 ? body : body.slice(0, dash)).replace(/\s+$/, '');
      // An empty list disables every rule: the finding would not exist.
      if (!list.trim()) return undefined;
      const from = prevStart + bodyStart;
      edit = { range: [from, from + list.length], newText: `${list}, ${f.ruleId}` };
    }
  }
  if (!edit) {
    const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
    edit = { range: [lineStart, lineStart], newText: `${indent}# ${DISABLE_DIRECTIVE} ${f.ruleId}${eolOf(text)}` };
  }
  return readsTheSame(file, edit, (before) => before) ? edit : undefined;
}

/**
 * Add the rule to the object's `kube-netlint.io/ignore` annotation (creating the annotation, or
 * `metadata.annotations`, in block style). Only for block-style metadata.
 */
export function ignoreObjectEdit(f: Finding): OffsetEdit | undefined {
  const obj = f.object;
  if (!obj || isJson(f.file) || f.ruleId === 'yaml-syntax' || obj.doc.file !== f.file) return undefined;
  const yd = obj.doc.yaml;
  const text = f.file.text;
  const eol = eolOf(text);
  const root = (obj.base.length ? yd.getIn(obj.base, true) : yd.contents) as Node | null;
  const meta = blockMap(pairOf(root, 'metadata')?.value);
  if (!meta) return undefined;
  const annPair = pairOf(meta, 'annotations');
  let edit: OffsetEdit | undefined;
  let value = f.ruleId;
  if (annPair) {
    const ann = blockMap(annPair.value);
    if (!ann) return undefined;
    const ign = pairOf(ann, IGNORE_ANNOTATION);
    if (ign) {
      const v = ign.value as Node | null;
      if (!isScalar(v) || !v.range || (v.value !== null && typeof v.value !== 'string')) return undefined;
      if (v.type === 'BLOCK_FOLDED' || v.type === 'BLOCK_LITERAL') return undefined;
      const old = typeof v.value === 'string' ? v.value.trim().replace(/,$/, '') : '';
      value = old ? `${old},${f.ruleId}` : f.ruleId;
      const quoted =
        v.type === 'QUOTE_DOUBLE' || v.type === 'QUOTE_SINGLE' || !/^[A-Za-z0-9][A-Za-z0-9,*\- ]*$/.test(value);
      const newText = quoted ? JSON.stringify(value) : value;
      if (v.value === null) {
        // `kube-netlint.io/ignore:` with no value: put it after the key.
        const key = ign.key as Node;
        const colon = text.indexOf(':', key.range?.[1] ?? 0);
        if (colon < 0) return undefined;
        edit = { range: [colon + 1, colon + 1], newText: ` ${newText}` };
      } else {
        edit = { range: [v.range[0], v.range[1]], newText };
      }
    } else {
      const at = firstKeyLine(text, ann);
      if (!at) return undefined;
      edit = { range: [at.lineStart, at.lineStart], newText: `${at.indent}${IGNORE_ANNOTATION}: ${f.ruleId}${eol}` };
    }
  } else {
    const at = firstKeyLine(text, meta);
    if (!at) return undefined;
    // After `name:` / `namespace:` when they are one-line scalars, else before the first key.
    const insertAt = afterIdentityLines(text, meta) ?? at.lineStart;
    const block = `${at.indent}annotations:${eol}${at.indent}  ${IGNORE_ANNOTATION}: ${f.ruleId}`;
    edit =
      insertAt > text.length || (insertAt === text.length && !text.endsWith('\n'))
        ? { range: [text.length, text.length], newText: `${eol}${block}` }
        : { range: [insertAt, insertAt], newText: `${block}${eol}` };
  }
  const path: Path = [...obj.base, 'metadata', 'annotations'];
  const ok = readsTheSame(
    f.file,
    edit,
    (before, docIndex) => {
      const after = structuredClone(before);
      const target = docIndex === undefined ? undefined : after[docIndex];
      if (target === undefined) return undefined;
      let node = target as Record<string | number, unknown>;
      for (const seg of path) {
        if (node[seg] === undefined || node[seg] === null) node[seg] = {};
        node = node[seg] as Record<string | number, unknown>;
        if (typeof node !== 'object') return undefined;
      }
      node[IGNORE_ANNOTATION] = value;
      return after;
    },
    obj.doc.yaml.range,
  );
  return ok ? edit : undefined;
}

function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return (map as YAMLMap).items.find((p): p is Pair => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
}

function blockMap(node: unknown): YAMLMap | undefined {
  return isMap(node) && !node.flow && node.items.length > 0 ? (node as YAMLMap) : undefined;
}

/**
 * The start of the line after the leading `name`, `generateName` and `namespace` entries of a
 * metadata map, when each is a one-line scalar ending its line.
 */
function afterIdentityLines(text: string, meta: YAMLMap): number | undefined {
  let end: number | undefined;
  for (const item of meta.items) {
    if (!isPair(item) || !isScalar(item.key) || !['name', 'generateName', 'namespace'].includes(String(item.key.value)))
      break;
    const v = item.value as Node | null;
    const key = item.key as Node;
    if (!isScalar(v) || !v.range || !key.range || v.type === 'BLOCK_FOLDED' || v.type === 'BLOCK_LITERAL') break;
    if (text.slice(key.range[0], v.range[1]).includes('\n')) break;
    const rest = text.slice(v.range[1]);
    const nl = rest.indexOf('\n');
    if (!/^[ \t\r]*(#[^\n]*)?$/.test(nl < 0 ? rest : rest.slice(0, nl))) break;
    end = nl < 0 ? text.length + 1 : v.range[1] + nl + 1;
  }
  return end;
}

/** The start and indentation of the line of a block map's first key, if the key starts that line. */
function firstKeyLine(text: string, map: YAMLMap): { lineStart: number; indent: string } | undefined {
  const first = map.items[0];
  const key = isPair(first) ? (first.key as Node | null) : null;
  if (!key?.range) return undefined;
  const lineStart = lineStartOf(text, key.range[0]);
  const indent = text.slice(lineStart, key.range[0]);
  return /^ *$/.test(indent) ? { lineStart, indent } : undefined;
}

/**
 * Parse the text around the edit before and after it (the YAML document holding it, or the whole
 * file) and check that the parse errors are the same and the values are what `expect` says.
 */
function readsTheSame(
  file: SourceFile,
  edit: OffsetEdit,
  expect: (before: unknown[], docIndex: number | undefined) => unknown[] | undefined,
  docRange?: readonly number[],
): boolean {
  const text = file.text;
  let [a, b] = [0, text.length];
  let docIndex: number | undefined;
  const holder = docRange
    ? { range: docRange }
    : file.documents.map((d) => d.yaml).find((d) => d.range[0] <= edit.range[0] && edit.range[1] <= d.range[2]);
  if (holder && holder.range[0] <= edit.range[0] && edit.range[1] <= holder.range[2]) {
    [a, b] = [holder.range[0], holder.range[2]];
    docIndex = 0;
  } else if (docRange) {
    return false;
  }
  const beforeText = text.slice(a, b);
  const afterText = text.slice(a, edit.range[0]) + edit.newText + text.slice(edit.range[1], b);
  const parse = (t: string) => parseSource(new SourceFile(file.path, t), {});
  const before = parse(beforeText);
  const after = parse(afterText);
  if (before.problems.length !== after.problems.length) return false;
  if (before.documents.length !== after.documents.length) return false;
  const beforeValues = before.documents.map((d) => d.value);
  const expected = expect(beforeValues, docIndex);
  return (
    expected !== undefined &&
    isDeepStrictEqual(
      after.documents.map((d) => d.value),
      expected,
    )
  );
}
