/**
 * Writing a report as it is made: text pieces from a generator go to `-o FILE` or stdout in chunks,
 * and the next pieces are made only when the stream has taken the last chunk (a slow pipe makes
 * the run wait; it does not fill memory).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { makeDirs } from '../load/out-path.js';
import type { Io } from './io.js';

/** Where the text goes: a Node writable stream, or anything with the same `write`. */
export interface TextOut {
  write(chunk: string): boolean;
  once?(event: 'drain' | 'close', listener: () => void): unknown;
  off?(event: 'drain' | 'close', listener: () => void): unknown;
  destroyed?: boolean;
}

/** Characters gathered before one write (a pipe buffer holds 64 KiB). */
export const CHUNK = 64 * 1024;

function drained(out: TextOut): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off?.('drain', done);
      out.off?.('close', done);
      resolve();
    };
    out.once!('drain', done);
    out.once!('close', done);
  });
}

/**
 * Write the pieces to `out`, `chunk` characters at a time, waiting for `drain` when the stream
 * says its buffer is full. Stops early when the stream is closed under it (the reader went away).
 */
export async function pump(out: TextOut, pieces: Iterable<string>, chunk = CHUNK): Promise<void> {
  let buf: string[] = [];
  let size = 0;
  const flush = async () => {
    const text = buf.join('');
    buf = [];
    size = 0;
    if (!out.write(text) && out.once) await drained(out);
  };
  for (const piece of pieces) {
    buf.push(piece);
    size += piece.length;
    if (size >= chunk) {
      await flush();
      if (out.destroyed) return;
    }
  }
  if (size > 0) await flush();
}

/** Stream a report to `-o FILE` (creating its folder) or to stdout. */
export async function writeStreamed(io: Io, outFile: string | undefined, pieces: Iterable<string>): Promise<void> {
  if (!outFile) {
    await pump(io.stdout as TextOut, pieces);
    return;
  }
  const abs = path.resolve(io.cwd, outFile);
  makeDirs(path.dirname(abs));
  const fd = openSync(abs, 'w');
  try {
    const writeAll = (s: string): boolean => {
      const bytes = Buffer.from(s, 'utf8');
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
      return true;
    };
    await pump({ write: writeAll }, pieces);
  } finally {
    closeSync(fd);
  }
}
