/**
 * Encoder blocks in specs (src/encoding/specEncoder.ts): each kind gives what its encoder
 * function gives on the same data, problems are SpecErrors at the block's paths, validateSpec
 * refuses a block nobody resolved, the schema describes them, and `spikegpu run` resolves them
 * relative to the spec file.
 */
import Ajv from 'ajv';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dvsToSpikes,
  greyImage,
  imageToRates,
  latencyCode,
  parseDvsCsv,
  parseDvsNpy,
  populationCodeVector,
  rankOrderCode,
  rateCode,
  resolveEncoders,
} from '../../src/encoding/index.ts';
import * as api from '../../src/index.ts';
import { SpecError } from '../../src/netspec/errors.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';
import { spikeTick } from '../../src/models/spikeSource.ts';
import { npyHeader } from '../../src/results/npy.ts';
import { cli, ROOT } from '../helpers/cli.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON documents, read and broken key by key
type Doc = any;

const FIXTURES = join(ROOT, 'test/fixtures/encoder');
const fixture = (name: string): Uint8Array => readFileSync(join(FIXTURES, name));
const text = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** What the fixture files hold, written out here (not parsed with the code under test). */
const RATES_TXT = [0, 1, 0.5, 2, -1];
const VALUES_CSV = [0.2, 0.9, 0, 0.5, 1];
const IMAGE = [0, 64, 128, 255, 255, 128, 64, 0, 10, 20, 30, 40]; // 4 × 3

const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-encoder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A spec of one population, X. */
function specOf(population: Doc): Doc {
  return { version: 1, dt: 0.1, populations: { X: population } };
}

/** readFile over the fixture folder, with in-memory files that take precedence. */
function files(extra: Record<string, Uint8Array | string> = {}): (path: string) => Uint8Array {
  return (path) => {
    if (Object.hasOwn(extra, path)) {
      const f = extra[path];
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    }
    return fixture(path);
  };
}

function resolveX(population: Doc, extra: Record<string, Uint8Array | string> = {}): Doc {
  return (resolveEncoders(specOf(population), files(extra)) as Doc).populations.X;
}

/** The SpecError that resolving throws. */
function resolveError(population: Doc, extra: Record<string, Uint8Array | string> = {}): SpecError {
  try {
    resolveX(population, extra);
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('expected a SpecError');
}

/** A plain .npy array of the given dtype and shape (what numpy.save writes). */
function npy(descr: string, shape: number[], values: number[]): Uint8Array {
  const header = npyHeader(`'${descr}'`, 1);
  const dict = new TextDecoder('latin1').decode(header.subarray(10)).replace('(1,)', `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
  const bytes = descr.slice(-1) === '8' ? 8 : descr.slice(-1) === '4' ? 4 : descr.slice(-1) === '2' ? 2 : 1;
  const out = new Uint8Array(10 + dict.length + values.length * bytes);
  out.set(header.subarray(0, 10));
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + dict.length);
  values.forEach((v, k) => {
    if (descr === '<f8') view.setFloat64(k * 8, v, true);
    else if (descr === '<f4') view.setFloat32(k * 4, v, true);
    else if (descr === '<i2') view.setInt16(k * 2, v, true);
    else if (descr === '|u1') view.setUint8(k, v);
    else throw new Error(descr);
  });
  return out;
}

describe('resolveEncoders: each kind gives what its encoder gives', () => {
  it('rate, from text: params.rate = rateCode of the numbers; the rest of the population kept', () => {
    const x = resolveX({ model: 'poisson', size: 5, encoder: { kind: 'rate', file: 'rates.txt', maxRateHz: 80, min: -1, max: 1 } });
    expect(x).toEqual({ model: 'poisson', size: 5, params: { rate: rateCode(RATES_TXT, { maxRateHz: 80, min: -1, max: 1 }) } });
    expect(x.params.rate).toEqual([40, 80, 60, 80, 0]);
  });

  it('rate, from a NumPy .npy array (float32 as numpy.save wrote it, float64, int16 of any shape)', () => {
    const f4 = Array.from(Float32Array.from(RATES_TXT));
    expect(resolveX({ model: 'poisson', size: 5, encoder: { kind: 'rate', file: 'rates.npy', maxRateHz: 100 } }).params.rate).toEqual(
      rateCode(f4, { maxRateHz: 100 }),
    );
    const extra = { 'a.npy': npy('<f8', [3], [0.25, 0.5, 0.125]), 'b.npy': npy('<i2', [2, 2], [0, 5, 10, -3]) };
    expect(resolveX({ model: 'poisson', size: 3, encoder: { kind: 'rate', file: 'a.npy', maxRateHz: 8 } }, extra).params.rate).toEqual([2, 4, 1]);
    expect(resolveX({ model: 'poisson', size: 4, encoder: { kind: 'rate', file: 'b.npy', maxRateHz: 10, max: 10 } }, extra).params.rate).toEqual(
      rateCode([0, 5, 10, -3], { maxRateHz: 10, max: 10 }),
    );
  });

  it('image: a PGM (P2), CSV rows, a 2-D .npy (numpy.save) and a P5 PGM all give imageToRates of the same pixels', () => {
    const expected = imageToRates(greyImage(IMAGE, 4, 3), { maxRateHz: 100 });
    const p5 = new Uint8Array([...new TextEncoder().encode('P5\n# binary\n4 3\n255\n'), ...IMAGE]);
    for (const file of ['image.pgm', 'image.csv', 'image.npy', 'p5.pgm'])
      expect(resolveX({ model: 'poisson', size: 12, encoder: { kind: 'image', file, maxRateHz: 100 } }, { 'p5.pgm': p5 }).params.rate, file).toEqual(expected);
  });

  it('image: a PGM with maxval < 255 is scaled to 0 … 255', () => {
    const pgm = 'P2 2 1 15\n0 15\n';
    expect(resolveX({ model: 'poisson', size: 2, encoder: { kind: 'image', file: 'm.pgm', maxRateHz: 50 } }, { 'm.pgm': pgm }).params.rate).toEqual([0, 50]);
  });

  it('population: params.rate = populationCodeVector of the numbers, size = numbers × neurons', () => {
    const options = { neurons: 4, min: 0, max: 1, sigma: 0.2, maxRateHz: 60 };
    const x = resolveX({ model: 'poisson', size: 20, encoder: { kind: 'population', file: 'values.csv', ...options } });
    expect(x.params.rate).toEqual(populationCodeVector(VALUES_CSV, options));
  });

  it('latency: times and ids = latencyCode of the numbers (a header line skipped); capacity kept', () => {
    const options = { tMaxMs: 20, mode: 'log' as const, threshold: 0.1 };
    const x = resolveX({ model: 'spikeSource', size: 5, capacity: 40, encoder: { kind: 'latency', file: 'values.csv', ...options } });
    expect(x).toEqual({ model: 'spikeSource', size: 5, capacity: 40, ...latencyCode(VALUES_CSV, options) });
    expect(x.ids.length).toBeGreaterThan(0);
  });

  it('rankOrder: times and ids = rankOrderCode of the numbers', () => {
    const options = { intervalMs: 0.5, startMs: 2, maxSpikes: 3 };
    const x = resolveX({ model: 'spikeSource', size: 5, encoder: { kind: 'rankOrder', file: 'values.csv', ...options } });
    expect({ times: x.times, ids: x.ids }).toEqual(rankOrderCode(VALUES_CSV, options));
    expect(x.ids).toEqual([4, 1, 3]);
  });

  it('dvs, from CSV: times and ids = dvsToSpikes(parseDvsCsv(text)), with its options', () => {
    const options = { width: 4, height: 3, startMs: 1, durationMs: 40 };
    const x = resolveX({ model: 'spikeSource', size: 24, encoder: { kind: 'dvs', file: 'events.csv', ...options } });
    const { times, ids } = dvsToSpikes(parseDvsCsv(text('events.csv')), options);
    expect({ times: x.times, ids: x.ids }).toEqual({ times, ids });
    expect(ids.length).toBe(8); // events from 1 ms to 41 ms on the recording's clock
  });

  it('dvs, from a tonic .npy (numpy.save of a structured array), timeUnit passed on', () => {
    const x = resolveX({ model: 'spikeSource', size: 24, encoder: { kind: 'dvs', file: 'events.npy', width: 4, height: 3, timeUnit: 'ms' } });
    const { times, ids } = dvsToSpikes(parseDvsNpy(fixture('events.npy')), { width: 4, height: 3, timeUnit: 'ms' });
    expect({ times: x.times, ids: x.ids }).toEqual({ times, ids });
    expect(x.times).toEqual([0, 20, 1000, 1500, 11000]);
  });

  it('resolves every block, returns a copy (the input unchanged), and the result validates', () => {
    const doc = JSON.parse(text('dvs-and-rates.json'));
    const before = structuredClone(doc);
    const out = resolveEncoders(doc, files()) as Doc;
    expect(doc).toEqual(before);
    expect(out).not.toBe(doc);
    expect(out.populations.out).toBe(doc.populations.out);
    expect(out.populations.events).not.toHaveProperty('encoder');
    expect(out.populations.rates.params.rate).toEqual([0, 10000, 5000, 10000, 0]);
    expect(validateSpec(out)).toBe(out);
  });

  it('a document without encoder blocks (or not a spec at all) is returned as it is; readFile is not called', () => {
    const never = () => {
      throw new Error('read');
    };
    const doc = specOf({ model: 'poisson', size: 2, params: { rate: 5 } });
    expect(resolveEncoders(doc, never)).toBe(doc);
    for (const x of [null, 3, [], { populations: 1 }]) expect(resolveEncoders(x, never)).toBe(x);
  });

  it('is exported from the package entry point', () => {
    expect(api.resolveEncoders).toBe(resolveEncoders);
    expect(api.encoderKinds).toEqual({ poisson: ['rate', 'image', 'population'], spikeSource: ['latency', 'rankOrder', 'dvs'] });
  });
});

describe('resolveEncoders: problems are SpecErrors at the block', () => {
  const rate = (encoder: Doc, size = 5): Doc => ({ model: 'poisson', size, encoder: { kind: 'rate', file: 'rates.txt', maxRateHz: 10, ...encoder } });

  it('a size that is not what the encoder yields names the path and both numbers', () => {
    const e = resolveError(rate({}, 4));
    expect(e.path).toBe('populations.X.encoder');
    expect(e.message).toBe("populations.X.encoder: yields 5 neurons (5 values in the file, one neuron each), but the population's size is 4");
    expect(resolveError({ model: 'poisson', size: 100, encoder: { kind: 'image', file: 'image.pgm', maxRateHz: 1 } }).message).toBe(
      "populations.X.encoder: yields 12 neurons (a 4 × 3 image, one neuron per pixel), but the population's size is 100",
    );
    expect(resolveError({ model: 'spikeSource', size: 12, encoder: { kind: 'dvs', file: 'events.csv', width: 4, height: 3 } }).message).toBe(
      "populations.X.encoder: yields 24 neurons (a 4 × 3 sensor, OFF and ON per pixel), but the population's size is 12",
    );
  });

  it('an unknown kind suggests the nearest one; a kind of the other model says which model it feeds', () => {
    const e = resolveError(rate({ kind: 'rat' }));
    expect(e.path).toBe('populations.X.encoder.kind');
    expect(e.message).toBe('populations.X.encoder.kind: unknown encoder kind "rat" (did you mean "rate"?); expected one of: rate, image, population');
    expect(resolveError({ model: 'spikeSource', size: 5, encoder: { kind: 'rankorder', file: 'values.csv' } }).message).toContain(
      '(did you mean "rankOrder"?)',
    );
    expect(resolveError(rate({ kind: 'latency' })).message).toBe(
      'populations.X.encoder.kind: encoder kind "latency" feeds a spikeSource population, not a poisson one; a poisson population takes: rate, image, population',
    );
    expect(resolveError(rate({ kind: undefined })).message).toBe('populations.X.encoder.kind: is required; expected one of: rate, image, population');
  });

  it('a file that cannot be read: at .file, naming it', () => {
    const e = resolveError(rate({ file: 'missing.txt' }));
    expect(e.path).toBe('populations.X.encoder.file');
    expect(e.message).toMatch(/^populations\.X\.encoder\.file: cannot read "missing\.txt": ENOENT: no such file or directory/);
    expect(resolveError(rate({ file: '' })).message).toMatch(/^populations\.X\.encoder\.file: must be the path of the data file .*got ""$/);
    expect(resolveError(rate({ file: undefined })).path).toBe('populations.X.encoder.file');
  });

  it('bad data: at .file, naming the file and the line', () => {
    const cases: [Doc, Record<string, string | Uint8Array>, string][] = [
      [rate({ file: 'r.txt' }), { 'r.txt': '1 2\n3 x 4\n' }, '"r.txt": line 2: "x" is not a number'],
      [rate({ file: 'r.txt' }), { 'r.txt': '# nothing\n' }, '"r.txt": no numbers in the file'],
      [rate({ file: 'r.txt' }), { 'r.txt': new Uint8Array([0xff, 0xfe, 0x31]) }, '"r.txt": neither UTF-8 text nor a NumPy .npy file'],
      [rate({ file: 'r.npy' }), { 'r.npy': npy('<f8', [5], [1, 2, 3, 4, NaN]) }, '"r.npy": value 4 (NaN) is not a finite number that a double holds exactly'],
      [rate({ file: 'events.npy' }), {}, '"events.npy": a structured .npy array or one without a dtype; expected a plain array of numbers'],
      [
        { model: 'poisson', size: 2, encoder: { kind: 'image', file: 'i.csv', maxRateHz: 1 } },
        { 'i.csv': '1,2\n3\n' },
        '"i.csv": line 2: 1 pixel, but the first row has 2',
      ],
      [{ model: 'poisson', size: 2, encoder: { kind: 'image', file: 'i.csv', maxRateHz: 1 } }, { 'i.csv': '1,256\n' }, '"i.csv": line 1: "256" is not a pixel'],
      [{ model: 'poisson', size: 2, encoder: { kind: 'image', file: 'i.pgm', maxRateHz: 1 } }, { 'i.pgm': 'P6 1 1 255 abc' }, '"i.pgm": a P6 Netpbm file'],
      [
        { model: 'poisson', size: 4, encoder: { kind: 'image', file: 'i.pgm', maxRateHz: 1 } },
        { 'i.pgm': 'P5 2 2 255\n\x01' },
        '"i.pgm": PGM: 2 × 2 pixels need at least 4 bytes',
      ],
      [
        { model: 'spikeSource', size: 24, encoder: { kind: 'dvs', file: 'e.csv', width: 4, height: 3 } },
        { 'e.csv': 't,x,y,p\n1,0,0,1\n2,zero,0,1\n' },
        '"e.csv": line 3: x must be a number, got "zero"',
      ],
    ];
    for (const [population, extra, message] of cases) {
      const e = resolveError(population, extra);
      expect(e.path, message).toBe('populations.X.encoder.file');
      expect(e.problem).toContain(message);
    }
  });

  it('options: unknown keys suggest, required ones are named, the encoders’ range checks land on the option', () => {
    expect(resolveError(rate({ maxRate: 3 })).message).toBe(
      'populations.X.encoder.maxRate: unknown key for encoder kind rate (did you mean "maxRateHz"?); expected one of: kind, file, maxRateHz, min, max',
    );
    expect(resolveError(rate({ maxRateHz: undefined })).message).toBe('populations.X.encoder.maxRateHz: is required for encoder kind rate (rate at max, Hz)');
    expect(resolveError(rate({ maxRateHz: -1 })).message).toBe('populations.X.encoder.maxRateHz: must be ≥ 0, got -1');
    expect(resolveError(rate({ min: 2 })).message).toBe('populations.X.encoder.max: must be > min, got min 2 and max 1');
    const dvs = (o: Doc): Doc => ({ model: 'spikeSource', size: 24, encoder: { kind: 'dvs', file: 'events.csv', width: 4, height: 3, ...o } });
    expect(resolveError(dvs({ timeUnit: 'ns' })).message).toBe(`populations.X.encoder.timeUnit: must be 'us', 'ms' or 's', got "ns"`);
    expect(resolveError(dvs({ width: 2, height: 6 })).message).toBe(
      'populations.X.encoder: "events.csv": event 1: x = 3 is not an integer in [0, 2) (width 2)',
    );
    expect(resolveError({ model: 'spikeSource', size: 5, encoder: { kind: 'latency', file: 'values.csv', tMaxMs: 5, tauMs: 1 } }).message).toBe(
      "populations.X.encoder.tauMs: applies to mode 'log' only",
    );
  });

  it('what an encoder gives may not be given as well; encoders feed poisson and spikeSource only', () => {
    expect(resolveError({ ...rate({}), params: { rate: 5 } }).message).toBe('populations.X.params.rate: is given by the encoder; give one or the other');
    expect(resolveError({ ...rate({}), rateTable: { every: 1, rates: [1] } }).path).toBe('populations.X.rateTable');
    const s = { model: 'spikeSource', size: 5, encoder: { kind: 'rankOrder', file: 'values.csv', intervalMs: 1 } };
    expect(resolveError({ ...s, times: [1], ids: [0] }).message).toBe(
      'populations.X.times: is given by the encoder; give the encoder or times and ids, not both',
    );
    expect(resolveError({ ...s, ids: [] }).path).toBe('populations.X.ids');
    expect(resolveError({ model: 'lif', size: 5, encoder: s.encoder }).message).toBe(
      'populations.X.encoder: encoders feed poisson populations (rates) and spikeSource populations (spikes), not "lif"',
    );
    expect(resolveError({ model: 'poisson', size: 5, encoder: 'rates.txt' }).message).toBe(
      'populations.X.encoder: must be an object {"kind", "file", ...options}, got "rates.txt"',
    );
  });
});

describe('validateSpec and encoder blocks', () => {
  const message = 'encoder blocks name data files: load the spec with the CLI, or call resolveEncoders(spec, readFile) first';

  it.each([
    ['poisson', { model: 'poisson', size: 5, encoder: { kind: 'rate', file: 'rates.txt', maxRateHz: 10 } }],
    ['spikeSource', { model: 'spikeSource', size: 24, encoder: { kind: 'dvs', file: 'events.csv', width: 4, height: 3 } }],
    ['poisson with a misspelt key as well', { model: 'poisson', size: 5, encoders: 1, encoder: {} }],
  ])('refuses an unresolved block on %s, saying how to resolve it', (_label, population) => {
    expect(() => validateSpec(specOf(population))).toThrow(new SpecError('populations.X.encoder', message));
  });

  it('Simulator.create refuses it as well', async () => {
    const spec = specOf({ model: 'poisson', size: 5, encoder: { kind: 'rate', file: 'rates.txt', maxRateHz: 10 } });
    await expect(api.Simulator.create(spec, { backend: 'cpu' })).rejects.toThrow(new SpecError('populations.X.encoder', message));
  });

  it('on other models an encoder is an unknown key', () => {
    expect(() => validateSpec(specOf({ model: 'lif', size: 1, encoder: {} }))).toThrow(/^populations\.X\.encoder: unknown key/);
  });
});

describe('the schema describes encoder blocks', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema/spec-v1.json'), 'utf8'));
  const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
  const accepts = (doc: Doc) => validate(JSON.parse(JSON.stringify(doc))) as boolean;
  const poisson = (x: Doc): Doc => specOf({ model: 'poisson', size: 5, ...x });
  const source = (x: Doc): Doc => specOf({ model: 'spikeSource', size: 24, ...x });
  const rate = { kind: 'rate', file: 'rates.txt', maxRateHz: 10 };
  const dvs = { kind: 'dvs', file: 'events.csv', width: 4, height: 3 };

  it('accepts the fixture spec, each kind, and the resolved documents', () => {
    const doc = JSON.parse(text('dvs-and-rates.json'));
    expect(accepts(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(accepts(resolveEncoders(doc, files()))).toBe(true);
    for (const encoder of [
      rate,
      { ...rate, min: -1, max: 2 },
      { kind: 'image', file: 'image.pgm', maxRateHz: 5 },
      { kind: 'population', file: 'v.csv', neurons: 4, min: 0, max: 1, maxRateHz: 5, sigma: 0.1 },
    ])
      expect(accepts(poisson({ encoder })), JSON.stringify(encoder)).toBe(true);
    expect(accepts(poisson({ encoder: rate, params: {} }))).toBe(true);
    for (const encoder of [
      dvs,
      { ...dvs, timeUnit: 'ms', startMs: 3, durationMs: 10 },
      { kind: 'latency', file: 'v.csv', tMaxMs: 10, mode: 'log', threshold: 0.1, tauMs: 2, min: 0, max: 1 },
      { kind: 'rankOrder', file: 'v.csv', intervalMs: 1, startMs: 0, threshold: 0, maxSpikes: 3 },
    ])
      expect(accepts(source({ encoder })), JSON.stringify(encoder)).toBe(true);
    expect(accepts(source({ encoder: dvs, capacity: 100 }))).toBe(true);
  });

  it.each([
    ['an encoder and params.rate', poisson({ encoder: rate, params: { rate: 5 } })],
    ['an encoder and a rateTable', poisson({ encoder: rate, rateTable: { every: 1, rates: [1] } })],
    ['an encoder and times', source({ encoder: dvs, times: [1] })],
    ['an encoder and ids', source({ encoder: dvs, ids: [0] })],
    ['an unknown kind', poisson({ encoder: { ...rate, kind: 'rates' } })],
    ['a kind of the other model', poisson({ encoder: dvs })],
    ['a missing required option', poisson({ encoder: { kind: 'rate', file: 'r.txt' } })],
    ['a missing file', source({ encoder: { kind: 'dvs', width: 4, height: 3 } })],
    ['an unknown option', poisson({ encoder: { ...rate, maxRate: 1 } })],
    ['a negative maxRateHz', poisson({ encoder: { ...rate, maxRateHz: -1 } })],
    ['a timeUnit that is not one', source({ encoder: { ...dvs, timeUnit: 'ns' } })],
    ['an encoder on a lif population', specOf({ model: 'lif', size: 5, encoder: rate })],
  ])('rejects %s', (_label, doc) => {
    expect(accepts(doc)).toBe(false);
  });
});

describe('spikegpu run with encoder blocks (files relative to the spec)', () => {
  it('runs a spec with a DVS CSV encoder and a rate encoder: the spikes are what the encoders imply', async () => {
    const specPath = join('test/fixtures/encoder', 'dvs-and-rates.json');
    const out = join(tmp, 'spikes.json');
    const r = await cli('run', specPath, '--backend', 'cpu', '--duration', '50', '--json', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const spikes = JSON.parse(readFileSync(out, 'utf8')).populations;

    // The DVS source: one spike per distinct (channel, tick) of the events in the first 500 ticks.
    const dt = 0.1;
    const events = dvsToSpikes(parseDvsCsv(text('events.csv')), { width: 4, height: 3 });
    const expected = new Set<string>();
    events.times.forEach((t, k) => {
      if (spikeTick(t, dt) < 500) expected.add(`${events.ids[k]}@${spikeTick(t, dt)}`);
    });
    expect(expected.size).toBe(7); // 12 events: 3 duplicates within a tick, 2 after 50 ms
    expect(summary.populations.events).toMatchObject({ size: 24, spikes: expected.size });
    const got = spikes.events.ids.map((id: number, k: number) => `${id}@${spikeTick(spikes.events.times[k], dt)}`);
    expect(new Set(got)).toEqual(expected);
    expect(got.length).toBe(expected.size);

    // The rates: [0, 1, 0.5, 2, -1] · 10 kHz clipped to [0, 10 kHz]: p = rate · dt = 0, 1, ½, 1, 0 per tick.
    const perNeuron = [0, 0, 0, 0, 0];
    for (const id of spikes.rates.ids) perNeuron[id]++;
    expect([perNeuron[0], perNeuron[1], perNeuron[3], perNeuron[4]]).toEqual([0, 500, 500, 0]);
    expect(perNeuron[2]).toBeGreaterThan(200);
    expect(perNeuron[2]).toBeLessThan(300);
    expect(summary.populations.rates.spikes).toBe(perNeuron.reduce((a, b) => a + b, 0));
  });

  it('export prints the resolved spec; a missing data file is exit 2 with the path', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify(specOf({ model: 'poisson', size: 3, encoder: { kind: 'rate', file: 'nope.csv', maxRateHz: 1 } })));
    const [exported, missing] = await Promise.all([cli('export', 'test/fixtures/encoder/dvs-and-rates.json'), cli('run', bad, '--backend', 'cpu')]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout).populations.rates.params.rate).toEqual([0, 10000, 5000, 10000, 0]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^spikegpu: populations\.X\.encoder\.file: cannot read "nope\.csv": ENOENT: no such file or directory, open '.*nope\.csv'\n$/,
    );
    expect(missing.stderr).toContain(join(tmp, 'nope.csv'));
  });
});
