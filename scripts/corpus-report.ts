/**
 * Lint every sub-folder of a directory as its own cluster slice and print a count of findings per
 * folder, severity and rule: `node dist/scripts/corpus-report.js <dir>`.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../rules/index.js';
import { lint } from '../src/engine/runner.js';
import { defaultSettings } from '../src/engine/settings.js';
import { loadInput } from '../src/load/input.js';

const root = path.resolve(process.argv[2] ?? '.');
const verbose = process.argv.includes('--verbose');
for (const name of readdirSync(root).sort()) {
  const dir = path.join(root, name);
  if (!statSync(dir).isDirectory()) continue;
  const { files } = await loadInput([dir], { cwd: root, gitignore: false });
  const r = lint(files, { rules: RULES, settings: defaultSettings() });
  const counts = new Map<string, number>();
  for (const f of r.findings)
    counts.set(`${f.severity} ${f.ruleId}`, (counts.get(`${f.severity} ${f.ruleId}`) ?? 0) + 1);
  const summary = [...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'no findings';
  console.log(`${name}: ${files.length} files, ${r.model.resources.length} objects: ${summary}`);
  if (verbose) {
    for (const f of r.findings) {
      const p = f.file.position(f.range[0]);
      console.log(`    ${f.file.path}:${p.line}:${p.column} ${f.severity} ${f.ruleId}: ${f.message}`);
    }
  }
}
