import { compareFindings } from '../engine/runner.js';
import type { Finding } from '../engine/types.js';
import type { ObjectRef } from '../model/resource.js';
import { xmlAttr, xmlText } from './escape.js';
import { messageWithTemplate, objectKey, objectLabel, relatedPosition, spanOf } from './location.js';
import type { FormatContext, Formatter } from './types.js';

export { xmlAttr, xmlText } from './escape.js';

interface Case {
  name: string;
  failures: Finding[];
  infos: Finding[];
  /** Suppressed or baselined findings, with why. */
  hidden: { f: Finding; why: string }[];
}

const FILE_LEVEL = '(file)';

function failureBody(f: Finding, ctx: FormatContext): string {
  const s = spanOf(f);
  let body = `${f.ruleId} (${f.severity}) at ${f.file.path}:${s.line}:${s.column}\n${messageWithTemplate(f)}\n`;
  for (const r of f.related) body += `related: ${relatedPosition(r)}: ${r.message}\n`;
  const docs = ctx.rules.get(f.ruleId)?.docs;
  if (docs) body += `docs: ${docs}\n`;
  return body;
}

function outLine(f: Finding): string {
  const s = spanOf(f);
  return `${f.severity} ${f.ruleId} at ${s.line}:${s.column}: ${messageWithTemplate(f)}`;
}

/**
 * `--format junit`: JUnit XML for CI systems that show test reports. One `<testsuite>` per file,
 * one `<testcase>` per object and rule with one `<failure>` for its error or warning (a rule that
 * fails several times on one object has a test case per finding, named with its position; info
 * findings go to `<system-out>` and do not fail; `failures` counts failing test cases), one
 * passing `<testcase>` per object without findings, and a `<skipped>` testcase for findings that
 * are only suppressed or in the baseline. The root carries no `skipped` (Jenkins' junit-10.xsd
 * declares it only on `<testsuite>`).
 */
export const junit: Formatter = (findings, ctx) => {
  const hiddenWhy = new Map<Finding, string>();
  for (const f of ctx.suppressed ?? []) {
    hiddenWhy.set(f, `suppressed${f.suppressed?.justification ? `: ${f.suppressed.justification}` : ''}`);
  }
  for (const f of ctx.baseline?.findings ?? []) hiddenWhy.set(f, `in the baseline ${ctx.baseline?.file ?? ''}`.trim());
  const all = [...findings, ...hiddenWhy.keys()].sort(compareFindings);

  const byFile = new Map<string, Finding[]>();
  for (const f of all) {
    const list = byFile.get(f.file.path);
    if (list) list.push(f);
    else byFile.set(f.file.path, [f]);
  }
  const objectsByFile = new Map<string, ObjectRef[]>();
  for (const lf of ctx.files ?? []) objectsByFile.set(lf.path, lf.objects);
  const paths = [...new Set([...objectsByFile.keys(), ...byFile.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  let totals = { tests: 0, failures: 0 };
  let suites = '';
  for (const file of paths) {
    const list = byFile.get(file) ?? [];
    const objects = objectsByFile.get(file) ?? [];
    // Case order: file-level findings, then the file's objects in document order (their rules in
    // finding order), then findings on objects the context did not list.
    const cases = new Map<string, Case>();
    const order: string[] = [];
    const addCase = (key: string, name: string): Case => {
      let c = cases.get(key);
      if (!c) {
        c = { name, failures: [], infos: [], hidden: [] };
        cases.set(key, c);
        order.push(key);
      }
      return c;
    };
    const perObject = new Map<string, Finding[]>();
    for (const f of list) {
      const k = f.object ? objectKey(f.object.ref()) : FILE_LEVEL;
      const l = perObject.get(k);
      if (l) l.push(f);
      else perObject.set(k, [f]);
    }
    const isFailure = (f: Finding) => !hiddenWhy.has(f) && f.severity !== 'info';
    const place = (key: string, label: string) => {
      const fs = perObject.get(key) ?? [];
      // One <failure> per test case: a rule that fails several times on one object gets a test case
      // per finding, named with its position; its info, suppressed and baselined
      // findings keep the plain name.
      const failing = new Map<string, number>();
      for (const f of fs) if (isFailure(f)) failing.set(f.ruleId, (failing.get(f.ruleId) ?? 0) + 1);
      for (const f of fs) {
        const base = `${key}\u0000${f.ruleId}`;
        const name = `${label}: ${f.ruleId}`;
        if (isFailure(f) && (failing.get(f.ruleId) ?? 0) > 1) {
          const s = spanOf(f);
          addCase(
            `${base}\u0000${s.line}:${s.column}\u0000${f.fingerprint}`,
            `${name} at ${s.line}:${s.column}`,
          ).failures.push(f);
          continue;
        }
        const target = addCase(base, name);
        const why = hiddenWhy.get(f);
        if (why !== undefined) target.hidden.push({ f, why });
        else if (f.severity === 'info') target.infos.push(f);
        else target.failures.push(f);
      }
      perObject.delete(key);
    };
    place(FILE_LEVEL, FILE_LEVEL);
    const seen = new Set<string>();
    for (const o of objects) {
      const key = objectKey(o);
      if (perObject.has(key)) place(key, objectLabel(o));
      else if (!seen.has(key)) addCase(`${key}\u0000`, objectLabel(o));
      seen.add(key);
    }
    for (const [key, fs] of [...perObject]) place(key, fs[0].object ? objectLabel(fs[0].object.ref()) : FILE_LEVEL);

    let tests = 0;
    let failures = 0;
    let skipped = 0;
    let body = '';
    for (const key of order) {
      const c = cases.get(key) as Case;
      tests++;
      const head = `    <testcase name="${xmlAttr(c.name)}" classname="${xmlAttr(file)}" time="0"`;
      const out = [...c.infos.map(outLine), ...c.hidden.map((h) => `${h.why}: ${outLine(h.f)}`)];
      if (c.failures.length === 0 && c.infos.length === 0 && c.hidden.length > 0) {
        skipped++;
        body += `${head}>\n      <skipped message="${xmlAttr(c.hidden[0].why)}"/>\n`;
      } else if (c.failures.length === 0 && out.length === 0) {
        body += `${head}/>\n`;
        continue;
      } else {
        body += `${head}>\n`;
        if (c.failures.length) failures++;
        for (const f of c.failures) {
          body += `      <failure message="${xmlAttr(messageWithTemplate(f))}" type="${xmlAttr(f.severity)}">${xmlText(failureBody(f, ctx))}</failure>\n`;
        }
      }
      if (out.length) body += `      <system-out>${xmlText(out.join('\n'))}\n</system-out>\n`;
      body += '    </testcase>\n';
    }
    if (tests === 0) continue;
    totals = { tests: totals.tests + tests, failures: totals.failures + failures };
    suites += `  <testsuite name="${xmlAttr(file)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n${body}  </testsuite>\n`;
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="kube-netlint" tests="${totals.tests}" failures="${totals.failures}" errors="0" time="0">\n` +
    suites +
    '</testsuites>\n'
  );
};
