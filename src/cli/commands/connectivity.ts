/** `kube-netlint connectivity`: every allowed connection. */
import { checkOutputFile } from '../../load/out-path.js';
import { INGRESS_CONTROLLER } from '../../policy/engine.js';
import type { Connection } from '../../policy/engine.js';
import { CONNECTIVITY_FORMATS, formatConnectivity } from '../../policy/report.js';
import { UsageError, parseCommandLine, write } from '../io.js';
import type { Command, Io } from '../io.js';
import { NETWORK_OPTIONS, NETWORK_OPTIONS_HELP, checkFormat, loadSlice, parsePort } from '../slice.js';

const SUMMARY = `  kube-netlint connectivity [options] <paths...>
      Every allowed connection between workloads, with external IP ranges, and from the
      ingress controller to Ingress backends. Formats: txt (default), json, csv, md, dot.
      --focus <workload>   only connections from or to this workload (ns/name, name or ns/name[Kind])
      --port <port[/proto]> only connections that allow this port (protocol TCP unless given)
`;

const HELP = `Usage: kube-netlint connectivity [options] <paths...>

Every allowed connection between workloads, with external IP ranges, and from the ingress
controller to Ingress backends: one line per connection, src => dst : conn.

Options:
      --focus <workload>   Only connections from or to this workload (ns/name, name or ns/name[Kind])
      --port <port[/proto]> Only connections that allow this port (protocol TCP unless given)
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
  const port = parsePort(values.port);
  if (values['output-file'] !== undefined) checkOutputFile(io.cwd, values['output-file']);
  const slice = await loadSlice(positionals, io, values, { command: '', warnProblems: true });
  let conns: Connection[] = slice.engine.connectivity();
  const focus = values.focus;
  const isAddress = (f: string) => /^[\d.,/-]+$/.test(f);
  if (focus && focus !== INGRESS_CONTROLLER && !isAddress(focus) && slice.engine.findPod(focus, slice.defaultNamespace).length === 0) {
    throw new UsageError(`--focus: no workload "${focus}" in the input (use namespace/name, or namespace/name[Kind])`);
  }
  if (focus) conns = conns.filter((c) => focusMatches(c.src, focus, slice.defaultNamespace) || focusMatches(c.dst, focus, slice.defaultNamespace));
  if (port) conns = conns.filter((c) => c.conn.has(port.protocol, port.port));
  write(io, values['output-file'], formatConnectivity(conns, format));
  return 0;
}

export const connectivity: Command = { summary: SUMMARY, run };
