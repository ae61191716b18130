import type { Rule } from '../src/engine/types.js';
import anpPriorityConflict from './anp-priority-conflict.js';
import ciliumPolicyInvalid from './cilium-policy-invalid.js';
import containerPortInvalid from './container-port-invalid.js';
import duplicateObject from './duplicate-object.js';
import ingressBackendMissing from './ingress-backend-missing.js';
import ingressBackendUnreachable from './ingress-backend-unreachable.js';
import ingressClassMissing from './ingress-class-missing.js';
import ingressPathConflict from './ingress-path-conflict.js';
import ingressPathInvalid from './ingress-path-invalid.js';
import ingressTlsSecretMissing from './ingress-tls-secret-missing.js';
import manifestStructure from './manifest-structure.js';
import netpolBlocksDns from './netpol-blocks-dns.js';
import netpolBlocksIngressBackend from './netpol-blocks-ingress-backend.js';
import netpolBlocksMonitoring from './netpol-blocks-monitoring.js';
import netpolBlocksServiceReference from './netpol-blocks-service-reference.js';
import netpolInvalidPeer from './netpol-invalid-peer.js';
import netpolNotAnalysed from './netpol-not-analysed.js';
import netpolPeerSelectsNothing from './netpol-peer-selects-nothing.js';
import netpolPortUnresolved from './netpol-port-unresolved.js';
import netpolSelectsNoPods from './netpol-selects-no-pods.js';
import probePortUnresolved from './probe-port-unresolved.js';
import routeBackendMissing from './route-backend-missing.js';
import routeNotAccepted from './route-not-accepted.js';
import routeParentMissing from './route-parent-missing.js';
import gatewayListenerConflict from './gateway-listener-conflict.js';
import gatewayClassMissing from './gateway-class-missing.js';
import gatewayTlsSecretMissing from './gateway-tls-secret-missing.js';
import monitorSelectsNoService from './monitor-selects-no-service.js';
import monitorPortUnresolved from './monitor-port-unresolved.js';
import rolloutServiceInvalid from './rollout-service-invalid.js';
import istioHostUnresolved from './istio-host-unresolved.js';
import istioSubsetUnresolved from './istio-subset-unresolved.js';
import serviceExternalNameInvalid from './service-external-name-invalid.js';
import serviceNodePortConflict from './service-node-port-conflict.js';
import serviceNodePortRange from './service-node-port-range.js';
import serviceNodePortType from './service-node-port-type.js';
import servicePortInvalid from './service-port-invalid.js';
import serviceReferenceUnresolved from './service-reference-unresolved.js';
import serviceSelectorNoPods from './service-selector-no-pods.js';
import serviceTargetPortUndeclared from './service-target-port-undeclared.js';
import serviceTargetPortUnresolved from './service-target-port-unresolved.js';
import workloadSelectorMismatch from './workload-selector-mismatch.js';
import yamlSyntax from './yaml-syntax.js';
import suppressionUnknownRule from './suppression-unknown-rule.js';

/** Every rule, in a stable order. Adding a rule: a module here, docs/rules/<id>.md, test-fixtures/<id>/. */
export const RULES: readonly Rule[] = [
  yamlSyntax,
  manifestStructure,
  duplicateObject,
  serviceSelectorNoPods,
  serviceTargetPortUnresolved,
  serviceTargetPortUndeclared,
  servicePortInvalid,
  serviceNodePortRange,
  serviceNodePortConflict,
  serviceNodePortType,
  serviceExternalNameInvalid,
  workloadSelectorMismatch,
  containerPortInvalid,
  probePortUnresolved,
  ingressBackendMissing,
  ingressBackendUnreachable,
  ingressPathInvalid,
  ingressPathConflict,
  ingressTlsSecretMissing,
  ingressClassMissing,
  routeBackendMissing,
  routeNotAccepted,
  routeParentMissing,
  gatewayListenerConflict,
  gatewayClassMissing,
  gatewayTlsSecretMissing,
  monitorSelectsNoService,
  monitorPortUnresolved,
  rolloutServiceInvalid,
  istioHostUnresolved,
  istioSubsetUnresolved,
  serviceReferenceUnresolved,
  netpolSelectsNoPods,
  netpolPeerSelectsNothing,
  netpolPortUnresolved,
  netpolInvalidPeer,
  netpolNotAnalysed,
  netpolBlocksDns,
  netpolBlocksIngressBackend,
  netpolBlocksMonitoring,
  netpolBlocksServiceReference,
  suppressionUnknownRule,
  anpPriorityConflict,
  ciliumPolicyInvalid,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));
