import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RULES } from '../../rules/index.js';
import { ConfigError, findConfig, loadConfig, normalizeSeverity, parseNodePortRange } from '../engine/config.js';
import type { Config } from '../engine/config.js';
import { lint } from '../engine/runner.js';
import type { RuleMeta, SeveritySetting } from '../engine/types.js';
import { FORMATTERS } from '../format/index.js';
import { decode, discover, displayPath } from '../load/discover.js';
import { loadFiles, loadText } from '../load/load.js';
import { DEFAULT_NAMESPACE } from '../model/model.js';
import { resolveColor } from './color.js';

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
(e.g. helm template . | kube-netlint -).

Options:
  -f, --format <name>         Output format: ${Object.keys(FORMATTERS).join(', ')} (default: stylish)
  -o, --output-file <file>    Write the report to a file instead of stdout
  -c, --config <file>         Use this config file instead of looking for .kube-netlint.yaml
      --no-config             Do not look for a config file
  -n, --namespace <name>      Namespace of objects without metadata.namespace (default: default)
      --node-port-range <a-b> The cluster's node-port range (default: 30000-32767)
      --rule <id=severity>    Set a rule's severity (error, warning, info, off); repeatable
      --ignore-pattern <glob> Skip files matching the glob; repeatable
      --no-gitignore          Do not skip files listed in .gitignore
  -q, --quiet                 Report errors only
      --max-warnings <n>      Exit with code 1 when there are more than n warnings
      --color, --no-color     Force or disable colour (default: on for a terminal; NO_COLOR, FORCE_COLOR)
      --list-rules            Print the rules with their default severity and exit
      --debug                 Print stack traces of internal errors
  -h, --help                  Show this help
  -v, --version               Show the version

Exit codes: 0 no errors (and warnings within --max-warnings), 1 errors or too many warnings,
2 usage error, unreadable config or input, or internal failure.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.stderr.write(`kube-netlint: ${e.message}\n`);
      if (e instanceof UsageError) io.stderr.write('Run kube-netlint --help for usage.\n');
      return EXIT_FATAL;
    }
    const err = e as Error;
    io.stderr.write(`kube-netlint: internal error: ${err?.message ?? String(e)}\n`);
    if (debug && err?.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_FATAL;
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        'output-file': { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        'no-config': { type: 'boolean' },
        namespace: { type: 'string', short: 'n' },
        'node-port-range': { type: 'string' },
        rule: { type: 'string', multiple: true },
        'ignore-pattern': { type: 'string', multiple: true },
        'no-gitignore': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        'max-warnings': { type: 'string' },
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
    io.stdout.write(HELP);
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

  const formatName = opts.format ?? 'stylish';
  const formatter = FORMATTERS[formatName];
  if (!formatter || !Object.hasOwn(FORMATTERS, formatName)) {
    throw new UsageError(`unknown format "${formatName}" (available: ${Object.keys(FORMATTERS).join(', ')})`);
  }
  let maxWarnings = -1;
  if (opts['max-warnings'] !== undefined) {
    if (!/^-?\d+$/.test(opts['max-warnings'])) throw new UsageError(`--max-warnings needs a whole number, not "${opts['max-warnings']}"`);
    maxWarnings = Number(opts['max-warnings']);
  }
  if (positionals.length === 0) throw new UsageError('no paths given (use "." for the current directory, or "-" for stdin)');

  const knownRules = new Set(RULES.map((r) => r.meta.id));
  let config: Config | undefined;
  if (opts.config) config = loadConfig(path.resolve(io.cwd, opts.config), knownRules, io.cwd);
  else if (!opts['no-config']) {
    const found = findConfig(io.cwd);
    if (found) config = loadConfig(found, knownRules, io.cwd);
  }

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

  const discovered = await discover(positionals, {
    cwd: io.cwd,
    ignore: [...(config?.ignorePatterns ?? []), ...(opts['ignore-pattern'] ?? [])],
    gitignore: !opts['no-gitignore'],
  });
  for (const chart of discovered.skippedCharts) {
    io.stderr.write(
      `kube-netlint: skipping Helm chart ${displayPath(chart, io.cwd)}: render it first (helm template ${displayPath(chart, io.cwd)} | kube-netlint -)\n`,
    );
  }
  if (discovered.unmatched.length) {
    throw new UsageError(`no files matching ${discovered.unmatched.map((u) => `"${u}"`).join(', ')} were found`);
  }
  const { files, errors: readErrors } = await loadFiles(discovered.files, io.cwd);
  if (discovered.stdin) files.push(loadText('<stdin>', await readStream(io.stdin)));
  for (const e of readErrors) io.stderr.write(`kube-netlint: cannot read ${e.path}: ${e.message}\n`);

  const result = lint(files, {
    rules: RULES,
    severities,
    settings: { defaultNamespace, nodePortRange },
  });
  for (const e of result.internalErrors) {
    io.stderr.write(`kube-netlint: internal error in rule ${e.ruleId}: ${e.error?.message ?? String(e.error)}\n`);
    if (opts.debug && e.error?.stack) io.stderr.write(`${e.error.stack}\n`);
  }

  const reported = opts.quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  const tooManyWarnings = maxWarnings >= 0 && warnings > maxWarnings;

  const outFile = opts['output-file'];
  const colorFlag = opts['no-color'] ? false : opts.color ? true : undefined;
  const color = formatName === 'stylish' && resolveColor(outFile ? {} : io.stdout, colorFlag, io.env);
  const rulesMeta = new Map<string, RuleMeta>(RULES.map((r) => [r.meta.id, r.meta]));
  const text = formatter(reported, {
    cwd: io.cwd,
    color,
    rules: rulesMeta,
    summary: { files: files.length, objects: result.model.resources.length },
    maxWarningsExceeded: tooManyWarnings ? { maxWarnings, foundWarnings: warnings } : undefined,
  });
  if (outFile) {
    const abs = path.resolve(io.cwd, outFile);
    try {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    } catch (e) {
      throw new UsageError(`cannot write ${outFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else {
    io.stdout.write(text);
  }

  if (result.internalErrors.length || readErrors.length) return EXIT_FATAL;
  return errors > 0 || tooManyWarnings ? EXIT_FINDINGS : EXIT_OK;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return decode(Buffer.concat(chunks));
}
