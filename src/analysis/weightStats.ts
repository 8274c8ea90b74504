/**
 * Summary statistics of a weight distribution (pure): where STDP piled the weights up. Used by
 * `spikegpu validate` to compare final weights with Brian2's, and by the CLI's summary.
 */

export interface WeightStats {
  /** Mean weight as a fraction of the range: (mean − wMin) / (wMax − wMin). */
  meanFraction: number;
  /** Fraction of synapses in the lowest tenth of the range. */
  fractionLow: number;
  /** Fraction of synapses in the highest tenth of the range. */
  fractionHigh: number;
}

export const WEIGHT_STAT_NAMES: (keyof WeightStats)[] = ['meanFraction', 'fractionLow', 'fractionHigh'];

/** Fractions of `weights` in `bins` equal bins over [lo, hi] (hi in the last bin). */
export function weightHistogram(weights: ArrayLike<number>, lo: number, hi: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (let s = 0; s < weights.length; s++) {
    const k = hi > lo ? Math.floor(((weights[s] - lo) / (hi - lo)) * bins) : 0;
    counts[Math.min(bins - 1, Math.max(0, k))]++;
  }
  return counts.map((c) => c / Math.max(1, weights.length));
}

export function weightStats(weights: ArrayLike<number>, wMin: number, wMax: number): WeightStats {
  const n = Math.max(1, weights.length);
  const span = wMax - wMin || 1;
  let sum = 0,
    low = 0,
    high = 0;
  for (let s = 0; s < weights.length; s++) {
    const x = (weights[s] - wMin) / span;
    sum += x;
    if (x < 0.1) low++;
    if (x > 0.9) high++;
  }
  return { meanFraction: sum / n, fractionLow: low / n, fractionHigh: high / n };
}

/** A histogram as a one-line bar chart (heights relative to the tallest bin). */
export function sparkline(fractions: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const top = Math.max(...fractions, 1e-12);
  return fractions.map((f) => (f === 0 ? ' ' : bars[Math.min(7, Math.floor((f / top) * 7.999))])).join('');
}
