/**
 * The settings of a run, resolved in one place: the config file (found upwards from the working
 * directory, or given), then command-line flags, then the defaults written here once.
 */
import path from 'node:path';
import { DEFAULT_INPUT_LIMITS, parseBytes } from '../load/load.js';
import type { InputLimits } from '../load/load.js';
import { DEFAULT_NAMESPACE } from '../model/model.js';
import { findConfig, loadConfig, normalizeSeverity, parseNodePortRange } from './config.js';
import { CONFIG_LIMITS, braceExpansions } from './config-read.js';
import type { Config } from './config.js';
import type { Settings, SeveritySetting } from './types.js';

/** The Kubernetes default of `--service-node-port-range`. */
export const DEFAULT_NODE_PORT_RANGE: readonly [number, number] = [30000, 32767];

/** The settings of a run without a config file or flags (a new object on each call). */
export function defaultSettings(): Settings {
  return {
    defaultNamespace: DEFAULT_NAMESPACE,
    nodePortRange: [DEFAULT_NODE_PORT_RANGE[0], DEFAULT_NODE_PORT_RANGE[1]],
  };
}

/** The flags that change settings (each command accepts the ones that apply to it). */
export interface SettingFlags {
  config?: string;
  'no-config'?: boolean;
  namespace?: string;
  'node-port-range'?: string;
  rule?: string[];
  'ignore-pattern'?: string[];
  'max-file-bytes'?: string;
  'max-input-bytes'?: string;
}

/** A flag with a value that cannot be used (a usage error). */
export class SettingsError extends Error {}

export interface ResolvedSettings {
  config?: Config;
  /** Rule severities: the config's, then `--rule`. */
  severities: Record<string, SeveritySetting>;
  /** What the rules and the policy engine see. */
  settings: Settings;
  /** Ignore globs relative to the working directory: the config's, then `--ignore-pattern`. */
  ignore: string[];
  limits: InputLimits;
  /** The config's `roots`, when it has them. */
  roots?: string[];
  /** The project's folder: the config file's, else `.` (relative to the working directory). */
  projectRoot: string;
}

/** Load the config the flags name (or find one from `cwd` upwards), unless `--no-config`. Throws ConfigError. */
export function configOf(
  flags: Pick<SettingFlags, 'config' | 'no-config'>,
  cwd: string,
  knownRules: ReadonlySet<string>,
): Config | undefined {
  if (flags.config) return loadConfig(path.resolve(cwd, flags.config), knownRules, cwd);
  if (flags['no-config']) return undefined;
  const found = findConfig(cwd);
  return found ? loadConfig(found, knownRules, cwd) : undefined;
}

/** Config file, flags and defaults, resolved. Throws ConfigError (the config) or SettingsError (a flag). */
export function resolveSettings(flags: SettingFlags, cwd: string, knownRules: ReadonlySet<string>): ResolvedSettings {
  return settingsOf(configOf(flags, cwd, knownRules), flags, cwd, knownRules);
}

/** The settings from a config already loaded (or none), with the flags applied. */
export function settingsOf(
  config: Config | undefined,
  flags: SettingFlags,
  cwd: string,
  knownRules: ReadonlySet<string>,
): ResolvedSettings {
  const severities: Record<string, SeveritySetting> = { ...(config?.rules ?? {}) };
  for (const spec of flags.rule ?? []) {
    const m = /^([a-z0-9-]+)\s*[=:]\s*(error|warning|warn|info|off)$/.exec(spec);
    if (!m) throw new SettingsError(`--rule "${spec}": expected <rule-id>=<error|warning|info|off>`);
    if (!knownRules.has(m[1])) throw new SettingsError(`--rule: unknown rule "${m[1]}"`);
    severities[m[1]] = normalizeSeverity(m[2] as SeveritySetting | 'warn');
  }
  const defaults = defaultSettings();
  let nodePortRange: [number, number] = config?.nodePortRange ?? defaults.nodePortRange;
  if (flags['node-port-range'] !== undefined) {
    const r = parseNodePortRange(flags['node-port-range']);
    if (!r)
      throw new SettingsError(`--node-port-range "${flags['node-port-range']}": expected a range like 30000-32767`);
    nodePortRange = r;
  }
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS };
  for (const [flag, key] of [
    ['max-file-bytes', 'maxFileBytes'],
    ['max-input-bytes', 'maxInputBytes'],
  ] as const) {
    const v = flags[flag];
    if (v === undefined) continue;
    const n = parseBytes(v);
    if (n === undefined)
      throw new SettingsError(`--${flag} needs a size in bytes such as 1048576, 64M or 1G, not "${v}"`);
    limits[key] = n;
  }
  // `--ignore-pattern` values are held to the limits of the config's `ignorePatterns` (docs/limits.md).
  for (const p of flags['ignore-pattern'] ?? []) {
    if (p.length > CONFIG_LIMITS.maxPatternLength) {
      throw new SettingsError(
        `--ignore-pattern: a pattern of more than ${CONFIG_LIMITS.maxPatternLength.toLocaleString('en-US')} characters (a limit of kube-netlint, see docs/limits.md)`,
      );
    }
    if (braceExpansions(p) > CONFIG_LIMITS.maxBraceExpansions) {
      throw new SettingsError(
        `--ignore-pattern: the braces of this pattern expand to more than ${CONFIG_LIMITS.maxBraceExpansions.toLocaleString('en-US')} patterns (a limit of kube-netlint, see docs/limits.md)`,
      );
    }
  }
  const settings: Settings = {
    defaultNamespace: flags.namespace ?? config?.namespace ?? defaults.defaultNamespace,
    nodePortRange,
  };
  if (config?.policy) settings.policy = config.policy;
  if (config?.externalServices) settings.externalServices = config.externalServices;
  return {
    config,
    severities,
    settings,
    ignore: [...(config?.ignorePatterns ?? []), ...(flags['ignore-pattern'] ?? [])],
    limits,
    roots: config?.roots,
    projectRoot: config?.path ? path.relative(cwd, path.dirname(config.path)).split(path.sep).join('/') || '.' : '.',
  };
}
