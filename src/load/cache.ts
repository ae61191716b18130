/**
 * `--cache`: documents read from a file are kept by the file's content hash, so an unchanged
 * file is not read again on the next run. The model and graph are always rebuilt, so cross-file
 * rules stay right. The cache is one JSON file; entries of files not seen in a run are dropped.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chunksToJson } from './fast.js';
import type { FastChunk } from './fast.js';

/** Bump when the chunk format or the reading semantics change. */
const FORMAT = 1;

export function contentHash(text: string, json: boolean): string {
  return createHash('sha1').update(json ? 'j' : 'y').update(text).digest('base64');
}

export class ParseCache {
  private readonly old: Map<string, FastChunk[] | null>;
  private readonly fresh = new Map<string, FastChunk[] | null>();
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string,
    entries: [string, FastChunk[] | null][],
  ) {
    this.old = new Map(entries);
  }

  /** Open the cache at `location` (a directory), for this version of kube-netlint. */
  static open(location: string, version: string): ParseCache {
    const file = path.join(location, 'parse-cache.json');
    let entries: [string, FastChunk[] | null][] = [];
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { format: number; version: string; entries: [string, FastChunk[] | null][] };
      if (data.format === FORMAT && data.version === version && Array.isArray(data.entries)) entries = data.entries;
    } catch {
      // no cache yet, or an unreadable one: start afresh
    }
    const cache = new ParseCache(file, entries);
    cache.version = version;
    return cache;
  }

  private version = '';

  get(hash: string): FastChunk[] | null | undefined {
    const hit = this.fresh.get(hash) ?? this.old.get(hash);
    if (hit !== undefined) {
      this.hits++;
      this.fresh.set(hash, hit);
    } else this.misses++;
    return hit;
  }

  set(hash: string, chunks: FastChunk[] | null): void {
    // Only values that survive JSON are kept (not NaN or ±Infinity): the rest are read again.
    if (chunksToJson(chunks) !== undefined) this.fresh.set(hash, chunks);
  }

  /** Write the entries of this run (atomically: a temporary file, then a rename). */
  save(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, version: this.version, entries: [...this.fresh] }));
    renameSync(tmp, this.file);
  }
}
