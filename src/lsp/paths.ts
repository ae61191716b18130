/** URIs and file-system paths: one normalised id per document, so that a URI and a path meet. */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The key of a document: its normalised absolute path for `file:` URIs (Windows drive letters
 * lower-cased, as VS Code writes them), the URI itself for anything else (`untitled:`).
 */
export function idOfUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return normPath(fileURLToPath(uri));
  } catch {
    return uri;
  }
}

/** Whether an id (from `idOfUri`) names a file on disk rather than an unsaved buffer. */
export function isFileId(id: string): boolean {
  return path.isAbsolute(id);
}

export function normPath(p: string): string {
  const n = path.normalize(p);
  return process.platform === 'win32' && /^[A-Z]:/.test(n) ? n[0].toLowerCase() + n.slice(1) : n;
}

export function uriOfPath(p: string): string {
  return pathToFileURL(p).href;
}

/** Whether `file` is `dir` or lies below it. */
export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
