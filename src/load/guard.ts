/**
 * The nesting guard of the `yaml` reader. The package's parser and composer recurse once per level
 * of nesting (and its parser once per line of some indentation errors, which it reads as mappings
 * nested in each other): text is fed to its parser one lexical token at a time here, and a
 * document whose parser stack grows past a fixed bound is not parsed further. It becomes one
 * problem at its position, and the documents after it are read as usual.
 */
import type { CST } from 'yaml';
import { yamlLib } from './yaml-lib.js';

/** A document whose structure goes beyond the depth limit, and why. */
export interface DeepDocument {
  /** Offset of the first collection beyond the limit, or of the first badly indented line. */
  at: number;
  /** The nesting comes from an indentation mistake (block mappings nested at the same indentation). */
  badIndent: boolean;
}

/**
 * Parser stack entries allowed beyond the depth limit (the document itself, a scalar or properties
 * being read): a document nested exactly to the limit is never cut.
 */
const STACK_MARGIN = 16;

/**
 * The CST tokens of a text, as the `yaml` parser yields them, with every document whose nesting
 * goes beyond `maxDepth` emptied (no value): `deep` maps its token's offset to where and why.
 * Linear in the text; the recursion of the parser is bounded by `maxDepth` plus a margin.
 */
export function* guardedTokens(src: string, maxDepth: number, deep: Map<number, DeepDocument>): Generator<CST.Token> {
  const { CST: cst, Lexer, Parser } = yamlLib();
  const limit = maxDepth + STACK_MARGIN;
  let parser = new Parser();
  // While skipping the rest of a document cut at the limit: the offset, counted as the parser counts.
  let skipping = false;
  let offset = 0;
  let atScalar = false;
  for (const lexeme of new Lexer().lex(src)) {
    if (skipping) {
      const type = atScalar ? undefined : cst.tokenType(lexeme);
      if (type === 'doc-start' || type === 'doc-end') {
        skipping = false;
        parser = new Parser();
        parser.offset = offset;
      } else {
        if (atScalar) {
          atScalar = false;
          offset += lexeme.length;
        } else if (type === 'scalar') atScalar = true;
        else if (type !== 'doc-mode' && type !== 'flow-error-end') offset += lexeme.length;
        continue;
      }
    }
    // A document ends here when the next one starts: it is checked as the last one is, below.
    for (const token of parser.next(lexeme)) yield checked(token, maxDepth, deep);
    if (parser.stack.length > limit && lexeme !== cst.SCALAR) {
      const doc = parser.stack[0];
      const chain = parser.stack.slice(1);
      const found = classify(chain, maxDepth);
      if (doc.type === 'document') {
        deep.set(doc.offset, found);
        yield { type: 'document', offset: doc.offset, start: doc.start } as CST.Document;
      }
      skipping = true;
      offset = parser.offset;
      atScalar = false;
    }
  }
  if (skipping) return;
  for (const token of parser.end()) yield checked(token, maxDepth, deep);
}

/** A complete token: a document nested beyond `maxDepth` comes back emptied, and noted in `deep`. */
function checked(token: CST.Token, maxDepth: number, deep: Map<number, DeepDocument>): CST.Token {
  if (token.type === 'document' && token.value) {
    const found = cstDepthOverflow(token.value, maxDepth);
    if (found) {
      deep.set(token.offset, found);
      delete token.value;
    }
  }
  return token;
}

/**
 * Where a chain of nested collections (outermost first) goes wrong: the first block mapping nested
 * in a block collection at the same indentation or less (which only an indentation mistake makes),
 * else the first collection beyond the depth limit.
 */
function classify(chain: readonly CST.Token[], maxDepth: number): DeepDocument {
  let depth = 0;
  let parent: CST.Token | undefined;
  let beyond: number | undefined;
  for (const token of chain) {
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    depth++;
    if (parent && (parent.type === 'block-map' || parent.type === 'block-seq')) {
      const nestedBadly =
        token.type === 'block-map'
          ? token.indent <= parent.indent
          : token.type === 'block-seq' &&
            (parent.type === 'block-seq' ? token.indent <= parent.indent : token.indent < parent.indent);
      if (nestedBadly) return { at: token.offset, badIndent: true };
    }
    if (depth > maxDepth && beyond === undefined) beyond = token.offset;
    parent = token;
  }
  return { at: beyond ?? chain[0]?.offset ?? 0, badIndent: false };
}

/**
 * The first collection nested deeper than `max` (the root collection is level 1; keys count as a
 * level, flow collections used as keys included), with the chain that leads to it.
 */
export function cstDepthOverflow(root: CST.Token, max: number): DeepDocument | undefined {
  interface Entry {
    token: CST.Token;
    depth: number;
    up?: Entry;
  }
  const stack: Entry[] = [{ token: root, depth: 1 }];
  while (stack.length) {
    const entry = stack.pop() as Entry;
    const { token, depth } = entry;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth > max) {
      const chain: CST.Token[] = [];
      for (let e: Entry | undefined = entry; e; e = e.up) chain.push(e.token);
      chain.reverse();
      const bad = classify(chain, Infinity);
      return bad.badIndent ? bad : { at: token.offset, badIndent: false };
    }
    // Pushed last to first, so that the first collection beyond the limit in the text is found.
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i];
      if (item.value) stack.push({ token: item.value, depth: depth + 1, up: entry });
      if ('key' in item && item.key) stack.push({ token: item.key, depth: depth + 1, up: entry });
    }
  }
  return undefined;
}

/** Whether the `yaml` reader finds a document of the text nested deeper than `maxDepth` (linear). */
export function textTooDeep(src: string, maxDepth: number): boolean {
  const deep = new Map<number, DeepDocument>();
  for (const token of guardedTokens(src, maxDepth, deep)) void token;
  return deep.size > 0;
}
