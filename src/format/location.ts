import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, RelatedLocation } from '../engine/types.js';
import type { SourceFile } from '../load/source.js';
import type { ObjectRef } from '../model/resource.js';
import type { FormatContext } from './types.js';

export const STDIN_PATH = '<stdin>';

/** 1-based start and end of a range; the end is never before the start (`endColumn` is exclusive). */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function spanOf(l: { file: SourceFile; range: [number, number] }): Span {
  const text = l.file.text;
  const startOffset = l.range[0];
  // A range that ends just after a line break ends at the end of that line, not at column 1 of the next.
  let endOffset = Math.max(startOffset, l.range[1]);
  if (endOffset > startOffset && text[endOffset - 1] === '\n') endOffset--;
  if (endOffset > startOffset && text[endOffset - 1] === '\r') endOffset--;
  const start = l.file.position(startOffset);
  const end = l.file.position(endOffset);
  const line = Math.max(1, start.line);
  const column = Math.max(1, start.column);
  const endLine = Math.max(line, end.line);
  const endColumn = endLine === line ? Math.max(column, end.column) : Math.max(1, end.column);
  return { line, column, endLine, endColumn };
}

export const isStdin = (file: SourceFile): boolean => file.path === STDIN_PATH && file.absPath === undefined;

/**
 * Where a file is relative to the repository root (`ctx.root`, else `ctx.cwd`), with `/`
 * separators; undefined for stdin or a file outside the root.
 */
export function repoPath(file: SourceFile, ctx: FormatContext): string | undefined {
  if (isStdin(file)) return undefined;
  const abs = absolutePath(file, ctx);
  const rel = path.relative(ctx.root ?? ctx.cwd, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

export function absolutePath(file: SourceFile, ctx: FormatContext): string {
  return file.absPath ?? path.resolve(ctx.cwd, file.path);
}

/** A relative URI reference for a repository path: each segment percent-encoded. */
export function relativeUri(repoRelative: string): string {
  return repoRelative
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export function fileUri(file: SourceFile, ctx: FormatContext): string {
  return pathToFileURL(absolutePath(file, ctx)).href;
}

/** `Kind namespace/name` (or `Kind name` when cluster-scoped), as used in test names. */
export function objectLabel(o: ObjectRef): string {
  const name = o.name === '' ? '(unnamed)' : o.name;
  const kind = o.kind === '' ? '(no kind)' : o.kind;
  return o.namespace ? `${kind} ${o.namespace}/${name}` : `${kind} ${name}`;
}

export function objectKey(o: ObjectRef | null): string {
  return o ? `${o.apiVersion}\u0000${o.kind}\u0000${o.namespace ?? ''}\u0000${o.name}` : '';
}

/** `file:line:col` of a related location: the display path, or the repository path given a context. */
export function relatedPosition(r: RelatedLocation, ctx?: FormatContext): string {
  const s = spanOf(r);
  return `${(ctx && repoPath(r.file, ctx)) ?? r.file.path}:${s.line}:${s.column}`;
}

/** The finding's message with the Helm template it came from, as `stylish` shows it. */
export function messageWithTemplate(f: Finding): string {
  return f.template ? `${f.message} (${f.template})` : f.message;
}

/** Count findings per severity. */
export function countSeverities(findings: readonly Finding[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}
