/**
 * `npm run fuzz -- --minutes N [--seed S]`: structural mutations of the test fixtures and examples
 * (lines dropped, duplicated, swapped, indented and dedented, documents split and joined, brackets,
 * flow keys, anchors and aliases, tabs, lone CRs, hostile names, truncation), each linted in this
 * process (`-f json` from standard input), and every fourth one also through `connectivity` and
 * `graph` (JSON). A failure is an internal error or stack trace, output that is not JSON, an exit
 * code other than 0, 1 or 2 (2 with its one-line reason). Time is not a failure: the run stops
 * taking new inputs after N minutes, and an input still unanswered after the slow guard is written
 * out and noted (a loaded machine is slow, not broken), then the run stops. Failing and slow inputs
 * are written to a folder; the exit code is 1 only when there was a failure. The last line is a
 * summary: `fuzz: ok …` or `fuzz: FAILED …`.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { main } from '../src/cli/main.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** An input unanswered this long is noted as slow (not a failure) and ends the run. */
const SLOW_MS = 60_000;

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '1' }, seed: { type: 'string' }, out: { type: 'string' } },
  strict: true,
});
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error('--minutes needs a positive number');
let state = Number(values.seed ?? Date.now() % 2 ** 31) >>> 0 || 1;
const seedUsed = state;
const outDir = values.out ?? path.join(tmpdir(), 'kube-netlint-fuzz');

/** xorshift32: reproducible with --seed. */
function rand(n: number): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state % n;
}
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];

function seeds(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(name) && st.size < 256 * 1024) out.push(readFileSync(p, 'utf8'));
    }
  };
  for (const d of ['test-fixtures', 'examples']) walk(path.join(ROOT, d));
  return out;
}

const HOSTILE = [
  '"\\e[31mred"',
  '"::error file=a.yaml::x"',
  "'=cmd|x'",
  '"<script>x</script>"',
  '"a|b"',
  '"\\n::add-mask::x"',
  '"\\\\"',
];

type Mutation = (lines: string[]) => string[];
const MUTATIONS: Mutation[] = [
  (l) => (l.length ? (l.splice(rand(l.length), 1), l) : l),
  (l) => (l.length ? (l.splice(rand(l.length), 0, l[rand(l.length)]), l) : l),
  (l) => {
    if (l.length < 2) return l;
    const i = rand(l.length);
    const j = rand(l.length);
    [l[i], l[j]] = [l[j], l[i]];
    return l;
  },
  (l) => (l.length ? ((l[rand(l.length)] = `  ${l[rand(l.length)]}`), l) : l),
  (l) => (l.length ? ((l[rand(l.length)] = l[rand(l.length)].replace(/^ {1,2}/, '')), l) : l),
  (l) => (l.splice(rand(l.length + 1), 0, '---'), l),
  (l) => l.filter((x) => !/^---/.test(x)),
  (l) => {
    const n = 1 + rand(400);
    l.splice(rand(l.length + 1), 0, `x: ${'[{'.repeat(n)}${'}]'.repeat(n)}`);
    return l;
  },
  (l) => {
    const n = 1 + rand(3000);
    const at = rand(l.length + 1);
    const block = Array.from({ length: n }, (_, i) => `  k${i}: v`);
    l.splice(at, 0, 'a: b', ...block);
    return l;
  },
  (l) => (l.length ? ((l[rand(l.length)] = l[rand(l.length)].replace(/: (\S.*)$/, ': &a $1')), l.push('z: *a'), l) : l),
  (l) => (l.length ? ((l[rand(l.length)] = l[rand(l.length)].replace(/^( *)/, '$1\t')), l) : l),
  (l) => (l.length ? ((l[rand(l.length)] += '\r'), l) : l),
  (l) =>
    l.length
      ? ((l[rand(l.length)] = l[rand(l.length)].replace(/(name|app|namespace): .*/, `$1: ${pick(HOSTILE)}`)), l)
      : l,
  (l) => l.slice(0, rand(l.length + 1)),
  (l) => (l.length ? ((l[rand(l.length)] = l[rand(l.length)].slice(0, rand(40))), l) : l),
  (l) => {
    const n = 1 + rand(600);
    l.splice(rand(l.length + 1), 0, `${'- '.repeat(n)}x`);
    return l;
  },
  (l) => [...l, ...l],
];

function mutate(text: string): string {
  let lines = text.split('\n');
  const rounds = 1 + rand(4);
  for (let i = 0; i < rounds; i++) lines = pick(MUTATIONS)(lines);
  return lines.join('\n');
}

async function run(args: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string } | 'slow'> {
  const out = new PassThrough();
  const err = new PassThrough();
  const input = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  input.end(stdin);
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), SLOW_MS)));
  const done = main(args, { stdout: out, stderr: err, stdin: input, cwd: ROOT, env: {} }).then((code) => ({
    code,
    stdout,
    stderr,
  }));
  const r = await Promise.race([done, slow]);
  clearTimeout(timer);
  return r;
}

function problem(r: Exclude<Awaited<ReturnType<typeof run>>, 'slow'>): string | undefined {
  if (/internal error|Maximum call stack|\n\s+at .+\(.+:\d+:\d+\)/.test(r.stderr))
    return `internal error: ${r.stderr.split('\n')[0]}`;
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) return `exit code ${r.code}`;
  if (r.code === 2) return r.stderr.trim() ? undefined : 'exit code 2 without a reason';
  try {
    JSON.parse(r.stdout);
  } catch {
    return `output is not JSON: ${JSON.stringify(r.stdout.slice(0, 80))}`;
  }
  return undefined;
}

async function fuzz(): Promise<number> {
  const inputs = seeds();
  const end = Date.now() + minutes * 60_000;
  let mutants = 0;
  let networkRuns = 0;
  const failures: string[] = [];
  const start = Date.now();
  let slowInput: string | undefined;
  const keep = (text: string, name: string) => {
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, name);
    writeFileSync(file, text);
    return file;
  };
  while (Date.now() < end && !slowInput) {
    const text = mutate(pick(inputs));
    mutants++;
    const commands = [['--no-config', '-f', 'json', '-']];
    if (mutants % 4 === 0)
      commands.push(['connectivity', '--no-config', '-f', 'json', '-'], ['graph', '--no-config', '-f', 'json', '-']);
    for (const args of commands) {
      if (args[0] !== '--no-config') networkRuns++;
      const r = await run(args, text);
      if (r === 'slow') {
        slowInput = `${args.slice(0, -1).join(' ')} < ${keep(text, 'slow.yaml')}`;
        process.stderr.write(
          `fuzz: note: no answer within ${SLOW_MS / 1000} s (slow machine or slow input, not counted as a failure): ${slowInput}\n`,
        );
        break;
      }
      const p = problem(r);
      if (!p) continue;
      failures.push(`${args.slice(0, -1).join(' ')} < ${keep(text, `failure-${failures.length + 1}.yaml`)}: ${p}`);
      process.stderr.write(`fuzz: ${failures[failures.length - 1]}\n`);
    }
  }
  const seconds = Math.round((Date.now() - start) / 1000);
  process.stdout.write(
    `fuzz: ${failures.length ? 'FAILED' : 'ok'}: seed ${seedUsed}, ${seconds} s, ${mutants} mutants linted, ${networkRuns} network-command runs, ` +
      `${failures.length} failures${slowInput ? ', stopped at a slow input' : ''}${failures.length || slowInput ? ` (inputs in ${outDir})` : ''}\n`,
  );
  return failures.length ? 1 : 0;
}

fuzz().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`fuzz: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
