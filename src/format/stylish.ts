import { createColors } from 'picocolors';
import type { Finding } from '../engine/types.js';
import { terminalSafe, textSafe } from './escape.js';
import type { Formatter } from './types.js';

/** `--format stylish`: findings grouped per file, like ESLint's default output. */
export const stylish: Formatter = (findings, ctx) => {
  const c = createColors(ctx.color);
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.file.path);
    if (list) list.push(f);
    else groups.set(f.file.path, [f]);
  }
  let out = '';
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const [file, list] of groups) {
    out += `\n${c.underline(textSafe(file))}\n`;
    const rows = list.map((f) => {
      const { line, column } = f.file.position(f.range[0]);
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
      const template = f.template ? ` (${terminalSafe(f.template)})` : '';
      return { pos: `${line}:${column}`, sev: f.severity, msg: terminalSafe(f.message) + template, rule: f.ruleId };
    });
    // A loop, not Math.max(...rows): a file with 100,000 findings would overflow the call stack.
    let posW = 0;
    let sevW = 0;
    for (const r of rows) {
      posW = Math.max(posW, r.pos.length);
      sevW = Math.max(sevW, r.sev.length);
    }
    for (const r of rows) {
      const sev = r.sev.padEnd(sevW);
      const sevC = r.sev === 'error' ? c.red(sev) : r.sev === 'warning' ? c.yellow(sev) : c.blue(sev);
      out += `  ${c.dim(r.pos.padStart(posW))}  ${sevC}  ${r.msg}  ${c.dim(r.rule)}\n`;
    }
  }
  const total = errors + warnings + infos;
  if (total > 0) {
    const parts = [
      `${errors} ${errors === 1 ? 'error' : 'errors'}`,
      `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`,
    ];
    if (infos) parts.push(`${infos} info`);
    const line = `\u2716 ${total} ${total === 1 ? 'problem' : 'problems'} (${parts.join(', ')})`;
    out += `\n${errors ? c.red(c.bold(line)) : warnings ? c.yellow(c.bold(line)) : c.blue(c.bold(line))}\n`;
  }
  if (ctx.maxWarningsExceeded) {
    const { maxWarnings, foundWarnings } = ctx.maxWarningsExceeded;
    out += `\n${c.red(c.bold(`kube-netlint found too many warnings (maximum: ${maxWarnings}, found: ${foundWarnings}).`))}\n`;
  }
  return out;
};
