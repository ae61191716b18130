import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RULES } from '../../rules/index.js';
import { BaselineError, applyBaseline, createBaseline, formatBaseline, parseBaseline } from '../engine/baseline.js';
import { ConfigError, findConfig, loadConfig, normalizeSeverity, parseNodePortRange } from '../engine/config.js';
import type { Config } from '../engine/config.js';
import { lint } from '../engine/runner.js';
import type { Finding, RuleMeta, SeveritySetting } from '../engine/types.js';
import { FORMATTERS } from '../format/index.js';
import type { FormatContext, LintedFile } from '../format/index.js';
import { discover, displayPath } from '../load/discover.js';
import { ParseCache } from '../load/cache.js';
import { loadFilesParallel } from '../load/parallel.js';
import { applyInputLimits, inDiscoveryOrder, inputLimitsOf, loadStdin } from '../load/load.js';
import type { ReadError } from '../load/load.js';
import { terminalSafe } from '../format/escape.js';
import { DEFAULT_NAMESPACE } from '../model/model.js';
import { resolveColor } from './color.js';
import { CommandUsageError, NETWORK_COMMANDS, NETWORK_HELP } from './network.js';
import { OutputSpecError, parseOutputs, writeReport } from './outputs.js';
import { ReportFilter } from './report-filter.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FATAL = 2;

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

const HELP = `Usage: kube-netlint [options] <paths|globs|->...

Lint Kubernetes manifests as one cluster slice: Service selectors and ports, node ports,
workload selectors, probes and manifest structure. "-" reads a stream from stdin
(e.g. helm template . | kube-netlint -). Without paths, the config's "roots" are linted.

Options:
  -f, --format <name[=file]>  Output format: ${Object.keys(FORMATTERS).join(', ')} (default: stylish).
                              Repeatable; <name>=<file> writes that format to a file, e.g.
                              --format stylish --format sarif=kube-netlint.sarif
  -o, --output-file <file>    Write the report of the --format without =<file> to a file instead of stdout
  -c, --config <file>         Use this config file instead of looking for .kube-netlint.yaml
      --no-config             Do not look for a config file
  -n, --namespace <name>      Namespace of objects without metadata.namespace (default: default)
      --node-port-range <a-b> The cluster's node-port range (default: 30000-32767)
      --rule <id=severity>    Set a rule's severity (error, warning, info, off); repeatable
      --ignore-pattern <glob> Skip files matching the glob; repeatable
      --no-gitignore          Do not skip files listed in .gitignore
      --max-file-bytes <size> Do not read a file (or stdin) larger than this; it is reported as a
                              yaml-syntax error (default: 16M; suffixes K, M, G)
      --max-input-bytes <size> Read at most this much input in all (default: 64M); files beyond
                              it are reported as yaml-syntax errors. See docs/limits.md
  -q, --quiet                 Report errors only
      --max-warnings <n>      Exit with code 1 when there are more than n warnings
      --only-report <files>   Lint everything given, but report only findings in these files or
                              folders (comma-separated, repeatable; relative to the working directory)
      --only-report-args      Pre-commit mode: lint the config's "roots" (default: the config's
                              folder, else "."), report only findings in the files given as arguments
      --baseline <file>       Hide findings whose fingerprint is in this baseline file
      --write-baseline <file> Write the fingerprints of all current findings to a baseline file and exit 0
      --color, --no-color     Force or disable colour (default: on for a terminal; NO_COLOR, FORCE_COLOR)
      --list-rules            Print the rules with their default severity and exit
      --workers <n>           Threads that read and parse files (default: by input size and cores; 0 = none)
      --cache                 Reuse parsed files by content hash (node_modules/.cache/kube-netlint)
      --cache-location <dir>  Where --cache keeps its file (implies --cache)
      --debug                 Print stack traces of internal errors
  -h, --help                  Show this help
  -v, --version               Show the version

Exit codes: 0 no errors (and warnings within --max-warnings), 1 errors or too many warnings,
2 usage error, unreadable config, baseline or input, or internal failure.
Findings hidden by --baseline or outside --only-report never count for the exit code.
`;

function packageJson(): { version: string; homepage?: string } {
  return JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string; homepage?: string };
}

function version(): string {
  return packageJson().version;
}

/** The top of the git work tree containing `dir` (a folder with `.git`), else `dir` itself. */
export function repositoryRoot(dir: string): string {
  let d = path.resolve(dir);
  while (true) {
    if (existsSync(path.join(d, '.git'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return path.resolve(dir);
    d = parent;
  }
}

export async function main(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof BaselineError || e instanceof OutputSpecError || e instanceof CommandUsageError) {
      io.stderr.write(`kube-netlint: ${terminalSafe(e.message)}\n`);
      if (e instanceof UsageError || e instanceof OutputSpecError || e instanceof CommandUsageError) io.stderr.write('Run kube-netlint --help for usage.\n');
      return EXIT_FATAL;
    }
    const err = e as Error;
    io.stderr.write(`kube-netlint: internal error: ${err?.message ?? String(e)}\n`);
    if (debug && err?.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_FATAL;
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  // Network commands: connectivity, explain, diff.
  const command = argv[0] !== undefined && Object.hasOwn(NETWORK_COMMANDS, argv[0]) ? NETWORK_COMMANDS[argv[0]] : undefined;
  if (command) return command(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f', multiple: true },
        'output-file': { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        'no-config': { type: 'boolean' },
        namespace: { type: 'string', short: 'n' },
        'node-port-range': { type: 'string' },
        rule: { type: 'string', multiple: true },
        'ignore-pattern': { type: 'string', multiple: true },
        'no-gitignore': { type: 'boolean' },
        'max-file-bytes': { type: 'string' },
        'max-input-bytes': { type: 'string' },
        workers: { type: 'string' },
        cache: { type: 'boolean' },
        'cache-location': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        'max-warnings': { type: 'string' },
        'only-report': { type: 'string', multiple: true },
        'only-report-args': { type: 'boolean' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        'list-rules': { type: 'boolean' },
        debug: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const { values: opts } = parsed;
  let positionals = parsed.positionals;
  if (positionals[0] === 'lint') positionals = positionals.slice(1);

  if (opts.help) {
    io.stdout.write(`${HELP}\n${NETWORK_HELP}\nkube-netlint lsp [--stdio]\n    The language server (diagnostics, quick fixes) over stdio; see docs/editors.md.\n`);
    return EXIT_OK;
  }
  if (opts.version) {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  if (opts['list-rules']) {
    for (const r of RULES) io.stdout.write(`${r.meta.id.padEnd(34)} ${r.meta.severity.padEnd(8)} ${r.meta.description}\n`);
    return EXIT_OK;
  }

  const outputs = parseOutputs(opts.format, opts['output-file'], Object.keys(FORMATTERS));
  let maxWarnings = -1;
  if (opts['max-warnings'] !== undefined) {
    if (!/^-?\d+$/.test(opts['max-warnings'])) throw new UsageError(`--max-warnings needs a whole number, not "${opts['max-warnings']}"`);
    maxWarnings = Number(opts['max-warnings']);
  }
  const limits = inputLimitsOf(opts);
  if ('error' in limits) throw new UsageError(limits.error);
  const knownRules = new Set(RULES.map((r) => r.meta.id));
  let config: Config | undefined;
  if (opts.config) config = loadConfig(path.resolve(io.cwd, opts.config), knownRules, io.cwd);
  else if (!opts['no-config']) {
    const found = findConfig(io.cwd);
    if (found) config = loadConfig(found, knownRules, io.cwd);
  }

  // What to lint, and which findings to report.
  const configRoots = config?.roots ?? [config?.path ? path.relative(io.cwd, path.dirname(config.path)).split(path.sep).join('/') || '.' : '.'];
  let targets = positionals;
  const reportOnly: string[] = [...(opts['only-report'] ?? [])];
  let filtered = reportOnly.length > 0;
  let implicitRoot = false;
  if (opts['only-report-args']) {
    // Pre-commit mode: the arguments are the files being committed; the slice is the project.
    targets = configRoots;
    implicitRoot = config?.roots === undefined;
    reportOnly.push(...positionals);
    // Without file arguments (a hook with pass_filenames: false) the whole project is reported.
    filtered = reportOnly.length > 0;
  } else if (positionals.length === 0) {
    if (!config?.roots) throw new UsageError('no paths given (use "." for the current directory, or "-" for stdin)');
    targets = config.roots;
  }
  const filter = filtered ? new ReportFilter(reportOnly, io.cwd) : undefined;

  const severities: Record<string, SeveritySetting> = { ...(config?.rules ?? {}) };
  for (const spec of opts.rule ?? []) {
    const m = /^([a-z0-9-]+)\s*[=:]\s*(error|warning|warn|info|off)$/.exec(spec);
    if (!m) throw new UsageError(`--rule "${spec}": expected <rule-id>=<error|warning|info|off>`);
    if (!knownRules.has(m[1])) throw new UsageError(`--rule: unknown rule "${m[1]}"`);
    severities[m[1]] = normalizeSeverity(m[2] as SeveritySetting | 'warn');
  }
  let nodePortRange = config?.nodePortRange ?? ([30000, 32767] as [number, number]);
  if (opts['node-port-range'] !== undefined) {
    const r = parseNodePortRange(opts['node-port-range']);
    if (!r) throw new UsageError(`--node-port-range "${opts['node-port-range']}": expected a range like 30000-32767`);
    nodePortRange = r;
  }
  const defaultNamespace = opts.namespace ?? config?.namespace ?? DEFAULT_NAMESPACE;

  const discovered = await discover(targets, {
    cwd: io.cwd,
    ignore: [...(config?.ignorePatterns ?? []), ...(opts['ignore-pattern'] ?? [])],
    gitignore: !opts['no-gitignore'],
  });
  for (const chart of discovered.skippedCharts) {
    io.stderr.write(
      `kube-netlint: skipping Helm chart ${displayPath(chart, io.cwd)}: render it first (helm template ${displayPath(chart, io.cwd)} | kube-netlint -)\n`,
    );
  }
  // The default root (no `roots` in the config) may hold no manifest at all: that is an empty slice,
  // not a mistake (a pre-commit run in a repository without manifests yet).
  // Paths that exist but cannot be read are read errors (reported with the others' findings), not usage errors.
  const unreadable = new Set(discovered.unreadable.map((u) => u.path));
  const unmatched = discovered.unmatched.filter((u) => !(implicitRoot && targets.includes(u)) && !unreadable.has(u));
  if (unmatched.length) {
    throw new UsageError(`no files matching ${unmatched.map((u) => `"${u}"`).join(', ')} were found`);
  }
  let workers: number | undefined;
  if (opts.workers !== undefined) {
    if (!/^\d+$/.test(opts.workers)) throw new UsageError(`--workers needs a whole number, not "${opts.workers}"`);
    workers = Number(opts.workers);
  }
  const cache =
    opts.cache || opts['cache-location'] !== undefined
      ? ParseCache.open(path.resolve(io.cwd, opts['cache-location'] ?? 'node_modules/.cache/kube-netlint'), version())
      : undefined;
  // Input limits first, by size on disk: a file over a limit is not read at all, and is reported.
  const limited = applyInputLimits(discovered.files, io.cwd, limits);
  const loaded = await loadFilesParallel(limited.files, io.cwd, { workers, cache });
  const filesLinted = inDiscoveryOrder(discovered.files, [...loaded.files, ...limited.refused]);
  const readErrors: ReadError[] = [...discovered.unreadable, ...limited.errors, ...loaded.errors].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (cache) {
    try {
      cache.save();
    } catch (e) {
      io.stderr.write(`kube-netlint: cannot write the cache ${cache.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    }
  }
  if (discovered.stdin) {
    filesLinted.push(await loadStdin(io.stdin, limits, limited.bytes));
  }
  // One line per path, whatever its name holds (line breaks, escape sequences).
  for (const e of readErrors) io.stderr.write(`kube-netlint: cannot read ${terminalSafe(e.path)}: ${terminalSafe(e.message)}\n`);

  const result = lint(filesLinted, {
    rules: RULES,
    severities,
    settings: { defaultNamespace, nodePortRange, policy: config?.policy },
  });
  for (const e of result.internalErrors) {
    io.stderr.write(`kube-netlint: internal error in rule ${e.ruleId}: ${e.error?.message ?? String(e.error)}\n`);
    if (opts.debug && e.error?.stack) io.stderr.write(`${e.error.stack}\n`);
  }

  const fatal = result.internalErrors.length > 0 || readErrors.length > 0;

  if (opts['write-baseline'] !== undefined) {
    const file = opts['write-baseline'];
    const baseline = createBaseline(result.findings);
    try {
      writeReport(io.cwd, file, formatBaseline(baseline));
    } catch (e) {
      throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    io.stderr.write(`kube-netlint: wrote ${baseline.findings.length} ${baseline.findings.length === 1 ? 'finding' : 'findings'} to the baseline ${file}\n`);
    return fatal ? EXIT_FATAL : EXIT_OK;
  }

  let current: Finding[] = result.findings;
  let baselined: Finding[] = [];
  let baselineFile: string | undefined;
  if (opts.baseline !== undefined) {
    baselineFile = opts.baseline;
    let text: string;
    try {
      text = readFileSync(path.resolve(io.cwd, baselineFile), 'utf8');
    } catch (e) {
      throw new BaselineError(`cannot read baseline ${baselineFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const match = applyBaseline(result.findings, parseBaseline(text, baselineFile));
    current = match.kept;
    baselined = match.hidden;
    const inReport = filter ? baselined.filter((f) => filter.includes(f)).length : baselined.length;
    if (inReport > 0 || match.unused > 0) {
      let note = `kube-netlint: ${inReport} ${inReport === 1 ? 'finding' : 'findings'} hidden by the baseline ${baselineFile}`;
      if (match.unused > 0) note += `; ${match.unused} baseline ${match.unused === 1 ? 'entry matches' : 'entries match'} no finding any more (update it with --write-baseline)`;
      io.stderr.write(`${note}\n`);
    }
  }

  const inScope = (list: Finding[]) => (filter ? list.filter((f) => filter.includes(f)) : list);
  const scoped = inScope(current);
  const errors = scoped.filter((f) => f.severity === 'error').length;
  const warnings = scoped.filter((f) => f.severity === 'warning').length;
  const tooManyWarnings = maxWarnings >= 0 && warnings > maxWarnings;
  const shown = (list: Finding[]) => (opts.quiet ? inScope(list).filter((f) => f.severity === 'error') : inScope(list));

  const colorFlag = opts['no-color'] ? false : opts.color ? true : undefined;
  const rulesMeta = new Map<string, RuleMeta>(RULES.map((r) => [r.meta.id, r.meta]));
  const pkg = packageJson();
  const objectsByFile = new Map<string, LintedFile['objects']>();
  for (const r of result.model.resources) {
    const list = objectsByFile.get(r.file.path);
    if (list) list.push(r.ref());
    else objectsByFile.set(r.file.path, [r.ref()]);
  }
  const files: LintedFile[] = filesLinted
    .filter((f) => !filter || filter.includesFile(f))
    .map((f) => ({ path: f.path, objects: objectsByFile.get(f.path) ?? [] }));
  const baseCtx: Omit<FormatContext, 'color'> = {
    cwd: io.cwd,
    rules: rulesMeta,
    summary: { files: filesLinted.length, objects: result.model.resources.length },
    maxWarningsExceeded: tooManyWarnings ? { maxWarnings, foundWarnings: warnings } : undefined,
    root: repositoryRoot(io.cwd),
    tool: { name: 'kube-netlint', version: pkg.version, informationUri: (pkg.homepage ?? 'https://github.com/kube-netlint/kube-netlint').split('#')[0] },
    suppressed: shown(result.suppressed),
    baseline: baselineFile !== undefined ? { file: baselineFile, findings: shown(baselined) } : undefined,
    files,
  };
  const reported = shown(current);
  const texts = outputs.map((o) => {
    const color = o.format === 'stylish' && resolveColor(o.file !== undefined ? {} : io.stdout, colorFlag, io.env);
    return { ...o, text: FORMATTERS[o.format](reported, { ...baseCtx, color }) };
  });
  for (const o of texts) {
    if (o.file === undefined) continue;
    try {
      writeReport(io.cwd, o.file, o.text);
    } catch (e) {
      throw new UsageError(`cannot write ${o.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  for (const o of texts) if (o.file === undefined) io.stdout.write(o.text);

  if (fatal) return EXIT_FATAL;
  return errors > 0 || tooManyWarnings ? EXIT_FINDINGS : EXIT_OK;
}
