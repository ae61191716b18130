/**
 * Parsed text of the language server's documents: what is parsed once per (text, display name),
 * the open buffers overlaid on the files on disk, and how a buffer's new text is parsed (only
 * the YAML documents an edit touched when that is safe, or a big text piece by piece between
 * turns of the event loop so that other requests are answered meanwhile).
 */
import { SourceFile, parseSource } from '../load/source.js';
import { parseInPieces, reparse, reparseInSteps } from './incremental.js';

export interface Parsed {
  text: string;
  /** Display path it was parsed under (relative to the project root). */
  name: string;
  file: SourceFile;
}

/** An open buffer: its text overrides the file on disk (or stands alone: unsaved, untitled). */
export interface Overlay {
  id: string;
  uri: string;
  languageId: string;
  version: number;
  text: string;
  parsed?: Parsed;
  /** Which text (src/lsp/offthread.ts): a new number with every change. */
  rev?: number;
}

/** Whether a document is read as JSON (by its name or the editor's language). */
export const isJson = (name: string, languageId: string): boolean =>
  /\.json$/i.test(name) || languageId === 'json' || languageId === 'jsonc';

/** Parse once per (text, display name). */
export function parseCached(
  prev: Parsed | undefined,
  text: string,
  name: string,
  absPath: string | undefined,
  json: boolean,
): Parsed {
  if (prev && prev.text === text && prev.name === name) return prev;
  return { text, name, file: parseSource(new SourceFile(name, text, absPath), { json }) };
}

/**
 * An open document's new text: only the YAML documents the edit touched are parsed again when
 * that is safe (see `reparse`), else the whole text. The previous parse is consumed.
 */
export function parseEdited(
  prev: Parsed | undefined,
  text: string,
  name: string,
  absPath: string | undefined,
  json: boolean,
): Parsed {
  if (prev && prev.text === text && prev.name === name) return prev;
  if (prev && prev.name === name && !json) {
    const file = reparse(prev.file, text);
    if (file) return { text, name, file };
  }
  return parseCached(undefined, text, name, absPath, json);
}

/**
 * `parseEdited` for a big text, between turns of the event loop: an edit's re-parse when it is
 * possible, else the text piece by piece (see `parseInPieces`). `pause` yields and says whether
 * to stop; undefined when stopped.
 */
export async function parseEditedInSteps(
  prev: Parsed | undefined,
  text: string,
  name: string,
  absPath: string | undefined,
  json: boolean,
  pause: () => Promise<boolean>,
): Promise<Parsed | undefined> {
  if (prev && prev.text === text && prev.name === name) return prev;
  if (prev && prev.name === name && !json) {
    const file = await reparseInSteps(prev.file, text, pause);
    if (file === null) return undefined;
    if (file) return { text, name, file };
    if (await pause()) return undefined;
  }
  if (!json) {
    const file = await parseInPieces(name, text, absPath, pause);
    if (file === null) return undefined;
    if (file) return { text, name, file };
  }
  return parseCached(undefined, text, name, absPath, json);
}
