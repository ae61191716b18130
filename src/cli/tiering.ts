/**
 * V8 tuned for a command that runs once. V8 compiles a function with its optimising compiler
 * (TurboFan) once it has run for a while; the compiler's work is CPU time too (on threads of its
 * own), and a lint run is over before most of that work pays back: on 10,000 objects a third of
 * all instructions were the optimising compiler's. A command line run asks it to wait about four
 * times as long, so only code that stays hot is optimised (10k objects: about 13% fewer
 * instructions without findings, 19% fewer with many; a one-file run 2% fewer).
 *
 * Only for the command line (bin/kube-netlint.js): the language server lives long, and code that
 * imports the package runs in a process that is not ours. The flag is the tiering setting of the
 * V8 of the running Node.js (Node.js 20: V8 11; 22: V8 12; 24: V8 13); another V8 is left as it is,
 * since V8 writes an unknown flag's name to stderr. A flag given on the command line wins.
 */
import { setFlagsFromString } from 'node:v8';

/** The flag that delays optimisation for the V8 of `v8Version` (`process.versions.v8`), if known. */
export function tieringFlag(v8Version: string): string | undefined {
  const major = Number(v8Version.split('.')[0]);
  // V8 11 counts a budget of bytecode run (default 67,584); V8 12 and 13 count calls (default 3,000).
  if (major === 11) return '--interrupt-budget=300000';
  if (major === 12 || major === 13) return '--invocation-count-for-turbofan=12000';
  return undefined;
}

/** Set the flag for this process (its worker threads included); the flag set, if any. */
export function tuneTiering(
  v8Version: string = process.versions.v8,
  execArgv: readonly string[] = process.execArgv,
): string | undefined {
  const flag = tieringFlag(v8Version);
  if (flag === undefined) return undefined;
  const name = flag.slice(0, flag.indexOf('='));
  // V8 reads `_` in a flag's name as `-`.
  const given = (a: string) => a.replaceAll('_', '-').split('=')[0] === name;
  if (execArgv.some(given)) return undefined;
  setFlagsFromString(flag);
  return flag;
}
