/** `kube-netlint [lint]`: lint manifests as one cluster slice and report the findings. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../../../rules/index.js';
import { BaselineError, applyBaseline, createBaseline, formatBaseline, parseBaseline } from '../../engine/baseline.js';
import { compareFindings, lint } from '../../engine/runner.js';
import type { LintResult } from '../../engine/runner.js';
import type { ResolvedSettings } from '../../engine/settings.js';
import type { Finding, RuleMeta } from '../../engine/types.js';
import { FORMATTERS } from '../../format/index.js';
import type { FormatContext, LintedFile } from '../../format/index.js';
import { ParseCache, checkCacheFolder } from '../../load/cache.js';
import { repositoryRoot } from '../../load/discover.js';
import type { Input, InputSlice } from '../../load/input.js';
import { checkOutputDir, checkOutputFile } from '../../load/out-path.js';
import type { SourceFile } from '../../load/source.js';
import { resolveColor } from '../color.js';
import { lintProgress, startProgress } from '../progress.js';
import type { Progress } from '../progress.js';
import { fixDiff, runFixes, writeFixes } from '../fix.js';
import { readRunInput, settingsFor } from '../input.js';
import { debugConfig, effectiveConfig, listRules, stdinNameOf } from '../introspect.js';
import { EXIT_FATAL, EXIT_FINDINGS, EXIT_OK, UsageError, packageJson, parseCommandLine } from '../io.js';
import type { Command, Io } from '../io.js';
import { parseOutputs, writeReport } from '../outputs.js';
import type { OutputSpec } from '../outputs.js';
import { ReportFilter } from '../report-filter.js';
import { KUSTOMIZE_HELP, kustomizeOptions, kustomizeSlices, lintSlices as lintKustomizeSlices } from '../slices.js';

const KNOWN_RULES: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id));
const DEFAULT_CACHE_LOCATION = 'node_modules/.cache/kube-netlint';

export const LINT_HELP = `Usage: kube-netlint [lint] [options] <paths|globs|->...

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
${KUSTOMIZE_HELP}
      --no-error-on-unmatched-pattern
                              Paths that match nothing, or input without any Kubernetes manifest,
                              are not an error (exit code 2 otherwise)
      --max-file-bytes <size> Do not read a file (or stdin) larger than this; it is reported as a
                              yaml-syntax error (default: 16M; suffixes K, M, G)
      --max-input-bytes <size> Read at most this much input in all (default: 64M); files beyond
                              it are reported as yaml-syntax errors. See docs/limits.md
  -q, --quiet                 Report errors only (and show no progress on a terminal)
      --max-warnings <n>      Exit with code 1 when there are more than n warnings
      --only-report <files>   Lint everything given, but report only findings in these files or
                              folders (comma-separated, repeatable; relative to the working directory)
      --only-report-args      Pre-commit mode: lint the config's "roots" (default: the config's
                              folder, else "."), report only findings in the files given as arguments
      --report-unused-disable-directives
                              Report disable comments and kube-netlint.io/ignore annotations that
                              suppressed nothing (as warnings, rule id unused-disable-directive)
      --fix                   Apply the rules' fixes to the files (never to stdin), linting again until
                              none is left (at most 10 passes); the report shows what remains
      --fix-dry-run           Print the fixes as a unified diff on stdout, change no file; a report
                              goes only to --format <name>=<file> or -o (exit code: what would remain)
      --baseline <file>       Hide findings whose fingerprint is in this baseline file
      --write-baseline <file> Write the fingerprints of all current findings to a baseline file and exit 0
      --color, --no-color     Force or disable colour (default: on for a terminal; NO_COLOR, FORCE_COLOR)
      --list-rules            Print the rules with their default severity and exit (-f json: as JSON)
      --stdin-filename <path> The file that standard input ("-") stands for: findings carry its path
                              (the ignore patterns are not applied to it)
      --print-config <file>   Print the effective settings for a file as JSON (rule severities,
                              namespace, node-port range, policy, ignore patterns, roots, config
                              file) and exit
      --workers <n>           Threads that read and parse files (default: by input size and cores; 0 = none)
      --cache                 Reuse parsed files by content hash (${DEFAULT_CACHE_LOCATION})
      --cache-location <dir>  Where --cache keeps its file (implies --cache)
      --debug                 Say on stderr which config file was loaded; print stack traces of
                              internal errors
  -h, --help                  Show this help
  -v, --version               Show the version

Exit codes: 0 no errors (and warnings within --max-warnings), 1 errors or too many warnings,
2 usage error, no Kubernetes manifest found, unreadable config, baseline or input, an output
path that cannot be written, or internal failure.
Findings hidden by --baseline or outside --only-report never count for the exit code.
`;

const OPTIONS = {
  format: { type: 'string', short: 'f', multiple: true },
  'output-file': { type: 'string', short: 'o' },
  config: { type: 'string', short: 'c' },
  'no-config': { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  'node-port-range': { type: 'string' },
  rule: { type: 'string', multiple: true },
  'ignore-pattern': { type: 'string', multiple: true },
  'no-gitignore': { type: 'boolean' },
  'kustomize-command': { type: 'string' },
  'no-error-on-unmatched-pattern': { type: 'boolean' },
  'max-file-bytes': { type: 'string' },
  'max-input-bytes': { type: 'string' },
  workers: { type: 'string' },
  cache: { type: 'boolean' },
  'cache-location': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'max-warnings': { type: 'string' },
  'only-report': { type: 'string', multiple: true },
  'only-report-args': { type: 'boolean' },
  'report-unused-disable-directives': { type: 'boolean' },
  fix: { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  baseline: { type: 'string' },
  'write-baseline': { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'list-rules': { type: 'boolean' },
  'print-config': { type: 'string' },
  'stdin-filename': { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Flags = ReturnType<typeof parseCommandLine<typeof OPTIONS>>['values'];

/** Everything a run needs, checked before any work. */
interface Plan {
  flags: Flags;
  outputs: OutputSpec[];
  maxWarnings: number;
  settings: ResolvedSettings;
  /** What to lint. */
  targets: string[];
  /** The targets are the project's default root (pre-commit mode without `roots`): it may be empty. */
  implicitRoot: boolean;
  /** Which findings are reported (`--only-report`, pre-commit mode); undefined: all. */
  filter?: ReportFilter;
  workers?: number;
  cacheLocation?: string;
  /** Progress on a terminal (../progress.ts); a no-op elsewhere. */
  progress: Progress;
}

function wholeNumber(flag: string, v: string, negative = false): number {
  if (!(negative ? /^-?\d+$/ : /^\d+$/).test(v)) throw new UsageError(`${flag} needs a whole number, not "${v}"`);
  return Number(v);
}

/** Validate the command line, the config and the output paths; nothing is read or written yet. */
function plan(flags: Flags, positionals: string[], io: Io): Plan {
  const outputs = parseOutputs(flags.format, flags['output-file'], Object.keys(FORMATTERS));
  if (flags.fix && flags['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run cannot be used together');
  const maxWarnings =
    flags['max-warnings'] !== undefined ? wholeNumber('--max-warnings', flags['max-warnings'], true) : -1;
  const settings = settingsFor(flags, io, KNOWN_RULES);

  // What to lint, and which findings to report.
  let targets = positionals;
  const reportOnly: string[] = [...(flags['only-report'] ?? [])];
  let filtered = reportOnly.length > 0;
  let implicitRoot = false;
  if (flags['only-report-args']) {
    // Pre-commit mode: the arguments are the files being committed; the slice is the project.
    targets = settings.roots ?? [settings.projectRoot];
    implicitRoot = settings.roots === undefined;
    reportOnly.push(...positionals);
    // Without file arguments (a hook with pass_filenames: false) the whole project is reported.
    filtered = reportOnly.length > 0;
  } else if (positionals.length === 0) {
    if (!settings.roots) throw new UsageError('no paths given (use "." for the current directory, or "-" for stdin)');
    targets = settings.roots;
  }
  const workers = flags.workers !== undefined ? wholeNumber('--workers', flags.workers) : undefined;
  const cacheLocation =
    flags.cache || flags['cache-location'] !== undefined
      ? (flags['cache-location'] ?? DEFAULT_CACHE_LOCATION)
      : undefined;

  // Where the run will write: checked now, so a path that cannot be written fails before any work.
  for (const o of outputs) if (o.file !== undefined) checkOutputFile(io.cwd, o.file);
  if (flags['write-baseline'] !== undefined) checkOutputFile(io.cwd, flags['write-baseline']);
  if (cacheLocation !== undefined) checkCacheFolder(io.cwd, cacheLocation);
  if (flags['cache-location'] !== undefined) checkOutputDir(io.cwd, flags['cache-location']);

  const filter = filtered ? new ReportFilter(reportOnly, io.cwd) : undefined;
  return {
    flags,
    outputs,
    maxWarnings,
    settings,
    targets,
    implicitRoot,
    filter,
    workers,
    cacheLocation,
    progress: startProgress(io, flags.quiet),
  };
}

/** Lint each cluster slice on its own; the findings of all slices, sorted. */
function lintSlices(
  slices: InputSlice[],
  p: Plan,
): Pick<LintResult, 'findings' | 'suppressed' | 'internalErrors'> & {
  objects: Map<string, LintedFile['objects']>;
  objectCount: number;
} {
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const internalErrors: LintResult['internalErrors'] = [];
  const objects = new Map<string, LintedFile['objects']>();
  let objectCount = 0;
  for (const slice of slices) {
    const r = lint(slice.files, {
      rules: RULES,
      severities: p.settings.severities,
      settings: p.settings.settings,
      reportUnusedDisableDirectives: p.flags['report-unused-disable-directives'],
      onProgress: lintProgress(p.progress),
    });
    findings.push(...r.findings);
    suppressed.push(...r.suppressed);
    internalErrors.push(...r.internalErrors);
    objectCount += r.model.resources.length;
    for (const res of r.model.resources) {
      const list = objects.get(res.file.path);
      if (list) list.push(res.ref());
      else objects.set(res.file.path, [res.ref()]);
    }
  }
  if (slices.length > 1) {
    findings.sort(compareFindings);
    suppressed.sort(compareFindings);
  }
  return { findings, suppressed, internalErrors, objects, objectCount };
}

/** The slices of Kustomize roots (findings at their sources, naming the root), as `lintSlices` returns them. */
function lintRoots(slices: Parameters<typeof lintKustomizeSlices>[0], p: Plan): ReturnType<typeof lintSlices> {
  const r = lintKustomizeSlices(slices, {
    rules: RULES,
    severities: p.settings.severities,
    settings: p.settings.settings,
    onProgress: lintProgress(p.progress),
  });
  const objects = new Map<string, LintedFile['objects']>();
  for (const res of r.resources) {
    const list = objects.get(res.file.path);
    if (list) list.push(res.ref());
    else objects.set(res.file.path, [res.ref()]);
  }
  return {
    findings: r.findings,
    suppressed: r.suppressed,
    internalErrors: r.internalErrors,
    objects,
    objectCount: r.resources.length,
  };
}

/** `--baseline`: the findings it does not hide, and the ones it hides (with a note on stderr). */
function baselineSplit(
  findings: Finding[],
  file: string,
  filter: ReportFilter | undefined,
  io: Io,
): { kept: Finding[]; hidden: Finding[] } {
  let text: string;
  try {
    text = readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new BaselineError(
      `cannot read baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const match = applyBaseline(findings, parseBaseline(text, file));
  const inReport = filter ? match.hidden.filter((f) => filter.includes(f)).length : match.hidden.length;
  if (inReport > 0 || match.unused > 0) {
    let note = `kube-netlint: ${inReport} ${inReport === 1 ? 'finding' : 'findings'} hidden by the baseline ${file}`;
    if (match.unused > 0)
      note += `; ${match.unused} baseline ${match.unused === 1 ? 'entry matches' : 'entries match'} no finding any more (update it with --write-baseline)`;
    io.stderr.write(`${note}\n`);
  }
  return { kept: match.kept, hidden: match.hidden };
}

/**
 * `--fix` / `--fix-dry-run`: the passes of fix and lint (../fix.ts) over the slices of the run,
 * fixing the findings the run reports (in scope, not hidden by the baseline, errors only with
 * --quiet); then the files written (or the diff). `refused`: a file changed since it was read.
 */
function applyFixes(
  p: Plan,
  io: Io,
  input: Input,
  rootSlices: Parameters<typeof lintRoots>[0],
  plain: boolean,
  first: ReturnType<typeof lintSlices>,
) {
  const { flags, filter } = p;
  const baseline = flags.baseline !== undefined ? readBaseline(flags.baseline, io) : undefined;
  const select = (r: ReturnType<typeof lintSlices>) => {
    let list = baseline ? applyBaseline(r.findings, baseline).kept : r.findings;
    if (filter) list = list.filter((f) => filter.includes(f));
    return flags.quiet ? list.filter((f) => f.severity === 'error') : list;
  };
  const stdin = input.discovered.stdin ? input.files[input.files.length - 1] : undefined;
  const run = plain
    ? runFixes(input.slices, first, (s) => lintSlices(s, p), select, stdin)
    : runFixes(rootSlices, first, (s) => lintRoots(s, p), select, stdin);
  const { outcome } = run;
  for (const n of outcome.notes) io.stderr.write(`kube-netlint: ${n}\n`);
  const files = outcome.changed.length;
  const what = `${outcome.edits} ${outcome.edits === 1 ? 'fix' : 'fixes'} in ${files} ${files === 1 ? 'file' : 'files'}`;
  if (flags['fix-dry-run']) {
    io.stderr.write(`kube-netlint: --fix-dry-run: ${what} (diff on stdout; no file changed)\n`);
    return { result: run.result, latest: outcome.latest, diff: fixDiff(outcome.changed), refused: false };
  }
  const refused = writeFixes(outcome.changed);
  for (const r of refused) io.stderr.write(`kube-netlint: ${r}\n`);
  return { result: run.result, latest: outcome.latest, diff: undefined, refused: refused.length > 0 };
}

function readBaseline(file: string, io: Io) {
  try {
    return parseBaseline(readFileSync(path.resolve(io.cwd, file), 'utf8'), file);
  } catch (e) {
    if (e instanceof BaselineError) throw e;
    throw new BaselineError(
      `cannot read baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

function writeOrFail(io: Io, file: string, text: string): void {
  try {
    writeReport(io.cwd, file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function lintRun(argv: string[], io: Io, overview?: string): Promise<number> {
  const { values: flags, positionals: args } = parseCommandLine(argv, OPTIONS);
  const positionals = args[0] === 'lint' ? args.slice(1) : args;
  if (flags.help) {
    io.stdout.write(overview ?? LINT_HELP);
    return EXIT_OK;
  }
  if (flags.version) {
    io.stdout.write(`${packageJson().version}\n`);
    return EXIT_OK;
  }
  if (flags['list-rules']) {
    io.stdout.write(
      listRules(
        RULES,
        (flags.format ?? []).some((f) => f === 'json'),
      ),
    );
    return EXIT_OK;
  }
  if (flags['print-config'] !== undefined) {
    const settings = settingsFor(flags, io, KNOWN_RULES);
    if (flags.debug) debugConfig(settings, io, flags['no-config'] === true);
    io.stdout.write(
      `${JSON.stringify(await effectiveConfig(flags['print-config'], settings, RULES, io.cwd), null, 2)}\n`,
    );
    return EXIT_OK;
  }
  const p = plan(flags, positionals, io);
  try {
    return await lintPlanned(p, io);
  } finally {
    p.progress.stop();
  }
}

/** The run once its plan is checked: read, lint (and fix), report. */
async function lintPlanned(p: Plan, io: Io): Promise<number> {
  const { flags } = p;
  if (flags.debug) debugConfig(p.settings, io, flags['no-config'] === true);
  const pkg = packageJson();

  const input = await readRunInput(p.targets, io, {
    command: '',
    settings: p.settings,
    gitignore: !flags['no-gitignore'],
    workers: p.workers,
    cache:
      p.cacheLocation !== undefined ? ParseCache.open(path.resolve(io.cwd, p.cacheLocation), pkg.version) : undefined,
    noErrorOnUnmatched: flags['no-error-on-unmatched-pattern'],
    implicit: p.implicitRoot,
    stdinName: stdinNameOf(flags['stdin-filename'], io.cwd),
    progress: p.progress,
    // Kustomize roots: each top-level root a slice of its own (src/load/kustomize-slices.ts).
    kustomize: kustomizeOptions(p.targets, io, {
      commandFlag: flags['kustomize-command'],
      ignore: p.settings.ignore,
      gitignore: !flags['no-gitignore'],
      limits: p.settings.limits,
    }),
  });
  const k = kustomizeSlices(input, io);
  if ('error' in k) throw new UsageError(k.error);
  const plain = k.slices.length === 1 && k.slices[0].root === undefined && k.errors === 0;
  let result = plain ? lintSlices(input.slices, p) : lintRoots(k.slices, p);
  let linted =
    k.slices.length === 1 && k.slices[0].root === undefined
      ? input.files
      : [...new Set(k.slices.flatMap((s) => s.files))];
  let dryRun: string | undefined;
  let fixRefused = false;
  if (flags.fix || flags['fix-dry-run']) {
    const fixed = applyFixes(p, io, input, k.slices, plain, result);
    result = fixed.result;
    linted = linted.map(fixed.latest);
    dryRun = fixed.diff;
    fixRefused = fixed.refused;
  }
  for (const e of result.internalErrors) {
    io.stderr.write(`kube-netlint: internal error in rule ${e.ruleId}: ${e.error?.message ?? String(e.error)}\n`);
    if (flags.debug && e.error?.stack) io.stderr.write(`${e.error.stack}\n`);
  }
  const fatal = result.internalErrors.length > 0 || input.errors.length > 0 || k.errors > 0 || fixRefused;

  if (flags['write-baseline'] !== undefined) {
    p.progress.stop();
    const file = flags['write-baseline'];
    const baseline = createBaseline(result.findings);
    writeOrFail(io, file, formatBaseline(baseline));
    io.stderr.write(
      `kube-netlint: wrote ${baseline.findings.length} ${baseline.findings.length === 1 ? 'finding' : 'findings'} to the baseline ${file}\n`,
    );
    return fatal ? EXIT_FATAL : EXIT_OK;
  }

  const { filter } = p;
  const baselineFile = flags.baseline;
  const { kept: current, hidden: baselined } =
    baselineFile !== undefined
      ? baselineSplit(result.findings, baselineFile, filter, io)
      : { kept: result.findings, hidden: [] };

  const inScope = (list: Finding[]) => (filter ? list.filter((f) => filter.includes(f)) : list);
  const scoped = inScope(current);
  const errors = scoped.filter((f) => f.severity === 'error').length;
  const warnings = scoped.filter((f) => f.severity === 'warning').length;
  const tooManyWarnings = p.maxWarnings >= 0 && warnings > p.maxWarnings;
  const shown = (list: Finding[]) =>
    flags.quiet ? inScope(list).filter((f) => f.severity === 'error') : inScope(list);

  const files: LintedFile[] = linted
    .filter((f: SourceFile) => !filter || filter.includesFile(f))
    .map((f) => ({ path: f.path, objects: result.objects.get(f.path) ?? [] }));
  const baseCtx: Omit<FormatContext, 'color'> = {
    cwd: io.cwd,
    rules: new Map<string, RuleMeta>(RULES.map((r) => [r.meta.id, r.meta])),
    summary: { files: linted.length, objects: result.objectCount },
    maxWarningsExceeded: tooManyWarnings ? { maxWarnings: p.maxWarnings, foundWarnings: warnings } : undefined,
    root: repositoryRoot(io.cwd),
    tool: {
      name: 'kube-netlint',
      version: pkg.version,
      informationUri: (pkg.homepage ?? 'https://github.com/kube-netlint/kube-netlint').split('#')[0],
    },
    suppressed: shown(result.suppressed),
    baseline: baselineFile !== undefined ? { file: baselineFile, findings: shown(baselined) } : undefined,
    files,
  };
  const reported = shown(current);
  const colorFlag = flags['no-color'] ? false : flags.color ? true : undefined;
  const texts = p.outputs.map((o) => {
    const color = o.format === 'stylish' && resolveColor(o.file !== undefined ? {} : io.stdout, colorFlag, io.env);
    return { ...o, text: FORMATTERS[o.format](reported, { ...baseCtx, color }) };
  });
  p.progress.stop();
  for (const o of texts) if (o.file !== undefined) writeOrFail(io, o.file, o.text);
  // --fix-dry-run: stdout holds the diff; a report without a file of its own is not printed.
  if (dryRun !== undefined) io.stdout.write(dryRun);
  else for (const o of texts) if (o.file === undefined) io.stdout.write(o.text);

  if (fatal) return EXIT_FATAL;
  return errors > 0 || tooManyWarnings ? EXIT_FINDINGS : EXIT_OK;
}

const SUMMARY = `kube-netlint [lint] [options] <paths|globs|->...
    Lint the manifests (the default command); kube-netlint lint --help lists its options.
`;

export const lintCommand: Command = { summary: SUMMARY, run: (argv, io) => lintRun(argv, io) };
