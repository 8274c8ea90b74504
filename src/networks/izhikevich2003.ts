/**
 * Izhikevich (2003) "Simple model of spiking neurons", the original net.m
 * (docs/networks.md): 80/20 heterogeneous Izhikevich neurons, all-to-all pulse synapses,
 * Gaussian thalamic input each 1 ms step, v in two 0.5 ms half-steps. Scaling to `n` scales
 * weights by 1000 / n to keep the summed input.
 */
import { CounterRng, Stream, streamId } from '../rng/counterHash.ts';
import type { BuiltinNetwork } from './network.ts';

export const izhikevich2003: BuiltinNetwork = {
  name: 'izhikevich2003',
  doc: 'Izhikevich (2003) net.m: 800 RS/CH + 200 FS/LTS Izhikevich neurons, all-to-all, thalamic noise',
  options: {
    n: { default: 1000, min: 5, doc: 'total neurons (E = 80 %); weights scaled by 1000 / n' },
    seed: { default: 1, min: 0, doc: 'seed (also draws the per-neuron r of the heterogeneous parameters)' },
  },
  build(o) {
    const n = o.n as number;
    const seed = o.seed as number;
    const nE = Math.round(0.8 * n),
      nI = n - nE;
    const rng = new CounterRng(seed, streamId(Stream.param, 0xffff));
    const rE = Array.from({ length: nE }, () => rng.uniform());
    const rI = Array.from({ length: nI }, () => rng.uniform());
    const scale = 1000 / n;
    return {
      version: 1,
      name: 'izhikevich2003',
      dt: 1,
      seed,
      populations: {
        E: {
          size: nE,
          model: 'izhikevich',
          params: { a: 0.02, b: 0.2, c: rE.map((r) => -65 + 15 * r * r), d: rE.map((r) => 8 - 6 * r * r), substeps: 2, receptors: { syn: { kind: 'pulse' } } },
          init: { v: -65 },
          noise: { sd: 5 },
        },
        I: {
          size: nI,
          model: 'izhikevich',
          params: { a: rI.map((r) => 0.02 + 0.08 * r), b: rI.map((r) => 0.25 - 0.05 * r), c: -65, d: 2, substeps: 2, receptors: { syn: { kind: 'pulse' } } },
          init: { v: -65 },
          noise: { sd: 2 },
        },
      },
      projections: ['E', 'I'].flatMap((pre) =>
        ['E', 'I'].map((post) => ({
          pre,
          post,
          connect: { rule: 'allToAll' as const },
          weight: pre === 'E' ? { uniform: [0, 0.5 * scale] as [number, number] } : { uniform: [-scale, 0] as [number, number] },
          delay: 1,
          receptor: 'syn',
        })),
      ),
      record: { spikes: ['E', 'I'] },
    };
  },
};
