/**
 * The language server's state, without the connection: the workspace folders and loose documents
 * as projects (src/lsp/project.ts), the open buffers, which project a document belongs to, when a
 * project is linted again (a debounce that grows with the size of big slices), and quick fixes.
 */
import path from 'node:path';
import type { CodeAction, Diagnostic, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { CONFIG_FILES } from '../engine/config.js';
import { KUSTOMIZATION_NAMES } from '../load/kustomize.js';
import type { SourceFile } from '../load/source.js';
import { disableLineEdit, ignoreObjectEdit } from './actions.js';
import type { OffsetEdit } from './actions.js';
import { SOURCE, toRange } from './convert.js';
import type { DiagnosticData } from './convert.js';
import type { Overlay } from './parsed.js';
import { idOfUri, isFileId, isInside, normPath, uriOfPath } from './paths.js';
import { BIG_SLICE_CHARS, DEBOUNCE_MS_PER_MILLION, Project } from './project.js';
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
}

export const DEFAULT_DEBOUNCE_MS = 150;

const sameRange = (a: Range, b: Range) =>
  a.start.line === b.start.line &&
  a.start.character === b.start.character &&
  a.end.line === b.end.line &&
  a.end.character === b.end.character;

export class Workspace implements ProjectOwner {
  readonly folders: Project[] = [];
  readonly loose = new Map<string, Project>();
  readonly overlays = new Map<string, Overlay>();
  debounceMs: number;
  readonly timing: boolean;
  private disposed = false;

  constructor(
    readonly host: WorkspaceHost,
    private readonly options: WorkspaceOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.timing = options.timing ?? false;
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
    } else {
      ov = { id, uri, languageId, version, text };
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
   * size) and is linted in steps, so that a lint never holds the server for long.
   */
  schedule(project: Project, delay = this.debounceMs): void {
    if (this.disposed) return;
    project.dirty = true;
    // A change stops a lint in steps that is running (it reads the text it started with).
    project.generation++;
    if (!project.ready) return;
    if (project.timer) clearTimeout(project.timer);
    const chars = project.sliceChars();
    const big = chars >= BIG_SLICE_CHARS;
    const wait = big ? Math.max(delay, this.debounceMs + (chars / 1e6) * DEBOUNCE_MS_PER_MILLION) : delay;
    project.timer = setTimeout(
      () => {
        project.timer = undefined;
        if (!big) this.guard(() => project.lintNow());
        else if (!project.running)
          void project.lintInSteps().catch((e: Error) => this.host.log(`internal error: ${e?.stack ?? String(e)}`));
      },
      Math.max(0, wait),
    );
  }

  /** Run pending lints now. */
  flush(project?: Project): void {
    const list = project ? [project] : [...this.folders, ...this.loose.values()];
    for (const p of list) if (p.dirty && p.ready) this.guard(() => p.lintNow());
  }

  /** Quick fixes for diagnostics of `uri` (from rule suggestions, plus disable and ignore). */
  codeActions(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
    const id = idOfUri(uri);
    const project = this.projectOf(id);
    if (!project) return [];
    // A big slice is not linted here (that would hold the server): its fixes wait for its lint.
    if (project.big && (project.dirty || project.running)) return [];
    this.flush(project);
    const current = project.findings.get(id) ?? [];
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
          edit: this.edit(project, s.file, { range: s.range, newText: s.replacement }),
        });
      });
      const disable = disableLineEdit(f);
      if (disable) {
        actions.push({
          title: `Disable ${f.ruleId} for this line`,
          kind: 'quickfix',
          diagnostics: [d],
          edit: this.edit(project, f.file, disable),
        });
      }
      const ignore = ignoreObjectEdit(f);
      if (ignore) {
        actions.push({
          title: `Ignore ${f.ruleId} for this object`,
          kind: 'quickfix',
          diagnostics: [d],
          edit: this.edit(project, f.file, ignore),
        });
      }
    }
    return actions;
  }

  private edit(project: Project, file: SourceFile, e: OffsetEdit): WorkspaceEdit {
    const id = project.fileIds.get(file) ?? file.absPath ?? file.path;
    const uri = this.uriOf(id);
    const range: Range = toRange(file, e.range);
    const edits: TextEdit[] = [{ range, newText: e.newText }];
    if (this.options.documentChanges) {
      const version = this.overlays.get(id)?.version ?? null;
      return { documentChanges: [{ textDocument: { uri, version }, edits }] };
    }
    return { changes: { [uri]: edits } };
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
    for (const p of [...this.folders, ...this.loose.values()]) {
      if (p.timer) clearTimeout(p.timer);
      p.timer = undefined;
      p.generation++;
    }
  }
}
