/**
 * Vogels & Abbott (2005) CUBA, Brette et al. (2007) benchmark 2 (../shared/NETWORKS.md):
 * 80/20 LIF network, exponential current synapses, p = 0.02 at 4000 neurons; scaled to `n`
 * neurons keeping the expected in-degree (p = 0.02 · 4000 / n).
 */
import type { BuiltinNetwork } from './network.ts';

export const cuba: BuiltinNetwork = {
  name: 'cuba',
  doc: 'Vogels & Abbott (2005) CUBA: 80/20 LIF, exponential currents (Brette et al. 2007 benchmark 2)',
  options: {
    n: { default: 4000, min: 80, doc: 'total neurons (E = 80 %), expected in-degree kept at 80' },
  },
  build(o) {
    const n = o.n as number;
    const nE = Math.round(0.8 * n);
    const p = Math.min(1, (0.02 * 4000) / n);
    const lif = {
      tauM: 20, vRest: -49, vThresh: -50, vReset: -60, tRef: 5,
      receptors: { exc: { kind: 'current' as const, tau: 5 }, inh: { kind: 'current' as const, tau: 10 } },
    };
    const pop = (size: number) => ({ size, model: 'lif', params: lif, init: { v: { uniform: [-60, -50] as [number, number] } } });
    const proj = (pre: string, post: string) => ({
      pre, post, connect: { rule: 'fixedProbability' as const, p },
      weight: pre === 'E' ? 1.62 : -9, delay: 0.1, receptor: pre === 'E' ? 'exc' : 'inh',
    });
    return {
      version: 1, name: 'cuba', dt: 0.1, seed: 1,
      populations: { E: pop(nE), I: pop(n - nE) },
      projections: [proj('E', 'E'), proj('E', 'I'), proj('I', 'E'), proj('I', 'I')],
      record: { spikes: ['E', 'I'] },
    };
  },
};
