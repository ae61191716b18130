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
