/**
 * Parallel, cached loading. Files are read and their documents read with the fast path in
 * worker threads (one per core, up to four, when the input is large enough), then assembled in
 * input order on the main thread, so the output never depends on scheduling. With a cache, files whose content
 * hash is known skip reading documents altogether.
 */
import { availableParallelism } from 'node:os';
import type { DiscoveredFile } from './discover.js';
import { displayPath } from './discover.js';
import { InputLimitError, isPermissionError, readErrorMessage } from './read.js';
import { fromChunks, readFast } from './fast.js';
import { ScanMemo } from './locate.js';
import type { FastChunk } from './fast.js';
import type { ParseCache } from './cache.js';
import { contentHash } from './cache.js';
import { SourceFile, textProblems } from './text.js';
import type { LoadProblem } from './text.js';
import type { WorkerJob, WorkerResult } from './worker.js';
import { deniedMessage, fileLimitMessage, unreadFile } from './load.js';
import type { ReadError } from './load.js';

export interface ParallelOptions {
  /** Worker threads: 0 reads in-process; undefined chooses by input size and cores. */
  workers?: number;
  cache?: ParseCache;
  /** Called as files are read and parsed: how many of `total` are done (for progress on a terminal). */
  onFile?: (done: number, total: number) => void;
}

/**
 * Inputs from this many bytes on are worth worker threads. Threads cost CPU time (starting them,
 * the main thread reading the texts too, the documents passed back as JSON): measured on two
 * cores, about 4 MB of input (10k objects) was read sooner without them, 8 MB sooner with them.
 */
const WORKER_THRESHOLD = 8 * 1024 * 1024;

/**
 * Worker threads for an input of `totalBytes`: none for a small input or a single core, else one
 * per core, up to four.
 */
export function defaultWorkers(totalBytes: number): number {
  const cores = availableParallelism();
  if (totalBytes < WORKER_THRESHOLD || cores < 2) return 0;
  return Math.min(cores, 4);
}

/** The length of the texts to parse, as far as the choice of workers needs: the sum stops past the threshold. */
function pendingBytes(pending: readonly number[], texts: readonly string[]): number {
  let bytes = 0;
  for (const i of pending) {
    if (bytes >= WORKER_THRESHOLD) break;
    bytes += texts[i].length;
  }
  return bytes;
}

/**
 * Parse files read already (`texts[i]` is the text of `files[i]`) with the fast path, in worker
 * threads when the input is large; `out[i]` is the file of `files[i]`, or undefined when a worker
 * could not read it again (its error is in `errors`). Only the input road (`input.ts`) calls this.
 */
export async function readFastFiles(
  files: DiscoveredFile[],
  texts: readonly string[],
  cwd: string,
  maxFileBytes: number,
  options: ParallelOptions = {},
): Promise<{ out: (SourceFile | undefined)[]; errors: ReadError[] }> {
  const errors: ReadError[] = [];
  const out: (SourceFile | undefined)[] = new Array(files.length);
  const chunks: (FastChunk[] | null | undefined)[] = new Array(files.length);
  /** Problems of each text, when the cache knows them. */
  const known: (LoadProblem[] | undefined)[] = new Array(files.length);
  /** The chunks as JSON, as worker threads send them (kept for the cache). */
  const chunkJson: (string | undefined)[] = new Array(files.length);
  const json = files.map((f) => /\.json$/i.test(f.absPath));
  const cache = options.cache;
  const hashes: string[] = cache ? new Array(files.length) : [];
  // One for the run: the documents of every file share what they keep of their scans.
  const memo = new ScanMemo();
  /** The file of `files[i]`, from its chunks (parsed now, or known to the cache). */
  const finish = (i: number, c: FastChunk[] | null) => {
    const text = texts[i];
    const problems = known[i] ?? textProblems(text, json[i]);
    if (cache && known[i] === undefined) cache.set(hashes[i], { chunks: c, problems }, chunkJson[i]);
    out[i] = fromChunks(
      new SourceFile(displayPath(files[i].absPath, cwd), text, files[i].absPath, problems),
      c,
      json[i],
      memo,
    );
  };

  // With a cache every text is hashed; only the misses are parsed.
  const pending: number[] = [];
  if (cache) {
    for (let i = 0; i < files.length; i++) {
      hashes[i] = contentHash(texts[i], json[i]);
      const hit = cache.get(hashes[i]);
      if (hit !== undefined) {
        chunks[i] = hit.chunks;
        known[i] = hit.problems;
      } else pending.push(i);
    }
  } else {
    for (let i = 0; i < files.length; i++) pending.push(i);
  }

  const workers = options.workers ?? defaultWorkers(pendingBytes(pending, texts));

  if (workers > 0 && pending.length > 1) {
    // The workers read the files again (passing a string to a thread or back costs more than
    // reading the file) and parse them.
    const failedInWorker = await runWorkers(
      workers,
      pending,
      files,
      json,
      chunks,
      cache ? chunkJson : undefined,
      maxFileBytes,
      options.onFile,
    );
    for (const [i, e] of failedInWorker) {
      const name = displayPath(files[i].absPath, cwd);
      if (e instanceof InputLimitError)
        out[i] = unreadFile(name, files[i].absPath, fileLimitMessage('the file', e.bytes, e.limit), 'FILE_LIMIT');
      else if (isPermissionError(e))
        out[i] = unreadFile(name, files[i].absPath, deniedMessage('file', readErrorMessage(e)), 'UNREADABLE');
      else errors.push({ path: name, message: readErrorMessage(e) });
    }
  } else {
    // Each file is built as soon as it is parsed: its chunks are not kept for the whole read.
    pending.forEach((i, k) => {
      finish(i, readFast(texts[i], json[i]));
      options.onFile?.(k + 1, pending.length);
    });
  }

  for (let i = 0; i < files.length; i++) {
    const c = chunks[i];
    if (out[i] === undefined && c !== undefined) finish(i, c);
  }
  return { out, errors };
}

async function runWorkers(
  count: number,
  pending: number[],
  files: DiscoveredFile[],
  json: boolean[],
  chunks: (FastChunk[] | null | undefined)[],
  chunkJson: (string | undefined)[] | undefined,
  maxFileBytes: number,
  onFile?: (done: number, total: number) => void,
): Promise<Map<number, unknown>> {
  const errors = new Map<number, unknown>();
  let done = 0;
  // Deal files out in input order, in small batches (about eight per thread), so the threads finish
  // at about the same time.
  const queue = [...pending];
  const batch = Math.max(1, Math.ceil(queue.length / (count * 8)));
  const url = new URL('./worker.js', import.meta.url);
  // node:worker_threads only when there are threads to start.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const pool = Array.from({ length: Math.min(count, queue.length) }, () => new Worker(url));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const next = () => {
              const ids = queue.splice(0, batch);
              if (ids.length === 0) {
                resolve();
                return;
              }
              const jobs: WorkerJob[] = ids.map((i) => ({
                id: i,
                absPath: files[i].absPath,
                json: json[i],
                maxBytes: maxFileBytes,
              }));
              w.postMessage(jobs);
            };
            w.on('message', (results: WorkerResult[]) => {
              done += results.length;
              onFile?.(done, pending.length);
              for (const r of results) {
                if (r.error) {
                  errors.set(
                    r.id,
                    r.error.limit !== undefined
                      ? new InputLimitError(r.error.bytes ?? r.error.limit + 1, r.error.limit)
                      : r.error,
                  );
                  continue;
                }
                chunks[r.id] = r.json !== undefined ? (JSON.parse(r.json) as FastChunk[] | null) : (r.chunks ?? null);
                if (chunkJson && r.json !== undefined) chunkJson[r.id] = r.json;
              }
              next();
            });
            w.on('error', reject);
            next();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return errors;
}
