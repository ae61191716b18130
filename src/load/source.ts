/**
 * A read file and its documents, as the rest of kube-netlint sees them: the file's text
 * (src/load/text.ts), parsing it (src/load/parse.ts), and the source range of a path
 * (src/load/resolve.ts), in one import.
 */
export { LineCounter, SourceFile, fillLineStarts, textProblems } from './text.js';
export type { LoadProblem, ManifestDocument, Path } from './text.js';
export {
  FLOAT_EXP,
  MAX_PROBLEMS_PER_FILE,
  YAML_LIMITS,
  composeDocuments,
  documentValue,
  parseSource,
  structureOverflow,
  valueShape,
  yaml11Tags,
  yamlOptions,
} from './parse.js';
export type { ParseOptions, ParsedNode } from './parse.js';
export { locate, positionOf, resolveRange } from './resolve.js';
export type { AnyLoc, Loc, RawLoc } from './resolve.js';
