import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv, ErrorObject } from 'ajv';
import type * as AjvModule from 'ajv';
import type * as Globby from 'globby';
import { ConfigError, configErrorAt, readConfigDocument } from './config-read.js';
import type { PolicySettings } from '../policy/engine.js';
import type { SeveritySetting } from './types.js';

export const CONFIG_FILES = ['.kube-netlint.yaml', '.kube-netlint.yml', '.kube-netlint.json'];

export interface Config {
  /** Absolute path of the file it came from, if any. */
  path?: string;
  rules: Record<string, SeveritySetting>;
  namespace?: string;
  nodePortRange?: [number, number];
  ignorePatterns: string[];
  /** Where the ingress controller and the cluster DNS run (NetworkPolicy analysis). */
  policy?: PolicySettings;
  /** Services deployed elsewhere (`namespace/name` or `namespace/*`): references to them resolve outside. */
  externalServices?: string[];
  /**
   * Paths or globs (rebased from the config file's folder to the working directory) that make up
   * the project's cluster slice: linted when no path is given, and by the pre-commit mode
   * (`--only-report-args`). Undefined when the config has no `roots`.
   */
  roots?: string[];
}

export { ConfigError };

const SCHEMA_PATH = new URL('../../../schemas/config.schema.json', import.meta.url);
let validator: ReturnType<Ajv['compile']> | undefined;

function validate(data: unknown): ErrorObject[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object;
    // Loaded only when there is a config file to check: a run without one does not pay for ajv.
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof AjvModule;
    validator = new AjvClass({ allErrors: true, strict: true }).compile(schema);
  }
  return validator(data) ? [] : (validator.errors ?? []);
}

/** Find `.kube-netlint.yaml` (or .yml/.json) in `cwd` or its ancestors. */
export function findConfig(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  while (true) {
    for (const name of CONFIG_FILES) {
      const p = path.join(dir, name);
      if (existsSync(p)) return p;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function normalizeSeverity(s: SeveritySetting | 'warn'): SeveritySetting {
  return s === 'warn' ? 'warning' : s;
}

export function parseNodePortRange(s: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(s);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (lo < 1 || hi > 65535 || lo > hi) return undefined;
  return [lo, hi];
}

/** Load and validate a config file. Throws ConfigError with a message naming the file, the position and the bad key. */
export function loadConfig(file: string, knownRules: ReadonlySet<string>, cwd = process.cwd()): Config {
  const c = readConfigDocument(file);
  const data = c.data;
  const errors = validate(data);
  if (errors.length) {
    const first = errors.find((e) => e.keyword === 'propertyNames') ?? errors[0];
    const { path, key } = errorPath(first, data);
    throw configErrorAt(c, path, describeError(first), key);
  }
  const raw = data as {
    rules?: Record<string, SeveritySetting | 'warn'>;
    namespace?: string;
    nodePortRange?: string;
    ignorePatterns?: string[];
    roots?: string[];
    ingressController?: { namespace: string; labels?: Record<string, string> };
    dns?: { namespace: string; labels: Record<string, string>; port?: number };
    gatewayPods?: { namespace?: string; labels?: Record<string, string> };
    prometheus?: { namespace: string; labels?: Record<string, string> };
    externalServices?: string[];
  };
  const rules: Record<string, SeveritySetting> = Object.create(null) as Record<string, SeveritySetting>;
  for (const [id, sev] of Object.entries(raw.rules ?? {})) {
    if (!knownRules.has(id)) throw configErrorAt(c, ['rules', id], `rules: unknown rule "${id}"`, true);
    rules[id] = normalizeSeverity(sev);
  }
  let nodePortRange: [number, number] | undefined;
  if (raw.nodePortRange !== undefined) {
    nodePortRange = parseNodePortRange(raw.nodePortRange);
    if (!nodePortRange)
      throw configErrorAt(
        c,
        ['nodePortRange'],
        `nodePortRange: "${raw.nodePortRange}" is not a range like 30000-32767`,
      );
  }
  const base = path.dirname(file);
  const ignorePatterns = (raw.ignorePatterns ?? []).map((p) => rebase(p, base, cwd));
  const roots = raw.roots?.map((r) => rebaseRoot(r, base, cwd));
  const policy: PolicySettings = {};
  if (raw.ingressController)
    policy.ingressController = {
      namespace: raw.ingressController.namespace,
      labels: raw.ingressController.labels ?? {},
    };
  if (raw.dns) policy.dns = raw.dns;
  if (raw.gatewayPods)
    policy.gatewayPods = { namespace: raw.gatewayPods.namespace, labels: raw.gatewayPods.labels ?? {} };
  if (raw.prometheus) policy.prometheus = { namespace: raw.prometheus.namespace, labels: raw.prometheus.labels ?? {} };
  return {
    path: file,
    rules,
    namespace: raw.namespace,
    nodePortRange,
    ignorePatterns,
    roots,
    policy,
    externalServices: raw.externalServices,
  };
}

/**
 * Whether a config root is a glob. Only a string holding one of these characters can be one; globby
 * (loaded here, on first use, only then) decides for those.
 */
function isGlob(root: string): boolean {
  if (!/[*?[\](){}!\\]/.test(root)) return false;
  const { isDynamicPattern } = createRequire(import.meta.url)('globby') as typeof Globby;
  return isDynamicPattern(root);
}

/** A config root is relative to the config file; discovery takes paths relative to cwd. */
function rebaseRoot(root: string, base: string, cwd: string): string {
  if (isGlob(root)) return rebase(root, base, cwd);
  return path.relative(cwd, path.resolve(base, root)).split(path.sep).join('/') || '.';
}

/** Config ignore patterns are relative to the config file; discovery works relative to cwd. */
function rebase(pattern: string, base: string, cwd: string): string {
  const neg = pattern.startsWith('!');
  const p = neg ? pattern.slice(1) : pattern;
  const rel = path.relative(cwd, base).split(path.sep).join('/');
  const joined = rel && !p.startsWith('**/') ? `${rel}/${p}` : p;
  return neg ? `!${joined}` : joined;
}

/** Where a schema error is: the path of its value (list indexes as numbers), or of the key it names. */
function errorPath(e: ErrorObject, data: unknown): { path: (string | number)[]; key: boolean } {
  const path: (string | number)[] = [];
  let at: unknown = data;
  for (const raw of e.instancePath ? e.instancePath.slice(1).split('/') : []) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const step = Array.isArray(at) ? Number(seg) : seg;
    path.push(step);
    at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[step] : undefined;
  }
  if (e.keyword === 'additionalProperties')
    return { path: [...path, (e.params as { additionalProperty: string }).additionalProperty], key: true };
  if (e.keyword === 'propertyNames')
    return { path: [...path, (e.params as { propertyName: string }).propertyName], key: true };
  return { path, key: false };
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath
    ? e.instancePath
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .join('.')
    : '';
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where ? `${where}: ` : ''}unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'propertyNames':
      return `${where}: unknown rule "${(e.params as { propertyName: string }).propertyName}"`;
    case 'enum':
      return `${where}: must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where || 'config'}: ${e.message ?? 'is invalid'}`;
  }
}
