/** Findings to LSP diagnostics: 0-based UTF-16 positions, rule code and doc link, related locations. */
import type { Diagnostic, DiagnosticRelatedInformation, Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, RuleMeta, Severity } from '../engine/types.js';
import type { SourceFile } from '../load/source.js';

export const SOURCE = 'kube-netlint';

/** What a diagnostic carries for code actions (`Diagnostic.data`). */
export interface DiagnosticData {
  /** The finding's fingerprint: the server finds the finding again with it. */
  fingerprint: string;
  ruleId: string;
  /** The finding's fixes as edits of the text the diagnostic was computed for. */
  fixes: { title: string; uri: string; range: Range; newText: string }[];
}

const SEVERITY: Record<Severity, 1 | 2 | 3> = { error: 1, warning: 2, info: 3 };

const documents = new WeakMap<SourceFile, TextDocument>();

/** A TextDocument over the exact text a SourceFile was parsed from (its offsets are ours). */
function textDocument(file: SourceFile): TextDocument {
  let doc = documents.get(file);
  if (!doc) {
    doc = TextDocument.create('file:///', 'yaml', 0, file.text);
    documents.set(file, doc);
  }
  return doc;
}

/** A [start, end) offset range of a file's text as an LSP range (0-based line, UTF-16 character). */
export function toRange(file: SourceFile, range: readonly [number, number]): Range {
  const doc = textDocument(file);
  const len = file.text.length;
  const start = Math.max(0, Math.min(range[0], len));
  const end = Math.max(start, Math.min(range[1], len));
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

export interface ConvertContext {
  /** URI of a file of the slice. */
  uriOf(file: SourceFile): string;
  rules: ReadonlyMap<string, RuleMeta>;
}

export function toDiagnostic(f: Finding, ctx: ConvertContext): Diagnostic {
  const meta = ctx.rules.get(f.ruleId);
  const related: DiagnosticRelatedInformation[] = f.related.map((r) => ({
    location: { uri: ctx.uriOf(r.file), range: toRange(r.file, r.range) },
    message: r.message,
  }));
  const data: DiagnosticData = {
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    fixes: f.suggestions.map((s) => ({
      title: s.title,
      uri: ctx.uriOf(s.file),
      range: toRange(s.file, s.range),
      newText: s.replacement,
    })),
  };
  const d: Diagnostic = {
    range: toRange(f.file, f.range),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    source: SOURCE,
    message: f.message,
    data,
  };
  if (meta) d.codeDescription = { href: meta.docs };
  if (related.length) d.relatedInformation = related;
  return d;
}
