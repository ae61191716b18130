/**
 * The shape of what a client sends, checked before a handler reads it: a notification with
 * malformed params is ignored with one log line, a request is answered with a JSON-RPC
 * InvalidParams error, never a stack trace. Each check returns what is wrong, or undefined.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { Connection } from 'vscode-languageserver/node';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);

function position(v: unknown, where: string): string | undefined {
  if (!isObject(v) || !isInt(v.line) || !isInt(v.character)) return `${where} is not a position ({line, character})`;
  return undefined;
}

function range(v: unknown, where: string): string | undefined {
  if (!isObject(v)) return `${where} is not a range`;
  return position(v.start, `${where}.start`) ?? position(v.end, `${where}.end`);
}

function textDocument(p: unknown, fields: { version?: boolean; text?: boolean }): string | undefined {
  if (!isObject(p)) return 'params is not an object';
  const td = p.textDocument;
  if (!isObject(td)) return 'params.textDocument is not an object';
  if (typeof td.uri !== 'string' || td.uri === '') return 'params.textDocument.uri is not a string';
  if (fields.version && !isInt(td.version)) return 'params.textDocument.version is not an integer';
  if (fields.text && typeof td.text !== 'string') return 'params.textDocument.text is not a string';
  if (fields.text && td.languageId !== undefined && typeof td.languageId !== 'string')
    return 'params.textDocument.languageId is not a string';
  return undefined;
}

export const didOpen = (p: unknown) => textDocument(p, { version: true, text: true });
export const didClose = (p: unknown) => textDocument(p, {});
export const didSave = didClose;

export function didChange(p: unknown): string | undefined {
  const bad = textDocument(p, { version: true });
  if (bad) return bad;
  const changes = (p as Record<string, unknown>).contentChanges;
  if (!Array.isArray(changes)) return 'params.contentChanges is not a list';
  for (const [i, c] of changes.entries()) {
    if (!isObject(c) || typeof c.text !== 'string') return `params.contentChanges[${i}].text is not a string`;
    if (c.range !== undefined) {
      const r = range(c.range, `params.contentChanges[${i}].range`);
      if (r) return r;
    }
  }
  return undefined;
}

export function codeAction(p: unknown): string | undefined {
  const bad = textDocument(p, {});
  if (bad) return bad;
  const q = p as Record<string, unknown>;
  if (q.range !== undefined) {
    const r = range(q.range, 'params.range');
    if (r) return r;
  }
  if (!isObject(q.context)) return 'params.context is not an object';
  const { diagnostics, only } = q.context;
  if (!Array.isArray(diagnostics)) return 'params.context.diagnostics is not a list';
  for (const [i, d] of diagnostics.entries()) {
    if (!isObject(d)) return `params.context.diagnostics[${i}] is not an object`;
    const r = range(d.range, `params.context.diagnostics[${i}].range`);
    if (r) return r;
  }
  if (only !== undefined && !(Array.isArray(only) && only.every((k) => typeof k === 'string')))
    return 'params.context.only is not a list of strings';
  return undefined;
}

export function watchedFiles(p: unknown): string | undefined {
  if (!isObject(p) || !Array.isArray(p.changes)) return 'params.changes is not a list';
  for (const [i, c] of p.changes.entries()) {
    if (!isObject(c) || typeof c.uri !== 'string' || !isInt(c.type))
      return `params.changes[${i}] is not a file event ({uri, type})`;
  }
  return undefined;
}

export function foldersChange(p: unknown): string | undefined {
  const e = isObject(p) ? p.event : undefined;
  const ok = (l: unknown) => Array.isArray(l) && l.every((f) => isObject(f) && typeof f.uri === 'string');
  if (!isObject(e) || !ok(e.added) || !ok(e.removed))
    return 'params.event is not a workspace folders change ({added, removed})';
  return undefined;
}

/** The error answer to a request with malformed params. */
export function invalidParams(method: string, what: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${what}`);
}

/**
 * The connection's text document notifications, each checked first (for `TextDocuments.listen`):
 * a malformed one is logged and dropped.
 */
export function checkedDocumentSync(connection: Connection, log: (message: string) => void): Connection {
  const checked =
    <P>(method: string, check: (p: unknown) => string | undefined, register: (h: (p: P) => void) => unknown) =>
    (handler: (p: P) => void) =>
      register((p: P) => {
        const bad = check(p);
        if (bad) log(`kube-netlint: ignoring ${method}: ${bad}`);
        else handler(p);
      });
  return new Proxy(connection, {
    get(target, key, receiver) {
      switch (key) {
        case 'onDidOpenTextDocument':
          return checked('textDocument/didOpen', didOpen, (h) => target.onDidOpenTextDocument(h));
        case 'onDidChangeTextDocument':
          return checked('textDocument/didChange', didChange, (h) => target.onDidChangeTextDocument(h));
        case 'onDidCloseTextDocument':
          return checked('textDocument/didClose', didClose, (h) => target.onDidCloseTextDocument(h));
        case 'onDidSaveTextDocument':
          return checked('textDocument/didSave', didSave, (h) => target.onDidSaveTextDocument(h));
        case 'onWillSaveTextDocument':
          return checked('textDocument/willSave', didSave, (h) => target.onWillSaveTextDocument(h));
        case 'onWillSaveTextDocumentWaitUntil':
          return (handler: Parameters<Connection['onWillSaveTextDocumentWaitUntil']>[0]) =>
            target.onWillSaveTextDocumentWaitUntil((p, token) => {
              const bad = didSave(p);
              if (bad) throw invalidParams('textDocument/willSaveWaitUntil', bad);
              return handler(p, token);
            });
        default: {
          const v = Reflect.get(target, key, receiver) as unknown;
          return typeof v === 'function' ? v.bind(target) : v;
        }
      }
    },
    set(target, key, value) {
      return Reflect.set(target, key, value);
    },
  });
}
