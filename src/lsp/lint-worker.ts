/**
 * The worker thread of a big slice (src/lsp/offthread.ts): parses the slice's texts (an open
 * buffer's edit re-parses only the YAML documents it touched), lints them in steps, publishes
 * what changed as the server's thread would (src/lsp/publish.ts) and answers quick fixes from the
 * findings of its last lint. A step ends early when the slice's generation in the shared flag is
 * no longer the job's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Diagnostic } from 'vscode-languageserver';
import { RULES } from '../../rules/index.js';
import type { Finding, RuleMeta } from '../engine/types.js';
import { loadText, notAManifest } from '../load/load.js';
import { SourceFile, fillLineStarts } from '../load/source.js';
import { quickFixes, workspaceEdit } from './fixes.js';
import { lintSliceInSteps } from './lint.js';
import type { FixesRequest, LintJob, WorkerPublish, WorkerReply } from './offthread.js';
import { parseEditedInSteps } from './parsed.js';
import type { Parsed } from './parsed.js';
import { isFileId, uriOfPath } from './paths.js';
import { findingsById, publishChanged } from './publish.js';
import type { Published } from './publish.js';

const RULE_META: ReadonlyMap<string, RuleMeta> = new Map(RULES.map((r) => [r.meta.id, r.meta]));
const flag = (workerData as { flag: Int32Array }).flag;

interface Held {
  rev: number;
  text: string;
  open: boolean;
  parsed?: Parsed;
}

/** The texts and parses held, per id. */
const held = new Map<string, Held>();
let published = new Map<string, Published>();
/** The last lint: findings per id, and how to name its files. */
let last = {
  findings: new Map<string, Finding[]>(),
  fileIds: new Map<SourceFile, string>(),
  uris: new Map<string, string>(),
  versions: new Map<string, number>(),
};

const post = (m: WorkerReply) => parentPort?.postMessage(m);

async function lint(job: LintJob): Promise<void> {
  const stale = () => Atomics.load(flag, 0) !== job.generation;
  const pause = async () => stale();
  const t0 = performance.now();
  // The texts first: a job that stops still leaves the worker holding what the server sent.
  const ids = new Set<string>();
  for (const f of job.files) {
    ids.add(f.id);
    const h = held.get(f.id);
    if (f.text !== undefined) {
      if (h && h.open === f.open) Object.assign(h, { rev: f.rev, text: f.text });
      else held.set(f.id, { rev: f.rev, text: f.text, open: f.open });
    } else if (!h || h.rev !== f.rev) {
      throw new Error(`no text of revision ${f.rev} of ${f.id}`);
    }
  }
  for (const id of held.keys()) if (!ids.has(id)) held.delete(id);
  if (job.published) published = new Map(job.published.map(([id, uri, json]) => [id, { uri, signature: '', json }]));
  if (stale()) return post({ type: 'stopped', generation: job.generation });

  const uris = new Map<string, string>();
  const versions = new Map<string, number>();
  const slice: { id: string; file: SourceFile }[] = [];
  let chars = 0;
  for (const f of job.files) {
    const h = held.get(f.id) as Held;
    if (f.uri !== undefined) uris.set(f.id, f.uri);
    if (f.version !== undefined) versions.set(f.id, f.version);
    let file: SourceFile;
    if (f.unread) {
      file = new SourceFile(f.name, h.text, f.absPath, f.unread);
      fillLineStarts(file);
    } else if (h.parsed && h.parsed.text === h.text && h.parsed.name === f.name) {
      file = h.parsed.file;
    } else if (f.open) {
      const parsed = await parseEditedInSteps(h.parsed, h.text, f.name, f.absPath, f.json, pause);
      if (!parsed) return post({ type: 'stopped', generation: job.generation });
      h.parsed = parsed;
      file = parsed.file;
    } else {
      // As the server reads a folder's files (`loadText` on the input road).
      file = loadText(f.name, h.text, f.absPath);
      h.parsed = { text: h.text, name: f.name, file };
    }
    if (stale()) return post({ type: 'stopped', generation: job.generation });
    // A file the walk found is left out as the walk leaves it out (the server has not parsed it).
    if (notAManifest(file, f.walked === true)) continue;
    slice.push({ id: f.id, file });
    chars += file.text.length;
  }
  const t1 = performance.now();
  const result = await lintSliceInSteps(
    slice,
    job.groups,
    { rules: RULES, severities: job.severities, settings: job.settings },
    pause,
  );
  if (!result || stale()) return post({ type: 'stopped', generation: job.generation });
  const t2 = performance.now();

  const fileIds = new Map<SourceFile, string>();
  for (const s of slice) fileIds.set(s.file, s.id);
  const findings = findingsById(result.findings, fileIds);
  const uriOf = (id: string) => uris.get(id) ?? (isFileId(id) ? uriOfPath(id) : id);
  const out: WorkerPublish[] = [];
  publishChanged(findings, job.configProblem, published, {
    uriOf,
    uriOfFile: (file) => uriOf(fileIds.get(file) ?? file.absPath ?? file.path),
    rules: RULE_META,
    send: (uri, diagnostics, version, id) => out.push({ id, uri, json: JSON.stringify(diagnostics), version }),
    version: (id) => versions.get(id),
    // The server decides (it knows the other slices); the entry is dropped here either way.
    ownedElsewhere: () => false,
  });
  last = { findings, fileIds, uris, versions };
  post({
    type: 'done',
    generation: job.generation,
    publish: out,
    files: slice.length,
    objects: result.objects,
    chars,
    internalErrors: result.internalErrors.map(
      (e) => `internal error in rule ${e.ruleId}: ${e.error?.stack ?? e.error}`,
    ),
    ms: [t1 - t0, t2 - t1, performance.now() - t2],
  });
}

function fixes(req: FixesRequest): void {
  const { findings, fileIds, uris, versions } = last;
  const actions = quickFixes(findings.get(req.id) ?? [], req.diagnostics as Diagnostic[], (file, e) => {
    const id = fileIds.get(file) ?? file.absPath ?? file.path;
    const uri = uris.get(id) ?? (isFileId(id) ? uriOfPath(id) : id);
    return workspaceEdit(uri, versions.get(id) ?? null, file, e, req.documentChanges);
  });
  post({ type: 'fixes', request: req.request, actions });
}

/** Jobs run one after another, in the order they came. */
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (m: LintJob | FixesRequest) => {
  queue = queue.then(async () => {
    try {
      if (m.type === 'fixes') fixes(m);
      else await lint(m);
    } catch (e) {
      const message = (e as Error)?.stack ?? String(e);
      post(
        m.type === 'fixes'
          ? { type: 'fixes', request: m.request, actions: [] }
          : { type: 'error', generation: m.generation, message },
      );
    }
  });
});
