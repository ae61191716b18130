/**
 * The `.gitignore` files a directory walk (./walk.ts) applies, as globby applies them with its
 * `gitignore` option (src/load/discover.ts walks through globby otherwise), without searching the
 * whole working directory for them first: only those of the folders on the way from the top of
 * the git work tree down to each folder walked are read, as no other one can leave out a file there.
 *
 * What globby does (ignore.js and utilities.js of the version in package.json), and so what this does:
 * - It reads the `.gitignore` of each folder from the top of the working directory's git work tree
 *   (the nearest folder above it with a `.git`) down to the working directory (without a work
 *   tree: the working directory's only), and those it finds below the working directory, without
 *   following links and without entering `node_modules`, `flow-typed`, `coverage` and `.git`. A
 *   folder elsewhere (outside the working directory, not above it) has its `.gitignore` left unread.
 * - A file's lines lose a byte order mark and trailing white space (unless escaped); empty lines
 *   and `#` comments are dropped. Each pattern is rebased on the top of the work tree (else the
 *   working directory): `dir/**∕p` when it has no slash but a trailing one, `dir/p` otherwise.
 * - All patterns go, in that order, into one `ignore` matcher (the same package), which tests a
 *   path relative to that top, with its parent folders first: a path below an ignored folder is
 *   ignored (no negation re-includes it, as in git). A path outside the top, and the working
 *   directory itself, are never ignored.
 * - An entry is left out when its path is ignored. (globby would test a folder's path with a
 *   trailing slash too, but it asks the `fs` it is given, which has no `stat`, whether an entry is
 *   a folder: never.) A folder whose path with a trailing slash is ignored is not walked: nothing
 *   below it can be kept.
 * Where this is unsure to answer as globby does (a link or something else named `.gitignore`, a
 * file that cannot be read, a pattern of a walked folder that reaches out of it, a name with a
 * backslash), the walk is left to globby.
 */
import { lstatSync, readFileSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import type ignore from 'ignore';
import type { Ignore } from 'ignore';

type IgnoreFactory = typeof ignore;

/** Folders globby's search for `.gitignore` files does not enter. */
const UNSEARCHED = new Set(['node_modules', 'flow-typed', 'coverage', '.git']);

/**
 * Where a folder stands to globby's search for `.gitignore` files: `searched`, its own is read
 * (the working directory, or below it on a way the search takes); `above`, a folder above the
 * working directory (its own, if read, is one of the first ones); `none`, neither its own nor any
 * below it is read.
 */
type Reach = 'searched' | 'above' | 'none';

/** A reason to leave a walk to globby. */
const UNSURE = Symbol('unsure');

/** A line of a `.gitignore` as git reads it: no byte order mark, no trailing white space unless escaped. */
function normalizeLine(line: string): string {
  line = line.replace(/^\uFEFF/u, '');
  let end = line.length;
  while (end > 0 && /\s/u.test(line[end - 1])) end--;
  if (end === line.length) return line;
  let backslashes = 0;
  for (let i = end - 1; i >= 0 && line[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1 ? `${line.slice(0, end)} ` : line.slice(0, end);
}

/** The patterns of a `.gitignore` in the folder at `base` (from the top, with `/`), rebased on the top. */
function rebased(content: string, base: string): string[] {
  return content
    .split(/\r?\n/)
    .map(normalizeLine)
    .filter((line) => line && !line.startsWith('#'))
    .map((pattern) => {
      if (!base) return pattern;
      const negative = pattern.startsWith('!');
      const clean = negative ? pattern.slice(1) : pattern;
      const slash = clean.indexOf('/');
      const inner = slash !== -1 && slash !== clean.length - 1;
      const result = !inner
        ? path.posix.join(base, '**', clean)
        : path.posix.join(base, clean.startsWith('/') ? clean.slice(1) : clean);
      return negative ? `!${result}` : result;
    });
}

/** Is `p` strictly inside `dir` (both resolved)? */
const below = (p: string, dir: string) =>
  p.length > dir.length && p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/** The `.gitignore` files of one working directory, as globby applies them to a walk from there. */
export class Gitignores {
  private constructor(
    private readonly lib: IgnoreFactory,
    /** The working directory, resolved. */
    private readonly cwd: string,
    /** The top paths are tested from: the git work tree, else the working directory. */
    private readonly top: string,
    /** The patterns of the `.gitignore` files from the top down to the working directory. */
    private readonly first: string[],
  ) {}

  /**
   * The `.gitignore` files that apply from `cwd`, whose git work tree is `workTree` (undefined:
   * none); undefined when a walk is to be left to globby.
   */
  static async at(cwd: string, workTree: string | undefined): Promise<Gitignores | undefined> {
    const dir = path.resolve(cwd);
    const top = workTree === undefined ? dir : path.resolve(workTree);
    const chain: string[] = [];
    for (let d = dir; ; d = path.dirname(d)) {
      chain.unshift(d);
      if (d === top || path.dirname(d) === d) break;
    }
    // globby finds those above the working directory with its ignore globs, which may read such
    // names otherwise; it turns a backslash into a slash before testing a path.
    if (chain.some((d) => UNSEARCHED.has(path.basename(d)) || d.slice(top.length).includes('\\'))) return undefined;
    const first: string[] = [];
    for (const d of chain) {
      const patterns = readPatterns(d, top);
      if (patterns === UNSURE) return undefined;
      first.push(...patterns);
    }
    const lib = (await import('ignore')).default;
    return new Gitignores(lib, dir, top, first);
  }

  /**
   * The rules in force above the folder `dir` (absolute) for a walk of it, for `listTree`
   * (./walk.ts); undefined when the walk is to be left to globby.
   */
  above(dir: string): FolderRules | undefined {
    const root = path.resolve(dir);
    let reach: Reach;
    const patterns = [...this.first];
    if (root === this.cwd) reach = 'searched';
    else if (below(this.cwd, root)) reach = 'above';
    else if (!below(root, this.cwd)) reach = 'none';
    else {
      // The folders from the working directory down to the walked one: the search reads those it reaches.
      reach = 'searched';
      const steps = path.relative(this.cwd, root).split(path.sep);
      let d = this.cwd;
      for (const [i, step] of steps.entries()) {
        d = path.join(d, step);
        let link: boolean;
        try {
          link = lstatSync(d).isSymbolicLink();
        } catch {
          return undefined;
        }
        if (link || UNSEARCHED.has(step)) {
          reach = 'none';
          break;
        }
        if (i === steps.length - 1) break; // the walked folder's own is read with its listing
        const more = readPatterns(d, this.top);
        if (more === UNSURE || more.some((p) => escapes(p, d, this.top))) return undefined;
        patterns.push(...more);
      }
    }
    return new FolderRules(this, patterns, this.matcher(patterns), 'above', reach);
  }

  matcher(patterns: string[]): Ignore | undefined {
    return patterns.length ? this.lib().add(patterns) : undefined;
  }

  /** Where a subfolder `dir` of a folder that stands at `parent` stands. */
  reachOf(parent: Reach, dir: string): Reach {
    if (parent === 'searched') return UNSEARCHED.has(path.basename(dir)) ? 'none' : 'searched';
    if (parent === 'above') return dir === this.cwd ? 'searched' : below(this.cwd, dir) ? 'above' : 'none';
    return 'none';
  }

  /** Whether the `.gitignore` of the folder `dir` is read with its listing (not one of the first ones). */
  readsOwn(reach: Reach, dir: string): boolean {
    return reach === 'searched' && dir !== this.cwd;
  }

  /** The patterns of the `.gitignore` in `dir`, listed as `dirents`; UNSURE: leave the walk to globby. */
  ownPatterns(dir: string, dirents: Dirent[]): string[] | typeof UNSURE {
    const entry = dirents.find((d) => d.name === '.gitignore');
    if (!entry) return [];
    if (!entry.isFile()) return UNSURE;
    const patterns = readPatterns(dir, this.top);
    return patterns !== UNSURE && patterns.some((p) => escapes(p, dir, this.top)) ? UNSURE : patterns;
  }

  /** Whether `matcher` ignores the path `abs`, as a folder (a trailing slash) or not, as globby tests it. */
  ignored(matcher: Ignore, abs: string, folder: boolean): boolean {
    if (abs === this.cwd) return false;
    const rel = path.relative(this.top, abs);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return false;
    return matcher.test(rel.split(path.sep).join('/') + (folder ? '/' : '')).ignored;
  }
}

/**
 * The `.gitignore` rules in force in one folder of a walk, and how to get those of its subfolders
 * (see `FolderIgnore` in ./walk.ts).
 */
export class FolderRules {
  constructor(
    private readonly scope: Gitignores,
    private readonly patterns: string[],
    private readonly matcher: Ignore | undefined,
    private readonly reach: Reach,
    /** For the rules above a walked folder: where that folder stands. */
    private readonly rootReach?: Reach,
  ) {}

  /** The rules in force in the subfolder `dir`, listed as `dirents`; undefined: leave the walk to globby. */
  enter(dir: string, dirents: Dirent[]): FolderRules | undefined {
    const reach = this.rootReach ?? this.scope.reachOf(this.reach, dir);
    let { patterns, matcher } = this;
    if (this.scope.readsOwn(reach, dir)) {
      const own = this.scope.ownPatterns(dir, dirents);
      if (own === UNSURE) return undefined;
      if (own.length) {
        patterns = [...patterns, ...own];
        matcher = this.scope.matcher(patterns);
      }
    }
    // globby turns a backslash of a name into a slash before testing it: such a name is left to it.
    if (matcher && dirents.some((d) => d.name.includes('\\'))) return undefined;
    return new FolderRules(this.scope, patterns, matcher, reach);
  }

  /** Whether the walk leaves out an entry of this folder (a subfolder: does not walk it). */
  skips(entry: string, dirent: Dirent): boolean {
    return this.matcher !== undefined && this.scope.ignored(this.matcher, entry, dirent.isDirectory());
  }
}

/**
 * The patterns of the `.gitignore` in `dir` rebased on `top`: none when there is no such file,
 * UNSURE when it is not a regular file or cannot be read (globby would fail, or read it otherwise).
 */
function readPatterns(dir: string, top: string): string[] | typeof UNSURE {
  const file = path.join(dir, '.gitignore');
  let content: string;
  try {
    if (!lstatSync(file).isFile()) return UNSURE;
    content = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? [] : UNSURE;
  }
  return rebased(content, path.relative(top, dir).split(path.sep).join('/'));
}

/**
 * Whether a pattern of the `.gitignore` in `dir` reaches out of that folder once rebased (as
 * `..` can): globby would apply it to folders whose `.gitignore` files the walk does not read.
 */
function escapes(pattern: string, dir: string, top: string): boolean {
  const base = path.relative(top, dir).split(path.sep).join('/');
  const p = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  return base !== '' && !p.startsWith(`${base}/`);
}
