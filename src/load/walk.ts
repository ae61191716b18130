/**
 * A folder's tree as a directory walk (src/load/discover.ts) lists it, without globby: a walk
 * with no ignore pattern but the built-in ones costs one `readdir` per folder, and globby (its
 * loading is most of the cost of a walk through it) is loaded only by the walks that need it.
 * The `.gitignore` files that apply are read on the way (./gitignore.ts), those of the folders
 * walked and of the folders above them only, and a folder they leave out is not walked.
 *
 * It answers what globby answers for the walk's patterns (`**` and the names that begin with a
 * line terminator, `dot: false`, `**∕node_modules∕**` and `**∕.git∕**` ignored, links not followed,
 * `gitignore` as the walk asks): every entry that is not a folder, below folders whose names begin
 * with neither a dot nor a line terminator, leaving out names that begin with a dot, every
 * `node_modules` and what the `.gitignore` files leave out. A name it is not sure to read as globby
 * does (one holding a line terminator) gives up the whole walk (undefined): the caller asks
 * globby. Tests compare both (test/load/walk.test.ts).
 */
import { readdirSync } from 'node:fs';
import type { readdir } from 'node:fs';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { isPermissionError } from './read.js';

/** An entry of the tree, shaped as globby's `objectMode` entries: `path` is absolute here. */
export interface TreeEntry {
  path: string;
  name: string;
  dirent: Dirent;
}

/** Lists one folder (`fs.readdir` with file types, or a stand-in); may throw or reject. */
export type ListFolder = (dir: string) => Dirent[] | Promise<Dirent[]>;

export const listFolderSync: ListFolder = (dir) => readdirSync(dir, { withFileTypes: true });

/** A folder lister from a callback `fs.readdir` (tests give one that fails). */
export function listFolderWith(list: typeof readdir): ListFolder {
  return (dir) =>
    new Promise((resolve, reject) =>
      list(dir, { withFileTypes: true }, (err, entries) => (err ? reject(err) : resolve(entries))),
    );
}

/** A name globby might read otherwise: one holding a line terminator. */
const UNSURE_NAME = /[\r\n\u2028\u2029]/;
/** A path segment the built-in ignore patterns name. */
const IGNORED_SEGMENT = /(?:^|[/\\])(?:node_modules|\.git)(?:[/\\]|$)/;

/**
 * Whether a walk of the folder at `rel` (its path relative to the working directory, with `/`) can
 * be listed here: no segment of it is one the ignore patterns name, and it holds no line terminator
 * and no backslash (which the walk's glob would read as an escape).
 */
export function walkableHere(rel: string): boolean {
  return !IGNORED_SEGMENT.test(rel) && !UNSURE_NAME.test(rel) && !rel.includes('\\');
}

/** Ignore rules in force in a folder of a walk (./gitignore.ts). */
export interface FolderIgnore {
  /**
   * The rules in force in its subfolder `dir` (for the rules above the walked folder: in that
   * folder), listed as `dirents`; undefined: leave the walk to globby.
   */
  enter(dir: string, dirents: Dirent[]): FolderIgnore | undefined;
  /** Whether an entry of the folder is left out (a subfolder: not walked). */
  skips(entry: string, dirent: Dirent): boolean;
}

/**
 * Every entry below `root` (absolute) that is not a folder, as globby would give it; undefined
 * when a name is one to leave to globby. A folder that may not be listed is passed to `denied`
 * and counts as empty; one that vanished counts as empty (as in globby); any other error is thrown.
 * `ignore`: the rules in force above `root`, when .gitignore files apply.
 */
export async function listTree(
  root: string,
  list: ListFolder,
  denied: (dir: string, err: NodeJS.ErrnoException) => void,
  ignore?: FolderIgnore,
): Promise<TreeEntry[] | undefined> {
  const out: TreeEntry[] = [];
  const folders: [string, FolderIgnore | undefined][] = [[root, ignore]];
  while (folders.length > 0) {
    const [dir, above] = folders.pop() as [string, FolderIgnore | undefined];
    let dirents: Dirent[];
    try {
      dirents = await list(dir);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (isPermissionError(err)) denied(dir, err);
      else if (err?.code !== 'ENOENT') throw e;
      continue;
    }
    const rules = above?.enter(dir, dirents);
    if (above && !rules) return undefined;
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const d of dirents) {
      const name = d.name;
      if (name.charCodeAt(0) === 0x2e /* . */) continue;
      if (UNSURE_NAME.test(name)) return undefined;
      if (name === 'node_modules' || rules?.skips(prefix + name, d)) continue;
      if (d.isDirectory()) folders.push([prefix + name, rules]);
      else out.push({ path: prefix + name, name, dirent: d });
    }
  }
  return out;
}
