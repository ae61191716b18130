import type { Loc, ManifestDocument, Path, SourceFile } from '../load/source.js';

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
  for (const method of ['set', 'delete', 'clear']) Object.defineProperty(m, method, { value: readOnly, enumerable: false });
  return m;
}

/**
 * The one empty string map that every empty label, annotation or selector map shares (most
 * objects have no annotations, many no labels).
 */
export const EMPTY_STRING_MAP: Map<string, string> = sharedMap();

/**
 * A string-to-string map read leniently: scalars are stringified, other values dropped. An empty
 * result is the shared, read-only `EMPTY_STRING_MAP`.
 */
export function stringMap(v: unknown): Map<string, string> {
  const m = asMap(v);
  if (!m) return EMPTY_STRING_MAP;
  let out: Map<string, string> | undefined;
  for (const k in m) {
    if (!Object.hasOwn(m, k)) continue;
    const s = scalarText(m[k]);
    if (s === undefined) continue;
    (out ??= new Map()).set(k, s);
  }
  return out ?? EMPTY_STRING_MAP;
}

/** `group` and `version` of an apiVersion, shared between the objects of one apiVersion. */
const apiVersionParts = new Map<string, { group: string; version: string }>();

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  let parts = apiVersionParts.get(apiVersion);
  if (!parts) {
    const slash = apiVersion.lastIndexOf('/');
    parts = slash >= 0 ? { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) } : { group: '', version: apiVersion };
    // Bounded: a hostile input may carry any number of distinct apiVersions.
    if (apiVersionParts.size < 1000) apiVersionParts.set(apiVersion, parts);
  }
  return parts;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** One Kubernetes object from the input (a document, or an item of a `List`). */
export class Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly name: string;
  /** The name is only a `generateName` prefix: the API server makes each object unique. */
  readonly generatedName: boolean;
  /** A later object in the input has the same group, kind, namespace and name (it wins when applied). */
  superseded = false;
  /** Defaulted namespace; null for cluster-scoped kinds. */
  namespace: string | null;
  // Labels and annotations are read on first use: most objects are never asked for them.
  private labelMap: Map<string, string> | undefined = undefined;
  private annotationMap: Map<string, string> | undefined = undefined;

  constructor(
    readonly doc: ManifestDocument,
    /** Path of this object inside its document (`[]`, or `['items', i]` for List items). */
    readonly base: Path,
    readonly raw: JsonMap,
  ) {
    this.apiVersion = asString(raw.apiVersion) ?? '';
    this.kind = asString(raw.kind) ?? '';
    const { group, version } = splitApiVersion(this.apiVersion);
    this.group = group;
    this.version = version;
    const meta = asMap(raw.metadata);
    const name = scalarText(meta?.name);
    this.name = name ?? scalarText(meta?.generateName) ?? '';
    this.generatedName = name === undefined && this.name !== '';
    this.namespace = scalarText(meta?.namespace) || null;
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
    // The common case, a complete object, allocates nothing.
    if (present(raw.apiVersion) && present(raw.kind) && present(meta) && (!isMap(meta) || present(meta.name) || present(meta.generateName))) {
      return [];
    }
    const missing: string[] = [];
    if (!present(raw.apiVersion)) missing.push('apiVersion');
    if (!present(raw.kind)) missing.push('kind');
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
