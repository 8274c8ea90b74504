/**
 * Vogels & Abbott (2005) COBA as in Brian2's benchmark scripts (../shared/NETWORKS.md):
 * conductance synapses (exc τ 5 ms, eRev 0 mV, w 0.6; inh τ 10 ms, eRev −80 mV, w 6.7, in
 * units of the leak conductance), constant drive 20 mV, p = 0.02 at 4000 neurons, scaled
 * keeping the expected in-degree.
 */
import type { BuiltinNetwork } from './network.ts';

export const coba: BuiltinNetwork = {
  name: 'coba',
  doc: 'Vogels & Abbott (2005) COBA: 80/20 LIF with exponential conductances',
  options: {
    n: { default: 4000, min: 80, doc: 'total neurons (E = 80 %), expected in-degree kept at 80' },
  },
  build(o) {
    const n = o.n as number;
    const nE = Math.round(0.8 * n);
    const p = Math.min(1, (0.02 * 4000) / n);
    const lif = {
      tauM: 20, vRest: -60, vThresh: -50, vReset: -60, tRef: 5,
      receptors: {
        exc: { kind: 'conductance' as const, tau: 5, eRev: 0 },
        inh: { kind: 'conductance' as const, tau: 10, eRev: -80 },
      },
    };
    const pop = (size: number) => ({ size, model: 'lif', params: lif, iExt: 20, init: { v: { normal: [-55, 5] as [number, number] } } });
    const proj = (pre: string, post: string) => ({
      pre, post, connect: { rule: 'fixedProbability' as const, p },
      weight: pre === 'E' ? 0.6 : 6.7, delay: 0.1, receptor: pre === 'E' ? 'exc' : 'inh',
    });
    return {
      version: 1, name: 'coba', dt: 0.1, seed: 1,
      populations: { E: pop(nE), I: pop(n - nE) },
      projections: [proj('E', 'E'), proj('E', 'I'), proj('I', 'E'), proj('I', 'I')],
      record: { spikes: ['E', 'I'] },
    };
  },
};
