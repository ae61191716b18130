/**
 * Golden tests of every output format on one shared set of findings (test/support/format-set.ts),
 * plus format-specific checks (workflow-command escaping, Code Climate, Checkstyle); SARIF and
 * JUnit are in sarif.test.ts and junit.test.ts.
 *
 * Regenerate the goldens after an intended change with:
 *   npm run build && UPDATE_GOLDEN=1 node dist/scripts/run-tests.js format/format
 * and review the diff of test-fixtures/formats/golden/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES_BY_ID } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import type { Rule } from '../../src/engine/types.js';
import { FORMATTERS } from '../../src/format/index.js';
import { loadText } from '../../src/load/load.js';
import { CHECKSTYLE_SHAPE, all, checkShape, parseXml } from '../support/xml-shape.js';
import { GOLDEN, HOSTILE, goldenSet, read } from '../support/format-set.js';
import { assertGolden } from '../support/golden.js';

const EXT: Record<string, string> = {
  stylish: 'txt',
  json: 'json',
  sarif: 'sarif.json',
  github: 'txt',
  junit: 'xml',
  codeclimate: 'codeclimate.json',
  checkstyle: 'checkstyle.xml',
};

function golden(name: string, actual: string): void {
  assertGolden(path.join(GOLDEN, `${name}.${EXT[name] ?? 'txt'}`), actual, `${name} output`);
}

describe('the shared finding set', () => {
  it('covers what the formats must handle', () => {
    const { findings, ctx } = goldenSet();
    const sev = new Set(findings.map((f) => f.severity));
    assert.deepEqual([...sev].sort(), ['error', 'info', 'warning']);
    assert.ok(new Set(findings.map((f) => f.file.path)).size >= 4, 'several files');
    assert.ok(
      findings.some((f) => f.related.length > 0 && !f.message.includes('[')),
      'a finding with related locations',
    );
    assert.ok(
      findings.some((f) => f.ruleId === 'yaml-syntax' && f.object === null),
      'a yaml-syntax finding without object',
    );
    assert.ok(
      findings.some((f) => f.file.path === '<stdin>' && f.template),
      'a stdin finding from a Helm template',
    );
    assert.ok(
      findings.some((f) => f.message.includes(HOSTILE)),
      'hostile text',
    );
    assert.deepEqual(ctx.suppressed?.map((f) => f.suppressed?.kind).sort(), ['annotation', 'comment']);
    assert.equal(ctx.baseline?.findings.length, 1);
  });
});

describe('golden output', () => {
  for (const name of Object.keys(FORMATTERS)) {
    it(name, () => {
      const { findings, ctx } = goldenSet();
      golden(name, FORMATTERS[name](findings, ctx));
    });
  }
  it('is the same when run twice (pure functions)', () => {
    for (const name of Object.keys(FORMATTERS)) {
      const a = goldenSet();
      const b = goldenSet();
      assert.equal(FORMATTERS[name](a.findings, a.ctx), FORMATTERS[name](b.findings, b.ctx), name);
    }
  });
});

describe('github', () => {
  const { findings, ctx } = goldenSet();
  const out = FORMATTERS.github(findings, ctx);
  const commands = out.split('\n').filter((l) => l.startsWith('::'));

  it('writes one single-line workflow command per finding, errors first', () => {
    assert.equal(commands.length, findings.length);
    const kinds = commands.map((c) => /^::(\w+)/.exec(c)?.[1]);
    assert.deepEqual(
      kinds,
      [...kinds].sort(
        (a, b) => ['error', 'warning', 'notice'].indexOf(a ?? '') - ['error', 'warning', 'notice'].indexOf(b ?? ''),
      ),
    );
    assert.ok(kinds.includes('notice'));
  });

  it('escapes data and properties as actions/toolkit does', () => {
    const odd = commands.find((c) => c.includes('file=k8s/odd'));
    assert.ok(odd);
    assert.match(odd, /file=k8s\/odd dir\/a%2Cb%3Ac%25#\.yaml,/);
    const hostile = commands.find((c) => c.includes('(hostile)'));
    assert.ok(hostile);
    assert.ok(hostile.includes('commas, colons: 100%25 done'), 'data keeps commas and colons, escapes %');
    assert.ok(hostile.includes('%0D%0Asecond line'), 'CR and LF escaped');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(out, /[\u0000\u001b]/, 'no raw NUL or ESC');
  });

  it('gives columns only on single-line ranges and none for stdin', () => {
    for (const c of commands) {
      const props = /^::\w+ ([^:]*)::/.exec(c)?.[1] ?? '';
      const line = /(?:^|,)line=(\d+)/.exec(props)?.[1];
      const endLine = /endLine=(\d+)/.exec(props)?.[1];
      if (props.includes('col=')) assert.equal(line, endLine);
    }
    const stdin = commands.filter((c) => c.includes('<stdin>:'));
    assert.ok(stdin.length > 0);
    for (const c of stdin) assert.doesNotMatch(c, /file=/);
  });

  it('ends with a plain summary listing every finding, errors first', () => {
    const summary = out.slice(out.indexOf('kube-netlint: '));
    assert.match(summary, /^kube-netlint: \d+ errors?, \d+ warnings?, \d+ info in 7 files/);
    assert.match(summary, /1 hidden by the baseline \.kube-netlint-baseline\.json/);
    const rows = summary.split('\n').slice(1).filter(Boolean);
    assert.equal(rows.length, findings.length);
    assert.ok(rows.findIndex((r) => r.startsWith('warning')) > rows.findLastIndex((r) => r.startsWith('error')));
  });
});

describe('codeclimate', () => {
  const { findings, ctx } = goldenSet();
  const issues = JSON.parse(FORMATTERS.codeclimate(findings, ctx)) as Record<string, unknown>[];

  it('has the fields GitLab Code Quality reads, one issue per finding', () => {
    assert.ok(Array.isArray(issues));
    assert.equal(issues.length, findings.length);
    for (const i of issues) {
      assert.equal(typeof i.description, 'string');
      assert.ok((i.description as string).length > 0);
      assert.equal(typeof i.check_name, 'string');
      assert.match(i.fingerprint as string, /^[0-9a-f]{32}(:\d+)?$/);
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(i.severity as string));
      const loc = i.location as { path: string; lines: { begin: number; end: number } };
      assert.equal(typeof loc.path, 'string');
      assert.ok(Number.isInteger(loc.lines.begin) && loc.lines.begin >= 1 && loc.lines.end >= loc.lines.begin);
    }
  });

  it('maps severities error→major, warning→minor, info→info and keeps fingerprints unique', () => {
    findings.forEach((f, n) =>
      assert.equal(issues[n].severity, { error: 'major', warning: 'minor', info: 'info' }[f.severity]),
    );
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
  });

  it('uses repository-relative paths and a stable fingerprint across line moves', () => {
    const paths = new Set(issues.map((i) => (i.location as { path: string }).path));
    assert.ok(paths.has('k8s/svc/web.yaml'));
    assert.ok(paths.has('<stdin>'));
    const svc = loadText('svc/web.yaml', read('svc/web.yaml'));
    const moved = loadText('svc/web.yaml', `# a comment that moves every line\n${read('svc/web.yaml')}`);
    const rules = [RULES_BY_ID.get('service-selector-no-pods') as Rule];
    const settings = { defaultNamespace: 'default', nodePortRange: [30000, 32767] as [number, number] };
    const a = JSON.parse(FORMATTERS.codeclimate(lint([svc], { rules, settings }).findings, ctx));
    const b = JSON.parse(FORMATTERS.codeclimate(lint([moved], { rules, settings }).findings, ctx));
    assert.ok(a.length > 0);
    assert.deepEqual(
      b.map((i: { fingerprint: string }) => i.fingerprint),
      a.map((i: { fingerprint: string }) => i.fingerprint),
    );
    assert.equal(b[0].location.lines.begin, a[0].location.lines.begin + 1);
  });
});

describe('checkstyle', () => {
  const { findings, ctx } = goldenSet();
  const xml = FORMATTERS.checkstyle(findings, ctx);
  const doc = parseXml(xml);

  it('matches the Checkstyle schema shape', () => {
    assert.deepEqual(checkShape(doc, CHECKSTYLE_SHAPE), []);
    assert.equal(doc.attributes.version, '4.3');
  });

  it('has a <file> per file with findings and an <error> per finding', () => {
    const files = all(doc, 'file').map((f) => f.attributes.name);
    assert.deepEqual(files, [...new Set(findings.map((f) => f.file.path))]);
    const errors = all(doc, 'error');
    assert.equal(errors.length, findings.length);
    findings.forEach((f, n) => {
      const e = errors[n].attributes;
      const p = f.file.position(f.range[0]);
      assert.equal(Number(e.line), p.line);
      assert.equal(e.severity, f.severity);
      assert.equal(e.source, `kube-netlint.${f.ruleId}`);
    });
  });

  it('escapes hostile text: the parser reads back the message minus characters XML forbids', () => {
    const hostile = all(doc, 'error').find((e) => e.attributes.message.includes('(hostile)'));
    assert.ok(hostile);
    // eslint-disable-next-line no-control-regex
    assert.ok(hostile.attributes.message.includes(HOSTILE.replace(/[\u0000\u001b]/g, '')));
    assert.ok(all(doc, 'file').some((f) => f.attributes.name === 'odd dir/a,b:c%#.yaml'));
  });
});
