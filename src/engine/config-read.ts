/**
 * Reading a config file that kube-netlint did not write (it is found by looking upwards from the
 * working directory, so a repository's own file is read): within limits, and every problem is a
 * one-line ConfigError naming the file and, where there is one, the position (`file:line:col: …`).
 *
 * - The read: only a regular file, opened without blocking, at most `CONFIG_LIMITS.maxBytes`
 *   bytes actually read (a FIFO, /dev/zero, a procfs file that says it is empty).
 * - The YAML: the loader's reader (src/load/parse.ts) with YAML 1.2, as before: nesting depth,
 *   alias expansion ("billion laughs") and duplicate keys (found in linear time) are bounded and
 *   reported at their position.
 * - The values: at most `maxEntries` keys in a map or items in a list, and the patterns of
 *   `ignorePatterns` and `roots` at most `maxPatternLength` characters and `maxBraceExpansions`
 *   patterns once their braces are expanded (`{a,b}{c,d}` is four; a few dozen such groups
 *   would be billions).
 */
import type { Document } from 'yaml';
import { InputLimitError, NotRegularFileError, readErrorMessage, readRegularTextSync } from '../load/read.js';
import { formatBytes } from '../load/load.js';
import { composeDocuments, documentValue } from '../load/parse.js';
import type { DeepDocument } from '../load/guard.js';
import { resolveRange } from '../load/resolve.js';
import { SourceFile, fillLineStarts } from '../load/text.js';
import type { Path } from '../load/text.js';

export class ConfigError extends Error {}

/** Limits of a config file and its values (docs/limits.md). */
export const CONFIG_LIMITS = {
  /** Bytes of the file. */
  maxBytes: 1024 * 1024,
  /** Collections nested in it. */
  maxDepth: 64,
  /** Alias expansion, as the `yaml` package counts it (uses of an anchor times the aliases inside it). */
  maxAliasCount: 100,
  /** Nodes alias expansion may add. */
  maxAliasNodes: 10_000,
  /** Keys of one map, items of one list. */
  maxEntries: 1_000,
  /** Characters of one pattern of `ignorePatterns` or `roots`. */
  maxPatternLength: 1_024,
  /** Patterns one pattern of `ignorePatterns` or `roots` expands to (its braces). */
  maxBraceExpansions: 1_000,
} as const;

/** A config file as read: its text (for positions), its YAML document and its plain value. */
export interface ConfigDocument {
  file: string;
  source: SourceFile;
  doc: Document.Parsed;
  data: unknown;
}

const LIMIT = '(a limit of kube-netlint, see docs/limits.md)';

/** A ConfigError at an offset of the text: `file:line:col: message`. */
function errorAt(source: SourceFile, file: string, offset: number, message: string): ConfigError {
  const { line, column } = source.position(offset);
  return new ConfigError(`${file}:${line}:${column}: ${message}`);
}

/** A ConfigError at the node of a path (its key when `key` is set), else at the closest existing ancestor. */
export function configErrorAt(c: ConfigDocument, path: Path, message: string, key = false): ConfigError {
  const range = resolveRange({ doc: { file: c.source, index: 0, yaml: c.doc, value: c.data }, path, key });
  return errorAt(c.source, c.file, range[0], message);
}

/** Read and parse a config file within `CONFIG_LIMITS`. Throws ConfigError. */
export function readConfigDocument(file: string): ConfigDocument {
  let text: string;
  try {
    text = readRegularTextSync(file, CONFIG_LIMITS.maxBytes);
  } catch (e) {
    if (e instanceof InputLimitError) {
      throw new ConfigError(
        `${file}: the config file is not read: it is larger than ${formatBytes(CONFIG_LIMITS.maxBytes)} ${LIMIT}`,
      );
    }
    if (e instanceof NotRegularFileError)
      throw new ConfigError(`${file}: the config file is not read: it is not a regular file (${e.kind})`);
    throw new ConfigError(`cannot read config file ${file}: ${readErrorMessage(e)}`);
  }
  const source = new SourceFile(file, text, file);
  fillLineStarts(source);
  const tooDeep = new Map<number, DeepDocument>();
  const docs = composeDocuments(text, true, CONFIG_LIMITS.maxDepth, tooDeep);
  for (const deep of tooDeep.values()) {
    throw errorAt(
      source,
      file,
      deep.at,
      `invalid YAML: nested more than ${CONFIG_LIMITS.maxDepth} levels deep ${LIMIT}`,
    );
  }
  const withContent = docs.filter((d) => d.contents !== null || d.errors.length > 0);
  if (withContent.length > 1)
    throw errorAt(source, file, withContent[1].range[0], 'invalid YAML: a config file holds one document, not several');
  const doc = withContent[0] ?? docs[0];
  if (!doc) return { file, source, doc: docs[0], data: {} };
  const first = doc.errors[0];
  if (first) throw errorAt(source, file, first.pos[0], `invalid YAML: ${first.message.split('\n')[0]}`);
  const read = documentValue(doc, {
    maxAliasCount: CONFIG_LIMITS.maxAliasCount,
    maxAliasNodes: CONFIG_LIMITS.maxAliasNodes,
    maxDepth: CONFIG_LIMITS.maxDepth,
  });
  if ('problem' in read) throw errorAt(source, file, read.problem.range[0], `invalid YAML: ${read.problem.message}`);
  const c: ConfigDocument = { file, source, doc, data: read.value ?? {} };
  checkBounds(c);
  return c;
}

/** Sizes of the values: entries of maps and lists, and the patterns of `ignorePatterns` and `roots`. */
function checkBounds(c: ConfigDocument): void {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: c.data, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop() as (typeof stack)[number];
    if (typeof value !== 'object' || value === null) continue;
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value);
    if (entries.length > CONFIG_LIMITS.maxEntries) {
      const what = Array.isArray(value) ? 'items' : 'keys';
      throw configErrorAt(
        c,
        path,
        `${path.length ? `${path.join('.')}: ` : ''}more than ${CONFIG_LIMITS.maxEntries.toLocaleString('en-US')} ${what} ${LIMIT}`,
      );
    }
    for (const [k, v] of entries) stack.push({ value: v, path: [...path, k] });
  }
  const data = c.data as Record<string, unknown>;
  for (const key of ['ignorePatterns', 'roots']) {
    const list = data[key];
    if (!Array.isArray(list)) continue;
    list.forEach((p, i) => {
      if (typeof p !== 'string') return;
      if (p.length > CONFIG_LIMITS.maxPatternLength) {
        throw configErrorAt(
          c,
          [key, i],
          `${key}: a pattern of more than ${CONFIG_LIMITS.maxPatternLength.toLocaleString('en-US')} characters ${LIMIT}`,
        );
      }
      if (braceExpansions(p) > CONFIG_LIMITS.maxBraceExpansions) {
        throw configErrorAt(
          c,
          [key, i],
          `${key}: the braces of this pattern expand to more than ${CONFIG_LIMITS.maxBraceExpansions.toLocaleString('en-US')} patterns ${LIMIT}`,
        );
      }
    });
  }
}

/** `1..10`, `a..e`, `1..10..2`: how many items a brace range stands for; undefined when it is not one. */
function rangeSize(body: string): number | undefined {
  const numeric = /^([-+]?\d+)\.\.([-+]?\d+)(?:\.\.([-+]?\d+))?$/.exec(body);
  if (numeric) {
    const step = Math.max(1, Math.abs(Number(numeric[3] ?? 1)));
    return Math.floor(Math.abs(Number(numeric[2]) - Number(numeric[1])) / step) + 1;
  }
  const alpha = /^([a-zA-Z])\.\.([a-zA-Z])(?:\.\.([-+]?\d+))?$/.exec(body);
  if (alpha) {
    const step = Math.max(1, Math.abs(Number(alpha[3] ?? 1)));
    return Math.floor(Math.abs(alpha[2].charCodeAt(0) - alpha[1].charCodeAt(0)) / step) + 1;
  }
  return undefined;
}

/**
 * How many patterns a glob's braces expand to (`{a,b}x{c,d,e}` → 6, `{1..100}` → 100), in one pass
 * without recursion; an estimate from above where the glob is unusual (an unclosed brace), saturating
 * at 2^53. Escaped characters (`\{`) do not count.
 */
export function braceExpansions(pattern: string): number {
  const CAP = Number.MAX_SAFE_INTEGER;
  const times = (a: number, b: number) => Math.min(CAP, a * b);
  /** A brace group being read: the sum of its finished alternatives, the product of the current one. */
  const stack: { sum: number; product: number; start: number; commas: number }[] = [
    { sum: 0, product: 1, start: -1, commas: 0 },
  ];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const top = stack[stack.length - 1];
    if (c === '\\') i++;
    else if (c === '{') stack.push({ sum: 0, product: 1, start: i, commas: 0 });
    else if (c === ',' && stack.length > 1) {
      top.sum = Math.min(CAP, top.sum + top.product);
      top.product = 1;
      top.commas++;
    } else if (c === '}' && stack.length > 1) {
      stack.pop();
      const n =
        top.commas > 0
          ? Math.min(CAP, top.sum + top.product)
          : (rangeSize(pattern.slice(top.start + 1, i)) ?? top.product);
      const parent = stack[stack.length - 1];
      parent.product = times(parent.product, n);
    }
  }
  // Unclosed braces: counted as if they were closed (from above).
  while (stack.length > 1) {
    const top = stack.pop() as (typeof stack)[number];
    const parent = stack[stack.length - 1];
    parent.product = times(parent.product, Math.max(1, Math.min(CAP, top.sum + top.product)));
  }
  return stack[0].product;
}
