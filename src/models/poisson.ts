/**
 * Poisson spike source: each tick a neuron spikes with probability rate·dt (Brian2's
 * PoissonGroup). The draw compares a counter-based hash with a u32 threshold computed on the
 * host, so it is exact and identical on both backends.
 */
import { hash4, streamId, Stream } from '../rng/counterHash.ts';
import type { NeuronModel } from './model.ts';

/** Probability (≤ 1) → u32 threshold: spike when hash < threshold. */
export function probabilityThreshold(p: number): number {
  return Math.min(0xffffffff, Math.max(0, Math.floor(p * 4294967296)));
}

export const POISSON_STREAM = streamId(Stream.poissonSource);

export const poisson: NeuronModel = {
  name: 'poisson',
  doc: 'Poisson spike source: independent spikes at `rate` Hz (probability rate·dt per tick).',
  isSource: true,
  params: {
    rate: { default: undefined, unit: 'Hz', doc: 'firing rate', range: { min: 0 } },
  },
  state: {},
  columns: () => ({ params: [], u32Params: ['threshold'], state: [] }),
  deriveParams: (p, { dt }) => ({ threshold: Uint32Array.from(p.rate, (r) => probabilityThreshold((r * dt) / 1000)) }),
  wgsl: () => `
  spiked = hash4(seed, ${POISSON_STREAM}u, globalId, tick) < u_threshold;`,
  cpu: () => (c, i, d) => hash4(d.seed, POISSON_STREAM, d.globalId, d.tick) < c.u.threshold[i],
};
