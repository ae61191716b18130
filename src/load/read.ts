/**
 * Reading one input file: its bytes with a size limit (a file over it is an `InputLimitError`, not
 * read beyond the limit), a config file only if it is a regular file, the text decoded from UTF-8,
 * UTF-16 or UTF-32, and a one-line reason when a read fails.
 */
import { closeSync, constants as fsConstants, promises as fs, fstatSync, openSync, readSync } from 'node:fs';
import type { statSync } from 'node:fs';

/** Errors that say a path may not be read (as opposed to a broken file system or a vanished file). */
const DENIED = new Set(['EACCES', 'EPERM']);

/** Is this read error a permission the user does not have (a finding, not an abort)? */
export function isPermissionError(e: unknown): boolean {
  return DENIED.has((e as NodeJS.ErrnoException)?.code ?? '');
}

export function specialKind(s: ReturnType<typeof statSync>): string {
  if (!s) return 'unknown';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a file';
}

/** A file larger than the limit it was read with: its bytes were not read beyond the limit. */
export class InputLimitError extends Error {
  constructor(
    /** Bytes seen: more than the limit (a lower bound when the file was still growing). */
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`more than ${limit} bytes`);
  }
}

/**
 * Read and decode a file. With `maxBytes`, at most `maxBytes + 1` bytes are read whatever the file
 * claims to be (a file still being written, a special file): beyond the limit, InputLimitError.
 */
export async function readText(absPath: string, maxBytes = Infinity): Promise<string> {
  if (maxBytes === Infinity) return decode(await fs.readFile(absPath));
  return decode(await readBounded(absPath, maxBytes));
}

/**
 * Read and decode a file, synchronously. With `maxBytes`, at most `maxBytes + 1` bytes are read
 * whatever the file claims to be: beyond the limit, or when the file says it is larger (its size is
 * asked once 64 KiB are read), InputLimitError. A file that grows or shrinks while it is read is
 * read exactly, to its end.
 */
export function readTextSync(absPath: string, maxBytes = Infinity): string {
  return readFileTextSync(absPath, maxBytes).text;
}

/** As `readTextSync`, with the bytes read (the file's size, for the input limits). */
export function readFileTextSync(absPath: string, maxBytes = Infinity): { text: string; bytes: number } {
  const fd = openSync(absPath, 'r');
  try {
    const bytes = readFdSync(fd, maxBytes);
    return { text: decode(bytes), bytes: bytes.length };
  } finally {
    closeSync(fd);
  }
}

/** A path that is not a regular file (a FIFO, a device, a socket, a folder): `kind` says which. */
export class NotRegularFileError extends Error {
  constructor(readonly kind: string) {
    super(`not a regular file (${kind})`);
  }
}

/**
 * Read and decode a file that must be a regular file (a config file): it is opened without
 * blocking (an ordinary open of a FIFO waits for a writer), refused when it is not a regular
 * file (NotRegularFileError: a FIFO, a device such as /dev/zero, a folder; symbolic links to them
 * included), and read up to `maxBytes` bytes whatever its size claims (procfs files say 0):
 * beyond that, InputLimitError.
 */
export function readRegularTextSync(absPath: string, maxBytes: number): string {
  const fd = openSync(absPath, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new NotRegularFileError(stat.isDirectory() ? 'a folder' : specialKind(stat));
    return decode(readFdSync(fd, maxBytes, stat.size));
  } finally {
    closeSync(fd);
  }
}

/**
 * Where every synchronous read starts (reads are never concurrent): a file that fits is read into
 * it to its end, and decoded from it, with no buffer of its own and without asking its size.
 */
const SCRATCH = Buffer.allocUnsafe(64 * 1024);

/**
 * The bytes of an open file, at most `maxBytes` (beyond: InputLimitError); `size`: what it claims,
 * when the caller has asked. A file that fits in `SCRATCH` comes back as a view of it, valid until
 * the next read.
 */
function readFdSync(fd: number, maxBytes: number, size?: number): Buffer {
  const first = Math.min(SCRATCH.length, maxBytes + 1);
  let got = 0;
  while (got < first) {
    const n = readSync(fd, SCRATCH, got, first - got, null);
    if (n === 0) return SCRATCH.subarray(0, got);
    got += n;
  }
  // A file that says it is over the limit is not read further.
  const claimed = size ?? fstatSync(fd).size;
  if (got > maxBytes || claimed > maxBytes) throw new InputLimitError(Math.max(got, claimed), maxBytes);
  // A larger file: one buffer of the size it claims when it is within the limit; then (to check
  // that it ends there, or for a file that claims less) pieces until its end.
  const chunks: Buffer[] = [];
  let total = got;
  if (claimed > got && claimed <= maxBytes) {
    const buf = Buffer.allocUnsafe(claimed);
    SCRATCH.copy(buf, 0, 0, got);
    while (got < claimed) {
      const n = readSync(fd, buf, got, claimed - got, null);
      if (n === 0) return buf.subarray(0, got);
      got += n;
    }
    chunks.push(buf);
    total = claimed;
  } else chunks.push(Buffer.from(SCRATCH.subarray(0, got)));
  while (true) {
    const n = readSync(fd, SCRATCH, 0, Math.min(SCRATCH.length, maxBytes + 1 - total), null);
    if (n === 0) break;
    chunks.push(Buffer.from(SCRATCH.subarray(0, n)));
    total += n;
    if (total > maxBytes) throw new InputLimitError(Math.max(total, claimed), maxBytes);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

async function readBounded(absPath: string, maxBytes: number): Promise<Buffer> {
  const fh = await fs.open(absPath, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const size = (await fh.stat()).size;
    // One read of the stated size when it fits, then chunks until the end of the file.
    let want = size > 0 && size <= maxBytes ? size + 1 : 64 * 1024;
    while (true) {
      const buf = Buffer.allocUnsafe(Math.min(want, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new InputLimitError(Math.max(total, size), maxBytes);
      want = 1024 * 1024;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}

/** A one-line reason why a file could not be read, from the error of the read. */
export function readErrorMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOENT: 'no such file: deleted while linting, or a broken symbolic link',
    ELOOP: 'too many levels of symbolic links: a link loop',
    EIO: 'input/output error',
    EINVAL: 'invalid argument: a special file that cannot be read as a stream',
    EMFILE: 'too many open files',
    ENXIO: 'no such device',
    ENAMETOOLONG: 'file name too long',
  };
  if (err?.code === 'EISDIR') return 'is a directory';
  if (err?.code && known[err.code]) return `${err.code} (${known[err.code]})`;
  return err?.code ?? err?.message ?? String(e);
}

/**
 * Decode a manifest's bytes: UTF-8 (BOM stripped), or UTF-16 or UTF-32 with a BOM. Bytes that do
 * not decode become U+FFFD, which `SourceFile` reports; so are NULs (binary data, or UTF-16 without
 * a BOM).
 */
export function decode(buf: Buffer): string {
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xfe && buf[2] === 0 && buf[3] === 0)
    return decodeUtf32(buf.subarray(4), true);
  if (buf.length >= 4 && buf[0] === 0 && buf[1] === 0 && buf[2] === 0xfe && buf[3] === 0xff)
    return decodeUtf32(buf.subarray(4), false);
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function decodeUtf32(b: Buffer, le: boolean): string {
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i + 3 < b.length; i += 4) {
    const cp = le ? b.readUInt32LE(i) : b.readUInt32BE(i);
    chunk.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (chunk.length >= 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (b.length % 4) chunk.push(0xfffd);
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}
