/**
 * Property-based tests of the lint pipeline (fast-check): generated cluster slices (workloads,
 * Services, Ingresses, routes, NetworkPolicies, ConfigMaps, with fields of every type now and
 * then), written as YAML or JSON, then mutated as editors and accidents mutate files (byte flips,
 * truncation, inserted control characters, duplicated and dropped lines, indentation changes,
 * stray markers). Whatever the text, through both loaders (the `yaml` path and the fast path):
 * no exception escapes, no rule fails, findings are sorted, every location lies inside its file,
 * every format stays valid, CRLF reads like LF, file order does not matter, and long values in
 * any field stay cheap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { stringify } from 'yaml';
import { RULES } from '../../rules/index.js';
import { compareFindings, lint } from '../../src/engine/runner.js';
import type { LintResult } from '../../src/engine/runner.js';
import type { Finding, RuleMeta } from '../../src/engine/types.js';
import { FORMATTERS } from '../../src/format/index.js';
import type { FormatContext } from '../../src/format/index.js';
import { spanOf } from '../../src/format/location.js';
import { loadFast } from '../../src/load/fast.js';
import { loadText } from '../../src/load/load.js';
import type { SourceFile } from '../../src/load/source.js';

const SETTINGS = { defaultNamespace: 'default', nodePortRange: [30000, 32767] as [number, number] };
const RULE_META: ReadonlyMap<string, RuleMeta> = new Map(RULES.map((r) => [r.meta.id, r.meta]));
const SEED = Number(process.env.FC_SEED ?? 20_240_611);

// ---------------------------------------------------------------------------------------------
// Generated manifests

const name = fc.constantFrom('web', 'api', 'db', 'cache', 'front-end', 'x', 'Web', 'a.b', '');
const namespace = fc.constantFrom(undefined, 'default', 'shop', 'kube-system', '');
const labelKey = fc.constantFrom(
  'app',
  'tier',
  'version',
  'app.kubernetes.io/name',
  'k8s-app',
  '__proto__',
  'constructor',
);
const labelValue = fc.constantFrom('web', 'api', 'db', 'v1', 'kube-dns', 'x', '');
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
const portName = fc.constantFrom('http', 'grpc', 'metrics', 'dns', 'HTTP', 'a-very-long-port-name', '');
const portNumber = fc.oneof(
  fc.constantFrom(53, 80, 443, 8080, 9090, 30080, 0, 65536, -1),
  fc.integer({ min: 1, max: 65535 }),
);
const protocol = fc.constantFrom(undefined, 'TCP', 'UDP', 'SCTP', 'tcp', 'HTTP');
/** Now and then a field gets a value of the wrong type: structure rules must cope. */
const anyValue = fc.oneof(
  { maxDepth: 2 },
  fc.constantFrom(null, true, false, 0, -1, 1.5, 'x', '', [], {}, '${VAR}', '{{ .Values.x }}', '\u001b[31m', 'a\nb'),
  fc.jsonValue({ maxDepth: 2 }),
);
const maybeWeird = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 9, arbitrary: arb }, { weight: 1, arbitrary: anyValue });

const containerPort = fc.record(
  { name: maybeWeird(portName), containerPort: maybeWeird(portNumber), protocol: maybeWeird(protocol) },
  { requiredKeys: ['containerPort'] },
);
const probe = fc.record({
  httpGet: fc.record({ path: fc.constant('/healthz'), port: fc.oneof(portName, portNumber) }),
});
const envValue = fc.oneof(
  fc.constantFrom(
    'http://api:8080',
    'api.shop.svc.cluster.local:80',
    'db:5432',
    'redis://cache.default:6379/0',
    'plain',
    'jdbc:postgresql://db.shop:5432/x',
    '--image=postgres:16',
  ),
  fc.tuple(name, namespace, portNumber).map(([n, ns, p]) => `http://${n}${ns ? `.${ns}` : ''}:${p}/path`),
);
const container = fc.record(
  {
    name: maybeWeird(name),
    image: fc.constant('nginx:1.27'),
    ports: maybeWeird(fc.array(containerPort, { maxLength: 3 })),
    env: fc.array(fc.record({ name: fc.constantFrom('API_URL', 'DB_HOST', 'IMAGE', 'X'), value: envValue }), {
      maxLength: 3,
    }),
    args: fc.array(envValue, { maxLength: 2 }),
    livenessProbe: probe,
    readinessProbe: probe,
  },
  { requiredKeys: ['name', 'image'] },
);
const podSpec = fc.record(
  {
    containers: maybeWeird(fc.array(container, { minLength: 1, maxLength: 2 })),
    initContainers: fc.array(
      fc.record({ name: name, image: fc.constant('busybox'), restartPolicy: fc.constantFrom(undefined, 'Always') }),
      { maxLength: 1 },
    ),
    hostNetwork: fc.boolean(),
  },
  { requiredKeys: ['containers'] },
);
const meta = fc.record(
  { name: maybeWeird(name), namespace: namespace, labels: maybeWeird(labels) },
  { requiredKeys: ['name'] },
);
const labelSelector = fc.oneof(
  fc.record({ matchLabels: labels }),
  fc.record({
    matchExpressions: fc.array(
      fc.record({
        key: labelKey,
        operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus'),
        values: fc.array(labelValue, { maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
  }),
);

const workload = fc
  .tuple(
    fc.constantFrom(
      'Deployment',
      'StatefulSet',
      'DaemonSet',
      'ReplicaSet',
      'Job',
      'CronJob',
      'Pod',
      'ReplicationController',
    ),
    meta,
    labels,
    podSpec,
    fc.boolean(),
  )
  .map(([kind, metadata, podLabels, spec, matching]) => {
    const template = { metadata: { labels: podLabels }, spec };
    const selector = matching ? { matchLabels: podLabels } : { matchLabels: { app: 'other' } };
    const apiVersion =
      kind === 'Pod' || kind === 'ReplicationController'
        ? 'v1'
        : kind === 'Job' || kind === 'CronJob'
          ? 'batch/v1'
          : 'apps/v1';
    if (kind === 'Pod') return { apiVersion, kind, metadata: { ...metadata, labels: podLabels }, spec };
    if (kind === 'CronJob')
      return { apiVersion, kind, metadata, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
    if (kind === 'Job') return { apiVersion, kind, metadata, spec: { template } };
    if (kind === 'ReplicationController')
      return { apiVersion, kind, metadata, spec: { selector: podLabels, template } };
    return { apiVersion, kind, metadata, spec: { selector, template, serviceName: 'web', replicas: 2 } };
  });

const servicePort = fc.record(
  {
    name: maybeWeird(portName),
    port: maybeWeird(portNumber),
    targetPort: maybeWeird(fc.oneof(portName, portNumber)),
    protocol: protocol,
    nodePort: fc.oneof(fc.constant(undefined), portNumber),
  },
  { requiredKeys: ['port'] },
);
const service = fc
  .record({
    metadata: meta,
    spec: fc.record(
      {
        type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', 'Bogus'),
        selector: maybeWeird(labels),
        ports: maybeWeird(fc.array(servicePort, { maxLength: 3 })),
        clusterIP: fc.constantFrom(undefined, 'None', '10.0.0.1'),
        externalName: fc.constantFrom(undefined, 'db.example.com', 'not a name', ''),
        externalTrafficPolicy: fc.constantFrom(undefined, 'Local', 'Cluster'),
      },
      { requiredKeys: ['selector', 'ports'] },
    ),
  })
  .map((s) => ({ apiVersion: 'v1', kind: 'Service', ...s }));

const backend = fc.record({
  service: fc.record({ name: name, port: fc.oneof(fc.record({ number: portNumber }), fc.record({ name: portName })) }),
});
const ingress = fc
  .record({
    metadata: meta,
    spec: fc.record(
      {
        ingressClassName: fc.constantFrom(undefined, 'nginx', 'missing'),
        defaultBackend: backend,
        tls: fc.array(
          fc.record({
            hosts: fc.array(fc.constantFrom('a.example.com', '*.example.com', 'BAD_HOST'), { maxLength: 2 }),
            secretName: name,
          }),
          { maxLength: 1 },
        ),
        rules: maybeWeird(
          fc.array(
            fc.record({
              host: fc.constantFrom(undefined, 'a.example.com', '*.x.io', 'Bad Host'),
              http: fc.record({
                paths: fc.array(
                  fc.record({
                    path: fc.constantFrom('/', '/api', 'api', '/a/../b', ''),
                    pathType: fc.constantFrom('Prefix', 'Exact', 'ImplementationSpecific', 'Bogus', undefined),
                    backend,
                  }),
                  {
                    maxLength: 2,
                  },
                ),
              }),
            }),
            { maxLength: 2 },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  })
  .map((i) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', ...i }));

const peer = fc.oneof(
  fc.record({ podSelector: labelSelector }),
  fc.record({ namespaceSelector: labelSelector }),
  fc.record({ namespaceSelector: labelSelector, podSelector: labelSelector }),
  fc.record({
    ipBlock: fc.record({
      cidr: fc.constantFrom('10.0.0.0/8', '0.0.0.0/0', '10.0.0.1/33', 'bogus', '::/0'),
      except: fc.array(fc.constantFrom('10.1.0.0/16', '11.0.0.0/8'), { maxLength: 1 }),
    }),
  }),
  fc.constant({}),
);
const npPort = fc.record(
  { port: fc.oneof(portNumber, portName), protocol: protocol, endPort: fc.oneof(fc.constant(undefined), portNumber) },
  { requiredKeys: [] },
);
const netpol = fc
  .record({
    metadata: meta,
    spec: fc.record(
      {
        podSelector: maybeWeird(labelSelector),
        policyTypes: fc.subarray(['Ingress', 'Egress']),
        ingress: fc.array(
          fc.record(
            { from: fc.array(peer, { maxLength: 2 }), ports: fc.array(npPort, { maxLength: 2 }) },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        egress: fc.array(
          fc.record(
            { to: fc.array(peer, { maxLength: 2 }), ports: fc.array(npPort, { maxLength: 2 }) },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: ['podSelector'] },
    ),
  })
  .map((n) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...n }));

const configMap = fc
  .record({
    metadata: meta,
    data: fc.dictionary(fc.constantFrom('API_URL', 'DB', 'x', '__proto__'), envValue, { maxKeys: 3 }),
  })
  .map((c) => ({ apiVersion: 'v1', kind: 'ConfigMap', ...c }));

const route = fc
  .record({
    metadata: meta,
    spec: fc.record({
      parentRefs: fc.constant([{ name: 'gw' }]),
      rules: fc.array(
        fc.record({
          backendRefs: fc.array(
            fc.record({ name: name, namespace: namespace, port: portNumber }, { requiredKeys: ['name'] }),
            { maxLength: 2 },
          ),
        }),
        { maxLength: 2 },
      ),
    }),
  })
  .map((r) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', ...r }));

const misc = fc.constantFrom(
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } },
  },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' } },
  {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: 'g', namespace: 'shop' },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }],
      to: [{ group: '', kind: 'Service' }],
    },
  },
  {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec: { template: { metadata: { labels: { app: 'web' } } } },
  },
  { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'in-list' } }] },
  'just a string',
  ['a', 'list'],
  { kind: 'Service' },
);

const object = fc.oneof(workload, workload, service, service, ingress, netpol, configMap, route, misc);

/** Drop undefined members (stringify would write them as null). */
const clean = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? 'null');

interface GenFile {
  name: string;
  text: string;
}

const yamlFile = fc
  .tuple(fc.array(object, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean())
  .map(([objs, leading, flow]) => {
    const docs = objs.map((o) => stringify(clean(o), { collectionStyle: flow ? 'flow' : 'any', lineWidth: 0 }));
    return (leading ? '---\n' : '') + docs.join('---\n');
  });
const jsonFile = object.map((o) => `${JSON.stringify(clean(o), null, 2)}\n`);

const slice: fc.Arbitrary<GenFile[]> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: yamlFile.map((t) => ({ ext: 'yaml', text: t })) },
      { weight: 1, arbitrary: jsonFile.map((t) => ({ ext: 'json', text: t })) },
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((files) => files.map((f, i) => ({ name: `f${i}.${f.ext}`, text: f.text })));

// ---------------------------------------------------------------------------------------------
// Mutations

const STRANGE = [
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\t',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '"',
  "'",
  ':',
  '-',
  '#',
  '&a',
  '*a',
  '!',
  '!!binary',
  '%',
  '@',
  '`',
  '{',
  '}',
  '[',
  ']',
  ',',
  '|',
  '>',
  '?',
  '---',
  '...',
  'é',
  '😀',
  '<<: *a',
];

type Mutation = (text: string) => string;
const at = (text: string, f: number) => Math.min(text.length, Math.floor(f * (text.length + 1)));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // A byte flip: one character replaced.
  fc
    .tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.oneof(
        fc.constantFrom(...STRANGE),
        fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      ),
    )
    .map(([f, c]): Mutation => (t) => {
      const i = at(t, f);
      return t.slice(0, i) + c + t.slice(i + 1);
    }),
  // An insertion.
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...STRANGE)).map(([f, c]): Mutation => (t) => {
    const i = at(t, f);
    return t.slice(0, i) + c + t.slice(i);
  }),
  // Truncation (a half-written file).
  fc.double({ min: 0, max: 1, noNaN: true }).map(
    (f): Mutation =>
      (t) =>
        t.slice(0, at(t, f)),
  ),
  // Line edits: duplicate, drop, swap with the next, re-indent.
  fc
    .tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom('dup', 'drop', 'swap', 'indent+', 'indent-', 'tab', 'marker', 'directive'),
    )
    .map(([f, op]): Mutation => (t) => {
      const lines = t.split('\n');
      const i = Math.min(lines.length - 1, Math.floor(f * lines.length));
      switch (op) {
        case 'dup':
          lines.splice(i, 0, lines[i]);
          break;
        case 'drop':
          lines.splice(i, 1);
          break;
        case 'swap':
          if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
          break;
        case 'indent+':
          lines[i] = `  ${lines[i]}`;
          break;
        case 'indent-':
          lines[i] = lines[i].replace(/^ {1,3}/, '');
          break;
        case 'tab':
          lines[i] = `\t${lines[i]}`;
          break;
        case 'marker':
          lines.splice(i, 0, '---');
          break;
        case 'directive':
          lines.splice(i, 0, '%YAML 1.1');
          break;
      }
      return lines.join('\n');
    }),
);

const mutatedSlice = fc
  .tuple(slice, fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 5 }))
  .map(([files, muts]) => {
    const out = files.map((f) => ({ ...f }));
    for (const [n, m] of muts) {
      const f = out[n % out.length];
      f.text = m(f.text);
    }
    return out;
  });

// ---------------------------------------------------------------------------------------------
// Checks

type Loader = (name: string, text: string) => SourceFile;
const LOADERS: [string, Loader][] = [
  ['yaml path', (n, t) => loadText(n, t)],
  ['fast path', (n, t) => loadFast(n, t)],
];

function lintSlice(files: GenFile[], load: Loader): LintResult {
  return lint(
    files.map((f) => load(f.name, f.text)),
    { rules: RULES, settings: SETTINGS },
  );
}

function assertInside(l: { file: SourceFile; range: [number, number] }, what: string): void {
  const { text } = l.file;
  const [s, e] = l.range;
  assert.ok(Number.isInteger(s) && Number.isInteger(e), `${what}: range ${s}-${e}`);
  assert.ok(s >= 0 && s <= e && e <= text.length, `${what}: range ${s}-${e} outside 0-${text.length}`);
  // Lines as the editor counts them: a lone CR ends a line too (CRLF keeps its CR in the line here).
  const lines = text.split(/\n|\r(?!\n)/);
  const start = l.file.position(s);
  const end = l.file.position(e);
  assert.ok(start.line >= 1 && start.line <= lines.length, `${what}: line ${start.line} of ${lines.length}`);
  assert.ok(
    start.column >= 1 && start.column <= lines[start.line - 1].length + 1,
    `${what}: column ${start.column} of line ${start.line}`,
  );
  assert.ok(
    end.line > start.line || (end.line === start.line && end.column >= start.column),
    `${what}: end before start`,
  );
  assert.ok(end.line <= lines.length && end.column <= lines[end.line - 1].length + 1, `${what}: end outside the file`);
  const span = spanOf(l);
  assert.ok(span.endLine > span.line || span.endColumn >= span.column, `${what}: span end before start`);
}

function assertWellFormed(result: LintResult, where: string): void {
  assert.deepEqual(
    result.internalErrors.map((e) => `${e.ruleId}: ${e.error?.stack ?? e.error}`),
    [],
    `${where}: a rule failed`,
  );
  const { findings } = result;
  for (let i = 1; i < findings.length; i++)
    assert.ok(compareFindings(findings[i - 1], findings[i]) <= 0, `${where}: findings not sorted at ${i}`);
  for (const f of [...findings, ...result.suppressed]) {
    const what = `${where}: ${f.ruleId} in ${f.file.path}`;
    assertInside(f, what);
    for (const r of f.related) assertInside(r, `${what} (related)`);
    for (const s of f.suggestions) assertInside(s, `${what} (suggestion)`);
    assert.ok(typeof f.message === 'string' && f.message.length > 0, `${what}: empty message`);
  }
}

function context(result: LintResult, files: number): FormatContext {
  return {
    cwd: '/project',
    root: '/project',
    color: false,
    rules: RULE_META,
    summary: { files, objects: result.model.resources.length },
    suppressed: result.suppressed,
  };
}

function assertFormats(result: LintResult, files: number, where: string): void {
  const ctx = context(result, files);
  const out = Object.fromEntries(Object.entries(FORMATTERS).map(([k, f]) => [k, f(result.findings, ctx)]));
  const json = JSON.parse(out.json) as { findings: unknown[] };
  assert.equal(json.findings.length, result.findings.length, `${where}: json`);
  JSON.parse(out.sarif);
  const parser = new SaxesParser();
  let error: Error | undefined;
  parser.on('error', (e) => (error ??= e));
  parser.write(out.junit).close();
  assert.equal(error, undefined, `${where}: junit: ${error?.message}`);
  for (const line of out.github.trimEnd().split('\n')) {
    if (line.startsWith('::'))
      assert.match(line, /^::(error|warning|notice) [a-zA-Z]+=[^\r\n]*::[^\r\n]*$/, `${where}: github`);
  }
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(out.stylish, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/, `${where}: stylish`);
}

const comparable = (fs: Finding[]) =>
  fs.map((f) => {
    const s = spanOf(f);
    return `${f.file.path} ${s.line}:${s.column}-${s.endLine}:${s.endColumn} ${f.ruleId} ${f.severity} ${f.message}`;
  });

describe('property: the lint pipeline on any text', () => {
  it('generated slices: no exception, no rule failure, sorted findings inside their files, valid formats', () => {
    fc.assert(
      fc.property(slice, (files) => {
        for (const [loader, load] of LOADERS) {
          const result = lintSlice(files, load);
          assertWellFormed(result, loader);
          assertFormats(result, files.length, loader);
        }
      }),
      { numRuns: 60, seed: SEED, includeErrorInReport: true },
    );
  });

  it('mutated slices (flips, truncation, control characters, duplicated lines, indentation): the same', () => {
    fc.assert(
      fc.property(mutatedSlice, (files) => {
        for (const [loader, load] of LOADERS) {
          let result: LintResult | undefined;
          assert.doesNotThrow(() => {
            result = lintSlice(files, load);
          }, loader);
          assertWellFormed(result as LintResult, loader);
          assertFormats(result as LintResult, files.length, loader);
        }
      }),
      { numRuns: 150, seed: SEED + 1, includeErrorInReport: true },
    );
  });

  it('CRLF line endings give the same findings, lines and columns as LF', () => {
    fc.assert(
      fc.property(fc.oneof(slice, mutatedSlice), (files) => {
        const lf = files.map((f) => ({ ...f, text: f.text.replace(/\r\n?/g, '\n') }));
        const crlf = lf.map((f) => ({ ...f, text: f.text.replace(/\n/g, '\r\n') }));
        for (const [loader, load] of LOADERS) {
          assert.deepEqual(
            comparable(lintSlice(crlf, load).findings),
            comparable(lintSlice(lf, load).findings),
            loader,
          );
        }
      }),
      { numRuns: 80, seed: SEED + 2, includeErrorInReport: true },
    );
  });

  it('linting is a pure function of the files: same files in any order, read in path order as the CLI does, same bytes in every format', () => {
    fc.assert(
      fc.property(fc.oneof(slice, mutatedSlice), fc.nat(), (files, k) => {
        const shuffled = [...files.slice(k % files.length), ...files.slice(0, k % files.length)].reverse();
        const byPath = (fs: GenFile[]) => [...fs].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
        const all = (r: LintResult) => Object.values(FORMATTERS).map((f) => f(r.findings, context(r, files.length)));
        for (const [, load] of LOADERS)
          assert.deepEqual(all(lintSlice(byPath(shuffled), load)), all(lintSlice(byPath(files), load)));
      }),
      { numRuns: 40, seed: SEED + 3, includeErrorInReport: true },
    );
  });

  it(
    'the order of the files given to lint() does not change which problems are found (duplicates aside)',
    {
      todo:
        'netpol-blocks-dns (and other messages that list workloads) name them in input order: ' +
        'lint([a, b]) and lint([b, a]) give "isolates Deployment X, Deployment Y" and "…Y, X" (the CLI and the language server sort files by path, so their output is stable)',
    },
    () => {
      fc.assert(
        fc.property(fc.oneof(slice, mutatedSlice), fc.nat(), (files, k) => {
          const rotated = [...files.slice(k % files.length), ...files.slice(0, k % files.length)].reverse();
          // duplicate-object reports every definition after the first, in the order given.
          const problems = (r: LintResult) => {
            const kept = r.findings.filter((f) => f.ruleId !== 'duplicate-object');
            return comparable(kept)
              .map(
                (p, i) =>
                  `${p} | ${kept[i].related
                    .map((x) => `${x.file.path} ${x.range.join('-')} ${x.message}`)
                    .sort()
                    .join(' | ')}`,
              )
              .sort();
          };
          assert.deepEqual(problems(lintSlice(rotated, LOADERS[0][1])), problems(lintSlice(files, LOADERS[0][1])));
        }),
        { numRuns: 40, seed: SEED + 5, includeErrorInReport: true },
      );
    },
  );

  it('long values in any field stay cheap (no super-linear regular expressions or walks)', { timeout: 300_000 }, () => {
    const N = 3000;
    const payloads = [
      'a'.repeat(N),
      '-'.repeat(N),
      'a-'.repeat(N / 2),
      '.'.repeat(N),
      'a.'.repeat(N / 2),
      ':'.repeat(N),
      '1'.repeat(N),
      `http://${'a'.repeat(N)}`,
      '$('.repeat(N / 2),
      '/'.repeat(N),
      '0:'.repeat(N / 2),
      '1.'.repeat(N / 2),
      'a:1,'.repeat(N / 4),
      'a b '.repeat(N / 4),
      '[x'.repeat(N / 2),
    ];
    /** Replace every scalar (and, with `keys`, every key) of one document by the payload. */
    const fill = (v: unknown, p: string, keys: boolean, depth = 0): unknown => {
      if (Array.isArray(v)) return v.map((x) => fill(x, p, keys, depth + 1));
      if (v && typeof v === 'object') {
        return Object.fromEntries(
          Object.entries(v).map(([k, x]) => [
            keys && depth > 0 && k !== 'metadata' && k !== 'spec' ? `${k}${p}` : k,
            depth === 0 && (k === 'apiVersion' || k === 'kind') ? x : fill(x, p, keys, depth + 1),
          ]),
        );
      }
      return typeof v === 'string' || typeof v === 'number' ? p : v;
    };
    fc.assert(
      fc.property(
        fc.array(object, { minLength: 2, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom(...payloads),
        fc.boolean(),
        (objs, k, payload, keys) => {
          const i = k % objs.length;
          const docs = objs.map((o, j) => clean(j === i ? fill(clean(o), payload, keys) : o));
          const text = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
          // A super-linear expression or walk on these payloads runs for minutes: the test's timeout
          // is the hang guard; the time itself is the bench's to measure.
          assertWellFormed(lintSlice([{ name: 'long.yaml', text }], LOADERS[1][1]), 'long values');
        },
      ),
      { numRuns: 60, seed: SEED + 4, includeErrorInReport: true },
    );
  });

  it('long values in container args and env stay cheap', { timeout: 60_000 }, () => {
    const value = '-image'.repeat(683);
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          env: [{name: A, value: "${value}"}, {name: B, value: "${value}"}]\n`;
    assertWellFormed(lintSlice([{ name: 'redos.yaml', text }], LOADERS[1][1]), 'redos');
  });
});
