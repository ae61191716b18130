/**
 * The install path a user takes before the package is on a registry: `npm pack`, then the tarball
 * installed into a new project (`npm install -D ./kube-netlint-x.y.z.tgz`), then `npx kube-netlint`.
 * The dependencies come from npm's cache (`--offline`, then `--prefer-offline`); where they can be
 * had from neither (no cache, no registry) the test is skipped with a message saying so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../support/util.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
};
const work = mkdtempSync(path.join(tmpdir(), 'kube-netlint-install-'));
after(() => rmSync(work, { recursive: true, force: true }));

const npmEnv = (): NodeJS.ProcessEnv => {
  // The outer `npm test` sets npm_config_* for its own run; a user's install has none of them.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return {
    ...env,
    NO_COLOR: '1',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
};

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8', timeout: 600_000 });
}

const haveNpm = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;

const BROKEN = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: webb
  ports:
    - port: 80
      targetPort: http
`;

describe('install from the npm pack tarball', { skip: haveNpm ? false : 'npm is not on the PATH' }, () => {
  let tarball = '';
  let project = '';

  it('npm pack holds the built code, the bin, the schema and the docs, and no tests', () => {
    assert.ok(existsSync(path.join(ROOT, 'dist/src/cli/main.js')), 'the package is built (npm test builds it first)');
    // Scripts are not run: the build is the one the tests run on.
    const r = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    assert.equal(r.status, 0, r.stderr);
    const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
    const files = new Set(info.files.map((f) => f.path));
    for (const f of [
      'bin/kube-netlint.js',
      'dist/src/cli/main.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/rules/index.js',
      'dist/src/load/worker.js',
      'dist/src/lsp/lint-worker.js',
      'dist/src/bundle/main.js',
      'dist/src/bundle/worker.js',
      'dist/src/bundle/lint-worker.js',
      'schemas/config.schema.json',
      'README.md',
      'LICENSE',
      'package.json',
    ]) {
      assert.ok(files.has(f), `${f} is in the package`);
    }
    assert.ok(
      ![...files].some((f) => f.startsWith('dist/test/') || f.startsWith('test/') || f.startsWith('src/')),
      'no tests or sources',
    );
    tarball = path.join(work, info.filename);
    assert.ok(existsSync(tarball));
  });

  it('installs into a new project and runs with npx: --version, a lint with a finding, a clean lint', (t) => {
    assert.ok(tarball, 'the tarball of the test above');
    project = path.join(work, 'project');
    mkdirSync(path.join(project, 'k8s'), { recursive: true });
    writeFileSync(
      path.join(project, 'package.json'),
      `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2)}\n`,
    );
    let install = npm(['install', '--offline', '-D', tarball], project);
    if (install.status !== 0) install = npm(['install', '--prefer-offline', '-D', tarball], project);
    if (install.status !== 0) {
      const why = /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network/i.test(install.stderr)
        ? "the dependencies are neither in npm's cache nor reachable on the registry"
        : undefined;
      if (why) {
        t.skip(`cannot install the tarball's dependencies: ${why} (${install.stderr.trim().split('\n').pop()})`);
        return;
      }
      assert.fail(`npm install failed:\n${install.stderr}`);
    }
    const installed = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as {
      devDependencies?: Record<string, string>;
    };
    assert.ok(installed.devDependencies?.[pkg.name], 'recorded as a devDependency');

    const npx = (args: string[]) =>
      spawnSync('npx', ['--no', '--', 'kube-netlint', ...args], {
        cwd: project,
        env: npmEnv(),
        encoding: 'utf8',
        timeout: 120_000,
      });
    const version = npx(['--version']);
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout, `${pkg.version}\n`);

    writeFileSync(path.join(project, 'k8s/app.yaml'), BROKEN);
    const lint = npx(['k8s/', '-f', 'json']);
    assert.equal(lint.status, 1, lint.stderr);
    const { findings } = JSON.parse(lint.stdout) as { findings: { ruleId: string; file: string }[] };
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.file]),
      [['service-selector-no-pods', 'k8s/app.yaml']],
    );

    writeFileSync(path.join(project, 'k8s/app.yaml'), BROKEN.replace('app: webb', 'app: web'));
    const clean = npx(['k8s/']);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    // The network commands run from the package too.
    const conn = npx(['connectivity', 'k8s/']);
    assert.equal(conn.status, 0, conn.stderr);
    assert.match(conn.stdout, /default\/web\[Deployment\]/);
  });
});

/**
 * `npm install -D git+<URL>#<commit>`: npm clones the repository, installs its dependencies with
 * the devDependencies, runs `prepare` (tsc) and installs the packed result. It takes minutes (a
 * full dependency install and a build), so it runs where KUBE_NETLINT_TEST_GIT_INSTALL=1 is set
 * and is skipped, saying so, elsewhere (the packed-tarball install above runs everywhere).
 */
describe('install from a git URL', () => {
  const want = process.env.KUBE_NETLINT_TEST_GIT_INSTALL === '1';
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const skip = !haveNpm
    ? 'npm is not on the PATH'
    : !want
      ? 'set KUBE_NETLINT_TEST_GIT_INSTALL=1 to run it (it takes minutes)'
      : head.status !== 0
        ? 'not a git checkout'
        : false;

  it('builds with prepare and runs from the new project', { skip }, (t) => {
    const sha = head.stdout.trim();
    const project = path.join(work, 'git-project');
    mkdirSync(path.join(project, 'k8s'), { recursive: true });
    writeFileSync(
      path.join(project, 'package.json'),
      `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2)}\n`,
    );
    const url = `git+file://${ROOT}#${sha}`;
    let install = npm(['install', '--offline', '-D', url], project);
    if (install.status !== 0) install = npm(['install', '--prefer-offline', '-D', url], project);
    if (install.status !== 0) {
      if (/ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network/i.test(install.stderr)) {
        t.skip(
          `cannot install the dependencies: neither in npm's cache nor reachable on the registry (${install.stderr.trim().split('\n').pop()})`,
        );
        return;
      }
      assert.fail(`npm install failed:\n${install.stderr}`);
    }
    // prepare built the code: the package holds it although dist/ is not in the repository.
    assert.ok(
      existsSync(path.join(project, 'node_modules/kube-netlint/dist/src/cli/main.js')),
      'dist/src was built by prepare',
    );
    assert.ok(
      existsSync(path.join(project, 'node_modules/kube-netlint/dist/rules/index.js')),
      'dist/rules was built by prepare',
    );
    const npx = (args: string[]) =>
      spawnSync('npx', ['--no', '--', 'kube-netlint', ...args], {
        cwd: project,
        env: npmEnv(),
        encoding: 'utf8',
        timeout: 120_000,
      });
    assert.equal(npx(['--version']).stdout, `${pkg.version}\n`);
    writeFileSync(path.join(project, 'k8s/app.yaml'), BROKEN);
    const lint = npx(['k8s/']);
    assert.equal(lint.status, 1, lint.stderr);
    assert.match(lint.stdout, /service-selector-no-pods/);
  });
});
