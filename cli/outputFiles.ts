/**
 * Output files of the CLI: checked before a run starts (so a typo costs nothing), written
 * atomically after it (a temp file beside the target, then a rename), so a failed write never
 * leaves a truncated file or destroys the previous one.
 */
import { accessSync, closeSync, constants, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './args.ts';

/** The real path of a file, or of the path itself where it does not exist yet. */
function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Refuse (UsageError, exit 2) an output path that cannot be written: a missing or unwritable
 * directory, a directory, or one of the run's inputs (`inputs`, e.g. the spec file).
 * @example checkOutputPath('out/spikes.csv', '--out', ['net.json'])
 */
export function checkOutputPath(path: string, option: string, inputs: string[] = []): void {
  const fail = (why: string) => {
    throw new UsageError(`${option} ${JSON.stringify(path)}: ${why}`);
  };
  const dir = dirname(resolve(path));
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    fail(`directory ${dir} does not exist`);
  }
  if (!dirStat!.isDirectory()) fail(`${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    fail(`directory ${dir} is not writable`);
  }
  let existing;
  try {
    existing = lstatSync(path);
  } catch {
    existing = null;
  }
  if (existing?.isDirectory()) fail('is a directory');
  const target = realOrResolved(path);
  for (const input of inputs) if (realOrResolved(input) === target) fail('is an input of this run; it would be overwritten');
}

/** The temp file beside `path` that an atomic write fills before renaming it over `path`. */
const tempPathBeside = (path: string): string => join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);

/** Remove a failed write's temp file and say what went wrong: the path, the reason, and that nothing was replaced. */
function writeFailure(path: string, temp: string, e: unknown): Error {
  try {
    unlinkSync(temp);
  } catch {
    // Never created, or already gone.
  }
  // Node's errors carry a code; a library's (h5wasm) may be a bare string.
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return new Error(`could not write ${path}: ${code ? `${code}, ` : ''}${message.replace(/^\w+: /, '')}; any previous file there is unchanged`);
}

/**
 * Write `chunks` to `path` atomically: into a temp file in the same directory, flushed, then
 * renamed over `path` (a symlink at `path` is replaced, not followed). On any failure the temp
 * file is removed, `path` is left as it was, and the error names the path and the reason.
 */
export function writeFileAtomic(path: string, chunks: Iterable<string | Uint8Array>): void {
  const temp = tempPathBeside(path);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx');
    for (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      // writeSync may write less than asked (large buffers): go on from where it stopped.
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    throw writeFailure(path, temp, e);
  }
}

/**
 * `writeFileAtomic` for a writer that wants a file name, not a stream of bytes (h5wasm writes
 * HDF5 through its own file layer): `write(tempPath)` creates and closes the file at
 * `tempPath`, which is then flushed and renamed over `path`, with the same guarantees.
 * @example writeFileAtomicWith('spikes.nwb', (temp) => writeSpikesNwb(h5wasm, temp, run))
 */
export function writeFileAtomicWith(path: string, write: (tempPath: string) => void): void {
  const temp = tempPathBeside(path);
  try {
    write(temp);
    const fd = openSync(temp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    throw writeFailure(path, temp, e);
  }
}
