import type { Finding, Severity } from '../engine/types.js';
import { messageWithTemplate, relatedPosition, repoPath, spanOf } from './location.js';
import type { Formatter } from './types.js';

/**
 * GitLab's Code Quality severities are info, minor, major, critical and blocker. An error is a
 * claim that something in the cluster is broken, but not a security hole or a build breaker, so
 * it is `major` (ranked above warnings in the merge request widget); a warning is `minor`.
 */
export const CODE_QUALITY_SEVERITY: Record<Severity, 'info' | 'minor' | 'major'> = {
  error: 'major',
  warning: 'minor',
  info: 'info',
};

/** One issue of a GitLab Code Quality report (the subset of the Code Climate spec GitLab reads). */
export interface CodeQualityIssue {
  type: 'issue';
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major';
  categories: string[];
  location: { path: string; lines: { begin: number; end: number } };
}

function issue(f: Finding, ctx: Parameters<Formatter>[1]): CodeQualityIssue {
  const s = spanOf(f);
  let description = messageWithTemplate(f);
  for (const r of f.related) description += `\n${relatedPosition(r, ctx)}: ${r.message}`;
  return {
    type: 'issue',
    description,
    check_name: f.ruleId,
    // The finding's stable identity (the one `--baseline` uses): it names the object and the node,
    // not the line, so GitLab matches the issue across commits; occurrences are numbered, so unique.
    fingerprint: f.fingerprint,
    severity: CODE_QUALITY_SEVERITY[f.severity],
    categories: ['Bug Risk'],
    // GitLab wants the path relative to the repository root; stdin keeps its display path.
    location: { path: repoPath(f.file, ctx) ?? f.file.path, lines: { begin: s.line, end: s.endLine } },
  };
}

/**
 * `--format codeclimate`: a GitLab Code Quality report (`artifacts: reports: codequality:`), a JSON
 * array of issues. Suppressed and baselined findings are left out, as GitLab has no field for them.
 */
export const codeclimate: Formatter = (findings, ctx) =>
  `${JSON.stringify(
    findings.map((f) => issue(f, ctx)),
    null,
    2,
  )}\n`;
