/** Spike and weight files (`spikegpu run --out / --weights-out`, the demos' downloads): formats shared by every front end. */
import type { ProjectionWeights } from '../sim/simulator.ts';
import type { PopulationSpikes } from '../sim/spikeRecorder.ts';
import type { StateTrace } from '../sim/stateRecorder.ts';
import type { WeightHistory } from '../sim/weightRecorder.ts';

export interface RecordedState extends StateTrace {
  pop: string;
  var: string;
}

/**
 * `{ dt, populations: { NAME: { times: [ms], ids: [] } } }`, plus, when the spec records
 * state, `state: [{ pop, var, ids, times: [ms], values: [[one per id] per time] }]`.
 */
export function spikesJson(dt: number, spikes: Record<string, PopulationSpikes>, state: RecordedState[] = []): string {
  const populations: Record<string, { times: number[]; ids: number[] }> = {};
  for (const [name, s] of Object.entries(spikes)) populations[name] = { times: Array.from(s.times, roundTime), ids: Array.from(s.ids) };
  const traces = state.map((t) => ({
    pop: t.pop,
    var: t.var,
    ids: Array.from(t.ids),
    times: Array.from(t.times, roundTime),
    values: Array.from(t.times, (_, k) => Array.from(t.values.subarray(k * t.ids.length, (k + 1) * t.ids.length))),
  }));
  return JSON.stringify(traces.length ? { dt, populations, state: traces } : { dt, populations });
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

/** `population,time_ms,id` rows (RFC 4180, see `csvRow`) in time order per population. */
export function spikesCsv(spikes: Record<string, PopulationSpikes>): string {
  const rows = [csvRow(['population', 'time_ms', 'id'])];
  for (const [name, s] of Object.entries(spikes)) for (let k = 0; k < s.ids.length; k++) rows.push(csvRow([name, roundTime(s.times[k]), s.ids[k]]));
  return rows.join('');
}

/** The shortest decimal that reads back as the same f32 (0.01, not 0.009999999776482582). */
export function shortestF32(x: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const y = Number(x.toPrecision(digits));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** tick · dt in binary floating point gives 0.30000000000000004; print what was meant. */
function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/** A plastic projection's final weights (and snapshots, when `record.weights` took them). */
export interface WeightsOut extends ProjectionWeights {
  history?: WeightHistory;
}

/**
 * Weight files written by `spikegpu run --weights-out`: JSON
 * `{ dt, timeMs, projections: { NAME: { pre, post, delayMs, weights, history?: { times, weights } } } }`
 * (ids local to the populations), or CSV rows `projection,pre,post,delay_ms,weight`.
 */
export function weightsJson(dt: number, timeMs: number, projections: WeightsOut[]): string {
  const out: Record<string, unknown> = {};
  for (const p of projections) {
    out[p.projection] = {
      pre: Array.from(p.pre),
      post: Array.from(p.post),
      delayMs: Array.from(p.delayMs, roundTime),
      weights: Array.from(p.weights, shortestF32),
      ...(p.history ? { history: { times: Array.from(p.history.times, roundTime), weights: p.history.weights.map((w) => Array.from(w, shortestF32)) } } : {}),
    };
  }
  return JSON.stringify({ dt, timeMs: roundTime(timeMs), projections: out });
}

/** `projection,pre,post,delay_ms,weight` rows (RFC 4180, see `csvRow`), synapses in order per projection. */
export function weightsCsv(projections: ProjectionWeights[]): string {
  const rows = [csvRow(['projection', 'pre', 'post', 'delay_ms', 'weight'])];
  for (const p of projections)
    for (let s = 0; s < p.weights.length; s++) rows.push(csvRow([p.projection, p.pre[s], p.post[s], roundTime(p.delayMs[s]), shortestF32(p.weights[s])]));
  return rows.join('');
}
