/**
 * Encoder blocks in a spec: a `poisson` or `spikeSource` population may name a data file and
 * an encoder instead of giving its rates or spikes inline,
 *
 *     "input": { "model": "poisson", "size": 784, "encoder": { "kind": "image", "file": "digit.pgm", "maxRateHz": 100 } }
 *
 * and `resolveEncoders` replaces each block by what its encoder gives (`params.rate`, or
 * `times` and `ids`). Pure: the caller reads the files (the CLI relative to the spec's folder,
 * a browser from an upload), so this runs anywhere. See docs/encoding.md.
 */
import { at, SpecError } from '../netspec/errors.ts';
import { suggest } from '../netspec/validateSpec.ts';
import { parseDvsCsv, parseDvsNpy, dvsToSpikes, type DvsTimeUnit } from './dvs.ts';
import { isNpy, NPY_SCALARS, readNpyHeader } from './npyFile.ts';
import { greyImage, imageToRates, type GreyImage } from './image.ts';
import { latencyCode } from './latency.ts';
import { populationCodeVector } from './population.ts';
import { rankOrderCode } from './rankOrder.ts';
import { rateCode } from './rate.ts';

type Obj = Record<string, unknown>;

/** An encoder block as a spec writes it: the kind, the data file, and the encoder's options. */
export interface EncoderSpec {
  kind: EncoderKind;
  /** The data file; `readFile` resolves it (the CLI: relative to the spec file's folder). */
  file: string;
  [option: string]: unknown;
}

/** What an encoder gives a population: rates (poisson) or spikes (spikeSource), and how many neurons they need. */
type Encoded = { rates: number[]; neurons: number; what: string } | { times: number[]; ids: number[]; neurons: number; what: string };

interface KindInfo {
  /** The population model the kind feeds. */
  model: 'poisson' | 'spikeSource';
  /** Options besides kind and file: whether each is required, and what it is (for messages). */
  options: Record<string, { required?: boolean; doc: string }>;
  encode(bytes: Uint8Array, options: Obj): Encoded;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The encoder kinds a spec may name, with the population model each feeds and its options. */
const KINDS = {
  rate: {
    model: 'poisson',
    options: {
      maxRateHz: { required: true, doc: 'rate at max, Hz' },
      min: { doc: 'value that maps to 0 Hz, default 0' },
      max: { doc: 'value that maps to maxRateHz, default 1' },
    },
    encode(bytes, o) {
      const values = readNumbers(bytes);
      const rates = rateCode(values, { maxRateHz: o.maxRateHz as number, min: o.min as number | undefined, max: o.max as number | undefined });
      return { rates, neurons: values.length, what: `${plural(values.length, 'value')} in the file, one neuron each` };
    },
  },
  image: {
    model: 'poisson',
    options: { maxRateHz: { required: true, doc: 'rate of a white (255) pixel, Hz' } },
    encode(bytes, o) {
      const img = readImage(bytes);
      const n = img.width * img.height;
      return { rates: imageToRates(img, { maxRateHz: o.maxRateHz as number }), neurons: n, what: `a ${img.width} × ${img.height} image, one neuron per pixel` };
    },
  },
  population: {
    model: 'poisson',
    options: {
      neurons: { required: true, doc: 'neurons per value, an integer ≥ 2' },
      min: { required: true, doc: 'preferred value of the first neuron' },
      max: { required: true, doc: 'preferred value of the last neuron' },
      sigma: { doc: 'width of each receptive field, default the spacing of the centres' },
      maxRateHz: { required: true, doc: 'rate of a neuron whose centre is the value, Hz' },
    },
    encode(bytes, o) {
      const values = readNumbers(bytes);
      const rates = populationCodeVector(values, {
        neurons: o.neurons as number,
        min: o.min as number,
        max: o.max as number,
        sigma: o.sigma as number | undefined,
        maxRateHz: o.maxRateHz as number,
      });
      return { rates, neurons: rates.length, what: `${plural(values.length, 'value')} in the file, ${o.neurons as number} neurons each` };
    },
  },
  latency: {
    model: 'spikeSource',
    options: {
      tMaxMs: { required: true, doc: 'length of the coding window, ms' },
      mode: { doc: '"linear" (default) or "log"' },
      min: { doc: 'value that normalises to 0, default 0' },
      max: { doc: 'value that normalises to 1, default 1' },
      threshold: { doc: 'normalised values at or below it stay silent' },
      tauMs: { doc: 'log mode: time constant, ms' },
    },
    encode(bytes, o) {
      const values = readNumbers(bytes);
      const spikes = latencyCode(values, {
        tMaxMs: o.tMaxMs as number,
        mode: o.mode as 'linear' | 'log' | undefined,
        min: o.min as number | undefined,
        max: o.max as number | undefined,
        threshold: o.threshold as number | undefined,
        tauMs: o.tauMs as number | undefined,
      });
      return { ...spikes, neurons: values.length, what: `${plural(values.length, 'value')} in the file, one neuron each` };
    },
  },
  rankOrder: {
    model: 'spikeSource',
    options: {
      intervalMs: { required: true, doc: 'time between consecutive ranks, ms' },
      startMs: { doc: 'time of the first spike, ms, default 0' },
      threshold: { doc: 'values at or below it stay silent, default 0' },
      maxSpikes: { doc: 'keep only the first ranks' },
    },
    encode(bytes, o) {
      const values = readNumbers(bytes);
      const spikes = rankOrderCode(values, {
        intervalMs: o.intervalMs as number,
        startMs: o.startMs as number | undefined,
        threshold: o.threshold as number | undefined,
        maxSpikes: o.maxSpikes as number | undefined,
      });
      return { ...spikes, neurons: values.length, what: `${plural(values.length, 'value')} in the file, one neuron each` };
    },
  },
  dvs: {
    model: 'spikeSource',
    options: {
      width: { required: true, doc: 'sensor width, pixels' },
      height: { required: true, doc: 'sensor height, pixels' },
      timeUnit: { doc: 'unit of the events\' t: "us" (default), "ms" or "s"' },
      startMs: { doc: "time on the recording's clock, ms, that becomes 0; default the first event" },
      durationMs: { doc: 'keep events before startMs + durationMs' },
    },
    encode(bytes, o) {
      const events = isNpy(bytes) ? readData(() => parseDvsNpy(bytes)) : readData(() => parseDvsCsv(decodeText(bytes)));
      const { times, ids, size } = dvsToSpikes(events, {
        width: o.width as number,
        height: o.height as number,
        timeUnit: o.timeUnit as DvsTimeUnit | undefined,
        startMs: o.startMs as number | undefined,
        durationMs: o.durationMs as number | undefined,
      });
      return { times, ids, neurons: size, what: `a ${o.width as number} × ${o.height as number} sensor, OFF and ON per pixel` };
    },
  },
} satisfies Record<string, KindInfo>;

export type EncoderKind = keyof typeof KINDS;

/**
 * The encoder kinds a spec may name, by the population model they feed.
 * @example encoderKinds.spikeSource // ['latency', 'rankOrder', 'dvs']
 */
export const encoderKinds: Record<'poisson' | 'spikeSource', EncoderKind[]> = {
  poisson: (Object.keys(KINDS) as EncoderKind[]).filter((k) => KINDS[k].model === 'poisson'),
  spikeSource: (Object.keys(KINDS) as EncoderKind[]).filter((k) => KINDS[k].model === 'spikeSource'),
};

/** A problem with a data file's contents: reported at the encoder's `file`, naming the file. */
class DataError extends Error {}

/** Runs a reader of this module's or of dvs.ts, turning what it throws into a DataError. */
function readData<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DataError || !(e instanceof Error)) throw e;
    throw new DataError(e.message.replace(/^\w+: /, ''));
  }
}

/** UTF-8 text (a BOM allowed); invalid bytes are an error, not replacement characters. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError('neither UTF-8 text nor a NumPy .npy file');
  }
}

/** A decimal number as text: no hex, no Infinity or NaN, no empty cell. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Lines of cells (comma-, space- or tab-separated), skipping blank lines and `#` comments, each with its 1-based line number. */
function textRows(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line !== '' && !line.startsWith('#')) rows.push({ line: i + 1, cells: line.split(/\s*,\s*|\s+/) });
  });
  return rows;
}

/**
 * Numbers from a data file: a NumPy `.npy` array of bools, integers or floats (any shape, read
 * in C order), or text with numbers separated by commas, spaces, tabs or newlines (blank lines
 * and `#` comments skipped; a first line with no number at all is a header and skipped).
 */
function readNumbers(bytes: Uint8Array): number[] {
  if (isNpy(bytes)) return readNpy(bytes).values;
  const rows = textRows(decodeText(bytes));
  if (rows.length && rows[0].cells.every((c) => !NUMBER.test(c))) rows.shift();
  const values: number[] = [];
  for (const { line, cells } of rows)
    for (const cell of cells) {
      if (!NUMBER.test(cell)) throw new DataError(`line ${line}: ${JSON.stringify(cell)} is not a number`);
      const x = Number(cell);
      if (!Number.isFinite(x)) throw new DataError(`line ${line}: ${cell} is not a finite number`);
      values.push(x);
    }
  if (values.length === 0) throw new DataError('no numbers in the file');
  return values;
}

/**
 * A plain (non-structured) NumPy `.npy` array, format 1.0, 2.0 or 3.0: its values in C order
 * and its shape. Refused, saying why: structured arrays, big-endian or non-numeric dtypes,
 * Fortran order (for more than one dimension), truncated data, values that are not finite.
 */
function readNpy(bytes: Uint8Array): { values: number[]; shape: number[] } {
  const { header, dataStart, view } = readData(() => readNpyHeader(bytes, 'readNpy'));
  const descr = header.descr;
  if (typeof descr !== 'string')
    throw new DataError(`a structured .npy array or one without a dtype; expected a plain array of numbers (dtype ${JSON.stringify(descr)})`);
  const dtype = /^([<>|=]?)([biuf])(\d+)$/.exec(descr);
  const scalar = dtype && NPY_SCALARS[dtype[2] + dtype[3]];
  if (!dtype || !scalar) throw new DataError(`.npy dtype ${JSON.stringify(descr)}; expected bools, integers or floats`);
  if (dtype[1] === '>' && scalar.bytes > 1)
    throw new DataError(`a big-endian .npy array (${descr}); save it little-endian (numpy: a.astype('<${dtype[2]}${dtype[3]}'))`);
  const shape = header.shape;
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0))
    throw new DataError(`an invalid .npy shape (${JSON.stringify(shape)})`);
  if (header.fortran_order === true && shape.filter((d) => (d as number) > 1).length > 1)
    throw new DataError('a Fortran-order .npy array; save a C-order one (numpy.ascontiguousarray)');
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (bytes.length < dataStart + count * scalar.bytes)
    throw new DataError(
      `the .npy data are truncated: ${count} values of ${scalar.bytes} bytes need ${count * scalar.bytes} bytes, the file has ${bytes.length - dataStart}`,
    );
  const values = new Array<number>(count);
  for (let k = 0; k < count; k++) {
    const x = scalar.read(view, dataStart + k * scalar.bytes);
    if (!Number.isFinite(x) || (scalar.bytes === 8 && dtype[2] !== 'f' && !Number.isSafeInteger(x)))
      throw new DataError(`value ${k} (${x}) is not a finite number that a double holds exactly`);
    values[k] = x;
  }
  return { values, shape: shape as number[] };
}

/**
 * A grey image from a data file: a PGM (P2 text or P5 binary, maxval ≤ 255, scaled to
 * 0 … 255), a 2-D NumPy `.npy` array (height × width) of integers 0 … 255, or text with one
 * row of pixels (integers 0 … 255, comma-, space- or tab-separated) per line.
 */
function readImage(bytes: Uint8Array): GreyImage {
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] >= 0x31 && bytes[1] <= 0x37) return readPgm(bytes);
  if (isNpy(bytes)) {
    const { values, shape } = readNpy(bytes);
    if (shape.length !== 2) throw new DataError(`a .npy array of shape (${shape.join(', ')}); an image needs two dimensions (height, width)`);
    values.forEach((v, k) => {
      if (!Number.isInteger(v) || v < 0 || v > 255) throw new DataError(`pixel ${k} is ${v}; pixels must be integers in 0 … 255`);
    });
    return greyImage(values, shape[1], shape[0]);
  }
  const rows = textRows(decodeText(bytes));
  if (rows.length === 0) throw new DataError('no pixels in the file');
  const width = rows[0].cells.length;
  const pixels: number[] = [];
  for (const { line, cells } of rows) {
    if (cells.length !== width) throw new DataError(`line ${line}: ${plural(cells.length, 'pixel')}, but the first row has ${width}`);
    for (const cell of cells) {
      const v = Number(cell);
      if (!/^\d+$/.test(cell) || v > 255) throw new DataError(`line ${line}: ${JSON.stringify(cell)} is not a pixel (an integer in 0 … 255)`);
      pixels.push(v);
    }
  }
  return greyImage(pixels, width, rows.length);
}

/** A PGM image: P2 (text) or P5 (binary), maxval 1 … 255; pixels scaled to 0 … 255 when maxval is less. */
function readPgm(bytes: Uint8Array): GreyImage {
  const magic = String.fromCharCode(bytes[0], bytes[1]);
  if (magic !== 'P2' && magic !== 'P5') throw new DataError(`a ${magic} Netpbm file; a grey image must be a PGM (P2 or P5)`);
  let i = 2;
  const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
  const token = (what: string): number => {
    for (;;) {
      while (i < bytes.length && isSpace(bytes[i])) i++;
      if (bytes[i] !== 0x23) break; // '#': a comment to the end of the line
      while (i < bytes.length && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
    }
    const start = i;
    while (i < bytes.length && bytes[i] >= 0x30 && bytes[i] <= 0x39) i++;
    if (i === start) throw new DataError(`PGM: expected ${what} at byte ${start}`);
    return Number(String.fromCharCode(...bytes.subarray(start, i)));
  };
  const width = token('the width');
  const height = token('the height');
  const maxval = token('the maximum value');
  if (width < 1 || height < 1) throw new DataError(`PGM: the image is ${width} × ${height}; it needs at least one pixel`);
  if (maxval < 1 || maxval > 255) throw new DataError(`PGM: maximum value ${maxval}; 16-bit images (maxval > 255) are not read, save 8-bit`);
  const n = width * height;
  // Every pixel takes at least a byte: a header that claims more is refused before anything is allocated.
  if (n > bytes.length - i) throw new DataError(`PGM: ${width} × ${height} pixels need at least ${n} bytes, the file has ${bytes.length}`);
  const scale = (v: number) => (maxval === 255 ? v : Math.round((v * 255) / maxval));
  const pixels = new Uint8Array(n);
  if (magic === 'P5') {
    i++; // the one whitespace byte after maxval
    if (bytes.length - i < n) throw new DataError(`PGM: ${width} × ${height} pixels need ${n} bytes, the file has ${Math.max(0, bytes.length - i)}`);
    for (let k = 0; k < n; k++) {
      const v = bytes[i + k];
      if (v > maxval) throw new DataError(`PGM: pixel ${k} is ${v}, above the maximum value ${maxval}`);
      pixels[k] = scale(v);
    }
  } else
    for (let k = 0; k < n; k++) {
      const v = token(`pixel ${k} of ${n}`);
      if (v > maxval) throw new DataError(`PGM: pixel ${k} is ${v}, above the maximum value ${maxval}`);
      pixels[k] = scale(v);
    }
  return { data: pixels, width, height };
}

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

function describe(x: unknown): string {
  if (Array.isArray(x)) return 'an array';
  if (x === null) return 'null';
  return typeof x === 'object' ? 'an object' : typeof x === 'string' ? JSON.stringify(x.length > 64 ? `${x.slice(0, 40)}…` : x) : String(x);
}

/** The encoder block of one population → the population with its rates or spikes in its place. */
function resolvePopulation(p: Obj, path: string, readFile: (path: string) => Uint8Array): Obj {
  const ep = at(path, 'encoder');
  const fail = (where: string, problem: string): never => {
    throw new SpecError(where, problem);
  };
  const model = p.model;
  if (model !== 'poisson' && model !== 'spikeSource')
    fail(ep, `encoders feed poisson populations (rates) and spikeSource populations (spikes), not ${describe(model)}`);
  const e = isObj(p.encoder) ? p.encoder : fail(ep, `must be an object {"kind", "file", ...options}, got ${describe(p.encoder)}`);
  const own = encoderKinds[model as 'poisson' | 'spikeSource'];
  const kind = e.kind;
  if (typeof kind !== 'string' || !own.includes(kind as EncoderKind)) {
    const other = typeof kind === 'string' && Object.hasOwn(KINDS, kind) ? KINDS[kind as EncoderKind].model : undefined;
    if (other)
      fail(
        at(ep, 'kind'),
        `encoder kind "${kind}" feeds a ${other} population, not a ${model as string} one; a ${model as string} population takes: ${own.join(', ')}`,
      );
    fail(
      at(ep, 'kind'),
      `${kind === undefined ? 'is required' : `unknown encoder kind ${describe(kind)}`}${suggest(typeof kind === 'string' ? kind : '', own)}`,
    );
  }
  const info: KindInfo = KINDS[kind as EncoderKind];
  const allowed = ['kind', 'file', ...Object.keys(info.options)];
  for (const k of Object.keys(e)) if (!allowed.includes(k)) fail(at(ep, k), `unknown key for encoder kind ${kind as string}${suggest(k, allowed)}`);
  for (const [k, o] of Object.entries(info.options))
    if (o.required && e[k] === undefined) fail(at(ep, k), `is required for encoder kind ${kind as string} (${o.doc})`);
  if (typeof e.file !== 'string' || e.file === '')
    fail(at(ep, 'file'), `must be the path of the data file (a string; the CLI reads it relative to the spec's folder), got ${describe(e.file)}`);
  const file = e.file as string;

  // What the encoder replaces must not be given as well.
  if (model === 'poisson') {
    if (isObj(p.params) && p.params.rate !== undefined) fail(at(at(path, 'params'), 'rate'), 'is given by the encoder; give one or the other');
    if (p.rateTable !== undefined) fail(at(path, 'rateTable'), 'gives the rates over time, and the encoder gives constant ones; give one or the other');
  } else for (const k of ['times', 'ids']) if (p[k] !== undefined) fail(at(path, k), 'is given by the encoder; give the encoder or times and ids, not both');
  if (p.params !== undefined && !isObj(p.params)) fail(at(path, 'params'), `must be an object, got ${describe(p.params)}`);

  let bytes: Uint8Array;
  try {
    bytes = readFile(file);
  } catch (err) {
    return fail(at(ep, 'file'), `cannot read ${JSON.stringify(file)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!(bytes instanceof Uint8Array))
    fail(at(ep, 'file'), `readFile(${JSON.stringify(file)}) returned ${describe(bytes)}, not the file's bytes (a Uint8Array)`);
  let encoded: Encoded;
  try {
    encoded = info.encode(bytes, e);
  } catch (err) {
    if (err instanceof DataError) return fail(at(ep, 'file'), `${JSON.stringify(file)}: ${err.message}`);
    if (!(err instanceof Error)) throw err;
    // The encoders' RangeErrors read `rateCode: maxRateHz must be ≥ 0, got -1`: put them at the option they name.
    const m = /^\w+: (\w+) (.*)$/.exec(err.message);
    if (m && Object.hasOwn(info.options, m[1])) return fail(at(ep, m[1]), m[2]);
    return fail(ep, `${JSON.stringify(file)}: ${err.message.replace(/^\w+: /, '')}`);
  }
  if (typeof p.size === 'number' && p.size !== encoded.neurons)
    fail(ep, `yields ${plural(encoded.neurons, 'neuron')} (${encoded.what}), but the population's size is ${p.size}`);
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the block is what is replaced
  const { encoder, ...rest } = p;
  if ('rates' in encoded) return { ...rest, params: { ...((rest.params as Obj | undefined) ?? {}), rate: encoded.rates } };
  return { ...rest, times: encoded.times, ids: encoded.ids };
}

/**
 * A spec document with each population's `encoder` block replaced by what its encoder gives:
 * `params.rate` (one rate per neuron) on a `poisson` population, `times` and `ids` on a
 * `spikeSource` population (its `capacity`, if any, stays as it is). `readFile(path)` returns
 * the bytes of the file an encoder names (the CLI resolves it relative to the spec's folder;
 * in a browser, look it up among uploaded files); it is called once per block.
 *
 * Kinds, on poisson: `rate` (numbers → rateCode: maxRateHz, min, max), `image` (a PGM, a
 * 2-D .npy or CSV rows of 0 … 255 → imageToRates: maxRateHz), `population` (numbers →
 * populationCodeVector: neurons, min, max, sigma, maxRateHz); on spikeSource: `latency`
 * (numbers → latencyCode), `rankOrder` (numbers → rankOrderCode), `dvs` (CSV or tonic .npy
 * events → dvsToSpikes: width, height, timeUnit, startMs, durationMs). Numbers come from a
 * .npy array or from text (comma-, space- or newline-separated). The population's `size` must
 * be the number of neurons the encoder yields.
 *
 * The input is not changed: the result is a copy where it has encoder blocks, and the document
 * itself where it has none. Anything else (a bad size, an unknown key elsewhere) is left for
 * validateSpec.
 * @throws SpecError naming the path: `populations.input.encoder.file: cannot read "digit.pgm": …`,
 *   `populations.input.encoder.kind: unknown encoder kind "rates" (did you mean "rate"?); …`,
 *   `populations.input.encoder: yields 784 neurons (…), but the population's size is 100`.
 * @example
 *   const spec = validateSpec(resolveEncoders(JSON.parse(text), (path) => readFileSync(resolve(dir, path))));
 */
export function resolveEncoders(doc: unknown, readFile: (path: string) => Uint8Array): unknown {
  if (!isObj(doc) || !isObj(doc.populations)) return doc;
  const pops = doc.populations;
  const names = Object.keys(pops).filter((name) => isObj(pops[name]) && (pops[name] as Obj).encoder !== undefined);
  if (names.length === 0) return doc;
  // Object.fromEntries defines own properties, so a population called "__proto__" stays a population.
  const populations = Object.fromEntries(
    Object.entries(pops).map(([name, p]) => [name, names.includes(name) ? resolvePopulation(p as Obj, at('populations', name), readFile) : p]),
  );
  return { ...doc, populations };
}
