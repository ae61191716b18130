/**
 * Which files a run reads: the paths, folders and globs of the command line expanded to manifest
 * files (`.gitignore`, ignore patterns, Helm chart folders and symbolic links that lead outside the
 * repository left out), with what could not be listed or matched nothing, each with its reason.
 * Reading a file's bytes is ./read.ts.
 */
import { existsSync, lstatSync, readdir, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Options as GlobbyOptions } from 'globby';
import { isPermissionError, readErrorMessage, specialKind } from './read.js';
import { Gitignores } from './gitignore.js';
import { listFolderSync, listFolderWith, listTree, walkableHere } from './walk.js';

export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'];
const MANIFEST_NAME = /\.(?:yaml|yml|json)$/;

export interface DiscoverOptions {
  cwd: string;
  /** Extra ignore globs (config `ignorePatterns` and `--ignore-pattern`), relative to cwd. */
  ignore: string[];
  /** Respect .gitignore files (default true). */
  gitignore?: boolean;
  /** How folders are listed (`fs.readdir`); tests give one that fails. */
  readdir?: typeof readdir;
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
  /** Symbolic links a directory walk did not follow: they lead outside the walked tree's repository. */
  skippedLinks: { path: string; target: string }[];
  /**
   * Folders a walk could not list (permission denied): their files are not linted, the rest is.
   * Absolute paths, sorted, with the reason.
   */
  deniedFolders: { absPath: string; message: string }[];
  /**
   * Files with a manifest's name that a walk met that are not regular files (a FIFO, a device, a
   * socket): not read, as they could block or never end. Absolute paths, sorted, with the reason.
   */
  specialFiles: { absPath: string; message: string }[];
  /**
   * For each folder walked whose tree was listed without globby (./walk.ts), by absolute path: the
   * regular files named `Kustomization` in it, links not followed (src/load/kustomize.ts looks for them).
   */
  kustomizationFiles: Map<string, string[]>;
}

/**
 * The file system globby lists folders with: a folder that may not be read is recorded in
 * `denied` and listed as empty (globby would otherwise stop the whole walk with its error).
 */
function walkFs(list: typeof readdir, denied: Map<string, string>): GlobbyOptions['fs'] {
  const record = (dir: unknown, err: NodeJS.ErrnoException) => {
    const at = path.resolve(String(dir));
    if (!denied.has(at)) denied.set(at, readErrorMessage(err));
  };
  const wrapped = (dir: string, ...rest: unknown[]) => {
    const callback = rest.pop() as (err: NodeJS.ErrnoException | null, entries?: unknown[]) => void;
    const done = (err: NodeJS.ErrnoException | null, entries?: unknown[]) => {
      if (err && isPermissionError(err)) {
        record(dir, err);
        callback(null, []);
      } else callback(err, entries);
    };
    (list as (...a: unknown[]) => void)(dir, ...rest, done);
  };
  const wrappedSync = (dir: string, options?: unknown) => {
    try {
      return (readdirSync as (d: string, o?: unknown) => unknown[])(dir, options);
    } catch (e) {
      if (!isPermissionError(e)) throw e;
      record(dir, e as NodeJS.ErrnoException);
      return [];
    }
  };
  return { readdir: wrapped, readdirSync: wrappedSync } as unknown as GlobbyOptions['fs'];
}

const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**'];
/** A glob segment for names that begin with a line terminator. */
const LINE_TERMINATOR_FIRST = '[\r\n\u2028\u2029]*';

/** globby, loaded when a folder, a glob or an ignore pattern needs it (naming a file does not). */
const globbyLib = () => import('globby');

/**
 * Whether an explicitly named file is linted without asking globby: no ignore pattern but the
 * built-in ones, none of whose folders is on its path, and a plain name (no character a glob
 * would read differently), so globby could only ever find it.
 */
const plainExplicit = (name: string, ignore: readonly string[]) =>
  ignore.length === 0 && /^[\w./ -]+$/.test(name) && !name.split('/').some((s) => s === 'node_modules' || s === '.git');

const toPosix = (p: string) => p.split(path.sep).join('/');
/**
 * A path globby found, made absolute here: its `absolute` option turns every backslash into a
 * slash, which on POSIX systems changes a file name holding a backslash into another path.
 */
const resolvedIn = (cwd: string, p: string) => path.resolve(cwd, p);

/**
 * Turn CLI arguments (files, directories, globs, `-`) into a sorted, de-duplicated file list.
 */
export async function discover(args: string[], options: DiscoverOptions): Promise<DiscoverResult> {
  const { cwd } = options;
  const resolved = (p: string) => resolvedIn(cwd, p);
  const ignore = [...ALWAYS_IGNORED, ...options.ignore];
  const seen = new Map<string, DiscoveredFile>();
  const unmatched: string[] = [];
  const unreadable: { path: string; message: string }[] = [];
  let stdin = false;
  const explicit: string[] = [];
  /** Real paths of the folders walked so far. */
  const walked: string[] = [];
  const skippedLinks: { path: string; target: string }[] = [];
  const denied = new Map<string, string>();
  /** Special files met by the walk, by real path (one met through a link too is named once). */
  const special = new Map<string, { absPath: string; message: string }>();
  const kustomizationFiles = new Map<string, string[]>();
  /** Where .gitignore files apply (see `gitignoreReaches`), found on first use. */
  let gitignoreBase: string | undefined;
  /** The .gitignore files a walk applies (./gitignore.ts), read on first use; undefined: walks go through globby. */
  let gitignores: Promise<Gitignores | undefined> | undefined;
  // Folders are listed through this (for the walk and globby's search for .gitignore files alike).
  const fsWithDenied = walkFs(options.readdir ?? readdir, denied);
  const recordDenied = (dir: string, err: NodeJS.ErrnoException) => {
    if (!denied.has(dir)) denied.set(dir, readErrorMessage(err));
  };
  const listFolder = options.readdir ? listFolderWith(options.readdir) : listFolderSync;

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
      unreadable.push({
        path: arg,
        message: `not a regular file (${specialKind(stat)}): pipe it to standard input instead ("-")`,
      });
      unmatched.push(arg);
      continue;
    }
    if (stat?.isFile()) {
      // An explicitly named file is linted whatever its extension, unless an ignore pattern says no.
      const rel = toPosix(path.relative(cwd, abs));
      explicit.push(rel.startsWith('../') || path.isAbsolute(rel) ? toPosix(abs) : escapeGlob(rel));
      continue;
    }
    // A folder or glob whose only matches are in folders that could not be listed is not "unmatched".
    const deniedBefore = denied.size;
    if (stat?.isDirectory()) {
      if ((await walk(abs, realpathOr(abs), repositoryRoot(realpathOr(abs)))) === 0 && denied.size === deniedBefore)
        unmatched.push(arg);
      continue;
    }
    const { globby, isDynamicPattern } = await globbyLib();
    if (!isDynamicPattern(arg)) {
      unmatched.push(arg);
      continue;
    }
    // A glob matches the paths that are there: it does not follow symbolic links. What it matches
    // that is not a regular file (a FIFO, a socket, a device) is named, as a walk names it.
    const matches = await globby([toPosix(arg)], {
      cwd,
      fs: fsWithDenied,
      ignore,
      gitignore: options.gitignore ?? true,
      dot: false,
      absolute: false,
      followSymbolicLinks: false,
      expandDirectories: false,
      onlyFiles: false,
      objectMode: true,
    });
    let found = 0;
    for (const m of matches) {
      const { dirent } = m;
      if (dirent.isDirectory() || dirent.isSymbolicLink()) continue;
      const file = path.normalize(resolved(m.path));
      if (dirent.isFile()) add(file, true);
      else addSpecial(file, realpathOr(file), specialMessage(lstatOrUndefined(file)));
      found++;
    }
    if (found === 0 && denied.size === deniedBefore) unmatched.push(arg);
  }

  /**
   * Whether .gitignore files can leave out anything in a folder: globby reads those below the
   * working directory and those above it up to its git work tree, and applies them to paths inside
   * that work tree (else inside the working directory) only. A folder apart from that tree (such
   * as rendered manifests in a temporary folder) is walked without searching the tree for them.
   */
  function gitignoreReaches(dirAbs: string): boolean {
    gitignoreBase ??= gitWorkTree(path.resolve(cwd)) ?? path.resolve(cwd);
    const dir = path.resolve(dirAbs);
    return isInside(dir, gitignoreBase) || isInside(gitignoreBase, dir);
  }

  /** The entries of a walk below `base` (its path from `cwd`, as a glob), listed by globby. */
  async function globbyWalk(base: string, gitignore: boolean) {
    const { globby } = await globbyLib();
    // `*` and `**` do not match a name that begins with a line terminator (CR, LF, U+2028, U+2029):
    // the other patterns find such files, and the files in such folders (one such folder deep).
    const L = LINE_TERMINATOR_FIRST;
    return globby([`${base}**/*`, `${base}**/${L}`, `${base}**/${L}/**/*`, `${base}**/${L}/**/${L}`], {
      cwd,
      fs: fsWithDenied,
      ignore,
      gitignore,
      dot: false,
      absolute: false,
      followSymbolicLinks: false,
      expandDirectories: false,
      onlyFiles: false,
      objectMode: true,
    });
  }

  /**
   * Walk a folder for manifests. Symbolic links found on the way are followed when what they point
   * to stays inside `boundary` (the git work tree of the folder given, else that folder): a link to
   * a file is read like the file, a link to a folder is walked, once per real folder (a link back
   * to a folder being walked is a loop and is not walked again).
   */
  async function walk(dirAbs: string, dirReal: string, boundary: string): Promise<number> {
    walked.push(dirReal);
    let found = 0;
    const rel = toPosix(path.relative(cwd, dirAbs));
    const base = rel === '' ? '' : `${escapeGlob(rel)}/`;
    const gitignore = (options.gitignore ?? true) && gitignoreReaches(dirAbs);
    // Without ignore patterns to apply, the tree is listed here (./walk.ts), .gitignore files
    // applied on the way; with some, or where the walk here is unsure to answer as globby does, by globby.
    let listed: Awaited<ReturnType<typeof listTree>>;
    if (options.ignore.length === 0 && walkableHere(rel)) {
      const rules = gitignore
        ? (await (gitignores ??= Gitignores.at(cwd, gitWorkTree(path.resolve(cwd)))))?.above(dirAbs)
        : undefined;
      if (!gitignore || rules) listed = await listTree(dirAbs, listFolder, recordDenied, rules);
    }
    const entries = listed ?? (await globbyWalk(base, gitignore));
    if (listed)
      kustomizationFiles.set(
        dirAbs,
        listed.filter((e) => e.name === 'Kustomization' && e.dirent.isFile()).map((e) => e.path),
      );
    const links: string[] = [];
    // The walk does not follow links: below the folder, every folder on a file's path is a real
    // one, so its real path is the folder's real path and the rest of its path (no realpath each).
    const abs = path.normalize(dirAbs);
    const prefix = abs.endsWith(path.sep) ? abs : abs + path.sep;
    const realPrefix = dirReal.endsWith(path.sep) ? dirReal : dirReal + path.sep;
    // (The rest of a normal path below the folder is normal: joined to the real path as it is.)
    const realOf = (file: string) => (file.startsWith(prefix) ? realPrefix + file.slice(prefix.length) : undefined);
    // The entries the walk here lists are absolute and normal already (the folder's path, then names).
    const fileOf = (p: string) => (listed ? p : path.normalize(resolved(p)));
    for (const e of entries) {
      if (e.dirent.isSymbolicLink()) links.push(resolved(e.path));
      else if (e.dirent.isFile() && MANIFEST_NAME.test(e.name)) {
        const file = fileOf(e.path);
        add(file, true, realOf(file));
        found++;
      } else if (!e.dirent.isDirectory() && MANIFEST_NAME.test(e.name)) {
        const file = fileOf(e.path);
        const real = realOf(file) ?? realpathOr(file);
        addSpecial(file, real, specialMessage(lstatOrUndefined(file)));
        found++;
      }
    }
    for (const link of links.sort()) {
      let target: ReturnType<typeof statSync>;
      let real: string;
      try {
        target = statSync(link);
        real = realpathSync(link);
      } catch {
        continue; // a broken link, or a link loop: nothing to read
      }
      if (!target.isDirectory() && !MANIFEST_NAME.test(path.basename(link))) continue;
      if (!isInside(real, boundary)) {
        skippedLinks.push({ path: link, target: real });
        continue;
      }
      if (!target.isFile() && !target.isDirectory()) {
        addSpecial(path.normalize(link), real, specialMessage(target));
        found++;
      } else if (target.isFile()) {
        add(link, true);
        found++;
      } else if (!walked.some((w) => isInside(real, w))) found += await walk(link, real, boundary);
    }
    return found;
  }

  if (explicit.length && explicit.every((name) => plainExplicit(name, options.ignore))) {
    for (const name of explicit) add(resolved(name), false);
  } else if (explicit.length) {
    const { globby } = await globbyLib();
    // Explicit files are checked against the ignore patterns in one pass; one filtered out by
    // an ignore pattern is skipped silently, as ESLint does.
    const matches = await globby(explicit, {
      cwd,
      ignore,
      gitignore: false,
      dot: true,
      absolute: false,
      expandDirectories: false,
    });
    for (const m of matches) add(resolved(m), false);
  }

  /** A special file met, under its own path rather than a link's when both are met. */
  function addSpecial(absPath: string, real: string, message: string) {
    const prev = special.get(real);
    if (!prev || (absPath === real && prev.absPath !== real)) special.set(real, { absPath, message });
  }

  /**
   * A file found; a file found again under another path (a symbolic link) is read once. `knownReal`:
   * its real path, when the caller knows it.
   */
  function add(absPath: string, expanded: boolean, knownReal?: string) {
    // (Every path given is resolved, hence normal.)
    const key = absPath;
    const real = knownReal ?? realpathOr(key);
    const prev = seen.get(real);
    if (!prev) seen.set(real, { absPath: key, expanded });
    else {
      if (!expanded) prev.expanded = false;
      // The path of the file itself wins over a path through a link, then the first by name.
      const better = (a: string) => (a === real ? 0 : 1);
      if (better(key) < better(prev.absPath) || (better(key) === better(prev.absPath) && key < prev.absPath))
        prev.absPath = key;
    }
  }

  // A Helm chart's templates are Go templates, not YAML: when a directory walk reaches a chart
  // (a folder with Chart.yaml), its files are left out unless named explicitly.
  const charts = [...seen.values()]
    .filter((f) => f.expanded && f.absPath.endsWith('Chart.yaml') && path.basename(f.absPath) === 'Chart.yaml')
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
  // A folder that could not be listed is one entry; its place in a Helm chart left out leaves it out too.
  const deniedFolders = [...denied]
    .filter(([absPath]) => !charts.some((c) => (absPath + path.sep).startsWith(c)))
    .map(([absPath, message]) => ({ absPath, message }))
    .sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
  const specialFiles = [...special.values()]
    .filter(({ absPath }) => !charts.some((c) => absPath.startsWith(c)))
    .sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
  return {
    files,
    stdin,
    unmatched,
    skippedCharts: [...skippedCharts].sort(),
    unreadable,
    skippedLinks: skippedLinks.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    deniedFolders,
    specialFiles,
    kustomizationFiles,
  };
}

/** Why a walk does not read a file that is not a regular file. */
function specialMessage(s: Parameters<typeof specialKind>[0]): string {
  return `not a regular file (${specialKind(s)})`;
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Is `p` the folder `dir` or inside it? */
function isInside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/**
 * The git work tree globby finds for `dir`: the nearest folder, from `dir` up, whose `.git` is a
 * folder or a file (undefined when none is).
 */
function gitWorkTree(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      const s = statSync(path.join(d, '.git'));
      if (s.isDirectory() || s.isFile()) return d;
    } catch {
      // no .git here
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/** The top of the git work tree containing `dir` (a folder with `.git`), else `dir` itself. */
export function repositoryRoot(dir: string): string {
  let d = path.resolve(dir);
  while (true) {
    if (existsSync(path.join(d, '.git'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return path.resolve(dir);
    d = parent;
  }
}

function lstatOrUndefined(p: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** `path.resolve(cwd)`, for the working directory of the last call. */
let lastCwd: { cwd: string; resolved: string } | undefined;
function resolvedCwd(cwd: string): string {
  if (!path.isAbsolute(cwd)) return path.resolve(cwd);
  if (lastCwd?.cwd !== cwd) lastCwd = { cwd, resolved: path.resolve(cwd) };
  return lastCwd.resolved;
}

function escapeGlob(p: string): string {
  return p.replace(/[*?[\]{}()!@+]/g, '\\$&');
}

export function displayPath(absPath: string, cwd: string): string {
  // Every file read is named: on POSIX, a normalized absolute path inside (or outside) the working
  // directory is named without `path.relative`, with the same answer.
  if (
    path.sep === '/' &&
    absPath.startsWith('/') &&
    !absPath.includes('/.') &&
    !absPath.includes('//') &&
    !absPath.endsWith('/')
  ) {
    const base = resolvedCwd(cwd);
    const prefix = base === '/' ? '/' : `${base}/`;
    if (absPath.startsWith(prefix)) {
      const rel = absPath.slice(prefix.length);
      return rel.startsWith('..') ? absPath : rel;
    }
    if (absPath !== base && !base.startsWith(`${absPath}/`)) return absPath;
  }
  const rel = path.relative(cwd, absPath);
  return toPosix(rel.startsWith('..') || path.isAbsolute(rel) ? absPath : rel);
}
