import type { Finding, RuleMeta } from '../engine/types.js';
import type { ObjectRef } from '../model/resource.js';

/** A linted file and the objects it holds, in document order (JUnit lists clean objects as passing tests). */
export interface LintedFile {
  /** Display path, as in `Finding.file.path`. */
  path: string;
  objects: ObjectRef[];
}

export interface FormatContext {
  cwd: string;
  color: boolean;
  rules: ReadonlyMap<string, RuleMeta>;
  summary: { files: number; objects: number };
  maxWarningsExceeded?: { maxWarnings: number; foundWarnings: number };
  /**
   * Directory that repository-relative paths (SARIF `artifactLocation.uri`, GitHub annotation
   * `file=`) are computed from: the top of the git work tree. Defaults to `cwd`.
   */
  root?: string;
  /** The tool as SARIF names it (defaults: kube-netlint, version `0.0.0`). */
  tool?: { name: string; version: string; informationUri: string };
  /** Findings hidden by an annotation or a disable comment (SARIF lists them as suppressed results). */
  suppressed?: readonly Finding[];
  /** Findings hidden by `--baseline`, and the baseline file's path as given. */
  baseline?: { file: string; findings: readonly Finding[] };
  /** Every linted file with its objects (for formats that also report what passed). */
  files?: readonly LintedFile[];
}

/**
 * A formatter is a pure function of the findings (already filtered and sorted) and the context.
 * It must not read files, the environment or the clock: golden tests compare its output byte for byte.
 */
export type Formatter = (findings: readonly Finding[], ctx: FormatContext) => string;
