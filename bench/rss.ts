/**
 * Preloaded (`node --import`) into a measured process: at exit, writes the process's peak RSS in
 * MB to the file named by KUBE_NETLINT_BENCH_RSS, so the benchmark can time the real CLI as a user
 * runs it and still know its memory.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.KUBE_NETLINT_BENCH_RSS;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS / 1024)));
