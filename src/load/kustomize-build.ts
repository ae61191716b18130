/**
 * Building a Kustomize root with the user's `kustomize` or `kubectl`, and mapping the objects of the
 * build output back to the files they came from; and which program builds (`resolveKustomizeCommand`).
 *
 * Origins without editing the user's files: the build runs on a temporary kustomization (in a
 * temporary folder) that lists the root as its only resource, by relative path, and asks for
 * `buildMetadata: [originAnnotations]`. Every object then carries `config.kubernetes.io/origin`
 * (`path:` relative to that temporary folder, or `configuredIn:` for generated objects). A kustomize
 * too old for `buildMetadata` fails on it: the root is then built as it is, without origins.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Node } from 'yaml';
import { displayPath } from './discover.js';
import { decode } from './read.js';
import type { ManifestDocument, Path, SourceFile } from './text.js';
import { resolveRange } from './resolve.js';
import { loadText } from './load.js';
import { yamlLib } from './yaml-lib.js';

export interface BuildOptions {
  /** The program and its build subcommand, e.g. `['kubectl', 'kustomize']`. */
  command: string[];
  cwd: string;
  /** Environment of the program (its PATH finds it). */
  env?: NodeJS.ProcessEnv;
  /** A build that takes longer is stopped (default 120 s). */
  timeoutMs?: number;
  /** A build output larger than this is not read (default 64 MiB, the input limit). */
  maxBytes?: number;
}

/** The build output of a root. */
export interface Rendered {
  /** Display name of the stream: the command and the root, e.g. `<kubectl kustomize overlays/prod>`. */
  name: string;
  text: string;
  /** The folder the origin annotations' paths are relative to; undefined when the build has none. */
  originBase?: string;
  /**
   * The files the root's kustomizations list as resources (absolute paths): where an object without
   * an origin annotation (an older kustomize) is looked for, by kind and name.
   */
  resources?: string[];
}

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

/** `kubectl kustomize`, `kustomize build`: the command as users type it. */
export function kustomizeCommandName(command: string[]): string {
  return [path.basename(command[0]), ...command.slice(1)].join(' ');
}

interface RunResult {
  stdout: string;
  error?: string;
}

function run(command: string[], dir: string, options: BuildOptions): Promise<RunResult> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const timeout = options.timeoutMs ?? 120_000;
  return new Promise((resolve) => {
    process.getBuiltinModule('node:child_process').execFile(
      command[0],
      [...command.slice(1), dir],
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout,
        maxBuffer: maxBytes,
        encoding: 'buffer',
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (!err) {
          resolve({ stdout: decode(stdout) });
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string; code?: string | number };
        let message: string;
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
          message = `its output is larger than ${maxBytes} bytes (--max-input-bytes)`;
        else if (e.killed || e.signal)
          message =
            e.killed && e.signal === 'SIGTERM'
              ? `it took longer than ${Math.round(timeout / 1000)} s and was stopped`
              : `it was stopped (${e.signal})`;
        else if (e.code === 'ENOENT') message = `${command[0]} was not found`;
        else message = firstLine(decode(stderr)) || `it exited with code ${String(e.code)}`;
        resolve({ stdout: '', error: message });
      },
    );
  });
}

/** The gist of a program's error output, on one line (kubectl's log prefix and quoting removed). */
export function firstLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /^(error|Error)\b/.test(l)) ?? lines[0] ?? '';
  // kubectl logs `E1207 00:47:37.737862 7610 run.go:72] "command failed" err="…"`.
  const klog = /^[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] .*?\berr="((?:[^"\\]|\\.)*)"/.exec(line);
  const text = klog ? klog[1].replace(/\\(.)/g, '$1') : line.replace(/^(error|Error):\s*/, '');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/**
 * Build one root: with origin annotations when the program knows them, else as it is. Never throws:
 * a failure comes back as a one-line `error`.
 */
export async function buildRoot(dir: string, options: BuildOptions): Promise<Rendered | { error: string }> {
  const name = `<${kustomizeCommandName(options.command)} ${displayPath(dir, options.cwd)}>`;
  let wrapper: string | undefined;
  try {
    wrapper = realpathSync(mkdtempSync(path.join(tmpdir(), 'kube-netlint-kustomize-')));
    const rel = path.relative(wrapper, realpathSync(dir)).split(path.sep).join('/');
    if (!path.isAbsolute(rel)) {
      writeFileSync(
        path.join(wrapper, 'kustomization.yaml'),
        `resources:\n- ${JSON.stringify(rel)}\nbuildMetadata: [originAnnotations]\n`,
      );
      const withOrigins = await run(options.command, wrapper, options);
      if (withOrigins.error === undefined) return { name, text: withOrigins.stdout, originBase: wrapper };
    }
  } catch {
    // No temporary folder: build without origins.
  } finally {
    if (wrapper) rmSync(wrapper, { recursive: true, force: true });
  }
  const plain = await run(options.command, dir, options);
  if (plain.error !== undefined) return { error: plain.error };
  return { name, text: plain.stdout };
}

interface Origin {
  /** The file the object came from, or the kustomization that generated it. */
  file: string;
  generated: boolean;
}

function originOf(doc: ManifestDocument, base: string): Origin | undefined {
  const v = doc.value as { metadata?: { annotations?: Record<string, unknown> } } | null;
  const raw = v?.metadata?.annotations?.[ORIGIN_ANNOTATION];
  if (typeof raw !== 'string') return undefined;
  let o: unknown;
  try {
    o = yamlLib().parse(raw);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const { path: p, repo, configuredIn } = o as { path?: unknown; repo?: unknown; configuredIn?: unknown };
  // From a remote base: nothing on disk to point at.
  if (repo !== undefined) return undefined;
  if (typeof p === 'string') return { file: path.resolve(base, p), generated: false };
  if (typeof configuredIn === 'string') return { file: path.resolve(base, configuredIn), generated: true };
  return undefined;
}

/** The path of the deepest node of a document at an offset (and whether the offset is on a key). */
function pathAt(doc: ManifestDocument, offset: number): { path: Path; key: boolean } {
  const { isMap, isSeq, isPair } = yamlLib();
  const out: (string | number)[] = [];
  let node = doc.yaml?.contents as Node | null | undefined;
  for (let depth = 0; node && depth < 200; depth++) {
    let next: Node | null | undefined;
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = item.key as Node | null;
        const value = item.value as Node | null;
        const k = key && 'value' in key ? (key as { value: unknown }).value : undefined;
        if (typeof k !== 'string' && typeof k !== 'number') continue;
        if (key?.range && offset >= key.range[0] && offset < key.range[1]) {
          out.push(k);
          return { path: out, key: true };
        }
        if (value?.range && offset >= value.range[0] && offset < value.range[1]) {
          out.push(k);
          next = value;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const n = item as Node | null;
        if (next === undefined && n?.range && offset >= n.range[0] && offset < n.range[1]) {
          out.push(i);
          next = n;
        }
      });
    }
    node = next;
  }
  return { path: out, key: false };
}

const identity = (value: unknown): { kind?: unknown; name?: unknown } => {
  const v = value as { kind?: unknown; metadata?: { name?: unknown } } | null;
  return { kind: v?.kind, name: v?.metadata?.name };
};

/** The document of a source file an object of the build came from: same kind, and the name it had before prefixes and suffixes. */
function sourceDocument(file: SourceFile, rendered: unknown, named = false): ManifestDocument | undefined {
  const { kind, name } = identity(rendered);
  const sameKind = file.documents.filter((d) => identity(d.value).kind === kind);
  const exact = sameKind.find((d) => identity(d.value).name === name);
  if (exact) return exact;
  const candidates = sameKind
    .filter((d) => {
      const n = identity(d.value).name;
      return typeof n === 'string' && typeof name === 'string' && n !== '' && name.includes(n);
    })
    .sort((a, b) => String(identity(b.value).name).length - String(identity(a.value).name).length);
  return candidates[0] ?? (!named && sameKind.length === 1 ? sameKind[0] : undefined);
}

export type Location = { file: SourceFile; range: [number, number] };

/**
 * Map locations in a root's build output (the stream `rendered` was loaded as) to the source files
 * the objects came from: the same node where the source has it, else its closest ancestor there,
 * else the document. The source file is the one the origin annotation names; without one, the one
 * resource file of the root that holds an object of that kind and name (none or several: no
 * mapping). Undefined for locations elsewhere or not found (they stay in the stream). Source files
 * are read once each, up to `maxBytes`.
 */
export function originMapper(
  stream: SourceFile,
  rendered: Rendered,
  cwd: string,
  maxBytes = 16 * 1024 * 1024,
): (loc: Location) => Location | undefined {
  const sources = new Map<string, SourceFile | undefined>();
  const source = (abs: string): SourceFile | undefined => {
    if (!sources.has(abs)) {
      let file: SourceFile | undefined;
      try {
        const buf = readFileSync(abs);
        if (buf.length <= maxBytes) file = loadText(displayPath(abs, cwd), decode(buf), abs);
      } catch {
        file = undefined;
      }
      sources.set(abs, file);
    }
    return sources.get(abs);
  };
  const base = rendered.originBase;
  const byIdentity = (value: unknown): Location | undefined => {
    // The same name first; else the name before a prefix or suffix.
    const { kind, name } = identity(value);
    const files = (rendered.resources ?? []).map(source).filter((f): f is SourceFile => f !== undefined);
    const exact = files.filter((f) =>
      f.documents.some((d) => identity(d.value).kind === kind && identity(d.value).name === name),
    );
    if (exact.length) return exact.length === 1 ? { file: exact[0], range: [0, 0] } : undefined;
    // The longest name inside the built one (`web` rather than `eb` in `x-web`), in one file only.
    const len = (f: SourceFile) => String(identity(sourceDocument(f, value, true)?.value).name ?? '').length;
    const best = Math.max(0, ...files.map(len));
    const hits = best > 0 ? files.filter((f) => len(f) === best) : [];
    return hits.length === 1 ? { file: hits[0], range: [0, 0] } : undefined;
  };
  return (loc) => {
    if (loc.file !== stream) return undefined;
    const offset = loc.range[0];
    let doc: ManifestDocument | undefined;
    for (const d of stream.documents) {
      const start = d.yaml?.range?.[0];
      if (start !== undefined && start <= offset) doc = d;
    }
    if (!doc) return undefined;
    const origin = base === undefined ? undefined : originOf(doc, base);
    const file = origin ? source(origin.file) : byIdentity(doc.value)?.file;
    if (!file) return undefined;
    if (origin?.generated) return { file, range: [0, 0] };
    const target = sourceDocument(file, doc.value, !origin);
    if (!target) return { file, range: [0, 0] };
    const at = pathAt(doc, offset);
    return { file, range: resolveRange({ doc: target, path: at.path, key: at.key }) };
  };
}

/**
 * The build program: `none` for none; a command given (`"kubectl kustomize"`, `"kustomize build"`,
 * split on spaces); else `kustomize build` or `kubectl kustomize`, whichever is on the PATH first
 * (kustomize preferred), else none.
 */
export function resolveKustomizeCommand(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): string[] | null | { error: string } {
  if (flag !== undefined) {
    const argv = flag.trim().split(/\s+/).filter(Boolean);
    if (argv.length === 0)
      return { error: '--kustomize-command needs a command such as "kubectl kustomize", "kustomize build" or "none"' };
    if (argv.length === 1 && argv[0] === 'none') return null;
    if (!onPath(argv[0], env)) return { error: `--kustomize-command "${flag}": ${argv[0]} was not found` };
    // A bare program name: its build subcommand.
    if (argv.length === 1) {
      const base = path.basename(argv[0]).replace(/\.exe$/i, '');
      if (base === 'kustomize') argv.push('build');
      else if (base === 'kubectl') argv.push('kustomize');
    }
    return argv;
  }
  if (onPath('kustomize', env)) return ['kustomize', 'build'];
  if (onPath('kubectl', env)) return ['kubectl', 'kustomize'];
  return null;
}

function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  const exts = process.platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  const candidates =
    program.includes('/') || program.includes(path.sep)
      ? [program]
      : (env.PATH ?? '')
          .split(path.delimiter)
          .filter(Boolean)
          .map((d) => path.join(d, program));
  for (const c of candidates) {
    for (const ext of exts) {
      try {
        const s = statSync(c + ext);
        if (s.isFile() && (process.platform === 'win32' || (s.mode & 0o111) !== 0)) return true;
      } catch {
        // next
      }
    }
  }
  return false;
}
