/**
 * Generators of the property tests (fast-check): cluster slices (workloads, Services, Ingresses,
 * routes, NetworkPolicies, ConfigMaps, with fields of every type now and then) written as YAML or
 * JSON, and mutations of their text as editors and accidents make them (byte flips, truncation,
 * inserted control characters, duplicated and dropped lines, indentation changes, stray markers).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

// ---------------------------------------------------------------------------------------------
// Generated manifests

export const name = fc.constantFrom('web', 'api', 'db', 'cache', 'front-end', 'x', 'Web', 'a.b', '');
export const namespace = fc.constantFrom(undefined, 'default', 'shop', 'kube-system', '');
export const labelKey = fc.constantFrom(
  'app',
  'tier',
  'version',
  'app.kubernetes.io/name',
  'k8s-app',
  '__proto__',
  'constructor',
);
export const labelValue = fc.constantFrom('web', 'api', 'db', 'v1', 'kube-dns', 'x', '');
export const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
export const portName = fc.constantFrom('http', 'grpc', 'metrics', 'dns', 'HTTP', 'a-very-long-port-name', '');
export const portNumber = fc.oneof(
  fc.constantFrom(53, 80, 443, 8080, 9090, 30080, 0, 65536, -1),
  fc.integer({ min: 1, max: 65535 }),
);
export const protocol = fc.constantFrom(undefined, 'TCP', 'UDP', 'SCTP', 'tcp', 'HTTP');
/** Now and then a field gets a value of the wrong type: structure rules must cope. */
export const anyValue = fc.oneof(
  { maxDepth: 2 },
  fc.constantFrom(null, true, false, 0, -1, 1.5, 'x', '', [], {}, '${VAR}', '{{ .Values.x }}', '\u001b[31m', 'a\nb'),
  fc.jsonValue({ maxDepth: 2 }),
);
export const maybeWeird = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 9, arbitrary: arb }, { weight: 1, arbitrary: anyValue });

export const containerPort = fc.record(
  { name: maybeWeird(portName), containerPort: maybeWeird(portNumber), protocol: maybeWeird(protocol) },
  { requiredKeys: ['containerPort'] },
);
export const probe = fc.record({
  httpGet: fc.record({ path: fc.constant('/healthz'), port: fc.oneof(portName, portNumber) }),
});
export const envValue = fc.oneof(
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
export const container = fc.record(
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
export const podSpec = fc.record(
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
export const meta = fc.record(
  { name: maybeWeird(name), namespace: namespace, labels: maybeWeird(labels) },
  { requiredKeys: ['name'] },
);
export const labelSelector = fc.oneof(
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

export const workload = fc
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

export const servicePort = fc.record(
  {
    name: maybeWeird(portName),
    port: maybeWeird(portNumber),
    targetPort: maybeWeird(fc.oneof(portName, portNumber)),
    protocol: protocol,
    nodePort: fc.oneof(fc.constant(undefined), portNumber),
  },
  { requiredKeys: ['port'] },
);
export const service = fc
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

export const backend = fc.record({
  service: fc.record({ name: name, port: fc.oneof(fc.record({ number: portNumber }), fc.record({ name: portName })) }),
});
export const ingress = fc
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

export const peer = fc.oneof(
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
export const npPort = fc.record(
  { port: fc.oneof(portNumber, portName), protocol: protocol, endPort: fc.oneof(fc.constant(undefined), portNumber) },
  { requiredKeys: [] },
);
export const netpol = fc
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

export const configMap = fc
  .record({
    metadata: meta,
    data: fc.dictionary(fc.constantFrom('API_URL', 'DB', 'x', '__proto__'), envValue, { maxKeys: 3 }),
  })
  .map((c) => ({ apiVersion: 'v1', kind: 'ConfigMap', ...c }));

export const route = fc
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

export const misc = fc.constantFrom(
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

export const object = fc.oneof(workload, workload, service, service, ingress, netpol, configMap, route, misc);

/** Drop undefined members (stringify would write them as null). */
export const clean = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? 'null');

export interface GenFile {
  name: string;
  text: string;
}

export const yamlFile = fc
  .tuple(fc.array(object, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean())
  .map(([objs, leading, flow]) => {
    const docs = objs.map((o) => stringify(clean(o), { collectionStyle: flow ? 'flow' : 'any', lineWidth: 0 }));
    return (leading ? '---\n' : '') + docs.join('---\n');
  });
export const jsonFile = object.map((o) => `${JSON.stringify(clean(o), null, 2)}\n`);

export const slice: fc.Arbitrary<GenFile[]> = fc
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

export const STRANGE = [
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

export type Mutation = (text: string) => string;
export const at = (text: string, f: number) => Math.min(text.length, Math.floor(f * (text.length + 1)));

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
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

export const mutatedSlice = fc
  .tuple(slice, fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 5 }))
  .map(([files, muts]) => {
    const out = files.map((f) => ({ ...f }));
    for (const [n, m] of muts) {
      const f = out[n % out.length];
      f.text = m(f.text);
    }
    return out;
  });
