/**
 * Print the findings of fixture cases in `# expect:` form, to review a new fixture:
 *   node dist/scripts/expectations.js test-fixtures/<rule-id>
 * Read every line before pasting it into a fixture: the output shows what the code does, not
 * what it should do.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, compare, lintCase, listCases, toExpectation, formatExpectation } from '../test/support/harness.js';

const arg = process.argv[2];
if (!arg) {
  console.error('usage: node dist/scripts/expectations.js test-fixtures/<rule-id>');
  process.exit(2);
}
const rule = path.basename(path.resolve(arg));
if (!statSync(path.join(FIXTURES, rule)).isDirectory()) process.exit(2);
for (const c of listCases(rule)) {
  const result = lintCase(c);
  console.log(`== ${c.kind}/${c.name}`);
  for (const f of result.findings) {
    console.log(`  ${f.file.path}: # expect: ${formatExpectation(toExpectation(f))}\n      ${f.message}`);
  }
  for (const p of compare(c, result)) console.log(`  ! ${p}`);
}
