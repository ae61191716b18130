/** Moving the ranges of a parsed document: to the text it was read from, once read as another. */
import type { Document } from 'yaml';
import { lowerBound } from './text.js';
import { yamlLib } from './yaml-lib.js';

/** Offsets of the text with CRLF read as LF → offsets of the text itself. */
export function crlfMapper(text: string): (offset: number) => number {
  // The LF-text offsets of the line feeds whose CR was dropped.
  const dropped: number[] = [];
  for (let i = text.indexOf('\r\n'); i >= 0; i = text.indexOf('\r\n', i + 2)) dropped.push(i - dropped.length);
  return (o: number) => {
    // CRs dropped before offset o: an offset at a line feed stays before its CR.
    return o + lowerBound(dropped, o);
  };
}

/** Move every range of a parsed document (nodes, the document, its errors and warnings) with `map`. */
export function mapRanges(doc: Document.Parsed, map: (offset: number) => number): void {
  const { isMap, isPair, isSeq } = yamlLib();
  const seen = new Set<unknown>();
  const remap = (r: number[] | undefined | null) => {
    if (!r || seen.has(r)) return;
    seen.add(r);
    for (let i = 0; i < r.length; i++) if (typeof r[i] === 'number') r[i] = map(r[i]);
  };
  remap(doc.range);
  for (const e of [...doc.errors, ...doc.warnings]) remap(e.pos);
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    if (isPair(node)) {
      stack.push(node.key, node.value);
      continue;
    }
    remap((node as { range?: number[] }).range);
    if (isMap(node) || isSeq(node)) for (const item of node.items) stack.push(item);
  }
}
