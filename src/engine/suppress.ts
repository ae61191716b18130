import type { SourceFile } from '../load/source.js';
import type { Resource } from '../model/resource.js';
import type { AnyLoc, Finding, Suppression } from './types.js';

export const IGNORE_ANNOTATION = 'kube-netlint.io/ignore';
const DIRECTIVE = /#\s*kube-netlint-disable-next-line\b([^\n]*)/g;
/** Words of the ignore annotation that stand for every rule. */
export const ALL_RULES_WORDS: ReadonlySet<string> = new Set(['all', '*']);

/** A rule named by a disable comment, with the range of its name in the file. */
export interface DirectiveName {
  name: string;
  range: [number, number];
}

/** A `# kube-netlint-disable-next-line` comment. */
export interface Directive {
  /** 1-based line the directive applies to. */
  line: number;
  /** Range of the comment (from `#` to the end of the line). */
  range: [number, number];
  /** The rules it names; null: every rule. */
  rules: Set<string> | null;
  names: DirectiveName[];
  justification?: string;
}

const directiveCache = new WeakMap<SourceFile, Map<number, Directive>>();

/** `# kube-netlint-disable-next-line rule-a, rule-b -- reason` comments of a file, by target line. */
function directives(file: SourceFile): Map<number, Directive> {
  let map = directiveCache.get(file);
  if (map) return map;
  map = new Map();
  if (file.text.includes('kube-netlint-disable-next-line')) {
    for (const m of file.text.matchAll(DIRECTIVE)) {
      const start = m.index ?? 0;
      const bodyStart = start + m[0].length - m[1].length;
      const [body, reason] = splitReason(m[1]);
      const names: DirectiveName[] = [];
      for (const w of body.matchAll(/[^\s,]+/g)) {
        const from = bodyStart + (w.index ?? 0);
        names.push({ name: w[0], range: [from, from + w[0].length] });
      }
      const { line } = file.position(start);
      map.set(line + 1, {
        line: line + 1,
        range: [start, start + m[0].trimEnd().length],
        rules: names.length ? new Set(names.map((n) => n.name)) : null,
        names,
        justification: reason,
      });
    }
  }
  directiveCache.set(file, map);
  return map;
}

/** Every disable comment of a file, in order. */
export function directiveComments(file: SourceFile): Directive[] {
  return [...directives(file).values()];
}

function splitReason(s: string): [string, string | undefined] {
  const i = s.indexOf('--');
  if (i < 0) return [s, undefined];
  const reason = s.slice(i + 2).trim();
  return [s.slice(0, i), reason || undefined];
}

/** The rule names of an ignore annotation value. */
export function parseIgnoreList(v: string): Set<string> {
  return new Set(
    v
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** Why a finding is suppressed, if it is: an annotation on its object or a comment before its line. */
export function suppressionFor(f: Finding): Suppression | undefined {
  const ann = f.object?.annotations.get(IGNORE_ANNOTATION);
  if (ann !== undefined) {
    const list = parseIgnoreList(ann);
    if (list.has(f.ruleId) || list.has('all') || list.has('*')) {
      return { kind: 'annotation', justification: f.object?.annotations.get(`${IGNORE_ANNOTATION}-reason`) };
    }
  }
  const d = directives(f.file).get(f.file.position(f.range[0]).line);
  if (d && (d.rules === null || d.rules.has(f.ruleId))) return { kind: 'comment', justification: d.justification };
  return undefined;
}

/** A disable comment or ignore annotation (or one rule named by it) that suppressed nothing. */
export interface UnusedDirective {
  at: AnyLoc;
  object: Resource | null;
  message: string;
}

/**
 * Directives that suppressed none of the findings (ESLint's --report-unused-disable-directives):
 * a comment naming no rule that suppressed nothing, each named rule that suppressed nothing on
 * the next line, and each rule of an ignore annotation with no suppressed finding on its object.
 */
export function unusedDirectives(
  files: readonly SourceFile[],
  resources: readonly Resource[],
  suppressed: readonly Finding[],
): UnusedDirective[] {
  const out: UnusedDirective[] = [];
  // What each directive suppressed: rule ids by file and line, and by object.
  const byLine = new Map<SourceFile, Map<number, Set<string>>>();
  const byObject = new Map<Resource, Set<string>>();
  for (const f of suppressed) {
    if (f.suppressed?.kind === 'comment') {
      let lines = byLine.get(f.file);
      if (!lines) byLine.set(f.file, (lines = new Map()));
      const line = f.file.position(f.range[0]).line;
      const set = lines.get(line) ?? new Set<string>();
      set.add(f.ruleId);
      lines.set(line, set);
    } else if (f.suppressed?.kind === 'annotation' && f.object) {
      const set = byObject.get(f.object) ?? new Set<string>();
      set.add(f.ruleId);
      byObject.set(f.object, set);
    }
  }
  for (const file of files) {
    for (const d of directives(file).values()) {
      const used = byLine.get(file)?.get(d.line);
      if (d.rules === null) {
        if (!used?.size)
          out.push({
            at: { file, range: d.range },
            object: null,
            message: 'unused kube-netlint-disable-next-line comment: no finding was reported on the next line',
          });
        continue;
      }
      for (const n of d.names) {
        if (used?.has(n.name)) continue;
        out.push({
          at: { file, range: n.range },
          object: null,
          message: `unused kube-netlint-disable-next-line for ${JSON.stringify(n.name)}: it reported nothing on the next line`,
        });
      }
    }
  }
  for (const res of resources) {
    const ann = res.annotations.get(IGNORE_ANNOTATION);
    if (ann === undefined) continue;
    const used = byObject.get(res);
    const names = [...parseIgnoreList(ann)];
    const unused = names.filter((n) => (ALL_RULES_WORDS.has(n) ? !used?.size : !used?.has(n)));
    if (unused.length === 0) continue;
    out.push({
      at: res.at('metadata', 'annotations', IGNORE_ANNOTATION),
      object: res,
      message: `unused ${IGNORE_ANNOTATION} annotation for ${unused.map((n) => JSON.stringify(n)).join(', ')}: nothing reported on ${res.display} was suppressed by ${unused.length === 1 ? 'it' : 'them'}`,
    });
  }
  return out;
}
