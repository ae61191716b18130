import type { Finding, RuleMeta } from '../engine/types.js';

export interface FormatContext {
  cwd: string;
  color: boolean;
  rules: ReadonlyMap<string, RuleMeta>;
  summary: { files: number; objects: number };
  maxWarningsExceeded?: { maxWarnings: number; foundWarnings: number };
}

export type Formatter = (findings: readonly Finding[], ctx: FormatContext) => string;
