/** Spike and weight files (`spikegpu run --out / --weights-out`, the demos' downloads): formats shared by every front end. */
import type { ProjectionWeights } from '../sim/simulator.ts';
import type { PopulationSpikes } from '../sim/spikeRecorder.ts';
import type { StateTrace } from '../sim/stateRecorder.ts';
import type { WeightHistory } from '../sim/weightRecorder.ts';

export interface RecordedState extends StateTrace {
  pop: string;
  var: string;
}

/** Numbers per chunk of the streamed writers: chunks stay far below V8's string limit. */
const CHUNK_ITEMS = 65536;

/** A number as JSON writes it (NaN and ±Infinity as null). */
const jsonNumber = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/** A JSON array of numbers, in chunks. */
function* jsonArray(values: ArrayLike<number>, map: (x: number) => number = (x) => x): Generator<string> {
  yield '[';
  for (let start = 0; start < values.length; start += CHUNK_ITEMS) {
    const end = Math.min(values.length, start + CHUNK_ITEMS);
    const parts = new Array<string>(end - start);
    for (let k = start; k < end; k++) parts[k - start] = jsonNumber(map(values[k]));
    yield (start ? ',' : '') + parts.join(',');
  }
  yield ']';
}

/** How much of the requested run a file covers: `complete` false when it was stopped early. */
export interface RunExtent {
  complete: boolean;
  /** Simulated time covered, ms. */
  durationMs: number;
}

/**
 * `{ dt, [complete, durationMs,] populations: { NAME: { times: [ms], ids: [] } } }`, plus, when
 * the spec records state, `state: [{ pop, var, ids, times: [ms], values: [[one per id] per
 * time] }]`, as a sequence of string chunks (written one by one, a file of any size never
 * becomes one string). `extent` says how much of the run it covers.
 */
export function* spikesJsonChunks(dt: number, spikes: Record<string, PopulationSpikes>, state: RecordedState[] = [], extent?: RunExtent): Generator<string> {
  const runInfo = extent ? `"complete":${extent.complete},"durationMs":${jsonNumber(roundTime(extent.durationMs))},` : '';
  yield `{"dt":${jsonNumber(dt)},${runInfo}"populations":{`;
  let first = true;
  for (const [name, s] of Object.entries(spikes)) {
    yield `${first ? '' : ','}${JSON.stringify(name)}:{"times":`;
    first = false;
    yield* jsonArray(s.times, roundTime);
    yield ',"ids":';
    yield* jsonArray(s.ids);
    yield '}';
  }
  yield '}';
  if (state.length) {
    yield ',"state":[';
    for (const [i, t] of state.entries()) {
      yield `${i ? ',' : ''}{"pop":${JSON.stringify(t.pop)},"var":${JSON.stringify(t.var)},"ids":`;
      yield* jsonArray(t.ids);
      yield ',"times":';
      yield* jsonArray(t.times, roundTime);
      yield ',"values":[';
      for (let k = 0; k < t.times.length; k++) {
        if (k) yield ',';
        yield* jsonArray(t.values.subarray(k * t.ids.length, (k + 1) * t.ids.length));
      }
      yield ']}';
    }
    yield ']';
  }
  yield '}';
}

/** spikesJsonChunks as one string (small results, browser downloads). */
export function spikesJson(dt: number, spikes: Record<string, PopulationSpikes>, state: RecordedState[] = []): string {
  return [...spikesJsonChunks(dt, spikes, state)].join('');
}

/** A field needs quotes when it holds a separator, a quote or a line break (RFC 4180, 2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV record per RFC 4180, ending in LF: a field holding a comma, quote, CR or LF is
 * quoted, its quotes doubled; numbers print as JavaScript prints them. Every CSV writer here
 * goes through it, so names like `E, layer "2/3"` read back intact. Records end in LF, as
 * these files always have, not the RFC's CRLF: csv readers take either, and a CR or LF
 * inside a quoted field is kept as it is.
 * @example csvRow(['E, layer "2/3"', 0.1, 7]) // '"E, layer ""2/3""",0.1,7\n'
 */
export function csvRow(fields: readonly (string | number)[]): string {
  return fields.map((f) => (typeof f === 'string' && NEEDS_QUOTES.test(f) ? `"${f.replaceAll('"', '""')}"` : String(f))).join(',') + '\n';
}

/** `population,time_ms,id` rows (RFC 4180, see `csvRow`) in time order per population, in chunks. */
export function* spikesCsvChunks(spikes: Record<string, PopulationSpikes>): Generator<string> {
  yield csvRow(['population', 'time_ms', 'id']);
  for (const [name, s] of Object.entries(spikes))
    for (let start = 0; start < s.ids.length; start += CHUNK_ITEMS) {
      const rows: string[] = [];
      for (let k = start; k < Math.min(s.ids.length, start + CHUNK_ITEMS); k++) rows.push(csvRow([name, roundTime(s.times[k]), s.ids[k]]));
      yield rows.join('');
    }
}

/** spikesCsvChunks as one string (small results, browser downloads). */
export function spikesCsv(spikes: Record<string, PopulationSpikes>): string {
  return [...spikesCsvChunks(spikes)].join('');
}

/** The shortest decimal that reads back as the same f32 (0.01, not 0.009999999776482582). */
export function shortestF32(x: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const y = Number(x.toPrecision(digits));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/**
 * tick · dt in binary floating point gives 0.30000000000000004; write what was meant (ms, to
 * the nanosecond), as every spike file does.
 * @example roundTime(3 * 0.1) // 0.3
 */
export function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/** A plastic projection's final weights (and snapshots, when `record.weights` took them). */
export interface WeightsOut extends ProjectionWeights {
  history?: WeightHistory;
}

/**
 * Weight files written by `spikegpu run --weights-out`: JSON
 * `{ dt, timeMs, complete?, projections: { NAME: { pre, post, delayMs, weights, history?: { times, weights } } } }`
 * (ids local to the populations), as a sequence of string chunks (a file of any size never
 * becomes one string).
 */
export function* weightsJsonChunks(dt: number, timeMs: number, projections: WeightsOut[], complete?: boolean): Generator<string> {
  yield `{"dt":${jsonNumber(dt)},"timeMs":${jsonNumber(roundTime(timeMs))},${complete === undefined ? '' : `"complete":${complete},`}"projections":{`;
  for (const [i, p] of projections.entries()) {
    yield `${i ? ',' : ''}${JSON.stringify(p.projection)}:{"pre":`;
    yield* jsonArray(p.pre);
    yield ',"post":';
    yield* jsonArray(p.post);
    yield ',"delayMs":';
    yield* jsonArray(p.delayMs, roundTime);
    yield ',"weights":';
    yield* jsonArray(p.weights, shortestF32);
    if (p.history) {
      yield ',"history":{"times":';
      yield* jsonArray(p.history.times, roundTime);
      yield ',"weights":[';
      for (const [k, w] of p.history.weights.entries()) {
        if (k) yield ',';
        yield* jsonArray(w, shortestF32);
      }
      yield ']}';
    }
    yield '}';
  }
  yield '}}';
}

/** weightsJsonChunks as one string (small results, browser downloads). */
export function weightsJson(dt: number, timeMs: number, projections: WeightsOut[], complete?: boolean): string {
  return [...weightsJsonChunks(dt, timeMs, projections, complete)].join('');
}

/** `projection,pre,post,delay_ms,weight` rows (RFC 4180, see `csvRow`), synapses in order per projection, in chunks. */
export function* weightsCsvChunks(projections: ProjectionWeights[]): Generator<string> {
  yield csvRow(['projection', 'pre', 'post', 'delay_ms', 'weight']);
  for (const p of projections)
    for (let start = 0; start < p.weights.length; start += CHUNK_ITEMS) {
      const rows: string[] = [];
      for (let s = start; s < Math.min(p.weights.length, start + CHUNK_ITEMS); s++)
        rows.push(csvRow([p.projection, p.pre[s], p.post[s], roundTime(p.delayMs[s]), shortestF32(p.weights[s])]));
      yield rows.join('');
    }
}

/** weightsCsvChunks as one string (small results, browser downloads). */
export function weightsCsv(projections: ProjectionWeights[]): string {
  return [...weightsCsvChunks(projections)].join('');
}
