/**
 * Latency (time-to-first-spike) coding: every input above a threshold spikes once, stronger
 * inputs earlier.
 */
import { checkNumber, checkRange, normalise } from './rate.ts';

/** Spikes for a `spikeSource` population: neuron `ids[k]` (local id) spikes at `times[k]` ms. */
export interface SpikeTrains {
  times: number[];
  ids: number[];
}

export interface LatencyCodeOptions {
  /** Length of the coding window, ms, > 0: every spike falls in [0, tMaxMs]. */
  tMaxMs: number;
  /** `linear` (default) or `log`; see latencyCode. */
  mode?: 'linear' | 'log';
  /** Intensity that normalises to 0. Default 0. */
  min?: number;
  /** Intensity that normalises to 1. Default 1. */
  max?: number;
  /** θ, on the normalised scale: inputs with x̂ ≤ θ do not spike. Default 0 (linear), 0.01 (log, as snnTorch). */
  threshold?: number;
  /** log mode only: τ, ms, > 0. Default tMaxMs / ln(1/θ). */
  tauMs?: number;
}

/**
 * Latency coding: one spike per input whose normalised intensity
 * x̂ = clip((x − min) / (max − min), 0, 1) is above the threshold θ; inputs with x̂ ≤ θ stay
 * silent. Spike times, in ms:
 *
 * - `linear`: t = tMaxMs · (1 − x̂), so x̂ = 1 spikes at 0 and x̂ → θ near tMaxMs·(1 − θ);
 *   θ in [0, 1), default 0 (a zero intensity never spikes).
 * - `log`: t = τ · ln(x̂ / (x̂ − θ)), snnTorch's `spikegen.latency` (its default, non-linear
 *   code): the time a leaky integrator with time constant τ, driven by x̂, takes to charge up to
 *   θ. θ in (0, 1), default 0.01 as snnTorch. Times grow without bound as x̂ → θ, so a spike
 *   after tMaxMs is dropped (the integrator did not reach θ within the window). τ defaults to
 *   tMaxMs / ln(1/θ), which puts x̂ = θ / (1 − θ) at tMaxMs: only inputs in (θ, θ / (1 − θ)) are
 *   dropped, and x̂ = 1 spikes at τ · ln(1 / (1 − θ)), not at 0.
 *
 * Spikes come in id order (ids are the inputs' indices), which is what a `spikeSource`
 * population takes as `times` and `ids`.
 * @example
 *   const { times, ids } = latencyCode([1, 0.5, 0], { tMaxMs: 20 }); // times [0, 10], ids [0, 1]
 *   const pop = { model: 'spikeSource', size: 3, times, ids };
 */
export function latencyCode(intensities: ArrayLike<number>, options: LatencyCodeOptions): SpikeTrains {
  const fn = 'latencyCode';
  const tMaxMs = checkNumber(fn, 'tMaxMs', options.tMaxMs, { min: 0, exclusiveMin: true });
  const mode = options.mode ?? 'linear';
  if (mode !== 'linear' && mode !== 'log') throw new RangeError(`${fn}: mode must be 'linear' or 'log', got ${JSON.stringify(mode)}`);
  const { min, max } = checkRange(fn, options.min ?? 0, options.max ?? 1);
  const x = normalise(fn, intensities, min, max);
  const times: number[] = [];
  const ids: number[] = [];
  if (mode === 'linear') {
    if (options.tauMs !== undefined) throw new RangeError(`${fn}: tauMs applies to mode 'log' only`);
    const threshold = checkNumber(fn, 'threshold', options.threshold ?? 0, { min: 0 });
    if (threshold >= 1) throw new RangeError(`${fn}: threshold must be < 1, got ${threshold}`);
    for (let i = 0; i < x.length; i++) {
      if (x[i] <= threshold) continue;
      times.push(tMaxMs * (1 - x[i]));
      ids.push(i);
    }
    return { times, ids };
  }
  const threshold = checkNumber(fn, 'threshold', options.threshold ?? 0.01, { min: 0, exclusiveMin: true });
  if (threshold >= 1) throw new RangeError(`${fn}: threshold must be < 1 in mode 'log', got ${threshold}`);
  const tauMs = options.tauMs === undefined ? tMaxMs / Math.log(1 / threshold) : checkNumber(fn, 'tauMs', options.tauMs, { min: 0, exclusiveMin: true });
  for (let i = 0; i < x.length; i++) {
    if (x[i] <= threshold) continue;
    const t = tauMs * Math.log(x[i] / (x[i] - threshold));
    if (t > tMaxMs) continue;
    times.push(t);
    ids.push(i);
  }
  return { times, ids };
}
