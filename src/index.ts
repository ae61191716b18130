/** Programmatic API of kube-netlint. */
export { lint, runRules, compareFindings } from './engine/runner.js';
export type { LintOptions, LintResult } from './engine/runner.js';
export type { Finding, Rule, RuleMeta, Severity, SeveritySetting, Settings } from './engine/types.js';
export { loadText } from './load/load.js';
export { loadFiles, loadInput } from './load/input.js';
export { discover } from './load/discover.js';
export { SourceFile } from './load/source.js';
export { FORMATTERS } from './format/index.js';
export { RULES, RULES_BY_ID } from '../rules/index.js';
