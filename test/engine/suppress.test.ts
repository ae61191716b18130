/**
 * Suppression hygiene: directives that suppress nothing (reportUnusedDisableDirectives) and rule
 * names that do not exist (suppression-unknown-rule).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { UNUSED_DIRECTIVE, lint } from '../../src/engine/runner.js';
import { loadText } from '../../src/load/load.js';
import { BIN } from '../support/util.js';

const SVC = (name: string, extra = '', selectorComment = '') => `---
apiVersion: v1
kind: Service
metadata:
  name: ${name}${extra}
spec:
${selectorComment}  selector:
    app: ${name}
  ports:
    - port: 80
`;

function run(text: string, report = true) {
  return lint([loadText('f.yaml', text)], {
    rules: RULES,
    settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] },
    reportUnusedDisableDirectives: report,
  });
}

describe('reportUnusedDisableDirectives', () => {
  it('reports each named rule that suppressed nothing, and keeps quiet about used ones', () => {
    const r = run(
      SVC('web', '', '  # kube-netlint-disable-next-line service-selector-no-pods, netpol-blocks-dns -- operator\n'),
    );
    assert.deepEqual(
      r.suppressed.map((f) => f.ruleId),
      ['service-selector-no-pods'],
    );
    const unused = r.findings.filter((f) => f.ruleId === UNUSED_DIRECTIVE);
    assert.equal(unused.length, 1);
    assert.match(unused[0].message, /"netpol-blocks-dns"/);
    assert.equal(unused[0].file.text.slice(unused[0].range[0], unused[0].range[1]), 'netpol-blocks-dns');
  });

  it('reports a comment without names, and annotations, that suppressed nothing', () => {
    const text =
      SVC('web', '\n  labels:\n    app: web', '  # kube-netlint-disable-next-line\n') +
      SVC('api', '\n  annotations:\n    kube-netlint.io/ignore: all') +
      `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: quiet
  annotations:
    kube-netlint.io/ignore: service-selector-no-pods
`;
    const r = run(text);
    const unused = r.findings.filter((f) => f.ruleId === UNUSED_DIRECTIVE).map((f) => f.message);
    // The comment and "all" on Service api suppressed the selector findings; the ConfigMap's did nothing.
    assert.deepEqual(unused.length, 1, unused.join('\n'));
    assert.match(unused[0], /ConfigMap "default\/quiet"|ConfigMap "quiet"/);
  });

  it('is off unless asked for', () => {
    const r = run(SVC('web', '', '  # kube-netlint-disable-next-line netpol-blocks-dns\n'), false);
    assert.equal(r.findings.filter((f) => f.ruleId === UNUSED_DIRECTIVE).length, 0);
  });
});

describe('suppression-unknown-rule', () => {
  it('names the closest rule', () => {
    const r = run(
      SVC('web', '\n  annotations:\n    kube-netlint.io/ignore: "service-selectr-no-pods, no-such-thing"'),
      false,
    );
    const msgs = r.findings.filter((f) => f.ruleId === 'suppression-unknown-rule').map((f) => f.message);
    assert.equal(msgs.length, 2);
    const typo = msgs.find((m) => m.includes('"service-selectr-no-pods"'));
    const other = msgs.find((m) => m.includes('"no-such-thing"'));
    assert.match(typo ?? '', /did you mean "service-selector-no-pods"/);
    assert.doesNotMatch(other ?? 'missing', /did you mean/);
    assert.ok(other);
  });
});

describe('--report-unused-disable-directives (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kn-unused-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    path.join(dir, 'svc.yaml'),
    SVC('web', '', '  # kube-netlint-disable-next-line service-selector-no-pods, netpol-blocks-dns\n'),
  );
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, '--no-config', '-f', 'json', ...args, 'svc.yaml'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('reports the unused rule name as a warning only when asked', () => {
    const plain = JSON.parse(run().stdout) as { findings: { ruleId: string }[] };
    assert.deepEqual(plain.findings, []);
    const r = run('--report-unused-disable-directives');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      findings: { ruleId: string; severity: string; line: number; column: number }[];
    };
    assert.deepEqual(
      out.findings.map((f) => [f.ruleId, f.severity, f.line, f.column]),
      [[UNUSED_DIRECTIVE, 'warning', 7, 62]],
    );
  });
});
