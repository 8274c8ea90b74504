/** Spike files written by `spikegpu run --out`. */
import type { PopulationSpikes } from '../sim/spikeRecorder.ts';

/** `{ dt, populations: { NAME: { times: [ms], ids: [] } } }` */
export function spikesJson(dt: number, spikes: Record<string, PopulationSpikes>): string {
  const populations: Record<string, { times: number[]; ids: number[] }> = {};
  for (const [name, s] of Object.entries(spikes)) populations[name] = { times: Array.from(s.times, roundTime), ids: Array.from(s.ids) };
  return JSON.stringify({ dt, populations });
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
