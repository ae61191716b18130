/** The README's usage section names every option of `lint`, `connectivity`, `explain` and `diff`. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, BIN } from '../support/util.js';

describe('README usage', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'), readme.indexOf('\n## ', readme.indexOf('## Usage') + 1));
  for (const command of ['lint', 'connectivity', 'explain', 'diff']) {
    it(`lists every option of ${command} --help`, () => {
      const help = spawnSync(process.execPath, [BIN, command, '--help'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(help.status, 0, help.stderr);
      const flags = [...new Set(help.stdout.match(/(?<![\w-])--[a-z][a-z-]+/g) ?? [])];
      assert.ok(flags.length > 3);
      const missing = flags.filter((f) => !new RegExp(`(?<![\\w-])${f}(?![\\w-])`).test(usage));
      assert.deepEqual(missing, [], `README's usage section does not name ${missing.join(', ')}`);
    });
  }
});
