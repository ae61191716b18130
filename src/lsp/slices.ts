/**
 * Kustomize trees in a workspace folder (src/load/kustomize.ts, planned without running a build
 * program): the ordinary files make one group, each top-level root another, with the files its
 * kustomizations list as resources. Patches and generator inputs are in no group, so they are not
 * linted as objects of the slice; each group is linted on its own, as the CLI lints each root.
 */
import type { DiscoveredFile } from '../load/discover.js';
import { planSlices } from '../load/kustomize.js';
import { normPath } from './paths.js';

/** One group of files linted together (ids); `root` names a Kustomize root. */
export interface LintGroup {
  root?: string;
  ids: string[];
}

/**
 * The lint groups of a folder's discovered files; undefined when the folder holds no Kustomize
 * tree (every file is one group). `log`: what was skipped and why, one line each.
 */
export async function lintGroups(
  files: DiscoveredFile[],
  o: { cwd: string; walked: string[]; ignore: string[] },
  log: (message: string) => void,
): Promise<LintGroup[] | undefined> {
  const plan = await planSlices(files, { cwd: o.cwd, walked: o.walked, ignore: o.ignore, command: null });
  if (plan.roots.length === 0 && plan.notes.length === 0 && plan.errors.length === 0) return undefined;
  for (const n of plan.notes) log(n);
  for (const e of plan.errors) log(`Kustomize root ${e.root}: ${e.message}`);
  const groups: LintGroup[] = [];
  for (const s of plan.slices) {
    if (s.kind === 'files') groups.push({ root: s.root, ids: s.files.map((f) => normPath(f.absPath)) });
  }
  return groups;
}
