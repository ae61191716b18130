/** Renderings of connectivity diffs (`kube-netlint diff`): txt, md, json (html: src/report). */
import type { ConnSet } from '../../policy/conn.js';
import type { ConnectionDiff } from '../../policy/report.js';
import { markdownCell as mdCell, terminalSafe as t } from '../escape.js';

export const DIFF_FORMATS = ['txt', 'md', 'json', 'html'] as const;

export function formatDiff(diffs: ConnectionDiff[], format: string): string {
  const conn = (c?: ConnSet) => (c ? c.toString() : '');
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        diffs.map((d) => ({
          diff: d.diff,
          src: d.src,
          dst: d.dst,
          ...(d.old ? { old: conn(d.old) } : {}),
          ...(d.new ? { new: conn(d.new) } : {}),
        })),
        null,
        2,
      )}\n`;
    case 'md':
      return (
        [
          '| diff | src | dst | old | new |',
          '|------|-----|-----|-----|-----|',
          ...diffs.map(
            (d) =>
              `| ${d.diff} | ${mdCell(d.src)} | ${mdCell(d.dst)} | ${mdCell(conn(d.old))} | ${mdCell(conn(d.new))} |`,
          ),
        ].join('\n') + '\n'
      );
    default:
      return diffs
        .map((d) =>
          d.diff === 'added'
            ? `+ ${t(d.src)} => ${t(d.dst)} : ${conn(d.new)}`
            : d.diff === 'removed'
              ? `- ${t(d.src)} => ${t(d.dst)} : ${conn(d.old)}`
              : `~ ${t(d.src)} => ${t(d.dst)} : ${conn(d.old)} -> ${conn(d.new)}`,
        )
        .map((l) => `${l}\n`)
        .join('');
  }
}
