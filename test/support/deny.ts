/** Stand-ins for `fs.readdir` in tests of the folder walk. */
import { readdir } from 'node:fs';
import path from 'node:path';

/** `fs.readdir` that fails with EACCES for folders named `secret`, as a folder without read permission does. */
export const denySecret = ((dir: string, ...rest: unknown[]) => {
  const callback = rest[rest.length - 1] as (err: NodeJS.ErrnoException | null) => void;
  if (path.basename(String(dir)) === 'secret') {
    const err: NodeJS.ErrnoException = new Error(`EACCES: permission denied, scandir '${String(dir)}'`);
    err.code = 'EACCES';
    process.nextTick(() => callback(err));
    return;
  }
  (readdir as (...a: unknown[]) => void)(dir, ...rest);
}) as typeof readdir;

/** `fs.readdir` that records the folders it lists. */
export function recording(): { readdir: typeof readdir; listed: string[] } {
  const listed: string[] = [];
  const fn = ((dir: string, ...rest: unknown[]) => {
    listed.push(path.resolve(String(dir)));
    (readdir as (...a: unknown[]) => void)(dir, ...rest);
  }) as typeof readdir;
  return { readdir: fn, listed };
}
