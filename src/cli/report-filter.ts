import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../engine/types.js';
import type { SourceFile } from '../load/source.js';

/**
 * `--only-report`: which files' findings are reported. Entries are paths relative to the working
 * directory (comma-separated and/or repeated); a folder selects the files below it; `-` selects
 * standard input.
 */
export class ReportFilter {
  private readonly files = new Set<string>();
  private readonly dirs: string[] = [];
  private stdin = false;

  constructor(
    entries: readonly string[],
    private readonly cwd: string,
  ) {
    for (const raw of entries) {
      for (const part of raw.split(',')) {
        const p = part.trim();
        if (p === '') continue;
        if (p === '-') {
          this.stdin = true;
          continue;
        }
        const abs = path.resolve(cwd, p);
        const isDir = existsSync(abs) && statSync(abs, { throwIfNoEntry: false })?.isDirectory() === true;
        if (isDir) this.dirs.push(abs.endsWith(path.sep) ? abs : abs + path.sep);
        else this.files.add(abs);
      }
    }
  }

  includesFile(file: SourceFile): boolean {
    if (file.absPath === undefined) return this.stdin && file.path === '<stdin>';
    const abs = path.resolve(this.cwd, file.absPath);
    return this.files.has(abs) || this.dirs.some((d) => abs.startsWith(d));
  }

  /**
   * A finding is reported when its location or one of its related locations is in a selected
   * file: a change to a Deployment that breaks a Service in another file is reported with it.
   */
  includes(f: Finding): boolean {
    return this.includesFile(f.file) || f.related.some((r) => this.includesFile(r.file));
  }
}
