import { Graph } from '../graph/graph.js';
import { locate, positionOf } from '../load/source.js';
import type { SourceFile } from '../load/source.js';
import { buildModel } from '../model/model.js';
import type { Model, ModelOptions } from '../model/model.js';
import { PolicyEngine } from '../policy/engine.js';
import { fingerprintText, hashAll, numberOccurrences } from './fingerprints.js';
import { locateAll } from './locations.js';
import { suppressionFor, unusedDirectives } from './suppress.js';
import type {
  AnyLoc,
  Finding,
  RawLoc,
  Report,
  Rule,
  RuleContext,
  Settings,
  Severity,
  SeveritySetting,
} from './types.js';

export interface LintOptions {
  rules: readonly Rule[];
  /** Effective severity per rule id (missing = the rule's default). */
  severities?: Record<string, SeveritySetting>;
  settings: Settings;
  /** The files are applied as one (a Kustomize root's slice): see `ModelOptions.appliedTogether`. */
  appliedTogether?: boolean;
  /** What the model reads of each document: see `ModelOptions.documentValue`. */
  documentValue?: ModelOptions['documentValue'];
  /** See `ModelOptions.nameAffixes`. */
  nameAffixes?: ModelOptions['nameAffixes'];
  /** Report disable comments and ignore annotations that suppressed nothing (as warnings). */
  reportUnusedDisableDirectives?: boolean;
  /** Told when the model is being built, and before each rule (progress on a terminal). */
  onProgress?: (step: { phase: 'model' } | { phase: 'rules'; done: number; total: number; objects: number }) => void;
}

/** Rule id of the findings about unused disable directives (`--report-unused-disable-directives`). */
export const UNUSED_DIRECTIVE = 'unused-disable-directive';

export interface LintResult {
  model: Model;
  graph: Graph;
  /** Findings that are not suppressed, sorted. */
  findings: Finding[];
  /** Suppressed findings (kept for SARIF suppressions and `--report-suppressed`). */
  suppressed: Finding[];
  /** Rules that failed with an exception: an internal error, reported with exit code 2. */
  internalErrors: { ruleId: string; error: Error }[];
}

const isRaw = (l: AnyLoc): l is RawLoc => 'range' in l;

// Locating is the loader's (src/load/resolve.ts); kept here for the modules that import it from the engine.
export { locate, positionOf };

/** Build the model and graph from loaded files and run every enabled rule. */
export function lint(files: SourceFile[], options: LintOptions): LintResult {
  options.onProgress?.({ phase: 'model' });
  const model = buildModel(files, {
    defaultNamespace: options.settings.defaultNamespace,
    appliedTogether: options.appliedTogether,
    documentValue: options.documentValue,
    nameAffixes: options.nameAffixes,
  });
  const graph = new Graph(model);
  return runRules(model, graph, options);
}

export function runRules(model: Model, graph: Graph, options: LintOptions): LintResult {
  const reports: Reported[] = [];
  const internalErrors: (LintResult['internalErrors'][number] & { order: number })[] = [];
  let policy: PolicyEngine | undefined;
  const policyEngine = () => (policy ??= new PolicyEngine(model, graph, options.settings.policy));
  const ruleIds: ReadonlySet<string> = new Set(options.rules.map((r) => r.meta.id));
  for (const [done, rule] of options.rules.entries()) {
    options.onProgress?.({ phase: 'rules', done, total: options.rules.length, objects: model.resources.length });
    const setting = options.severities?.[rule.meta.id] ?? rule.meta.severity;
    if (setting === 'off') continue;
    const severity: Severity = setting;
    const ctx: RuleContext = {
      model,
      graph,
      settings: options.settings,
      ruleIds,
      get policy() {
        return policyEngine();
      },
      // Located after every rule ran (locations.ts): a report keeps its locations as the rule gave them.
      report(r: Report) {
        reports.push({ order: done, ruleId: rule.meta.id, severity, r });
      },
    };
    try {
      rule.check(ctx);
    } catch (error) {
      internalErrors.push({ order: done, ruleId: rule.meta.id, error: error as Error });
    }
  }
  const all = toFindings(reports, internalErrors);
  internalErrors.sort((a, b) => a.order - b.order);
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of dedupe(all)) {
    const s = suppressionFor(f);
    if (s) suppressed.push({ ...f, suppressed: s });
    else findings.push(f);
  }
  if (options.reportUnusedDisableDirectives) {
    const unused = unusedDirectives(model.files, model.resources, suppressed);
    const texts: string[] = [];
    const added: Finding[] = [];
    for (const u of unused) {
      const { file, range } = locate(u.at);
      const r: Report = { at: u.at, object: u.object, message: u.message };
      texts.push(fingerprintText(UNUSED_DIRECTIVE, r, file, range));
      added.push({
        fingerprint: '',
        suggestions: [],
        ruleId: UNUSED_DIRECTIVE,
        severity: 'warning',
        message: u.message,
        file,
        range,
        object: u.object,
        related: [],
        template: u.object?.doc.template,
      });
    }
    const hashes = hashAll(texts);
    for (const [i, f] of added.entries()) {
      f.fingerprint = hashes[i];
      findings.push(f);
    }
  }
  findings.sort(compareFindings);
  suppressed.sort(compareFindings);
  numberOccurrences(findings, suppressed, compareFindings);
  return {
    model,
    graph,
    findings,
    suppressed,
    internalErrors: internalErrors.map(({ ruleId, error }) => ({ ruleId, error })),
  };
}

/** A report of a rule, as given (its locations are found after every rule ran). */
interface Reported {
  /** The rule's place in the run. */
  order: number;
  ruleId: string;
  /** The rule's severity in this run. */
  severity: Severity;
  r: Report;
}

/**
 * The findings of the reports, their locations found document by document and their
 * fingerprints hashed in one pass. A location that cannot be found is the rule's internal error,
 * as if its report had thrown: the rule's later reports are dropped.
 */
function toFindings(reports: Reported[], internalErrors: { order: number; ruleId: string; error: Error }[]): Finding[] {
  const locs: AnyLoc[] = [];
  for (const { r } of reports) {
    locs.push(r.at);
    if (r.related) for (const rel of r.related) locs.push(rel.at);
    if (r.suggestions) for (const sg of r.suggestions) locs.push(sg.at);
  }
  const { ranges, errors } = locateAll(locs);
  const fileOf = (l: AnyLoc) => (isRaw(l) ? l.file : l.doc.file);
  const failed = new Set<string>();
  const out: Finding[] = [];
  const texts: string[] = [];
  let k = 0;
  for (const { order, ruleId, severity, r } of reports) {
    const first = k;
    k += 1 + (r.related?.length ?? 0) + (r.suggestions?.length ?? 0);
    if (failed.has(ruleId)) continue;
    const error = firstError(errors, first, k);
    if (error !== undefined) {
      failed.add(ruleId);
      const at = internalErrors.findIndex((e) => e.ruleId === ruleId);
      const entry = { order, ruleId, error: error as Error };
      // It came first: the rule would have stopped at this report.
      if (at >= 0) internalErrors[at] = entry;
      else internalErrors.push(entry);
      continue;
    }
    let i = first;
    const file = fileOf(r.at);
    const range = ranges[i++]!;
    const related = (r.related ?? []).map((rel) => ({
      file: fileOf(rel.at),
      range: ranges[i++]!,
      message: rel.message,
    }));
    const suggestions = (r.suggestions ?? []).map((sg) => ({
      title: sg.title,
      replacement: sg.replacement,
      file: fileOf(sg.at),
      range: ranges[i++]!,
    }));
    const object = r.object ?? null;
    const doc = isRaw(r.at) ? undefined : r.at.doc;
    texts.push(fingerprintText(ruleId, r, file, range));
    out.push({
      fingerprint: '',
      suggestions,
      ruleId,
      // A rule may lower its own severity for one finding (e.g. to info), never raise it.
      severity: r.severity && rank(r.severity) < rank(severity) ? r.severity : severity,
      message: r.message,
      file,
      range,
      object,
      related,
      template: object?.doc.template ?? doc?.template,
    });
  }
  const hashes = hashAll(texts);
  for (let j = 0; j < out.length; j++) out[j].fingerprint = hashes[j];
  return out;
}

/** The first error of locations `from` to `to` (exclusive), if any. */
function firstError(errors: Map<number, unknown>, from: number, to: number): unknown {
  if (errors.size === 0) return undefined;
  for (let i = from; i < to; i++) if (errors.has(i)) return errors.get(i);
  return undefined;
}

function rank(s: Severity): number {
  return s === 'error' ? 2 : s === 'warning' ? 1 : 0;
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const key = `${f.ruleId}\u0000${f.file.path}\u0000${f.range[0]}\u0000${f.range[1]}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Sort by file, line, column, rule id (then message, for a total order). */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.file.path !== b.file.path) return a.file.path < b.file.path ? -1 : 1;
  if (a.range[0] !== b.range[0]) return a.range[0] - b.range[0];
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  if (a.range[1] !== b.range[1]) return a.range[1] - b.range[1];
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
