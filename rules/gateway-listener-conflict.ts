import { defineRule } from '../src/engine/types.js';
import { q } from '../src/util/text.js';
import type { Listener } from '../src/model/gateway.js';

/**
 * Listeners of one port must be distinct: HTTP listeners by hostname, HTTPS and TLS listeners by
 * hostname, TCP and UDP listeners by protocol. Other mixes of TCP-based protocols cannot share a port.
 */
const FAMILY: ReadonlyMap<string, string> = new Map([
  ['HTTP', 'HTTP'],
  ['HTTPS', 'TLS'],
  ['TLS', 'TLS'],
  ['TCP', 'TCP'],
  ['UDP', 'UDP'],
]);

const hostOf = (l: Listener) => (l.protocol === 'TCP' || l.protocol === 'UDP' ? '' : (l.hostname ?? '').toLowerCase());

export default defineRule(
  {
    id: 'gateway-listener-conflict',
    severity: 'error',
    description:
      'Two listeners of a Gateway share a name, or a port with the same hostname, ' +
      'or a port with protocols that cannot share it (the controller marks them Conflicted and does not serve them).',
  },
  (ctx) => {
    for (const gw of ctx.model.gateways) {
      if (gw.res.superseded) continue;
      const seenNames = new Map<string, Listener>();
      const seen: Listener[] = [];
      for (const l of gw.listeners) {
        const sameName = seenNames.get(l.name);
        if (sameName) {
          ctx.report({
            at: gw.res.at(...l.path, 'name'),
            object: gw.res,
            message:
              `${gw.res.displayShort}: listener name ${q(l.name)} is used twice; ` +
              `listener names must be unique within a Gateway (the API server refuses the Gateway)`,
            related: [{ at: gw.res.at(...sameName.path, 'name'), message: 'first listener of that name' }],
          });
        } else seenNames.set(l.name, l);
        const family = FAMILY.get(l.protocol);
        if (l.port === undefined || family === undefined) {
          seen.push(l);
          continue;
        }
        for (const other of seen) {
          const otherFamily = FAMILY.get(other.protocol);
          if (other.port !== l.port || otherFamily === undefined) continue;
          let why: string | undefined;
          if (otherFamily !== family) {
            // TCP and UDP share a port number without meeting.
            if (family === 'UDP' || otherFamily === 'UDP') continue;
            why = `protocols ${other.protocol} and ${l.protocol} cannot share port ${l.port} (ProtocolConflict)`;
          } else if (hostOf(other) === hostOf(l)) {
            why =
              family === 'TCP' || family === 'UDP'
                ? `two ${l.protocol} listeners on port ${l.port} cannot be told apart (HostnameConflict)`
                : `both listen on port ${l.port} for ${
                    l.hostname ? `hostname ${q(l.hostname)}` : 'every hostname'
                  } (HostnameConflict)`;
          }
          if (!why) continue;
          ctx.report({
            at: gw.res.at(...l.path, 'port'),
            object: gw.res,
            message:
              `${gw.res.displayShort}: listeners ${q(other.name)} and ${q(l.name)} conflict: ${why}; ` +
              `the controller marks them Conflicted and routes attached to them get no traffic`,
            related: [{ at: gw.res.at(...other.path), message: `listener ${q(other.name)}` }],
          });
          break;
        }
        seen.push(l);
      }
    }
  },
);
