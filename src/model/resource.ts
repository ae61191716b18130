import type { Loc, ManifestDocument, Path, SourceFile } from '../load/source.js';
import { isToolConfig } from './kinds.js';

/** Identity of an object as it appears in findings. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
}

export type JsonMap = Record<string, unknown>;

export const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asMap = (v: unknown): JsonMap | undefined => (isMap(v) ? v : undefined);
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A scalar read as Kubernetes would after its YAML-to-JSON step, for lenient matching. */
export const scalarText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
export const asInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

/** Own enumerable entries of a map, safe against `__proto__` and friends. */
export function entries(m: JsonMap | undefined): [string, unknown][] {
  return m ? Object.entries(m) : [];
}

/**
 * Builds lists that live as long as the model, one after the other, in one reused scratch list:
 * `start`, `add` each item, then `keep` (a list of the exact size, or the shared empty one).
 * Nearly every such list (containers, ports, the labels of a pod) is short or empty.
 */
export class ListBuilder<T> {
  private readonly items: T[] = [];

  start(): void {
    this.items.length = 0;
  }

  /** How many items were added since `start`. */
  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    this.items.push(item);
  }

  /** The items added since `start` (`empty`, shared, when there are none). */
  keep(empty: T[]): T[] {
    const items = this.items;
    if (items.length === 0) return empty;
    const list = items.slice();
    // The scratch list does not keep the items alive.
    items.length = 0;
    return list;
  }
}

/**
 * An empty list that many objects of the model share. Lists of the model are read-only: the
 * shared one is frozen, so that a push to it throws instead of leaking into every object.
 */
export function emptyList<T>(): T[] {
  return Object.freeze([]) as unknown as T[];
}

/** The path of an object that is a whole document (shared: paths are never modified). */
export const ROOT_PATH: Path = Object.freeze([]);

/**
 * A map that many objects of the model share. Maps of the model are read-only: a shared one
 * throws on a write, so that a mutation cannot leak into every object that shares it.
 */
export function sharedMap<K, V>(entries: Iterable<readonly [K, V]> = []): Map<K, V> {
  const m = new Map<K, V>(entries);
  const readOnly = () => {
    throw new TypeError('a shared map of the model is read-only');
  };
  for (const method of ['set', 'delete', 'clear'])
    Object.defineProperty(m, method, { value: readOnly, enumerable: false });
  return m;
}

/**
 * The one empty string map that every empty label, annotation or selector map shares (most
 * objects have no annotations, many no labels).
 */
export const EMPTY_STRING_MAP: Map<string, string> = sharedMap();

/** Gives one string for equal strings (`SEPARATE`: each string as it is). */
export interface Strings {
  get(s: string): string;
}

/**
 * One string object for each distinct text that many objects repeat (kinds, label keys, port
 * names). The parser gives each occurrence a string of its own, all over the heap; with one
 * shared string, later comparisons and map lookups of such texts compare identical strings.
 * One table per model build.
 */
export class StringTable implements Strings {
  private readonly strings = new Map<string, string>();

  get(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }
}

/** Strings kept as they are (for objects made outside a model build). */
export const SEPARATE: Strings = Object.freeze({ get: (s: string) => s });

/**
 * A string-to-string map read leniently: scalars are stringified, other values dropped. An empty
 * result is the shared, read-only `EMPTY_STRING_MAP`. Keys come from `strings`.
 */
export function stringMap(v: unknown, strings: Strings = SEPARATE): Map<string, string> {
  const m = asMap(v);
  if (!m) return EMPTY_STRING_MAP;
  let out: Map<string, string> | undefined;
  for (const k in m) {
    if (!Object.hasOwn(m, k)) continue;
    const s = scalarText(m[k]);
    if (s === undefined) continue;
    (out ??= new Map()).set(strings.get(k), s);
  }
  return out ?? EMPTY_STRING_MAP;
}

const pairLists = new ListBuilder<string>();
const NO_PAIRS: string[] = emptyList();

/**
 * The entries of a string-to-string map, read as `stringMap` reads them, as one flat list (key,
 * value, key, value, …), or null when there are none. Keys come from `strings`.
 */
export function stringPairs(v: unknown, strings: Strings = SEPARATE): readonly string[] | null {
  const m = asMap(v);
  if (!m) return null;
  pairLists.start();
  for (const k in m) {
    if (!Object.hasOwn(m, k)) continue;
    const s = scalarText(m[k]);
    if (s === undefined) continue;
    pairLists.add(strings.get(k));
    pairLists.add(s);
  }
  const pairs = pairLists.keep(NO_PAIRS);
  return pairs.length > 0 ? pairs : null;
}

interface ApiVersionParts {
  group: string;
  version: string;
  /** A tool's configuration (kustomization.yaml, kind config, …), not an object of the cluster. */
  toolConfig: boolean;
}

/** `group` and `version` of an apiVersion, shared between the objects of one apiVersion. */
const apiVersionParts = new Map<string, ApiVersionParts>();

function splitApiVersion(apiVersion: string): ApiVersionParts {
  let parts = apiVersionParts.get(apiVersion);
  if (!parts) {
    const slash = apiVersion.lastIndexOf('/');
    const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
    const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
    parts = { group, version, toolConfig: isToolConfig(apiVersion) };
    // Bounded: a hostile input may carry any number of distinct apiVersions.
    if (apiVersionParts.size < 1000) apiVersionParts.set(apiVersion, parts);
  }
  return parts;
}

/** `isToolConfig`, for the apiVersions of the input (looked up once per apiVersion). */
export function isToolConfigVersion(apiVersion: string): boolean {
  return splitApiVersion(apiVersion).toolConfig;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** What a complete object is missing (shared, read-only). */
const NONE_MISSING: string[] = emptyList();

/** The kind and apiVersion that the items of a typed list (`PodList`, …) take from it. */
export interface ListItemType {
  kind: string;
  apiVersion: string;
}

/** One Kubernetes object from the input (a document, or an item of a `List`). */
export class Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly group: string;
  readonly name: string;
  /** The name is only a `generateName` prefix: the API server makes each object unique. */
  readonly generatedName: boolean;
  /** A later object in the input has the same group, kind, namespace and name (it wins when applied). */
  superseded = false;
  /** Defaulted namespace; null for cluster-scoped kinds. */
  namespace: string | null;
  /** The structure check found nothing (see model/schema.ts: the object is never modified, nor the verdict). */
  structureValid = false;
  // Labels and annotations are read on first use: most objects are never asked for them.
  private labelMap: Map<string, string> | undefined = undefined;
  private annotationMap: Map<string, string> | undefined = undefined;

  constructor(
    readonly doc: ManifestDocument,
    /** Path of this object inside its document (`[]`, or `['items', i]` for List items). */
    readonly base: Path,
    readonly raw: JsonMap,
    /** Where the kind comes from (shared strings). */
    strings: Strings = SEPARATE,
    /** For an item of a typed list: the kind and apiVersion it takes when it lacks them. */
    readonly listType?: ListItemType,
  ) {
    this.apiVersion = (present(raw.apiVersion) ? asString(raw.apiVersion) : listType?.apiVersion) ?? '';
    this.kind = strings.get((present(raw.kind) ? asString(raw.kind) : listType?.kind) ?? '');
    this.group = splitApiVersion(this.apiVersion).group;
    const meta = asMap(raw.metadata);
    const name = scalarText(meta?.name);
    this.name = name ?? scalarText(meta?.generateName) ?? '';
    this.generatedName = name === undefined && this.name !== '';
    this.namespace = scalarText(meta?.namespace) || null;
  }

  /** The version part of the apiVersion. */
  get version(): string {
    return splitApiVersion(this.apiVersion).version;
  }

  /** `metadata.labels` (read-only: an empty map is shared between objects). */
  get labels(): Map<string, string> {
    return (this.labelMap ??= stringMap(asMap(this.raw.metadata)?.labels));
  }

  /** `metadata.annotations` (read-only: an empty map is shared between objects). */
  get annotations(): Map<string, string> {
    return (this.annotationMap ??= stringMap(asMap(this.raw.metadata)?.annotations));
  }

  /**
   * Identity fields the object lacks: apiVersion, kind, metadata, metadata.name (or generateName).
   * A field that is present with a wrong type is not missing: the structure check reports its type.
   */
  missingIdentity(): string[] {
    const raw = this.raw;
    const meta = raw.metadata;
    // An item of a typed list takes what it lacks from the list.
    const apiVersion = present(raw.apiVersion) || present(this.listType?.apiVersion);
    const kind = present(raw.kind) || present(this.listType?.kind);
    // The common case, a complete object, allocates nothing.
    if (apiVersion && kind && present(meta) && (!isMap(meta) || present(meta.name) || present(meta.generateName))) {
      return NONE_MISSING;
    }
    const missing: string[] = [];
    if (!apiVersion) missing.push('apiVersion');
    if (!kind) missing.push('kind');
    if (!present(meta)) missing.push('metadata');
    else if (isMap(meta) && !present(meta.name) && !present(meta.generateName)) missing.push('metadata.name');
    return missing;
  }

  get file(): SourceFile {
    return this.doc.file;
  }

  /** Location of the value at `path` (relative to this object). */
  at(...path: Path): Loc {
    // The rest array is fresh: an object that is a whole document uses it as is.
    return { doc: this.doc, path: this.base.length ? [...this.base, ...path] : path };
  }

  /** Location of the key of the value at `path`. */
  keyAt(...path: Path): Loc {
    return { doc: this.doc, path: this.base.length ? [...this.base, ...path] : path, key: true };
  }

  /** Where to point when the finding is about the object as a whole. */
  get nameLoc(): Loc {
    const meta = asMap(this.raw.metadata);
    if (meta && 'name' in meta) return this.at('metadata', 'name');
    if (meta && 'generateName' in meta) return this.at('metadata', 'generateName');
    if ('kind' in this.raw) return this.at('kind');
    return this.at();
  }

  /** Identity after namespace defaulting: group, kind, namespace and name. */
  get key(): string {
    return `${this.group}\u0000${this.kind}\u0000${this.namespace ?? ''}\u0000${this.name}`;
  }

  ref(): ObjectRef {
    return { apiVersion: this.apiVersion, kind: this.kind, namespace: this.namespace, name: this.name };
  }

  /** `Kind/name` or `Kind/namespace/name`, as used in messages. */
  get display(): string {
    return this.namespace ? `${this.kind} "${this.namespace}/${this.name}"` : `${this.kind} "${this.name}"`;
  }

  get displayShort(): string {
    return `${this.kind} "${this.name}"`;
  }
}
