/**
 * Definitions of one object that look like alternatives rather than one object defined twice:
 * samples or variants of which one is applied at a time. Shared by duplicate-object (which then
 * warns instead of erring) and by the checks of a reference to an object defined several times
 * (support/several-definitions.ts), which then judge the definition of the referring file.
 */
import { definitionsOf, folderOf } from '../../src/model/identity.js';
import type { Model } from '../../src/model/model.js';
import type { Resource } from '../../src/model/resource.js';
import { q } from '../../src/util/text.js';

/** A file's name without its folder and extension. */
const stem = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/\.(ya?ml|json)$/i, '');

/** The folder that holds `folder` ('' for the top folder; undefined above it). */
const parentOf = (folder: string) =>
  folder === '' ? undefined : folder.slice(0, Math.max(0, folder.lastIndexOf('/')));

/** How files and folders name a folder in a message. */
const named = (folder: string) => (folder ? q(folder) : 'the top folder');

/** The files of `folder` (directly in it) that define the object `r`. */
function filesIn(model: Model, r: Resource, folder: string): number {
  return new Set(
    definitionsOf(model, r)
      .filter((d) => folderOf(d) === folder)
      .map((d) => d.file),
  ).size;
}

const samples = new WeakMap<Model, Map<string, Resource>>();

/**
 * Folders of samples: those where some object is defined in three or more files (directly in the
 * folder), each applied on its own; the value is one such object.
 */
function sampleFolders(model: Model): Map<string, Resource> {
  let found = samples.get(model);
  if (found) return found;
  found = new Map();
  for (const { first } of model.duplicates) {
    const byFolder = new Map<string, Set<unknown>>();
    for (const d of definitionsOf(model, first)) {
      const f = folderOf(d);
      const files = byFolder.get(f) ?? new Set();
      files.add(d.file);
      byFolder.set(f, files);
    }
    for (const [f, files] of byFolder) if (files.size >= 3 && !found.has(f)) found.set(f, first);
  }
  samples.set(model, found);
  return found;
}

/**
 * The folder of samples that `folder` is, or is a folder of (see `alternatives`), with one object
 * defined in three or more of its files; undefined when it is none.
 */
export function samplesFolder(model: Model, folder: string): { folder: string; example: Resource } | undefined {
  const folders = sampleFolders(model);
  const parent = parentOf(folder);
  for (const f of [folder, parent]) {
    const example = f === undefined ? undefined : folders.get(f);
    if (f !== undefined && example) return { folder: f, example };
  }
  return undefined;
}

/**
 * Why two definitions of one object may be alternatives rather than one object defined twice, or
 * undefined:
 * - the object is defined in three or more files of the folder of either (a folder of samples,
 *   each applied on its own; a definition in a folder above or below is one more sample);
 * - both are in one folder of samples (some object is defined in three or more of its files), or
 *   in a folder of such a folder: its files are applied one at a time, whatever they define;
 * - they are in sibling folders among three or more that define the object (one example each);
 * - one file is named as a variant of the other (httpbin.yaml, httpbin-nodeport.yaml,
 *   ingress-with-tls.yaml and ingress-without-tls.yaml, c1-router.yaml and c2-router.yaml).
 * Sibling folders that look alike are judged by `distinctReason` (src/model/identity.ts); a
 * folder and one below it are otherwise applied together (`kubectl apply -R`).
 */
export function alternatives(model: Model, a: Resource, b: Resource): string | undefined {
  const [fa, fb] = [folderOf(a), folderOf(b)];
  for (const f of fa === fb ? [fb] : [fb, fa]) {
    const files = filesIn(model, b, f);
    if (files >= 3) {
      return (
        `it is defined in ${files} files of ${named(f)}, which look like alternatives ` +
        `(samples or variants applied one at a time)`
      );
    }
  }
  if (fa !== fb) {
    const parent = parentOf(fa);
    if (parent === undefined || parent !== parentOf(fb)) return undefined;
    const siblings = new Set(
      definitionsOf(model, b)
        .map(folderOf)
        .filter((f) => parentOf(f) === parent),
    );
    return siblings.size >= 3
      ? `it is defined in ${siblings.size} sibling folders of ${named(parent)}, which look like alternatives ` +
          `(examples or variants applied one at a time)`
      : undefined;
  }
  // httpbin.yaml and httpbin-nodeport.yaml: a variant named after the file it varies.
  const [sa, sb] = [stem(a.file.path), stem(b.file.path)];
  const [short, long] = sa.length < sb.length ? [sa, sb] : [sb, sa];
  if (long.startsWith(`${short}-`) || long.startsWith(`${short}_`) || inserted(words(short), words(long)))
    return `${q(long)} is named as a variant of ${q(short)}, so the two files look like alternatives`;
  if (withAndWithout(words(sa), words(sb)))
    return (
      `${q(sa)} and ${q(sb)} are named as variants with and without a feature, so the two files look like ` +
      `alternatives`
    );
  if (opposite(words(sa), words(sb)))
    return (
      `${q(sa)} and ${q(sb)} are named as opposite cases (a good and a bad one), so the two files look like ` +
      `alternatives`
    );
  if (numbered(words(sa), words(sb))) {
    return (
      `${q(sa)} and ${q(sb)} are named as numbered variants (one per cluster or version), so the two files ` +
      `look like alternatives`
    );
  }
  const samples = samplesFolder(model, fb);
  return samples && `${samplesNote(model, samples)}${samples.folder === fb ? '' : ` (${q(fb)} is one of its folders)`}`;
}

/** Says why a folder is one of samples. */
export function samplesNote(model: Model, samples: { folder: string; example: Resource }): string {
  const { folder, example } = samples;
  return (
    `the files of ${named(folder)} look like alternatives (samples or variants applied one at a time): ` +
    `${example.display} is defined in ${filesIn(model, example, folder)} of them`
  );
}

/** The words of a file name (`helloweb-service` → helloweb, service). */
const words = (name: string) => name.split(/[-_.]/);

/** `long` is `short` with words inserted in one place (install → namespace-install, app-web → app-gpu-web). */
function inserted(short: string[], long: string[]): boolean {
  if (long.length <= short.length) return false;
  let head = 0;
  while (head < short.length && short[head] === long[head]) head++;
  const tail = short.length - head;
  return long.slice(long.length - tail).every((w, i) => w === short[head + i]);
}

/** The one word in which two names differ, or undefined when they differ in none or several. */
function differing(a: string[], b: string[]): [string, string] | undefined {
  if (a.length !== b.length) return undefined;
  const differ = a.flatMap((w, i) => (w === b[i] ? [] : [i]));
  return differ.length === 1 ? [a[differ[0]], b[differ[0]]] : undefined;
}

/** The names differ in one word, a number in both (c1-router and c2-router, ui-128 and ui-132). */
function numbered(a: string[], b: string[]): boolean {
  const d = differing(a, b);
  return d !== undefined && /\d/.test(d[0]) && /\d/.test(d[1]) && d[0].replace(/\d+/g, '') === d[1].replace(/\d+/g, '');
}

/** Words and their negations that name the two cases of a test or an example. */
const NEGATIONS = ['in', 'un', 'non', 'non-', 'not', 'not-', 'im', 'il', 'ir', 'dis', 'mis'];
const ANTONYMS = new Set(['good/bad', 'pass/fail', 'passing/failing', 'allow/deny', 'allowed/denied', 'ok/broken']);

/** The names differ in one word, a word and its negation (valid and invalid) or an antonym (good and bad). */
function opposite(a: string[], b: string[]): boolean {
  const d = differing(a, b)?.map((w) => w.toLowerCase());
  if (d === undefined) return false;
  const [x, y] = d;
  return (
    NEGATIONS.some((n) => (x === n + y || y === n + x) && Math.min(x.length, y.length) >= 3) ||
    ANTONYMS.has(`${x}/${y}`) ||
    ANTONYMS.has(`${y}/${x}`)
  );
}

/** The names differ in one word, `with` in one and `without` in the other (ingress-with-tls, ingress-without-tls). */
function withAndWithout(a: string[], b: string[]): boolean {
  const d = differing(a, b)?.map((w) => w.toLowerCase());
  return d !== undefined && d.includes('with') && d.includes('without');
}
