/** The network commands' account of what their answer leaves out (src/policy/gaps.ts), on stderr. */
import { positionOf } from '../engine/runner.js';
import { terminalSafe } from '../format/escape.js';
import type { Loc } from '../load/source.js';

const LOCATIONS_SHOWN = 3;

/**
 * One `kube-netlint: warning: …` line per kind of gap (src/policy/gaps.ts: analysis gaps and dropped
 * objects), with where it occurs; `label` names the input (diff).
 */
export function printGaps(
  io: { stderr: NodeJS.WritableStream },
  gaps: readonly { message: string; items: readonly { loc: Loc }[] }[],
  label?: string,
): void {
  for (const g of gaps) {
    const locs = g.items.slice(0, LOCATIONS_SHOWN).map((i) => {
      const p = positionOf(i.loc);
      return `${p.file}:${p.line}:${p.column}`;
    });
    const more = g.items.length - locs.length;
    const where = `${locs.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
    const prefix = label ? `in ${label}: ` : '';
    io.stderr.write(`kube-netlint: warning: ${terminalSafe(`${prefix}${g.message} (${where})`)}\n`);
  }
}
