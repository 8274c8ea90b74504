/**
 * Event-camera (DVS) streams as spike inputs. An event (t, x, y, p) is a brightness change at
 * pixel (x, y): p > 0 (or true) an increase (ON), p ≤ 0 (or false) a decrease (OFF). Every
 * pixel gets two neurons, OFF then ON: id = (y · width + x) · 2 + (p > 0 ? 1 : 0).
 * Readers for CSV text and for tonic's NumPy `.npy` event arrays; no file access here.
 */
import type { SpikeTrains } from './latency.ts';
import { checkNumber } from './rate.ts';
import { NPY_SCALARS, readNpyHeader, type ScalarType } from './npyFile.ts';

/** Unit of the events' `t`: microseconds (tonic, most cameras), milliseconds or seconds. */
export type DvsTimeUnit = 'us' | 'ms' | 's';

/** One event; `p` > 0 or true is ON. */
export interface DvsEvent {
  t: number;
  x: number;
  y: number;
  p: number | boolean;
}

/** Events as parallel columns (what the readers return), with the unit of `t` when known. */
export interface DvsEvents {
  t: ArrayLike<number>;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  p: ArrayLike<number | boolean>;
  timeUnit?: DvsTimeUnit;
}

/** What parseDvsCsv and parseDvsNpy return: the columns as read (t in `timeUnit`, p as 0/1 or as stored). */
export interface ParsedDvsEvents extends DvsEvents {
  t: Float64Array;
  x: Float64Array;
  y: Float64Array;
  p: Float64Array;
  timeUnit: DvsTimeUnit;
}

/** A DVS stream as spikes: a `spikeSource` population of `size` = width · height · 2 neurons. */
export interface DvsSpikes extends SpikeTrains {
  size: number;
}

/** A time in the unit → ms. Dividing whole µs by 1000 (not multiplying by 0.001) gives the nearest double to the exact ms. */
const TO_MS: Record<DvsTimeUnit, (t: number) => number> = { us: (t) => t / 1000, ms: (t) => t, s: (t) => t * 1000 };
const FROM_MS: Record<DvsTimeUnit, (ms: number) => number> = { us: (ms) => ms * 1000, ms: (ms) => ms, s: (ms) => ms / 1000 };

function checkTimeUnit(fn: string, unit: unknown): DvsTimeUnit {
  if (unit === 'us' || unit === 'ms' || unit === 's') return unit;
  throw new RangeError(`${fn}: timeUnit must be 'us', 'ms' or 's', got ${JSON.stringify(unit)}`);
}

/**
 * The neuron of an event: id = (y · width + x) · 2 + (p > 0 ? 1 : 0), so pixel (x, y) has its
 * OFF channel at the even id and its ON channel at the odd id after it.
 * @example dvsChannel(3, 1, true, 34) // (1 · 34 + 3) · 2 + 1 = 75
 */
export function dvsChannel(x: number, y: number, p: number | boolean, width: number): number {
  return (y * width + x) * 2 + (Number(p) > 0 ? 1 : 0);
}

export interface DvsToSpikesOptions {
  /** Sensor width, pixels (integer ≥ 1); every x must be in [0, width). */
  width: number;
  /** Sensor height, pixels (integer ≥ 1); every y must be in [0, height). */
  height: number;
  /** Unit of the events' t. Default: the events' own `timeUnit`, else 'us'. */
  timeUnit?: DvsTimeUnit;
  /** Time, on the recording's clock in ms, that becomes 0; earlier events are dropped. Default: the earliest event's time. */
  startMs?: number;
  /** Keep only events before startMs + durationMs (ms, > 0). Default: all. */
  durationMs?: number;
}

/**
 * Events → spikes of a `spikeSource` population with two neurons per pixel (see dvsChannel):
 * times[k] = t_k (in ms) − start, ids[k] = (y · width + x) · 2 + (p > 0 ? 1 : 0), in the order
 * of the events. The simulator keeps at most one spike per neuron per tick, so several events
 * of one pixel and polarity within one dt make one spike.
 * @example
 *   const events = parseDvsNpy(bytes); // tonic's N-MNIST sample, 34 × 34
 *   const { times, ids, size } = dvsToSpikes(events, { width: 34, height: 34 });
 *   const pop = { model: 'spikeSource', size, times, ids };
 */
export function dvsToSpikes(events: DvsEvents | readonly DvsEvent[], options: DvsToSpikesOptions): DvsSpikes {
  const fn = 'dvsToSpikes';
  const width = checkNumber(fn, 'width', options.width, { min: 1, integer: true });
  const height = checkNumber(fn, 'height', options.height, { min: 1, integer: true });
  const columns = Array.isArray(events) ? toColumns(events as readonly DvsEvent[]) : (events as DvsEvents);
  const unit = checkTimeUnit(fn, options.timeUnit ?? columns.timeUnit ?? 'us');
  const { t, x, y, p } = columns;
  const n = t.length;
  if (x.length !== n || y.length !== n || p.length !== n)
    throw new RangeError(`${fn}: events.t, x, y and p must have equal lengths, got ${n}, ${x.length}, ${y.length}, ${p.length}`);
  for (let k = 0; k < n; k++) if (!Number.isFinite(t[k])) throw new RangeError(`${fn}: event ${k}: t must be a finite number, got ${String(t[k])}`);
  // The start in the events' own unit, so that whole-µs differences stay exact before the one division.
  let start: number;
  if (options.startMs === undefined) {
    start = Infinity;
    for (let k = 0; k < n; k++) start = Math.min(start, t[k]);
  } else start = FROM_MS[unit](checkNumber(fn, 'startMs', options.startMs));
  const durationMs = options.durationMs === undefined ? Infinity : checkNumber(fn, 'durationMs', options.durationMs, { min: 0, exclusiveMin: true });
  const times: number[] = [];
  const ids: number[] = [];
  for (let k = 0; k < n; k++) {
    const xk = x[k];
    const yk = y[k];
    if (!Number.isInteger(xk) || xk < 0 || xk >= width)
      throw new RangeError(`${fn}: event ${k}: x = ${String(xk)} is not an integer in [0, ${width}) (width ${width})`);
    if (!Number.isInteger(yk) || yk < 0 || yk >= height)
      throw new RangeError(`${fn}: event ${k}: y = ${String(yk)} is not an integer in [0, ${height}) (height ${height})`);
    const ms = TO_MS[unit](t[k] - start);
    if (ms < 0 || ms >= durationMs) continue;
    times.push(ms);
    ids.push(dvsChannel(xk, yk, p[k], width));
  }
  return { times, ids, size: width * height * 2 };
}

function toColumns(events: readonly DvsEvent[]): DvsEvents {
  const n = events.length;
  const columns = { t: new Float64Array(n), x: new Float64Array(n), y: new Float64Array(n), p: new Float64Array(n) };
  events.forEach((e, k) => {
    columns.t[k] = e.t;
    columns.x[k] = e.x;
    columns.y[k] = e.y;
    columns.p[k] = Number(e.p);
  });
  return columns;
}

const FIELDS = ['t', 'x', 'y', 'p'] as const;

/**
 * Events from CSV text: one event per line, fields separated by commas (or by spaces or tabs,
 * as the plain-text dumps of many datasets). A first line that is not all numbers is a header
 * naming the columns `t`, `x`, `y`, `p` in any order (case-insensitive; other columns are
 * ignored); without one the columns are t, x, y, p in that order. Blank lines and lines that
 * start with `#` are skipped. t is kept in `timeUnit` (default 'us'); dvsToSpikes converts.
 * @example parseDvsCsv('x,y,t,p\n3,1,1500,1\n', { timeUnit: 'us' }) // t [1500], x [3], y [1], p [1]
 */
export function parseDvsCsv(text: string, options: { timeUnit?: DvsTimeUnit } = {}): ParsedDvsEvents {
  const fn = 'parseDvsCsv';
  const timeUnit = checkTimeUnit(fn, options.timeUnit ?? 'us');
  if (typeof text !== 'string') throw new TypeError(`${fn}: text must be a string`);
  const columns: Record<(typeof FIELDS)[number], number[]> = { t: [], x: [], y: [], p: [] };
  let index: number[] | undefined;
  let width = 0;
  const lines = text.split(/\r?\n/);
  for (let lineNo = 1; lineNo <= lines.length; lineNo++) {
    const line = lines[lineNo - 1].trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/\s*,\s*|\s+/);
    if (index === undefined) {
      width = cells.length;
      if (cells.some((c) => c === '' || !Number.isFinite(Number(c)))) {
        index = FIELDS.map((f) => {
          const found = cells.flatMap((c, i) => (c.toLowerCase() === f ? [i] : []));
          if (found.length !== 1) throw new Error(`${fn}: line ${lineNo}: the header must name column ${f} once, got "${line}"`);
          return found[0];
        });
        continue;
      }
      if (width < 4) throw new Error(`${fn}: line ${lineNo}: expected 4 fields t, x, y, p (no header), got ${width}`);
      index = [0, 1, 2, 3];
    }
    if (cells.length !== width) throw new Error(`${fn}: line ${lineNo}: expected ${width} fields, got ${cells.length}`);
    FIELDS.forEach((f, i) => {
      const cell = cells[index![i]];
      const value = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) throw new Error(`${fn}: line ${lineNo}: ${f} must be a number, got "${cell}"`);
      columns[f].push(value);
    });
  }
  return { t: Float64Array.from(columns.t), x: Float64Array.from(columns.x), y: Float64Array.from(columns.y), p: Float64Array.from(columns.p), timeUnit };
}

/**
 * Events from a NumPy `.npy` file's bytes, in the layout of the `tonic` library: a structured
 * array with integer fields `x`, `y`, `t`, `p` (e.g. `[('x', '<i2'), ('y', '<i2'), ('t', '<i8'),
 * ('p', '<i2')]`), t in microseconds. Fields may come in any order and may be bools, integers
 * (1, 2, 4 or 8 bytes; 8-byte values must fit a double exactly) or floats, little-endian; other
 * fields and padding are skipped. Format versions 1.0, 2.0 and 3.0 are read. Big-endian fields,
 * Fortran order, a non-structured array, a missing field or truncated data are refused with an
 * Error that says which. t is kept in `timeUnit` (default 'us', tonic's unit).
 * @example dvsToSpikes(parseDvsNpy(new Uint8Array(await file.arrayBuffer())), { width: 34, height: 34 })
 */
export function parseDvsNpy(bytes: Uint8Array | ArrayBuffer, options: { timeUnit?: DvsTimeUnit } = {}): ParsedDvsEvents {
  const fn = 'parseDvsNpy';
  const timeUnit = checkTimeUnit(fn, options.timeUnit ?? 'us');
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { header, dataStart, view } = readNpyHeader(data, fn);
  if (header.fortran_order !== false) throw new Error(`${fn}: Fortran-order arrays are not supported (save with numpy.save of a C-order array)`);
  const shape = header.shape;
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number')) throw new Error(`${fn}: the header's shape is not a tuple of integers`);
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  const descr = header.descr;
  if (!Array.isArray(descr)) throw new Error(`${fn}: expected a structured array with fields x, y, t, p; got dtype ${JSON.stringify(descr)}`);
  const offsets: Partial<Record<(typeof FIELDS)[number], { at: number; type: ScalarType }>> = {};
  let itemBytes = 0;
  for (const field of descr) {
    if (!Array.isArray(field) || field.length < 2 || typeof field[0] !== 'string' || typeof field[1] !== 'string')
      throw new Error(`${fn}: field ${JSON.stringify(field)} of the dtype is not (name, type)`);
    const [name, type] = field as [string, string];
    const match = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(type);
    if ((FIELDS as readonly string[]).includes(name)) {
      const scalar = match && NPY_SCALARS[match[2] + match[3]];
      if (field.length > 2) throw new Error(`${fn}: field ${name} is a sub-array; expected a scalar`);
      if (!scalar) throw new Error(`${fn}: field ${name} has type ${type}; expected a bool, integer or float of 1, 2, 4 or 8 bytes`);
      // NumPy writes '<' for little-endian and '|' where order does not apply; '>' is big-endian.
      if (scalar.bytes > 1 && match[1] !== '<')
        throw new Error(
          `${fn}: field ${name} is ${match[1] === '>' ? 'big-endian' : 'of unknown byte order'} (${type}); only little-endian fields are read (numpy: a.astype(a.dtype.newbyteorder('<')))`,
        );
      if (offsets[name as (typeof FIELDS)[number]]) throw new Error(`${fn}: field ${name} appears twice`);
      offsets[name as (typeof FIELDS)[number]] = { at: itemBytes, type: scalar };
      itemBytes += scalar.bytes;
    } else {
      // Other fields and padding ('', '|V4') are skipped: only their size matters. The number is bytes, except for '<U' (4-byte code points).
      if (!match) throw new Error(`${fn}: cannot tell the size of field ${JSON.stringify(name)} (${type})`);
      const elements = field.length > 2 && Array.isArray(field[2]) ? (field[2] as number[]).reduce((a, b) => a * b, 1) : 1;
      itemBytes += (match[2] === 'U' ? 4 : 1) * Number(match[3]) * elements;
    }
  }
  const missing = FIELDS.filter((f) => !offsets[f]);
  if (missing.length) throw new Error(`${fn}: the array has no field ${missing.join(', ')}; expected fields x, y, t, p (tonic's layout)`);
  if (data.length < dataStart + count * itemBytes)
    throw new Error(
      `${fn}: the data are truncated: ${count} events of ${itemBytes} bytes need ${count * itemBytes} bytes, the file has ${data.length - dataStart}`,
    );
  const out = { t: new Float64Array(count), x: new Float64Array(count), y: new Float64Array(count), p: new Float64Array(count), timeUnit };
  for (const f of FIELDS) {
    const { at, type } = offsets[f]!;
    const column = out[f];
    for (let k = 0, pos = dataStart + at; k < count; k++, pos += itemBytes) column[k] = type.read(view, pos);
  }
  return out;
}
