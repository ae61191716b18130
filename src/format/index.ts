import { checkstyle } from './checkstyle.js';
import { codeclimate } from './codeclimate.js';
import { github } from './github.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Formatter } from './types.js';

export const FORMATTERS: Record<string, Formatter> = { stylish, json, sarif, github, junit, codeclimate, checkstyle };
export type { Formatter, FormatContext, LintedFile } from './types.js';
