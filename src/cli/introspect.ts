/**
 * Introspection for `kube-netlint [lint]`: `--print-config <file>` (the effective settings for a
 * file), `--debug`'s note on the config file, `--list-rules` as text or JSON, and the path
 * `--stdin-filename` gives standard input.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedSettings } from '../engine/settings.js';
import type { Rule, SeveritySetting } from '../engine/types.js';
import { terminalSafe } from '../format/escape.js';
import { displayPath } from '../load/discover.js';
import type { StdinName } from '../load/load.js';
import type { Io } from './io.js';

/** The config file a run uses, relative to the working directory; null when there is none. */
export function configFileOf(settings: ResolvedSettings, cwd: string): string | null {
  const p = settings.config?.path;
  return p ? displayPath(p, cwd) : null;
}

/** `--debug`: one line on stderr naming the config file that was loaded, or saying there was none. */
export function debugConfig(settings: ResolvedSettings, io: Io, noConfig: boolean): void {
  const file = configFileOf(settings, io.cwd);
  const note = file
    ? `config file ${terminalSafe(file)}`
    : noConfig
      ? 'no config file (--no-config)'
      : `no config file (none found from ${terminalSafe(io.cwd)} upwards)`;
  io.stderr.write(`kube-netlint: ${note}\n`);
}

/** The effective settings for a file, as `--print-config` prints them (JSON). */
export interface PrintedConfig {
  file: string;
  /** The config file these settings come from (relative to the working directory), or null. */
  configFile: string | null;
  /** The config's ignore patterns and `--ignore-pattern` skip this file when a folder or glob is linted. */
  ignored: boolean;
  /** Every rule's severity for this file: the config's and `--rule`'s, else the rule's default. */
  rules: Record<string, SeveritySetting>;
  namespace: string;
  nodePortRange: [number, number];
  policy: ResolvedSettings['settings']['policy'] | null;
  ignorePatterns: string[];
  roots: string[] | null;
}

export async function effectiveConfig(
  file: string,
  settings: ResolvedSettings,
  rules: readonly Rule[],
  cwd: string,
): Promise<PrintedConfig> {
  const rulesOut: Record<string, SeveritySetting> = {};
  for (const r of rules) rulesOut[r.meta.id] = settings.severities[r.meta.id] ?? r.meta.severity;
  let ignored = false;
  if (existsSync(path.resolve(cwd, file)) && settings.ignore.length > 0) {
    const { convertPathToPattern, globby } = await import('globby');
    const pattern = convertPathToPattern(path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join('/'));
    const kept = await globby([pattern], {
      cwd,
      ignore: settings.ignore,
      gitignore: false,
      dot: true,
      expandDirectories: false,
    });
    ignored = kept.length === 0;
  }
  return {
    file,
    configFile: configFileOf(settings, cwd),
    ignored,
    rules: rulesOut,
    namespace: settings.settings.defaultNamespace,
    nodePortRange: settings.settings.nodePortRange,
    policy: settings.settings.policy ?? null,
    ignorePatterns: settings.ignore,
    roots: settings.roots ?? null,
  };
}

/** `--list-rules`: a table, or with `-f json` an array of `{id, severity, description, docs}`. */
export function listRules(rules: readonly Rule[], json: boolean): string {
  if (json) {
    const list = rules.map((r) => ({
      id: r.meta.id,
      severity: r.meta.severity,
      description: r.meta.description,
      docs: r.meta.docs,
    }));
    return `${JSON.stringify(list, null, 2)}\n`;
  }
  return rules.map((r) => `${r.meta.id.padEnd(34)} ${r.meta.severity.padEnd(8)} ${r.meta.description}\n`).join('');
}

/** `--stdin-filename <path>`: its display path (relative to the working directory) and absolute path. */
export function stdinNameOf(given: string | undefined, cwd: string): StdinName | undefined {
  if (given === undefined || given === '') return undefined;
  const absPath = path.resolve(cwd, given);
  return { path: displayPath(absPath, cwd), absPath };
}
