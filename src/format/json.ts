import type { Finding } from '../engine/types.js';
import type { Formatter } from './types.js';

export interface JsonFinding {
  ruleId: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  object: { apiVersion: string; kind: string; namespace: string | null; name: string } | null;
  related: { file: string; line: number; column: number; message: string }[];
}

export function toJsonFinding(f: Finding): JsonFinding {
  const start = f.file.position(f.range[0]);
  const end = f.file.position(f.range[1]);
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    object: f.object ? f.object.ref() : null,
    related: f.related.map((r) => {
      const p = r.file.position(r.range[0]);
      return { file: r.file.path, line: p.line, column: p.column, message: r.message };
    }),
  };
}

/** `--format json`: version 1 of the public JSON contract. */
export const json: Formatter = (findings, ctx) => {
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
  }
  const out = {
    version: 1,
    findings: findings.map(toJsonFinding),
    summary: { files: ctx.summary.files, objects: ctx.summary.objects, errors, warnings },
  };
  return `${JSON.stringify(out, null, 2)}\n`;
};
