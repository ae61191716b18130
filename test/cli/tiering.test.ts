/** The V8 tiering flag of a command line run (src/cli/tiering.ts). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { tieringFlag, tuneTiering } from '../../src/cli/tiering.js';
import { ROOT } from '../support/util.js';

const MODULE = pathToFileURL(path.join(ROOT, 'dist', 'src', 'cli', 'tiering.js')).href;

/** tuneTiering() in a Node.js process of its own (flags are the process's): its result and stderr. */
function tuneInChild(nodeArgs: string[] = []) {
  const r = spawnSync(
    process.execPath,
    [
      ...nodeArgs,
      '--input-type=module',
      '-e',
      `console.log(JSON.stringify((await import('${MODULE}')).tuneTiering() ?? null))`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  return { flag: JSON.parse(r.stdout) as string | null, stderr: r.stderr };
}

describe('tiering flag', () => {
  it('is the setting of the V8 of Node.js 20, 22 and 24, and none for a V8 it does not know', () => {
    assert.equal(tieringFlag('11.3.244.8-node.33'), '--interrupt-budget=300000');
    assert.equal(tieringFlag('12.4.254.21-node.57'), '--invocation-count-for-turbofan=12000');
    assert.equal(tieringFlag('13.6.233.17-node.63'), '--invocation-count-for-turbofan=12000');
    assert.equal(tieringFlag('14.1.0'), undefined);
    assert.equal(tieringFlag('10.2.154'), undefined);
  });

  it('is a flag the running V8 knows: set without a word on stderr', () => {
    const { flag, stderr } = tuneInChild();
    assert.equal(flag, tieringFlag(process.versions.v8) ?? null);
    // V8 writes "unrecognized flag" to stderr for a name it does not know.
    assert.equal(stderr, '');
    const major = Number(process.versions.node.split('.')[0]);
    if ([20, 22, 24].includes(major)) assert.ok(flag, `Node.js ${major} gets a tiering flag`);
  });

  it('leaves a flag given on the command line as it is', () => {
    const flag = tieringFlag(process.versions.v8);
    if (flag === undefined) return;
    const name = flag.slice(0, flag.indexOf('='));
    assert.equal(tuneInChild([`${name}=5000`]).flag, null);
    assert.equal(tuneInChild([`--${name.slice(2).replaceAll('-', '_')}=5000`]).flag, null);
    assert.equal(tuneTiering('14.0.0', []), undefined);
  });
});
