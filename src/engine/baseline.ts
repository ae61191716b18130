import type { Finding } from './types.js';

/**
 * A baseline: the fingerprints of findings a project has accepted for now (`--write-baseline`),
 * so that `--baseline` reports only new ones. Findings are matched by fingerprint, which names the
 * rule, the file, the object and the reported field but no line numbers, so a baseline survives
 * unrelated edits. The rule id, file and object are stored for the humans reviewing the file.
 */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  file: string;
  object?: string;
}

export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

export class BaselineError extends Error {}

export function createBaseline(findings: readonly Finding[]): Baseline {
  const seen = new Set<string>();
  const entries: BaselineEntry[] = [];
  for (const f of findings) {
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    const entry: BaselineEntry = { fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.file.path };
    if (f.object)
      entry.object = f.object.namespace
        ? `${f.object.kind} ${f.object.namespace}/${f.object.name}`
        : `${f.object.kind} ${f.object.name}`;
    entries.push(entry);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  entries.sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.object ?? '', b.object ?? '') ||
      cmp(a.fingerprint, b.fingerprint),
  );
  return { version: 1, findings: entries };
}

export function formatBaseline(b: Baseline): string {
  return `${JSON.stringify(b, null, 2)}\n`;
}

/** Parse a baseline file's text; throws BaselineError naming the problem. */
export function parseBaseline(text: string, name: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${name}: not a kube-netlint baseline (invalid JSON: ${(e as Error).message})`);
  }
  const d = data as { version?: unknown; findings?: unknown };
  if (typeof d !== 'object' || d === null || Array.isArray(d) || d.version !== 1 || !Array.isArray(d.findings)) {
    throw new BaselineError(
      `${name}: not a kube-netlint baseline (expected {"version": 1, "findings": [...]}, written by --write-baseline)`,
    );
  }
  const findings: BaselineEntry[] = [];
  d.findings.forEach((e: unknown, i: number) => {
    const entry = e as Partial<BaselineEntry> | null;
    if (
      typeof entry !== 'object' ||
      entry === null ||
      typeof entry.fingerprint !== 'string' ||
      entry.fingerprint === ''
    ) {
      throw new BaselineError(`${name}: findings[${i}] has no fingerprint`);
    }
    findings.push({
      fingerprint: entry.fingerprint,
      ruleId: String(entry.ruleId ?? ''),
      file: String(entry.file ?? ''),
    });
  });
  return { version: 1, findings };
}

export interface BaselineMatch {
  /** Findings not in the baseline: reported, and counted for the exit code. */
  kept: Finding[];
  /** Findings in the baseline: hidden. */
  hidden: Finding[];
  /** Baseline entries that matched no finding (fixed since, or moved to another file). */
  unused: number;
}

/** Split findings by the baseline. Each baseline fingerprint hides at most one finding. */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): BaselineMatch {
  const available = new Set(baseline.findings.map((e) => e.fingerprint));
  const total = available.size;
  const kept: Finding[] = [];
  const hidden: Finding[] = [];
  for (const f of findings) {
    if (available.delete(f.fingerprint)) hidden.push(f);
    else kept.push(f);
  }
  return { kept, hidden, unused: total - hidden.length };
}
