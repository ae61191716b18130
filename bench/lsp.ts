/**
 * Editor latency of `kube-netlint lsp` (part of `npm run bench`; alone: `node dist/bench/lsp.js
 * [edits=40]`): the time from sending a `didChange` of one open file to receiving its
 * `publishDiagnostics` for that version, debounce 0, p50 and p95 over the edits (after warm-up).
 * Two workspaces, generated:
 * - one file shaped like the OpenTelemetry demo's single manifest: about 17,000 lines, 85
 *   objects (Deployments whose env names other Services by DNS name and port, their Services,
 *   ConfigMaps holding large dashboards and collector configs, RBAC); each edit toggles a Service
 *   port that other Deployments name, so every edit changes the file's diagnostics;
 * - 1,000 objects in 10 files (bench/generate.ts); each edit toggles a Service port of one file
 *   between 80 and an out-of-range 99999.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { generate, rng } from './generate.js';
import { benchLspBig } from './lsp-big.js';
import { benchLspDisk } from './lsp-disk.js';

const WARMUP = 5;
const TIMEOUT_MS = 60_000;
const BIN = path.resolve(import.meta.dirname, '../../bin/kube-netlint.js');

const SERVICES = [
  'frontend',
  'cart',
  'checkout',
  'currency',
  'email',
  'payment',
  'product-catalog',
  'quote',
  'recommendation',
  'shipping',
  'ad',
  'accounting',
  'fraud-detection',
  'image-provider',
  'load-generator',
  'flagd',
  'frontend-proxy',
  'kafka',
  'valkey-cart',
  'otel-collector',
  'jaeger',
  'grafana',
  'prometheus',
  'opensearch',
];

/** A dashboard-sized JSON document as a block scalar (about `lines` lines). */
function dashboard(title: string, lines: number, random: () => number): string {
  const out = ['{', `  "title": "${title}",`, '  "panels": ['];
  for (let i = 0; out.length < lines - 3; i++) {
    out.push('    {', `      "id": ${i},`, '      "type": "timeseries",', `      "title": "${title} panel ${i}",`);
    out.push(
      `      "targets": [{"expr": "rate(http_server_duration_count{service=\\"${SERVICES[i % SERVICES.length]}\\"}[${1 + Math.floor(random() * 5)}m])"}],`,
    );
    out.push(`      "gridPos": {"h": 8, "w": 12, "x": ${(i % 2) * 12}, "y": ${i * 8}}`, '    },');
  }
  out.push('    {"id": -1}', '  ]', '}');
  return out.map((l) => `    ${l}`).join('\n');
}

/** One manifest shaped like the OpenTelemetry demo's (about 17,000 lines); the offset of the edited port. */
export function otelShaped(random = rng(17)): { text: string; port: number; value: string } {
  const docs: string[] = [];
  const portOf = (i: number) => (SERVICES[i] === 'otel-collector' ? 4317 : 8080 + i);
  docs.push('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: otel-demo\n');
  for (const sa of ['otel-demo', 'otel-collector', 'grafana', 'prometheus', 'opensearch']) {
    docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${sa}\n  namespace: otel-demo\n`);
  }
  for (const r of ['otel-collector', 'grafana', 'prometheus']) {
    docs.push(
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${r}\nrules:\n  - apiGroups: [""]\n    resources: [pods, namespaces, nodes]\n    verbs: [get, watch, list]\n`,
    );
    docs.push(
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ${r}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: ${r}\nsubjects:\n  - kind: ServiceAccount\n    name: ${r}\n    namespace: otel-demo\n`,
    );
  }
  // ConfigMaps: dashboards and collector configs make most of the lines.
  const sizes = [6300, 2800, 2150, 1480, 1200, 1050, 470, 360, 120, 80, 60, 40, 40, 30, 30, 20, 20];
  sizes.forEach((lines, i) => {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${i}\n  namespace: otel-demo\ndata:\n  dashboard-${i}.json: |\n${dashboard(`dashboard ${i}`, lines, random)}\n`,
    );
  });
  SERVICES.forEach((name, i) => {
    const env = [
      `            - name: OTEL_SERVICE_NAME\n              value: ${name}`,
      '            - name: OTEL_EXPORTER_OTLP_ENDPOINT\n              value: http://otel-collector:4317',
    ];
    for (let k = 1; k <= 3; k++) {
      const j = (i + k * 5) % SERVICES.length;
      if (j === i) continue;
      env.push(
        `            - name: ${SERVICES[j].toUpperCase().replace(/-/g, '_')}_ADDR\n              value: ${SERVICES[j]}:${portOf(j)}`,
      );
    }
    docs.push(`apiVersion: apps/v1
kind: ${name === 'opensearch' ? 'StatefulSet' : 'Deployment'}
metadata:
  name: ${name}
  namespace: otel-demo
  labels:
    app.kubernetes.io/name: ${name}
spec:
  replicas: 1
${name === 'opensearch' ? `  serviceName: ${name}\n` : ''}  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      serviceAccountName: otel-demo
      containers:
        - name: ${name}
          image: ghcr.io/open-telemetry/demo:2.0.2-${name}
          ports:
            - containerPort: ${portOf(i)}
              name: service
          env:
${env.join('\n')}
          resources:
            limits:
              memory: 250Mi
`);
  });
  SERVICES.forEach((name, i) => {
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: otel-demo
spec:
  type: ClusterIP
  ports:
    - port: ${portOf(i)}
      name: tcp-service
      targetPort: ${portOf(i)}
  selector:
    app.kubernetes.io/name: ${name}
`);
  });
  const text = docs.join('---\n');
  // The port of the `cart` Service, which other Deployments name in their env.
  const svc = text.indexOf('kind: Service\nmetadata:\n  name: cart\n');
  const value = String(portOf(SERVICES.indexOf('cart')));
  const port = text.indexOf(`    - port: ${value}\n`, svc) + '    - port: '.length;
  return { text, port, value };
}

export interface LspLatency {
  workspace: string;
  startupMs: number;
  samples: number[];
  /** The server's CPU time (user + system) per edit, over all measured edits (ms; Linux only). */
  cpuPerEditMs: number;
  /** Server-side medians from the timing log: parse, model+graph+rules, diagnostics+publish (ms). */
  server: [string, string, string];
}

/** Measure one workspace: `file` open, `edits` toggles of `[offset, value]` with `other`. */
async function measure(
  dir: string,
  file: string,
  offset: number,
  value: string,
  other: string,
  edits: number,
): Promise<Omit<LspLatency, 'workspace'>> {
  const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  try {
    const uri = pathToFileURL(file).href;
    const text = readFileSync(file, 'utf8');
    const waiters = new Map<number, (t: number) => void>();
    const timings: string[] = [];
    let firstPublish: number | undefined;
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const now = performance.now();
      firstPublish ??= now;
      if (p.uri === uri && p.version !== undefined) waiters.get(p.version)?.(now);
    });
    conn.onNotification('window/logMessage', (m: { message: string }) => {
      if (m.message.startsWith('kube-netlint: lint ')) timings.push(m.message);
    });
    conn.onRequest('client/registerCapability', () => null);
    conn.listen();
    const wait = (version: number) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no diagnostics for version ${version} within ${TIMEOUT_MS} ms`)),
          TIMEOUT_MS,
        );
        timer.unref();
        waiters.set(version, (t) => {
          clearTimeout(timer);
          waiters.delete(version);
          resolve(t);
        });
      });
    const folder = pathToFileURL(dir).href;
    const t0 = performance.now();
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'bench' }],
      initializationOptions: { debounce: 0, timing: true },
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    });
    const before = text.slice(0, offset).split('\n');
    const line = before.length - 1;
    const character = before[line].length;
    let current = value;
    const samples: number[] = [];
    let cpu0 = NaN;
    for (let i = 0; i < WARMUP + edits; i++) {
      const version = i + 2;
      const got = wait(version);
      const next = current === value ? other : value;
      const range = { start: { line, character }, end: { line, character: character + current.length } };
      current = next;
      const sent = performance.now();
      await conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range, text: next }],
      });
      const received = await got;
      if (i >= WARMUP) samples.push(received - sent);
      if (i === WARMUP - 1) cpu0 = cpuMs(child.pid);
    }
    const cpuPerEditMs = (cpuMs(child.pid) - cpu0) / edits;
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    const last = timings.slice(-edits);
    const phase = (re: RegExp) => {
      const v = last
        .map((m) => Number(re.exec(m)?.[1] ?? NaN))
        .filter((n) => !Number.isNaN(n))
        .sort((a, b) => a - b);
      return v.length ? v[Math.floor(v.length / 2)].toFixed(1) : '?';
    };
    return {
      startupMs: firstPublish === undefined ? NaN : firstPublish - t0,
      samples: samples.sort((a, b) => a - b),
      cpuPerEditMs,
      server: [phase(/parse ([\d.]+) ms/), phase(/rules ([\d.]+) ms/), phase(/publish ([\d.]+) ms/)],
    };
  } finally {
    conn.dispose();
    if (child.exitCode === null) child.kill();
  }
}

/** CPU time of a process so far (user + system, ms), from /proc; NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    // utime and stime are fields 14 and 15 of the line (11 and 12 after the command), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** Both workspaces, measured. */
export async function lspLatencies(edits = 40): Promise<LspLatency[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-lsp-bench-'));
  try {
    const out: LspLatency[] = [];
    const otel = otelShaped();
    const otelDir = path.join(root, 'otel');
    mkdirSync(otelDir);
    const otelFile = path.join(otelDir, 'opentelemetry-demo.yaml');
    writeFileSync(otelFile, otel.text);
    const lines = otel.text.split('\n').length;
    out.push({
      workspace: `1 file, ${lines.toLocaleString('en-US')} lines, ${(otel.text.length / 1e3).toFixed(0)} kB (OpenTelemetry demo shaped)`,
      ...(await measure(otelDir, otelFile, otel.port, otel.value, String(Number(otel.value) + 1000), edits)),
    });
    const g = generate(path.join(root, 'cluster'), 1000);
    const dir = path.join(g.dir, 'ns-0');
    const file = path.join(dir, readdirSync(dir).sort()[0]);
    const text = readFileSync(file, 'utf8');
    const offset = text.indexOf('      port: 80\n') + '      port: '.length;
    out.push({
      workspace: `${g.objects.toLocaleString('en-US')} objects in ${g.files} files, edited file ${(text.length / 1e3).toFixed(0)} kB`,
      ...(await measure(g.dir, file, offset, '80', '99999', edits)),
    });
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The language server's rows of `npm run bench`. */
export async function benchLsp(edits = 40): Promise<void> {
  console.log(
    `\nlanguage server: didChange → publishDiagnostics, debounce 0, ${edits} edits after ${WARMUP} warm-up (load average ${loadavg()[0].toFixed(1)})`,
  );
  console.log(
    "(server CPU ms/edit: the server's user+system CPU time over the measured edits, per edit; the load of the machine does not inflate it)",
  );
  const rows = [
    [
      'workspace',
      'p50 ms',
      'p95 ms',
      'min ms',
      'server CPU ms/edit',
      'startup ms',
      'server parse / rules / publish ms (medians)',
    ],
  ];
  for (const r of await lspLatencies(edits)) {
    const s = r.samples;
    rows.push([
      r.workspace,
      percentile(s, 50).toFixed(1),
      percentile(s, 95).toFixed(1),
      s[0].toFixed(1),
      r.cpuPerEditMs.toFixed(1),
      r.startupMs.toFixed(0),
      r.server.join(' / '),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows)
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  await benchLspBig();
  await benchLspDisk();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`kube-netlint lsp latency (node ${process.version}, ${process.platform}/${process.arch})`);
  await benchLsp(Number(process.argv[2]) || 40);
}
