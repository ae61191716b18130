/** `kube-netlint connectivity`: every allowed connection. */
import { checkOutputFile } from '../../load/out-path.js';
import { INGRESS_CONTROLLER } from '../../policy/engine.js';
import type { Connection } from '../../policy/engine.js';
import { CONNECTIVITY_FORMATS, formatConnectivity } from '../../policy/report.js';
import { parseCommandLine, write } from '../io.js';
import type { Command, Io } from '../io.js';
import { findWorkload, parsePortQuery, portNameFilter } from '../resolve.js';
import { startProgress } from '../progress.js';
import type { PortQuery } from '../resolve.js';
import { NETWORK_OPTIONS, NETWORK_OPTIONS_HELP, checkFormat, loadSlice } from '../slice.js';
import type { LoadedSlice } from '../slice.js';

const SUMMARY = `  kube-netlint connectivity [options] <paths...>
      Every allowed connection between workloads, with external IP ranges, and from the
      ingress controller to Ingress backends. Formats: txt (default), json, csv, md, dot.
      --focus <workload>   only connections from or to this workload (ns/name, name or ns/name[Kind])
      --port <port|name[/proto]>
                           only connections that allow this port (protocol TCP unless given)
`;

const HELP = `Usage: kube-netlint connectivity [options] <paths...>

Every allowed connection between workloads, with external IP ranges, and from the ingress
controller to Ingress backends: one line per connection, src => dst : conn.

Options:
      --focus <workload>   Only connections from or to this workload (ns/name, name or ns/name[Kind])
      --port <port|name[/proto]> Only connections that allow this port (protocol TCP unless
                           given); a port name (http) matches a connection whose destination
                           has a container port of that name, by that port's number
${NETWORK_OPTIONS_HELP.replace('Output format (see above)', `Output format: ${CONNECTIVITY_FORMATS.join(', ')} (default: txt)`)}`;

const OPTIONS = { ...NETWORK_OPTIONS, focus: { type: 'string' }, port: { type: 'string' } } as const;

/** Does a connection end match a --focus value? */
function focusMatches(name: string, focus: string, defaultNamespace: string): boolean {
  if (name === focus) return true;
  const m = /^([^/]+)\/([^[]+)\[/.exec(name);
  if (!m) return false;
  return focus === `${m[1]}/${m[2]}` || (m[1] === defaultNamespace && focus === m[2]);
}

async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const format = checkFormat(values.format, CONNECTIVITY_FORMATS);
  const port = parsePortQuery(values.port);
  if (values['output-file'] !== undefined) checkOutputFile(io.cwd, values['output-file']);
  const progress = startProgress(io, false);
  try {
    const slice = await loadSlice(positionals, io, values, { command: '', warnProblems: true, progress });
    // The analysis blocks until it is done: a large input shows its line at once (about a second's work here).
    const objects = slice.model.resources.length;
    progress.update({ phase: 'analysing connectivity', objects }, objects >= 4000);
    const conns = connections(slice, values.focus, port);
    progress.stop();
    write(io, values['output-file'], formatConnectivity(conns, format));
    return 0;
  } finally {
    progress.stop();
  }
}

/** Every allowed connection, narrowed by --focus and --port. */
function connections(slice: LoadedSlice, focus: string | undefined, port: PortQuery | undefined): Connection[] {
  let conns: Connection[] = slice.engine.connectivity();
  const isAddress = (f: string) => /^[\d.,/-]+$/.test(f);
  // A bare name outside the default namespace is found in the one namespace that has it.
  const focused = new Set(focus && focus !== INGRESS_CONTROLLER && !isAddress(focus) ? findWorkload(slice.engine, focus, slice.defaultNamespace, 'workload for --focus').map((p) => p.name) : []);
  const matches = (end: string) => focused.has(end) || focusMatches(end, focus ?? '', slice.defaultNamespace);
  if (focus) conns = conns.filter((c) => matches(c.src) || matches(c.dst));
  if (port) {
    const { port: p, protocol } = port;
    if (typeof p === 'number') conns = conns.filter((c) => c.conn.has(protocol, p));
    else {
      const named = portNameFilter({ protocol, port: p }, slice.engine);
      conns = conns.filter((c) => named(c.dst, (proto, n) => c.conn.has(proto, n)));
    }
  }
  return conns;
}

export const connectivity: Command = { summary: SUMMARY, run };
