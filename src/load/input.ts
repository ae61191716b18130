/**
 * The input road: the one way from what a command is given (files, folders, globs, `-` for
 * standard input) to parsed files. Every command (lint, connectivity, explain, diff, graph), the
 * language server (files on disk), the benchmarks and the scripts read input here:
 *
 *   discover (walk, ignores, Helm charts, symbolic links)
 *   → bounded read, file after file, within the input limits (never more than the per-file limit
 *     or what is left of the total, whatever the file claims to be; a file over a limit comes back
 *     with a problem)
 *   → parse (the fast path, in worker threads for large inputs, with the parse cache; or the `yaml`
 *     package's path)
 *   → files in input order (sorted paths, standard input last); a file a directory walk found that
 *     holds no Kubernetes object (`notAManifest`) is left out.
 *
 * The files make up cluster slices (`slices`): one, unless the discovered files are split into
 * several (each linted as its own cluster) by `InputOptions.kustomize` (Kustomize roots, planned
 * and built by src/load/kustomize-slices.ts) or `InputOptions.partition`.
 */
import type { DiscoverOptions, DiscoverResult, DiscoveredFile } from './discover.js';
import { discover } from './discover.js';
import type { ParseCache } from './cache.js';
import {
  DEFAULT_INPUT_LIMITS,
  NO_INPUT_LIMITS,
  deniedMessage,
  fileLimitMessage,
  inputLimitMessage,
  loadStdin,
  loadText,
  notAManifest,
  unreadFile,
} from './load.js';
import type { InputLimits, ReadError, StdinName } from './load.js';
import { readFastFiles } from './parallel.js';
import { displayPath } from './discover.js';
import { InputLimitError, isPermissionError, readErrorMessage, readFileTextSync } from './read.js';
import { statSync } from 'node:fs';
import type { SourceFile } from './text.js';
import { kustomizeInput } from './kustomize-slices.js';
import type { KustomizeInput, KustomizeInputOptions } from './kustomize-slices.js';

export interface ReadOptions {
  /** Paths are shown relative to this folder. */
  cwd: string;
  /** Default: DEFAULT_INPUT_LIMITS (every read is bounded). */
  limits?: InputLimits;
  /** `fast` (default): the fast path, worker threads and the cache; `yaml`: the `yaml` package's path, in-process. */
  parser?: 'fast' | 'yaml';
  /** Worker threads for the fast path: 0 reads in-process; undefined chooses by input size and cores. */
  workers?: number;
  /** The parse cache (`--cache`); saved at the end of the read. */
  cache?: ParseCache;
  /** Called as files are read: how many of `total` are done (progress on a terminal). */
  onFile?: (done: number, total: number) => void;
}

/** A group of discovered files that is analysed as one cluster; `name` says which (e.g. a Kustomize root). */
export interface Partition {
  name?: string;
  files: DiscoveredFile[];
}

export interface InputOptions extends ReadOptions {
  /** Extra ignore globs (config `ignorePatterns`, `--ignore-pattern`), relative to cwd. */
  ignore?: string[];
  /** Respect .gitignore files (default true). */
  gitignore?: boolean;
  /** Read by `-`; without it, `-` gives an empty standard input. */
  stdin?: NodeJS.ReadableStream;
  /** `--stdin-filename`: the file standard input stands for (findings carry its path). */
  stdinName?: StdinName;
  /**
   * Split the discovered files into cluster slices (default: one slice of every file). Standard
   * input is a slice of its own when there are several.
   */
  partition?: (files: DiscoveredFile[]) => Partition[];
  /** Files the caller has read already (the language server's): not read again, and not in `files`. */
  alreadyRead?: (file: DiscoveredFile) => boolean;
  /**
   * Split the files into Kustomize slices (src/load/kustomize-slices.ts): the files outside
   * Kustomize trees, and one slice per top-level root. Its notes and errors are in `Input.kustomize`.
   */
  kustomize?: KustomizeInputOptions;
  /** Called once the files are known, before any is read (a caller may stop the run there by throwing). */
  onDiscovered?: (discovered: DiscoverResult) => void;
  /** How folders are listed (`fs.readdir`); tests give one that fails. */
  readdir?: DiscoverOptions['readdir'];
}

export interface InputSlice {
  name?: string;
  files: SourceFile[];
  /** A built Kustomize root: maps places in the build output back to the sources. */
  map?: KustomizeInput['slices'][number]['map'];
}

export interface Input {
  /** Every file read, in input order (standard input last). */
  files: SourceFile[];
  /** The cluster slices the files make up (one unless `kustomize` or `partition` split them). */
  slices: InputSlice[];
  /** With `InputOptions.kustomize`: the Kustomize planning's slices, notes and errors. */
  kustomize?: KustomizeInput;
  /** Paths that exist but could not be read, and files that failed to read, sorted by path. */
  errors: ReadError[];
  /** Arguments that matched no file (paths that do not exist, globs without a match). */
  unmatched: string[];
  /** Helm chart folders a directory walk left out. */
  skippedCharts: string[];
  /** One-line notes for stderr: links not followed, a cache that could not be written. */
  notes: string[];
  /** No file has any content (no document, no problem): nothing a linter could look at. */
  empty: boolean;
  discovered: DiscoverResult;
}

const byPath = (a: ReadError, b: ReadError) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Read and parse discovered files within the input limits, in their order. A file over a limit
 * comes back as a file with no documents and a problem naming the limit (callers show it). A file
 * found by a directory walk that is not a manifest is left out. `bytes`: what the files read take
 * of the total limit (what is left is standard input's).
 */
export async function readFiles(
  files: DiscoveredFile[],
  options: ReadOptions,
): Promise<{ files: SourceFile[]; errors: ReadError[]; bytes: number }> {
  const { cwd } = options;
  const limits = options.limits ?? DEFAULT_INPUT_LIMITS;
  const out: (SourceFile | undefined)[] = new Array(files.length);
  const errors: ReadError[] = [];
  // The files are read in their order, each within the per-file limit and what is left of the
  // total: once a file does not fit in the total, it and every file after it are left out.
  // (Synchronous reads: for many small files about twice as fast as promise-based reads, which go
  // through the thread pool one by one.)
  const toRead: number[] = [];
  /** The texts of the files to parse (`texts[k]` of `toRead[k]`). */
  const texts: string[] = [];
  let total = 0;
  let full = false;
  files.forEach((f, i) => {
    // (The display path only for a file that is not read: the reader names the others.)
    const name = () => displayPath(f.absPath, cwd);
    const overFile = (bytes: number) =>
      (out[i] = unreadFile(name(), f.absPath, fileLimitMessage('the file', bytes, limits.maxFileBytes), 'FILE_LIMIT'));
    const overTotal = () => {
      full = true;
      out[i] = unreadFile(name(), f.absPath, inputLimitMessage('the file', limits.maxInputBytes), 'INPUT_LIMIT');
    };
    try {
      // The files after the total are not read: their size on disk says which limit they are over.
      if (full) {
        const size = statSync(f.absPath).size;
        if (size > limits.maxFileBytes) overFile(size);
        else overTotal();
        return;
      }
      const read = readFileTextSync(f.absPath, Math.min(limits.maxFileBytes, limits.maxInputBytes - total));
      total += read.bytes;
      toRead.push(i);
      texts.push(read.text);
    } catch (e) {
      if (e instanceof InputLimitError && e.bytes > limits.maxFileBytes) overFile(e.bytes);
      else if (e instanceof InputLimitError) overTotal();
      else if (isPermissionError(e))
        out[i] = unreadFile(name(), f.absPath, deniedMessage('file', readErrorMessage(e)), 'UNREADABLE');
      else errors.push({ path: name(), message: readErrorMessage(e) });
    }
  });
  if (options.parser === 'yaml') {
    toRead.forEach((i, k) => {
      options.onFile?.(k, toRead.length);
      out[i] = loadText(displayPath(files[i].absPath, cwd), texts[k], files[i].absPath);
    });
  } else {
    const read = await readFastFiles(
      toRead.map((i) => files[i]),
      texts,
      cwd,
      limits.maxFileBytes,
      { workers: options.workers, cache: options.cache, onFile: options.onFile },
    );
    read.out.forEach((f, k) => (out[toRead[k]] = f));
    errors.push(...read.errors);
  }
  const kept = out.filter((f, i): f is SourceFile => f !== undefined && !(files[i].expanded && notAManifest(f, true)));
  return { files: kept, errors: errors.sort(byPath), bytes: total };
}

/** Discover, read and parse the input of a run: see the top of this module. */
export async function loadInput(targets: string[], options: InputOptions): Promise<Input> {
  const { cwd } = options;
  const limits = options.limits ?? DEFAULT_INPUT_LIMITS;
  const discovered = await discover(targets, {
    cwd,
    ignore: options.ignore ?? [],
    gitignore: options.gitignore,
    readdir: options.readdir,
  });
  options.onDiscovered?.(discovered);
  const read = await readFiles(
    options.alreadyRead ? discovered.files.filter((f) => !options.alreadyRead?.(f)) : discovered.files,
    options,
  );
  const notes: string[] = [];
  for (const l of discovered.skippedLinks) {
    notes.push(
      `not following the symbolic link ${displayPath(l.path, cwd)}: it leads outside the folder's repository (to ${displayPath(l.target, cwd)})`,
    );
  }
  if (options.cache) {
    try {
      options.cache.save();
    } catch (e) {
      notes.push(
        `cannot write the cache ${options.cache.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  // A folder the walk could not list is a file of its own with one problem (a `yaml-syntax` finding
  // of lint runs, a warning of the network commands), in its place among the files.
  const files = withDeniedFolders(read.files, discovered.deniedFolders, cwd, discovered.specialFiles);
  let stdinFile: SourceFile | undefined;
  if (discovered.stdin) {
    stdinFile = options.stdin
      ? await loadStdin(options.stdin, limits, read.bytes, options.stdinName)
      : loadText('<stdin>', '');
    files.push(stdinFile);
  }
  const unreadable = new Set(discovered.unreadable.map((u) => u.path));
  const errors = [...discovered.unreadable, ...read.errors].sort(byPath);
  // Resource files of a root outside the walk are read as the others are, on this road.
  const kustomize = options.kustomize
    ? await kustomizeInput(
        files,
        discovered.files,
        cwd,
        { ...options.kustomize, listed: discovered.kustomizationFiles },
        (more) =>
          readFiles(options.alreadyRead ? more.filter((f) => !options.alreadyRead?.(f)) : more, {
            cwd,
            limits,
            parser: options.parser,
          }),
      )
    : undefined;
  return {
    files,
    slices:
      kustomize && !kustomize.plain
        ? kustomize.slices.map((s) => ({ name: s.root, files: s.files, map: s.map }))
        : slicesOf(files, stdinFile, options.partition?.(discovered.files)),
    kustomize,
    errors,
    unmatched: discovered.unmatched.filter((u) => !unreadable.has(u)),
    skippedCharts: discovered.skippedCharts,
    notes,
    empty: errors.length === 0 && files.every((f) => f.documents.length === 0 && f.problems.length === 0),
    discovered,
  };
}

/**
 * The files, and a file with one problem for each folder that could not be listed and each special
 * file (a FIFO, a device) the walk met, in path order.
 */
function withDeniedFolders(
  files: SourceFile[],
  denied: DiscoverResult['deniedFolders'],
  cwd: string,
  special: DiscoverResult['specialFiles'],
): SourceFile[] {
  if (denied.length === 0 && special.length === 0) return files;
  const folders = [
    ...denied.map((d) =>
      unreadFile(displayPath(d.absPath, cwd), d.absPath, deniedMessage('folder', d.message), 'UNREADABLE'),
    ),
    ...special.map((d) =>
      unreadFile(displayPath(d.absPath, cwd), d.absPath, deniedMessage('file', d.message), 'UNREADABLE'),
    ),
  ].sort((a, b) => ((a.absPath as string) < (b.absPath as string) ? -1 : 1));
  const out: SourceFile[] = [];
  let k = 0;
  for (const f of files) {
    while (k < folders.length && f.absPath !== undefined && (folders[k].absPath as string) < f.absPath)
      out.push(folders[k++]);
    out.push(f);
  }
  while (k < folders.length) out.push(folders[k++]);
  return out;
}

function slicesOf(
  files: SourceFile[],
  stdinFile: SourceFile | undefined,
  partitions: Partition[] | undefined,
): InputSlice[] {
  if (!partitions) return [{ files }];
  const byPath = new Map(files.filter((f) => f.absPath !== undefined).map((f) => [f.absPath as string, f]));
  const slices: InputSlice[] = partitions.map((p) => ({
    name: p.name,
    files: p.files.map((d) => byPath.get(d.absPath)).filter((f): f is SourceFile => f !== undefined),
  }));
  if (stdinFile) slices.push({ name: '<stdin>', files: [stdinFile] });
  return slices;
}

/**
 * Read and parse discovered files with the `yaml` package's path, within the limits given (none by
 * default): the library's entry point (`kube-netlint`'s API), on the same road.
 */
export async function loadFiles(
  files: DiscoveredFile[],
  cwd: string,
  limits: InputLimits = NO_INPUT_LIMITS,
): Promise<{ files: SourceFile[]; errors: ReadError[] }> {
  const { files: out, errors } = await readFiles(files, { cwd, limits, parser: 'yaml' });
  return { files: out, errors };
}
