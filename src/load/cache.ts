/**
 * `--cache`: documents read from a file are kept by the file's content hash, so an unchanged
 * file is not read again on the next run. The model and graph are always rebuilt, so cross-file
 * rules stay right. Entries of files not seen in a run are dropped.
 *
 * The cache is one text file: a header line, then one line per file,
 * `hash<TAB>problems of the text as JSON (empty: none)<TAB>chunks as JSON`. Entries stay JSON text
 * until a run asks for them, so a run that changes nothing does not rewrite the file, and a run
 * that changes a few files writes the other entries back as they were.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chunksToJson } from './fast.js';
import { makeDirs } from './out-path.js';
import type { FastChunk } from './fast.js';
import type { LoadProblem } from './source.js';

/** Bump when the chunk format or the reading semantics change. */
const FORMAT = 3;
const MAGIC = 'kube-netlint parse cache';

export function contentHash(text: string, json: boolean): string {
  return createHash('sha1').update(json ? 'j' : 'y').update(text).digest('base64');
}

/** What a file's text reads as: its documents (null: the `yaml` path reads the whole file), and the problems of the text itself. */
export interface CacheEntry {
  chunks: FastChunk[] | null;
  /** `textProblems` of the text (binary data, encoding, control characters). */
  problems: LoadProblem[];
}

export class ParseCache {
  /** Entries of the previous run, as JSON text. */
  private readonly old = new Map<string, string>();
  /** Entries of this run (hits and new files), as JSON text. */
  private readonly fresh = new Map<string, string>();
  private changed = false;
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string,
    private readonly version: string,
  ) {}

  /** Open the cache at `location` (a directory), for this version of kube-netlint. */
  static open(location: string, version: string): ParseCache {
    const cache = new ParseCache(path.join(location, 'parse-cache.txt'), version);
    let text = '';
    try {
      text = readFileSync(cache.file, 'utf8');
    } catch {
      // no cache yet, or an unreadable one: start afresh
    }
    let nl = text.indexOf('\n');
    if (nl > 0 && text.slice(0, nl) === `${MAGIC}\t${FORMAT}\t${version}`) {
      for (let pos = nl + 1; pos < text.length; pos = nl + 1) {
        nl = text.indexOf('\n', pos);
        if (nl < 0) break; // a torn last line: ignore it
        const tab = text.indexOf('\t', pos);
        if (tab > pos && tab < nl) cache.old.set(text.slice(pos, tab), text.slice(tab + 1, nl));
      }
    }
    return cache;
  }

  get(hash: string): CacheEntry | undefined {
    const entry = this.fresh.get(hash) ?? this.old.get(hash);
    const tab = entry === undefined ? -1 : entry.indexOf('\t');
    if (entry !== undefined && tab >= 0) {
      try {
        const problems = tab === 0 ? [] : (JSON.parse(entry.slice(0, tab)) as LoadProblem[]);
        const chunks = JSON.parse(entry.slice(tab + 1)) as FastChunk[] | null;
        if (Array.isArray(problems) && (chunks === null || Array.isArray(chunks))) {
          this.hits++;
          this.fresh.set(hash, entry);
          return { chunks, problems };
        }
      } catch {
        // a damaged entry: read the file again
      }
    }
    this.misses++;
    return undefined;
  }

  /**
   * Keep what a file just read reads as. `json` is the chunks' JSON text when the caller has it
   * (worker threads send it). Only values that survive JSON are kept (not NaN or ±Infinity).
   */
  set(hash: string, entry: CacheEntry, json?: string): void {
    const chunks = json ?? chunksToJson(entry.chunks);
    if (chunks === undefined) return;
    this.fresh.set(hash, `${entry.problems.length ? JSON.stringify(entry.problems) : ''}\t${chunks}`);
    this.changed = true;
  }

  /** Write the entries of this run (atomically: a temporary file, then a rename); nothing when unchanged. */
  save(): void {
    if (!this.changed && this.fresh.size === this.old.size) return;
    makeDirs(path.dirname(this.file));
    const tmp = `${this.file}.${process.pid}.tmp`;
    const lines = [`${MAGIC}\t${FORMAT}\t${this.version}\n`];
    for (const [hash, entry] of this.fresh) lines.push(`${hash}\t${entry}\n`);
    writeFileSync(tmp, lines.join(''));
    renameSync(tmp, this.file);
  }
}
