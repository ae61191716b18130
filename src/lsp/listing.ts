/**
 * A workspace folder's files listed (the walk, the ignore files, the Helm charts and the Kustomize
 * plan of the input road) in a worker thread (src/lsp/list-worker.ts): on a folder of thousands of
 * files the walk's filtering holds a thread for a noticeable while, and the server's thread goes
 * on answering meanwhile. Nothing is read here but the kustomizations; the files are read by
 * src/lsp/disk.ts. A worker that fails is started again once; after that the folders are listed
 * in the server's thread.
 */
import { Worker } from 'node:worker_threads';
import type { DiscoveredFile } from '../load/discover.js';
import { loadInput } from '../load/input.js';
import type { KustomizeInput } from '../load/kustomize-slices.js';
import type { ReadError } from '../load/load.js';

export interface ListRequest {
  request: number;
  root: string;
  /** The config's `roots` (else the whole folder) and `ignorePatterns`. */
  roots?: string[];
  ignore: string[];
}

/** What the listing found: plain data, the same in either thread. */
export interface Listing {
  /** The files of the walk, in the CLI's order. */
  files: DiscoveredFile[];
  /** The Kustomize plan: the slices name their files by path (`paths`) and hold none (plain data, for a worker). */
  kustomize?: KustomizeInput;
  /** Folders that may not be read: display path and why. */
  denied: { path: string; message: string }[];
  skippedCharts: string[];
  unmatched: string[];
  notes: string[];
  errors: ReadError[];
}

export type ListReply = { request: number; listing: Listing } | { request: number; error: string };

/** List a folder in this thread (on the input road, reading no file). */
export async function listFolder(root: string, roots: string[] | undefined, ignore: string[]): Promise<Listing> {
  const input = await loadInput(roots ?? ['.'], {
    cwd: root,
    ignore,
    parser: 'yaml',
    alreadyRead: () => true,
    // Kustomize trees: patches and generator inputs are not objects of the slice, and each
    // top-level root is linted with its own resources (as the CLI does without a build program).
    kustomize: { command: null, walked: roots ?? ['.'], ignore },
  });
  const k = input.kustomize;
  const denied: Listing['denied'] = [];
  for (const f of input.files) {
    const p = f.problems.find((x) => x.code === 'UNREADABLE');
    if (p) denied.push({ path: f.path, message: p.message });
  }
  return {
    files: input.discovered.files.map((f) => ({ absPath: f.absPath, expanded: f.expanded })),
    kustomize: k && {
      ...k,
      slices: k.slices.map(({ root, paths, namespaces, affixes, patched }) => ({
        root,
        files: [],
        paths,
        namespaces,
        affixes,
        patched,
      })),
    },
    denied,
    skippedCharts: input.skippedCharts,
    unmatched: input.unmatched,
    notes: input.notes,
    errors: input.errors,
  };
}

/** Failures of the listing worker after which folders are listed in the server's thread. */
const LIST_WORKER_FAILURES = 2;

/** The listing worker of a workspace, started on first use. */
export class Lister {
  private worker: Worker | undefined;
  private failures = 0;
  private nextRequest = 1;
  private readonly waiting = new Map<number, { resolve: (l: Listing) => void; reject: (e: Error) => void }>();
  /** Called when the worker failed; `last`: folders are listed in the server's thread from now on. */
  onFailure: (why: string, last: boolean) => void = () => undefined;

  constructor(private readonly url = new URL('./list-worker.js', import.meta.url)) {}

  /** List a folder: in the worker, or in this thread when the worker failed (a failure during the listing included). */
  async list(root: string, roots: string[] | undefined, ignore: string[]): Promise<Listing> {
    if (this.failures >= LIST_WORKER_FAILURES) return listFolder(root, roots, ignore);
    const w = this.start();
    const got = w
      ? await new Promise<Listing | undefined>((resolve, reject) => {
          const request = this.nextRequest++;
          this.waiting.set(request, { resolve, reject });
          const message: ListRequest = { request, root, roots, ignore };
          w.postMessage(message);
        }).catch((e: Error) => {
          if (e instanceof WorkerFailed) return undefined;
          throw e;
        })
      : undefined;
    return got ?? listFolder(root, roots, ignore);
  }

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    let w: Worker;
    try {
      w = new Worker(this.url);
    } catch (e) {
      this.failed(undefined, (e as Error)?.message ?? String(e));
      return undefined;
    }
    // The server's stdin keeps its process alive; the worker alone does not.
    w.unref();
    w.on('message', (m: ListReply) => {
      const waiter = this.waiting.get(m.request);
      this.waiting.delete(m.request);
      if ('error' in m) waiter?.reject(new Error(m.error));
      else waiter?.resolve(m.listing);
    });
    w.on('error', (e: Error) => this.failed(w, e?.message ?? String(e)));
    w.on('exit', (code) => this.failed(w, `exit code ${code}`));
    this.worker = w;
    return w;
  }

  private failed(w: Worker | undefined, why: string): void {
    if (w && this.worker !== w) return;
    this.worker = undefined;
    this.failures++;
    for (const { reject } of this.waiting.values()) reject(new WorkerFailed(why));
    this.waiting.clear();
    this.onFailure(why, this.failures >= LIST_WORKER_FAILURES);
  }

  /** End the worker (a listing waiting for it is done in this thread). */
  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    for (const { reject } of this.waiting.values()) reject(new WorkerFailed('disposed'));
    this.waiting.clear();
    if (w) void w.terminate();
  }
}

class WorkerFailed extends Error {}
