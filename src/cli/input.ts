/**
 * The commands' side of the input road (`load/input.ts`): what a run says about its input on
 * stderr (Helm charts left out, links not followed, files that cannot be read), and when the input
 * stops the run (paths that match nothing, no Kubernetes manifest at all).
 */
import { SettingsError, resolveSettings } from '../engine/settings.js';
import type { ResolvedSettings, SettingFlags } from '../engine/settings.js';
import { terminalSafe } from '../format/escape.js';
import type { ParseCache } from '../load/cache.js';
import { displayPath } from '../load/discover.js';
import { loadInput } from '../load/input.js';
import type { Input } from '../load/input.js';
import type { StdinName } from '../load/load.js';
import type { KustomizeInputOptions } from '../load/kustomize-slices.js';
import { FatalError, UsageError } from './io.js';
import type { Io } from './io.js';
import type { Progress } from './progress.js';

export interface RunInputOptions {
  /** The command's name in notes (`helm template chart | kube-netlint connectivity -`); '' for lint. */
  command: string;
  settings: ResolvedSettings;
  gitignore?: boolean;
  workers?: number;
  cache?: ParseCache;
  /** `--no-error-on-unmatched-pattern`: paths that match nothing, and an input without manifests, are fine. */
  noErrorOnUnmatched?: boolean;
  /**
   * The targets are the project's default root, not paths the user gave (pre-commit mode without
   * `roots`): it may hold no manifest yet.
   */
  implicit?: boolean;
  /** `--stdin-filename`: the file standard input stands for. */
  stdinName?: StdinName;
  /** Kustomize roots as slices of their own, on the road (see `kustomizeOptions` in ./slices.ts). */
  kustomize?: KustomizeInputOptions;
  /** Progress on a terminal (./progress.ts): files read of the total. */
  progress?: Progress;
}

/** Config file, flags and defaults (`engine/settings.ts`); a flag that cannot be used is a usage error. */
export function settingsFor(flags: SettingFlags, io: Io, knownRules: ReadonlySet<string>): ResolvedSettings {
  try {
    return resolveSettings(flags, io.cwd, knownRules);
  } catch (e) {
    throw e instanceof SettingsError ? new UsageError(e.message) : e;
  }
}

/** Say what `targets` means in a message: `-` is standard input. */
function describeTargets(targets: string[]): string {
  return targets.map((t) => (t === '-' ? 'standard input' : t)).join(', ');
}

/** Read a command's input on the road, and report on stderr what it says about it. */
export async function readRunInput(targets: string[], io: Io, o: RunInputOptions): Promise<Input> {
  const input = await loadInput(targets, {
    cwd: io.cwd,
    ignore: o.settings.ignore,
    gitignore: o.gitignore,
    limits: o.settings.limits,
    workers: o.workers,
    cache: o.cache,
    stdin: io.stdin,
    stdinName: o.stdinName,
    kustomize: o.kustomize,
    onFile: o.progress && ((done, total) => o.progress?.update({ phase: 'reading files', done, total })),
    onDiscovered: (discovered) => {
      for (const chart of discovered.skippedCharts) {
        const at = terminalSafe(displayPath(chart, io.cwd));
        io.stderr.write(
          `kube-netlint: skipping Helm chart ${at}: render it first (helm template ${at} | kube-netlint ${o.command}${o.command ? ' ' : ''}-)\n`,
        );
      }
      // Paths that exist but cannot be read are read errors (reported below), not usage errors.
      const unreadable = new Set(discovered.unreadable.map((u) => u.path));
      const unmatched = discovered.unmatched.filter((u) => !unreadable.has(u));
      if (unmatched.length && !o.implicit && !o.noErrorOnUnmatched) {
        throw new UsageError(`no files matching ${unmatched.map((u) => `"${u}"`).join(', ')} were found`);
      }
    },
  });
  for (const note of input.notes) io.stderr.write(`kube-netlint: ${terminalSafe(note)}\n`);
  // One line per path, whatever its name holds (line breaks, escape sequences).
  for (const e of input.errors)
    io.stderr.write(`kube-netlint: cannot read ${terminalSafe(e.path)}: ${terminalSafe(e.message)}\n`);
  // No input, no green: a run that found nothing to lint fails (as ESLint does), unless asked not to.
  if (input.empty && !o.implicit && !o.noErrorOnUnmatched) {
    throw new FatalError(`no Kubernetes manifests found in ${terminalSafe(describeTargets(targets))}`);
  }
  return input;
}
