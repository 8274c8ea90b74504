/**
 * Rank-order coding (Thorpe and Gautrais 1998): only the order in which inputs fire carries
 * information, so each input spikes once, strongest first, at evenly spaced times.
 */
import type { SpikeTrains } from './latency.ts';
import { checkIntensities, checkNumber } from './rate.ts';

export interface RankOrderCodeOptions {
  /** Time between consecutive spikes, ms, > 0. Keep it ≥ dt, or several ranks share a tick and their order is lost. */
  intervalMs: number;
  /** Time of the first spike, ms, ≥ 0. Default 0. */
  startMs?: number;
  /** Inputs ≤ threshold (raw intensity, not normalised) do not spike. Default 0: zero and negative inputs are silent. */
  threshold?: number;
  /** Keep only the first `maxSpikes` ranks (integer ≥ 0). Default: all inputs above the threshold. */
  maxSpikes?: number;
}

/**
 * Rank-order coding: inputs with intensity > threshold, sorted by decreasing intensity (equal
 * intensities by increasing index), spike once each: the k-th (k = 0, 1, …) at
 * startMs + k · intervalMs. Spikes come in rank order, i.e. time order.
 * @example
 *   const { times, ids } = rankOrderCode([0.2, 0.9, 0, 0.5], { intervalMs: 1 }); // times [0, 1, 2], ids [1, 3, 0]
 *   const pop = { model: 'spikeSource', size: 4, times, ids };
 */
export function rankOrderCode(intensities: ArrayLike<number>, options: RankOrderCodeOptions): SpikeTrains {
  const fn = 'rankOrderCode';
  const intervalMs = checkNumber(fn, 'intervalMs', options.intervalMs, { min: 0, exclusiveMin: true });
  const startMs = checkNumber(fn, 'startMs', options.startMs ?? 0, { min: 0 });
  const threshold = checkNumber(fn, 'threshold', options.threshold ?? 0);
  const maxSpikes = options.maxSpikes === undefined ? Infinity : checkNumber(fn, 'maxSpikes', options.maxSpikes, { min: 0, integer: true });
  checkIntensities(fn, intensities);
  const order: number[] = [];
  for (let i = 0; i < intensities.length; i++) if (intensities[i] > threshold) order.push(i);
  order.sort((a, b) => intensities[b] - intensities[a] || a - b);
  const ids = order.slice(0, Math.min(order.length, maxSpikes));
  return { times: ids.map((_, k) => startMs + k * intervalMs), ids };
}
