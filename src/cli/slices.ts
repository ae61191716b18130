/**
 * Cluster slices of one run, as the input road gives them (src/load/kustomize-slices.ts): the files
 * outside any Kustomize tree, and one slice per top-level Kustomize root. Here: the road's options
 * from the flags, what the planning says on stderr, and how findings of a root name it. Lint runs
 * lint each slice on its own and report all findings; the network commands need one slice, and
 * ask for one root when the input holds several.
 */
import { lint } from '../engine/runner.js';
import type { LintOptions } from '../engine/runner.js';
import type { Finding } from '../engine/types.js';
import { terminalSafe } from '../format/escape.js';
import { resolveKustomizeCommand } from '../load/kustomize.js';
import type { Input } from '../load/input.js';
import { builtNames } from '../load/kustomize-slices.js';
import type { KustomizeInputOptions, LoadedSlice } from '../load/kustomize-slices.js';
import type { InputLimits } from '../load/load.js';
import { unpatchedFindings } from '../engine/unbuilt.js';
import type { Resource } from '../model/resource.js';

export const KUSTOMIZE_HELP = `      --kustomize-command <cmd> Build Kustomize roots with this command ("kustomize build",
                              "kubectl kustomize"; default: whichever is on the PATH), or "none"
                              to lint the files each kustomization lists as resources`;

/** The road's Kustomize options for a run (src/load/kustomize-slices.ts): the build program chosen by flag or PATH. */
export function kustomizeOptions(
  targets: string[],
  io: { env: NodeJS.ProcessEnv },
  o: { commandFlag?: string; ignore?: string[]; gitignore?: boolean; limits: InputLimits; one?: string },
): KustomizeInputOptions {
  return {
    command: resolveKustomizeCommand(o.commandFlag, io.env),
    walked: targets,
    ignore: o.ignore,
    gitignore: o.gitignore,
    build: { env: io.env, maxBytes: o.limits.maxInputBytes },
    one: o.one,
  };
}

/** Findings of a root's slice: at their source files where the build says, naming the root. */
function placeFindings(list: Finding[], slice: LoadedSlice): void {
  const { root, map } = slice;
  if (root === undefined) return;
  const { createHash } = process.getBuiltinModule('node:crypto');
  for (const f of list) {
    const at = map?.({ file: f.file, range: f.range });
    if (at) {
      f.file = at.file;
      f.range = at.range;
      // Quick fixes edit the build output, not the sources.
      f.suggestions = [];
    }
    if (map) {
      f.related = f.related.map((r) => {
        const m = map({ file: r.file, range: r.range });
        return m ? { ...r, ...m } : r;
      });
    }
    f.message = `${f.message} (Kustomize root ${root})`;
    // Two environments built from one base are two findings, with two identities.
    f.fingerprint = createHash('sha256').update(`${root}\u0000${f.fingerprint}`).digest('hex').slice(0, 32);
  }
}

/** Lint each slice on its own; the findings of all of them (ordinary slice first, then the roots in order). */
export function lintSlices(slices: LoadedSlice[], options: LintOptions) {
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const internalErrors: { ruleId: string; error: Error }[] = [];
  const resources: Resource[] = [];
  for (const slice of slices) {
    // A Kustomize root is built and applied as one: its objects of one identity are one object.
    const result = lint(
      slice.files,
      slice.root === undefined
        ? options
        : {
            ...options,
            appliedTogether: true,
            ...builtNames(slice, slice.files),
          },
    );
    unpatchedFindings(result.findings, slice.patched, result.model.resources);
    unpatchedFindings(result.suppressed, slice.patched, result.model.resources);
    placeFindings(result.findings, slice);
    placeFindings(result.suppressed, slice);
    findings.push(...result.findings);
    suppressed.push(...result.suppressed);
    internalErrors.push(...result.internalErrors);
    resources.push(...result.model.resources);
  }
  return { findings, suppressed, internalErrors, resources };
}

/**
 * The cluster slices of a run read on the input road with `kustomizeOptions`: its notes, the roots
 * that could not be built, roots left out and files that could not be read, one line each on
 * stderr. Without any kustomization: the road's files, as they are.
 */
export function kustomizeSlices(
  input: Input,
  io: { stderr: NodeJS.WritableStream },
): { slices: LoadedSlice[]; errors: number } | { error: string } {
  const k = input.kustomize;
  if (!k) return { slices: [{ files: input.files }], errors: 0 };
  for (const n of k.notes) io.stderr.write(`kube-netlint: ${terminalSafe(n)}\n`);
  for (const e of k.rootErrors)
    io.stderr.write(`kube-netlint: Kustomize root ${terminalSafe(e.root)}: ${terminalSafe(e.message)}\n`);
  if (k.error !== undefined) return { error: k.error };
  if (k.warning) io.stderr.write(`kube-netlint: warning: ${terminalSafe(k.warning)}\n`);
  for (const e of k.readErrors)
    io.stderr.write(`kube-netlint: cannot read ${terminalSafe(e.path)}: ${terminalSafe(e.message)}\n`);
  return { slices: k.slices, errors: k.errors };
}
