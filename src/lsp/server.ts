/**
 * `kube-netlint lsp`: a language server over stdio. Lints the open documents together with the
 * manifests of the workspace folders (one cluster slice per folder) and pushes diagnostics with
 * the rule id, its documentation link and related locations; quick fixes come from the rules'
 * suggestions, plus a disable comment and an ignore annotation.
 */
import { format } from 'node:util';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from 'vscode-languageserver/node';
import type { Connection, InitializeParams, InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { packageJson } from '../util/package.js';
import * as check from './params.js';
import { idOfUri, isFileId, uriOfPath } from './paths.js';
import { DEFAULT_DEBOUNCE_MS, Workspace } from './workspace.js';

export const LSP_HELP = `Usage: kube-netlint lsp [--stdio]

Run the kube-netlint language server, speaking the Language Server Protocol over
stdin/stdout (--stdio is the default and the only transport). Editors start it;
see docs/editors.md for VS Code, Neovim and Helix.

Initialization options (all optional):
  debounce   delay in ms between the last edit and the re-lint (default ${DEFAULT_DEBOUNCE_MS})
  timing     true: log the duration of each lint's phases to the client's log
`;

/** The largest message body read: an editor's documents are far smaller; a larger length is a damaged header. */
const MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

export interface ServerIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Settings a client may pass as `initializationOptions` or as the `kube-netlint` settings section. */
export interface ServerSettings {
  debounce?: number;
  /** Log the time each lint takes (parse, model+graph+rules, publish) to the client's log. */
  timing?: boolean;
}

function version(): string {
  try {
    return packageJson().version;
  } catch {
    return '0.0.0';
  }
}

function debounceOf(settings: unknown): number | undefined {
  const v = (settings as ServerSettings | null | undefined)?.debounce;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * Start the server. Returns an exit code when it does not start (usage or help), undefined while
 * it runs: the process then ends on the client's `exit` notification or when stdin closes.
 */
export function runLanguageServer(argv: string[], io: ServerIo = process): number | undefined {
  for (const arg of argv) {
    if (arg === '--stdio' || arg.startsWith('--clientProcessId')) continue;
    if (arg === '-h' || arg === '--help') {
      io.stdout.write(LSP_HELP);
      return 0;
    }
    if (/^--(node-ipc|socket|pipe)\b/.test(arg)) {
      io.stderr.write(`kube-netlint lsp: ${arg.split('=')[0]} is not supported; use --stdio\n`);
      return 2;
    }
    if (/^\d+$/.test(arg)) continue; // the value of a separate --clientProcessId
    io.stderr.write(`kube-netlint lsp: unknown option "${arg}"\nRun kube-netlint lsp --help for usage.\n`);
    return 2;
  }
  const reader = new StreamMessageReader(io.stdin);
  const connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(io.stdout));
  let shutdown = false;
  // A message that cannot be framed (a bad or missing Content-Length header) leaves the stream out
  // of step: nothing after it can be read. The server exits, as on a closed stream, and the client
  // starts it again. A well-framed body that is not JSON is only logged.
  const unframed = (message: string) => {
    io.stderr.write(`kube-netlint lsp: cannot read the client's messages (${message}); exiting\n`);
    connection.dispose();
    process.exit(1);
  };
  reader.onError((e) => {
    const message = String((e as Error)?.message ?? e).split('\n')[0];
    if (e instanceof SyntaxError) {
      io.stderr.write(`kube-netlint lsp: ignoring a message that is not JSON: ${message}\n`);
      return;
    }
    unframed(message);
  });
  reader.onClose(() => process.exit(shutdown ? 0 : 1));
  startServer(connection, () => (shutdown = true));
  // The reader waits for as many bytes as a Content-Length says, keeping all that follows: a length
  // no message can have (a damaged header) would leave the server deaf, its memory growing. Checked
  // after the reader's own listener has read the header (vscode-jsonrpc keeps it in nextMessageLength).
  io.stdin.on('data', () => {
    const length = (reader as unknown as { nextMessageLength?: number }).nextMessageLength ?? -1;
    if (length > MAX_MESSAGE_BYTES) unframed(`a Content-Length of ${length} bytes, more than the limit of 1 GiB`);
  });
  return undefined;
}

/** Wire a connection to a Workspace. */
export function startServer(connection: Connection, onShutdown?: () => void): void {
  // stdout carries JSON-RPC only: anything printed goes to the client's log instead.
  const log = (...args: unknown[]) => connection.console.log(format(...args));
  const error = (...args: unknown[]) => connection.console.error(format(...args));
  console.log = log;
  console.info = log;
  console.debug = log;
  console.warn = error;
  console.error = error;
  process.on('uncaughtException', (e) => error(`kube-netlint: uncaught exception: ${e?.stack ?? String(e)}`));
  process.on('unhandledRejection', (e) =>
    error(`kube-netlint: unhandled rejection: ${(e as Error)?.stack ?? String(e)}`),
  );

  let workspace: Workspace | undefined;
  let watchDynamic = false;
  let foldersSupported = false;
  let shuttingDown = false;

  const guard = <T>(what: string, fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (e) {
      error(`kube-netlint: ${what} failed: ${(e as Error)?.stack ?? String(e)}`);
      return fallback;
    }
  };

  connection.onInitialize((raw: InitializeParams): InitializeResult => {
    // Every field read defensively: a client's malformed initialize still gets the server.
    const params = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<InitializeParams>;
    const caps = typeof params.capabilities === 'object' && params.capabilities !== null ? params.capabilities : {};
    watchDynamic = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    foldersSupported = !!caps.workspace?.workspaceFolders;
    workspace = new Workspace(
      {
        publish: (uri, diagnostics, version) => {
          if (!shuttingDown) void connection.sendDiagnostics({ uri, diagnostics, version }).catch(() => undefined);
        },
        log: (m) => log(`kube-netlint: ${m}`),
        warn: (m) => connection.window.showWarningMessage(m),
      },
      {
        debounceMs: debounceOf(params.initializationOptions) ?? DEFAULT_DEBOUNCE_MS,
        documentChanges: !!caps.workspace?.workspaceEdit?.documentChanges,
        timing: (params.initializationOptions as ServerSettings | null | undefined)?.timing === true,
      },
    );
    const given = Array.isArray(params.workspaceFolders) ? params.workspaceFolders.map((f) => f?.uri) : undefined;
    const folders = (given ?? [params.rootUri]).filter((u): u is string => typeof u === 'string' && u !== '');
    if (!folders.length && typeof params.rootPath === 'string' && params.rootPath)
      folders.push(uriOfPath(params.rootPath));
    if (given?.some((u) => typeof u !== 'string')) log('kube-netlint: ignoring workspace folders without a uri');
    for (const uri of folders) {
      const id = idOfUri(uri);
      if (isFileId(id))
        void workspace
          .addFolder(id)
          .catch((e: Error) => error(`kube-netlint: cannot load ${id}: ${e.stack ?? e.message}`));
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'kube-netlint', version: version() },
    };
  });

  connection.onInitialized(() => {
    if (watchDynamic) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{yaml,yml,json}' }, { globPattern: '**/.gitignore' }],
        })
        .catch((e: Error) => error(`kube-netlint: cannot watch files: ${e.message}`));
    }
    if (foldersSupported) {
      connection.workspace.onDidChangeWorkspaceFolders((e) =>
        guard(
          'workspace folder change',
          () => {
            const bad = check.foldersChange({ event: e });
            if (bad) return log(`kube-netlint: ignoring workspace/didChangeWorkspaceFolders: ${bad}`);
            for (const f of e.removed) workspace?.removeFolder(idOfUri(f.uri));
            for (const f of e.added) {
              const id = idOfUri(f.uri);
              if (isFileId(id))
                void workspace
                  ?.addFolder(id)
                  .catch((err: Error) => error(`kube-netlint: cannot load ${id}: ${err.message}`));
            }
          },
          undefined,
        ),
      );
    }
  });

  connection.onDidChangeConfiguration((params) =>
    guard(
      'configuration change',
      () => {
        const d = debounceOf((params.settings as Record<string, unknown> | null)?.['kube-netlint']);
        if (workspace && d !== undefined) workspace.debounceMs = d;
      },
      undefined,
    ),
  );

  const documents = new TextDocuments(TextDocument);
  documents.onDidChangeContent((e) =>
    guard(
      'document change',
      () => workspace?.setDocument(e.document.uri, e.document.languageId, e.document.version, e.document.getText()),
      undefined,
    ),
  );
  documents.onDidClose((e) => guard('document close', () => workspace?.closeDocument(e.document.uri), undefined));
  documents.listen(check.checkedDocumentSync(connection, log));

  connection.onDidChangeWatchedFiles((params) =>
    guard(
      'watched files',
      () => {
        const bad = check.watchedFiles(params);
        if (bad) log(`kube-netlint: ignoring workspace/didChangeWatchedFiles: ${bad}`);
        else workspace?.filesChanged(params.changes);
      },
      undefined,
    ),
  );

  connection.onCodeAction((params) => {
    const bad = check.codeAction(params);
    if (bad) throw check.invalidParams('textDocument/codeAction', bad);
    return guard(
      'code action',
      () => {
        const only = params.context.only;
        if (
          only &&
          !only.some((k) => k === '' || k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`))
        )
          return [];
        return workspace?.codeActions(params.textDocument.uri, params.context.diagnostics) ?? [];
      },
      [],
    );
  });

  connection.onShutdown(() => {
    shuttingDown = true;
    onShutdown?.();
    workspace?.dispose();
  });

  connection.listen();
}
