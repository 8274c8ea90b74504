/**
 * NumPy `.npy` spike files: the header and records parsed here byte by byte, then the same
 * files read by NumPy itself (Debian's python3-numpy), from the writer and from
 * `spikegpu run --out x.npy`, which must hold what `--out x.json` holds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { spikesNpy, spikesNpyChunks } from '../../src/results/npy.ts';
import type { PopulationSpikes } from '../../src/sim/spikeRecorder.ts';
import { cli } from '../helpers/cli.ts';

const PYTHON = '/usr/bin/python3';
const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-npy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A parsed `.npy` file of spikegpu's layout: the header's fields and the records. */
interface ParsedNpy {
  version: [number, number];
  headerBytes: number;
  dict: string;
  widthChars: number;
  count: number;
  records: { population: string; timeMs: number; id: number }[];
}

/** Parse a spike `.npy` file as NumPy would: magic, version 1.0, the header dict, then packed little-endian records. */
function parseNpy(bytes: Uint8Array): ParsedNpy {
  expect([...bytes.subarray(0, 6)]).toEqual([0x93, ...Buffer.from('NUMPY')]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint16(8, true);
  const dict = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
  const match = /^\{'descr': \[\('population', '<U(\d+)'\), \('time_ms', '<f8'\), \('id', '<u4'\)\], 'fortran_order': False, 'shape': \((\d+),\), \} *\n$/.exec(
    dict,
  );
  if (!match) throw new Error(`unexpected header ${JSON.stringify(dict)}`);
  const widthChars = Number(match[1]);
  const count = Number(match[2]);
  const recordBytes = 4 * widthChars + 12;
  const dataStart = 10 + headerLength;
  expect(bytes.length).toBe(dataStart + count * recordBytes);
  const records = [];
  for (let k = 0, at = dataStart; k < count; k++, at += recordBytes) {
    const codePoints = [];
    for (let c = 0; c < widthChars; c++) codePoints.push(view.getUint32(at + 4 * c, true));
    while (codePoints.length && codePoints.at(-1) === 0) codePoints.pop(); // NumPy's U strips trailing NULs
    records.push({
      population: String.fromCodePoint(...codePoints),
      timeMs: view.getFloat64(at + 4 * widthChars, true),
      id: view.getUint32(at + 4 * widthChars + 8, true),
    });
  }
  return { version: [bytes[6], bytes[7]], headerBytes: dataStart, dict, widthChars, count, records };
}

const spikes = (times: number[], ids: number[]): PopulationSpikes => ({ times: Float64Array.from(times), ids: Uint32Array.from(ids) });

/** Names beyond ASCII and the basic plane (NumPy's U is UCS-4, one u32 per code point), quotes that would break a header literal. */
const SAMPLE = {
  E: spikes([0.30000000000000004, 0.7, 0.7], [12, 3, 4]),
  "it's ünïcode 🧠": spikes([1.5], [0]),
  I: spikes([], []),
};

describe('spikesNpyChunks', () => {
  it('writes a 1.0 header padded to 64 bytes and one packed record per spike, names as fixed-width UCS-4', () => {
    const parsed = parseNpy(spikesNpy(SAMPLE));
    expect(parsed.version).toEqual([1, 0]);
    expect(parsed.headerBytes % 64).toBe(0);
    expect(parsed.widthChars).toBe([..."it's ünïcode 🧠"].length); // 14 code points, 15 UTF-16 units
    expect(parsed.count).toBe(4);
    expect(parsed.records).toEqual([
      { population: 'E', timeMs: 0.3, id: 12 }, // times as the JSON and CSV files write them
      { population: 'E', timeMs: 0.7, id: 3 },
      { population: 'E', timeMs: 0.7, id: 4 },
      { population: "it's ünïcode 🧠", timeMs: 1.5, id: 0 },
    ]);
  });

  it('writes no spikes as shape (0,) and a one-character name field', () => {
    const parsed = parseNpy(spikesNpy({}));
    expect(parsed).toMatchObject({ count: 0, widthChars: 1, records: [] });
    expect(parseNpy(spikesNpy({ E: spikes([], []) })).count).toBe(0);
  });

  it('streams: a large population comes in bounded chunks whose concatenation is the file', () => {
    const n = 200_000;
    const big = {
      P: spikes(
        Array.from({ length: n }, (_, k) => Math.floor(k / 1000) * 0.1),
        Array.from({ length: n }, (_, k) => k % 1000),
      ),
    };
    const chunks = [...spikesNpyChunks(big)];
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(65536 * 16);
    const parsed = parseNpy(spikesNpy(big));
    expect(parsed.count).toBe(n);
    expect(parsed.records[123_456]).toEqual({ population: 'P', timeMs: 12.3, id: 456 });
  });

  it('reads back with numpy.load: names, times and ids', () => {
    const path = join(tmp, 'sample.npy');
    writeFileSync(path, spikesNpy(SAMPLE));
    const script = `
import json, sys, numpy
a = numpy.load(sys.argv[1])
print(json.dumps({"descr": str(a.dtype.descr), "rows": [[str(r['population']), float(r['time_ms']), int(r['id'])] for r in a]}))
`;
    const py = spawnSync(PYTHON, ['-c', script, path], { encoding: 'utf8' });
    expect(py.status, `numpy must be importable by ${PYTHON} (Debian: python3-numpy): ${py.stderr}`).toBe(0);
    const out = JSON.parse(py.stdout);
    expect(out.descr).toBe("[('population', '<U14'), ('time_ms', '<f8'), ('id', '<u4')]");
    expect(out.rows).toEqual([
      ['E', 0.3, 12],
      ['E', 0.7, 3],
      ['E', 0.7, 4],
      ["it's ünïcode 🧠", 1.5, 0],
    ]);
  });
});

describe('spikegpu run --out x.npy', () => {
  it('holds the spikes of --out x.json, read by numpy.load', async () => {
    const run = ['run', 'cuba', '--set', 'n=1000', '--duration', '200', '--backend', 'cpu'];
    const [npy, json] = await Promise.all([cli(...run, '--out', join(tmp, 'cuba.npy')), cli(...run, '--out', join(tmp, 'cuba.json'))]);
    expect(npy.code, npy.stderr).toBe(0);
    expect(json.code, json.stderr).toBe(0);
    // NumPy gives back per population exactly the JSON's times and ids, in the same order.
    const script = `
import json, sys, numpy
a = numpy.load(sys.argv[1])
ref = json.load(open(sys.argv[2]))["populations"]
assert list(dict.fromkeys(a["population"])) == [p for p in ref if ref[p]["ids"]], "population order"
for name, p in ref.items():
    rows = a[a["population"] == name]
    assert rows["time_ms"].tolist() == p["times"], name + ": times differ"
    assert rows["id"].tolist() == p["ids"], name + ": ids differ"
print(json.dumps({name: int((a["population"] == name).sum()) for name in ref}))
`;
    const py = spawnSync(PYTHON, ['-c', script, join(tmp, 'cuba.npy'), join(tmp, 'cuba.json')], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const counts = JSON.parse(py.stdout) as Record<string, number>;
    const reference = JSON.parse(readFileSync(join(tmp, 'cuba.json'), 'utf8')).populations;
    expect(counts).toEqual({ E: reference.E.ids.length, I: reference.I.ids.length });
    expect(counts.E + counts.I).toBeGreaterThan(100);
  });

  it('warns that record.state traces stay out of it, and writes the spikes', async () => {
    const spec = join(tmp, 'state.json');
    const cuba = builtinNetwork('cuba', { n: 400 });
    writeFileSync(spec, JSON.stringify({ ...cuba, record: { spikes: ['E'], state: [{ pop: 'E', var: 'v', ids: [0, 1] }] } }));
    const r = await cli('run', spec, '--duration', '100', '--backend', 'cpu', '--out', join(tmp, 'state.npy'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`spikegpu: warning: record.state traces are written to .json files only; ${join(tmp, 'state.npy')} holds the spikes alone`);
    expect(parseNpy(readFileSync(join(tmp, 'state.npy'))).count).toBeGreaterThan(0);
  });
});
