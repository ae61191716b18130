import { defineRule } from '../src/engine/types.js';
import { q } from '../src/engine/text.js';
import { madeAtRunTime } from '../src/graph/run-time-pods.js';
import { formatSelector, labelledMap, matches } from '../src/model/selector.js';

const NAME_LABEL = 'kubernetes.io/metadata.name';
/** Namespaces every cluster has. */
const WELL_KNOWN = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export default defineRule(
  {
    id: 'netpol-peer-selects-nothing',
    severity: 'warning',
    description:
      'A NetworkPolicy peer whose namespaceSelector matches no namespace, or whose podSelector matches no pod in namespaces whose workloads are part of the input.',
  },
  (ctx) => {
    // Without NetworkPolicies nothing is isolated and nothing blocked.
    if (ctx.model.networkPolicies.length === 0) return;
    const engine = ctx.policy;
    for (const np of ctx.model.networkPolicies) {
      for (const rule of np.activeRules()) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'selector') continue;
          let namespaces: string[];
          if (peer.namespaceSelector) {
            namespaces = engine.namespacesMatching(peer.namespaceSelector);
            // Namespaces named by kubernetes.io/metadata.name exist even when the input does not
            // define them (they carry that label only), as do the namespaces of every cluster.
            const named = new Set<string>(WELL_KNOWN);
            for (const [k, v] of peer.namespaceSelector.matchLabels) if (k === NAME_LABEL) named.add(v);
            for (const e of peer.namespaceSelector.expressions) if (e.key === NAME_LABEL && e.op === 'In') e.values.forEach((v) => named.add(v));
            for (const ns of named) {
              if (!namespaces.includes(ns) && matches(peer.namespaceSelector, labelledMap(new Map([[NAME_LABEL, ns]])))) namespaces.push(ns);
            }
            namespaces = namespaces.filter((ns) => !ns.startsWith('{'));
            if (namespaces.length === 0) {
              ctx.report({
                at: np.res.at(...peer.path, 'namespaceSelector'),
                object: np.res,
                message: `${np.res.displayShort}: namespaceSelector ${formatSelector(peer.namespaceSelector)} matches no namespace (namespace labels come from the Namespace objects of the input; every namespace also has ${NAME_LABEL})`,
              });
              continue;
            }
          } else {
            namespaces = [np.namespace];
          }
          if (!peer.podSelector) continue;
          // Judge pods only where the input shows a namespace's workloads.
          if (namespaces.some((ns) => ctx.graph.pods.all(ns).length === 0)) continue;
          const sel = peer.podSelector;
          // Pods an operator labels from a custom resource are as real as a workload's.
          if (namespaces.some((ns) => ctx.graph.select(ns, sel).length > 0 || ctx.graph.operatorMatches(ns, sel).length > 0)) continue;
          let made: ReturnType<typeof madeAtRunTime>;
          for (const ns of namespaces) if ((made = madeAtRunTime(ctx.graph, ns, sel))) break;
          if (made) {
            ctx.report({
              at: np.res.at(...peer.path, 'podSelector'),
              object: np.res,
              severity: 'info',
              message: `${np.res.displayShort}: podSelector ${formatSelector(sel)} matches no pod template of the input, but ${made.text}`,
              related: [made.related],
            });
            continue;
          }
          const where = namespaces.length === 1 ? `namespace ${q(namespaces[0])}` : `${namespaces.length} namespaces`;
          ctx.report({
            at: np.res.at(...peer.path, 'podSelector'),
            object: np.res,
            message: `${np.res.displayShort}: podSelector ${formatSelector(sel)} matches no pod in ${where}, so this ${rule.direction} peer admits nothing`,
          });
        }
      }
    }
  },
);
