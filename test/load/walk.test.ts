/**
 * A directory walk without ignore files or patterns lists the tree itself (src/load/walk.ts); with
 * an ignore pattern (one that matches nothing here), globby lists it. Both give the same files,
 * links, Helm charts and unreadable folders, on trees with the names a walk treats specially.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { discover } from '../../src/load/discover.js';
import type { DiscoverOptions, DiscoverResult } from '../../src/load/discover.js';
import { planSlices } from '../../src/load/kustomize.js';
import { listFolderSync, listTree } from '../../src/load/walk.js';
import { tmp } from '../support/util.js';
import { denySecret } from '../support/deny.js';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';

/** A tree with dot files and folders, node_modules (folder, link, file), charts, links and odd names. */
function tricky(): string {
  const root = tmp({
    'w/a.yaml': CM,
    'w/b.yml': CM,
    'w/c.json': '{}',
    'w/notes.txt': 'x',
    'w/.hidden.yaml': CM,
    'w/.dot/d.yaml': CM,
    'w/sub/.e.yaml': CM,
    'w/sub/deep/f.yaml': CM,
    'w/sub/deep/er/g.YAML': CM,
    'w/node_modules/h.yaml': CM,
    'w/sub/node_modules/i.yaml': CM,
    'w/node_modules.yaml': CM,
    'w/.git/j.yaml': CM,
    'w/chart/Chart.yaml': 'name: c\n',
    'w/chart/templates/k.yaml': CM,
    'w/[x]{y}(z)!@+*?.yaml': CM,
    'w/back\\slash.yaml': CM,
    'w/sp ace/l.yaml': CM,
    'w/#hash/m.yaml': CM,
    'w/ünï/n.yaml': CM,
    'w/secret/o.yaml': CM,
    'out/p.yaml': CM,
    'out/q/r.yaml': CM,
  });
  const w = path.join(root, 'w');
  symlinkSync('sub/deep', path.join(w, 'to-deep'));
  symlinkSync('a.yaml', path.join(w, 'a-link.yaml'));
  symlinkSync('a.yaml', path.join(w, 'node_modules-ish.yaml'));
  symlinkSync('sub', path.join(w, 'sub', 'deep', 'loop'));
  symlinkSync('../out', path.join(w, 'outside'));
  symlinkSync('missing.yaml', path.join(w, 'broken.yaml'));
  symlinkSync('../a.yaml', path.join(w, 'sub', 'node_modules', 'link.yaml'));
  symlinkSync('sub', path.join(w, 'sub', 'node_modules-link'));
  mkdirSync(path.join(w, 'empty'));
  return root;
}

/** The walk listed here and the walk listed by globby (an ignore pattern that matches nothing). */
async function both(
  args: string[],
  options: DiscoverOptions,
  listedHere = true,
): Promise<[DiscoverResult, DiscoverResult]> {
  const own = await discover(args, { ...options, ignore: [] });
  const globbed = await discover(args, { ...options, ignore: ['**/never-a-name-here/**'] });
  // What only the walk listed here knows (the Kustomization files it met) is compared below.
  const { kustomizationFiles, ...rest } = own;
  assert.equal(globbed.kustomizationFiles.size, 0);
  assert.equal(kustomizationFiles.size, listedHere ? new Set(args).size : 0);
  return [{ ...rest, kustomizationFiles: globbed.kustomizationFiles }, globbed];
}

describe('directory walk: listed here as globby lists it', () => {
  it('gives the same result from inside and outside the walked folder, with links, charts and odd names', async () => {
    const root = tricky();
    const w = path.join(root, 'w');
    for (const cwd of [root, w, path.join(root, 'out'), path.join(w, 'sub')]) {
      for (const args of [[w], [path.join(w, 'sub')], [w, path.join(root, 'out')], [path.join(w, 'to-deep')]]) {
        const [own, globbed] = await both(args, { cwd, ignore: [], gitignore: false });
        assert.deepEqual(own, globbed, `${args.join(' ')} from ${cwd}`);
      }
    }
    const [own] = await both([w], { cwd: root, ignore: [], gitignore: false });
    const names = own.files.map((f) => path.relative(w, f.absPath).split(path.sep).join('/'));
    assert.ok(names.includes('[x]{y}(z)!@+*?.yaml') && names.includes('back\\slash.yaml'), names.join(', '));
    assert.ok(!names.some((n) => n.includes('node_modules/') || n.startsWith('.')), names.join(', '));
    assert.deepEqual(own.skippedCharts, [path.join(w, 'chart')]);
  });

  it('records folders it may not list, and reads the rest', async () => {
    const root = tricky();
    const [own, globbed] = await both([path.join(root, 'w')], {
      cwd: root,
      ignore: [],
      gitignore: false,
      readdir: denySecret,
    });
    assert.deepEqual(own, globbed);
    assert.deepEqual(
      own.deniedFolders.map((d) => d.absPath),
      [path.join(root, 'w', 'secret')],
    );
  });

  it('leaves a tree with a name holding a line terminator to globby', async () => {
    const root = tricky();
    const w = path.join(root, 'w');
    mkdirSync(path.join(w, '\nnl'));
    writeFileSync(path.join(w, '\nnl', 's.yaml'), CM);
    writeFileSync(path.join(w, 'x\u2028y.yaml'), CM);
    assert.equal(await listTree(w, listFolderSync, () => {}), undefined);
    const [own, globbed] = await both([w], { cwd: root, ignore: [], gitignore: false }, false);
    assert.deepEqual(own, globbed);
    assert.ok(own.files.some((f) => f.absPath === path.join(w, '\nnl', 's.yaml')));
  });

  it('lists every entry that is not a folder, links included, without following them', async () => {
    const root = tricky();
    const w = path.join(root, 'w');
    const entries = await listTree(w, listFolderSync, () => {});
    const names = (entries ?? []).map((e) => path.relative(w, e.path).split(path.sep).join('/')).sort();
    assert.ok(names.includes('to-deep') && names.includes('sub/deep/loop') && names.includes('notes.txt'));
    assert.ok(!names.includes('sub') && !names.includes('empty'), names.join(', '));
    assert.ok(!names.some((n) => n.startsWith('to-deep/') || n.includes('node_modules/')), names.join(', '));
  });

  it('hands the Kustomization files it met to the Kustomize planning, which finds the same roots as its own search', async () => {
    const root = tmp({
      'k/a/Kustomization': 'resources: [s.yaml]\n',
      'k/a/s.yaml': CM,
      'k/b/c/Kustomization': 'resources: [s.yaml]\n',
      'k/b/c/s.yaml': CM,
      'k/.d/Kustomization': 'resources: [s.yaml]\n',
      'k/.d/s.yaml': CM,
      'k/node_modules/e/Kustomization': 'resources: [s.yaml]\n',
      'k/node_modules/e/s.yaml': CM,
      'k/f/kustomization': 'resources: [s.yaml]\n',
      'k/f/s.yaml': CM,
      'k/g/s.yaml': CM,
      'k/h/s.yaml': CM,
    });
    mkdirSync(path.join(root, 'k', 'g', 'Kustomization'));
    symlinkSync('../a/Kustomization', path.join(root, 'k', 'h', 'Kustomization'));
    const d = await discover(['k'], { cwd: root, ignore: [], gitignore: false });
    assert.deepEqual(
      [...d.kustomizationFiles.entries()].map(([k, v]) => [k, [...v].sort()]),
      [
        [
          path.join(root, 'k'),
          [path.join(root, 'k', 'a', 'Kustomization'), path.join(root, 'k', 'b', 'c', 'Kustomization')],
        ],
      ],
    );
    const options = { cwd: root, command: null, walked: ['k'], gitignore: false };
    const withListing = await planSlices(d.files, { ...options, listed: d.kustomizationFiles });
    const searched = await planSlices(d.files, options);
    assert.deepEqual(withListing, searched);
    assert.deepEqual(searched.roots, ['k/a', 'k/b/c']);
  });
});
