import type { Finding, Severity } from '../engine/types.js';
import { githubData as escapeData, githubProperty as escapeProperty, terminalSafe, visible } from './escape.js';
import { countSeverities, messageWithTemplate, relatedPosition, repoPath, spanOf } from './location.js';
import { plural } from '../util/text.js';
import type { Formatter } from './types.js';

/** GitHub shows at most this many annotations of each type per step. */
export const ANNOTATIONS_SHOWN_PER_TYPE = 10;

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };
const ORDER: Severity[] = ['error', 'warning', 'info'];

/**
 * Control characters other than line breaks and tabs (ESC starts ANSI sequences, NUL), and the
 * other characters `visible` escapes (line separators, bidirectional controls, lone surrogates),
 * become visible escapes: the log viewer would otherwise interpret them.
 */
const visibleControls = visible;

/** Workflow command data and property values (the escaping of actions/toolkit, in src/format/escape.ts). */
export { githubData as escapeData, githubProperty as escapeProperty } from './escape.js';

function annotation(f: Finding, ctx: Parameters<Formatter>[1]): string {
  const props: [string, string | number][] = [];
  let prefix = '';
  const file = repoPath(f.file, ctx);
  if (file !== undefined) {
    const s = spanOf(f);
    props.push(['file', file], ['line', s.line], ['endLine', s.endLine]);
    // GitHub ignores columns unless the annotation starts and ends on the same line.
    if (s.line === s.endLine) props.push(['col', s.column], ['endColumn', s.endColumn]);
  } else {
    // stdin (or a file outside the repository): no file to attach to, so say where in the message.
    const s = spanOf(f);
    prefix = `${f.file.path}:${s.line}:${s.column}: `;
  }
  props.push(['title', f.ruleId]);
  let message = prefix + messageWithTemplate(f);
  for (const r of f.related) message += `\n  ${relatedPosition(r, ctx)}: ${r.message}`;
  const propText = props.map(([k, v]) => `${k}=${escapeProperty(visibleControls(String(v)))}`).join(',');
  return `::${COMMAND[f.severity]} ${propText}::${escapeData(visibleControls(message))}\n`;
}

/**
 * `--format github`: GitHub Actions workflow commands, one annotation per finding (errors, then
 * warnings, then notices), followed by a plain summary of every finding, since GitHub shows only
 * ten annotations of each type per step.
 */
export const github: Formatter = (findings, ctx) => {
  const ordered = ORDER.flatMap((sev) => findings.filter((f) => f.severity === sev));
  let out = ordered.map((f) => annotation(f, ctx)).join('');

  const { errors, warnings, infos } = countSeverities(findings);
  const counts = [plural(errors, 'error'), plural(warnings, 'warning')];
  if (infos) counts.push(`${infos} info`);
  const notes: string[] = [];
  if (ctx.suppressed?.length) notes.push(`${ctx.suppressed.length} suppressed`);
  if (ctx.baseline?.findings.length)
    notes.push(`${ctx.baseline.findings.length} hidden by the baseline ${ctx.baseline.file}`);
  const files = `${plural(ctx.summary.files, 'file')}, ${plural(ctx.summary.objects, 'object')}`;
  out += `kube-netlint: ${counts.join(', ')} in ${files}${notes.length ? ` (${notes.join(', ')})` : ''}\n`;
  for (const f of ordered) {
    const s = spanOf(f);
    const where = `${repoPath(f.file, ctx) ?? f.file.path}:${s.line}:${s.column}`;
    out += `${f.severity.padEnd(7)}  ${terminalSafe(where)}  ${terminalSafe(messageWithTemplate(f))}  [${f.ruleId}]\n`;
  }
  const over = ORDER.filter((sev) => ordered.filter((f) => f.severity === sev).length > ANNOTATIONS_SHOWN_PER_TYPE);
  if (over.length) {
    out +=
      `GitHub shows only ${ANNOTATIONS_SHOWN_PER_TYPE} annotations of each type per step (here: ${over.map((s) => COMMAND[s]).join(', ')}); ` +
      'the list above is complete. Upload a SARIF report (--format sarif=kube-netlint.sarif) to see every finding in code scanning.\n';
  }
  if (ctx.maxWarningsExceeded) {
    const { maxWarnings, foundWarnings } = ctx.maxWarningsExceeded;
    out += `kube-netlint found too many warnings (maximum: ${maxWarnings}, found: ${foundWarnings}).\n`;
  }
  return out;
};
