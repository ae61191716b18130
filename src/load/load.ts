import { decode } from './read.js';
import { loadFast } from './fast.js';
import { parseSource } from './parse.js';
import { SourceFile, fillLineStarts } from './text.js';

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
export function unreadFile(
  displayName: string,
  absPath: string | undefined,
  message: string,
  code: string,
): SourceFile {
  const file = new SourceFile(displayName, '', absPath);
  fillLineStarts(file);
  file.problems.push({ message, range: [0, 0], code });
  return file;
}

/** Why a file or folder that may not be read is not linted (`reason`: from `readErrorMessage`). */
export function deniedMessage(what: 'file' | 'folder', reason: string): string {
  return what === 'file'
    ? `the file cannot be read: ${reason}; it is not linted`
    : `the folder cannot be read: ${reason}; the files in it are not linted`;
}

/** Why a file (or standard input) over the per-file limit is not read; `bytes` when its size is known. */
export function fileLimitMessage(what: string, bytes: number | undefined, limit: number): string {
  const size = bytes === undefined ? 'it' : formatBytes(bytes);
  return `${what} is not read: ${size} is more than the limit of ${formatBytes(limit)} per file (--max-file-bytes)`;
}

export function inputLimitMessage(what: string, limit: number): string {
  return `${what} is not read: with it, the input would be more than the limit of ${formatBytes(limit)} (--max-input-bytes)`;
}

/** Parse one text as a manifest file. */
export function loadText(displayName: string, text: string, absPath?: string): SourceFile {
  const file = new SourceFile(displayName, text, absPath);
  return parseSource(file, { json: /\.json$/i.test(displayName) });
}

function looksLikeManifest(file: SourceFile): boolean {
  return file.documents.some((d) => typeof d.value === 'object' && d.value !== null && 'kind' in d.value);
}

/** Problems of the text that leave its documents readable (they are still linted). */
const TEXT_PROBLEMS = new Set(['ENCODING', 'CONTROL_CHARACTER']);

/** A key `kind:` or `apiVersion:` (also quoted, as in JSON) anywhere in a text. */
const MANIFEST_KEY = /(?:^|[\s{,])["']?(?:kind|apiVersion)["']?\s*:/m;

/**
 * A file a directory walk leaves out: it was read (no problem other than its text's encoding or
 * control characters) and no document has a `kind` (a CI workflow, a Helm values file, in Latin-1 or
 * not). A file that could not be read (a YAML error, binary data, a limit) is kept: it may be a
 * manifest. With `unparsedData`, a text with a YAML error that names no `kind` and no `apiVersion`
 * at all (data in JSON Lines, another program's template) is not one either, and is left out too
 * (not for a buffer being edited, where the error is what the editor shows).
 */
export function notAManifest(file: SourceFile, unparsedData = false): boolean {
  if (file.problems.every((p) => TEXT_PROBLEMS.has(p.code))) return !looksLikeManifest(file);
  if (!unparsedData) return false;
  const unread = file.text.length === 0 || file.problems.some((p) => p.code === 'BINARY' || p.code.endsWith('_LIMIT'));
  return !unread && !MANIFEST_KEY.test(file.text);
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
export async function loadStdin(
  stream: NodeJS.ReadableStream,
  limits: InputLimits,
  used: number,
  name?: StdinName,
): Promise<SourceFile> {
  const left = limits.maxInputBytes - used;
  const input = await readStream(stream, Math.min(limits.maxFileBytes, left));
  if (typeof input === 'string') return name ? loadFast(name.path, input, name.absPath) : loadFast('<stdin>', input);
  const message =
    left < limits.maxFileBytes
      ? inputLimitMessage('standard input', limits.maxInputBytes)
      : fileLimitMessage('standard input', undefined, limits.maxFileBytes);
  return unreadFile(
    name?.path ?? '<stdin>',
    name?.absPath,
    message,
    left < limits.maxFileBytes ? 'INPUT_LIMIT' : 'FILE_LIMIT',
  );
}

/** `--stdin-filename`: the path standard input stands for (display path and absolute path). */
export interface StdinName {
  path: string;
  absPath: string;
}
