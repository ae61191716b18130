/**
 * A workspace folder's files on disk, read without holding the server's thread for long: the
 * texts are read in steps (a file of a megabyte or more asynchronously, the others one after
 * another, yielding to the event loop between them), within the input limits the CLI applies,
 * and parsed only where they are linted: in the slice's worker thread for a slice linted there
 * (src/lsp/offthread.ts), else in this thread between turns of the event loop (big texts in
 * pieces of whole documents), or at once when a lint needs them at once. The parse is the CLI's
 * (`loadText`, on the input road), and a file a directory walk found is left out as the CLI's
 * walk leaves it out (`notAManifest(file, true)`) once it is parsed.
 */
import { statSync } from 'node:fs';
import { displayPath } from '../load/discover.js';
import {
  DEFAULT_INPUT_LIMITS,
  deniedMessage,
  fileLimitMessage,
  inputLimitMessage,
  loadText,
  notAManifest,
  unreadFile,
} from '../load/load.js';
import type { ReadError } from '../load/load.js';
import { InputLimitError, isPermissionError, readErrorMessage, readText, readTextSync } from '../load/read.js';
import type { SourceFile } from '../load/source.js';
import { parseEditedInSteps } from './parsed.js';
import { normPath } from './paths.js';

/** A file on disk as the server holds it: its text, and its parse once something needed it. */
export interface DiskFile {
  text: string;
  /** Display path (relative to the folder). */
  name: string;
  absPath: string;
  /**
   * Found by a directory walk (not named by the config's roots, not a Kustomize resource): left out
   * when it holds no Kubernetes object, a text with a YAML error and no `kind` included.
   */
  walked: boolean;
  /** Its parse; set from the start for a file that was not read (a limit, no permission). */
  file?: SourceFile;
  /** Once parsed: whether it is linted (false: not a manifest). */
  manifest?: boolean;
}

/** Files of this size or more are read asynchronously (the reads off the server's thread, in the thread pool). */
const ASYNC_READ_BYTES = 1024 * 1024;
/** A text of this many characters or more is parsed in pieces between turns of the event loop. */
const PIECES_CHARS = 256 * 1024;

/** A pause that yields to the event loop once `ms` have passed since the last yield. */
export function stepper(ms: number): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < ms) return;
    await new Promise((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}

/**
 * Read `files` within the input limits (default: the CLI's), in their order, as `readFiles` on the
 * input road does with the `yaml` parser (src/load/input.ts), without parsing them: a file over a
 * limit, or that may not be read, is a file with one problem; a file that cannot be read for
 * another reason (it vanished since it was listed) is an error. `pause` is awaited between files.
 */
export async function readDisk(
  files: { absPath: string; walked: boolean }[],
  cwd: string,
  pause: () => Promise<void>,
  limits = DEFAULT_INPUT_LIMITS,
): Promise<{ read: Map<string, DiskFile>; errors: ReadError[] }> {
  const read = new Map<string, DiskFile>();
  const errors: ReadError[] = [];
  const put = (f: { absPath: string; walked: boolean }, name: string, text: string, file?: SourceFile) =>
    read.set(normPath(f.absPath), { text, name, absPath: f.absPath, walked: f.walked, file });
  const unread = (f: { absPath: string; walked: boolean }, name: string, message: string, code: string) =>
    put(f, name, '', unreadFile(name, f.absPath, message, code));
  // Sizes first: a file over a limit is not read at all; once a file does not fit in the total,
  // it and every file after it are left out.
  const toRead: { f: { absPath: string; walked: boolean }; size: number }[] = [];
  let total = 0;
  let full = false;
  for (const f of files) {
    let size: number;
    try {
      size = statSync(f.absPath).size;
    } catch (e) {
      const name = displayPath(f.absPath, cwd);
      if (isPermissionError(e)) unread(f, name, deniedMessage('file', readErrorMessage(e)), 'UNREADABLE');
      else errors.push({ path: name, message: readErrorMessage(e) });
      continue;
    }
    if (size > limits.maxFileBytes) {
      const name = displayPath(f.absPath, cwd);
      unread(f, name, fileLimitMessage('the file', size, limits.maxFileBytes), 'FILE_LIMIT');
    } else if (full || total + size > limits.maxInputBytes) {
      full = true;
      unread(f, displayPath(f.absPath, cwd), inputLimitMessage('the file', limits.maxInputBytes), 'INPUT_LIMIT');
    } else {
      total += size;
      toRead.push({ f, size });
    }
    await pause();
  }
  for (const { f, size } of toRead) {
    const name = displayPath(f.absPath, cwd);
    try {
      const text =
        size >= ASYNC_READ_BYTES
          ? await readText(f.absPath, limits.maxFileBytes)
          : readTextSync(f.absPath, limits.maxFileBytes);
      put(f, name, text);
    } catch (e) {
      if (e instanceof InputLimitError) unread(f, name, fileLimitMessage('the file', e.bytes, e.limit), 'FILE_LIMIT');
      else if (isPermissionError(e)) unread(f, name, deniedMessage('file', readErrorMessage(e)), 'UNREADABLE');
      else errors.push({ path: name, message: readErrorMessage(e) });
    }
    await pause();
  }
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { read, errors };
}

/** Note a file's parse, and whether it is linted. */
function parsedAs(d: DiskFile, file: SourceFile): SourceFile {
  d.file = file;
  d.manifest = !notAManifest(file, d.walked);
  return file;
}

/** A file's parse, at once (the CLI's). */
export function diskFile(d: DiskFile): SourceFile {
  if (d.file) {
    d.manifest ??= !notAManifest(d.file, d.walked);
    return d.file;
  }
  return parsedAs(d, loadText(d.name, d.text, d.absPath));
}

/**
 * A file's parse between turns of the event loop (`pause` yields and says whether to stop): a big
 * text in pieces of whole documents (see `parseInPieces`), the same parse as `diskFile`. False
 * when stopped.
 */
export async function parseDiskInSteps(d: DiskFile, pause: () => Promise<boolean>): Promise<boolean> {
  if (d.file) return true;
  if (d.text.length < PIECES_CHARS) {
    diskFile(d);
    return !(await pause());
  }
  const json = /\.json$/i.test(d.name);
  const parsed = await parseEditedInSteps(undefined, d.text, d.name, d.absPath, json, pause);
  if (!parsed) return false;
  parsedAs(d, parsed.file);
  return true;
}

/** Whether the walk's filter applies to a file changed: its parse is judged again. */
export function setWalked(d: DiskFile, walked: boolean): void {
  if (d.walked === walked) return;
  d.walked = walked;
  d.manifest = d.file ? !notAManifest(d.file, walked) : undefined;
}
