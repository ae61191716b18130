/**
 * A big slice linted in a worker thread (src/lsp/lint-worker.ts): the parse, the model, the rules
 * and the diagnostics run there, so the server's thread only passes texts and publishes. The
 * worker keeps each file's parse (an edit re-parses the YAML documents it touched) and the
 * diagnostics it last published; it answers the slice's quick fixes from its findings.
 *
 * A job stops when the slice changes: the server writes the slice's generation into memory the
 * worker shares, and the worker checks it between steps (a file's parse piece, the model, each
 * rule). Results of a job that a change made stale are dropped.
 */
import { Worker } from 'node:worker_threads';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import type { Settings, SeveritySetting } from '../engine/types.js';
import type { LoadProblem } from '../load/source.js';
import type { LintGroup } from './lint.js';
import { isJson } from './parsed.js';
import type { Overlay } from './parsed.js';
import type { DiskFile } from './disk.js';
import { isFileId } from './paths.js';
import type { ConfigProblem } from './publish.js';

/** A file of the slice as the worker gets it. */
export interface WorkerFile {
  id: string;
  /** Display name (relative to the folder). */
  name: string;
  absPath?: string;
  /** An open buffer (re-parsed by its edits), or a file on disk (read as the folder's files are). */
  open: boolean;
  json: boolean;
  /** Which text: the text is sent when the worker does not hold this revision. */
  rev: number;
  text?: string;
  /** A file on disk found by a directory walk: left out as the walk leaves it out (`notAManifest(file, true)`). */
  walked?: boolean;
  /** A file on disk that was not read (a limit, no permission): its problems, kept as they are. */
  unread?: LoadProblem[];
  /** The buffer's version and URI (open buffers). */
  version?: number;
  uri?: string;
}

export interface LintJob {
  type: 'lint';
  generation: number;
  /** The slice's files, in the CLI's order. */
  files: WorkerFile[];
  groups?: LintGroup[];
  severities: Record<string, SeveritySetting>;
  settings: Settings;
  configProblem?: ConfigProblem;
  /** What the server has published for the slice (id, URI, diagnostics as JSON), when the worker may not know it. */
  published?: [string, string, string][];
}

export interface FixesRequest {
  type: 'fixes';
  request: number;
  id: string;
  diagnostics: Diagnostic[];
  documentChanges: boolean;
}

/** A document's diagnostics to publish (as JSON; `[]` clears them). */
export interface WorkerPublish {
  id: string;
  uri: string;
  json: string;
  version?: number;
}

export type WorkerReply =
  | {
      type: 'done';
      generation: number;
      publish: WorkerPublish[];
      files: number;
      objects: number;
      chars: number;
      internalErrors: string[];
      /** Milliseconds: parse, model+graph+rules, diagnostics. */
      ms: [number, number, number];
    }
  | { type: 'stopped'; generation: number }
  | { type: 'error'; generation: number; message: string }
  | { type: 'fixes'; request: number; actions: CodeAction[] };

export type JobResult = Extract<WorkerReply, { type: 'done' }> | { type: 'stopped' } | { type: 'failed'; why: string };

/** Which revision of a text: one number per open-buffer text or file read. */
let lastRev = 0;
export const nextRev = (): number => ++lastRev;
const revs = new WeakMap<object, number>();
/** The revision of a text held by an object that never changes its text (a file read from disk). */
export function revOf(holder: object): number {
  let n = revs.get(holder);
  if (n === undefined) revs.set(holder, (n = nextRev()));
  return n;
}

/** The slice's files for the worker: open buffers as they are, files on disk as read (texts: the worker parses them). */
export function filesForWorker(
  ids: string[],
  overlays: ReadonlyMap<string, Overlay>,
  disk: ReadonlyMap<string, DiskFile>,
  nameOf: (id: string) => string,
): WorkerFile[] {
  const out: WorkerFile[] = [];
  for (const id of ids) {
    const ov = overlays.get(id);
    const absPath = isFileId(id) ? id : undefined;
    if (ov) {
      // The worker holds the parse: this thread's is dropped.
      ov.parsed = undefined;
      const name = nameOf(id);
      const [version, uri, json] = [ov.version, ov.uri, isJson(name, ov.languageId)];
      out.push({ id, name, absPath, open: true, json, rev: (ov.rev ??= nextRev()), text: ov.text, version, uri });
      continue;
    }
    const d = disk.get(id);
    if (!d || d.manifest === false) continue;
    // A file that was not read has no text, only the problem that says why.
    const unread = d.file && d.file.text === '' && d.file.problems.length ? d.file.problems : undefined;
    const json = /\.json$/i.test(d.name);
    const [rev, walked] = [revOf(d), d.walked];
    out.push({ id, name: d.name, absPath: d.absPath, open: false, json, rev, text: d.text, walked, unread });
  }
  return out;
}

/** One worker thread for one slice; its module is beside this one (in the bundle too). */
export class SliceWorker {
  private worker: Worker | undefined;
  /** The generation the server is at (the worker's job stops when it is not its own). */
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  /** The revision of each file's text the worker holds. */
  private sent = new Map<string, number>();
  private job: { generation: number; resolve: (r: JobResult) => void } | undefined;
  private fixes = new Map<number, (a: CodeAction[]) => void>();
  private nextRequest = 1;

  constructor(private readonly url = new URL('./lint-worker.js', import.meta.url)) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.url, { workerData: { flag: this.flag } });
    // The server's stdin keeps its process alive; a worker alone does not.
    w.unref();
    w.on('message', (m: WorkerReply) => this.receive(m));
    const fail = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.sent.clear();
      this.job?.resolve({ type: 'failed', why });
      this.job = undefined;
      for (const resolve of this.fixes.values()) resolve([]);
      this.fixes.clear();
    };
    w.on('error', (e: Error) => fail(e?.message ?? String(e)));
    w.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = w;
    return w;
  }

  private receive(m: WorkerReply): void {
    if (m.type === 'fixes') {
      this.fixes.get(m.request)?.(m.actions);
      this.fixes.delete(m.request);
      return;
    }
    if (this.job && this.job.generation === m.generation) {
      const job = this.job;
      this.job = undefined;
      if (m.type !== 'error') return job.resolve(m);
      // Its state may be inconsistent: the next job starts a new worker.
      this.dispose();
      job.resolve({ type: 'failed', why: m.message });
    }
  }

  /** The slice is at `generation` now: a job of another generation stops at its next step. */
  signal(generation: number): void {
    Atomics.store(this.flag, 0, generation);
  }

  /**
   * Lint `job` (the texts the worker holds already are not sent again). One job at a time: the
   * caller waits for the result before it sends another.
   */
  lint(job: LintJob): Promise<JobResult> {
    let w: Worker;
    try {
      w = this.start();
    } catch (e) {
      return Promise.resolve({ type: 'failed', why: (e as Error)?.message ?? String(e) });
    }
    for (const f of job.files) {
      if (this.sent.get(f.id) === f.rev) f.text = undefined;
      this.sent.set(f.id, f.rev);
    }
    const ids = new Set(job.files.map((f) => f.id));
    for (const id of this.sent.keys()) if (!ids.has(id)) this.sent.delete(id);
    this.signal(job.generation);
    return new Promise((resolve) => {
      this.job = { generation: job.generation, resolve };
      w.postMessage(job);
    });
  }

  /** Quick fixes from the findings of the worker's last lint. */
  quickFixes(id: string, diagnostics: Diagnostic[], documentChanges: boolean): Promise<CodeAction[]> {
    const w = this.worker;
    if (!w) return Promise.resolve([]);
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.fixes.set(request, resolve);
      const message: FixesRequest = { type: 'fixes', request, id, diagnostics, documentChanges };
      w.postMessage(message);
    });
  }

  /** End the worker (a job running stops, unanswered). */
  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    this.sent.clear();
    this.job?.resolve({ type: 'stopped' });
    this.job = undefined;
    for (const resolve of this.fixes.values()) resolve([]);
    this.fixes.clear();
    if (w) void w.terminate();
  }
}
