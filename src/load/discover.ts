import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { globby, isDynamicPattern } from 'globby';

export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'];

export interface DiscoverOptions {
  cwd: string;
  /** Extra ignore globs (config `ignorePatterns` and `--ignore-pattern`), relative to cwd. */
  ignore: string[];
  /** Respect .gitignore files (default true). */
  gitignore?: boolean;
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
}

const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**'];

const toPosix = (p: string) => p.split(path.sep).join('/');

/**
 * Turn CLI arguments (files, directories, globs, `-`) into a sorted, de-duplicated file list.
 */
export async function discover(args: string[], options: DiscoverOptions): Promise<DiscoverResult> {
  const { cwd } = options;
  const ignore = [...ALWAYS_IGNORED, ...options.ignore];
  const seen = new Map<string, DiscoveredFile>();
  const unmatched: string[] = [];
  let stdin = false;
  const explicit: string[] = [];

  for (const arg of args) {
    if (arg === '-') {
      stdin = true;
      continue;
    }
    const abs = path.resolve(cwd, arg);
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(abs);
    } catch {
      stat = undefined;
    }
    let patterns: string[];
    if (stat?.isFile()) {
      // An explicitly named file is linted whatever its extension, unless an ignore pattern says no.
      const rel = toPosix(path.relative(cwd, abs));
      explicit.push(rel.startsWith('../') || path.isAbsolute(rel) ? toPosix(abs) : escapeGlob(rel));
      continue;
    }
    if (stat?.isDirectory()) {
      const rel = toPosix(path.relative(cwd, abs));
      const base = rel === '' ? '' : `${escapeGlob(rel)}/`;
      patterns = [`${base}**/*.{${MANIFEST_EXTENSIONS.join(',')}}`];
    } else if (isDynamicPattern(arg)) {
      patterns = [toPosix(arg)];
    } else {
      unmatched.push(arg);
      continue;
    }
    const matches = await globby(patterns, {
      cwd,
      ignore,
      gitignore: options.gitignore ?? true,
      dot: false,
      absolute: true,
      followSymbolicLinks: false,
      expandDirectories: false,
      onlyFiles: true,
    });
    if (matches.length === 0) unmatched.push(arg);
    for (const m of matches) add(m, true);
  }

  if (explicit.length) {
    // Explicit files are checked against the ignore patterns in one pass; one filtered out by
    // an ignore pattern is skipped silently, as ESLint does.
    const matches = await globby(explicit, { cwd, ignore, gitignore: false, dot: true, absolute: true, expandDirectories: false });
    for (const m of matches) add(m, false);
  }

  function add(absPath: string, expanded: boolean) {
    const key = path.normalize(absPath);
    const prev = seen.get(key);
    if (!prev) seen.set(key, { absPath: key, expanded });
    else if (!expanded) prev.expanded = false;
  }

  // A Helm chart's templates are Go templates, not YAML: when a directory walk reaches a chart
  // (a folder with Chart.yaml), its files are left out unless named explicitly.
  const charts = [...seen.values()]
    .filter((f) => f.expanded && path.basename(f.absPath) === 'Chart.yaml')
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
  return { files, stdin, unmatched, skippedCharts: [...skippedCharts].sort() };
}

function escapeGlob(p: string): string {
  return p.replace(/[*?[\]{}()!@+]/g, '\\$&');
}

export async function readText(absPath: string): Promise<string> {
  const buf = await fs.readFile(absPath);
  return decode(buf);
}

/** Decode a manifest's bytes: UTF-8 (BOM stripped) or UTF-16 with a BOM. */
export function decode(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function displayPath(absPath: string, cwd: string): string {
  const rel = path.relative(cwd, absPath);
  return toPosix(rel.startsWith('..') || path.isAbsolute(rel) ? absPath : rel);
}
