/**
 * Ownership of live objects. In a dump of a cluster (`kubectl get … -o yaml`) a Deployment comes
 * with its ReplicaSets and their pods, a CronJob with its Jobs and their pods, a StatefulSet or a
 * DaemonSet with its pods: each made by a controller, which says so in `metadata.ownerReferences`
 * (the entry with `controller: true`). All of them are one workload. Here the pod templates of
 * such objects fold into the template of their top-most owner in the input, or, when that owner is
 * not in the input, into one template that stands for the owner the reference names.
 *
 * Policies select pods by label, so pods whose labels differ from their owner's template (beyond
 * the labels the controllers add, `CONTROLLER_LABEL_KEYS`) are not folded into it: they make a
 * workload of their own, named after the same owner with the reason, e.g.
 * `shop/web[Deployment] (pods labelled version=v1)`.
 *
 * Work is linear: owners are found by uid or by namespace, group, kind and name in maps built
 * once, and only when some object of the input has a controller reference.
 */
import { CONTROLLER_LABEL_KEYS } from './controllers.js';
import type { DynamicLabel } from './controllers.js';
import { CLUSTER_SCOPED_KINDS } from './kinds.js';
import { asMap, asString, isMap } from './resource.js';
import type { Resource } from './resource.js';

/** The workload a template stands for when it folds the pods of an owner. */
export interface WorkloadOwner {
  kind: string;
  name: string;
  /** The owner object, when it is in the input. */
  res?: Resource;
  /** Why these pods are a workload apart from the owner's template: `pods labelled version=v1`. */
  variant?: string;
}

/** What folding needs of a pod template. */
export interface FoldableTemplate<T> {
  readonly workload: Resource;
  readonly labelList: readonly string[];
  dynamicLabels: Map<string, DynamicLabel>;
  owner: WorkloadOwner | undefined;
  members: readonly T[];
  foldedInto: T | undefined;
}

/** How far an ownership chain is followed (real ones have at most three links). */
const MAX_CHAIN = 8;

interface ControllerRef {
  group: string;
  kind: string;
  name: string;
  uid?: string;
}

/**
 * The controller reference of an object: its ownerReference with `controller: true`. Owners that
 * are cluster-scoped (a Node, for the mirror pods of static pods) do not make a workload.
 */
function controllerRef(r: Resource): ControllerRef | undefined {
  const refs = asMap(r.raw.metadata)?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const ref of refs) {
    if (!isMap(ref) || ref.controller !== true) continue;
    const kind = asString(ref.kind);
    const name = asString(ref.name);
    if (!kind || !name || CLUSTER_SCOPED_KINDS.has(kind)) return undefined;
    const apiVersion = asString(ref.apiVersion) ?? '';
    const slash = apiVersion.lastIndexOf('/');
    return { group: slash >= 0 ? apiVersion.slice(0, slash) : '', kind, name, uid: asString(ref.uid) || undefined };
  }
  return undefined;
}

const objectKey = (namespace: string, group: string, kind: string, name: string) =>
  `${namespace}\u0000${group}\u0000${kind}\u0000${name}`;

/** The top of an ownership chain: an object of the input, or one that only a reference names. */
interface Top {
  /** Identity of the group (the object, or the key of the absent one). */
  id: Resource | string;
  kind: string;
  name: string;
  res?: Resource;
  /** Links from the object asked about to the top. */
  level: number;
}

const selfTop = (r: Resource): Top => ({ id: r, kind: r.kind, name: r.name, res: r, level: 0 });

/** Finds the owners of objects through indexes built once, and remembers each object's top. */
class Owners {
  private readonly byUid = new Map<string, Resource>();
  /** By namespace, group, kind and name: built when a reference without a known uid asks. */
  private byKey: Map<string, Resource> | undefined;
  private readonly tops = new Map<Resource, Top>();

  constructor(
    private readonly resources: readonly Resource[],
    /** The controller reference of each object that has one. */
    private readonly refs: ReadonlyMap<Resource, ControllerRef>,
    /** The kinds that references name. */
    private readonly kinds: ReadonlySet<string>,
  ) {
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i];
      if (!kinds.has(r.kind) || r.namespace === null) continue;
      const uid = asString(asMap(r.raw.metadata)?.uid);
      if (uid) this.byUid.set(uid, r);
    }
  }

  private find(namespace: string, ref: ControllerRef): Resource | undefined {
    if (ref.uid !== undefined) {
      const r = this.byUid.get(ref.uid);
      if (r && r.kind === ref.kind && r.namespace === namespace) return r;
    }
    if (!this.byKey) {
      this.byKey = new Map();
      for (const r of this.resources) {
        // Of several definitions, the last one (as applied).
        if (this.kinds.has(r.kind) && r.namespace !== null)
          this.byKey.set(objectKey(r.namespace, r.group, r.kind, r.name), r);
      }
    }
    return this.byKey.get(objectKey(namespace, ref.group, ref.kind, ref.name));
  }

  /** The top-most owner of `r` (`r` itself when no controller owns it). */
  top(r: Resource): Top {
    // The chain up from `r` to the first object whose top is known (or is found here).
    const chain: Resource[] = [];
    let cur = r;
    let top: Top; // relative to `cur`
    for (;;) {
      const known = this.tops.get(cur);
      if (known) {
        top = known;
        break;
      }
      const ref = chain.length < MAX_CHAIN ? this.refs.get(cur) : undefined;
      const owner = ref && this.find(cur.namespace ?? '', ref);
      // A reference back into the chain (not made by the API server) ends it.
      if (!ref || owner === cur || (owner && chain.includes(owner))) {
        top = selfTop(cur);
        this.tops.set(cur, top);
        break;
      }
      chain.push(cur);
      if (!owner) {
        const namespace = cur.namespace ?? '';
        top = { id: objectKey(namespace, ref.group, ref.kind, ref.name), kind: ref.kind, name: ref.name, level: 0 };
        break;
      }
      cur = owner;
    }
    // Each object of the chain is one link further from the top than the next one.
    for (let i = chain.length - 1; i >= 0; i--) {
      top = { ...top, level: top.level + 1 };
      this.tops.set(chain[i], top);
    }
    return top;
  }
}

/** Does `key` have a label that controllers add? */
const isControllerLabel = (key: string) => CONTROLLER_LABEL_KEYS.has(key);

/** The value of label `key` in a flat label list. */
function valueIn(list: readonly string[], key: string): string | undefined {
  for (let i = 0; i < list.length; i += 2) if (list[i] === key) return list[i + 1];
  return undefined;
}

/** Do two templates have the same labels, controller-added ones aside? */
function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  let n = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (isControllerLabel(a[i])) continue;
    n++;
    if (valueIn(b, a[i]) !== a[i + 1]) return false;
  }
  for (let i = 0; i < b.length; i += 2) if (!isControllerLabel(b[i])) n--;
  return n === 0;
}

/** `pods labelled a=1, without b`: how the labels of `mine` differ from those of `main`. */
function variantOf(mine: readonly string[], main: readonly string[]): string {
  const labelled: string[] = [];
  const without: string[] = [];
  for (let i = 0; i < mine.length; i += 2) {
    if (!isControllerLabel(mine[i]) && valueIn(main, mine[i]) !== mine[i + 1])
      labelled.push(`${mine[i]}=${mine[i + 1]}`);
  }
  for (let i = 0; i < main.length; i += 2) {
    if (!isControllerLabel(main[i]) && valueIn(mine, main[i]) === undefined) without.push(main[i]);
  }
  const parts = [
    ...(labelled.length ? [`labelled ${labelled.sort().join(', ')}`] : []),
    ...(without.length ? [`without ${without.sort().join(', ')}`] : []),
  ];
  return `pods ${parts.join(', ')}`;
}

/**
 * The values the folded templates carry for controller-added keys that the representative's own
 * matchers do not accept (a pod of a StatefulSet that is not in the input stands for its siblings):
 * the representative's matchers widened to them. Undefined when nothing needs widening.
 */
function widenedLabels<T extends FoldableTemplate<T>>(
  rep: T,
  group: readonly T[],
): Map<string, DynamicLabel> | undefined {
  let extra: Map<string, Set<string>> | undefined;
  for (const t of group) {
    const list = t.labelList;
    for (let i = 0; i < list.length; i += 2) {
      const k = list[i];
      if (!CONTROLLER_LABEL_KEYS.has(k)) continue;
      const base = rep.dynamicLabels.get(k);
      if (base?.matches(list[i + 1])) continue;
      if (t === rep && !base) continue;
      extra ??= new Map();
      let values = extra.get(k);
      if (!values) extra.set(k, (values = new Set()));
      values.add(list[i + 1]);
    }
  }
  if (!extra) return undefined;
  const out = new Map(rep.dynamicLabels);
  for (const [k, values] of extra) {
    const base = rep.dynamicLabels.get(k);
    // The representative's own value counts too.
    if (!base) {
      for (let i = 0; i < rep.labelList.length; i += 2) if (rep.labelList[i] === k) values.add(rep.labelList[i + 1]);
    }
    const shown = [...values].sort();
    out.set(k, {
      describe: base ? `${base.describe}|${shown.join('|')}` : shown.join('|'),
      matches: (v) => values.has(v) || base?.matches(v) === true,
    });
  }
  return out;
}

/**
 * Fold the pod templates of objects that a controller made into their top-most owner's. Returns
 * the templates that remain (each one workload), in input order; the folded ones are the
 * `members` of the one they fold into. `templates` is returned as is when nothing is owned.
 */
export function foldOwned<T extends FoldableTemplate<T>>(templates: T[], resources: readonly Resource[]): T[] {
  // Only objects with a controller reference start a chain: manifests rarely have one.
  const refs = new Map<Resource, ControllerRef>();
  const kinds = new Set<string>();
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i];
    const ref = asMap(r.raw.metadata)?.ownerReferences === undefined ? undefined : controllerRef(r);
    if (!ref) continue;
    refs.set(r, ref);
    kinds.add(ref.kind);
  }
  if (refs.size === 0) return templates;
  const owners = new Owners(resources, refs, kinds);
  const groups = new Map<Resource | string, { top: Top; members: { t: T; level: number }[] }>();
  for (let i = 0; i < templates.length; i++) {
    const t = templates[i];
    // A superseded definition is not analysed: it stays as it is.
    const top = t.workload.superseded ? selfTop(t.workload) : owners.top(t.workload);
    const g = groups.get(top.id);
    if (g) g.members.push({ t, level: top.level });
    else groups.set(top.id, { top, members: [{ t, level: top.level }] });
  }
  const kept = new Set<T>();
  for (const { top, members } of groups.values()) {
    if (members.length === 1 && members[0].t.workload === top.res) {
      kept.add(members[0].t);
      continue;
    }
    // The main labels: the owner's own template's, else those of the template closest to the top.
    let main = members[0];
    for (const m of members) if (m.level < main.level) main = m;
    const subgroups: { t: T; level: number }[][] = [[main]];
    for (const m of members) {
      if (m === main) continue;
      const same = subgroups.find((g) => sameLabels(m.t.labelList, g[0].t.labelList));
      if (same) same.push(m);
      else subgroups.push([m]);
    }
    for (const list of subgroups) {
      let rep = list[0];
      for (const m of list) if (m.level < rep.level) rep = m;
      const variant = list[0] === main ? undefined : variantOf(rep.t.labelList, main.t.labelList);
      const t = rep.t;
      if (t.workload !== top.res || variant) t.owner = { kind: top.kind, name: top.name, res: top.res, variant };
      if (list.length > 1) {
        const folded: T[] = [];
        for (const m of list) if (m !== rep) folded.push(m.t);
        t.members = folded;
        for (const f of folded) f.foldedInto = t;
        const widened = widenedLabels(
          t,
          list.map((m) => m.t),
        );
        if (widened) t.dynamicLabels = widened;
      }
      kept.add(t);
    }
  }
  return templates.filter((t) => kept.has(t));
}
