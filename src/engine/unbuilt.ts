/**
 * A Kustomize root linted without a build (src/load/kustomize.ts): its patches are not applied
 * (src/load/kustomize-patches.ts says what each changes), so a finding about what they change may
 * not hold once built. Used by lint, the network commands and the language server alike.
 */
import { patchOf } from '../load/kustomize-patches.js';
import type { PatchTarget } from '../load/kustomize-patches.js';
import { locate } from '../load/source.js';
import type { Resource } from '../model/resource.js';
import type { Finding } from './types.js';

/** Rules whose findings say that a selector selects nothing. */
const SELECTS_NOTHING = new Set([
  'service-selector-no-pods',
  'netpol-selects-no-pods',
  'netpol-peer-selects-nothing',
  'monitor-selects-no-service',
]);

/**
 * Findings of a root linted without a build that involve an object its patches change (the object
 * reported, or one of the related locations): the patches are not applied, so the finding may not
 * hold once built. An error or warning is then info, saying which patch; so is a finding that a
 * selector selects nothing where a patch may change labels or namespaces.
 */
export function unpatchedFindings(
  list: Finding[],
  targets: readonly PatchTarget[] | undefined,
  resources: readonly Resource[],
): void {
  if (!targets) return;
  const patchOfRes = (r: Resource) => patchOf(targets, r.file.absPath, r.kind, r.name);
  // The objects of each file, located when a related location first points into that file.
  let byFile: Map<Resource['file'], Resource[]> | undefined;
  const spans = new Map<Resource['file'], { r: Resource; range: [number, number] }[]>();
  const holding = (file: Finding['file'], at: number) => {
    if (!byFile) {
      byFile = new Map();
      for (const r of resources) {
        const list = byFile.get(r.file);
        if (list) list.push(r);
        else byFile.set(r.file, [r]);
      }
    }
    let list = spans.get(file);
    if (!list) spans.set(file, (list = (byFile.get(file) ?? []).map((r) => ({ r, range: locate(r.at()).range }))));
    return list.find((s) => s.range[0] <= at && at < s.range[1])?.r;
  };
  // A patch that may change labels or namespaces may give a selector that selects nothing something to select.
  const relabel = targets.find((t) => t.relabels);
  for (const f of list) {
    if (f.severity === 'info') continue;
    if (relabel && SELECTS_NOTHING.has(f.ruleId)) {
      f.severity = 'info';
      f.message =
        `${f.message}; the patch in ${relabel.patch} may change labels or namespaces${relabel.kind ? ` of ${relabel.kind} objects` : ''}, ` +
        `and is not applied without a build, so this may not hold once built`;
      continue;
    }
    const involved = [f.object, ...f.related.map((x) => holding(x.file, x.range[0]))];
    const hit = involved.find((r): r is Resource => r !== null && r !== undefined && patchOfRes(r) !== undefined);
    if (!hit) continue;
    f.severity = 'info';
    f.message =
      `${f.message}; ${hit.display} is changed by the patch in ${patchOfRes(hit)}, which is not applied without a build, ` +
      `so this may not hold once built`;
  }
}
