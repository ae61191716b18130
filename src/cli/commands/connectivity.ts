/** `kube-netlint connectivity`: every allowed connection. */
import { CONNECTIVITY_FORMATS, SUMMARY_FORMATS, connectivityText } from '../../format/connectivity/list.js';
import { checkOutputFile } from '../../load/out-path.js';
import { INGRESS_CONTROLLER } from '../../policy/engine.js';
import type { Connection } from '../../policy/engine.js';
import { connectionsInOrder, openWorkloads } from '../../policy/stream.js';
import { EXIT_FATAL, UsageError, parseCommandLine } from '../io.js';
import type { Command, Io } from '../io.js';
import { findWorkload, parsePortQuery, portNameFilter } from '../resolve.js';
import { startProgress } from '../progress.js';
import { NETWORK_OPTIONS, NETWORK_OPTIONS_HELP, checkFormat, loadSlice } from '../slice.js';
import { writeStreamed } from '../stream-out.js';

const SUMMARY = `  kube-netlint connectivity [options] <paths...>
      Every allowed connection between workloads, with external IP ranges, and from the
      ingress controller to Ingress backends. Formats: txt (default), json, csv, md, dot.
      --focus <workload>   only connections from or to this workload (ns/name, name or ns/name[Kind])
      --port <port|name[/proto]>
                           only connections that allow this port (protocol TCP unless given)
      --summary            one statement for the workloads no policy isolates, instead of their pairs
`;

const HELP = `Usage: kube-netlint connectivity [options] <paths...>

Every allowed connection between workloads, with external IP ranges, and from the ingress
controller to Ingress backends: one line per connection, src => dst : conn.

Options:
      --focus <workload>   Only connections from or to this workload (ns/name, name or ns/name[Kind])
      --port <port|name[/proto]> Only connections that allow this port (protocol TCP unless
                           given); a port name (http) matches a connection whose destination
                           has a container port of that name, by that port's number
      --summary            The workloads that no policy isolates (in either direction) can reach
                           each other and any external address on all ports: say so in one
                           statement (txt, md; json: {workloads, open, summary, connections})
                           and list only the other connections
${NETWORK_OPTIONS_HELP.replace('Output format (see above)', `Output format: ${CONNECTIVITY_FORMATS.join(', ')} (default: txt)`)}`;

const OPTIONS = {
  ...NETWORK_OPTIONS,
  focus: { type: 'string' },
  port: { type: 'string' },
  summary: { type: 'boolean' },
} as const;

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
  if (values.summary && !(SUMMARY_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--summary is available with ${SUMMARY_FORMATS.join(', ')}, not with ${format}`);
  }
  const progress = startProgress(io, false);
  try {
    const slice = await loadSlice(positionals, io, values, { command: '', warnProblems: true, progress });
    const engine = slice.engine;
    const focus = values.focus;
    // The analysis blocks until it is done: a large input shows its line at once (about a second's work here).
    const objects = slice.model.resources.length;
    progress.update({ phase: 'analysing connectivity', objects }, objects >= 4000);
    const isAddress = (f: string) => /^[\d.,/-]+$/.test(f);
    // A bare name outside the default namespace is found in the one namespace that has it.
    const focused = new Set(
      focus && focus !== INGRESS_CONTROLLER && !isAddress(focus)
        ? findWorkload(engine, focus, slice.defaultNamespace, 'workload for --focus').map((p) => p.name)
        : [],
    );
    const matches = (end: string) => focused.has(end) || focusMatches(end, focus ?? '', slice.defaultNamespace);
    const keep = focus ? (src: string, dst: string) => matches(src) || matches(dst) : undefined;
    let allows = (_c: Connection) => true;
    if (port) {
      const { port: p, protocol } = port;
      if (typeof p === 'number') allows = (c) => c.conn.has(protocol, p);
      else {
        const named = portNameFilter({ protocol, port: p }, engine);
        allows = (c) => named(c.dst, (proto, n) => c.conn.has(proto, n));
      }
    }
    const open = openWorkloads(engine).map((p) => p.name);
    const workloads = engine.workloadPods.length;
    const summary = values.summary ? { workloads, open: open.sort() } : undefined;
    progress.stop();
    if (workloads === 0) {
      const m = slice.model;
      const policies = m.networkPolicies.length + m.adminPolicies.length + m.ciliumPolicies.length;
      const which = policies === 1 ? 'its policy selects' : `its ${policies} policies select`;
      io.stderr.write(
        'kube-netlint: note: the input defines no workload (no Pod or pod template): there are no connections ' +
          `to list${policies > 0 ? `; ${which} pods that other manifests deploy` : ''}\n`,
      );
    }
    if (!summary && !focus && workloads > 1 && open.length === workloads) {
      io.stderr.write(
        `kube-netlint: note: no policy isolates any of the ${workloads} workloads: all of them can reach each other on all ports ` +
          `(listed pair by pair, ${workloads * (workloads - 1)} pairs; --summary says it once)\n`,
      );
    }
    // Written as computed: the pairs of one source at a time.
    const conns = function* (): Generator<Connection> {
      for (const c of connectionsInOrder(engine, { keep, omitOpen: summary !== undefined })) if (allows(c)) yield c;
    };
    await writeStreamed(io, values['output-file'], connectivityText(conns, format, { summary }));
    return slice.unread ? EXIT_FATAL : 0;
  } finally {
    progress.stop();
  }
}

export const connectivity: Command = { summary: SUMMARY, run };
