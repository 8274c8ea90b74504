/**
 * Population statistics of spike trains, used to compare simulators (pure, no GPU):
 * mean rate, mean coefficient of variation of inter-spike intervals, fraction of silent
 * neurons, and population synchrony as the Fano factor of the summed spike count in 1 ms bins.
 */
import type { PopulationSpikes } from '../sim/spikeRecorder.ts';

export interface SpikeStats {
  /** Mean firing rate, Hz. */
  rateHz: number;
  /** Mean CV of ISIs over neurons with ≥ 3 spikes (NaN when none has). */
  cvIsi: number;
  /** Fraction of neurons without a spike. */
  silentFraction: number;
  /** Variance / mean of the population spike count in 1 ms bins (NaN without spikes). */
  fano1ms: number;
}

export const STAT_NAMES: (keyof SpikeStats)[] = ['rateHz', 'cvIsi', 'silentFraction', 'fano1ms'];

/**
 * Statistics of one population of `size` neurons recorded over [0, durationMs).
 * @example spikeStats(sim.spikes('E'), 3200, 1000).rateHz
 */
export function spikeStats(spikes: PopulationSpikes, size: number, durationMs: number): SpikeStats {
  const { times, ids } = spikes;
  const perNeuron: number[][] = Array.from({ length: size }, () => []);
  for (let k = 0; k < ids.length; k++) perNeuron[ids[k]].push(times[k]);
  let cvSum = 0,
    cvCount = 0,
    silent = 0;
  for (const t of perNeuron) {
    if (t.length === 0) silent++;
    if (t.length < 3) continue;
    t.sort((a, b) => a - b);
    let m = 0,
      m2 = 0;
    for (let k = 1; k < t.length; k++) {
      const isi = t[k] - t[k - 1];
      m += isi;
      m2 += isi * isi;
    }
    const n = t.length - 1;
    const mean = m / n;
    cvSum += Math.sqrt(Math.max(0, m2 / n - mean * mean)) / mean;
    cvCount++;
  }
  const bins = new Float64Array(Math.max(1, Math.ceil(durationMs - 1e-9)));
  for (const t of times) bins[Math.min(bins.length - 1, Math.floor(t))]++;
  let bm = 0,
    bm2 = 0;
  for (const b of bins) {
    bm += b;
    bm2 += b * b;
  }
  bm /= bins.length;
  const variance = bm2 / bins.length - bm * bm;
  return {
    rateHz: size && durationMs ? ids.length / size / (durationMs / 1000) : 0,
    cvIsi: cvCount ? cvSum / cvCount : NaN,
    silentFraction: size ? silent / size : 0,
    fano1ms: bm > 0 ? variance / bm : NaN,
  };
}
