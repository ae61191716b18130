import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES, RULES_BY_ID } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import { loadText } from '../../src/load/load.js';
import { listCases } from '../support/harness.js';
import { ROOT } from '../support/util.js';

const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');

/** The fenced yaml blocks under a `## <heading>` section of a rule doc. */
function examples(doc: string, heading: string): string[] {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) return [];
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function lintExample(text: string) {
  return lint([loadText('example.yaml', text)], {
    rules: RULES,
    settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] },
  });
}

describe('rule registry', () => {
  it('has unique ids that match their module file names', () => {
    const files = readdirSync(path.join(ROOT, 'rules'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    assert.deepEqual([...RULES_BY_ID.keys()].sort(), files);
    assert.equal(RULES_BY_ID.size, RULES.length);
  });

  it('lists every rule in the config schema', () => {
    const schema = JSON.parse(read('schemas/config.schema.json'));
    assert.deepEqual([...schema.properties.rules.propertyNames.enum].sort(), RULES.map((r) => r.meta.id).sort());
  });

  it('lists every rule in the README rules table', () => {
    const readme = read('README.md');
    for (const r of RULES)
      assert.match(readme, new RegExp(`\\[\`${r.meta.id}\`\\]\\(docs/rules/${r.meta.id}\\.md\\)`), r.meta.id);
  });
});

for (const rule of RULES) {
  const id = rule.meta.id;
  describe(`rule ${id}`, () => {
    it('has a description, a default severity and a docs URL', () => {
      assert.ok(rule.meta.description.length > 10);
      assert.ok(['error', 'warning', 'info'].includes(rule.meta.severity));
      assert.ok(rule.meta.docs.endsWith(`/docs/rules/${id}.md`));
    });

    it('has valid and invalid fixtures', () => {
      const cases = listCases(id);
      assert.ok(
        cases.some((c) => c.kind === 'valid'),
        `test-fixtures/${id}/valid/ has no case`,
      );
      assert.ok(
        cases.some((c) => c.kind === 'invalid'),
        `test-fixtures/${id}/invalid/ has no case`,
      );
    });

    it('has a docs page whose examples behave as documented', () => {
      const file = `docs/rules/${id}.md`;
      assert.ok(existsSync(path.join(ROOT, file)), `${file} is missing`);
      const doc = read(file);
      assert.match(doc, new RegExp(`^# ${id}\\b`, 'm'), 'title must be the rule id');
      assert.ok(doc.includes(rule.meta.severity), 'doc must state the default severity');
      const bad = examples(doc, 'Incorrect');
      const good = examples(doc, 'Correct');
      assert.ok(bad.length > 0, 'needs a yaml example under "## Incorrect"');
      assert.ok(good.length > 0, 'needs a yaml example under "## Correct"');
      for (const ex of bad) {
        const found = lintExample(ex).findings.filter((f) => f.ruleId === id);
        assert.ok(found.length > 0, `incorrect example produces no ${id} finding:\n${ex}`);
      }
      for (const ex of good) {
        const found = lintExample(ex).findings;
        assert.deepEqual(
          found.map((f) => `${f.ruleId}: ${f.message}`),
          [],
          `correct example produces findings:\n${ex}`,
        );
      }
    });
  });
}
