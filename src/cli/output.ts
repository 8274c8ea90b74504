/** Spike files written by `spikegpu run --out`. */
import type { PopulationSpikes } from '../sim/spikeRecorder.ts';
import type { StateTrace } from '../sim/stateRecorder.ts';

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
    pop: t.pop, var: t.var, ids: Array.from(t.ids), times: Array.from(t.times, roundTime),
    values: Array.from(t.times, (_, k) => Array.from(t.values.subarray(k * t.ids.length, (k + 1) * t.ids.length))),
  }));
  return JSON.stringify(traces.length ? { dt, populations, state: traces } : { dt, populations });
}

/** `population,time_ms,id` rows in time order per population. */
export function spikesCsv(spikes: Record<string, PopulationSpikes>): string {
  const rows = ['population,time_ms,id'];
  for (const [name, s] of Object.entries(spikes)) for (let k = 0; k < s.ids.length; k++) rows.push(`${name},${roundTime(s.times[k])},${s.ids[k]}`);
  return rows.join('\n') + '\n';
}

/** tick · dt in binary floating point gives 0.30000000000000004; print what was meant. */
function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}
