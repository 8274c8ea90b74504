/**
 * Vogels & Abbott (2005) networks as in Brette et al. (2007) and Brian2's benchmark scripts
 * (docs/networks.md): 80/20 LIF populations, p = 0.02 at 4000 neurons, scaled to `n`
 * neurons keeping the expected in-degree (p = 0.02 · 4000 / n), one-tick delays.
 * `cuba`: exponential currents (exc τ 5 ms, +1.62 mV; inh τ 10 ms, −9 mV), v(0) ~ U(−60, −50).
 * `coba`: exponential conductances (exc τ 5 ms, eRev 0 mV, 0.6; inh τ 10 ms, eRev −80 mV, 6.7,
 * in units of the leak conductance), 20 mV drive, v(0) ~ N(−55, 5).
 */
import type { PopulationSpec, ReceptorSpec, Value } from '../netspec/types.ts';
import type { BuiltinNetwork, NetworkOption } from './network.ts';

const sizeOption: NetworkOption = { default: 4000, min: 80, doc: 'total neurons (E = 80 %), expected in-degree kept at 80' };

interface VogelsAbbottVariant {
  name: string;
  lif: { tauM: number; vRest: number; vThresh: number; vReset: number; tRef: number };
  receptors: { exc: ReceptorSpec; inh: ReceptorSpec };
  weights: { exc: number; inh: number };
  vInit: Value;
  iExt?: number;
}

function vogelsAbbott(v: VogelsAbbottVariant, n: number) {
  const nE = Math.round(0.8 * n);
  const p = Math.min(1, (0.02 * 4000) / n);
  const pop = (size: number): PopulationSpec => ({
    size,
    model: 'lif',
    params: { ...v.lif, receptors: v.receptors },
    init: { v: v.vInit },
    ...(v.iExt !== undefined ? { iExt: v.iExt } : {}),
  });
  const proj = (pre: 'E' | 'I', post: 'E' | 'I') => ({
    pre,
    post,
    connect: { rule: 'fixedProbability' as const, p },
    weight: pre === 'E' ? v.weights.exc : v.weights.inh,
    delay: 0.1,
    receptor: pre === 'E' ? 'exc' : 'inh',
  });
  return {
    version: 1 as const,
    name: v.name,
    dt: 0.1,
    seed: 1,
    populations: { E: pop(nE), I: pop(n - nE) },
    projections: [proj('E', 'E'), proj('E', 'I'), proj('I', 'E'), proj('I', 'I')],
    record: { spikes: ['E', 'I'] },
  };
}

export const cuba: BuiltinNetwork = {
  name: 'cuba',
  doc: 'Vogels & Abbott (2005) CUBA: 80/20 LIF, exponential currents (Brette et al. 2007 benchmark 2)',
  options: { n: sizeOption },
  build: (o) =>
    vogelsAbbott(
      {
        name: 'cuba',
        lif: { tauM: 20, vRest: -49, vThresh: -50, vReset: -60, tRef: 5 },
        receptors: { exc: { kind: 'current', tau: 5 }, inh: { kind: 'current', tau: 10 } },
        weights: { exc: 1.62, inh: -9 },
        vInit: { uniform: [-60, -50] },
      },
      o.n as number,
    ),
};

export const coba: BuiltinNetwork = {
  name: 'coba',
  doc: 'Vogels & Abbott (2005) COBA: 80/20 LIF with exponential conductances',
  options: { n: sizeOption },
  build: (o) =>
    vogelsAbbott(
      {
        name: 'coba',
        lif: { tauM: 20, vRest: -60, vThresh: -50, vReset: -60, tRef: 5 },
        receptors: { exc: { kind: 'conductance', tau: 5, eRev: 0 }, inh: { kind: 'conductance', tau: 10, eRev: -80 } },
        weights: { exc: 0.6, inh: 6.7 },
        vInit: { normal: [-55, 5] },
        iExt: 20,
      },
      o.n as number,
    ),
};
