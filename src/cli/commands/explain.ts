/** `kube-netlint explain`: whether one endpoint may connect to another, and why. */
import { checkOutputFile } from '../../load/out-path.js';
import type { Endpoint } from '../../policy/engine.js';
import { gapsTouching } from '../../policy/gaps.js';
import { explainJson, explainText } from '../../format/connectivity/explain.js';
import { EXIT_FATAL, UsageError, parseCommandLine, write } from '../io.js';
import type { Command, Io } from '../io.js';
import { findWorkload, parsePortQuery, resolvePortName } from '../resolve.js';
import { startProgress } from '../progress.js';
import { NETWORK_OPTIONS, NETWORK_OPTIONS_HELP, checkFormat, loadSlice } from '../slice.js';
import type { LoadedSlice } from '../slice.js';

const FORMATS = ['txt', 'json'];

const SUMMARY = `  kube-netlint explain [options] <src> <dst> [paths...]
      Whether src may connect to dst and why: which policies isolate each side and which rules
      admit. src and dst are ns/name, ns/name[Kind], name, {ingress-controller} or an IPv4 address.
      --port <port|name[/proto]> ask about one port; --exit-code: exit 1 when blocked.
      Formats: txt (default), json.
`;

const HELP = `Usage: kube-netlint explain [options] <src> <dst> [paths...]

Whether src may connect to dst and why: which NetworkPolicies isolate each side (with
file:line:col) and which of their rules admit the other end, on which ports. src and dst are
ns/name, ns/name[Kind], name (in the default namespace, else in the one namespace that has a
workload of that name), {ingress-controller} or an IPv4 address.

Options:
      --port <port[/proto]> Ask about one port (protocol TCP unless given); a port name (http) is
                           resolved on the destination's container ports
      --exit-code          Exit with code 1 when the connection is blocked (0 when allowed)
${NETWORK_OPTIONS_HELP.replace('Output format (see above)', `Output format: ${FORMATS.join(', ')} (default: txt)`)}`;

const OPTIONS = { ...NETWORK_OPTIONS, port: { type: 'string' }, 'exit-code': { type: 'boolean' } } as const;

async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length < 2)
    throw new UsageError('explain needs a source and a destination (explain <src> <dst> [paths...])');
  const format = checkFormat(values.format, FORMATS);
  const portQuery = parsePortQuery(values.port);
  if (values['output-file'] !== undefined) checkOutputFile(io.cwd, values['output-file']);
  const [srcSpec, dstSpec, ...paths] = positionals;
  const progress = startProgress(io, false);
  let slice: LoadedSlice;
  try {
    slice = await loadSlice(paths, io, values, { command: '', warnProblems: true, progress });
  } finally {
    progress.stop();
  }
  const resolve = (spec: string): { ep: Endpoint; name: string } => {
    if (/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(spec)) {
      const atom = slice.engine.atomOf(spec);
      if (atom === 'several') {
        throw new UsageError(
          `"${spec}" spans address ranges that the policies treat differently; ask about one address (or a smaller CIDR)`,
        );
      }
      if (atom === undefined || atom < 0) throw new UsageError(`"${spec}" is not a valid IPv4 address`);
      return { ep: { kind: 'external', atom }, name: spec };
    }
    const pods = findWorkload(slice.engine, spec, slice.defaultNamespace);
    if (pods.length > 1)
      throw new UsageError(
        `"${spec}" names ${pods.length} workloads (${pods.map((p) => p.name).join(', ')}): add [Kind]`,
      );
    return { ep: { kind: 'pod', pod: pods[0] }, name: pods[0].name };
  };
  const src = resolve(srcSpec);
  const dst = resolve(dstSpec);
  const port = portQuery && resolvePortName(portQuery, dst.ep.kind === 'pod' ? dst.ep.pod : undefined, dst.name);
  const explanation = slice.engine.evaluate(src.ep, dst.ep, true);
  const notes: string[] = [];
  if (src.ep.kind === 'pod' && dst.ep.kind === 'pod' && src.ep.pod === dst.ep.pod) {
    notes.push(
      'a pod can always reach itself; the answer above is for traffic between different pods (replicas) of this workload',
    );
  }
  // hostNetwork ends, like every other gap touching the pair, make the answer incomplete.
  const incomplete = gapsTouching(slice.gaps, src.ep, dst.ep);
  const input = { src: src.name, dst: dst.name, port, explanation, notes, incomplete };
  write(
    io,
    values['output-file'],
    format === 'json' ? `${JSON.stringify(explainJson(input), null, 2)}\n` : explainText(input),
  );
  const allowed = port ? explanation.conn.has(port.protocol, port.port) : !explanation.conn.isEmpty;
  if (slice.unread) return EXIT_FATAL;
  return values['exit-code'] && !allowed ? 1 : 0;
}

export const explain: Command = { summary: SUMMARY, run };
