/**
 * The network commands and a path they cannot read (a broken link named on the command line):
 * they name it on stderr and still answer for the rest, and, as a lint run does, exit 2, so that
 * a CI job does not pass on an answer that lacks part of its input.
 */
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { doc, inProcess, tmp } from '../support/util.js';

const labels = { app: 'web' };
const WEB = doc({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example/web:1' }] } },
  },
});

describe('network commands: a path that cannot be read', { skip: process.platform === 'win32' }, () => {
  const dir = tmp({ 'web.yaml': WEB });
  symlinkSync('missing.yaml', path.join(dir, 'dangling.yaml'));

  for (const [command, ...args] of [
    ['connectivity'],
    ['connectivity', '-f', 'json'],
    ['explain', 'web', '1.2.3.4'],
    ['graph', '-f', 'json', '--title', 't'],
  ]) {
    it(`${command} ${args.join(' ')}: answers for the rest, names the path, exits 2`, async () => {
      const r = await inProcess([command, ...args, '--no-config', 'web.yaml', 'dangling.yaml'], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^kube-netlint: cannot read dangling\.yaml: ENOENT/m);
      assert.match(r.stdout, /default\/web/);
      // The same input without the broken link: exit 0.
      const ok = await inProcess([command, ...args, '--no-config', 'web.yaml'], { cwd: dir });
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, r.stdout);
    });
  }

  it('explain --exit-code: 2 outranks 1 (blocked)', async () => {
    const policy = doc({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny' },
      spec: { podSelector: {}, policyTypes: ['Egress'] },
    });
    const d = tmp({ 'web.yaml': WEB + policy });
    symlinkSync('missing.yaml', path.join(d, 'dangling.yaml'));
    const args = ['explain', '--exit-code', '--no-config', 'web', '1.2.3.4', 'web.yaml'];
    assert.equal((await inProcess(args, { cwd: d })).code, 1);
    assert.equal((await inProcess([...args, 'dangling.yaml'], { cwd: d })).code, 2);
  });
});
