/**
 * Characters that a terminal or a log viewer would act on, or that hide or reorder text, other
 * than tab and line breaks: C0 and C1 controls (ESC starts ANSI sequences; CSI U+009B is one on its
 * own), DEL, the Unicode line and paragraph separators, bidirectional controls ("Trojan Source"),
 * zero-width characters, the BOM, and lone surrogates (not text: they would be written as U+FFFD).
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replace the characters above with visible escapes (`\x1b`, `\u2028`, `\ud800`); tab, LF and CR stay. */
export function visible(s: string): string {
  return s.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Make text from a manifest safe for a terminal: control characters (including ESC, which starts
 * ANSI sequences) and the other invisible characters above become visible escapes, and line breaks
 * and tabs become spaces, so that one finding stays on one line.
 */
export function terminalSafe(s: string): string {
  return visible(s.replace(/\r\n|[\r\n\t]/g, ' '));
}

/**
 * The escaping layer of every output format. Names, labels, paths and messages come from the input
 * (a repository anyone can write to): each format writes them through one function here, so that
 * nothing in a name can end a line, start a command, a formula or markup, or reach a terminal raw.
 */

/**
 * Plain text for a terminal or a CI log, one line: `terminalSafe`, and a `::` at the start (after
 * spaces) written `\x3a:`, so that a line starting with a name never reads as a GitHub workflow
 * command (`::error file=…::`, `::add-mask::`).
 */
export function textSafe(s: string): string {
  return terminalSafe(s).replace(/^(\s*):(?=:)/, '$1\\x3a');
}

/**
 * Lines of plain text whose start may come from the input: a line that would read as a GitHub
 * workflow command (`::` at its start, after spaces) gets its first colon written `\x3a`.
 */
export function noCommandLines(text: string): string {
  return text.includes('::') ? text.replace(/^([ \t]*):(?=:)/gm, '$1\\x3a') : text;
}

/** Workflow command data, escaped as actions/toolkit's `escapeData` (packages/core/src/command.ts). */
export function githubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow command property values, escaped as actions/toolkit's `escapeProperty`. */
export function githubProperty(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * A CSV field (RFC 4180): quoted when it holds a quote, a comma or a line break; a field that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first) starts with `'`; other
 * control characters become visible escapes, and so does a `::` that would start a line (a line
 * break in a quoted field is one), as in `textSafe`.
 */
export function csvCell(s: string): string {
  let v = visible(s).replace(/(^|[\r\n])([ \t]*):(?=:)/g, '$1$2\\x3a');
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * A Markdown table cell: pipes, backslashes and backticks escaped, HTML written as entities
 * (`<script>` shows as text), line breaks as spaces, controls visible.
 */
export function markdownCell(s: string): string {
  return visible(s.replace(/\r\n|[\r\n\t]/g, ' '))
    .replace(/[\\`|]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A Graphviz dot string, quoted: backslashes and quotes escaped, line breaks as `\n`, controls visible. */
export function dotString(s: string): string {
  return `"${visible(s)
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r?\n|\r/g, '\\n')}"`;
}

/**
 * Mermaid label text: quoted, with every character that could end the label or be read as markup
 * written as an entity code (`#35;`), which Mermaid turns back into the character.
 */
export function mermaidText(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\n') out += '<br>';
    else if (/[A-Za-z0-9 _./:,()=+\-[\]{}@]/.test(ch)) out += ch;
    else out += `#${ch.codePointAt(0)};`;
  }
  return `"${out}"`;
}

/** HTML text or a quoted attribute value: markup characters and quotes as character references. */
export function htmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Characters XML 1.0 does not allow at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * XML character data: illegal characters are dropped, markup characters become references, and
 * CR becomes `&#13;` (a parser would turn a raw CR LF into LF). A `::` that would start a line of
 * the document has its first colon written `&#58;`, so that the document printed to a CI log has no
 * line that reads as a GitHub workflow command; a parser reads the same text.
 */
export function xmlText(s: string): string {
  return s
    .replace(XML_ILLEGAL, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;')
    .replace(/(^|\n)([ \t]*):(?=:)/g, '$1$2&#58;');
}

/** An XML attribute value (double-quoted); line breaks and tabs are kept as character references. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
