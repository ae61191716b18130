/**
 * Fingerprints: a stable identity for each finding. Objects are named by kind/namespace/name and
 * nodes by their path, so moving an object within its file, or editing other objects, keeps the
 * fingerprint. The message is left out (it may name other objects); findings that share a
 * fingerprint get an occurrence number. Parse errors have no object: they use the text of the
 * reported line instead of its number.
 */
import type * as Crypto from 'node:crypto';
import type { SourceFile } from '../load/source.js';
import type { Finding, Report } from './types.js';

// Loaded on first use (a run with nothing to hash does not load node:crypto).
let cryptoModule: typeof Crypto | undefined;
const crypto = () => (cryptoModule ??= process.getBuiltinModule('node:crypto'));

/** What a finding's fingerprint is the hash of. */
export function fingerprintText(ruleId: string, r: Report, file: SourceFile, range: [number, number]): string {
  if ('range' in r.at) {
    const text = file.text;
    const lineStart = text.lastIndexOf('\n', range[0] - 1) + 1;
    const lineEnd = text.indexOf('\n', range[0]);
    return `${ruleId}\u0000${file.path}\u0000${text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim()}`;
  }
  const o = r.object;
  const who = o ? `${o.apiVersion}|${o.kind}|${o.namespace ?? ''}|${o.name}` : `doc${r.at.doc.index}`;
  return `${ruleId}\u0000${file.path}\u0000${who}\u0000${r.at.path.join('/')}\u0000${r.at.key ? 'key' : 'value'}`;
}

/** The fingerprints of many texts (`fingerprintText`), in one pass with the one-shot hash. */
export function hashAll(texts: readonly string[]): string[] {
  if (texts.length === 0) return [];
  const { hash } = crypto();
  const out: string[] = new Array(texts.length);
  for (let i = 0; i < texts.length; i++) out[i] = hash('sha256', texts[i], 'hex').slice(0, 32);
  return out;
}

/**
 * Number the findings that share a fingerprint (`fp`, `fp:1`, `fp:2`...) in the order of two
 * sorted lists taken together (the findings, then the suppressed ones, merged by `compare`).
 */
export function numberOccurrences(a: Finding[], b: Finding[], compare: (x: Finding, y: Finding) => number): void {
  const seen = new Map<string, number>();
  const number = (f: Finding) => {
    const n = seen.get(f.fingerprint);
    if (n === undefined) seen.set(f.fingerprint, 1);
    else {
      seen.set(f.fingerprint, n + 1);
      f.fingerprint = `${f.fingerprint}:${n}`;
    }
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // On a tie the earlier list first: `sort` is stable and [...a, ...b] put a's first.
    if (j >= b.length || (i < a.length && compare(a[i], b[j]) <= 0)) number(a[i++]);
    else number(b[j++]);
  }
}
