/** `kube-netlint diff`: connections added, removed and changed between two versions. */
import { checkOutputFile } from '../../load/out-path.js';
import { buildDiffData } from '../../report/diff.js';
import { DIFF_FORMATS, formatDiff } from '../../format/connectivity/diff.js';
import { diffConnectivity, opensConnections } from '../../policy/report.js';
import { renderReport, reportOf } from '../graph.js';
import { EXIT_FATAL, UsageError, parseCommandLine, write } from '../io.js';
import type { Command, Io } from '../io.js';
import { NETWORK_OPTIONS, NETWORK_OPTIONS_HELP, checkFormat, loadSlice } from '../slice.js';

const SUMMARY = `  kube-netlint diff [options] <old-paths> <new-paths>
      Connections added, removed and changed between two versions. Formats: txt, md, json, html.
      --fail-on-added      exit 1 when the new version opens a connection
`;

const HELP = `Usage: kube-netlint diff [options] <old-paths> <new-paths>

Connections added (+), removed (-) and changed (~) between two versions of the manifests; the txt
format ends with "N added, M removed, K changed", or "no changes". With
--format html, one picture of both versions: added connections green, removed red, changed orange.

Options:
      --fail-on-added      Exit with code 1 when the new version opens a connection
${NETWORK_OPTIONS_HELP.replace('Output format (see above)', `Output format: ${DIFF_FORMATS.join(', ')} (default: txt)`)}`;

const OPTIONS = { ...NETWORK_OPTIONS, 'fail-on-added': { type: 'boolean' } } as const;

/** The last line of the txt diff: how many connections were added, removed and changed, or "no changes". */
export function diffSummary(changes: readonly { diff: 'added' | 'removed' | 'changed' }[]): string {
  if (changes.length === 0) return 'no changes\n';
  const n = (k: string) => changes.filter((c) => c.diff === k).length;
  return `${n('added')} added, ${n('removed')} removed, ${n('changed')} changed\n`;
}

async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError('diff needs two inputs: diff <old-paths> <new-paths>');
  if (positionals[0] === '-' && positionals[1] === '-')
    throw new UsageError('diff reads standard input ("-") for one side only: give a path for the other');
  const format = checkFormat(values.format, DIFF_FORMATS);
  if (values['output-file'] !== undefined) checkOutputFile(io.cwd, values['output-file']);
  const html = format === 'html';
  // The picture shows the new version's findings; the old side needs none.
  const before = await loadSlice([positionals[0]], io, values, {
    command: html ? 'graph' : '',
    warnProblems: !html,
    label: positionals[0],
  });
  const after = await loadSlice([positionals[1]], io, values, {
    command: html ? 'graph' : '',
    warnProblems: !html,
    lint: html,
    label: positionals[1],
  });
  const changes = diffConnectivity(before.engine.connectivity(), after.engine.connectivity());
  if (html) {
    const title = `kube-netlint diff ${positionals[0]} → ${positionals[1]}`;
    const data = buildDiffData({
      before: reportOf(before, title),
      after: reportOf(after, title),
      changes,
      title,
      engines: { before: before.engine, after: after.engine },
    });
    write(io, values['output-file'], await renderReport(data, 'html'));
  } else {
    write(io, values['output-file'], formatDiff(changes, format) + (format === 'txt' ? diffSummary(changes) : ''));
  }
  if (before.unread || after.unread) return EXIT_FATAL;
  return values['fail-on-added'] && changes.some(opensConnections) ? 1 : 0;
}

export const diff: Command = { summary: SUMMARY, run };
