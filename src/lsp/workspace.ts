/**
 * The language server's state, without the connection: workspace folders as cluster slices,
 * parsed files cached per document, open buffers overlaid on the files on disk, debounced
 * re-linting of a whole slice, and publishing only the diagnostics that changed.
 */
import path from 'node:path';
import type { CodeAction, Diagnostic, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { RULES } from '../../rules/index.js';
import { CONFIG_FILES, ConfigError, findConfig, loadConfig } from '../engine/config.js';
import type { Config } from '../engine/config.js';
import { lint } from '../engine/runner.js';
import { settingsOf } from '../engine/settings.js';
import type { Finding, RuleMeta, Settings, SeveritySetting } from '../engine/types.js';
import { displayPath } from '../load/discover.js';
import { loadInput, readFiles } from '../load/input.js';
import { notAManifest } from '../load/load.js';
import { SourceFile, parseSource } from '../load/source.js';
import { disableLineEdit, ignoreObjectEdit } from './actions.js';
import type { OffsetEdit } from './actions.js';
import { SOURCE, toDiagnostic, toRange } from './convert.js';
import { reparse } from './incremental.js';
import type { DiagnosticData } from './convert.js';
import { idOfUri, isFileId, isInside, normPath, uriOfPath } from './paths.js';

export interface WorkspaceHost {
  publish(uri: string, diagnostics: Diagnostic[], version?: number): void;
  log(message: string): void;
  /** Tell the user once (a config file that cannot be used). */
  warn(message: string): void;
}

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
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

const KNOWN_RULES: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id));
const RULE_META: ReadonlyMap<string, RuleMeta> = new Map(RULES.map((r) => [r.meta.id, r.meta]));

interface Parsed {
  text: string;
  /** Display path it was parsed under (relative to the project root). */
  name: string;
  file: SourceFile;
}

interface Overlay {
  id: string;
  uri: string;
  languageId: string;
  version: number;
  text: string;
  parsed?: Parsed;
}

interface Published {
  uri: string;
  json: string;
}

/** Parse once per (text, display name). */
function parseCached(prev: Parsed | undefined, text: string, name: string, absPath: string | undefined, json: boolean): Parsed {
  if (prev && prev.text === text && prev.name === name) return prev;
  return { text, name, file: parseSource(new SourceFile(name, text, absPath), { json }) };
}

/**
 * An open document's new text: only the YAML documents the edit touched are parsed again when
 * that is safe (see `reparse`), else the whole text. The previous parse is consumed.
 */
function parseEdited(prev: Parsed | undefined, text: string, name: string, absPath: string | undefined, json: boolean): Parsed {
  if (prev && prev.text === text && prev.name === name) return prev;
  if (prev && prev.name === name && !json) {
    const file = reparse(prev.file, text);
    if (file) return { text, name, file };
  }
  return parseCached(undefined, text, name, absPath, json);
}

/** One cluster slice: a workspace folder with its config, or a single open document outside every folder. */
export class Project {
  config: Config | undefined;
  configProblem: { file: string; message: string } | undefined;
  severities: Record<string, SeveritySetting> = {};
  settings: Settings = settingsOf(undefined, {}, '.', KNOWN_RULES).settings;
  /** Files of the folder the way `kube-netlint <root>` finds them (ids). */
  included = new Set<string>();
  /** Parsed text on disk, per id. */
  disk = new Map<string, Parsed>();
  ready = false;
  dirty = false;
  timer: NodeJS.Timeout | undefined;
  published = new Map<string, Published>();
  /** Findings of the last lint, per id. */
  findings = new Map<string, Finding[]>();
  /** Ids of the files of the last lint. */
  fileIds = new Map<SourceFile, string>();
  private reloadWanted = false;
  private warned: string | undefined;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly ws: Workspace,
    /** Folder root; undefined for a single document outside the workspace folders. */
    readonly root: string | undefined,
    /** The document of a single-document project. */
    readonly single?: string,
  ) {}

  /** (Re)read the config and the folder's file list, then read the files that are new. */
  reload(): Promise<void> {
    this.reloadWanted = true;
    if (!this.reloading) {
      this.reloading = (async () => {
        try {
          while (this.reloadWanted) {
            this.reloadWanted = false;
            await this.load().catch((e: Error) => this.ws.host.log(`cannot load ${this.root ?? this.single}: ${e?.stack ?? String(e)}`));
          }
        } finally {
          this.reloading = undefined;
        }
      })();
    }
    return this.reloading;
  }

  private async load(): Promise<void> {
    const configDir = this.root ?? (this.single && isFileId(this.single) ? path.dirname(this.single) : undefined);
    this.readConfig(configDir);
    if (this.root) {
      const root = this.root;
      let files: string[] = [];
      const read = new Map<string, SourceFile>();
      try {
        // The config's `roots` make up the slice when it has them (as for the CLI without paths);
        // otherwise the whole folder. Files are read on the input road (bounded, as the CLI reads
        // them), in the `yaml` package's path that edits re-parse incrementally; files already
        // read are not read again (a watched change re-reads its file).
        const roots = this.config?.roots;
        const known = new Set(this.disk.keys());
        const input = await loadInput(roots ?? ['.'], {
          cwd: root,
          ignore: this.config?.ignorePatterns ?? [],
          parser: 'yaml',
          alreadyRead: (f) => known.has(normPath(f.absPath)),
        });
        files = input.discovered.files.map((f) => normPath(f.absPath));
        for (const f of input.files) if (f.absPath !== undefined) read.set(normPath(f.absPath), f);
        if (input.skippedCharts.length) this.ws.host.log(`skipping Helm chart folders (render them to lint): ${input.skippedCharts.join(', ')}`);
        if (roots && input.unmatched.length) this.ws.host.log(`${root}: config roots match no files: ${input.unmatched.join(', ')}`);
        for (const note of input.notes) this.ws.host.log(note);
        for (const e of input.errors) this.ws.host.log(`cannot read ${e.path}: ${e.message}`);
      } catch (e) {
        this.ws.host.log(`cannot list the files of ${root}: ${(e as Error).message}`);
      }
      const included = new Set(files);
      for (const [id, file] of read) this.disk.set(id, { text: file.text, name: file.path, file });
      for (const id of this.disk.keys()) if (!included.has(id)) this.disk.delete(id);
      this.included = included;
      this.ws.reconcile();
    }
    this.ready = true;
    this.ws.schedule(this, 0);
  }

  private readConfig(dir: string | undefined): void {
    this.config = undefined;
    this.configProblem = undefined;
    const file = dir ? findConfig(dir) : undefined;
    if (!file) this.warned = undefined;
    else {
      try {
        this.config = loadConfig(file, KNOWN_RULES, dir);
        this.warned = undefined;
      } catch (e) {
        const message = e instanceof ConfigError ? e.message : (e as Error).message;
        this.configProblem = { file: normPath(file), message };
        if (this.warned !== message) this.ws.host.warn(`kube-netlint: ${message} (using the default settings)`);
        this.warned = message;
      }
    }
    // The settings as the CLI resolves them, from the config alone (no flags here).
    const resolved = settingsOf(this.config, {}, dir ?? '.', KNOWN_RULES);
    this.severities = resolved.severities;
    this.settings = resolved.settings;
  }

  /** Re-read one file on disk (a watched change). */
  async refresh(id: string): Promise<void> {
    if (!this.root || !this.included.has(id)) return;
    // On the input road, as the folder's files are read: bounded, and kept even when it is not a manifest.
    const { files } = await readFiles([{ absPath: id, expanded: false }], { cwd: this.root, parser: 'yaml' });
    const file = files[0] as SourceFile | undefined;
    if (file === undefined) {
      this.disk.delete(id);
      this.included.delete(id);
    } else {
      const prev = this.disk.get(id);
      this.disk.set(id, prev && prev.text === file.text && prev.name === file.path ? prev : { text: file.text, name: file.path, file });
    }
    this.ws.schedule(this);
  }

  /** Display name of a document of this project. */
  nameOf(id: string): string {
    if (this.root && isFileId(id)) return displayPath(id, this.root);
    return isFileId(id) ? path.basename(id) : id;
  }

  /** The files of the slice, open buffers overriding the disk, in the CLI's order. */
  slice(): { id: string; file: SourceFile; version?: number }[] {
    const out: { id: string; file: SourceFile; version?: number }[] = [];
    const ids = this.root ? [...this.included].filter((id) => this.ws.projectOf(id) === this) : this.single ? [this.single] : [];
    ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const id of ids) {
      const ov = this.ws.overlays.get(id);
      let file: SourceFile | undefined;
      if (ov) {
        const name = this.nameOf(id);
        const json = /\.json$/i.test(name) || ov.languageId === 'json' || ov.languageId === 'jsonc';
        const onDisk = this.disk.get(id);
        if (!ov.parsed && onDisk && onDisk.text === ov.text && onDisk.name === name) {
          // Just opened, as on disk: the buffer takes over the disk's parse (re-parses consume it;
          // the file is read again when the buffer closes).
          ov.parsed = onDisk;
          this.disk.delete(id);
        }
        ov.parsed = parseEdited(ov.parsed, ov.text, name, isFileId(id) ? id : undefined, json);
        file = ov.parsed.file;
      } else {
        file = this.disk.get(id)?.file;
      }
      if (!file || notAManifest(file)) continue;
      out.push({ id, file, version: ov?.version });
    }
    return out;
  }

  /** Lint the slice and publish what changed. */
  lintNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready) return;
    this.dirty = false;
    const t0 = performance.now();
    const slice = this.slice();
    const t1 = performance.now();
    const fileIds = new Map<SourceFile, string>();
    const versions = new Map<string, number | undefined>();
    for (const s of slice) {
      fileIds.set(s.file, s.id);
      versions.set(s.id, s.version);
    }
    const result = lint(
      slice.map((s) => s.file),
      { rules: RULES, severities: this.severities, settings: this.settings },
    );
    const t2 = performance.now();
    for (const e of result.internalErrors) this.ws.host.log(`internal error in rule ${e.ruleId}: ${e.error?.stack ?? String(e.error)}`);
    const findings = new Map<string, Finding[]>();
    for (const f of result.findings) {
      const id = fileIds.get(f.file);
      if (id === undefined) continue;
      let list = findings.get(id);
      if (!list) findings.set(id, (list = []));
      list.push(f);
    }
    this.findings = findings;
    this.fileIds = fileIds;
    const uriOf = (file: SourceFile) => this.ws.uriOf(fileIds.get(file) ?? file.absPath ?? file.path);
    const diagnostics = new Map<string, Diagnostic[]>();
    for (const [id, list] of findings) diagnostics.set(id, list.map((f) => toDiagnostic(f, { uriOf, rules: RULE_META })));
    if (this.configProblem) {
      const d: Diagnostic = {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 1,
        code: 'config',
        source: SOURCE,
        message: `${this.configProblem.message} (kube-netlint uses the default settings)`,
      };
      diagnostics.set(this.configProblem.file, [...(diagnostics.get(this.configProblem.file) ?? []), d]);
    }
    this.publishAll(diagnostics, versions);
    if (this.ws.timing) {
      const t3 = performance.now();
      const ms = (a: number, b: number) => (b - a).toFixed(1);
      this.ws.host.log(
        `lint ${this.root ?? this.single}: ${slice.length} files, ${result.model.resources.length} objects; parse ${ms(t0, t1)} ms, model+graph+rules ${ms(t1, t2)} ms, diagnostics+publish ${ms(t2, t3)} ms`,
      );
    }
  }

  private publishAll(diagnostics: Map<string, Diagnostic[]>, versions: Map<string, number | undefined>): void {
    const ids = new Set([...this.published.keys(), ...diagnostics.keys()]);
    for (const id of ids) {
      const list = diagnostics.get(id) ?? [];
      const uri = this.ws.uriOf(id);
      const json = JSON.stringify(list);
      const prev = this.published.get(id);
      if (prev ? prev.json === json && prev.uri === uri : list.length === 0) continue;
      if (list.length) this.published.set(id, { uri, json });
      else {
        this.published.delete(id);
        // The file moved to another slice (a nested folder, changed roots) that already published it.
        const owner = this.ws.projectOf(id);
        if (owner && owner !== this && owner.published.has(id)) continue;
      }
      this.ws.host.publish(uri, list, versions.get(id) ?? this.ws.overlays.get(id)?.version);
    }
  }

  /** Clear every diagnostic this project published. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [id, p] of this.published) {
      const owner = this.ws.projectOf(id);
      if (owner && owner !== this && owner.published.has(id)) continue;
      this.ws.host.publish(p.uri, []);
    }
    this.published.clear();
    this.findings.clear();
  }
}

export class Workspace {
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
      list.reduce<Project | undefined>((best, p) => (!best || (p.root?.length ?? 0) > (best.root?.length ?? 0) ? p : best), undefined);
    return deepest(this.folders.filter((p) => p.included.has(id))) ?? deepest(this.folders.filter((p) => p.root && isInside(id, p.root)));
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
    for (const other of this.folders) if (other !== project && other.root && isInside(r, other.root)) this.schedule(other);
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
    const ov = this.overlays.get(id);
    if (ov) {
      ov.uri = uri;
      ov.version = version;
      ov.text = text;
    } else {
      this.overlays.set(id, { id, uri, languageId, version, text });
    }
    const project = this.projectOf(id);
    if (!project) {
      this.openLoose(id);
      return;
    }
    if (project.root && !ov && !project.included.has(id) && project.ready) {
      // A file the last directory walk did not see (new, or excluded): walk again.
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
    // The buffer may not have been saved: the file on disk counts again.
    if (project) void project.refresh(id);
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
      if (c.type === 2) {
        if (!this.overlays.has(id)) void project.refresh(id);
      } else {
        if (c.type === 3) project.disk.delete(id);
        reload.add(project);
      }
    }
    for (const p of reload) void p.reload();
  }

  /** Re-lint a project after the debounce delay (or `delay`). */
  schedule(project: Project, delay = this.debounceMs): void {
    if (this.disposed) return;
    project.dirty = true;
    if (!project.ready) return;
    if (project.timer) clearTimeout(project.timer);
    project.timer = setTimeout(() => this.guard(() => project.lintNow()), Math.max(0, delay));
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
        actions.push({ title: `Disable ${f.ruleId} for this line`, kind: 'quickfix', diagnostics: [d], edit: this.edit(project, f.file, disable) });
      }
      const ignore = ignoreObjectEdit(f);
      if (ignore) {
        actions.push({ title: `Ignore ${f.ruleId} for this object`, kind: 'quickfix', diagnostics: [d], edit: this.edit(project, f.file, ignore) });
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
    }
  }
}
