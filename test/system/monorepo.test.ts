/**
 * examples/monorepo: a platform folder (ingress-nginx with its IngressClass, part of namespace
 * monitoring) and three apps with one bug each. With its configuration, exactly the three marked
 * problems are reported at error level and nothing else above info.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { loadConfig } from '../../src/engine/config.js';
import { lint } from '../../src/engine/runner.js';
import { loadText } from '../../src/load/load.js';
import { ROOT } from '../support/util.js';

const DIR = path.join(ROOT, 'examples/monorepo');

function lintMonorepo(externalServices: boolean) {
  const files = readdirSync(DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('.kube-netlint.yaml'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  const config = loadConfig(path.join(DIR, '.kube-netlint.yaml'), new Set(RULES.map((r) => r.meta.id)), DIR);
  const sources = files.map((f) => loadText(f, readFileSync(path.join(DIR, f), 'utf8')));
  const result = lint(sources, {
    rules: RULES,
    settings: {
      defaultNamespace: 'default',
      nodePortRange: [30000, 32767],
      policy: config.policy,
      externalServices: externalServices ? config.externalServices : undefined,
    },
  });
  return { files, result };
}

describe('examples/monorepo', () => {
  it('reports exactly the three marked bugs as errors, and nothing else above info', () => {
    const { files, result } = lintMonorepo(true);
    const marked: string[] = [];
    for (const f of files) {
      readFileSync(path.join(DIR, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const m = /#\s*([a-z]+(?:-[a-z]+)+):\s*$/.exec(line);
          // The marker is on the line before the reported one.
          if (m) marked.push(`${f}:${i + 2}:${m[1]}`);
        });
    }
    assert.equal(marked.length, 3);
    const above = result.findings.filter((f) => f.severity !== 'info');
    assert.deepEqual(
      above.map((f) => f.severity),
      ['error', 'error', 'error'],
    );
    assert.deepEqual(
      above.map((f) => `${f.file.path}:${f.file.position(f.range[0]).line}:${f.ruleId}`).sort(),
      marked.sort(),
    );
    const blocked = above.find((f) => f.ruleId === 'netpol-blocks-ingress-backend');
    assert.match(
      blocked?.message ?? '',
      /IngressClass spec\.controller k8s\.io\/ingress-nginx → Deployment "ingress-nginx\/ingress-nginx-controller"/,
    );
  });

  it('without externalServices, the collector that another chart installs is a warning, not an error', () => {
    const { result } = lintMonorepo(false);
    const otel = result.findings.filter((f) => f.message.includes('"otel-collector"'));
    assert.ok(otel.length > 0);
    for (const f of otel) assert.equal(f.severity, 'warning', f.message);
    assert.equal(result.findings.filter((f) => f.severity === 'error').length, 3);
  });

  it('the CLI, run in the folder, finds its configuration and reports the same three errors', () => {
    const r = spawnSync(process.execPath, [path.resolve(DIR, '../../bin/kube-netlint.js'), '-f', 'json', '.'], {
      cwd: DIR,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string }[] };
    assert.deepEqual(out.findings.map((f) => `${f.severity} ${f.ruleId}`).sort(), [
      'error netpol-blocks-ingress-backend',
      'error service-reference-unresolved',
      'error service-selector-no-pods',
    ]);
  });
});
