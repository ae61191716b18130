/**
 * Start-up: the CPU time (user + system) of `kube-netlint --version` and of a one-file lint (the
 * pre-commit case: a Deployment and its Service), against `node -e 0`. Each process is spawned
 * `runs` times with bench/rss.js preloaded, which records the process's own CPU time at exit
 * (the preload is the same for the three); the median is kept.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const ONE_FILE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;

/** CPU milliseconds of one process (user + system), measured inside it at exit. */
function cpuOf(argv: string[], cwd: string): number {
  const file = path.join(tmpdir(), `kube-netlint-bench-cpu-${process.pid}`);
  const r = spawnSync(process.execPath, ['--import', path.join(import.meta.dirname, 'rss.js'), ...argv], {
    cwd,
    env: { ...process.env, KUBE_NETLINT_BENCH_CPU: file },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited with ${r.status}: ${r.stderr}`);
  const ms = Number(readFileSync(file, 'utf8'));
  rmSync(file, { force: true });
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface Startup {
  nodeMs: number;
  versionMs: number;
  oneFileMs: number;
}

/** Median CPU of `node -e 0`, `kube-netlint --version` and `kube-netlint one.yaml`, spawned in turn `runs` times. */
export function measureStartup(cli: string, runs: number): Startup {
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-startup-'));
  try {
    writeFileSync(path.join(dir, 'web.yaml'), ONE_FILE);
    const node: number[] = [];
    const version: number[] = [];
    const one: number[] = [];
    for (let i = 0; i < runs; i++) {
      node.push(cpuOf(['-e', '0'], dir));
      version.push(cpuOf([cli, '--version'], dir));
      one.push(cpuOf([cli, '--no-config', 'web.yaml'], dir));
    }
    return { nodeMs: median(node), versionMs: median(version), oneFileMs: median(one) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
