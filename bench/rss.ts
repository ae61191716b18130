/**
 * Preloaded (`node --import`) into a measured process: at exit, writes the process's peak RSS in
 * MB to the file named by KUBE_NETLINT_BENCH_RSS, and its CPU time (user + system, ms) to the file
 * named by KUBE_NETLINT_BENCH_CPU, so the benchmark can time the real CLI as a user runs it and
 * still know its memory and CPU.
 */
import { writeFileSync } from 'node:fs';

const rss = process.env.KUBE_NETLINT_BENCH_RSS;
const cpu = process.env.KUBE_NETLINT_BENCH_CPU;
if (rss || cpu) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    if (rss) writeFileSync(rss, String(usage.maxRSS / 1024));
    if (cpu) writeFileSync(cpu, String((usage.userCPUTime + usage.systemCPUTime) / 1000));
  });
}
