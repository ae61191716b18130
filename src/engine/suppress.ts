import type { SourceFile } from '../load/source.js';
import type { Finding, Suppression } from './types.js';

export const IGNORE_ANNOTATION = 'kube-netlint.io/ignore';
const DIRECTIVE = /#\s*kube-netlint-disable-next-line\b([^\n]*)/g;

interface Directive {
  /** 1-based line the directive applies to. */
  line: number;
  rules: Set<string> | null;
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
      const [body, reason] = splitReason(m[1]);
      const names = body
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const { line } = file.position(m.index ?? 0);
      map.set(line + 1, { line: line + 1, rules: names.length ? new Set(names) : null, justification: reason });
    }
  }
  directiveCache.set(file, map);
  return map;
}

function splitReason(s: string): [string, string | undefined] {
  const i = s.indexOf('--');
  if (i < 0) return [s, undefined];
  const reason = s.slice(i + 2).trim();
  return [s.slice(0, i), reason || undefined];
}

function parseList(v: string): Set<string> {
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
    const list = parseList(ann);
    if (list.has(f.ruleId) || list.has('all') || list.has('*')) {
      return { kind: 'annotation', justification: f.object?.annotations.get(`${IGNORE_ANNOTATION}-reason`) };
    }
  }
  const d = directives(f.file).get(f.file.position(f.range[0]).line);
  if (d && (d.rules === null || d.rules.has(f.ruleId))) return { kind: 'comment', justification: d.justification };
  return undefined;
}
