/**
 * The platform mode of the benchmark: a generated monorepo (bench/generate.ts generatePlatform)
 * linted as one cluster slice, with and without `externalServices` for the collector that another
 * chart installs. Prints the findings by severity and rule, how many planted faults are reported
 * (a finding of the planted rule on the app's file), and the findings above info on apps without
 * a fault. `node dist/bench/platform.js [apps]` (default 1000).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RULES } from '../rules/index.js';
import { lint } from '../src/engine/runner.js';
import { defaultSettings } from '../src/engine/settings.js';
import { loadText } from '../src/load/load.js';
import { generatePlatform } from './generate.js';

const apps = Number(process.argv[2] ?? 1000) || 1000;
const dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-platform-'));
try {
  const g = generatePlatform(dir, apps);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  const sources = files.map((f) => loadText(f, readFileSync(path.join(dir, f), 'utf8')));
  console.log(
    `platform mode: ${g.apps} apps, ${g.objects} objects in ${g.files} files, ${g.faults.length} planted faults`,
  );
  for (const externalServices of [undefined, ['monitoring/otel-collector']]) {
    const r = lint(sources, { rules: RULES, settings: { ...defaultSettings(), externalServices } });
    const counts = new Map<string, number>();
    for (const f of r.findings)
      counts.set(`${f.severity} ${f.ruleId}`, (counts.get(`${f.severity} ${f.ruleId}`) ?? 0) + 1);
    const appOf = (file: string) => /apps\/[^/]+\/(app-\d+)\.yaml$/.exec(file)?.[1];
    const planted = new Map(g.faults.map((f) => [f.app, f.rule]));
    const found = g.faults.filter((fault) =>
      r.findings.some((f) => f.ruleId === fault.rule && appOf(f.file.path) === fault.app),
    ).length;
    const unplanted = r.findings.filter((f) => f.severity !== 'info' && !planted.has(appOf(f.file.path) ?? ''));
    const sev = (s: string) => r.findings.filter((f) => f.severity === s).length;
    console.log(
      `\n${externalServices ? 'with externalServices: [monitoring/otel-collector]' : 'without configuration'}`,
    );
    console.log(
      `  ${r.findings.length} findings (${sev('error')} errors, ${sev('warning')} warnings, ${sev('info')} info)`,
    );
    for (const [k, n] of [...counts].sort()) console.log(`    ${n} ${k}`);
    console.log(`  planted faults reported: ${found} of ${g.faults.length}`);
    console.log(`  findings above info on apps without a planted fault or on the platform: ${unplanted.length}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
