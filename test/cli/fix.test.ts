/**
 * `--fix` and `--fix-dry-run`: the rules' fixes applied as text edits that keep the rest of the
 * file, pass by pass until none is left; the dry run's diff applies with `git apply` to the same
 * result; standard input and files changed since they were read are never written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { collectFixes, fixEdit } from '../../src/engine/fix.js';
import { lint } from '../../src/engine/runner.js';
import { runFixes, writeFixes } from '../../src/cli/fix.js';
import { unifiedDiff } from '../../src/format/unified-diff.js';
import { loadText } from '../../src/load/load.js';
import { ROOT, BIN, tmp } from '../support/util.js';

function run(args: string[], cwd: string, input = '') {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: env as NodeJS.ProcessEnv,
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const read = (dir: string, name: string) => readFileSync(path.join(dir, name), 'utf8');

const DEPLOYMENT = `# The web tier.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels:
        app: web   # the label
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - name: http
              containerPort: 8080
`;

// The selector's typo hides the targetPort's: the second fix exists only after the first.
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: "wbe"    # typo
  ports:
    - port: 80
      targetPort: htp   # typo too
`;
const SERVICE_FIXED = SERVICE.replace('"wbe"', '"web"').replace('htp ', 'http ');

describe('--fix', () => {
  it('applies fixes pass by pass until none is left, keeping comments, quotes and layout; exit 0 when nothing remains', () => {
    const dir = tmp({ 'k8s/deploy.yaml': DEPLOYMENT, 'k8s/svc.yaml': SERVICE });
    const before = run(['k8s/'], dir);
    assert.equal(before.status, 1);
    assert.match(before.stdout, /service-selector-no-pods/);
    // The targetPort typo is not reported yet: the Service selects no pod.
    assert.doesNotMatch(before.stdout, /service-target-port-unresolved/);

    const r = run(['--fix', 'k8s/'], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(read(dir, 'k8s/svc.yaml'), SERVICE_FIXED);
    assert.equal(read(dir, 'k8s/deploy.yaml'), DEPLOYMENT);
    assert.equal(r.stdout, '', 'the report shows what remains: nothing');
    assert.equal(run(['k8s/'], dir).status, 0);
  });

  it('--fix-dry-run prints a diff that git apply turns into what --fix writes, and changes no file', () => {
    const dir = tmp({ 'k8s/deploy.yaml': DEPLOYMENT, 'k8s/svc.yaml': SERVICE });
    const r = run(['--fix-dry-run', 'k8s/'], dir);
    assert.equal(r.status, 0, 'the exit code is what would remain: nothing');
    assert.equal(read(dir, 'k8s/svc.yaml'), SERVICE, 'no file changed');
    assert.match(r.stdout, /^--- a\/k8s\/svc\.yaml\n\+\+\+ b\/k8s\/svc\.yaml\n@@ /);
    assert.match(r.stdout, /^- {4}app: "wbe" {4}# typo\n\+ {4}app: "web" {4}# typo$/m);
    assert.match(r.stderr, /--fix-dry-run: 2 fixes in 1 file/);
    writeFileSync(path.join(dir, 'fix.diff'), r.stdout);
    const git = spawnSync('git', ['apply', '--unsafe-paths', 'fix.diff'], { cwd: dir, encoding: 'utf8' });
    if (git.error) return; // no git: the diff's shape is checked above
    assert.equal(git.status, 0, git.stderr);
    assert.equal(read(dir, 'k8s/svc.yaml'), SERVICE_FIXED);
  });

  it('--fix-dry-run: the report goes only to a file of its own; the exit code counts what would remain', () => {
    const dir = tmp({ 'svc.yaml': SERVICE.replace('app: "wbe"', 'app: nothing-like-it') });
    const r = run(['--fix-dry-run', '-f', 'json=report.json', 'svc.yaml'], dir);
    assert.equal(r.stdout, '', 'nothing to fix: an empty diff');
    assert.equal(r.status, 1);
    const report = JSON.parse(read(dir, 'report.json')) as { messages?: unknown[] }[] | { findings?: unknown[] };
    assert.ok(JSON.stringify(report).includes('service-selector-no-pods'));
  });

  it('never writes standard input, even with --stdin-filename naming a file', () => {
    const dir = tmp({ 'deploy.yaml': DEPLOYMENT, 'svc.yaml': SERVICE });
    const r = run(['--fix', '--stdin-filename', 'svc.yaml', 'deploy.yaml', '-'], dir, SERVICE);
    assert.equal(read(dir, 'svc.yaml'), SERVICE);
    assert.match(r.stderr, /fixes are not applied to standard input/);
    assert.equal(r.status, 1, 'the finding on stdin remains');
    assert.match(r.stdout, /service-selector-no-pods/);
    const dry = run(['--fix-dry-run', 'deploy.yaml', '-'], dir, SERVICE);
    assert.equal(dry.stdout, '');
  });

  it('quotes a value where the file needs it: JSON, and a value that would read as another type', () => {
    const json = `{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
 "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "htp"}]}}
`;
    const dir = tmp({ 'deploy.yaml': DEPLOYMENT, 'svc.json': json });
    const r = run(['--fix', '.'], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(read(dir, 'svc.json'), json.replace('"htp"', '"http"'));
    assert.deepEqual(JSON.parse(read(dir, 'svc.json')).spec.ports[0].targetPort, 'http');

    // A label value "true" written plain would be a boolean: it is quoted.
    const file = loadText('s.yaml', 'metadata:\n  labels:\n    app: web # c\n');
    const at = file.text.indexOf('web');
    assert.deepEqual(fixEdit(file, [at, at + 3], 'true')?.text, '"true"');
    assert.deepEqual(fixEdit(file, [at, at + 3], 'api')?.text, 'api');
    const single = loadText('s.yaml', "metadata:\n  labels:\n    app: 'web'\n");
    const s0 = single.text.indexOf("'web'");
    assert.equal(fixEdit(single, [s0, s0 + 5], "it's")?.text, "'it''s'");
  });

  it('fixes a misspelt rule name in a disable comment, and nothing else of the comment', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n# kube-netlint-disable-next-line servce-selector-no-pods -- legacy\ndata:\n  a: b\n';
    const dir = tmp({ 'cm.yaml': text });
    const r = run(['--fix', 'cm.yaml'], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(read(dir, 'cm.yaml'), text.replace('servce-', 'service-'));
  });

  it('keeps CRLF line ends and a byte-order mark', () => {
    const crlf = '\ufeff' + SERVICE.replace('"wbe"', 'web').replace(/\n/g, '\r\n');
    const dir = tmp({ 'deploy.yaml': DEPLOYMENT, 'svc.yaml': crlf });
    const r = run(['--fix', '.'], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(read(dir, 'svc.yaml'), crlf.replace('htp ', 'http '));
  });

  it('does not write a file whose text changed since it was read (exit 2, one line)', () => {
    const dir = tmp({ 'deploy.yaml': DEPLOYMENT, 'svc.yaml': SERVICE });
    const files = ['deploy.yaml', 'svc.yaml'].map((n) => loadText(n, read(dir, n), path.join(dir, n)));
    const lintAll = (slices: { files: typeof files }[]) =>
      lint(slices[0].files, { rules: RULES, settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] } });
    const slices = [{ files }];
    const first = lintAll(slices);
    const { outcome } = runFixes(slices, first, lintAll, (r) => r.findings, undefined);
    assert.equal(outcome.changed.length, 1);
    assert.equal(outcome.passes, 2);
    // Someone saves the file in between.
    const edited = SERVICE.replace('port: 80', 'port: 81');
    writeFileSync(path.join(dir, 'svc.yaml'), edited);
    const refused = writeFixes(outcome.changed);
    assert.deepEqual(refused, ['not fixing svc.yaml: it changed since it was read; run again']);
    assert.equal(read(dir, 'svc.yaml'), edited);
  });

  it('takes one of two overlapping fixes per pass, and none of a finding with several suggestions', () => {
    const file = loadText('s.yaml', 'a: b\n');
    const base = {
      ruleId: 'r',
      severity: 'error' as const,
      message: '',
      file,
      range: [3, 4] as [number, number],
      object: null,
      related: [],
      fingerprint: '',
    };
    const one = (replacement: string) => ({ title: '', file, range: [3, 4] as [number, number], replacement });
    const fixes = collectFixes(
      [
        { ...base, suggestions: [one('c')] },
        { ...base, suggestions: [one('d')] },
        { ...base, suggestions: [one('e'), one('f')] },
      ],
      () => true,
    );
    assert.equal(fixes.length, 1);
    assert.deepEqual(fixes[0].edits, [{ range: [3, 4], text: 'c' }]);
  });

  it('--fix with --fix-dry-run is a usage error', () => {
    const r = run(['--fix', '--fix-dry-run', '.'], ROOT);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--fix and --fix-dry-run cannot be used together/);
  });
});

describe('unified diff', () => {
  it('marks a last line without a line end, and is empty for equal texts', () => {
    assert.equal(unifiedDiff('f', 'f', 'a\nb', 'a\nb'), '');
    assert.equal(
      unifiedDiff('f', 'f', 'a\nb', 'a\nc'),
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    );
  });

  it('applies with patch to the new text, for changes spread over a long file', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}\n`);
    const changed = lines.map((l, i) => (i % 37 === 5 ? `changed ${i}\n` : l)).filter((_, i) => i !== 100);
    changed.splice(150, 0, 'inserted\n');
    const before = lines.join('');
    const after = changed.join('');
    const diff = unifiedDiff('f.txt', 'f.txt', before, after);
    const dir = tmp({ 'f.txt': before, 'p.diff': diff });
    const r = spawnSync('git', ['apply', 'p.diff'], { cwd: dir, encoding: 'utf8' });
    if (r.error) return;
    assert.equal(r.status, 0, r.stderr);
    assert.equal(read(dir, 'f.txt'), after);
    // Hunks hold three lines of context: far-apart changes are separate hunks.
    assert.equal(diff.match(/^@@ /gm)?.length, 7);
  });
});
