/**
 * Progress on a terminal: a run that takes more than about a second says on stderr what it is
 * doing (the phase, files read of the total, objects), on one line that is erased when the run
 * ends, before the report is written. Nothing at all when stderr is not a terminal, with
 * `--quiet`, under CI (the `CI` variable) or with `TERM=dumb`: logs and pipes never see it, and
 * the report (stdout, `-o`) is the same either way.
 *
 * The line is drawn by `yocto-spinner` (one small ES module and `yoctocolors`; it erases its line
 * before anything else is written to the terminal, and restores the cursor on Ctrl-C). It is loaded
 * only when the progress can be shown, in the background while the input is found, so a run
 * without a terminal never loads it and one with a terminal does not wait for it.
 */
import type { LintOptions } from '../engine/runner.js';
import type { Io } from './io.js';

export interface ProgressState {
  /** What the run is doing: "reading files", "checking rules", "analysing connectivity", … */
  phase: string;
  /** Done of total, for a phase that counts (files read, rules run). */
  done?: number;
  total?: number;
  /** Objects in the input, once known. */
  objects?: number;
}

export interface Progress {
  /**
   * `eager`: the phase is long work that gives no further updates (the event loop is blocked, so
   * no timer can show the line later): the line appears at once, whatever the delay.
   */
  update(state: Partial<ProgressState>, eager?: boolean): void;
  /** Erase the line (before the report is written); further updates are ignored. */
  stop(): void;
}

const NONE: Progress = { update: () => undefined, stop: () => undefined };

interface Spinner {
  start(text?: string): unknown;
  stop(): unknown;
  text: string;
}

/** The delay before the line appears (default 1000 ms); `KUBE_NETLINT_PROGRESS_DELAY_MS` sets it (tests). */
function delayOf(env: NodeJS.ProcessEnv): number {
  const v = env.KUBE_NETLINT_PROGRESS_DELAY_MS;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : 1000;
}

/** Whether a run may show progress: stderr is a terminal, not --quiet, not CI, not a dumb terminal. */
export function progressWanted(io: Pick<Io, 'stderr' | 'env'>, quiet: boolean | undefined): boolean {
  return io.stderr.isTTY === true && !quiet && io.env.CI === undefined && io.env.TERM !== 'dumb';
}

const number = (n: number) => n.toLocaleString('en-US');

export function progressText(s: ProgressState): string {
  let t = s.phase;
  if (s.total !== undefined) t += ` ${number(s.done ?? 0)}/${number(s.total)}`;
  if (s.objects !== undefined) t += ` · ${number(s.objects)} ${s.objects === 1 ? 'object' : 'objects'}`;
  return t;
}

/**
 * Progress for a run: the no-op one unless `progressWanted`. Updates are cheap (the line is
 * redrawn at most every 80 ms, or when the phase changes); the line appears once the run has
 * taken the delay, on an update or from a timer when the event loop is free.
 */
export function startProgress(io: Pick<Io, 'stderr' | 'env'>, quiet: boolean | undefined): Progress {
  if (!progressWanted(io, quiet)) return NONE;
  const t0 = performance.now();
  const delay = delayOf(io.env);
  let state: ProgressState = { phase: 'finding files' };
  let spinner: Spinner | undefined;
  let load: ((o: { stream: NodeJS.WritableStream; text: string }) => Spinner) | undefined;
  let stopped = false;
  let drawn = 0;
  let drawnPhase = '';
  void import('yocto-spinner').then(
    (m) => (load = m.default as unknown as typeof load),
    () => (stopped = true),
  );
  const draw = (force: boolean) => {
    if (stopped || !load) return;
    const now = performance.now();
    if (now - t0 < delay && !force) return;
    if (!force && now - drawn < 80 && state.phase === drawnPhase) return;
    drawn = now;
    drawnPhase = state.phase;
    const text = progressText(state);
    if (!spinner) {
      spinner = load({ stream: io.stderr, text });
      spinner.start();
    } else spinner.text = text;
  };
  const timer = setTimeout(() => draw(true), delay);
  const due = () => performance.now() - t0 >= delay;
  timer.unref();
  return {
    update(next, eager) {
      if (stopped) return;
      // A new phase starts its own count.
      state =
        next.phase !== undefined && next.phase !== state.phase
          ? ({ objects: state.objects, ...next } as ProgressState)
          : { ...state, ...next };
      draw(eager === true || (due() && state.phase !== drawnPhase));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      spinner?.stop();
    },
  };
}

/** The lint runner's steps (engine/runner.ts `onProgress`) as progress: the model, then rule after rule. */
export function lintProgress(progress: Progress): NonNullable<LintOptions['onProgress']> | undefined {
  if (progress === NONE) return undefined;
  return (step) =>
    progress.update(
      step.phase === 'model'
        ? { phase: 'building the model' }
        : { phase: 'checking rules', done: step.done, total: step.total, objects: step.objects },
    );
}
