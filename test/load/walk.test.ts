/**
 * A directory walk without ignore files or patterns lists the tree itself (src/load/walk.ts); with
 * an ignore pattern (one that matches nothing here), globby lists it. Both give the same files,
 * links, Helm charts and unreadable folders, on trees with the names a walk treats specially.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { discover } from '../../src/load/discover.js';
import type { DiscoverOptions, DiscoverResult } from '../../src/load/discover.js';
import { planSlices } from '../../src/load/kustomize.js';
import { listFolderSync, listTree } from '../../src/load/walk.js';
import { tmp } from '../support/util.js';
import { denySecret, recording } from '../support/deny.js';

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
  // Keyed by the folders listed here (links followed included).
  for (const arg of args) assert.equal(kustomizationFiles.has(arg), listedHere, `${arg} listed here`);
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

/** Is git there to make a real work tree? */
const gitThere = spawnSync('git', ['--version']).status === 0;

/**
 * A git work tree with .gitignore files at the top, in the walked folder (`k8s`) and below it,
 * in a sibling folder, in an ignored folder and in folders globby's search does not enter; with
 * negations, anchored and unanchored patterns, folder patterns and `**`. `git`: made with `git
 * init` (else with a bare `.git` folder, which is what globby looks for).
 */
function ignoring(git: boolean): { root: string; repo: string } {
  const root = tmp({
    'repo/.gitignore': '*.tmp.yaml\n!keep.tmp.yaml\n/top-only.yaml\nbuild/\nlogs\n**/gen/**\nsecret/\n',
    'repo/top-only.yaml': CM,
    'repo/sibling/.gitignore': '*.yaml\n',
    'repo/sibling/i.yaml': CM,
    'repo/k8s/top-only.yaml': CM,
    'repo/k8s/a.yaml': CM,
    'repo/k8s/x.tmp.yaml': CM,
    'repo/k8s/X.TMP.YAML': CM,
    'repo/k8s/keep.tmp.yaml': CM,
    'repo/k8s/build/b.yaml': CM,
    'repo/k8s/build/sub/.gitignore': '!c.yaml\n',
    'repo/k8s/build/sub/c.yaml': CM,
    'repo/k8s/logs/d.yaml': CM,
    'repo/k8s/q/gen/r.yaml': CM,
    'repo/k8s/secret/s.yaml': CM,
    'repo/k8s/.gitignore':
      '# comment\r\n/anch.yaml\r\nsub/deep/\r\n*.json\r\n!important.json\r\nnested/\r\n!nested/e.yaml\r\n' +
      'ign-link.yaml\r\ndirlink/\r\ntrailing.yaml   \r\n\\#hash.yaml\r\n\\!bang.yaml\r\nw*/**/z.yaml\r\n',
    'repo/k8s/anch.yaml': CM,
    'repo/k8s/sub/anch.yaml': CM,
    'repo/k8s/sub/deep/f.yaml': CM,
    'repo/k8s/x/sub/deep/f.yaml': CM,
    'repo/k8s/c.json': '{}',
    'repo/k8s/important.json': '{}',
    'repo/k8s/nested/e.yaml': CM,
    'repo/k8s/trailing.yaml': CM,
    'repo/k8s/#hash.yaml': CM,
    'repo/k8s/!bang.yaml': CM,
    'repo/k8s/w1/y/z.yaml': CM,
    'repo/k8s/w1/y/z2.yaml': CM,
    'repo/k8s/sub/.gitignore': '*.yaml\n!keep-*.yaml\n',
    'repo/k8s/sub/g.yaml': CM,
    'repo/k8s/sub/keep-g.yaml': CM,
    'repo/k8s/sub/inner/h.yaml': CM,
    'repo/k8s/sub/inner/.gitignore': '!h2.yaml\n',
    'repo/k8s/sub/inner/h2.yaml': CM,
    'repo/k8s/coverage/.gitignore': '*.yaml\n',
    'repo/k8s/coverage/j.yaml': CM,
    'repo/k8s/.hidden/.gitignore': '*\n',
    'repo/k8s/deep/a/b/.gitignore': 'c/\n',
    'repo/k8s/deep/a/b/c/k.yaml': CM,
    'repo/k8s/deep/a/b/l.yaml': CM,
    'outside/m.yaml': CM,
  });
  const repo = path.join(root, 'repo');
  if (git) assert.equal(spawnSync('git', ['init', '-q', repo]).status, 0);
  else mkdirSync(path.join(repo, '.git'));
  const k8s = path.join(repo, 'k8s');
  symlinkSync('a.yaml', path.join(k8s, 'ign-link.yaml'));
  symlinkSync('sub', path.join(k8s, 'dirlink'));
  symlinkSync('build', path.join(k8s, 'to-build'));
  symlinkSync('../sibling', path.join(k8s, 'to-sibling'));
  return { root, repo };
}

/** The files of a result, relative to `dir`. */
const namesIn = (r: DiscoverResult, dir: string) =>
  r.files.map((f) => path.relative(dir, f.absPath).split(path.sep).join('/'));

describe('directory walk in a git work tree: .gitignore files applied here as globby applies them', () => {
  for (const git of [false, true]) {
    const skip = git && !gitThere ? 'git is not installed: the tree with a bare .git folder covers the walk' : false;
    it(
      `gives globby's files from every working directory (${git ? 'git init' : 'a .git folder'})`,
      { skip },
      async () => {
        const { root, repo } = ignoring(git);
        const k8s = path.join(repo, 'k8s');
        const cwds = [repo, k8s, path.join(k8s, 'sub'), path.join(k8s, 'build'), path.join(repo, 'sibling'), root];
        const walks = [
          [k8s],
          [path.join(k8s, 'sub')],
          [path.join(k8s, 'sub', 'inner')],
          [k8s, path.join(repo, 'sibling')],
        ];
        walks.push([path.join(k8s, 'build')], [repo], [path.join(root, 'outside')], [path.join(k8s, 'coverage')]);
        for (const cwd of cwds)
          for (const args of walks) {
            const [own, globbed] = await both(args, { cwd, ignore: [] });
            assert.deepEqual(own, globbed, `${args.join(' ')} from ${cwd}`);
          }
        // What the rules leave, from the top of the work tree (the comparisons above are not of empty lists).
        // As with globby: patterns ignore case, a .gitignore in `coverage` or through a link is not read.
        const [own] = await both([k8s], { cwd: repo, ignore: [] });
        assert.deepEqual(namesIn(own, k8s), [
          'a.yaml',
          'coverage/j.yaml',
          'deep/a/b/l.yaml',
          'important.json',
          'keep.tmp.yaml',
          'sub/inner/h2.yaml',
          'sub/keep-g.yaml',
          'to-sibling/i.yaml',
          'top-only.yaml',
          'w1/y/z2.yaml',
          'x/sub/deep/f.yaml',
        ]);
      },
    );
  }

  it('does not list the folders the rules leave out, nor any folder beside the walked one', async () => {
    const { repo } = ignoring(false);
    const k8s = path.join(repo, 'k8s');
    const { readdir: list, listed } = recording();
    const r = await discover([k8s], { cwd: repo, ignore: [], readdir: list });
    assert.ok(r.kustomizationFiles.has(k8s), 'listed here');
    const rel = listed.map((d) => path.relative(repo, d).split(path.sep).join('/'));
    for (const left of ['k8s/build', 'k8s/build/sub', 'k8s/logs', 'k8s/nested', 'k8s/sub/deep', 'sibling'])
      assert.ok(!rel.includes(left), `${left} listed: ${rel.join(', ')}`);
    assert.ok(rel.includes('k8s/sub/inner') && rel.includes('k8s/x/sub/deep'), rel.join(', '));
  });

  it('reports a folder it may not list in the walked folder, and none elsewhere', async () => {
    const { repo } = ignoring(false);
    mkdirSync(path.join(repo, 'k8s', 'open', 'secret'), { recursive: true });
    mkdirSync(path.join(repo, 'elsewhere', 'secret'), { recursive: true });
    writeFileSync(path.join(repo, '.gitignore'), '*.tmp.yaml\n');
    const [own, globbed] = await both([path.join(repo, 'k8s')], { cwd: repo, ignore: [], readdir: denySecret });
    assert.deepEqual(
      own.deniedFolders.map((d) => d.absPath),
      [path.join(repo, 'k8s', 'open', 'secret'), path.join(repo, 'k8s', 'secret')],
    );
    // globby's search for .gitignore files lists the whole working directory: it meets the other one too.
    assert.deepEqual({ ...own, deniedFolders: [] }, { ...globbed, deniedFolders: [] });
  });

  it('leaves the walk to globby where a .gitignore is a link', async () => {
    const { repo } = ignoring(false);
    const k8s = path.join(repo, 'k8s');
    symlinkSync('sub/.gitignore', path.join(k8s, 'x', '.gitignore'));
    const [own, globbed] = await both([k8s], { cwd: repo, ignore: [] }, false);
    assert.deepEqual(own, globbed);
  });
});
