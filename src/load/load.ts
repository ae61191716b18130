import { statSync } from 'node:fs';
import path from 'node:path';
import { InputLimitError, decode, displayPath, readErrorMessage, readText } from './discover.js';
import type { DiscoveredFile } from './discover.js';
import { loadFast } from './fast.js';
import { SourceFile, fillLineStarts, parseSource } from './source.js';

export interface ReadError {
  path: string;
  message: string;
}

/** How much input one run reads (docs/limits.md). */
export interface InputLimits {
  /** Bytes of one file, or of standard input (`--max-file-bytes`). */
  maxFileBytes: number;
  /** Bytes of all files and standard input together (`--max-input-bytes`). */
  maxInputBytes: number;
}

const MiB = 1024 * 1024;

/** The CLI's defaults (`kube-netlint` lint runs): see docs/limits.md for why these sizes. */
export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = { maxFileBytes: 16 * MiB, maxInputBytes: 64 * MiB };

/** No input limits (the default of the library functions, as before the limits existed). */
export const NO_INPUT_LIMITS: Readonly<InputLimits> = { maxFileBytes: Infinity, maxInputBytes: Infinity };

/** `1536` → `1.5 KiB`, `268435456` → `256 MiB`. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GiB'],
    [MiB, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const v = n / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
    }
  }
  return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
}

/** `256M`, `256MiB`, `1g`, `65536` → bytes; undefined when it is not a positive size. */
export function parseBytes(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(?:i?b)?|b)?\s*$/i.exec(s);
  if (!m) return undefined;
  const unit = m[2]?.toLowerCase();
  const n = Math.floor(Number(m[1]) * (unit === 'g' ? 1024 ** 3 : unit === 'm' ? MiB : unit === 'k' ? 1024 : 1));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * A file that is not read because of a limit: no documents, one problem at its start (reported as
 * `yaml-syntax`, so the run fails and every format shows it).
 */
export function unreadFile(displayName: string, absPath: string | undefined, message: string, code: string): SourceFile {
  const file = new SourceFile(displayName, '', absPath);
  fillLineStarts(file);
  file.problems.push({ message, range: [0, 0], code });
  return file;
}

/** Why a file (or standard input) over the per-file limit is not read; `bytes` when its size is known. */
export function fileLimitMessage(what: string, bytes: number | undefined, limit: number): string {
  const size = bytes === undefined ? 'it' : formatBytes(bytes);
  return `${what} is not read: ${size} is more than the limit of ${formatBytes(limit)} per file (--max-file-bytes)`;
}

export function inputLimitMessage(what: string, limit: number): string {
  return `${what} is not read: with it, the input would be more than the limit of ${formatBytes(limit)} (--max-input-bytes)`;
}

/**
 * The input limits of a run: the defaults, with `--max-file-bytes` and `--max-input-bytes` when
 * given; a message when one of them is not a size.
 */
export function inputLimitsOf(flags: { 'max-file-bytes'?: string; 'max-input-bytes'?: string }): InputLimits | { error: string } {
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS };
  for (const [flag, key] of [
    ['max-file-bytes', 'maxFileBytes'],
    ['max-input-bytes', 'maxInputBytes'],
  ] as const) {
    const v = flags[flag];
    if (v === undefined) continue;
    const n = parseBytes(v);
    if (n === undefined) return { error: `--${flag} needs a size in bytes such as 1048576, 64M or 1G, not "${v}"` };
    limits[key] = n;
  }
  return limits;
}

/**
 * Apply the input limits to discovered files before anything is read, by their size on disk (in the
 * files' order: once a file does not fit in the total, it and every file after it are left out).
 * Returns the files to read, the files left out (as `unreadFile`s, in the same order), the files that
 * cannot even be looked at, and the bytes the files to read take (what is left for standard input).
 */
export function applyInputLimits(
  files: DiscoveredFile[],
  cwd: string,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): { files: DiscoveredFile[]; refused: SourceFile[]; errors: ReadError[]; bytes: number } {
  const keep: DiscoveredFile[] = [];
  const refused: SourceFile[] = [];
  const errors: ReadError[] = [];
  let total = 0;
  let full = false;
  for (const f of files) {
    const name = displayPath(f.absPath, cwd);
    let size: number;
    try {
      size = statSync(f.absPath).size;
    } catch (e) {
      errors.push({ path: name, message: readErrorMessage(e) });
      continue;
    }
    if (size > limits.maxFileBytes) {
      refused.push(unreadFile(name, f.absPath, fileLimitMessage('the file', size, limits.maxFileBytes), 'FILE_LIMIT'));
      continue;
    }
    if (full || total + size > limits.maxInputBytes) {
      full = true;
      refused.push(unreadFile(name, f.absPath, inputLimitMessage('the file', limits.maxInputBytes), 'INPUT_LIMIT'));
      continue;
    }
    total += size;
    keep.push(f);
  }
  return { files: keep, refused, errors, bytes: total };
}

/** Put files back in the order of the discovered files (by absolute path); others keep their place at the end. */
export function inDiscoveryOrder(discovered: DiscoveredFile[], files: SourceFile[]): SourceFile[] {
  const rank = new Map(discovered.map((f, i) => [path.normalize(f.absPath), i]));
  const at = (f: SourceFile) => (f.absPath !== undefined ? (rank.get(path.normalize(f.absPath)) ?? Infinity) : Infinity);
  return files
    .map((f, i) => ({ f, i }))
    .sort((a, b) => at(a.f) - at(b.f) || a.i - b.i)
    .map((x) => x.f);
}

/** Parse one text as a manifest file. */
export function loadText(displayName: string, text: string, absPath?: string): SourceFile {
  const file = new SourceFile(displayName, text, absPath);
  return parseSource(file, { json: /\.json$/i.test(displayName) });
}

/**
 * Read and parse discovered files (the `yaml` path, in-process), within the input limits (none unless
 * given: files over a limit come back as `unreadFile`s with a problem, which callers must show). A file
 * found by expanding a directory that holds no Kubernetes-looking document (no `kind` anywhere) and
 * parses cleanly is not a manifest (a CI workflow, a Helm values file) and is left out.
 */
export async function loadFiles(
  files: DiscoveredFile[],
  cwd: string,
  limits: InputLimits = NO_INPUT_LIMITS,
): Promise<{ files: SourceFile[]; errors: ReadError[] }> {
  const limited = applyInputLimits(files, cwd, limits);
  const out: SourceFile[] = [...limited.refused];
  const errors: ReadError[] = [...limited.errors];
  const texts = await Promise.all(
    limited.files.map(async (f) => {
      try {
        // Bounded again: a file may have grown since its size was taken.
        return { f, text: await readText(f.absPath, limits.maxFileBytes) };
      } catch (e) {
        const name = displayPath(f.absPath, cwd);
        if (e instanceof InputLimitError) out.push(unreadFile(name, f.absPath, fileLimitMessage('the file', e.bytes, e.limit), 'FILE_LIMIT'));
        else errors.push({ path: name, message: readErrorMessage(e) });
        return undefined;
      }
    }),
  );
  for (const t of texts) {
    if (!t) continue;
    const file = loadText(displayPath(t.f.absPath, cwd), t.text, t.f.absPath);
    if (t.f.expanded && notAManifest(file)) continue;
    out.push(file);
  }
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: inDiscoveryOrder(files, out), errors };
}

function looksLikeManifest(file: SourceFile): boolean {
  return file.documents.some((d) => typeof d.value === 'object' && d.value !== null && 'kind' in d.value);
}

/** Problems of the text that leave its documents readable (they are still linted). */
const TEXT_PROBLEMS = new Set(['ENCODING', 'CONTROL_CHARACTER']);

/**
 * A file a directory walk leaves out: it was read (no problem other than its text's encoding or
 * control characters) and no document has a `kind` (a CI workflow, a Helm values file, in Latin-1 or
 * not). A file that could not be read (a YAML error, binary data, a limit) is kept: it may be a
 * manifest.
 */
export function notAManifest(file: SourceFile): boolean {
  return file.problems.every((p) => TEXT_PROBLEMS.has(p.code)) && !looksLikeManifest(file);
}

/**
 * Read a stream to its end, or up to `max` bytes: a stream longer than that (one that never ends)
 * is left unread beyond it and closed, and its length so far comes back instead of its text.
 */
export async function readStream(stream: NodeJS.ReadableStream, max = Infinity): Promise<string | { bytes: number }> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += b.length;
    // Leaving the loop closes the stream.
    if (total > max) return { bytes: total };
    chunks.push(b);
  }
  return decode(Buffer.concat(chunks, total));
}

/**
 * Standard input as a file, within the input limits (`used`: the bytes the files of the run take):
 * read with the fast path, or, over a limit, a file with no documents and a problem that names it.
 */
export async function loadStdin(stream: NodeJS.ReadableStream, limits: InputLimits, used: number): Promise<SourceFile> {
  const left = limits.maxInputBytes - used;
  const input = await readStream(stream, Math.min(limits.maxFileBytes, left));
  if (typeof input === 'string') return loadFast('<stdin>', input);
  const message =
    left < limits.maxFileBytes ? inputLimitMessage('standard input', limits.maxInputBytes) : fileLimitMessage('standard input', undefined, limits.maxFileBytes);
  return unreadFile('<stdin>', undefined, message, left < limits.maxFileBytes ? 'INPUT_LIMIT' : 'FILE_LIMIT');
}
