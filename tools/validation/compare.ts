/**
 * The pass rule of `spikegpu validate` (pure). For each population and statistic, with
 * spikegpu's values over seeds (mean m_s, sample SD s_s) and the reference's (m_r, s_r):
 *
 *   pass  ⇔  |m_s − m_r| ≤ 3 · √(s_s² + s_r²) + floor
 *
 * i.e. the two means differ by no more than three times the seed-to-seed spread of a single
 * run's difference. `floor` keeps near-deterministic statistics (zero spread) from failing on
 * rounding: 0.05 Hz + 1 % for rates, 0.02 for CV, silent fraction and weight fractions, 5 % for
 * Fano factors.
 */
import { STAT_NAMES, type SpikeStats } from '../../src/analysis/spikeStats.ts';
import type { WeightStats } from '../../src/analysis/weightStats.ts';

export interface Spread {
  mean: number;
  sd: number;
  n: number;
}

export interface Comparison {
  network: string;
  /** A population, or for weight statistics a plastic projection. */
  population: string;
  stat: keyof SpikeStats | keyof WeightStats;
  spikegpu: Spread;
  reference: Spread;
  /** |m_s − m_r| */
  difference: number;
  /** The largest difference that passes. */
  allowed: number;
  pass: boolean;
}

export function spread(values: number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

function floorOf(stat: Comparison['stat'], scale: number): number {
  switch (stat) {
    case 'rateHz':
      return 0.05 + 0.01 * Math.abs(scale);
    case 'fano1ms':
      return 0.05 * Math.abs(scale);
    default:
      return 0.02;
  }
}

/** Compare one statistic's per-seed values. Undefined in both (NaN) passes. */
export function compareValues(network: string, population: string, stat: Comparison['stat'], ours: number[], reference: number[]): Comparison {
  const s = spread(ours);
  const r = spread(reference);
  const bothUndefined = s.n === 0 && r.n === 0;
  const difference = bothUndefined ? 0 : Math.abs(s.mean - r.mean);
  const allowed = 3 * Math.sqrt(s.sd ** 2 + r.sd ** 2) + floorOf(stat, r.mean);
  return { network, population, stat, spikegpu: s, reference: r, difference, allowed, pass: bothUndefined || difference <= allowed };
}

/** Compare per-seed spike statistics of one population. */
export function compareStats(network: string, population: string, ours: SpikeStats[], reference: SpikeStats[]): Comparison[] {
  return STAT_NAMES.map((stat) =>
    compareValues(
      network,
      population,
      stat,
      ours.map((x) => x[stat]),
      reference.map((x) => x[stat]),
    ),
  );
}

const fmt = (x: number) => (!Number.isFinite(x) ? '—' : Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3));

/** A plain-text table of comparisons; `reference` heads the reference's column. */
export function comparisonTable(rows: Comparison[], reference = 'reference'): string {
  const header = ['network', 'pop', 'statistic', 'spikegpu', reference, '|diff|', 'allowed', ''];
  const body = rows.map((c) => [
    c.network,
    c.population,
    c.stat,
    `${fmt(c.spikegpu.mean)} ± ${fmt(c.spikegpu.sd)}`,
    `${fmt(c.reference.mean)} ± ${fmt(c.reference.sd)}`,
    fmt(c.difference),
    fmt(c.allowed),
    c.pass ? 'ok' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((x, i) => (i >= 3 && i <= 6 ? x.padStart(widths[i]) : x.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
