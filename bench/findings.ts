/**
 * The findings-heavy corpus of the benchmark: the platform monorepo (bench/generate.ts, with its
 * OpenTelemetry collector) with one app in four carrying a planted fault, plus, in `fixtures/`, the
 * invalid manifests of every rule's test fixtures (test-fixtures/<rule>/invalid/), so that every
 * rule has findings to report. Two twins of as many objects: the same without the planted faults
 * (the fixtures' findings only: what a planted fault costs is the difference), and a clean one
 * (the platform alone, no fault, no finding).
 */
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatePlatform } from './generate.js';
import type { Generated } from './generate.js';

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'test-fixtures');
/** Objects of the platform mode: 7 of its own, 4 per app. */
const PLATFORM_OBJECTS = 9;
const PER_APP = 4;
/** Share of the apps with a planted fault. */
const FAULT_RATE = 0.25;

/** Rule ids with fixtures: the folders of test-fixtures/ that hold an `invalid/` folder. */
export function fixtureRules(): string[] {
  return readdirSync(FIXTURES)
    .filter((d) => existsSync(path.join(FIXTURES, d, 'invalid')))
    .sort();
}

/**
 * Rules whose fixtures would be masked by other rules' fixtures (an object of the same name in
 * the same namespace makes a duplicate): their objects without a namespace get one of their own.
 */
const OWN_NAMESPACE = new Set(['gateway-listener-conflict', 'gateway-tls-secret-missing', 'istio-host-unresolved']);

/** `text` with `namespace` given to every top-level object that names none. */
function inNamespace(text: string, namespace: string): string {
  return text
    .split(/^(?=---$)/m)
    .map((doc) =>
      /^ {2}namespace:/m.test(doc)
        ? doc
        : doc.replace(/^metadata:\n {2}name: .*$/m, (m) => `${m}\n  namespace: ${namespace}`),
    )
    .join('');
}

/** Copy every rule's invalid fixtures into `dir`; how many files, bytes and (about) objects. */
function copyFixtures(dir: string): { files: number; bytes: number; objects: number } {
  let files = 0;
  let bytes = 0;
  let objects = 0;
  for (const rule of fixtureRules()) {
    const from = path.join(FIXTURES, rule, 'invalid');
    cpSync(from, path.join(dir, rule), { recursive: true });
    for (const f of readdirSync(from, { recursive: true, encoding: 'utf8' })) {
      const abs = path.join(from, f);
      if (!/\.(ya?ml|json)$/.test(f)) continue;
      let text = readFileSync(abs, 'utf8');
      if (OWN_NAMESPACE.has(rule)) {
        text = inNamespace(text, `bench-${rule}`);
        writeFileSync(path.join(dir, rule, f), text);
      }
      files++;
      bytes += Buffer.byteLength(text);
      objects += (text.match(/^kind:/gm) ?? []).length;
    }
  }
  return { files, bytes, objects };
}

/** The findings-heavy corpus of about `objects` objects in `dir` (`faults`: plant them). */
export function generateFindings(dir: string, objects: number, faults = true): Generated {
  const fixtures = copyFixtures(path.join(dir, 'fixtures'));
  const apps = Math.max(1, Math.round((objects - fixtures.objects - PLATFORM_OBJECTS) / PER_APP));
  const p = generatePlatform(path.join(dir, 'platform'), apps, 7, faults ? FAULT_RATE : 0, true);
  return {
    dir,
    files: p.files + fixtures.files,
    bytes: p.bytes + fixtures.bytes,
    objects: p.objects + fixtures.objects,
  };
}

/** The clean twin: as many objects, no fault, no fixture. */
export function generateClean(dir: string, objects: number): Generated {
  const apps = Math.max(1, Math.round((objects - PLATFORM_OBJECTS) / PER_APP));
  return generatePlatform(dir, apps, 7, 0, true);
}
