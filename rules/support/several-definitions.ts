/**
 * An object defined in several folders without metadata.namespace may be several objects, one per
 * namespace the folders are applied to, and one defined in sibling folders one per cluster
 * (src/model/identity.ts, `distinctReason`). The definition
 * that comes last in the input (the one the graph resolves to) is then no better than the others:
 * a check judges the definition of the referring object's own folder (or the nearest folder
 * above) alone; without one there, it fails for sure only when every definition fails, and is
 * info when some fail and some pass.
 */
import type { Model } from '../../src/model/model.js';
import { definitionsOf, distinctReason, nearestDefinition } from '../../src/model/identity.js';
import type { Resource } from '../../src/model/resource.js';
import { q } from '../../src/util/text.js';
import { alternatives } from './alternatives.js';

export interface DefinitionVerdict<T> {
  /** The definition to name in the finding. */
  def: T;
  /** To append where the finding names the object ('' when it is defined once, or surely one object). */
  note: string;
  severity?: 'info';
}

/**
 * The finding about `winner` (the definition that comes last) for an object in `from`'s folder:
 * undefined when the definition that object goes with passes (or, without one, every definition
 * passes). When the definitions are surely one object, `winner` is returned without calling
 * `passes`: the caller has checked it. `of` gives the typed object of a definition.
 */
export function judgeDefinitions<T extends { res: Resource }>(
  model: Model,
  winner: T,
  of: (r: Resource) => T | undefined,
  from: Resource,
  passes: (def: T) => boolean,
): DefinitionVerdict<T> | undefined {
  const resources = definitionsOf(model, winner.res);
  const reasons = resources.map((d) => distinctReason(model, d, winner.res));
  if (!reasons.some((reason) => reason !== undefined)) {
    const verdict = judgeAlternatives(model, winner, of, from, passes, resources);
    return verdict === 'passes' ? undefined : (verdict ?? { def: winner, note: '' });
  }
  const defs = resources.map(of).filter((d): d is T => d !== undefined);
  const several = reasons.includes('namespace')
    ? `the input defines ${q(winner.res.name)} in ${defs.length} places without metadata.namespace, ` +
      `which are one object only if applied to one namespace`
    : `the input defines ${q(winner.res.name)} in ${defs.length} sibling folders (often one per cluster or ` +
      `environment), which are one object only if applied to one cluster`;
  const own = nearestDefinition(defs, from);
  if (own) {
    if (passes(own)) return undefined;
    return { def: own, note: ` (as defined in ${own.res.file.path}, the definition nearest to it; ${several})` };
  }
  const verdict = judgeEach(winner, defs, passes, several, ', and none is in this folder or above it');
  return verdict === 'passes' ? undefined : verdict;
}

/**
 * Without a definition the referring object goes with: 'passes' when every definition passes, an
 * error naming `winner` when every one fails, else info naming a failing one (`tail` ends its note).
 */
function judgeEach<T extends { res: Resource }>(
  winner: T,
  defs: readonly T[],
  passes: (def: T) => boolean,
  several: string,
  tail = '',
): DefinitionVerdict<T> | 'passes' {
  const failing = defs.filter((d) => !passes(d));
  if (failing.length === 0) return 'passes';
  if (failing.length === defs.length) return { def: winner, note: ` (in each of its definitions: ${several})` };
  const def = failing.includes(winner) ? winner : failing[0];
  const other = defs.find((d) => !failing.includes(d)) as T;
  return {
    def,
    severity: 'info',
    note: ` (as defined in ${def.res.file.path}, not as defined in ${other.res.file.path}: ${several}${tail})`,
  };
}

/**
 * Definitions that look like alternatives (samples or variants applied one at a time, see
 * support/alternatives.ts): the referring object goes with the definition of its own file. Without
 * one there, the reference fails for sure only when every definition fails (undefined: judged by
 * `winner`), and is info when some fail and some pass. Undefined too when none is an alternative.
 */
function judgeAlternatives<T extends { res: Resource }>(
  model: Model,
  winner: T,
  of: (r: Resource) => T | undefined,
  from: Resource,
  passes: (def: T) => boolean,
  resources: readonly Resource[],
): DefinitionVerdict<T> | 'passes' | undefined {
  const why = resources.map((d) => (d === winner.res ? undefined : alternatives(model, d, winner.res))).find(Boolean);
  if (!why) return undefined;
  const defs = resources.map(of).filter((d): d is T => d !== undefined);
  const own = defs.findLast((d) => d.res.file === from.file);
  const several = `the input defines ${q(winner.res.name)} in ${defs.length} places, and ${why}`;
  if (own) {
    if (own === winner) return undefined;
    return passes(own) ? 'passes' : { def: own, note: ` (as defined in its own file: ${several})` };
  }
  return judgeEach(winner, defs, passes, several);
}
