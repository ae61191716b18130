/**
 * JSON Schemas of the fields kube-netlint analyses. They check types (and a few closed sets of
 * values); value ranges that have their own rule (ports, nodePorts) are checked by those rules.
 * Objects with a closed, stable field list (ports, selectors) reject unknown fields, as the API
 * server's strict field validation does.
 *
 * They are not compiled at run time: `npm run gen:validators` (scripts/gen-validators.ts) turns
 * them into ajv standalone code, committed as ./validators.generated.ts, so a run never loads the
 * ajv compiler. test/model/validators.test.ts fails when that file is stale: after editing a schema, run
 * `npm run gen:validators` (it builds, generates and builds again).
 *
 * Every property a schema lists as `required` must have a type that excludes null: validation
 * relies on it (see `validateStructure` in ./schema.ts), and the generator checks it.
 */
import { policySchemas } from './schema-policies.js';

/**
 * The pieces several kinds share live in one schema of their own (`STRUCTURE_DEFS`), which the kinds
 * refer to: the generated validators hold each piece once.
 */
export const STRUCTURE_DEFS_ID = 'kube-netlint-structure-defs';
const ref = (name: string) => ({ $ref: `${STRUCTURE_DEFS_ID}#/$defs/${name}` });

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const intOrString = { type: ['integer', 'string'] };

const labelSelectorDef = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: stringMap,
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const labelSelector = ref('labelSelector');

const metadataDef = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: stringMap,
    annotations: stringMap,
  },
};

const metadata = ref('metadata');

const handlerPort = { type: 'object', properties: { port: intOrString } };
const probe = {
  type: 'object',
  properties: {
    httpGet: {
      type: 'object',
      properties: { port: intOrString, path: { type: 'string' }, scheme: { enum: ['HTTP', 'HTTPS'] } },
    },
    tcpSocket: handlerPort,
    grpc: { type: 'object', properties: { port: { type: 'integer' }, service: { type: 'string' } } },
    initialDelaySeconds: { type: 'integer' },
    periodSeconds: { type: 'integer' },
    timeoutSeconds: { type: 'integer' },
    successThreshold: { type: 'integer' },
    failureThreshold: { type: 'integer' },
  },
};

const container = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    image: { type: 'string' },
    command: { type: 'array', items: { type: 'string' } },
    args: { type: 'array', items: { type: 'string' } },
    restartPolicy: { type: 'string' },
    ports: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['containerPort'],
        properties: {
          name: { type: 'string' },
          containerPort: { type: 'integer' },
          protocol: { type: 'string' },
          hostPort: { type: 'integer' },
          hostIP: { type: 'string' },
        },
      },
    },
    env: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' }, value: { type: 'string' }, valueFrom: { type: 'object' } },
      },
    },
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
  },
};

const podSpecDef = {
  type: 'object',
  properties: {
    containers: { type: 'array', items: ref('container') },
    initContainers: { type: 'array', items: ref('container') },
    hostNetwork: { type: 'boolean' },
    serviceAccountName: { type: 'string' },
  },
};

const podSpec = ref('podSpec');

const podTemplate = { type: 'object', properties: { metadata, spec: podSpec } };

const object = (spec?: object, extra: Record<string, object> = {}) => ({
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata,
    ...(spec ? { spec } : {}),
    ...extra,
  },
});

const controllerSpec = (extra: Record<string, object> = {}) => ({
  type: 'object',
  properties: { replicas: { type: 'integer' }, selector: labelSelector, template: podTemplate, ...extra },
});

const servicePort = {
  type: 'object',
  additionalProperties: false,
  required: ['port'],
  properties: {
    name: { type: 'string' },
    protocol: { type: 'string' },
    appProtocol: { type: 'string' },
    port: { type: 'integer' },
    targetPort: intOrString,
    nodePort: { type: 'integer' },
  },
};

/** The schema of each kind (by `structureSchemaKey`), or `generic`. Shared with the generator. */
const POLICY = policySchemas(ref, object);

export const STRUCTURE_SCHEMAS: Readonly<Record<string, object>> = {
  generic: object(),
  Pod: object(podSpec),
  Deployment: object(ref('controllerSpec')),
  ReplicaSet: object(ref('controllerSpec')),
  DaemonSet: object(ref('controllerSpec')),
  StatefulSet: object(controllerSpec({ serviceName: { type: 'string' } })),
  ReplicationController: object({
    type: 'object',
    properties: { replicas: { type: 'integer' }, selector: stringMap, template: podTemplate },
  }),
  Job: object({
    type: 'object',
    properties: { selector: labelSelector, template: podTemplate, completionMode: { enum: ['NonIndexed', 'Indexed'] } },
  }),
  CronJob: object({
    type: 'object',
    properties: {
      schedule: { type: 'string' },
      jobTemplate: {
        type: 'object',
        properties: { metadata, spec: { type: 'object', properties: { template: podTemplate } } },
      },
    },
  }),
  Service: object({
    type: 'object',
    properties: {
      type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] },
      selector: stringMap,
      ports: { type: 'array', items: servicePort },
      clusterIP: { type: 'string' },
      clusterIPs: { type: 'array', items: { type: 'string' } },
      externalName: { type: 'string' },
      sessionAffinity: { enum: ['None', 'ClientIP'] },
      externalTrafficPolicy: { enum: ['Cluster', 'Local'] },
      internalTrafficPolicy: { enum: ['Cluster', 'Local'] },
      loadBalancerSourceRanges: { type: 'array', items: { type: 'string' } },
      publishNotReadyAddresses: { type: 'boolean' },
      healthCheckNodePort: { type: 'integer' },
    },
  }),
  Ingress: object({
    type: 'object',
    properties: {
      ingressClassName: { type: 'string' },
      defaultBackend: ref('backend'),
      backend: ref('backend'),
      rules: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            host: { type: 'string' },
            http: {
              type: 'object',
              properties: {
                paths: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { path: { type: 'string' }, pathType: { type: 'string' }, backend: ref('backend') },
                  },
                },
              },
            },
          },
        },
      },
      tls: {
        type: 'array',
        items: {
          type: 'object',
          properties: { hosts: { type: 'array', items: { type: 'string' } }, secretName: { type: 'string' } },
        },
      },
    },
  }),
  NetworkPolicy: object({
    type: 'object',
    properties: {
      podSelector: labelSelector,
      policyTypes: { type: 'array', items: { enum: ['Ingress', 'Egress'] } },
      ingress: { type: 'array', items: ref('netpolRule') },
      egress: { type: 'array', items: ref('netpolRule') },
    },
  }),
  Endpoints: object(undefined, {
    subsets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          addresses: { type: 'array', items: { type: 'object', properties: { ip: { type: 'string' } } } },
          ports: {
            type: 'array',
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, port: { type: 'integer' }, protocol: { type: 'string' } },
            },
          },
        },
      },
    },
  }),
  EndpointSlice: object(undefined, {
    addressType: { type: 'string' },
    ports: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, port: { type: ['integer', 'null'] }, protocol: { type: 'string' } },
      },
    },
    endpoints: {
      type: 'array',
      items: { type: 'object', properties: { addresses: { type: 'array', items: { type: 'string' } } } },
    },
  }),
  ...POLICY.schemas,
};

// Shared definitions, merged into every schema that refers to them.
const netpolPeer = {
  type: 'object',
  additionalProperties: false,
  properties: {
    podSelector: labelSelector,
    namespaceSelector: labelSelector,
    ipBlock: {
      type: 'object',
      additionalProperties: false,
      required: ['cidr'],
      properties: { cidr: { type: 'string' }, except: { type: 'array', items: { type: 'string' } } },
    },
  },
};
const netpolPort = {
  type: 'object',
  additionalProperties: false,
  properties: { protocol: { type: 'string' }, port: intOrString, endPort: { type: 'integer' } },
};
const DEFS = {
  ...POLICY.defs,
  controllerSpec: controllerSpec(),
  metadata: metadataDef,
  labelSelector: labelSelectorDef,
  podSpec: podSpecDef,
  container,
  netpolRule: {
    type: 'object',
    additionalProperties: false,
    properties: {
      from: { type: 'array', items: netpolPeer },
      to: { type: 'array', items: netpolPeer },
      ports: { type: 'array', items: netpolPort },
    },
  },
  backend: {
    type: 'object',
    properties: {
      service: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          port: { type: 'object', properties: { number: { type: 'integer' }, name: { type: 'string' } } },
        },
      },
      serviceName: { type: 'string' },
      servicePort: intOrString,
    },
  },
};
/** The shared pieces, as the schema every kind refers to (add it to ajv before the kinds). */
export const STRUCTURE_DEFS: { $id: string; $defs: Record<string, object> } = { $id: STRUCTURE_DEFS_ID, $defs: DEFS };

/** The ajv options the validators are generated with (the generator and the tests use them). */
export const STRUCTURE_AJV_OPTIONS = {
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  inlineRefs: false,
} as const;
