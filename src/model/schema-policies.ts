/**
 * Structure schemas of the policy kinds beyond NetworkPolicy: AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1), ClusterNetworkPolicy (v1alpha2),
 * CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2), and OpenShift Route
 * (route.openshift.io/v1), after the projects' CRDs: the fields the analysis reads, with closed
 * field lists where the CRDs have them (so a misspelt field is reported, not silently ignored).
 * Part of STRUCTURE_SCHEMAS (src/model/schema-kinds.ts), compiled by `npm run gen:validators`.
 */

type Ref = (name: string) => object;

/** The shared pieces (added to the structure defs) and the schemas of the kinds. */
export function policySchemas(
  ref: Ref,
  object: (spec?: object) => object,
): { defs: Record<string, object>; schemas: Record<string, object> } {
  const defs: Record<string, object> = {};
  const shared = (name: string, schema: object) => {
    defs[name] = schema;
    return ref(name);
  };
  const labelSelector = ref('labelSelector');
  const closed = (properties: Record<string, object>, required: string[] = []) => ({
    type: 'object',
    additionalProperties: false,
    properties,
    ...(required.length ? { required } : {}),
  });
  const strings = { type: 'array', items: { type: 'string' } };
  const subject = shared(
    'adminSubject',
    closed({
      namespaces: labelSelector,
      pods: closed({ namespaceSelector: labelSelector, podSelector: labelSelector }, [
        'namespaceSelector',
        'podSelector',
      ]),
    }),
  );
  const podPeer = shared(
    'adminPodPeer',
    closed({ namespaceSelector: labelSelector, podSelector: labelSelector }, ['namespaceSelector', 'podSelector']),
  );
  // v1alpha1 ports, and v1alpha2 protocols.
  const portsV1 = shared('adminPorts', {
    type: 'array',
    items: closed({
      portNumber: closed({ protocol: { enum: ['TCP', 'UDP', 'SCTP'] }, port: { type: 'integer' } }, [
        'protocol',
        'port',
      ]),
      namedPort: { type: 'string' },
      portRange: closed(
        { protocol: { enum: ['TCP', 'UDP', 'SCTP'] }, start: { type: 'integer' }, end: { type: 'integer' } },
        ['start', 'end'],
      ),
    }),
  });
  const destination = closed({
    destinationPort: closed({
      number: { type: 'integer' },
      range: closed({ start: { type: 'integer' }, end: { type: 'integer' } }, ['start', 'end']),
    }),
  });
  const dest = shared('cnpDestination', destination);
  const protocols = shared('cnpProtocols', {
    type: 'array',
    items: closed({ tcp: dest, udp: dest, sctp: dest, destinationNamedPort: { type: 'string' } }),
  });
  const adminRule = (actions: string[], peer: object, peerKey: 'from' | 'to', v2: boolean) =>
    closed(
      {
        name: { type: 'string' },
        action: { enum: actions },
        [peerKey]: { type: 'array', items: peer },
        ...(v2 ? { protocols } : { ports: portsV1 }),
      },
      ['action', peerKey],
    );
  const ingressPeer = shared('adminIngressPeer', closed({ namespaces: labelSelector, pods: podPeer }));
  const egressPeer = (v2: boolean) =>
    closed({
      namespaces: labelSelector,
      pods: podPeer,
      nodes: labelSelector,
      networks: strings,
      ...(v2 ? { domainNames: strings } : {}),
    });
  const adminSpec = (actions: string[], extra: Record<string, object>, required: string[], v2 = false) => ({
    ...closed(
      {
        ...extra,
        subject,
        ingress: { type: 'array', items: adminRule(actions, ingressPeer, 'from', v2) },
        egress: { type: 'array', items: adminRule(actions, egressPeer(v2), 'to', v2) },
      },
      required,
    ),
  });

  // Cilium: a rule (spec or specs[i]) and its sections.
  const ciliumSelector = labelSelector;
  const ciliumPorts = shared('ciliumPorts', {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        ports: {
          type: 'array',
          items: closed({
            port: { type: ['string', 'integer'] },
            endPort: { type: 'integer' },
            protocol: { type: 'string' },
          }),
        },
        rules: { type: 'object' },
        terminatingTLS: { type: 'object' },
        originatingTLS: { type: 'object' },
        serverNames: strings,
        listener: { type: 'object' },
      },
      additionalProperties: false,
    },
  });
  const cidrSet = {
    type: 'array',
    items: closed({
      cidr: { type: 'string' },
      except: strings,
      cidrGroupRef: { type: 'string' },
      cidrGroupSelector: labelSelector,
    }),
  };
  const section = (dir: 'from' | 'to', deny: boolean) =>
    closed({
      [`${dir}Endpoints`]: { type: 'array', items: ciliumSelector },
      [`${dir}Requires`]: { type: 'array', items: ciliumSelector },
      [`${dir}Entities`]: strings,
      [`${dir}CIDR`]: strings,
      [`${dir}CIDRSet`]: cidrSet,
      [`${dir}Groups`]: { type: 'array', items: { type: 'object' } },
      [`${dir}Nodes`]: { type: 'array', items: ciliumSelector },
      ...(dir === 'to'
        ? {
            toServices: { type: 'array', items: { type: 'object' } },
            ...(deny
              ? {}
              : {
                  toFQDNs: {
                    type: 'array',
                    items: closed({ matchName: { type: 'string' }, matchPattern: { type: 'string' } }),
                  },
                }),
          }
        : {}),
      toPorts: ciliumPorts,
      icmps: { type: 'array', items: { type: 'object' } },
      ...(deny ? {} : { authentication: { type: 'object' } }),
    });
  const ciliumRule = shared(
    'ciliumRule',
    closed({
      endpointSelector: ciliumSelector,
      nodeSelector: ciliumSelector,
      // Deny sections have the same fields but toFQDNs and authentication: one schema per direction
      // (smaller generated code) accepts those there too; the agent ignores them.
      ingress: { type: 'array', items: shared('ciliumIngress', section('from', false)) },
      ingressDeny: { type: 'array', items: ref('ciliumIngress') },
      egress: { type: 'array', items: shared('ciliumEgress', section('to', false)) },
      egressDeny: { type: 'array', items: ref('ciliumEgress') },
      enableDefaultDeny: closed({ ingress: { type: 'boolean' }, egress: { type: 'boolean' } }),
      description: { type: 'string' },
      labels: { type: 'array' },
      log: { type: 'object' },
    }),
  );
  const cilium = {
    ...object(ciliumRule),
    properties: {
      ...(object(ciliumRule) as { properties: object }).properties,
      specs: { type: 'array', items: ciliumRule },
    },
  };

  const routeTarget = closed({ kind: { type: 'string' }, name: { type: 'string' }, weight: { type: 'integer' } }, [
    'name',
  ]);
  const schemas = {
    AdminNetworkPolicy: object(
      adminSpec(['Allow', 'Deny', 'Pass'], { priority: { type: 'integer' } }, ['priority', 'subject']),
    ),
    BaselineAdminNetworkPolicy: object(adminSpec(['Allow', 'Deny'], {}, ['subject'])),
    ClusterNetworkPolicy: object(
      adminSpec(
        ['Accept', 'Deny', 'Pass'],
        { tier: { enum: ['Admin', 'Baseline'] }, priority: { type: 'integer' } },
        ['tier', 'priority', 'subject'],
        true,
      ),
    ),
    CiliumNetworkPolicy: cilium,
    Route: object({
      type: 'object',
      properties: {
        host: { type: 'string' },
        path: { type: 'string' },
        to: routeTarget,
        alternateBackends: { type: 'array', items: routeTarget },
        port: closed({ targetPort: { type: ['integer', 'string'] } }, ['targetPort']),
        tls: {
          type: 'object',
          properties: {
            termination: { enum: ['edge', 'passthrough', 'reencrypt'] },
            insecureEdgeTerminationPolicy: { enum: ['Allow', 'None', 'Redirect', ''] },
          },
        },
        wildcardPolicy: { enum: ['None', 'Subdomain'] },
      },
    }),
  };
  return { defs, schemas };
}

/** The schema of a policy kind of this file, if the object is one. */
export function policySchemaKey(group: string, kind: string): string | undefined {
  if (
    group === 'policy.networking.k8s.io' &&
    (kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy' || kind === 'ClusterNetworkPolicy')
  )
    return kind;
  if (group === 'cilium.io' && (kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy'))
    return 'CiliumNetworkPolicy';
  if (group === 'route.openshift.io' && kind === 'Route') return 'Route';
  return undefined;
}
