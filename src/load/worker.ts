/**
 * Worker thread of the parallel loader: reads, decodes and reads (fast path) the files it is
 * given, and posts back each file's text and document chunks.
 */
import { parentPort } from 'node:worker_threads';
import { InputLimitError, readTextSync } from './read.js';
import { chunksToJson, readFast } from './fast.js';
import type { FastChunk } from './fast.js';

export interface WorkerJob {
  id: number;
  /** A file to read, or its text when the main thread has it already. */
  absPath?: string;
  text?: string;
  json: boolean;
  /** Read at most this many bytes of the file (`--max-file-bytes`). */
  maxBytes: number;
}

export interface WorkerResult {
  id: number;
  /** The chunks as JSON: parsing JSON on the main thread is much cheaper than a structured clone. */
  json?: string;
  /** The chunks themselves, when their values do not survive JSON. */
  chunks?: FastChunk[] | null;
  error?: { code: string; message: string; limit?: number; bytes?: number };
}

parentPort?.on('message', (jobs: WorkerJob[]) => {
  const out: WorkerResult[] = [];
  for (const job of jobs) {
    let text = job.text;
    try {
      if (text === undefined) text = readTextSync(job.absPath as string, job.maxBytes);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const limit = e instanceof InputLimitError ? { limit: e.limit, bytes: e.bytes } : {};
      out.push({ id: job.id, error: { code: err.code ?? 'EIO', message: err.message, ...limit } });
      continue;
    }
    let chunks: FastChunk[] | null;
    try {
      chunks = readFast(text, job.json);
    } catch {
      chunks = null;
    }
    const encoded = chunksToJson(chunks);
    out.push(encoded !== undefined ? { id: job.id, json: encoded } : { id: job.id, chunks });
  }
  parentPort?.postMessage(out);
});
