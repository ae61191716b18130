/**
 * The shared finding set of the format tests: a fixed list of rules plus a test-only rule with
 * hostile text, run on test-fixtures/formats/input as a fake project (linted from /project/k8s in
 * the repository /project), with suppressed and baselined findings, a Helm template read from
 * standard input and files outside the repository.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RULES_BY_ID } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import type { Finding, Rule } from '../../src/engine/types.js';
import type { FormatContext } from '../../src/format/index.js';
import { loadText } from '../../src/load/load.js';
import type { SourceFile } from '../../src/load/source.js';
import { ROOT } from './util.js';

export const FIXTURES = path.join(ROOT, 'test-fixtures/formats');
export const GOLDEN = path.join(FIXTURES, 'golden');
/** The fake project: linted from /project/k8s inside the repository /project. */
export const CWD = '/project/k8s';
export const REPO = '/project';

export const HOSTILE =
  'commas, colons: 100% done; "quotes" and \'apostrophes\'\r\nsecond line <b>&amp;</b> ]]> \u001b[31mred\u001b[0m nul\u0000 end';

/** A rule that exists only in this test: it reports every ConfigMap with hostile text, as info. */
export const hostileRule: Rule = {
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
export const GOLDEN_RULES = [
  'yaml-syntax',
  'service-selector-no-pods',
  'service-target-port-unresolved',
  'service-target-port-undeclared',
];

export const read = (rel: string) => readFileSync(path.join(FIXTURES, 'input', rel), 'utf8');

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
