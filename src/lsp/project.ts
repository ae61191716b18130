/**
 * One cluster slice of the language server: a workspace folder with its config, or one open
 * document outside every folder (untitled buffers too). It reads the folder's files on the input
 * road, overlays the open buffers (unsaved ones included), lints the slice (at once, or in steps
 * for big slices, see src/lsp/lint.ts) and publishes what changed (src/lsp/publish.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { RULES } from '../../rules/index.js';
import { ConfigError, findConfig, loadConfig } from '../engine/config.js';
import type { Config } from '../engine/config.js';
import type { LintOptions } from '../engine/runner.js';
import { settingsOf } from '../engine/settings.js';
import type { Finding, RuleMeta, Settings, SeveritySetting } from '../engine/types.js';
import { MANIFEST_EXTENSIONS, displayPath } from '../load/discover.js';
import { notAManifest } from '../load/load.js';
import type { SourceFile } from '../load/source.js';
import { lintSlice, lintSliceInSteps } from './lint.js';
import type { LintGroup, SliceLint } from './lint.js';
import { isJson, parseEdited, parseEditedInSteps } from './parsed.js';
import type { Overlay } from './parsed.js';
import { diskFile, parseDiskInSteps, readDisk, stepper } from './disk.js';
import { readFolder } from './folder.js';
import type { DiskFile } from './disk.js';
import type { Listing } from './listing.js';
import { isFileId, normPath } from './paths.js';
import { SliceWorker, filesForWorker } from './offthread.js';
import type { JobResult, LintJob } from './offthread.js';
import { findingsById, publishChanged, publishFromWorker } from './publish.js';
import type { ConfigProblem, Published } from './publish.js';

export interface WorkspaceHost {
  publish(uri: string, diagnostics: Diagnostic[], version?: number): void;
  log(message: string): void;
  /** Tell the user once (a config file that cannot be used). */
  warn(message: string): void;
}

/** What a project asks of the workspace that holds it. */
export interface ProjectOwner {
  readonly host: WorkspaceHost;
  readonly overlays: ReadonlyMap<string, Overlay>;
  readonly timing: boolean;
  projectOf(id: string): Project | undefined;
  uriOf(id: string): string;
  schedule(project: Project, delay?: number, loaded?: boolean): void;
  reconcile(): void;
  /** List a folder's files (the config's `roots`, else all; its ignore patterns). */
  list(root: string, roots: string[] | undefined, ignore: string[]): Promise<Listing>;
}

export const KNOWN_RULES: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id));
const RULE_META: ReadonlyMap<string, RuleMeta> = new Map(RULES.map((r) => [r.meta.id, r.meta]));

/** A slice of more text than this is big: linted in steps, after a debounce scaled by its size. */
export const BIG_SLICE_CHARS = 2_000_000;
/** The debounce of a big slice grows by this many ms per million characters. */
export const DEBOUNCE_MS_PER_MILLION = 200;
/** A step of a lint in steps runs at least this long before it yields (ms). */
const STEP_MS = 50;
/** Reading a folder's files yields to the event loop when a step took this long (ms). */
const READ_STEP_MS = 10;
/** A slice of at least this much text is linted in a worker thread (src/lsp/offthread.ts). */
export const WORKER_SLICE_CHARS = 1_000_000;
/** After this many failures of its worker, a slice is linted in the server's thread again (in steps when big). */
export const WORKER_FAILURES = 2;

export class Project {
  config: Config | undefined;
  configProblem: ConfigProblem | undefined;
  severities: Record<string, SeveritySetting> = {};
  settings: Settings = settingsOf(undefined, {}, '.', KNOWN_RULES).settings;
  /** Files of the folder the way `kube-netlint <root>` finds them (ids). */
  included = new Set<string>();
  /** Open documents of the folder that are on no disk (new, not saved yet): linted with it. */
  unsaved = new Set<string>();
  /** Text on disk, per id, and its parse once something needed it (src/lsp/disk.ts). */
  disk = new Map<string, DiskFile>();
  /** Kustomize trees of the folder (planned on the input road): the files linted together; undefined: all of them. */
  groups: LintGroup[] | undefined;
  ready = false;
  dirty = false;
  timer: NodeJS.Timeout | undefined;
  published = new Map<string, Published>();
  /** Findings of the last lint, per id. */
  findings = new Map<string, Finding[]>();
  /** Ids of the files of the last lint. */
  fileIds = new Map<SourceFile, string>();
  /** Characters of text of the last lint's slice. */
  chars = 0;
  /** A lint in steps or in the worker is running; `generation` moves on with every change, which stops it. */
  running = false;
  generation = 0;
  /** Linted in a worker thread (decided by the workspace from the slice's size). */
  offThread = false;
  worker: SliceWorker | undefined;
  workerFailures = 0;
  /** The worker knows what `published` holds (else the next job tells it). */
  private workerSynced = false;
  private reloadWanted = false;
  private warned: string | undefined;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly ws: ProjectOwner,
    /** Folder root; undefined for a single document outside the workspace folders. */
    readonly root: string | undefined,
    /** The document of a single-document project. */
    readonly single?: string,
  ) {}

  /** Characters of text of the slice now (open buffers as they are): decides the debounce and whether to lint in steps. */
  sliceChars(): number {
    let n = 0;
    const size = (id: string) => {
      const d = this.ws.overlays.has(id) ? undefined : this.disk.get(id);
      return (d ? (d.manifest === false ? '' : d.text) : (this.ws.overlays.get(id)?.text ?? '')).length;
    };
    if (!this.root) return this.single ? size(this.single) : 0;
    for (const id of this.included) n += size(id);
    for (const id of this.unsaved) if (!this.included.has(id)) n += size(id);
    return n;
  }

  get big(): boolean {
    return Math.max(this.chars, this.sliceChars()) >= BIG_SLICE_CHARS;
  }

  /** (Re)read the config and the folder's file list, then read the files that are new. */
  reload(): Promise<void> {
    this.reloadWanted = true;
    if (!this.reloading) {
      this.reloading = (async () => {
        try {
          while (this.reloadWanted) {
            this.reloadWanted = false;
            await this.load().catch((e: Error) =>
              this.ws.host.log(`cannot load ${this.root ?? this.single}: ${e?.message ?? String(e)}`),
            );
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
      let read = new Map<string, DiskFile>();
      try {
        // The config's `roots` make up the slice when it has them (as for the CLI without paths);
        // otherwise the whole folder. The files are listed in a worker thread (the Kustomize roots
        // planned there too), then read here in steps (bounded, as the CLI reads them) and parsed
        // where they are linted; files already read are not read again (a watched change re-reads its file).
        const roots = this.config?.roots;
        const input = await this.ws.list(root, roots, this.config?.ignorePatterns ?? []);
        const log = (m: string) => this.ws.host.log(m);
        ({ files, groups: this.groups, read } = await readFolder(root, input, this.disk, !!roots, log));
      } catch (e) {
        this.ws.host.log(`cannot list the files of ${root}: ${(e as Error).message}`);
      }
      const included = new Set(files);
      for (const [id, d] of read) this.disk.set(id, d);
      for (const id of this.disk.keys()) if (!included.has(id)) this.disk.delete(id);
      this.included = included;
      this.unsaved.clear();
      for (const ov of this.ws.overlays.values()) this.noteUnsaved(ov);
      this.ws.reconcile();
    }
    this.ready = true;
    // Read, not edited: no reason to wait longer for a big slice.
    this.ws.schedule(this, 0, true);
  }

  /**
   * An open document of this folder that the walk did not find because it is on no disk (a new
   * file not saved yet) is linted with the folder, when it is named or typed as a manifest. The
   * ignore patterns are not applied to it (as to a file named on the command line).
   */
  noteUnsaved(ov: Overlay): void {
    if (!this.root || !isFileId(ov.id) || this.included.has(ov.id) || this.ws.projectOf(ov.id) !== this) return;
    const ext = path.extname(ov.id).slice(1).toLowerCase();
    if (!MANIFEST_EXTENSIONS.includes(ext) && !['yaml', 'json', 'jsonc'].includes(ov.languageId)) return;
    if (!existsSync(ov.id)) this.unsaved.add(ov.id);
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
    // As the folder's files are read (bounded; kept even when it is not a manifest), parsed where it is linted.
    const { read } = await readDisk([{ absPath: id, walked: false }], this.root, stepper(READ_STEP_MS));
    const d = read.get(id);
    if (d === undefined) {
      this.disk.delete(id);
      this.included.delete(id);
    } else {
      const prev = this.disk.get(id);
      this.disk.set(id, prev && prev.text === d.text && prev.name === d.name ? prev : d);
    }
    this.ws.schedule(this);
  }

  /** Display name of a document of this project. */
  nameOf(id: string): string {
    if (this.root && isFileId(id)) return displayPath(id, this.root);
    return isFileId(id) ? path.basename(id) : id;
  }

  /** Ids of the slice's documents, in the CLI's order. */
  private ids(): string[] {
    if (!this.root) return this.single ? [this.single] : [];
    const ids = [
      ...this.included,
      ...[...this.unsaved].filter((id) => !this.included.has(id) && this.ws.overlays.has(id)),
    ].filter((id) => this.ws.projectOf(id) === this);
    return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** An open buffer's parse, taking over the disk's when the buffer was just opened as on disk. */
  private adopt(id: string, ov: Overlay): { name: string; json: boolean } {
    const name = this.nameOf(id);
    const onDisk = this.disk.get(id);
    if (!ov.parsed && onDisk?.file && onDisk.text === ov.text && onDisk.name === name) {
      // Re-parses consume the parse; the file is read again when the buffer closes.
      ov.parsed = { text: onDisk.text, name, file: onDisk.file };
      this.disk.delete(id);
    }
    return { name, json: isJson(name, ov.languageId) };
  }

  /** The files of the slice, open buffers overriding the disk, in the CLI's order. */
  slice(): { id: string; file: SourceFile; version?: number }[] {
    const out: { id: string; file: SourceFile; version?: number }[] = [];
    for (const id of this.ids()) {
      const ov = this.ws.overlays.get(id);
      let file: SourceFile | undefined;
      if (ov) {
        const { name, json } = this.adopt(id, ov);
        ov.parsed = parseEdited(ov.parsed, ov.text, name, isFileId(id) ? id : undefined, json);
        file = ov.parsed.file;
        if (notAManifest(file)) continue;
      } else {
        // Parsed here if it was not yet (a lint at once); a file the walk leaves out is not linted.
        const d = this.disk.get(id);
        file = d && diskFile(d);
        if (!file || !d?.manifest) continue;
      }
      out.push({ id, file, version: ov?.version });
    }
    return out;
  }

  /** The Kustomize groups, unsaved documents with the files outside Kustomize trees. */
  private lintGroups(): LintGroup[] | undefined {
    if (!this.groups || this.unsaved.size === 0) return this.groups;
    const unsaved = [...this.unsaved];
    const ordinary = this.groups.find((g) => g.root === undefined);
    if (!ordinary) return [...this.groups, { ids: unsaved }];
    return this.groups.map((g) => (g === ordinary ? { ids: [...g.ids, ...unsaved] } : g));
  }

  private lintOptions(): LintOptions {
    return { rules: RULES, severities: this.severities, settings: this.settings };
  }

  /** Whether a file on disk of the slice is not parsed yet (a lint in this thread parses it first, in steps). */
  unparsed(): boolean {
    for (const id of this.included) {
      const d = this.ws.overlays.has(id) ? undefined : this.disk.get(id);
      if (d && !d.file) return true;
    }
    return false;
  }

  /** Lint the slice at once and publish what changed. */
  lintNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready) return;
    this.dirty = false;
    this.generation++;
    this.leaveWorker();
    const t0 = performance.now();
    const slice = this.slice();
    const t1 = performance.now();
    const result = lintSlice(slice, this.lintGroups(), this.lintOptions());
    this.finish(slice, result, [t0, t1, performance.now()]);
  }

  /**
   * Lint the slice in steps (parse, model, one rule at a time), yielding to the event loop when a
   * step took `STEP_MS`; a change meanwhile stops it (the change schedules the next lint).
   */
  async lintInSteps(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready || this.running) return;
    this.dirty = false;
    const generation = ++this.generation;
    this.leaveWorker();
    this.running = true;
    let last = performance.now();
    const pause = async (): Promise<boolean> => {
      if (performance.now() - last >= STEP_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        last = performance.now();
      }
      return generation !== this.generation || !this.ready;
    };
    try {
      const t0 = performance.now();
      for (const id of this.ids()) {
        const ov = this.ws.overlays.get(id);
        const d = ov ? undefined : this.disk.get(id);
        if (d && !((await parseDiskInSteps(d, pause)) && generation === this.generation)) return;
        if (!ov) continue;
        const { name, json } = this.adopt(id, ov);
        const parsed = await parseEditedInSteps(ov.parsed, ov.text, name, isFileId(id) ? id : undefined, json, pause);
        if (!parsed || generation !== this.generation) return;
        ov.parsed = parsed;
      }
      // A turn of the event loop between the parse and the model.
      await new Promise((resolve) => setImmediate(resolve));
      if (generation !== this.generation) return;
      const slice = this.slice();
      const t1 = performance.now();
      const result = await lintSliceInSteps(slice, this.lintGroups(), this.lintOptions(), pause);
      if (!result || generation !== this.generation) return;
      this.finish(slice, result, [t0, t1, performance.now()]);
    } finally {
      this.running = false;
      // Stopped by a change, or changed while publishing: the change's lint runs now.
      if (this.dirty) this.ws.schedule(this);
    }
  }

  private finish(
    slice: { id: string; file: SourceFile; version?: number }[],
    result: SliceLint,
    [t0, t1, t2]: number[],
  ): void {
    const fileIds = new Map<SourceFile, string>();
    const versions = new Map<string, number | undefined>();
    let chars = 0;
    for (const s of slice) {
      fileIds.set(s.file, s.id);
      versions.set(s.id, s.version);
      chars += s.file.text.length;
    }
    this.chars = chars;
    this.workerSynced = false;
    for (const e of result.internalErrors)
      this.ws.host.log(`internal error in rule ${e.ruleId}: ${e.error?.stack ?? String(e.error)}`);
    const findings = findingsById(result.findings, fileIds);
    this.findings = findings;
    this.fileIds = fileIds;
    publishChanged(findings, this.configProblem, this.published, {
      uriOf: (id) => this.ws.uriOf(id),
      uriOfFile: (file) => this.ws.uriOf(fileIds.get(file) ?? file.absPath ?? file.path),
      rules: RULE_META,
      send: (uri, diagnostics, version) => this.ws.host.publish(uri, diagnostics, version),
      version: (id) => versions.get(id) ?? this.ws.overlays.get(id)?.version,
      ownedElsewhere: (id) => this.ownedElsewhere(id),
    });
    if (this.ws.timing) {
      const t3 = performance.now();
      const ms = (a: number, b: number) => (b - a).toFixed(1);
      this.ws.host.log(
        `lint ${this.root ?? this.single}: ${slice.length} files, ${result.objects} objects; parse ${ms(t0, t1)} ms, model+graph+rules ${ms(t1, t2)} ms, diagnostics+publish ${ms(t2, t3)} ms`,
      );
    }
  }

  /**
   * Lint the slice in the worker thread (started on first use) and publish what it found changed;
   * a change meanwhile stops the job (the change schedules the next one). A worker that fails is
   * started again, up to `WORKER_FAILURES` times.
   */
  async lintInWorker(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready || this.running) return;
    this.dirty = false;
    const generation = ++this.generation;
    this.running = true;
    try {
      if (!this.worker) {
        this.worker = new SliceWorker();
        const chars = this.sliceChars().toLocaleString('en-US');
        this.ws.host.log(`${this.root ?? this.single}: ${chars} characters, linted in a worker thread`);
      }
      const files = filesForWorker(this.ids(), this.ws.overlays, this.disk, (id) => this.nameOf(id));
      const job: LintJob = {
        type: 'lint',
        generation,
        files,
        groups: this.lintGroups(),
        severities: this.severities,
        settings: this.settings,
        configProblem: this.configProblem,
        published: this.workerSynced ? undefined : [...this.published].map(([id, p]) => [id, p.uri, p.json]),
      };
      this.workerSynced = true;
      const t0 = performance.now();
      const r: JobResult = await this.worker.lint(job);
      if (r.type === 'failed') {
        [this.worker, this.workerSynced, this.dirty] = [undefined, false, true];
        const next = ++this.workerFailures < WORKER_FAILURES ? 'starting it again' : "linting in the server's thread";
        return this.ws.host.log(`the lint worker of ${this.root ?? this.single} failed (${r.why}); ${next}`);
      }
      if (r.type === 'stopped') return;
      // Stale (a change came as it finished): dropped; what the worker thinks it published is told again.
      if (generation !== this.generation) return void (this.workerSynced = false);
      const t1 = performance.now();
      this.chars = r.chars;
      this.findings = new Map();
      this.fileIds = new Map();
      for (const e of r.internalErrors) this.ws.host.log(e);
      publishFromWorker(r.publish, this.published, {
        send: (uri, diagnostics, version, id) =>
          this.ws.host.publish(uri, diagnostics, version ?? this.ws.overlays.get(id)?.version),
        ownedElsewhere: (id) => this.ownedElsewhere(id),
      });
      if (this.ws.timing) {
        const ms = (n: number) => n.toFixed(1);
        this.ws.host.log(
          `lint ${this.root ?? this.single}: ${r.files} files, ${r.objects} objects; in a worker thread: parse ${ms(r.ms[0])} ms, model+graph+rules ${ms(r.ms[1])} ms, diagnostics ${ms(r.ms[2])} ms; job to publish ${ms(performance.now() - t0)} ms, of which publish ${ms(performance.now() - t1)} ms`,
        );
      }
    } finally {
      this.running = false;
      if (this.dirty) this.ws.schedule(this);
    }
  }

  /** The quick fixes of a document of a slice linted in the worker, from the worker. */
  workerFixes(id: string, diagnostics: Diagnostic[], documentChanges: boolean): Promise<CodeAction[]> {
    return this.worker?.quickFixes(id, diagnostics, documentChanges) ?? Promise.resolve([]);
  }

  /** Linted in this thread from now on: the worker (and the memory it holds) goes. */
  private leaveWorker(say = true): void {
    if (!this.worker) return;
    if (say) this.ws.host.log(`${this.root ?? this.single}: linted in the server's thread`);
    this.worker.dispose();
    this.worker = undefined;
    this.workerSynced = false;
  }

  /** The document moved to another slice that already published it. */
  private ownedElsewhere(id: string): boolean {
    const owner = this.ws.projectOf(id);
    return !!owner && owner !== this && owner.published.has(id);
  }

  /** Clear every diagnostic this project published. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.generation++;
    this.leaveWorker(false);
    for (const [id, p] of this.published) if (!this.ownedElsewhere(id)) this.ws.host.publish(p.uri, []);
    this.published.clear();
    this.findings.clear();
  }
}
