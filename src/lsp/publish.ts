/**
 * Publishing a slice's findings as diagnostics, only for the documents whose findings changed.
 * A document's findings are compared by a signature (rule, severity, message, fingerprint, the
 * ranges and the identity of the parsed texts they point into, the URIs), so the findings of the
 * documents an edit did not change are not converted again; a document whose signature changed is
 * sent only if its diagnostics did.
 */
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding, RuleMeta } from '../engine/types.js';
import type { SourceFile } from '../load/source.js';
import { SOURCE, toDiagnostic } from './convert.js';

/** What the last publish of a document sent. */
export interface Published {
  uri: string;
  signature: string;
  /** The diagnostics sent, as JSON. */
  json: string;
}

/** A problem of the slice's config file, published on that file. */
export interface ConfigProblem {
  file: string;
  message: string;
}

/** A serial number per parsed text: the same number while the SourceFile is the same. */
const serials = new WeakMap<SourceFile, number>();
let nextSerial = 1;
function serialOf(file: SourceFile): number {
  let n = serials.get(file);
  if (n === undefined) serials.set(file, (n = nextSerial++));
  return n;
}

function signature(list: Finding[], uriOf: (file: SourceFile) => string, config: string | undefined): string {
  const parts: (string | number)[] = [config ?? ''];
  for (const f of list) {
    parts.push(f.ruleId, f.severity, f.message, f.fingerprint, serialOf(f.file), f.range[0], f.range[1]);
    for (const r of f.related) parts.push('r', uriOf(r.file), serialOf(r.file), r.range[0], r.range[1], r.message);
    for (const s of f.suggestions)
      parts.push('s', s.title, uriOf(s.file), serialOf(s.file), s.range[0], s.range[1], s.replacement);
  }
  return parts.join('\u0000');
}

export interface PublishContext {
  uriOf(id: string): string;
  /** URI of a file of the slice. */
  uriOfFile(file: SourceFile): string;
  rules: ReadonlyMap<string, RuleMeta>;
  /** Send diagnostics (of the document `id`). */
  send(uri: string, diagnostics: Diagnostic[], version: number | undefined, id: string): void;
  version(id: string): number | undefined;
  /** The document moved to another slice that already published it: do not clear it. */
  ownedElsewhere(id: string): boolean;
}

/**
 * Publish `findings` (per id) and the config problem, against what was `published` before
 * (updated in place).
 */
export function publishChanged(
  findings: Map<string, Finding[]>,
  configProblem: ConfigProblem | undefined,
  published: Map<string, Published>,
  ctx: PublishContext,
): void {
  const ids = new Set([...published.keys(), ...findings.keys()]);
  if (configProblem) ids.add(configProblem.file);
  for (const id of ids) {
    const list = findings.get(id) ?? [];
    const config = configProblem?.file === id ? configProblem.message : undefined;
    const uri = ctx.uriOf(id);
    const prev = published.get(id);
    const empty = list.length === 0 && config === undefined;
    const sig = empty ? '' : signature(list, ctx.uriOfFile, config);
    if (prev ? prev.signature === sig && prev.uri === uri : empty) continue;
    if (empty) {
      published.delete(id);
      if (ctx.ownedElsewhere(id)) continue;
      ctx.send(uri, [], ctx.version(id), id);
      continue;
    }
    const diagnostics = list.map((f) => toDiagnostic(f, { uriOf: ctx.uriOfFile, rules: ctx.rules }));
    if (config !== undefined) {
      diagnostics.push({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 1,
        code: 'config',
        source: SOURCE,
        message: `${config} (kube-netlint uses the default settings)`,
      });
    }
    const json = JSON.stringify(diagnostics);
    published.set(id, { uri, signature: sig, json });
    if (prev && prev.json === json && prev.uri === uri) continue;
    ctx.send(uri, diagnostics, ctx.version(id), id);
  }
}

/** The worker's publishes of a slice (src/lsp/offthread.ts): sent, and noted in `published`. */
export function publishFromWorker(
  list: { id: string; uri: string; json: string; version?: number }[],
  published: Map<string, Published>,
  ctx: Pick<PublishContext, 'send' | 'ownedElsewhere'>,
): void {
  for (const p of list) {
    if (p.json !== '[]') {
      // A signature that no computed one equals: a publish in this thread compares the JSON.
      published.set(p.id, { uri: p.uri, signature: 'worker', json: p.json });
      ctx.send(p.uri, JSON.parse(p.json) as Diagnostic[], p.version, p.id);
      continue;
    }
    published.delete(p.id);
    if (!ctx.ownedElsewhere(p.id)) ctx.send(p.uri, [], p.version, p.id);
  }
}

/** Findings per id of their file (findings in files of no id are left out). */
export function findingsById(findings: Finding[], fileIds: ReadonlyMap<SourceFile, string>): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const id = fileIds.get(f.file);
    if (id === undefined) continue;
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(f);
  }
  return out;
}
