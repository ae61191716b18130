/**
 * A workspace folder's files, (re)read: listed (src/lsp/listing.ts), then the files not held yet
 * read in steps (src/lsp/disk.ts), as the CLI's input road reads them: the walk's files, then the
 * Kustomize roots' resources outside the walk (each batch within the input limits). A root's
 * resources are read as named (the walk's filter does not apply to them).
 */
import type { ReadError } from '../load/load.js';
import { readDisk, setWalked, stepper } from './disk.js';
import type { DiskFile } from './disk.js';
import { plannedGroups } from './lint.js';
import type { LintGroup } from './lint.js';
import type { Listing } from './listing.js';
import { normPath } from './paths.js';

/** Reading yields to the event loop when a step took this long (ms). */
const READ_STEP_MS = 10;

export interface FolderRead {
  /** The slice's files (ids), in the CLI's order; resources outside the walk last. */
  files: string[];
  groups: LintGroup[] | undefined;
  /** The files read now (those `disk` held already are not read again). */
  read: Map<string, DiskFile>;
}

/**
 * Read the files of a listed folder that `disk` does not hold (updating whether the walk's filter
 * applies to those it holds); what cannot be read or is left out is logged.
 */
export async function readFolder(
  root: string,
  input: Listing,
  disk: ReadonlyMap<string, DiskFile>,
  configRoots: boolean,
  log: (message: string) => void,
): Promise<FolderRead> {
  const files = input.files.map((f) => normPath(f.absPath));
  const read = new Map<string, DiskFile>();
  const walked = new Set(files);
  const groups = plannedGroups(input.kustomize, files, new Map(), log);
  // A root's resources: those outside the walk join the slice.
  const resources = new Set<string>();
  const outside: { absPath: string; walked: boolean }[] = [];
  for (const s of input.kustomize?.plain === false ? input.kustomize.slices : []) {
    if (s.root === undefined) continue;
    for (const p of s.paths ?? []) {
      const id = normPath(p);
      if (resources.has(id)) continue;
      resources.add(id);
      if (!walked.has(id)) outside.push({ absPath: p, walked: false });
    }
  }
  const walkedOf = (f: { absPath: string; expanded: boolean }) => f.expanded && !resources.has(normPath(f.absPath));
  for (const f of input.files) {
    const known = disk.get(normPath(f.absPath));
    if (known) setWalked(known, walkedOf(f));
  }
  // A folder that may not be read (or a file, below) is left out of the slice (named in the
  // log); the editor cannot open it anyway, and the rest of the folder is served.
  for (const d of input.denied) log(`${d.path}: ${d.message}`);
  const pause = stepper(READ_STEP_MS);
  const batches = [input.files.map((f) => ({ absPath: f.absPath, walked: walkedOf(f) })), outside];
  const errors: ReadError[] = [];
  for (const [k, batch] of batches.entries()) {
    const r = await readDisk(
      batch.filter((f) => !disk.has(normPath(f.absPath))),
      root,
      pause,
    );
    for (const [id, d] of r.read) {
      const denied = k === 0 && d.file?.problems.find((p) => p.code === 'UNREADABLE');
      if (denied) log(`${d.name}: ${denied.message}`);
      else read.set(id, d);
    }
    errors.push(...r.errors);
  }
  for (const f of outside) files.push(normPath(f.absPath));
  if (input.skippedCharts.length)
    log(`skipping Helm chart folders (render them to lint): ${input.skippedCharts.join(', ')}`);
  if (configRoots && input.unmatched.length) log(`${root}: config roots match no files: ${input.unmatched.join(', ')}`);
  for (const note of input.notes) log(note);
  for (const e of [...input.errors, ...errors]) log(`cannot read ${e.path}: ${e.message}`);
  return { files, groups, read };
}
