import type { Graph } from '../graph/graph.js';
import type { AnyLoc, SourceFile } from '../load/source.js';
import type { Model } from '../model/model.js';
import type { Resource } from '../model/resource.js';
import type { PolicyEngine, PolicySettings } from '../policy/engine.js';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export interface RuleMeta {
  /** Public, stable rule id (kebab-case). */
  id: string;
  /** Default severity. */
  severity: Severity;
  /** One sentence: what the rule reports. */
  description: string;
  /** Documentation URL (filled from the id by `defineRule`). */
  docs: string;
}

// Locations are the loader's (src/load/resolve.ts); rules and formatters name them from here.
export type { AnyLoc, RawLoc } from '../load/source.js';

export interface RelatedReport {
  at: AnyLoc;
  message: string;
}

/** An edit that would fix the finding: replace the text at `at` (editors offer it as a code action). */
export interface SuggestionReport {
  title: string;
  at: AnyLoc;
  replacement: string;
}

export interface Report {
  /** Where the problem is: a model node (resolved to its source range by the engine). */
  at: AnyLoc;
  message: string;
  /** The object the finding is about (defaults to none for file-level findings). */
  object?: Resource | null;
  related?: RelatedReport[];
  /** Overrides the configured severity for this finding only (e.g. a downgrade to info). */
  severity?: Severity;
  /** Unambiguous fixes (at most a few), offered by editors as code actions. */
  suggestions?: SuggestionReport[];
}

export interface Settings {
  defaultNamespace: string;
  nodePortRange: [number, number];
  /** Where the ingress controller and the cluster DNS run, for the NetworkPolicy rules. */
  policy?: PolicySettings;
  /** Services deployed elsewhere (`namespace/name` or `namespace/*`): references to them resolve outside. */
  externalServices?: readonly string[];
}

export interface RuleContext {
  readonly model: Model;
  readonly graph: Graph;
  readonly settings: Settings;
  /** The NetworkPolicy engine (built on first use). */
  readonly policy: PolicyEngine;
  /** Ids of the rules of this run (for checks of rule names in suppressions). */
  readonly ruleIds: ReadonlySet<string>;
  report(r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export interface RelatedLocation {
  file: SourceFile;
  range: [number, number];
  message: string;
}

export interface Suppression {
  kind: 'annotation' | 'comment';
  justification?: string;
}

/** A finding with resolved ranges; formatters turn ranges into lines and columns. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: SourceFile;
  range: [number, number];
  object: Resource | null;
  related: RelatedLocation[];
  /** Helm template the document came from (`# Source:` comment). */
  template?: string;
  suppressed?: Suppression;
  suggestions: Suggestion[];
  /**
   * Identity of the finding that survives unrelated edits (no line numbers): rule, file, object,
   * the logical path of the reported node and the message. Used for SARIF partialFingerprints and
   * baselines.
   */
  fingerprint: string;
}

export interface Suggestion {
  title: string;
  file: SourceFile;
  range: [number, number];
  replacement: string;
}

export const DOCS_BASE = 'https://github.com/kube-netlint/kube-netlint/blob/main/docs/rules/';

export function defineRule(meta: Omit<RuleMeta, 'docs'>, check: (ctx: RuleContext) => void): Rule {
  return { meta: { ...meta, docs: `${DOCS_BASE}${meta.id}.md` }, check };
}
