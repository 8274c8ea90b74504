/** Output files: checked before a run, written atomically after it (the previous file survives any failure). */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/args.ts';
import { checkOutputPath, writeFileAtomic, writeFileAtomicWith } from '../../cli/outputFiles.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'spikegpu-out-'));

describe('checkOutputPath', () => {
  it('refuses a missing directory, a directory, and an input of the run, naming option and path', () => {
    const d = dir();
    const spec = join(d, 'net.json');
    writeFileSync(spec, '{}');
    const refusal = (path: string, inputs: string[] = []) => {
      try {
        checkOutputPath(path, '--out', inputs);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return null;
    };
    expect(refusal(join(d, 'missing', 'x.csv'))).toBe(`--out "${join(d, 'missing', 'x.csv')}": directory ${join(d, 'missing')} does not exist`);
    mkdirSync(join(d, 'sub.json'));
    expect(refusal(join(d, 'sub.json'))).toBe(`--out "${join(d, 'sub.json')}": is a directory`);
    expect(refusal(spec, [spec])).toBe(`--out "${spec}": is an input of this run; it would be overwritten`);
    symlinkSync(spec, join(d, 'link.json'));
    expect(refusal(join(d, 'link.json'), [spec])).toMatch(/is an input of this run/);
    expect(refusal(join(d, 'fine.csv'), [spec])).toBeNull();
  });
});

describe('writeFileAtomic', () => {
  it('writes the chunks; replaces a symlink rather than writing through it', () => {
    const d = dir();
    writeFileSync(join(d, 'target.csv'), 'keep me');
    symlinkSync(join(d, 'target.csv'), join(d, 'out.csv'));
    writeFileAtomic(join(d, 'out.csv'), ['a,', 'b\n']);
    expect(readFileSync(join(d, 'out.csv'), 'utf8')).toBe('a,b\n');
    expect(readFileSync(join(d, 'target.csv'), 'utf8')).toBe('keep me');
    expect(readdirSync(d).sort()).toEqual(['out.csv', 'target.csv']);
  });

  it('a failure midway leaves the previous file intact and no temp file, and names the path and the reason', () => {
    const d = dir();
    const path = join(d, 'spikes.csv');
    writeFileSync(path, 'previous run\n');
    function* failing(): Generator<string> {
      yield 'population,time_ms,id\n';
      const e = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
      e.code = 'ENOSPC';
      throw e;
    }
    expect(() => writeFileAtomic(path, failing())).toThrow(
      `could not write ${path}: ENOSPC, no space left on device, write; any previous file there is unchanged`,
    );
    expect(readFileSync(path, 'utf8')).toBe('previous run\n');
    expect(readdirSync(d)).toEqual(['spikes.csv']);
  });
});

describe('writeFileAtomicWith', () => {
  it('renames what the writer made at the temp path over the target; a failing writer leaves the previous file and no temp file', () => {
    const d = dir();
    const path = join(d, 'spikes.nwb');
    writeFileSync(path, 'previous run');
    let tempPath = '';
    writeFileAtomicWith(path, (temp) => {
      tempPath = temp;
      writeFileSync(temp, 'new run');
    });
    expect(tempPath).not.toBe(path);
    expect(readFileSync(path, 'utf8')).toBe('new run');
    expect(readdirSync(d)).toEqual(['spikes.nwb']);
    // A library's error may be a bare string (h5wasm throws some): still named, with the path.
    expect(() =>
      writeFileAtomicWith(path, (temp) => {
        writeFileSync(temp, 'half a file');
        throw 'H5Fcreate failed';
      }),
    ).toThrow(`could not write ${path}: H5Fcreate failed; any previous file there is unchanged`);
    expect(readFileSync(path, 'utf8')).toBe('new run');
    expect(readdirSync(d)).toEqual(['spikes.nwb']);
  });
});
