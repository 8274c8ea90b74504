/**
 * Poisson spike source: each tick a neuron spikes with probability rate·dt (Brian2's
 * PoissonGroup). The draw compares a counter-based hash with a u32 threshold computed on the
 * host, so it is exact and identical on both backends.
 *
 * Rates that change over time (spec `rateTable`) are rows of thresholds in the shared tables,
 * one per neuron per row: row ⌊tick / rateRowTicks⌋ applies, the last one holds (or, with
 * `loop`, the table repeats). `rateRows` 0 means the constant `threshold` column, which is
 * also what `sim.setRates` writes (setting `rateRows` to 0).
 */
import type { RateTableSpec } from '../netspec/types.ts';
import { hash4, streamId, Stream } from '../rng/counterHash.ts';
import type { NeuronModel } from './model.ts';

/** Probability (≤ 1) → u32 threshold: spike when hash < threshold. */
export function probabilityThreshold(p: number): number {
  return Math.min(0xffffffff, Math.max(0, Math.floor(p * 4294967296)));
}

/**
 * The u32 threshold of a rate: spike when hash < threshold, probability rate·dt.
 * @example rateThreshold(10, 0.1) // probabilityThreshold(0.001)
 */
export const rateThreshold = (rateHz: number, dt: number): number => probabilityThreshold((rateHz * dt) / 1000);

export const POISSON_STREAM = streamId(Stream.poissonSource);

/** Flag in `rateRows` for a table that repeats; the low bits count its rows. */
export const RATE_TABLE_LOOP = 0x80000000;

/** Ticks per row of a rate table: `every` ms rounded to whole ticks, at least one, at most a u32. */
export const rateRowTicks = (everyMs: number, dt: number): number => Math.min(2 ** 32 - 1, Math.max(1, Math.round(everyMs / dt)));

/** A rate table's thresholds, row after row, each row one per neuron (scalar rows repeated). */
export function rateTableThresholds(table: RateTableSpec, n: number, dt: number): Uint32Array {
  const out = new Uint32Array(table.rates.length * n);
  table.rates.forEach((row, k) => {
    for (let i = 0; i < n; i++) out[k * n + i] = rateThreshold(typeof row === 'number' ? row : row[i], dt);
  });
  return out;
}

export const poisson: NeuronModel = {
  name: 'poisson',
  doc: 'Poisson spike source: independent spikes at `rate` Hz (probability rate·dt per tick), or rates over time from a `rateTable`.',
  isSource: true,
  params: {
    rate: { default: undefined, unit: 'Hz', doc: 'firing rate', range: { min: 0 }, replacedBy: 'rateTable' },
  },
  state: {},
  columns: () => ({ params: [], u32Params: ['threshold', 'rateRow0', 'rateStride', 'rateRowTicks', 'rateRows'], state: [] }),
  deriveParams: (p, { dt, n, rateTable, addTable }) => {
    const none = new Uint32Array(n);
    if (!rateTable)
      return { threshold: Uint32Array.from(p.rate, (r) => rateThreshold(r, dt)), rateRow0: none, rateStride: none, rateRowTicks: none, rateRows: none };
    const base = addTable(rateTableThresholds(rateTable, n, dt));
    const rows = rateTable.rates.length | (rateTable.loop ? RATE_TABLE_LOOP : 0);
    return {
      threshold: none,
      rateRow0: Uint32Array.from({ length: n }, (_, i) => base + i),
      rateStride: new Uint32Array(n).fill(n),
      rateRowTicks: new Uint32Array(n).fill(rateRowTicks(rateTable.every, dt)),
      rateRows: new Uint32Array(n).fill(rows),
    };
  },
  wgsl: () => `
  var threshold = u_threshold;
  if (u_rateRows != 0u) {
    let rows = u_rateRows & 0x7fffffffu;
    var row = tick / u_rateRowTicks;
    if (row >= rows) { row = select(rows - 1u, row % rows, (u_rateRows & 0x80000000u) != 0u); }
    threshold = tables[u_rateRow0 + row * u_rateStride];
  }
  spiked = hash4(seed, ${POISSON_STREAM}u, globalId, tick) < threshold;`,
  cpu: () => (c, i, d) => {
    let threshold = c.u.threshold[i];
    const packed = c.u.rateRows[i];
    if (packed !== 0) {
      const rows = packed & 0x7fffffff;
      let row = Math.floor(d.tick / c.u.rateRowTicks[i]);
      if (row >= rows) row = packed & RATE_TABLE_LOOP ? row % rows : rows - 1;
      threshold = d.tables[c.u.rateRow0[i] + row * c.u.rateStride[i]];
    }
    return hash4(d.seed, POISSON_STREAM, d.globalId, d.tick) < threshold;
  },
};
