/**
 * Progress on a terminal: run under a real pseudo-terminal (util-linux `script`), with stdout
 * going to a file, the progress line shows on stderr and is erased at the end; the report is
 * byte for byte the one of a run without a terminal; no terminal, `CI` or `--quiet`: not a byte
 * of it. The delay before the line appears is set to 0 here (KUBE_NETLINT_PROGRESS_DELAY_MS), so
 * nothing depends on how fast the machine is.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { progressText, progressWanted, startProgress } from '../../src/cli/progress.js';
import { ROOT, BIN } from '../support/util.js';

const SHOP = 'examples/shop';

const haveScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-progress-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    ...process.env,
    CI: undefined,
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    TERM: 'xterm-256color',
    KUBE_NETLINT_PROGRESS_DELAY_MS: '0',
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Run the CLI with stderr on a pseudo-terminal and stdout in a file: what the terminal got, and stdout. */
function onTerminal(name: string, args: string[], extra: Record<string, string | undefined> = {}) {
  const out = path.join(dir, `${name}.out`);
  const log = path.join(dir, `${name}.tty`);
  const cmd = [process.execPath, BIN, ...args].map(shellQuote).join(' ') + ` > ${shellQuote(out)}`;
  const r = spawnSync('script', ['-qec', cmd, log], {
    cwd: ROOT,
    env: baseEnv(extra),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, terminal: readFileSync(log, 'utf8'), stdout: readFileSync(out, 'utf8') };
}

function plain(args: string[], extra: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: baseEnv(extra),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ERASE = '\u001b[1G\u001b[0K';
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';

describe(
  'progress on a terminal',
  { skip: haveScript ? false : 'util-linux `script` is not installed: no pseudo-terminal to test with' },
  () => {
    it('shows the phases, files read of the total and the objects on stderr, erases them, and leaves the report as it is', () => {
      const tty = onTerminal('lint', [SHOP]);
      const ref = plain([SHOP]);
      assert.equal(tty.status, ref.status);
      assert.equal(tty.stdout, ref.stdout, 'the report is the same');
      assert.match(tty.terminal, /reading files \d+\/\d+/);
      assert.match(tty.terminal, /checking rules \d+\/\d+ · \d+ objects/);
      assert.ok(
        tty.terminal.includes(HIDE_CURSOR) && tty.terminal.includes(SHOW_CURSOR),
        'the cursor is hidden while drawing, and shown again',
      );
      // The last thing on the terminal erases the line: nothing of it stays.
      const last = tty.terminal.lastIndexOf('checking rules');
      assert.ok(tty.terminal.indexOf(ERASE, last) > last, 'the line is erased at the end');
    });

    it('connectivity says it is analysing, and prints the same list', () => {
      const tty = onTerminal('conn', ['connectivity', 'test-fixtures/connectivity/shop/manifests']);
      const ref = plain(['connectivity', 'test-fixtures/connectivity/shop/manifests']);
      assert.equal(tty.status, 0);
      assert.equal(tty.stdout, ref.stdout);
      assert.match(tty.terminal, /analysing connectivity · \d+ objects/);
    });

    it('shows nothing under CI, with --quiet, or on a dumb terminal', () => {
      for (const [name, args, extra] of [
        ['ci', [SHOP], { CI: 'true' }],
        ['quiet', ['--quiet', SHOP], {}],
        ['dumb', [SHOP], { TERM: 'dumb' }],
      ] as const) {
        const tty = onTerminal(name, [...args], extra);
        assert.doesNotMatch(tty.terminal, /reading files|checking rules/, name);
        assert.ok(!tty.terminal.includes(HIDE_CURSOR), name);
      }
    });
  },
);

/** A module hook that names each yocto-spinner module resolved, on stderr (`node --import` it). */
const TRACE = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, n) { const r = await n(s, c); if (r.url.includes("yocto-spinner")) process.stderr.write("LOADED yocto-spinner;"); return r; }'));`,
)}`;

describe('progress off a terminal', () => {
  it('does not load the progress package unless stderr is a terminal', () => {
    const r = spawnSync(process.execPath, ['--import', TRACE, BIN, SHOP], {
      cwd: ROOT,
      env: baseEnv({}),
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /LOADED yocto-spinner/);
    if (!haveScript) return;
    const log = path.join(dir, 'trace.tty');
    const cmd = [process.execPath, '--import', TRACE, BIN, SHOP].map(shellQuote).join(' ') + ' > /dev/null';
    spawnSync('script', ['-qec', cmd, log], { cwd: ROOT, env: baseEnv({}), encoding: 'utf8', timeout: 120_000 });
    assert.match(
      readFileSync(log, 'utf8'),
      /LOADED yocto-spinner/,
      'the hook works: on a terminal the package is loaded',
    );
  });

  it('writes nothing to a stderr that is a pipe', () => {
    const r = plain([SHOP]);
    assert.equal(r.stderr, '');
    const c = plain(['connectivity', 'test-fixtures/connectivity/shop/manifests']);
    assert.equal(c.stderr, '');
  });

  it('is wanted only for a terminal, without --quiet, CI or TERM=dumb; the no-op one writes nothing', () => {
    const writes: string[] = [];
    const fake = { isTTY: false, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
    assert.equal(progressWanted({ stderr: fake, env: {} }, false), false);
    assert.equal(progressWanted({ stderr: { ...fake, isTTY: true } as NodeJS.WriteStream, env: {} }, false), true);
    assert.equal(
      progressWanted({ stderr: { ...fake, isTTY: true } as NodeJS.WriteStream, env: { CI: 'true' } }, false),
      false,
    );
    assert.equal(
      progressWanted({ stderr: { ...fake, isTTY: true } as NodeJS.WriteStream, env: { TERM: 'dumb' } }, false),
      false,
    );
    assert.equal(progressWanted({ stderr: { ...fake, isTTY: true } as NodeJS.WriteStream, env: {} }, true), false);
    const p = startProgress({ stderr: fake, env: { KUBE_NETLINT_PROGRESS_DELAY_MS: '0' } }, false);
    p.update({ phase: 'reading files', done: 1, total: 2 }, true);
    p.stop();
    assert.deepEqual(writes, []);
  });

  it('says done of total and objects', () => {
    assert.equal(progressText({ phase: 'reading files', done: 1204, total: 4000 }), 'reading files 1,204/4,000');
    assert.equal(
      progressText({ phase: 'checking rules', done: 3, total: 44, objects: 1 }),
      'checking rules 3/44 · 1 object',
    );
    assert.equal(progressText({ phase: 'building the model' }), 'building the model');
  });
});
