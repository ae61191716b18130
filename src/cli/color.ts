/** One colour decision: --color/--no-color, then NO_COLOR, then FORCE_COLOR, then the stream being a TTY. */
export function resolveColor(stream: { isTTY?: boolean }, flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return !!stream.isTTY && env.TERM !== 'dumb';
}
