/**
 * What a directory walk reads besides the folder: .gitignore files apply where globby applies
 * them (below the working directory's git work tree, else below the working directory), and a
 * folder apart from that tree is walked without listing the tree. Real paths of walked files come
 * from their folder's; reads stop at the end of a file that is as large as it claims.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { discover, displayPath } from '../../src/load/discover.js';
import { InputLimitError, readTextSync } from '../../src/load/read.js';
import { tmp } from '../support/util.js';
import { recording } from '../support/deny.js';

const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

const names = (files: { absPath: string }[], root: string) =>
  files.map((f) => path.relative(root, f.absPath).split(path.sep).join('/'));

describe('discovery: where .gitignore files apply', () => {
  it('walks a folder apart from the working tree without listing the working tree', async () => {
    const root = tmp({
      'work/.gitignore': 'ignored.yaml\n',
      'work/busy/a/x.txt': 'x',
      'work/busy/b/y.txt': 'y',
      'out/ignored.yaml': CM('a'),
      'out/sub/b.yaml': CM('b'),
    });
    mkdirSync(path.join(root, 'work', '.git'));
    const { readdir: list, listed } = recording();
    const r = await discover([path.join(root, 'out')], { cwd: path.join(root, 'work'), ignore: [], readdir: list });
    // The working tree's .gitignore does not reach a folder outside it.
    assert.deepEqual(names(r.files, root), ['out/ignored.yaml', 'out/sub/b.yaml']);
    assert.ok(
      listed.every((d) => !d.startsWith(path.join(root, 'work'))),
      `listed ${listed.join(', ')}`,
    );
  });

  it('applies the .gitignore files of the working tree to a folder inside it', async () => {
    const root = tmp({
      '.gitignore': 'ignored.yaml\n',
      'k8s/ignored.yaml': CM('a'),
      'k8s/.gitignore': 'local.yaml\n',
      'k8s/local.yaml': CM('b'),
      'k8s/kept.yaml': CM('c'),
    });
    mkdirSync(path.join(root, '.git'));
    // From the top of the work tree, and from the walked folder.
    for (const cwd of [root, path.join(root, 'k8s')]) {
      const r = await discover([path.join(root, 'k8s')], { cwd, ignore: [] });
      assert.deepEqual(names(r.files, root), ['k8s/kept.yaml'], cwd);
    }
  });

  it('applies them to the part of a walked folder that holds the working directory', async () => {
    const root = tmp({
      'all/cwd/.gitignore': 'ignored.yaml\n',
      'all/cwd/ignored.yaml': CM('a'),
      'all/cwd/kept.yaml': CM('b'),
      'all/other/ignored.yaml': CM('c'),
    });
    const r = await discover([path.join(root, 'all')], { cwd: path.join(root, 'all', 'cwd'), ignore: [] });
    assert.deepEqual(names(r.files, root), ['all/cwd/kept.yaml', 'all/other/ignored.yaml']);
  });
});

describe('discovery: real paths', () => {
  it('reads a file once when a link inside the folder leads to it, under its own path', async () => {
    const root = tmp({ 'k8s/real/a.yaml': CM('a') });
    symlinkSync(path.join(root, 'k8s', 'real'), path.join(root, 'k8s', 'alias'));
    const r = await discover([path.join(root, 'k8s')], { cwd: root, ignore: [], gitignore: false });
    assert.deepEqual(names(r.files, root), ['k8s/real/a.yaml']);
  });

  it('walks a folder given through a link as the folder it leads to', async () => {
    const root = tmp({ 'k8s/a.yaml': CM('a'), 'k8s/b/c.yaml': CM('c') });
    symlinkSync(path.join(root, 'k8s'), path.join(root, 'link'));
    const r = await discover([path.join(root, 'link'), path.join(root, 'k8s')], {
      cwd: root,
      ignore: [],
      gitignore: false,
    });
    // One entry per real file: the path of the file itself wins over the path through the link.
    assert.deepEqual(names(r.files, root), ['k8s/a.yaml', 'k8s/b/c.yaml']);
  });
});

describe('bounded reads', () => {
  it('reads files of every size exactly, empty ones included', () => {
    const root = tmp();
    for (const size of [0, 1, 4095, 4096, 4097, 65_535, 65_536, 65_537, 70_000, 300_000]) {
      const file = path.join(root, `f${size}.yaml`);
      const text = 'x'.repeat(size);
      writeFileSync(file, text);
      assert.equal(readTextSync(file, 1 << 20), text);
      assert.equal(readTextSync(file), text);
    }
  });

  it('reads one after another without mixing their ends', () => {
    const root = tmp({ 'a.yaml': 'a'.repeat(10), 'b.yaml': 'b'.repeat(3) });
    assert.equal(readTextSync(path.join(root, 'a.yaml'), 100), 'a'.repeat(10));
    assert.equal(readTextSync(path.join(root, 'b.yaml'), 100), 'bbb');
    appendFileSync(path.join(root, 'b.yaml'), 'c');
    assert.equal(readTextSync(path.join(root, 'b.yaml'), 100), 'bbbc');
  });

  it('still refuses a file over the limit', () => {
    const root = tmp({ 'big.yaml': 'y'.repeat(101) });
    assert.throws(() => readTextSync(path.join(root, 'big.yaml'), 100), /more than 100 bytes/);
  });

  it('refuses a large file over the limit with its size, and reads one at the limit', () => {
    const root = tmp({ 'big.yaml': 'y'.repeat(100_000), 'a.yaml': 'a: 1\n' });
    const big = path.join(root, 'big.yaml');
    for (const limit of [10, 70_000, 99_999])
      assert.throws(
        () => readTextSync(big, limit),
        (e: unknown) => e instanceof InputLimitError && e.bytes === 100_000 && e.limit === limit,
      );
    assert.equal(readTextSync(big, 100_000), 'y'.repeat(100_000));
    // What a refused read leaves behind is not the next file's text.
    assert.equal(readTextSync(path.join(root, 'a.yaml'), 100), 'a: 1\n');
  });
});

describe('display paths', () => {
  /** What a display path is: relative to the working directory, unless outside it. */
  const reference = (absPath: string, cwd: string) => {
    const rel = path.relative(cwd, absPath);
    return (rel.startsWith('..') || path.isAbsolute(rel) ? absPath : rel).split(path.sep).join('/');
  };

  it('names a path as path.relative does, inside the working directory and outside it', () => {
    const cwds = ['/', '/work', '/work/', '/work/repo', '/work/./repo', '/work/repo/../repo', 'relative/dir'];
    const paths = [
      '/',
      '/work',
      '/work/repo',
      '/work/repo/a.yaml',
      '/work/repo/k8s/b.yaml',
      '/work/repo/..x.yaml',
      '/work/repo/.github/c.yaml',
      '/work/repo/./d.yaml',
      '/work/repo//e.yaml',
      '/work/repo/k8s/',
      '/work/repo2/f.yaml',
      '/work/rep/g.yaml',
      '/elsewhere/h.yaml',
      path.resolve('relative/dir/i.yaml'),
      path.resolve('relative/j.yaml'),
    ];
    for (const cwd of cwds)
      for (const p of paths) assert.equal(displayPath(p, cwd), reference(p, cwd), `${p} from ${cwd}`);
  });
});
