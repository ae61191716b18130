/**
 * Golden tests of every output format on one shared set of findings, plus format-specific checks
 * (SARIF against the official schema, workflow-command escaping, XML well-formedness).
 *
 * Regenerate the goldens after an intended change with:
 *   npx tsc -p . && UPDATE_GOLDEN=1 node --test dist/test/format/format.test.js
 * and review the diff of test-fixtures/formats/golden/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { RULES_BY_ID } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import type { Finding, Rule } from '../../src/engine/types.js';
import { FORMATTERS } from '../../src/format/index.js';
import type { FormatContext } from '../../src/format/index.js';
import { loadText } from '../../src/load/load.js';
import type { SourceFile } from '../../src/load/source.js';
import { validateSarif } from '../support/sarif-schema.js';
import { CHECKSTYLE_SHAPE, JUNIT_SHAPE, checkShape, parseXml } from '../support/xml-shape.js';
import type { XmlElement } from '../support/xml-shape.js';
import { ROOT } from '../support/util.js';

const FIXTURES = path.join(ROOT, 'test-fixtures/formats');
const GOLDEN = path.join(FIXTURES, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** The fake project: linted from /project/k8s inside the repository /project. */
const CWD = '/project/k8s';
const REPO = '/project';

export const HOSTILE =
  'commas, colons: 100% done; "quotes" and \'apostrophes\'\r\nsecond line <b>&amp;</b> ]]> \u001b[31mred\u001b[0m nul\u0000 end';

/** A rule that exists only in this test: it reports every ConfigMap with hostile text, as info. */
const hostileRule: Rule = {
  meta: {
    id: 'test-hostile',
    severity: 'info',
    description: 'Test rule: reports every ConfigMap with text that needs escaping in every format.',
    docs: 'https://github.com/kube-netlint/kube-netlint/blob/main/docs/rules/test-hostile.md',
  },
  check(ctx) {
    for (const r of ctx.model.resources) {
      if (r.kind !== 'ConfigMap') continue;
      ctx.report({
        at: r.nameLoc,
        object: r,
        message: `${HOSTILE} (${r.name})`,
        related: [
          { at: r.at('kind'), message: 'related [with brackets] \\ back\\slash, <xml> & "quotes"\nand a second line' },
        ],
      });
    }
  },
};

/** Rules of the golden run: a fixed list, so that new rules do not change the goldens. */
const GOLDEN_RULES = [
  'yaml-syntax',
  'service-selector-no-pods',
  'service-target-port-unresolved',
  'service-target-port-undeclared',
];

const read = (rel: string) => readFileSync(path.join(FIXTURES, 'input', rel), 'utf8');

export interface GoldenSet {
  findings: Finding[];
  ctx: FormatContext;
}

export function goldenSet(): GoldenSet {
  const files: SourceFile[] = [
    loadText('broken.yaml', read('broken.yaml')),
    loadText('deploy/web.yaml', read('deploy/web.yaml')),
    loadText('suppressed.yaml', read('suppressed.yaml')),
    loadText('svc/web.yaml', read('svc/web.yaml')),
    // A hostile file name (space, comma, colon, percent, hash) and a file outside the repository.
    loadText('odd dir/a,b:c%#.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\n'),
    loadText('../../elsewhere/outside.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\n'),
    loadText('<stdin>', read('stdin.yaml')),
  ];
  const rules = [...GOLDEN_RULES.map((id) => RULES_BY_ID.get(id) as Rule), hostileRule];
  const result = lint(files, { rules, settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] } });
  const baselined = result.findings.filter((f) => f.object?.name === 'legacy');
  const findings = result.findings.filter((f) => !baselined.includes(f));
  const objects = new Map<string, NonNullable<FormatContext['files']>[number]['objects']>();
  for (const r of result.model.resources) objects.set(r.file.path, [...(objects.get(r.file.path) ?? []), r.ref()]);
  const ctx: FormatContext = {
    cwd: CWD,
    root: REPO,
    color: false,
    rules: new Map(rules.map((r) => [r.meta.id, r.meta])),
    summary: { files: files.length, objects: result.model.resources.length },
    tool: {
      name: 'kube-netlint',
      version: '0.0.0-test',
      informationUri: 'https://github.com/kube-netlint/kube-netlint',
    },
    suppressed: result.suppressed,
    baseline: { file: '.kube-netlint-baseline.json', findings: baselined },
    files: files.map((f) => ({ path: f.path, objects: objects.get(f.path) ?? [] })),
  };
  return { findings, ctx };
}

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
  const file = path.join(GOLDEN, `${name}.${EXT[name] ?? 'txt'}`);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    assert.fail(`${path.relative(ROOT, file)} is missing: run with UPDATE_GOLDEN=1 to create it`);
  }
  assert.equal(
    actual,
    expected,
    `${name} output differs from ${path.relative(ROOT, file)} (UPDATE_GOLDEN=1 regenerates it)`,
  );
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

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> };
  }[];
  relatedLocations?: { id: number; message?: { text: string } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification?: string }[];
  baselineState?: string;
}

describe('sarif', () => {
  const { findings, ctx } = goldenSet();
  const log = JSON.parse(FORMATTERS.sarif(findings, ctx));
  const run = log.runs[0];
  const results: SarifResult[] = run.results;

  it('is valid against the SARIF 2.1.0 JSON schema', () => {
    const errors = validateSarif(log);
    assert.deepEqual(errors, []);
  });

  it('has one run, a described driver and a rule for every rule meta', () => {
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const d = run.tool.driver;
    assert.equal(d.name, 'kube-netlint');
    assert.equal(d.semanticVersion, '0.0.0-test');
    assert.deepEqual(
      d.rules.map((r: { id: string }) => r.id),
      [...ctx.rules.keys()],
    );
    const selector = d.rules.find((r: { id: string }) => r.id === 'service-selector-no-pods');
    assert.equal(selector.name, 'ServiceSelectorNoPods');
    assert.equal(selector.helpUri, ctx.rules.get('service-selector-no-pods')?.docs);
    assert.equal(selector.defaultConfiguration.level, 'error');
    assert.equal(d.rules.find((r: { id: string }) => r.id === 'test-hostile').defaultConfiguration.level, 'note');
  });

  it('lists every finding, suppressed and baselined ones with their suppression', () => {
    assert.equal(
      results.length,
      findings.length + (ctx.suppressed?.length ?? 0) + (ctx.baseline?.findings.length ?? 0),
    );
    const inSource = results.filter((r) => r.suppressions?.[0].kind === 'inSource');
    assert.equal(inSource.length, 2);
    assert.ok(inSource.some((r) => r.suppressions?.[0].justification === 'pods come from the operator'));
    const external = results.filter((r) => r.suppressions?.[0].kind === 'external');
    assert.equal(external.length, 1);
    assert.equal(external[0].baselineState, 'unchanged');
    for (const r of results) {
      assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(r.level));
      assert.match(r.partialFingerprints['kubeNetlint/v1'], /^[0-9a-f]{32}(:\d+)?$/);
      const region = r.locations[0].physicalLocation.region;
      assert.ok(
        region.startLine >= 1 && region.startColumn >= 1 && region.endLine >= region.startLine && region.endColumn >= 1,
      );
    }
  });

  it('uses repository-relative, percent-encoded URIs and a stable name for stdin', () => {
    const uris = new Set(results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri));
    assert.ok(uris.has('k8s/svc/web.yaml'));
    assert.ok(uris.has('k8s/odd%20dir/a%2Cb%3Ac%25%23.yaml'));
    assert.ok(uris.has('file:///elsewhere/outside.yaml'));
    assert.ok(uris.has('stdin'));
    for (const r of results) {
      const loc = r.locations[0].physicalLocation.artifactLocation;
      if (!loc.uri.startsWith('file:') && loc.uri !== 'stdin') assert.equal(loc.uriBaseId, '%SRCROOT%');
    }
  });

  it('links related locations from the message only when that is unambiguous', () => {
    const linked = results.find((r) => r.ruleId === 'service-selector-no-pods' && !r.suppressions);
    assert.ok(linked?.relatedLocations?.length);
    assert.match(linked.message.text, /\]\(1\)/);
    const hostile = results.find((r) => r.ruleId === 'test-hostile');
    assert.ok(hostile?.relatedLocations?.length);
    assert.doesNotMatch(hostile.message.text, /\]\(1\)/, 'a message with brackets gets no embedded links');
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

const all = (el: XmlElement, name: string): XmlElement[] => [
  ...(el.name === name ? [el] : []),
  ...el.children.flatMap((c) => all(c, name)),
];

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
