/**
 * `--fix` and `--fix-dry-run` (src/engine/fix.ts has the edits): lint, apply the fixes of the
 * reported findings to the texts in memory, lint again, up to MAX_FIX_PASSES passes; then write
 * the changed files (`--fix`) or print their unified diff (`--fix-dry-run`).
 *
 * Only files on disk are fixed: never standard input (even with `--stdin-filename`), never the
 * output of a Kustomize build. A file is written only when its bytes on disk are still the ones
 * that were read (SHA-256 of the content compared just before writing), and only UTF-8 files (a
 * byte-order mark is kept); line ends and everything the edits do not touch are kept as they are.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { MAX_FIX_PASSES, applyEdits, collectFixes } from '../engine/fix.js';
import type { Finding } from '../engine/types.js';
import { terminalSafe } from '../format/escape.js';
import { unifiedDiff } from '../format/unified-diff.js';
import { loadFast } from '../load/fast.js';
import type { SourceFile } from '../load/source.js';

const BOM = '\ufeff';
// node:crypto on first use: a run that fixes nothing (every lint run imports this module) does not load it.
const sha256 = (b: Buffer) => process.getBuiltinModule('node:crypto').createHash('sha256').update(b).digest('hex');

export interface FixOutcome<S> {
  slices: S[];
  /** Each file read (in its first version) and its text after the last pass, for files that changed. */
  changed: { original: SourceFile; fixed: SourceFile }[];
  /** The version of a file after the passes (the file itself when unchanged). */
  latest(file: SourceFile): SourceFile;
  /** Edits applied in all, and passes that applied any. */
  edits: number;
  passes: number;
  /** One line each for stderr: files left as they are, and why. */
  notes: string[];
}

/**
 * Apply the fixes of `select(result)` pass by pass. `lintAll` lints slices whose files may have
 * been replaced by fixed versions; `stdin` is standard input's file, if any (never fixed).
 */
export function runFixes<S extends { files: SourceFile[] }, R>(
  slices: S[],
  first: R,
  lintAll: (slices: S[]) => R,
  select: (result: R) => Finding[],
  stdin: SourceFile | undefined,
): { outcome: FixOutcome<S>; result: R } {
  const originalOf = new Map<SourceFile, SourceFile>();
  const latestOf = new Map<SourceFile, SourceFile>();
  const disk = new Map<SourceFile, string | null>();
  const notes: string[] = [];
  let stdinNoted = false;
  const canFix = (file: SourceFile): boolean => {
    const original = originalOf.get(file) ?? file;
    if (original === stdin || original.absPath === undefined) {
      if (original === stdin && !stdinNoted) {
        stdinNoted = true;
        notes.push('fixes are not applied to standard input');
      }
      return false;
    }
    let state = disk.get(original);
    if (state === undefined) {
      state = whyNot(original);
      disk.set(original, state);
      if (state !== null) notes.push(`not fixing ${terminalSafe(original.path)}: ${state}`);
    }
    return state === null;
  };

  let result = first;
  let edits = 0;
  let passes = 0;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const fixes = collectFixes(select(result), canFix);
    if (fixes.length === 0) break;
    const swap = new Map<SourceFile, SourceFile>();
    for (const fix of fixes) {
      const original = originalOf.get(fix.file) ?? fix.file;
      const next = loadFast(fix.file.path, applyEdits(fix.file.text, fix.edits), fix.file.absPath);
      originalOf.set(next, original);
      latestOf.set(original, next);
      swap.set(fix.file, next);
      edits += fix.edits.length;
    }
    slices = slices.map((s) => ({ ...s, files: s.files.map((f) => swap.get(f) ?? f) }));
    result = lintAll(slices);
    passes++;
  }
  const changed = [...latestOf]
    .filter(([o, f]) => o.text !== f.text)
    .map(([original, fixed]) => ({ original, fixed }))
    .sort((a, b) => (a.original.path < b.original.path ? -1 : a.original.path > b.original.path ? 1 : 0));
  return { outcome: { slices, changed, latest: (f) => latestOf.get(f) ?? f, edits, passes, notes }, result };
}

/** Why the file cannot be fixed (null: it can): its bytes on disk must be the UTF-8 of the text read. */
function whyNot(file: SourceFile): string | null {
  let raw: Buffer;
  try {
    raw = readFileSync(file.absPath as string);
  } catch (e) {
    return `cannot read it again (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const bom = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
  const expected = Buffer.from((bom ? BOM : '') + file.text, 'utf8');
  // The text read is not these bytes: another encoding (UTF-16, invalid UTF-8), or a change since.
  return expected.equals(raw) ? null : 'it changed since it was read, or it is not UTF-8 (only UTF-8 files are fixed)';
}

/**
 * Write the fixed files. A file whose bytes changed since they were read is not written: one
 * line each comes back (the run then exits 2).
 */
export function writeFixes(changed: FixOutcome<unknown>['changed']): string[] {
  const refused: string[] = [];
  for (const { original, fixed } of changed) {
    const abs = original.absPath as string;
    let raw: Buffer;
    try {
      raw = readFileSync(abs);
    } catch (e) {
      refused.push(
        `not fixing ${terminalSafe(original.path)}: cannot read it again (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
      continue;
    }
    const bom = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
    const read = sha256(Buffer.from((bom ? BOM : '') + original.text, 'utf8'));
    if (sha256(raw) !== read) {
      refused.push(`not fixing ${terminalSafe(original.path)}: it changed since it was read; run again`);
      continue;
    }
    try {
      writeFileSync(abs, (bom ? BOM : '') + fixed.text);
    } catch (e) {
      refused.push(
        `cannot write ${terminalSafe(original.path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  return refused;
}

/** `--fix-dry-run`: the unified diff of every file the fixes change, in input order. */
export function fixDiff(changed: FixOutcome<unknown>['changed']): string {
  return changed
    .map(({ original, fixed }) => unifiedDiff(original.path, original.path, original.text, fixed.text))
    .join('');
}
