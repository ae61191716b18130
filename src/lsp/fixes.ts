/**
 * Quick fixes for a document's diagnostics, from the findings of its last lint: the rules'
 * suggestions, plus a disable comment and an ignore annotation (src/lsp/actions.ts). Used where the
 * findings are: in the server's thread, or in the lint worker for a slice linted there.
 */
import type { CodeAction, Diagnostic, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { Finding } from '../engine/types.js';
import type { SourceFile } from '../load/source.js';
import { disableLineEdit, ignoreObjectEdit } from './actions.js';
import type { OffsetEdit } from './actions.js';
import { SOURCE, toRange } from './convert.js';
import type { DiagnosticData } from './convert.js';

const sameRange = (a: Range, b: Range) =>
  a.start.line === b.start.line &&
  a.start.character === b.start.character &&
  a.end.line === b.end.line &&
  a.end.character === b.end.character;

/** An edit of a file of the slice, for the client (`documentChanges` with the document's version, or `changes`). */
export function workspaceEdit(
  uri: string,
  version: number | null,
  file: SourceFile,
  e: OffsetEdit,
  documentChanges: boolean,
): WorkspaceEdit {
  const edits: TextEdit[] = [{ range: toRange(file, e.range), newText: e.newText }];
  if (documentChanges) return { documentChanges: [{ textDocument: { uri, version }, edits }] };
  return { changes: { [uri]: edits } };
}

/** The quick fixes of `diagnostics`, given the findings of their document (`current`). */
export function quickFixes(
  current: readonly Finding[],
  diagnostics: Diagnostic[],
  edit: (file: SourceFile, e: OffsetEdit) => WorkspaceEdit,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== SOURCE) continue;
    const data = d.data as DiagnosticData | undefined;
    // Clients that do not keep `data` get the finding by rule and range.
    const f = data?.fingerprint
      ? current.find((x) => x.fingerprint === data.fingerprint)
      : current.find((x) => x.ruleId === d.code && sameRange(toRange(x.file, x.range), d.range));
    if (!f) continue;
    f.suggestions.forEach((s, i) => {
      actions.push({
        title: s.title,
        kind: 'quickfix',
        diagnostics: [d],
        isPreferred: i === 0 && f.suggestions.length === 1,
        edit: edit(s.file, { range: s.range, newText: s.replacement }),
      });
    });
    const disable = disableLineEdit(f);
    if (disable) {
      actions.push({
        title: `Disable ${f.ruleId} for this line`,
        kind: 'quickfix',
        diagnostics: [d],
        edit: edit(f.file, disable),
      });
    }
    const ignore = ignoreObjectEdit(f);
    if (ignore) {
      actions.push({
        title: `Ignore ${f.ruleId} for this object`,
        kind: 'quickfix',
        diagnostics: [d],
        edit: edit(f.file, ignore),
      });
    }
  }
  return actions;
}
