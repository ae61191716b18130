/**
 * End-to-end test of the pre-commit hook with the real `pre-commit` program.
 *
 * pre-commit installs hooks from a git repository at a commit. To test the hook as it is in this
 * working tree (committed or not), the test commits a snapshot of the tree (tracked and untracked,
 * not ignored files) into a temporary repository and points a project's .pre-commit-config.yaml
 * at it, with `language_version: system` so that nodeenv uses this machine's Node instead of
 * downloading one. Installing the hook runs `npm install` (registry or cache) and our build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../support/util.js';

const work = mkdtempSync(path.join(tmpdir(), 'kube-netlint-precommit-'));
after(() => rmSync(work, { recursive: true, force: true }));

const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  PRE_COMMIT_HOME: path.join(work, 'cache'),
  GIT_AUTHOR_NAME: 'kube-netlint test',
  GIT_AUTHOR_EMAIL: 'test@kube-netlint.invalid',
  GIT_COMMITTER_NAME: 'kube-netlint test',
  GIT_COMMITTER_EMAIL: 'test@kube-netlint.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  // Use the npm cache when it has the packages; never nag.
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  NO_COLOR: '1',
};
delete ENV.FORCE_COLOR;

function sh(cmd: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', timeout });
}

function git(args: string[], cwd: string): string {
  const r = sh('git', args, cwd);
  assert.equal(r.status, 0, `git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Commit a snapshot of this working tree into a new repository; returns its path and commit. */
function snapshotRepository(): { dir: string; rev: string } {
  const dir = path.join(work, 'hook-repo');
  mkdirSync(dir);
  const list = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT).split('\0').filter(Boolean);
  for (const rel of list) {
    const src = path.join(ROOT, rel);
    if (!existsSync(src) || !lstatSync(src).isFile()) continue; // deleted in the working tree, or a link
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    copyFileSync(src, path.join(dir, rel));
  }
  git(['init', '-q'], dir);
  git(['add', '-A'], dir);
  git(['commit', '-q', '--no-verify', '-m', 'snapshot'], dir);
  return { dir, rev: git(['rev-parse', 'HEAD'], dir).trim() };
}

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - {name: http, containerPort: 8080}
`;
const SVC = (selector: string) => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: ${selector}
  ports:
    - {name: http, port: 80, targetPort: http}
`;

function findDirs(root: string, name: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    if (e.name === name) out.push(path.join(root, e.name));
    else if (!e.name.startsWith('node_')) out.push(...findDirs(path.join(root, e.name), name));
  }
  return out;
}

describe('pre-commit hook (end to end)', () => {
  it('fails on a broken manifest with our message and passes once it is fixed', { timeout: 900_000 }, (t) => {
    const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) {
      t.skip(
        `pre-commit is not installed: ${version.error?.message ?? version.stderr.trim()} (apt-get install pre-commit)`,
      );
      return;
    }
    const inGit = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: ROOT, encoding: 'utf8' });
    if (inGit.error || inGit.status !== 0) {
      t.skip(`${ROOT} is not a git checkout: pre-commit installs hooks from git`);
      return;
    }
    t.diagnostic(version.stdout.trim());

    const hook = snapshotRepository();
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, 'k8s'), { recursive: true });
    mkdirSync(path.join(project, '.github/workflows'), { recursive: true });
    writeFileSync(
      path.join(project, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${JSON.stringify(hook.dir)}\n    rev: ${hook.rev}\n    hooks:\n      - id: kube-netlint\n        language_version: system\n`,
    );
    writeFileSync(path.join(project, 'k8s/deploy.yaml'), DEPLOY);
    writeFileSync(path.join(project, 'k8s/svc.yaml'), SVC('webb'));
    // YAML that is not a manifest: pre-commit passes it to the hook, which must not complain.
    writeFileSync(path.join(project, '.github/workflows/ci.yml'), 'on: push\njobs: {}\n');
    git(['init', '-q'], project);
    git(['add', '-A'], project);

    const runHook = (...args: string[]) => {
      const r = sh('pre-commit', ['run', '--color', 'never', ...args], project, 600_000);
      return { status: r.status, out: `${r.stdout}${r.stderr}`, error: r.error };
    };

    const failing = runHook('--all-files');
    assert.equal(failing.error, undefined, String(failing.error));
    assert.equal(failing.status, 1, failing.out);
    assert.match(failing.out, /kube-netlint\.+Failed/);
    assert.match(failing.out, /k8s\/svc\.yaml/);
    assert.match(failing.out, /Service "web" selects app=webb but no pod in namespace "default" has these labels/);
    assert.match(failing.out, /service-selector-no-pods/);
    assert.doesNotMatch(
      failing.out,
      /ci\.yml|manifest-structure|\.pre-commit-config\.yaml/,
      'non-manifest YAML is neither linted nor reported',
    );

    // The hook ran on this machine's Node: nodeenv made a "system" environment, downloaded nothing.
    assert.ok(findDirs(ENV.PRE_COMMIT_HOME as string, 'node_env-system').length > 0, 'a node_env-system environment');

    // Only findings about the files pre-commit passes are reported, but the whole project is
    // linted: a commit of the Deployment alone is told of the Service it fails to match (the
    // finding's related location, the closest Deployment, is in the staged file) ...
    const deployOnly = runHook('--files', 'k8s/deploy.yaml');
    assert.equal(deployOnly.status, 1, deployOnly.out);
    assert.match(deployOnly.out, /Service "web" selects app=webb/);
    // ... and a commit of an unrelated file is not.
    const workflowOnly = runHook('--files', '.github/workflows/ci.yml');
    assert.equal(workflowOnly.status, 0, workflowOnly.out);

    writeFileSync(path.join(project, 'k8s/svc.yaml'), SVC('web'));
    git(['add', '-A'], project);
    const passing = runHook('--all-files');
    assert.equal(passing.status, 0, passing.out);
    assert.match(passing.out, /kube-netlint\.+Passed/);
  });
});
