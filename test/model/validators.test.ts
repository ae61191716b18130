/**
 * The precompiled structure validators (src/model/validators.generated.ts, ajv standalone code):
 * the committed file is what scripts/gen-validators.ts generates now; they report exactly the errors
 * ajv reports when it compiles the same schemas at run time; `validateStructure` gives the results
 * of the former implementation (null entries dropped before validating, schemas compiled at run
 * time); and generated code that needs ajv's runtime helpers loads them under ESM.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import fc from 'fast-check';
import ts from 'typescript';
import {
  GENERATED_FILE,
  checkNullInvariant,
  generateModule,
  generateValidators,
} from '../../scripts/gen-validators.js';
import { discover } from '../../src/load/discover.js';
import { loadFiles } from '../../src/load/input.js';
import { loadText } from '../../src/load/load.js';
import { loadFast } from '../../src/load/fast.js';
import { resolveRange } from '../../src/load/source.js';
import type { Path, SourceFile } from '../../src/load/source.js';
import { buildModel } from '../../src/model/model.js';
import type { Resource } from '../../src/model/resource.js';
import { STRUCTURE_AJV_OPTIONS, STRUCTURE_DEFS, STRUCTURE_SCHEMAS } from '../../src/model/schema-kinds.js';
import { stripNulls, structureProblems, structureSchemaKey, validateStructure } from '../../src/model/schema.js';
import type { StructureProblem } from '../../src/model/schema.js';
import { validators } from '../../src/model/validators.generated.js';
import type { Validator } from '../../src/model/validators.generated.js';
import { ROOT } from '../support/util.js';

const KEYS = Object.keys(STRUCTURE_SCHEMAS);
const SEED = Number(process.env.FC_SEED ?? 20_240_611);

// The former implementation: schemas compiled by ajv at run time, null entries dropped first.
const runtimeAjv = new Ajv(STRUCTURE_AJV_OPTIONS).addSchema(STRUCTURE_DEFS);
const RUNTIME: Record<string, ValidateFunction> = Object.fromEntries(
  KEYS.map((k) => [k, runtimeAjv.compile(STRUCTURE_SCHEMAS[k])]),
);

function hasNullEntry(v: unknown, depth = 0): boolean {
  if (depth > 200 || typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some((x) => hasNullEntry(x, depth + 1));
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const x = (v as Record<string, unknown>)[k];
    if (x === null || hasNullEntry(x, depth + 1)) return true;
  }
  return false;
}

function withoutNulls(v: unknown, depth = 0): unknown {
  if (depth > 200) return v;
  if (Array.isArray(v)) return v.map((x) => withoutNulls(x, depth + 1));
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue;
    Object.defineProperty(out, k, {
      value: withoutNulls(x, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function formerValidateStructure(r: Resource, source?: (path: Path) => string | undefined): StructureProblem[] {
  const validate = RUNTIME[structureSchemaKey(r)];
  const data = hasNullEntry(r.raw) ? withoutNulls(r.raw) : r.raw;
  if (validate(data)) return [];
  return structureProblems(validate.errors ?? [], data, source);
}

// ---------------------------------------------------------------------------------------------
// Samples

/** Objects with wrong types, null entries, unknown fields, missing required fields, odd keys. */
const HAND_MADE = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web, version: 1.10, empty: null }, annotations: [a] }
spec:
  replicas: "3"
  selector: { matchLabels: { app: web }, matchExpressions: [{ key: app, operator: Like, values: [1] }, { operator: In }], extra: 1 }
  template:
    metadata: { labels: { app: web, n: null } }
    spec:
      hostNetwork: "yes"
      containers:
        - name: null
          image: 5
          command: x
          ports: [{ containerPort: "80", name: 1, protocol: TCP, bogus: true }, { name: http }, null, 8080, { containerPort: null, hostPort: 1.5 }]
          env: [{ value: 1 }, { name: A, valueFrom: x }, { name: B, value: null }]
          livenessProbe: { httpGet: { port: true, scheme: http }, grpc: { port: "x" }, periodSeconds: 1.5 }
          readinessProbe: { tcpSocket: { port: [80] } }
          startupProbe: x
        - image: nginx
      initContainers: { name: init }
---
apiVersion: v1
kind: Pod
metadata: null
spec: { containers: [{ name: a, ports: [{ containerPort: 80, __proto__: 1 }], env: [{ name: __proto__, value: x }] }], serviceAccountName: 1 }
---
apiVersion: v1
kind: Pod
metadata: { name: "p", namespace: 1, generateName: null }
spec: { containers: [{ name: c, ports: [{ containerPort: 80, hostIP: null, protocol: null }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: s }
spec:
  type: Foo
  selector: { app: 1, tier: null }
  ports: [{ port: "80", targetPort: 1.5, nodePort: x, extra: 1 }, { name: p, port: 443, targetPort: [1] }, { targetPort: http }, { port: 80, appProtocol: null }]
  sessionAffinity: none
  clusterIPs: [1, null]
  publishNotReadyAddresses: 0
  externalTrafficPolicy: null
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: np }
spec:
  podSelector: { matchLabels: { a: null } }
  policyTypes: [Ingress, egress, null]
  ingress:
    - from: [{ ipBlock: { except: x } }, { podSelector: {}, bogus: 1 }, { namespaceSelector: { matchLabels: [] } }, null]
      ports: [{ port: 1.5 }, { port: http, endPort: "x", protocol: null }]
      extra: true
  egress: [{ to: [{ ipBlock: { cidr: null } }] }, null, { ports: null }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ing }
spec:
  ingressClassName: 1
  defaultBackend: { service: { name: 1, port: { number: "80", name: 5 } } }
  rules: [{ host: 1, http: { paths: [{ path: /, pathType: 1, backend: { service: { name: s, port: { number: 1.5 } } } }, { backend: null }] } }, null]
  tls: [{ hosts: [1], secretName: null }]
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: { name: old }
spec: { backend: { serviceName: 1, servicePort: 1.5 } }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: cj }
spec: { schedule: 5, jobTemplate: { metadata: { labels: { a: 1 } }, spec: { template: { spec: { containers: [{ name: 1 }] } } } } }
---
apiVersion: batch/v1
kind: Job
metadata: { name: j }
spec: { completionMode: Sometimes, selector: { matchLabels: null }, template: { spec: { containers: null } } }
---
apiVersion: v1
kind: ReplicationController
metadata: { name: rc }
spec: { replicas: 1.5, selector: { app: 1 }, template: { metadata: { labels: [] } } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: ss }
spec: { serviceName: 1, template: { spec: { containers: [{ name: c, ports: [{ containerPort: 80.5 }] }] } } }
---
apiVersion: v1
kind: Endpoints
metadata: { name: e }
subsets: [{ addresses: [{ ip: 1 }, null], ports: [{ port: "80", name: null }] }, x]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: es }
addressType: 4
ports: [{ port: null }, { port: "80", protocol: 1 }]
endpoints: [{ addresses: [1] }, null]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: cm, labels: { a: [] }, annotations: { b: null } }
data: { a: null, b: 1 }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ds }
spec: null
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: rs }
spec: { template: { spec: { containers: [{ name: c, livenessProbe: null, readinessProbe: { httpGet: null }, startupProbe: { grpc: { port: 1, service: null } } }] } } }
---
apiVersion: 1
kind: Deployment
metadata: { name: 2 }
---
apiVersion: v1
kind: List
items:
  - { apiVersion: v1, kind: Service, metadata: { name: s2 }, spec: { ports: [{ port: 80, extra: null }] } }
  - { apiVersion: v1, kind: Pod, metadata: { name: p2 }, spec: { containers: [{ name: null, image: null }] } }
`;

let samples: Promise<SourceFile[]> | undefined;

/** All documents of test-fixtures/ and examples/, by both loaders, and the hand-made ones. */
function sampleFiles(): Promise<SourceFile[]> {
  return (samples ??= loadSamples());
}

async function loadSamples(): Promise<SourceFile[]> {
  const found = await discover(['test-fixtures', 'examples'], { cwd: ROOT, ignore: [], gitignore: false });
  const { files } = await loadFiles(found.files, ROOT);
  assert.ok(files.length > 100, `only ${files.length} sample files`);
  const fast = files.filter((f) => f.text.length < 1_000_000).map((f) => loadFast(f.path, f.text, f.absPath));
  return [...files, ...fast, loadText('hand-made.yaml', HAND_MADE), loadFast('hand-made.yaml', HAND_MADE)];
}

function resourcesOf(files: SourceFile[]): Resource[] {
  return buildModel(files, { defaultNamespace: 'default' }).resources;
}

/** The source text at a path, as the manifest-structure rule gives it. */
function sourceOf(r: Resource): (path: Path) => string | undefined {
  return (p) => {
    const [start, end] = resolveRange(r.at(...p));
    return r.file.text.slice(start, end);
  };
}

/** Every object and list of a value, down to depth 6, so each validator also sees sub-trees. */
function subValues(v: unknown, out: unknown[] = [], depth = 0): unknown[] {
  if (typeof v !== 'object' || v === null || depth > 6) return out;
  out.push(v);
  for (const x of Object.values(v)) subValues(x, out, depth + 1);
  return out;
}

/** Run the precompiled and the runtime-compiled validator of every schema on `data`. */
function assertSameErrors(data: unknown, what: string): number {
  let invalid = 0;
  for (const key of KEYS) {
    const runtime = RUNTIME[key];
    const pre = validators[key];
    const want = runtime(data);
    const got = pre(data);
    assert.equal(got, want, `${what}: ${key}: valid`);
    assert.deepEqual(pre.errors, runtime.errors, `${what}: ${key}: errors`);
    if (!want) invalid++;
  }
  return invalid;
}

// ---------------------------------------------------------------------------------------------

describe('precompiled structure validators', () => {
  it('the committed module is what the generator writes now (run `npm run gen:validators`)', () => {
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    const fresh = generateValidators();
    assert.ok(
      committed === fresh,
      `${path.relative(ROOT, GENERATED_FILE)} is stale: run \`npm run gen:validators\` and commit it`,
    );
  });

  it('there is one validator per schema, and no ajv compiler behind validateStructure', () => {
    assert.deepEqual(Object.keys(validators), KEYS);
    const schemaJs = readFileSync(path.join(ROOT, 'dist/src/model/schema.js'), 'utf8');
    const kindsJs = readFileSync(path.join(ROOT, 'dist/src/model/schema-kinds.js'), 'utf8');
    const generatedJs = readFileSync(path.join(ROOT, 'dist/src/model/validators.generated.js'), 'utf8');
    for (const [name, text] of [
      ['schema.js', schemaJs],
      ['schema-kinds.js', kindsJs],
      ['validators.generated.js', generatedJs],
    ]) {
      assert.doesNotMatch(text, /^\s*import\s[^;]*from\s*['"]ajv['"]/m, `${name} imports ajv at run time`);
      assert.doesNotMatch(text, /require\(["']ajv["']\)/, `${name} requires ajv at run time`);
    }
  });

  it('the schemas keep the property validateStructure relies on (no required property accepts null)', () => {
    checkNullInvariant(STRUCTURE_SCHEMAS);
    assert.throws(
      () =>
        checkNullInvariant({ x: { type: 'object', required: ['a'], properties: { a: { type: ['string', 'null'] } } } }),
      /must not accept null/,
    );
    assert.throws(
      () => checkNullInvariant({ x: { type: 'object', required: ['a'], properties: {} } }),
      /must not accept null/,
    );
    assert.throws(() => checkNullInvariant({ x: { type: 'object', minProperties: 1 } }), /keyword "minProperties"/);
  });

  it('report the same errors as ajv compiling the schemas at run time (fixtures, examples, hand-made)', async () => {
    const files = await sampleFiles();
    let checked = 0;
    let invalid = 0;
    const seen = new Set<string>();
    const values = [...files.flatMap((f) => f.documents.map((d) => d.value)), ...resourcesOf(files).map((r) => r.raw)];
    for (const value of values) {
      for (const v of subValues(value)) {
        for (const data of [v, stripNulls(v)]) {
          const text = JSON.stringify(data);
          if (seen.has(text)) continue;
          seen.add(text);
          invalid += assertSameErrors(data, text.slice(0, 200));
          checked++;
        }
      }
    }
    for (const data of [
      null,
      1,
      'x',
      true,
      [],
      {},
      [null],
      { kind: null },
      { metadata: { name: null } },
      { spec: [] },
    ]) {
      invalid += assertSameErrors(data, JSON.stringify(data));
    }
    if (process.env.VALIDATORS_TEST_VERBOSE) console.log({ values: values.length, checked, invalid });
    assert.ok(checked > 1000, `only ${checked} samples`);
    assert.ok(invalid > 1000, `only ${invalid} invalid (sample, schema) pairs`);
  });

  it('validateStructure gives the results of the former implementation', async () => {
    const resources = resourcesOf(await sampleFiles());
    let problems = 0;
    for (const r of resources) {
      const source = sourceOf(r);
      const want = formerValidateStructure(r, source);
      assert.deepEqual(validateStructure(r, source), want, `${r.file.path}: ${r.displayShort}`);
      problems += want.length;
    }
    assert.ok(problems > 50, `only ${problems} problems`);
  });

  it('validateStructure gives the results of the former implementation on mutated objects', async () => {
    const resources = resourcesOf(await sampleFiles()).filter(
      (r) => structureSchemaKey(r) !== 'generic' || r.kind === 'ConfigMap',
    );
    const raws = resources.map((r) => JSON.parse(JSON.stringify(r.raw)) as Record<string, unknown>);
    const leaf = fc.oneof(
      fc.constantFrom(
        null,
        true,
        0,
        1.5,
        -1,
        'x',
        '',
        'In',
        'TCP',
        'ClusterIP',
        [],
        {},
        [null],
        { a: null },
        { name: 'n' },
        { containerPort: 80 },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const mutation = fc.tuple(fc.nat(), fc.nat(), leaf, fc.boolean());
    let withProblems = 0;
    let withNullsInvalid = 0;
    let withNullsValid = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: raws.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (i, mutations) => {
          const obj = structuredClone(raws[i]);
          for (const [pick, keyPick, leafValue, replace] of mutations) {
            const value: unknown = structuredClone(leafValue);
            // A random map or list of the object gets a new (or replaced) entry.
            const targets = subValues(obj).filter((x) => typeof x === 'object' && x !== null);
            const target = targets[pick % targets.length] as Record<string, unknown> | unknown[];
            if (Array.isArray(target)) {
              if (replace && target.length) target[keyPick % target.length] = value;
              else target.push(value);
            } else {
              const keys = Object.keys(target);
              const key =
                replace && keys.length
                  ? keys[keyPick % keys.length]
                  : ['name', 'port', 'ports', 'containers', 'x', 'labels', 'spec'][keyPick % 7];
              target[key] = value;
            }
          }
          const file = loadText('mutated.json', JSON.stringify(obj));
          for (const r of resourcesOf([file])) {
            const source = sourceOf(r);
            const want = formerValidateStructure(r, source);
            assert.deepEqual(validateStructure(r, source), want);
            if (want.length) withProblems++;
            if (hasNullEntry(r.raw) && want.length) withNullsInvalid++;
            else if (hasNullEntry(r.raw)) withNullsValid++;
          }
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
    // The runs cover the paths of validateStructure: valid, invalid, null entries either way.
    if (process.env.VALIDATORS_TEST_VERBOSE) console.log({ withProblems, withNullsInvalid, withNullsValid });
    assert.ok(
      withProblems > 500 && withNullsInvalid > 100 && withNullsValid > 100,
      `${withProblems} ${withNullsInvalid} ${withNullsValid}`,
    );
  });

  it('stripNulls drops null map entries to depth 200 and copies only what changes', () => {
    const shared = { a: 1, b: [1, { c: 2 }] };
    const v = { keep: shared, drop: null, list: [null, { x: null, y: 1 }, shared], __proto__x: 1 };
    const out = stripNulls(v) as typeof v;
    assert.deepEqual(out, withoutNulls(v));
    assert.equal(out.keep, shared);
    assert.equal(out.list[2], shared);
    assert.equal(stripNulls(shared), shared);
    const proto = JSON.parse('{"__proto__": {"a": null}, "b": null}') as object;
    const p = stripNulls(proto) as Record<string, unknown>;
    assert.deepEqual(Object.keys(p), ['__proto__']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(p, '__proto__')?.value, {});
    // Below depth 200 null entries stay, as before.
    let deep: unknown = { z: null };
    for (let i = 0; i < 250; i++) deep = i % 2 ? [deep] : { d: deep };
    assert.equal(hasNullEntry(deep), false);
    assert.equal(stripNulls(deep), deep);
    const top = { n: null, deep };
    assert.deepEqual(stripNulls(top), withoutNulls(top));
    assert.equal((stripNulls(top) as typeof top).deep, deep);
  });

  it('generated code that needs ajv runtime helpers loads them under ESM', async () => {
    // maxLength needs ajv/dist/runtime/ucs2length, uniqueItems and object enums ajv/dist/runtime/equal.
    const schemas = {
      strings: { type: 'array', uniqueItems: true, items: { type: 'string', maxLength: 3 } },
      objects: { type: 'array', items: { enum: [{ a: 1 }, [1, 2]] }, uniqueItems: true },
    };
    const options = { allErrors: true, strict: true } as const;
    const text = generateModule(schemas, options, 'a test');
    assert.match(text, /require\("ajv\/dist\/runtime\/ucs2length"\)/);
    assert.match(text, /require\("ajv\/dist\/runtime\/equal"\)/);
    const js = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: 'validators.generated.ts',
    }).outputText;
    // Next to the compiled tests, so that `ajv` resolves as it does for the shipped module.
    const file = path.join(import.meta.dirname, `.validators-runtime-${process.pid}.js`);
    writeFileSync(file, js);
    try {
      const mod = (await import(pathToFileURL(file).href)) as { validators: Record<string, Validator> };
      const ajv = new Ajv(options);
      const samples = [
        ['ab', 'ab', '😀😀😀', '😀😀😀😀'],
        [{ a: 1 }, { a: 1 }, [1, 2], { a: 2 }],
        ['abcd'],
        [],
        'x',
        [1, null],
      ];
      for (const [key, schema] of Object.entries(schemas)) {
        const runtime = ajv.compile(schema);
        for (const data of samples) {
          assert.equal(mod.validators[key](data), runtime(data), `${key} ${JSON.stringify(data)}`);
          assert.deepEqual(mod.validators[key].errors, runtime.errors, `${key} ${JSON.stringify(data)}`);
        }
      }
    } finally {
      rmSync(file, { force: true });
    }
  });
});
