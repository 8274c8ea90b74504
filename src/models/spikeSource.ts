/**
 * Explicit spike source: neuron `ids[k]` spikes at `times[k]` ms (rounded to the tick
 * containing it, t / dt floored). Each neuron's event ticks are sorted in a shared u32
 * table; a per-neuron cursor walks them, so a tick costs O(1) per neuron.
 */
import type { NeuronModel } from './model.ts';

/** The tick of a spike at `timeMs` (the small epsilon keeps times that are whole ticks in floating point, e.g. 0.3 / 0.1, on their tick). */
export const spikeTick = (timeMs: number, dt: number): number => Math.floor(timeMs / dt + 1e-9);

/**
 * Table words a spike source reserves for its events: `capacity` where the spec gives it, else
 * its events or its size, whichever is more (so `sim.setSpikes` can give every neuron a spike).
 * @example spikeSourceCapacity({ size: 10, times: [1, 2] }) // 10
 */
export const spikeSourceCapacity = (spec: { size: number; times?: number[]; capacity?: number }): number =>
  spec.capacity ?? Math.max(spec.size, spec.times?.length ?? 0);

/** Events → per-neuron sorted, de-duplicated tick lists laid out back to back. */
export function layoutSpikeEvents(times: number[], ids: number[], n: number, dt: number): { ticks: Uint32Array; start: Uint32Array; end: Uint32Array } {
  const perNeuron: number[][] = Array.from({ length: n }, () => []);
  times.forEach((t, k) => perNeuron[ids[k]].push(spikeTick(t, dt)));
  const start = new Uint32Array(n);
  const end = new Uint32Array(n);
  const ticks: number[] = [];
  perNeuron.forEach((list, i) => {
    const sorted = [...new Set(list)].sort((a, b) => a - b);
    start[i] = ticks.length;
    ticks.push(...sorted);
    end[i] = ticks.length;
  });
  return { ticks: Uint32Array.from(ticks), start, end };
}

export const spikeSource: NeuronModel = {
  name: 'spikeSource',
  doc: 'Emits spikes at given times: population fields `times` (ms) and `ids` (local neuron ids).',
  isSource: true,
  params: {},
  state: {
    cursor: { init: 0, unit: '1', doc: 'index of the next event in the table', internal: true },
  },
  columns: () => ({ params: [], u32Params: ['eventStart', 'eventEnd'], state: ['cursor'] }),
  deriveParams(_p, { dt, n, events, capacity, addTable }) {
    const { ticks, start, end } = layoutSpikeEvents(events?.times ?? [], events?.ids ?? [], n, dt);
    // The whole capacity is reserved, for events set later (`sim.setSpikes`).
    const reserved = new Uint32Array(Math.max(ticks.length, capacity ?? 0));
    reserved.set(ticks);
    const offset = addTable(reserved);
    return { eventStart: start.map((s) => s + offset), eventEnd: end.map((e) => e + offset) };
  },
  // The cursor counts events consumed (f32 holds integers exactly up to 2^24).
  wgsl: () => `
  var k = u_eventStart + u32(s_cursor);
  while (k < u_eventEnd && tables[k] < tick) { k = k + 1u; }
  if (k < u_eventEnd && tables[k] == tick) { spiked = true; k = k + 1u; }
  s_cursor = f32(k - u_eventStart);`,
  cpu: () => (c, i, d) => {
    const tables = d.tables;
    const end = c.u.eventEnd[i];
    let k = c.u.eventStart[i] + c.s.cursor[i];
    while (k < end && tables[k] < d.tick) k++;
    let spiked = false;
    if (k < end && tables[k] === d.tick) {
      spiked = true;
      k++;
    }
    c.s.cursor[i] = k - c.u.eventStart[i];
    return spiked;
  },
};
