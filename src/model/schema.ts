/**
 * Structure validation of manifest objects: which schema applies to an object, and the problems
 * the generated validators (./validators.generated.ts, from the schemas in ./schema-kinds.ts) find
 * in it, each with its path, the offending value and a readable message.
 */
import type { ErrorObject } from 'ajv';
import type { Path } from '../load/source.js';
import { workloadKind } from './kinds.js';
import { emptyList } from './resource.js';
import type { Resource } from './resource.js';
import { policySchemaKey } from './schema-policies.js';
import { validators } from './validators.generated.js';
import type { Validator } from './validators.generated.js';

/** Which of `STRUCTURE_SCHEMAS` (./schema-kinds.ts) applies to an object. */
export function structureSchemaKey(r: Resource): string {
  const wk = workloadKind(r.group, r.kind);
  if (wk) return wk;
  if (r.group === '' && (r.kind === 'Service' || r.kind === 'Endpoints')) return r.kind;
  if (r.group === 'discovery.k8s.io' && r.kind === 'EndpointSlice') return r.kind;
  if ((r.group === 'networking.k8s.io' || r.group === 'extensions') && r.kind === 'Ingress') return r.kind;
  if (r.group === 'networking.k8s.io' && r.kind === 'NetworkPolicy') return r.kind;
  return policySchemaKey(r.group, r.kind) ?? 'generic';
}

export interface StructureProblem {
  /** Path relative to the object. */
  path: Path;
  /** Point at the key rather than the value. */
  key: boolean;
  message: string;
}

/**
 * `v` without null map entries (the API server reads `field: null`, or `field:`, as omitted), to
 * depth 200. Copy on write: a subtree without null entries is returned as is, so `stripNulls(v) === v`
 * exactly when there is nothing to drop.
 */
export function stripNulls(v: unknown, depth = 0): unknown {
  if (depth > 200 || typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = stripNulls(x, depth + 1);
      if (y !== x && !out) out = v.slice(0, i);
      out?.push(y);
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  let done = 0; // entries of `v` already copied into `out`, or known to need no copy
  const entries = Object.entries(v);
  for (let i = 0; i < entries.length; i++) {
    const [k, x] = entries[i];
    const y = x === null ? null : stripNulls(x, depth + 1);
    if (y === x && x !== null) continue;
    if (!out) out = {};
    for (; done < i; done++) define(out, entries[done][0], entries[done][1]);
    done = i + 1;
    if (y !== null) define(out, k, y);
  }
  if (!out) return v;
  for (; done < entries.length; done++) define(out, entries[done][0], entries[done][1]);
  return out;
}

/** Set an own property, even `__proto__`. */
function define(o: Record<string, unknown>, k: string, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
}

const VALIDATORS: Readonly<Record<string, Validator>> = validators;

/** The problems of a valid object (shared, read-only). */
const NO_PROBLEMS: StructureProblem[] = emptyList();

/**
 * Type problems of one object's analysed fields. `source` gives the source text at a path, so a
 * message can quote what the user wrote (`1.10`) rather than what it parsed to (`1.1`).
 */
export function validateStructure(r: Resource, source?: (path: Path) => string | undefined): StructureProblem[] {
  // Several readers ask about one object (a NetworkPolicy: the policy engine and manifest-structure).
  if (r.structureValid) return NO_PROBLEMS;
  const validate = VALIDATORS[structureSchemaKey(r)];
  // The object is checked as written first: null entries only ever make it invalid (no schema
  // accepts null for a required property), so when it passes, it passes without them too, and
  // the common case costs one validation and no copy.
  if (!validate(r.raw)) {
    const data = stripNulls(r.raw);
    if (data === r.raw || !validate(data)) return structureProblems(validate.errors ?? [], data, source);
  }
  r.structureValid = true;
  return NO_PROBLEMS;
}

/** The problems of ajv errors of `data`, deduplicated, in error order. */
export function structureProblems(
  errors: readonly ErrorObject[],
  data: unknown,
  source?: (path: Path) => string | undefined,
): StructureProblem[] {
  const out: StructureProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const p = toProblem(e, data, source);
    const id = `${p.path.join('\u0000')}|${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the integer ${v}` : `the number ${v}`;
  return `the ${typeof v} ${String(v)}`;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  string: 'a string',
  object: 'a map',
  array: 'a list',
  boolean: 'a boolean',
  null: 'null',
  number: 'a number',
};

function toProblem(e: ErrorObject, raw: unknown, source?: (path: Path) => string | undefined): StructureProblem {
  const path = pointerToPath(e.instancePath);
  const where = formatPath(path);
  switch (e.keyword) {
    case 'type': {
      const want = ([] as string[]).concat((e.params as { type: string | string[] }).type);
      const expected = want.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
      let hint = '';
      const v = valueAt(raw, path);
      let got = describeValue(v);
      if (typeof v === 'number' || typeof v === 'boolean') {
        const text = source?.(path)?.trim();
        if (text && text.length <= 40 && !/[\n\r]/.test(text))
          got = `the ${typeof v === 'boolean' ? 'boolean' : 'number'} ${text}`;
        if (want.includes('string')) hint = ` (quote it: "${text ?? String(v)}")`;
      }
      return { path, key: false, message: `${where} must be ${expected}, not ${got}${hint}` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((a) => JSON.stringify(a)).join(', ');
      return {
        path,
        key: false,
        message: `${where} must be one of ${allowed}, not ${describeValue(valueAt(raw, path))}`,
      };
    }
    case 'additionalProperties': {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: [...path, prop], key: true, message: `${formatPath([...path, prop])}: unknown field "${prop}"` };
    }
    case 'required': {
      const prop = (e.params as { missingProperty: string }).missingProperty;
      return { path, key: false, message: `${where || 'object'} is missing required field "${prop}"` };
    }
    default:
      return { path, key: false, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}
