/** `kube-netlint graph`: the network as a picture. */
import { checkOutputFile } from '../../load/out-path.js';
import { graphFormat, loadVersion, renderReport, reportOf } from '../graph.js';
import { EXIT_FATAL, parseCommandLine, write } from '../io.js';
import type { Command, Io } from '../io.js';
import { NETWORK_OPTIONS, NETWORK_OPTIONS_HELP } from '../slice.js';

const SUMMARY = `  kube-netlint graph [options] <paths...>
      The network as a picture: html (self-contained, offline), dot, mermaid, json; see docs/report.md.
`;

const HELP = `Usage: kube-netlint graph [options] <paths...>

The network as a picture: namespaces as groups; workloads, Services, Ingresses and the ingress
controller as nodes; edges Ingress -> Service -> workload and workload -> Service (service
references), red where NetworkPolicies block the traffic.

Options:
      --title <text>       Title of the picture (default: the command line's paths)
${NETWORK_OPTIONS_HELP.replace(
  '  -f, --format <name>      Output format (see above)',
  `  -f, --format <name>      html (one self-contained file: no server, no network), dot, mermaid, or
                           json (the data behind the picture). Default: html when -o ends in .html
                           or .htm, otherwise dot.`,
)}
kube-netlint diff <old-paths> <new-paths> --format html -o diff.html draws the same picture for two
versions: edges whose connection was added are green, removed red, changed orange.
`;

const OPTIONS = { ...NETWORK_OPTIONS, title: { type: 'string' } } as const;

async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const format = graphFormat(values.format, values['output-file']);
  if (values['output-file'] !== undefined) checkOutputFile(io.cwd, values['output-file']);
  const version = await loadVersion(positionals, io, values);
  const title = values.title ?? `kube-netlint graph ${positionals.length ? positionals.join(' ') : '.'}`;
  write(io, values['output-file'], await renderReport(reportOf(version, title), format));
  return version.unread ? EXIT_FATAL : 0;
}

export const graph: Command = { summary: SUMMARY, run };
