/**
 * The source ranges of the locations of a run's reports, found after every rule ran, document by
 * document. A fast-path document reads its ranges from a scan of its text (src/load/locate.ts),
 * and keeps only the tree of the last document scanned: asked for in turn by the rules (a finding
 * in one document, its related location in another), a document would be scanned again and
 * again. Grouped by document, each is scanned once for all the locations that point into it.
 */
import { resolveRange } from '../load/source.js';
import type { ManifestDocument } from '../load/source.js';
import type { AnyLoc, RawLoc } from './types.js';

const isRaw = (l: AnyLoc): l is RawLoc => 'range' in l;

/** The ranges of many locations, or the error that locating one of them threw. */
export interface Located {
  ranges: ([number, number] | undefined)[];
  errors: Map<number, unknown>;
}

/** The range of each location of `locs` (in the same order), located document by document. */
export function locateAll(locs: readonly AnyLoc[]): Located {
  const ranges: ([number, number] | undefined)[] = new Array(locs.length);
  const errors = new Map<number, unknown>();
  const byDoc = new Map<ManifestDocument, number[]>();
  for (let i = 0; i < locs.length; i++) {
    const l = locs[i];
    if (isRaw(l)) {
      ranges[i] = l.range;
      continue;
    }
    const list = byDoc.get(l.doc);
    if (list) list.push(i);
    else byDoc.set(l.doc, [i]);
  }
  for (const list of byDoc.values()) {
    for (const i of list) {
      try {
        ranges[i] = resolveRange(locs[i] as Exclude<AnyLoc, RawLoc>);
      } catch (error) {
        errors.set(i, error);
      }
    }
  }
  return { ranges, errors };
}
