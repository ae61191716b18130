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

/** A string-to-string map read leniently: scalars are stringified, other values dropped. */
export function stringMap(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, val] of entries(asMap(v))) {
    const s = scalarText(val);
    if (s !== undefined) out.set(k, s);
  }
  return out;
}

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
  readonly labels: Map<string, string>;
  readonly annotations: Map<string, string>;

  constructor(
    readonly doc: ManifestDocument,
    /** Path of this object inside its document (`[]`, or `['items', i]` for List items). */
    readonly base: Path,
    readonly raw: JsonMap,
  ) {
    this.apiVersion = asString(raw.apiVersion) ?? '';
    this.kind = asString(raw.kind) ?? '';
    const slash = this.apiVersion.lastIndexOf('/');
    this.group = slash >= 0 ? this.apiVersion.slice(0, slash) : '';
    this.version = slash >= 0 ? this.apiVersion.slice(slash + 1) : this.apiVersion;
    const meta = asMap(raw.metadata);
    const name = scalarText(meta?.name);
    this.name = name ?? scalarText(meta?.generateName) ?? '';
    this.generatedName = name === undefined && this.name !== '';
    this.namespace = scalarText(meta?.namespace) || null;
    this.labels = stringMap(meta?.labels);
    this.annotations = stringMap(meta?.annotations);
  }

  /**
   * Identity fields the object lacks: apiVersion, kind, metadata, metadata.name (or generateName).
   * A field that is present with a wrong type is not missing: the structure check reports its type.
   */
  missingIdentity(): string[] {
    const present = (v: unknown) => v !== undefined && v !== null && v !== '';
    const missing: string[] = [];
    if (!present(this.raw.apiVersion)) missing.push('apiVersion');
    if (!present(this.raw.kind)) missing.push('kind');
    const meta = this.raw.metadata;
    if (!present(meta)) missing.push('metadata');
    else if (isMap(meta) && !present(meta.name) && !present(meta.generateName)) missing.push('metadata.name');
    return missing;
  }

  get file(): SourceFile {
    return this.doc.file;
  }

  /** Location of the value at `path` (relative to this object). */
  at(...path: Path): Loc {
    return { doc: this.doc, path: [...this.base, ...path] };
  }

  /** Location of the key of the value at `path`. */
  keyAt(...path: Path): Loc {
    return { doc: this.doc, path: [...this.base, ...path], key: true };
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
