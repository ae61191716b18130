import type { Finding } from '../engine/types.js';
import { xmlAttr } from './junit.js';
import { messageWithTemplate, relatedPosition, spanOf } from './location.js';
import type { Formatter } from './types.js';

/** Every value written into the report goes through here: XML attribute escaping. */
const attr = (s: string | number): string => xmlAttr(String(s));

function error(f: Finding, ctx: Parameters<Formatter>[1]): string {
  const s = spanOf(f);
  let message = messageWithTemplate(f);
  for (const r of f.related) message += `\nrelated: ${relatedPosition(r, ctx)}: ${r.message}`;
  return (
    `    <error line="${attr(s.line)}" column="${attr(s.column)}" severity="${attr(f.severity)}" ` +
    `message="${attr(message)}" source="${attr(`kube-netlint.${f.ruleId}`)}"/>\n`
  );
}

/**
 * `--format checkstyle`: Checkstyle XML (version 4.3, as ESLint writes it), read by Jenkins
 * warnings-ng, reviewdog and others. One `<file>` per file with findings, named by its display
 * path, one `<error>` per finding; the severity is error, warning or info, the source
 * `kube-netlint.<rule-id>`.
 */
export const checkstyle: Formatter = (findings, ctx) => {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file.path);
    if (list) list.push(f);
    else byFile.set(f.file.path, [f]);
  }
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n';
  for (const [file, list] of byFile) {
    out += `  <file name="${attr(file)}">\n${list.map((f) => error(f, ctx)).join('')}  </file>\n`;
  }
  return `${out}</checkstyle>\n`;
};
