/**
 * Every rule's fixtures (test-fixtures/<rule-id>/{valid,invalid}/): linted with every rule, the
 * findings must be exactly the expected ones; linted with the rule alone, that rule's findings must
 * be exactly its expected ones (a rule does not lean on another rule having run).
 *
 * One rule, or a few, in isolation: `KN_RULES=service-port-unresolved,netpol-blocks-dns npm test -- rules/fixtures`
 * (or `node dist/scripts/run-tests.js rules/fixtures` after a build).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { compare, expectationsOf, lintCase, listCases } from '../support/harness.js';

const chosen = (process.env.KN_RULES ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const known = new Set(RULES.map((r) => r.meta.id));
const unknown = chosen.filter((id) => !known.has(id));
if (unknown.length > 0) throw new Error(`KN_RULES names no rule: ${unknown.join(', ')}`);

for (const rule of RULES) {
  const id = rule.meta.id;
  if (chosen.length > 0 && !chosen.includes(id)) continue;
  describe(`fixtures: ${id}`, () => {
    for (const c of listCases(id)) {
      it(`${c.kind}/${c.name}`, () => {
        const expected = expectationsOf(c);
        if (c.kind === 'valid') {
          assert.equal(expected.length, 0, 'a valid case must not expect findings');
        } else {
          assert.ok(
            expected.some((e) => e.ruleId === id),
            `an invalid case of ${id} must expect at least one ${id} finding`,
          );
        }
        const problems = compare(c, lintCase(c));
        assert.deepEqual(problems, [], problems.join('\n'));
      });
      it(`${c.kind}/${c.name}, ${id} alone`, () => {
        const problems = compare(c, lintCase(c, id), id);
        assert.deepEqual(problems, [], problems.join('\n'));
      });
    }
  });
}
