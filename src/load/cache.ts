/**
 * `--cache`: documents read from a file are kept by the file's content hash, so an unchanged
 * file is not read again on the next run. The model and graph are always rebuilt, so cross-file
 * rules stay right. Entries of files not seen in a run are dropped.
 *
 * The cache is one text file: a header line, then one line per file,
 * `hash<TAB>seal<TAB>problems of the text as JSON (empty: none)<TAB>chunks as JSON`. Entries stay
 * JSON text until a run asks for them, so a run that changes nothing does not rewrite the file,
 * and a run that changes a few files writes the other entries back as they were.
 *
 * A cache file is input like any other (it may be committed, or planted): an entry is used only
 * when its seal, an HMAC of its content hash and its text under a key of this user that lives
 * outside the repository (`cacheKey`), checks out. Anything else (another tool's file, a damaged
 * or forged entry, a symbolic link, a FIFO, a file over the size limit) is ignored and rewritten.
 * A cache folder that is a symbolic link, or that sits below one inside the working directory (a
 * link the repository could hold, such as `node_modules`), is refused before any work
 * (`checkCacheFolder`): the cache is written where the folder's path says, never where a link leads.
 */
import type * as Crypto from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readlinkSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chunksToJson } from './fast.js';
import { OutputPathError, makeDirs } from './out-path.js';
import type { FastChunk } from './fast.js';
import type { LoadProblem } from './text.js';

// Loaded on first use: a run without --cache does not load node:crypto. Looked up once: a lookup costs
// microseconds, and every file is hashed.
let cryptoModule: typeof Crypto | undefined;
const crypto = () => (cryptoModule ??= process.getBuiltinModule('node:crypto'));

/** Bump when the chunk format or the reading semantics change. */
const FORMAT = 4;
/** The largest cache file that is read (a larger one is ignored and rewritten). */
export const MAX_CACHE_BYTES = 512 * 1024 * 1024;

/**
 * At most `max` bytes of a regular file, counted as they are read (not from \`stat\`): a symbolic
 * link, a FIFO, a device or a file that grows past `max` is not read (undefined).
 */
export function readRegularFile(file: string, max: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, max + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) return undefined;
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuse a cache folder (`location`, as given, from `cwd`) that is a symbolic link, or whose
 * parent folders inside `cwd` include one: throws OutputPathError, one line naming the link.
 * Parent folders above `cwd` (a home folder reached through a link) are the system's layout.
 */
export function checkCacheFolder(cwd: string, location: string): void {
  const base = path.resolve(cwd);
  const dir = path.resolve(base, location);
  const rel = path.relative(base, dir);
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  const levels = inside ? rel.split(path.sep).map((_, i, parts) => path.join(base, ...parts.slice(0, i + 1))) : [dir];
  for (const level of levels) {
    let target: string;
    try {
      if (!lstatSync(level).isSymbolicLink()) continue;
      target = readlinkSync(level);
    } catch {
      return; // not there yet: made as a folder when the cache is saved
    }
    const name = level === dir ? 'it' : path.relative(base, level) || level;
    throw new OutputPathError(
      `cannot write ${location}: ${name} is a symbolic link (to ${target}), which the cache does not ` +
        `follow; give --cache-location a folder that is not a link`,
    );
  }
}

let key: Buffer | undefined;
/**
 * This user's key for cache seals: 32 random bytes in \`$XDG_CACHE_HOME/kube-netlint/cache-key\`
 * (\`~/.cache/…\`), made on first use, readable by the user only. When it cannot be read or made,
 * a key for this process only (the cache then holds nothing from earlier runs).
 */
function cacheKey(): Buffer {
  if (key) return key;
  const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'kube-netlint');
  const file = path.join(dir, 'cache-key');
  let found = readRegularFile(file, 256);
  if (!found || found.length < 32) {
    try {
      makeDirs(dir);
      writeFileSync(file, crypto().randomBytes(32), { flag: 'wx', mode: 0o600 });
    } catch {
      // made by another process meanwhile, or not writable
    }
    found = readRegularFile(file, 256);
  }
  return (key = found && found.length >= 32 ? found : crypto().randomBytes(32));
}

function seal(hash: string, entry: string): string {
  return crypto().createHmac('sha256', cacheKey()).update(hash).update('\t').update(entry).digest('base64');
}
const MAGIC = 'kube-netlint parse cache';

export function contentHash(text: string, json: boolean): string {
  return crypto()
    .createHash('sha1')
    .update(json ? 'j' : 'y')
    .update(text)
    .digest('base64');
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
    // No cache yet, an unreadable one, or one that is not a plain file within the limit: start afresh.
    const text = readRegularFile(cache.file, MAX_CACHE_BYTES)?.toString('utf8') ?? '';
    let nl = text.indexOf('\n');
    if (nl > 0 && text.slice(0, nl) === `${MAGIC}\t${FORMAT}\t${version}`) {
      for (let pos = nl + 1; pos < text.length; pos = nl + 1) {
        nl = text.indexOf('\n', pos);
        if (nl < 0) break; // a torn last line: ignore it
        const tab = text.indexOf('\t', pos);
        if (tab > pos && tab < nl) cache.old.set(text.slice(pos, tab), text.slice(tab + 1, nl));
      }
    } else if (text) {
      cache.changed = true; // another tool's file, or another format: rewrite it
    }
    return cache;
  }

  get(hash: string): CacheEntry | undefined {
    const entry = this.fresh.get(hash) ?? this.checked(hash);
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

  /** The previous run's entry for `hash` (without its seal) when its seal checks out. */
  private checked(hash: string): string | undefined {
    const line = this.old.get(hash);
    if (line === undefined) return undefined;
    const tab = line.indexOf('\t');
    const entry = line.slice(tab + 1);
    if (tab > 0 && line.slice(0, tab) === seal(hash, entry)) return entry;
    this.changed = true; // forged or damaged: the file is rewritten without it
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
    // A new file (never through a link planted at its name), then a rename, which replaces a link
    // at the cache's name rather than writing where it points.
    const tmp = `${this.file}.${process.pid}.${crypto().randomBytes(4).toString('hex')}.tmp`;
    const lines = [`${MAGIC}\t${FORMAT}\t${this.version}\n`];
    for (const [hash, entry] of this.fresh) lines.push(`${hash}\t${seal(hash, entry)}\t${entry}\n`);
    try {
      writeFileSync(tmp, lines.join(''), { flag: 'wx', mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // not made
      }
      throw e;
    }
  }
}
