/**
 * The JUnit output on the shared finding set: well-formed XML, and the shape of the schema CI
 * systems read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { FORMATTERS } from '../../src/format/index.js';
import { JUNIT_SHAPE, all, checkShape, parseXml } from '../support/xml-shape.js';
import { HOSTILE, goldenSet } from '../support/format-set.js';

describe('junit', () => {
  const { findings, ctx } = goldenSet();
  const xml = FORMATTERS.junit(findings, ctx);

  function parse(text: string) {
    const parser = new SaxesParser({ xmlns: false });
    const elements: { name: string; attributes: Record<string, string>; text: string }[] = [];
    const stack: (typeof elements)[number][] = [];
    parser.on('opentag', (t) => {
      const el = { name: t.name, attributes: t.attributes as Record<string, string>, text: '' };
      elements.push(el);
      stack.push(el);
    });
    parser.on('text', (t) => {
      if (stack.length) stack[stack.length - 1].text += t;
    });
    parser.on('closetag', () => stack.pop());
    parser.write(text).close();
    return elements;
  }

  it('is well-formed XML 1.0 and keeps the text of hostile messages (minus illegal characters)', () => {
    const els = parse(xml);
    const failure = els.find((e) => e.name === 'failure' && e.attributes.message.includes('odd'));
    assert.equal(failure, undefined, 'info findings are not failures');
    const out = els.find((e) => e.name === 'system-out' && e.text.includes('(hostile)'));
    assert.ok(out, 'info findings go to system-out');
    // eslint-disable-next-line no-control-regex
    assert.ok(out.text.includes(HOSTILE.replace(/[\u0000\u001b]/g, '')));
  });

  it('has a suite per file, a testcase per object and rule, passing and skipped cases', () => {
    const els = parse(xml);
    const suites = els.filter((e) => e.name === 'testsuite').map((e) => e.attributes.name);
    assert.deepEqual(
      suites,
      [...new Set(ctx.files?.map((f) => f.path))].sort().filter((p) => suites.includes(p)),
    );
    assert.ok(suites.includes('<stdin>'));
    const cases = els.filter((e) => e.name === 'testcase').map((e) => e.attributes.name);
    assert.ok(cases.includes('Service default/web: service-selector-no-pods'));
    assert.ok(cases.includes('Deployment default/web'), 'a passing testcase for a clean object');
    assert.ok(cases.includes('(file): yaml-syntax'));
    assert.equal(els.filter((e) => e.name === 'skipped').length, 3, 'two suppressed, one baselined');
    const root = els[0];
    assert.equal(root.name, 'testsuites');
    assert.equal(Number(root.attributes.tests), cases.length);
  });

  it('rejects nothing a strict parser would: attributes keep line breaks as references', () => {
    const hostileAttr = parse(
      FORMATTERS.junit([{ ...findings.find((f) => f.ruleId === 'test-hostile')!, severity: 'error' }], ctx),
    ).find((e) => e.name === 'failure');
    assert.ok(hostileAttr?.attributes.message.includes('\r\nsecond line'));
  });
});

describe('junit against the schema', () => {
  const { findings, ctx } = goldenSet();
  const failing = findings.find((f) => f.severity === 'error' && f.object);
  assert.ok(failing);
  // The same rule failing three times on one object, at different places.
  const again = [1, 2].map((n) => ({
    ...failing,
    range: [failing.range[0] + n, failing.range[1] + n] as [number, number],
    fingerprint: `${failing.fingerprint}:${n}`,
  }));
  const more = [...findings, ...again];
  const doc = parseXml(FORMATTERS.junit(more, ctx));

  it('matches the JUnit schema shape, with at most one <failure> per test case', () => {
    assert.deepEqual(checkShape(doc, JUNIT_SHAPE), []);
    assert.deepEqual(checkShape(parseXml(FORMATTERS.junit(findings, ctx)), JUNIT_SHAPE), []);
  });

  it('counts: failures = failing test cases = <failure> elements = errors and warnings; tests = test cases', () => {
    const cases = all(doc, 'testcase');
    const failingCases = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    const failures = all(doc, 'failure');
    assert.equal(failures.length, failingCases.length);
    assert.equal(failures.length, more.filter((f) => f.severity !== 'info').length);
    assert.equal(Number(doc.attributes.failures), failingCases.length);
    assert.equal(Number(doc.attributes.tests), cases.length);
    const skipped = all(doc, 'testsuite').reduce((n, s) => n + Number(s.attributes.skipped), 0);
    assert.equal(skipped, cases.filter((c) => c.children.some((x) => x.name === 'skipped')).length);
    for (const suite of all(doc, 'testsuite')) {
      const sc = all(suite, 'testcase');
      assert.equal(Number(suite.attributes.tests), sc.length);
      assert.equal(
        Number(suite.attributes.failures),
        sc.filter((c) => c.children.some((x) => x.name === 'failure')).length,
      );
    }
  });

  it('names the test cases of a rule that fails several times on one object by position', () => {
    const names = all(doc, 'testcase')
      .map((c) => c.attributes.name)
      .filter((n) => n.includes(failing.ruleId) && n.includes(failing.object?.name ?? '?'));
    assert.equal(names.length, 3);
    assert.equal(new Set(names).size, 3);
    for (const n of names) assert.match(n, / at \d+:\d+$/);
  });
});
