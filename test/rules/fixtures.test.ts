import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { compare, expectationsOf, lintCase, listCases } from '../support/harness.js';

for (const rule of RULES) {
  const id = rule.meta.id;
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
    }
  });
}
