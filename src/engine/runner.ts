import type * as Crypto from 'node:crypto';
import { Graph } from '../graph/graph.js';
import { locate, positionOf } from '../load/source.js';
import type { SourceFile } from '../load/source.js';
import { buildModel } from '../model/model.js';
import type { Model } from '../model/model.js';
import { PolicyEngine } from '../policy/engine.js';
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

// Loaded on first use (a run with nothing to hash does not load node:crypto). Looked up once: a lookup costs
// microseconds, and every finding is hashed.
let cryptoModule: typeof Crypto | undefined;
const crypto = () => (cryptoModule ??= process.getBuiltinModule('node:crypto'));

export interface LintOptions {
  rules: readonly Rule[];
  /** Effective severity per rule id (missing = the rule's default). */
  severities?: Record<string, SeveritySetting>;
  settings: Settings;
  /** The files are applied as one (a Kustomize root's slice): see `ModelOptions.appliedTogether`. */
  appliedTogether?: boolean;
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
  });
  const graph = new Graph(model);
  return runRules(model, graph, options);
}

export function runRules(model: Model, graph: Graph, options: LintOptions): LintResult {
  const all: Finding[] = [];
  const internalErrors: LintResult['internalErrors'] = [];
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
      report(r: Report) {
        const { file, range } = locate(r.at);
        const object = r.object ?? null;
        const doc = isRaw(r.at) ? undefined : r.at.doc;
        all.push({
          fingerprint: fingerprint(rule.meta.id, r, file, range),
          suggestions: (r.suggestions ?? []).map((sg) => ({
            title: sg.title,
            replacement: sg.replacement,
            ...locate(sg.at),
          })),
          ruleId: rule.meta.id,
          // A rule may lower its own severity for one finding (e.g. to info), never raise it.
          severity: r.severity && rank(r.severity) < rank(severity) ? r.severity : severity,
          message: r.message,
          file,
          range,
          object,
          related: (r.related ?? []).map((rel) => ({ ...locate(rel.at), message: rel.message })),
          template: object?.doc.template ?? doc?.template,
        });
      },
    };
    try {
      rule.check(ctx);
    } catch (error) {
      internalErrors.push({ ruleId: rule.meta.id, error: error as Error });
    }
  }
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of dedupe(all)) {
    const s = suppressionFor(f);
    if (s) suppressed.push({ ...f, suppressed: s });
    else findings.push(f);
  }
  if (options.reportUnusedDisableDirectives) {
    for (const u of unusedDirectives(model.files, model.resources, suppressed)) {
      const { file, range } = locate(u.at);
      const r: Report = { at: u.at, object: u.object, message: u.message };
      findings.push({
        fingerprint: fingerprint(UNUSED_DIRECTIVE, r, file, range),
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
  }
  findings.sort(compareFindings);
  suppressed.sort(compareFindings);
  numberOccurrences([...findings, ...suppressed].sort(compareFindings));
  return { model, graph, findings, suppressed, internalErrors };
}

/**
 * A stable identity for a finding. Objects are named by kind/namespace/name and nodes by their
 * path, so moving an object within its file, or editing other objects, keeps the fingerprint.
 * The message is left out (it may name other objects); findings that share a fingerprint get an
 * occurrence number.
 * Parse errors have no object: they use the text of the reported line instead of its number.
 */
function fingerprint(ruleId: string, r: Report, file: SourceFile, range: [number, number]): string {
  const parts = [ruleId, file.path];
  if (!isRaw(r.at)) {
    parts.push(
      r.object
        ? `${r.object.apiVersion}|${r.object.kind}|${r.object.namespace ?? ''}|${r.object.name}`
        : `doc${r.at.doc.index}`,
    );
    parts.push(r.at.path.join('/'), r.at.key ? 'key' : 'value');
  } else {
    const lineStart = file.text.lastIndexOf('\n', range[0] - 1) + 1;
    const lineEnd = file.text.indexOf('\n', range[0]);
    parts.push(file.text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim());
  }
  return crypto().createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function numberOccurrences(list: Finding[]): void {
  const seen = new Map<string, number>();
  for (const f of list) {
    const n = seen.get(f.fingerprint) ?? 0;
    seen.set(f.fingerprint, n + 1);
    if (n > 0) f.fingerprint = `${f.fingerprint}:${n}`;
  }
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
