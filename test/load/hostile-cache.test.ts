/**
 * A cache you can trust: `--cache` uses an entry only when its seal (an HMAC under this user's key,
 * kept outside the repository) checks out, never follows a symbolic link (at the cache file's name;
 * a cache folder that is one, or below one in the working directory, is refused), never blocks on a FIFO,
 * reads at most its size limit, and rewrites a bad or foreign cache file rather than obeying it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { MAX_CACHE_BYTES, ParseCache, contentHash } from '../../src/load/cache.js';
import { BIN } from '../support/util.js';

const home = mkdtempSync(path.join(tmpdir(), 'knl-cache-home-'));
process.env.XDG_CACHE_HOME = home;
const dirs: string[] = [home];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const BAD =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: nobody\n  ports:\n  - port: 80\n';

function project(): { dir: string; cacheDir: string; cacheFile: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'knl-cache-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'svc.yaml'), BAD);
  const cacheDir = path.join(dir, 'cache');
  return { dir, cacheDir, cacheFile: path.join(cacheDir, 'parse-cache.txt') };
}

function lint(dir: string, cacheDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(dir, ['--cache-location', cacheDir, 'svc.yaml']);
}

async function run(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await main(['--no-config', '-f', 'json', ...args], {
    stdout: out,
    stderr: err,
    stdin: new PassThrough(),
    cwd: dir,
    env: {},
  });
  return { code, stdout, stderr };
}

const rules = (stdout: string) =>
  (JSON.parse(stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);

describe('cache: trusted only when sealed by this user', () => {
  it('ignores a forged entry that would read a file as empty, and rewrites it', async () => {
    const { dir, cacheDir, cacheFile } = project();
    const first = await lint(dir, cacheDir);
    assert.equal(first.code, 1);
    assert.deepEqual(rules(first.stdout), ['service-selector-no-pods']);
    const header = readFileSync(cacheFile, 'utf8').split('\n')[0];
    const hash = contentHash(BAD, false);
    // A committed cache: the right header and hash, a made-up seal, and "no documents".
    for (const forged of [
      `${header}\n${hash}\tAAAA\t\t[]\n`,
      `${header}\n${hash}\t\t[]\n`,
      `kube-netlint parse cache\t3\tany\n${hash}\t\t[]\n`,
    ]) {
      writeFileSync(cacheFile, forged);
      const r = await lint(dir, cacheDir);
      assert.equal(r.code, 1, forged);
      assert.deepEqual(rules(r.stdout), ['service-selector-no-pods'], forged);
      assert.notEqual(readFileSync(cacheFile, 'utf8'), forged, 'rewritten');
    }
    // The rewritten cache is used again.
    const c = ParseCache.open(cacheDir, JSON.parse(JSON.stringify(header.split('\t')[2])) as string);
    assert.ok(c.get(hash), 'a sealed entry is used');
  });

  it(
    'does not follow a symbolic link at the cache name (to /dev/zero or to another file), and replaces the link',
    { skip: !existsSync('/dev/zero') },
    async () => {
      const { dir, cacheDir, cacheFile } = project();
      mkdirSync(cacheDir, { recursive: true });
      const victim = path.join(dir, 'victim.txt');
      writeFileSync(victim, 'keep me\n');
      for (const target of ['/dev/zero', victim]) {
        rmSync(cacheFile, { force: true });
        symlinkSync(target, cacheFile);
        const r = await lint(dir, cacheDir);
        assert.equal(r.code, 1, r.stderr);
        assert.ok(!lstatSync(cacheFile).isSymbolicLink(), 'the link is replaced by the cache file');
      }
      assert.equal(readFileSync(victim, 'utf8'), 'keep me\n');
    },
  );

  it('does not block on a FIFO at the cache name', { skip: process.platform === 'win32' }, () => {
    const { dir, cacheDir, cacheFile } = project();
    mkdirSync(cacheDir, { recursive: true });
    const made = spawnSync('mkfifo', [cacheFile]);
    if (made.status !== 0) return;
    const r = spawnSync(process.execPath, [BIN, '--no-config', '--cache-location', cacheDir, 'svc.yaml'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, XDG_CACHE_HOME: home },
    });
    assert.equal(r.signal, null, 'hang guard');
    assert.equal(r.status, 1, r.stderr);
  });

  it(
    'refuses a cache folder that is a symbolic link, or below one inside the working directory, before any work',
    { skip: process.platform === 'win32' },
    async () => {
      const { dir } = project();
      const elsewhere = mkdtempSync(path.join(tmpdir(), 'knl-cache-target-'));
      dirs.push(elsewhere);
      symlinkSync(elsewhere, path.join(dir, 'cachelink'));
      symlinkSync(elsewhere, path.join(dir, 'node_modules'));
      for (const [args, line] of [
        [['--cache-location', 'cachelink'], /^kube-netlint: cannot write cachelink: it is a symbolic link \(to /],
        [['--cache-location', 'cachelink/sub'], /^kube-netlint: cannot write cachelink\/sub: cachelink is a symbolic/],
        // The default location, in the repository: `node_modules` could be a link it holds.
        [['--cache'], /^kube-netlint: cannot write node_modules\/\.cache\/kube-netlint: node_modules is a symbolic/],
      ] as const) {
        const r = await run(dir, [...args, 'svc.yaml']);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stdout, '');
        assert.equal(r.stderr.split('\n').length, 2, r.stderr);
        assert.match(r.stderr, line);
        assert.deepEqual(readdirSync(elsewhere), [], 'nothing written where the link leads');
      }
      // A link above the working directory is the system's layout: the cache is written.
      const work = path.join(dir, 'cachelink', 'work');
      mkdirSync(work);
      writeFileSync(path.join(work, 'svc.yaml'), BAD);
      const r = await run(work, ['--cache', 'svc.yaml']);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(existsSync(path.join(elsewhere, 'work/node_modules/.cache/kube-netlint/parse-cache.txt')));
    },
  );

  it('ignores a cache file over its size limit without reading it', async () => {
    const { dir, cacheDir, cacheFile } = project();
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, '');
    truncateSync(cacheFile, MAX_CACHE_BYTES + 1); // sparse
    const r = await lint(dir, cacheDir);
    assert.equal(r.code, 1);
    assert.ok(lstatSync(cacheFile).size < 1024 * 1024, 'rewritten small');
  });
});
