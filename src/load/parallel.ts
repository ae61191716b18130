/**
 * Parallel, cached loading. Files are read and their documents read with the fast path in
 * worker threads (both cores when the input is large enough), then assembled in input order on
 * the main thread, so the output never depends on scheduling. With a cache, files whose content
 * hash is known skip reading documents altogether.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { statSync } from 'node:fs';
import type { DiscoveredFile } from './discover.js';
import { displayPath, readTextSync } from './discover.js';
import { fromChunks, readFast } from './fast.js';
import type { FastChunk } from './fast.js';
import type { ParseCache } from './cache.js';
import { contentHash } from './cache.js';
import { SourceFile, textProblems } from './source.js';
import type { LoadProblem } from './source.js';
import type { WorkerJob, WorkerResult } from './worker.js';
import { notAManifest } from './load.js';
import type { ReadError } from './load.js';

export interface ParallelOptions {
  /** Worker threads: 0 reads in-process; undefined chooses by input size and cores. */
  workers?: number;
  cache?: ParseCache;
}

/** Inputs above this many bytes are worth the start-up of worker threads (about 30 ms). */
const WORKER_THRESHOLD = 4 * 1024 * 1024;


export function defaultWorkers(totalBytes: number): number {
  if (totalBytes < WORKER_THRESHOLD) return 0;
  return Math.max(0, Math.min(availableParallelism(), 4));
}

export async function loadFilesParallel(
  files: DiscoveredFile[],
  cwd: string,
  options: ParallelOptions = {},
): Promise<{ files: SourceFile[]; errors: ReadError[] }> {
  const errors: ReadError[] = [];
  const texts: (string | undefined)[] = new Array(files.length);
  const chunks: (FastChunk[] | null | undefined)[] = new Array(files.length);
  /** Problems of each text, when the cache knows them. */
  const known: (LoadProblem[] | undefined)[] = new Array(files.length);
  /** The chunks as JSON, as worker threads send them (kept for the cache). */
  const chunkJson: (string | undefined)[] = new Array(files.length);
  const json = files.map((f) => /\.json$/i.test(f.absPath));
  const cache = options.cache;
  const hashes: string[] = cache ? new Array(files.length) : [];

  // Files are read on the main thread with synchronous reads: for many small files that is about
  // twice as fast as promise-based reads, which go through the thread pool one by one.
  const read = (i: number): boolean => {
    if (texts[i] !== undefined) return true;
    try {
      texts[i] = readTextSync(files[i].absPath);
      return true;
    } catch (e) {
      errors.push({ path: displayPath(files[i].absPath, cwd), message: readMessage(e) });
      return false;
    }
  };

  // With a cache the main thread reads every file (it must hash them); workers only parse misses.
  const pending: number[] = [];
  if (cache) {
    for (let i = 0; i < files.length; i++) {
      if (!read(i)) continue;
      hashes[i] = contentHash(texts[i] as string, json[i]);
      const hit = cache.get(hashes[i]);
      if (hit !== undefined) {
        chunks[i] = hit.chunks;
        known[i] = hit.problems;
      } else pending.push(i);
    }
  } else {
    for (let i = 0; i < files.length; i++) pending.push(i);
  }

  let bytes = 0;
  for (const i of pending) {
    const t = texts[i];
    if (t !== undefined) bytes += t.length;
    else {
      try {
        bytes += statSync(files[i].absPath).size;
      } catch {
        // reported when read
      }
    }
  }
  const workers = options.workers ?? defaultWorkers(bytes);

  if (workers > 0 && pending.length > 1) {
    // The workers read (and parse) the files while the main thread reads their texts too: passing
    // a string back from a worker costs more than reading the file again. The workers start first.
    const running = runWorkers(workers, pending, files, json, chunks, cache ? chunkJson : undefined, errors, cwd);
    for (const i of pending) {
      if (texts[i] !== undefined) continue;
      try {
        texts[i] = readTextSync(files[i].absPath);
      } catch {
        // the worker reports the error
      }
    }
    await running;
  } else {
    for (const i of pending) {
      if (!read(i)) continue;
      chunks[i] = readFast(texts[i] as string, json[i]);
    }
  }

  const parsed = new Set(pending);
  const out: SourceFile[] = [];
  for (let i = 0; i < files.length; i++) {
    const text = texts[i];
    const c = chunks[i];
    if (text === undefined || c === undefined) continue;
    const problems = known[i] ?? textProblems(text, json[i]);
    if (cache && parsed.has(i)) cache.set(hashes[i], { chunks: c, problems }, chunkJson[i]);
    const file = fromChunks(new SourceFile(displayPath(files[i].absPath, cwd), text, files[i].absPath, problems), c, json[i]);
    if (files[i].expanded && notAManifest(file)) continue;
    out.push(file);
  }
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: out, errors };
}

function readMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'EISDIR' ? 'is a directory' : (err.code ?? err.message);
}

async function runWorkers(
  count: number,
  pending: number[],
  files: DiscoveredFile[],
  json: boolean[],
  chunks: (FastChunk[] | null | undefined)[],
  chunkJson: (string | undefined)[] | undefined,
  errors: ReadError[],
  cwd: string,
): Promise<void> {
  // Deal files out in batches, largest first, so both threads finish at about the same time.
  const queue = [...pending];
  const batch = Math.max(1, Math.ceil(queue.length / (count * 8)));
  const url = new URL('./worker.js', import.meta.url);
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
              const jobs: WorkerJob[] = ids.map((i) => ({ id: i, absPath: files[i].absPath, json: json[i] }));
              w.postMessage(jobs);
            };
            w.on('message', (results: WorkerResult[]) => {
              for (const r of results) {
                if (r.error) {
                  errors.push({ path: displayPath(files[r.id].absPath, cwd), message: r.error.code === 'EISDIR' ? 'is a directory' : r.error.code });
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
}
