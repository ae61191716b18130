/**
 * Where kube-netlint writes (reports, baselines, the parse cache): checked before a run does any
 * work, and folders created one level at a time.
 *
 * Node's `mkdirSync(dir, { recursive: true })` never returns on a path such as `/proc/x/y`: the
 * kernel answers ENOENT for `/proc/x` (procfs does not create entries), which the recursive mkdir
 * takes for "the parent is missing"; it creates the parent (`/proc`: EEXIST, fine) and tries the
 * child again, forever, at 100% CPU. `makeDirs` walks up to the nearest folder that exists and
 * creates each missing level once, so every error comes back.
 */
import { closeSync, constants, mkdirSync, openSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/** A one-line reason why a path cannot be written, from the OS error. */
export function writeErrorMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such file or directory, and none can be made there',
    ENOTDIR: 'a part of the path is not a directory',
    EROFS: 'read-only file system',
    EISDIR: 'is a directory',
    ENOSPC: 'no space left on device',
    ELOOP: 'too many levels of symbolic links',
    ENAMETOOLONG: 'file name too long',
  };
  if (err?.code && known[err.code]) return `${err.code} (${known[err.code]})`;
  return err?.code ?? err?.message ?? String(e);
}

/** A path kube-netlint cannot write to; the message names it. */
export class OutputPathError extends Error {}

function statOrUndefined(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The levels of `dir` that do not exist yet, outermost first (empty when `dir` exists). */
function missingLevels(dir: string): string[] {
  const missing: string[] = [];
  let d = path.resolve(dir);
  while (true) {
    const s = statOrUndefined(d);
    if (s) {
      if (!s.isDirectory()) throw Object.assign(new Error(`${d} is not a directory`), { code: 'ENOTDIR' });
      return missing.reverse();
    }
    missing.push(d);
    const parent = path.dirname(d);
    if (parent === d) return missing.reverse();
    d = parent;
  }
}

/** Create `dir` and its missing parents (each level once: no retry loop). Throws the OS error. */
export function makeDirs(dir: string): void {
  for (const level of missingLevels(dir)) {
    try {
      mkdirSync(level);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statOrUndefined(level)?.isDirectory()) throw e;
    }
  }
}

/** Why a folder cannot be written to (probed by creating what is missing, or a file in it, and removing it again). */
function folderProblem(dir: string): string | undefined {
  let levels: string[];
  try {
    levels = missingLevels(dir);
  } catch (e) {
    return writeErrorMessage(e);
  }
  try {
    if (levels.length) {
      // Creating the first missing level tells whether the rest can be; it is removed again.
      mkdirSync(levels[0]);
      rmdirSync(levels[0]);
    } else {
      const probe = path.join(dir, `.kube-netlint-${process.pid}.tmp`);
      closeSync(openSync(probe, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY));
      unlinkSync(probe);
    }
  } catch (e) {
    return writeErrorMessage(e);
  }
  return undefined;
}

/**
 * Check that a report or baseline file can be written, before any work: its folder can be made
 * and written, and the path is not a folder or a socket. A terminal, `/dev/null` or a FIFO is
 * fine (written as a file is). Throws OutputPathError naming the path as given.
 */
export function checkOutputFile(cwd: string, file: string): void {
  const abs = path.resolve(cwd, file);
  let problem: string | undefined;
  let s: ReturnType<typeof statSync> | undefined;
  try {
    s = statOrUndefined(abs);
  } catch (e) {
    problem = writeErrorMessage(e);
  }
  if (s?.isDirectory()) problem = 'is a directory';
  else if (s && (s.isSocket() || s.isBlockDevice()))
    problem = `not a file kube-netlint can write (${s.isSocket() ? 'a socket' : 'a block device'})`;
  else if (s) {
    try {
      // Opened for writing without truncating it (and without blocking on a FIFO).
      closeSync(openSync(abs, constants.O_WRONLY | (s.isFIFO() ? constants.O_NONBLOCK : 0)));
    } catch (e) {
      // A FIFO without a reader yet is fine: the write waits for one, as a shell redirection does.
      if (!(s.isFIFO() && (e as NodeJS.ErrnoException).code === 'ENXIO')) problem = writeErrorMessage(e);
    }
  } else if (problem === undefined) {
    problem = folderProblem(path.dirname(abs));
    if (problem === undefined && missingLevels(path.dirname(abs)).length === 0) {
      try {
        closeSync(openSync(abs, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY));
        unlinkSync(abs);
      } catch (e) {
        problem = writeErrorMessage(e);
      }
    }
  }
  if (problem !== undefined) throw new OutputPathError(`cannot write ${file}: ${problem}`);
}

/** Check that a folder (the parse cache's) can be made and written, before any work. */
export function checkOutputDir(cwd: string, dir: string): void {
  const problem = folderProblem(path.resolve(cwd, dir));
  if (problem !== undefined) throw new OutputPathError(`cannot write ${dir}: ${problem}`);
}
