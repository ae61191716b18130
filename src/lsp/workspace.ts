/**
 * The language server's state, without the connection: the workspace folders and loose documents
 * as projects (src/lsp/project.ts), the open buffers, which project a document belongs to, when a
 * project is linted again (a debounce that grows with the size of big slices), and quick fixes.
 */
import path from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { CONFIG_FILES } from '../engine/config.js';
import { KUSTOMIZATION_NAMES } from '../load/kustomize.js';
import { quickFixes, workspaceEdit } from './fixes.js';
import type { Overlay } from './parsed.js';
import { idOfUri, isFileId, isInside, normPath, uriOfPath } from './paths.js';
import { nextRev } from './offthread.js';
import { Lister } from './listing.js';
import type { Listing } from './listing.js';
import { BIG_SLICE_CHARS, DEBOUNCE_MS_PER_MILLION, Project, WORKER_FAILURES, WORKER_SLICE_CHARS } from './project.js';
import type { ProjectOwner, WorkspaceHost } from './project.js';

export type { WorkspaceHost } from './project.js';
export { Project } from './project.js';

export interface WorkspaceOptions {
  /** Delay between the last change and the re-lint, in ms (default 150). */
  debounceMs?: number;
  /** The client applies `documentChanges` (versioned edits). */
  documentChanges?: boolean;
  /** Log how long each lint's phases took. */
  timing?: boolean;
  /** A slice of at least this many characters is linted in a worker thread (default `WORKER_SLICE_CHARS`; Infinity: never). */
  workerChars?: number;
  /** The module of the listing worker (tests: one that fails). */
  listWorker?: URL;
}

export const DEFAULT_DEBOUNCE_MS = 150;

export class Workspace implements ProjectOwner {
  readonly folders: Project[] = [];
  readonly loose = new Map<string, Project>();
  readonly overlays = new Map<string, Overlay>();
  debounceMs: number;
  readonly timing: boolean;
  readonly workerChars: number;
  private disposed = false;
  private lister: Lister | undefined;

  constructor(
    readonly host: WorkspaceHost,
    private readonly options: WorkspaceOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.timing = options.timing ?? false;
    this.workerChars = options.workerChars ?? WORKER_SLICE_CHARS;
  }

  /**
   * The folder project a file belongs to: among the folders whose slice holds it (config `roots`
   * may reach outside a folder), else among the folders holding it, the deepest.
   */
  folderOf(id: string): Project | undefined {
    if (!isFileId(id)) return undefined;
    const deepest = (list: Project[]) =>
      list.reduce<Project | undefined>(
        (best, p) => (!best || (p.root?.length ?? 0) > (best.root?.length ?? 0) ? p : best),
        undefined,
      );
    return (
      deepest(this.folders.filter((p) => p.included.has(id))) ??
      deepest(this.folders.filter((p) => p.root && isInside(id, p.root)))
    );
  }

  projectOf(id: string): Project | undefined {
    return this.folderOf(id) ?? this.loose.get(id);
  }

  uriOf(id: string): string {
    const ov = this.overlays.get(id);
    if (ov) return ov.uri;
    return isFileId(id) ? uriOfPath(id) : id;
  }

  /** List a folder's files in the listing worker (started on first use), or here when it failed. */
  list(root: string, roots: string[] | undefined, ignore: string[]): Promise<Listing> {
    if (!this.lister) {
      this.lister = new Lister(this.options.listWorker);
      this.lister.onFailure = (why, last) =>
        this.host.log(
          `the listing worker failed (${why}); ${last ? "listing in the server's thread" : 'starting it again'}`,
        );
    }
    return this.lister.list(root, roots, ignore);
  }

  async addFolder(root: string): Promise<void> {
    const r = normPath(root);
    if (this.folders.some((p) => p.root === r)) return;
    const project = new Project(this, r);
    this.folders.push(project);
    // Open documents that now belong to this folder leave their single-document projects, and
    // files of a nested folder leave the enclosing folder's slice.
    for (const [id, p] of this.loose) {
      if (this.folderOf(id) === project) {
        p.clear();
        this.loose.delete(id);
      }
    }
    for (const other of this.folders)
      if (other !== project && other.root && isInside(r, other.root)) this.schedule(other);
    await project.reload();
  }

  removeFolder(root: string): void {
    const r = normPath(root);
    const i = this.folders.findIndex((p) => p.root === r);
    if (i < 0) return;
    const [project] = this.folders.splice(i, 1);
    project.clear();
    for (const other of this.folders) if (other.root && isInside(r, other.root)) void other.reload();
    this.reconcile();
  }

  /**
   * After a folder was added, removed or re-read: files may have changed owner (nested folders,
   * config roots), so every folder is re-linted, and open documents move between
   * single-document projects and folders.
   */
  reconcile(): void {
    if (this.folders.length > 1) for (const p of this.folders) this.schedule(p);
    for (const [id, p] of this.loose) {
      const folder = this.folderOf(id);
      if (folder) {
        p.clear();
        this.loose.delete(id);
        this.schedule(folder);
      }
    }
    for (const ov of this.overlays.values()) if (!this.projectOf(ov.id)) this.openLoose(ov.id);
  }

  private openLoose(id: string): void {
    const p = new Project(this, undefined, id);
    this.loose.set(id, p);
    void p.reload();
  }

  /** An open document's text (on open and on every change). */
  setDocument(uri: string, languageId: string, version: number, text: string): void {
    const id = idOfUri(uri);
    let ov = this.overlays.get(id);
    const opened = !ov;
    if (ov) {
      ov.uri = uri;
      ov.version = version;
      ov.text = text;
      ov.rev = nextRev();
    } else {
      ov = { id, uri, languageId, version, text, rev: nextRev() };
      this.overlays.set(id, ov);
    }
    const project = this.projectOf(id);
    if (!project) {
      // Outside every folder, or untitled: linted alone.
      this.openLoose(id);
      return;
    }
    if (opened && project.root && !project.included.has(id) && project.ready) {
      // A file the last directory walk did not see (new, excluded, or not saved yet): walk again.
      void project.reload();
      return;
    }
    this.schedule(project);
  }

  closeDocument(uri: string): void {
    const id = idOfUri(uri);
    this.overlays.delete(id);
    const loose = this.loose.get(id);
    if (loose) {
      loose.clear();
      this.loose.delete(id);
      return;
    }
    const project = this.projectOf(id);
    if (!project) return;
    if (project.unsaved.delete(id)) {
      // Never saved: it leaves the slice (its diagnostics are cleared by the next lint).
      this.schedule(project, 0);
      return;
    }
    // The buffer may not have been saved: the file on disk counts again.
    void project.refresh(id);
  }

  /** Watched files changed on disk (types: 1 created, 2 changed, 3 deleted). */
  filesChanged(changes: { uri: string; type: number }[]): void {
    const reload = new Set<Project>();
    for (const c of changes) {
      const id = idOfUri(c.uri);
      if (!isFileId(id)) continue;
      const base = path.basename(id);
      if (CONFIG_FILES.includes(base) || base === '.gitignore') {
        for (const p of this.folders) reload.add(p);
        for (const p of this.loose.values()) reload.add(p);
        continue;
      }
      const project = this.projectOf(id);
      if (!project?.root) continue;
      // A kustomization changes what is linted with what: the folder is planned again.
      if (c.type === 2 && !(KUSTOMIZATION_NAMES as readonly string[]).includes(base)) {
        if (!this.overlays.has(id)) void project.refresh(id);
      } else {
        if (c.type === 3) project.disk.delete(id);
        reload.add(project);
      }
    }
    for (const p of reload) void p.reload();
  }

  /**
   * Re-lint a project after the debounce delay (or `delay`). A big slice waits longer (by its
   * size) after an edit, not after its folder was read (`loaded`); a slice of `workerChars` or more is linted in a worker thread, else in this thread (in
   * steps when big, if its worker failed), so that a lint never holds the server for long.
   */
  schedule(project: Project, delay = this.debounceMs, loaded = false): void {
    if (this.disposed) return;
    project.dirty = true;
    // A change stops a lint in steps or in the worker that is running (it reads the text it started with).
    project.generation++;
    project.worker?.signal(project.generation);
    if (!project.ready) return;
    if (project.timer) clearTimeout(project.timer);
    const chars = project.sliceChars();
    const big = chars >= BIG_SLICE_CHARS;
    const offThread = chars >= this.workerChars && project.workerFailures < WORKER_FAILURES;
    project.offThread = offThread;
    const wait = big && !loaded ? Math.max(delay, this.debounceMs + (chars / 1e6) * DEBOUNCE_MS_PER_MILLION) : delay;
    project.timer = setTimeout(
      () => {
        project.timer = undefined;
        if (offThread) this.run(project);
        // Files on disk not parsed yet are parsed in steps (a lint in steps of a small slice yields as seldom).
        else if (!big && !project.unparsed()) this.guard(() => project.lintNow());
        else if (!project.running)
          void project.lintInSteps().catch((e: Error) => this.host.log(`internal error: ${e?.stack ?? String(e)}`));
      },
      Math.max(0, wait),
    );
  }

  /** Start a slice's lint in its worker (unless one is running: a change makes it run again). */
  private run(project: Project): void {
    if (!project.running)
      void project.lintInWorker().catch((e: Error) => this.host.log(`internal error: ${e?.stack ?? String(e)}`));
  }

  /** Run pending lints now (a slice linted in a worker: its job starts now). */
  flush(project?: Project): void {
    const list = project ? [project] : [...this.folders, ...this.loose.values()];
    for (const p of list) {
      if (!p.dirty || !p.ready) continue;
      if (p.offThread) this.run(p);
      else this.guard(() => p.lintNow());
    }
  }

  /**
   * Quick fixes for diagnostics of `uri` (from rule suggestions, plus disable and ignore). A slice
   * linted in a worker thread asks the worker, which holds its findings.
   */
  codeActions(uri: string, diagnostics: Diagnostic[]): CodeAction[] | Promise<CodeAction[]> {
    const id = idOfUri(uri);
    const project = this.projectOf(id);
    if (!project) return [];
    // A big slice is not linted here (that would hold the server): its fixes wait for its lint.
    if ((project.big || project.offThread) && (project.dirty || project.running)) return [];
    if (project.offThread) return project.workerFixes(id, diagnostics, !!this.options.documentChanges);
    this.flush(project);
    return quickFixes(project.findings.get(id) ?? [], diagnostics, (file, e) => {
      const fileId = project.fileIds.get(file) ?? file.absPath ?? file.path;
      const version = this.overlays.get(fileId)?.version ?? null;
      return workspaceEdit(this.uriOf(fileId), version, file, e, !!this.options.documentChanges);
    });
  }

  guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.host.log(`internal error: ${(e as Error)?.stack ?? String(e)}`);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.lister?.dispose();
    for (const p of [...this.folders, ...this.loose.values()]) {
      if (p.timer) clearTimeout(p.timer);
      p.timer = undefined;
      p.generation++;
      p.worker?.dispose();
      p.worker = undefined;
    }
  }
}
