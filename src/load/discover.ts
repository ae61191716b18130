import { promises as fs, lstatSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { globby, isDynamicPattern } from 'globby';

export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'];

export interface DiscoverOptions {
  cwd: string;
  /** Extra ignore globs (config `ignorePatterns` and `--ignore-pattern`), relative to cwd. */
  ignore: string[];
  /** Respect .gitignore files (default true). */
  gitignore?: boolean;
}

export interface DiscoveredFile {
  absPath: string;
  /** Found by expanding a directory or glob (not named explicitly). */
  expanded: boolean;
}

export interface DiscoverResult {
  files: DiscoveredFile[];
  stdin: boolean;
  /** Patterns or paths that matched nothing. */
  unmatched: string[];
  /** Helm chart folders a directory walk left out (their templates need rendering first). */
  skippedCharts: string[];
  /**
   * Paths given that exist but cannot be linted: a broken symbolic link or a link loop, or not a
   * regular file (a FIFO, a device, a socket, which could block or never end), with the reason. They
   * are in `unmatched` too (callers that do not look here report them as matching nothing).
   */
  unreadable: { path: string; message: string }[];
}

const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**'];

const toPosix = (p: string) => p.split(path.sep).join('/');

/**
 * Turn CLI arguments (files, directories, globs, `-`) into a sorted, de-duplicated file list.
 */
export async function discover(args: string[], options: DiscoverOptions): Promise<DiscoverResult> {
  const { cwd } = options;
  const ignore = [...ALWAYS_IGNORED, ...options.ignore];
  const seen = new Map<string, DiscoveredFile>();
  const unmatched: string[] = [];
  const unreadable: { path: string; message: string }[] = [];
  let stdin = false;
  const explicit: string[] = [];

  for (const arg of args) {
    if (arg === '-') {
      stdin = true;
      continue;
    }
    const abs = path.resolve(cwd, arg);
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(abs);
    } catch (e) {
      stat = undefined;
      // It is there (a symbolic link), but what it points to is not.
      if (lstatOrUndefined(abs)?.isSymbolicLink()) {
        unreadable.push({ path: arg, message: readErrorMessage(e) });
        unmatched.push(arg);
        continue;
      }
    }
    if (stat && !stat.isFile() && !stat.isDirectory()) {
      unreadable.push({ path: arg, message: `not a regular file (${specialKind(stat)}): pipe it to standard input instead ("-")` });
      unmatched.push(arg);
      continue;
    }
    let patterns: string[];
    if (stat?.isFile()) {
      // An explicitly named file is linted whatever its extension, unless an ignore pattern says no.
      const rel = toPosix(path.relative(cwd, abs));
      explicit.push(rel.startsWith('../') || path.isAbsolute(rel) ? toPosix(abs) : escapeGlob(rel));
      continue;
    }
    if (stat?.isDirectory()) {
      const rel = toPosix(path.relative(cwd, abs));
      const base = rel === '' ? '' : `${escapeGlob(rel)}/`;
      patterns = [`${base}**/*.{${MANIFEST_EXTENSIONS.join(',')}}`];
    } else if (isDynamicPattern(arg)) {
      patterns = [toPosix(arg)];
    } else {
      unmatched.push(arg);
      continue;
    }
    const matches = await globby(patterns, {
      cwd,
      ignore,
      gitignore: options.gitignore ?? true,
      dot: false,
      absolute: true,
      followSymbolicLinks: false,
      expandDirectories: false,
      onlyFiles: true,
    });
    if (matches.length === 0) unmatched.push(arg);
    for (const m of matches) add(m, true);
  }

  if (explicit.length) {
    // Explicit files are checked against the ignore patterns in one pass; one filtered out by
    // an ignore pattern is skipped silently, as ESLint does.
    const matches = await globby(explicit, { cwd, ignore, gitignore: false, dot: true, absolute: true, expandDirectories: false });
    for (const m of matches) add(m, false);
  }

  function add(absPath: string, expanded: boolean) {
    const key = path.normalize(absPath);
    const prev = seen.get(key);
    if (!prev) seen.set(key, { absPath: key, expanded });
    else if (!expanded) prev.expanded = false;
  }

  // A Helm chart's templates are Go templates, not YAML: when a directory walk reaches a chart
  // (a folder with Chart.yaml), its files are left out unless named explicitly.
  const charts = [...seen.values()]
    .filter((f) => f.expanded && path.basename(f.absPath) === 'Chart.yaml')
    .map((f) => path.dirname(f.absPath) + path.sep);
  const skippedCharts = new Set<string>();
  for (const [key, f] of seen) {
    if (!f.expanded) continue;
    const chart = charts.find((c) => f.absPath.startsWith(c));
    if (chart) {
      seen.delete(key);
      skippedCharts.add(chart.slice(0, -1));
    }
  }
  const files = [...seen.values()].sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
  return { files, stdin, unmatched, skippedCharts: [...skippedCharts].sort(), unreadable };
}

function lstatOrUndefined(p: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function specialKind(s: ReturnType<typeof statSync>): string {
  if (!s) return 'unknown';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a file';
}

function escapeGlob(p: string): string {
  return p.replace(/[*?[\]{}()!@+]/g, '\\$&');
}

/** A file larger than the limit it was read with: its bytes were not read beyond the limit. */
export class InputLimitError extends Error {
  constructor(
    /** Bytes seen: more than the limit (a lower bound when the file was still growing). */
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`more than ${limit} bytes`);
  }
}

/**
 * Read and decode a file. With `maxBytes`, at most `maxBytes + 1` bytes are read whatever the file
 * claims to be (a file still being written, a special file): beyond the limit, InputLimitError.
 */
export async function readText(absPath: string, maxBytes = Infinity): Promise<string> {
  if (maxBytes === Infinity) return decode(await fs.readFile(absPath));
  return decode(await readBounded(absPath, maxBytes));
}

/** Read and decode a file, synchronously (no size bound). */
export function readTextSync(absPath: string): string {
  return decode(readFileSync(absPath));
}

async function readBounded(absPath: string, maxBytes: number): Promise<Buffer> {
  const fh = await fs.open(absPath, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const size = (await fh.stat()).size;
    // One read of the stated size when it fits, then chunks until the end of the file.
    let want = size > 0 && size <= maxBytes ? size + 1 : 64 * 1024;
    while (true) {
      const buf = Buffer.allocUnsafe(Math.min(want, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new InputLimitError(Math.max(total, size), maxBytes);
      want = 1024 * 1024;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}

/** A one-line reason why a file could not be read, from the error of the read. */
export function readErrorMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOENT: 'no such file: deleted while linting, or a broken symbolic link',
    ELOOP: 'too many levels of symbolic links: a link loop',
    EIO: 'input/output error',
    EMFILE: 'too many open files',
    ENXIO: 'no such device',
    ENAMETOOLONG: 'file name too long',
  };
  if (err?.code === 'EISDIR') return 'is a directory';
  if (err?.code && known[err.code]) return `${err.code} (${known[err.code]})`;
  return err?.code ?? err?.message ?? String(e);
}

/**
 * Decode a manifest's bytes: UTF-8 (BOM stripped), or UTF-16 or UTF-32 with a BOM. Bytes that do
 * not decode become U+FFFD, which `SourceFile` reports; so are NULs (binary data, or UTF-16 without
 * a BOM).
 */
export function decode(buf: Buffer): string {
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xfe && buf[2] === 0 && buf[3] === 0) return decodeUtf32(buf.subarray(4), true);
  if (buf.length >= 4 && buf[0] === 0 && buf[1] === 0 && buf[2] === 0xfe && buf[3] === 0xff) return decodeUtf32(buf.subarray(4), false);
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function decodeUtf32(b: Buffer, le: boolean): string {
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i + 3 < b.length; i += 4) {
    const cp = le ? b.readUInt32LE(i) : b.readUInt32BE(i);
    chunk.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (chunk.length >= 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (b.length % 4) chunk.push(0xfffd);
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

export function displayPath(absPath: string, cwd: string): string {
  const rel = path.relative(cwd, absPath);
  return toPosix(rel.startsWith('..') || path.isAbsolute(rel) ? absPath : rel);
}
