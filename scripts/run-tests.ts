/**
 * Runs the test suite: every `test/**\/*.test.ts`, built to `dist/test/`, with Node's test runner.
 * A built file whose source is gone (moved or deleted) is not run. Arguments:
 *   node dist/scripts/run-tests.js [--node-test-flag …] [folder-or-name …]
 * e.g. `lsp` runs test/lsp/, `cli/connectivity` one file; flags such as `--test-name-pattern=…`
 * go to Node.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILT = path.join(ROOT, 'dist/test');

const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const wanted = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'))
  .map((a) =>
    a
      .replace(/\\/g, '/')
      .replace(/^(dist\/)?test\//, '')
      .replace(/\.test\.[jt]s$/, ''),
  );

const files = readdirSync(BUILT, { recursive: true, encoding: 'utf8' })
  .map((f) => f.split(path.sep).join('/'))
  .filter((f) => f.endsWith('.test.js') && existsSync(path.join(ROOT, 'test', f.replace(/\.js$/, '.ts'))))
  .filter(
    (f) =>
      wanted.length === 0 ||
      wanted.some(
        (w) => f === `${w}.test.js` || f.startsWith(`${w}/`) || f.replace(/\.test\.js$/, '').endsWith(`/${w}`),
      ),
  )
  .sort();

if (files.length === 0) {
  console.error(`run-tests: no test file matches ${wanted.join(' ') || '(all)'}; build first (npx tsc -p .)`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--test', ...flags, ...files.map((f) => path.join(BUILT, f))], {
  stdio: 'inherit',
  cwd: ROOT,
});
process.exit(r.status ?? 1);
