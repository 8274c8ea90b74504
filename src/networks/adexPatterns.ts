/**
 * The firing patterns of the AdEx model (Naud, Marcille, Clopath & Gerstner 2008, Table 1):
 * seven single neurons, each with its own parameters and a constant current from t = 0,
 * starting at rest (v = EL, w = 0). The values are those of Brian2's example
 * `frompapers/Naud_et_al_2008_adex_firing_patterns`; units pF, nS, mV, ms, pA.
 */
import type { BuiltinNetwork } from './network.ts';

/** One parameter set: the model's parameters and the injected current I (pA). */
export interface AdexPattern {
  C: number;
  gL: number;
  EL: number;
  VT: number;
  DeltaT: number;
  a: number;
  tauw: number;
  b: number;
  Vr: number;
  I: number;
}

/** Naud et al. (2008), Table 1. */
export const ADEX_FIRING_PATTERNS: Record<string, AdexPattern> = {
  tonic: { C: 200, gL: 10, EL: -70, VT: -50, DeltaT: 2, a: 2, tauw: 30, b: 0, Vr: -58, I: 500 },
  adapting: { C: 200, gL: 12, EL: -70, VT: -50, DeltaT: 2, a: 2, tauw: 300, b: 60, Vr: -58, I: 500 },
  initialBurst: { C: 130, gL: 18, EL: -58, VT: -50, DeltaT: 2, a: 4, tauw: 150, b: 120, Vr: -50, I: 400 },
  regularBursting: { C: 200, gL: 10, EL: -58, VT: -50, DeltaT: 2, a: 2, tauw: 120, b: 100, Vr: -46, I: 210 },
  delayedAccelerating: { C: 200, gL: 12, EL: -70, VT: -50, DeltaT: 2, a: -10, tauw: 300, b: 0, Vr: -58, I: 300 },
  delayedBursting: { C: 100, gL: 10, EL: -65, VT: -50, DeltaT: 2, a: -10, tauw: 90, b: 30, Vr: -47, I: 110 },
  transient: { C: 100, gL: 10, EL: -65, VT: -50, DeltaT: 2, a: 10, tauw: 90, b: 100, Vr: -47, I: 180 },
};

export const adexPatterns: BuiltinNetwork = {
  name: 'adexPatterns',
  doc: 'Naud et al. (2008): the seven AdEx firing patterns, one neuron each, constant current from t = 0',
  options: {
    dt: { default: 0.1, min: 0.001, doc: 'time step, ms' },
  },
  build(o) {
    return {
      version: 1,
      name: 'adexPatterns',
      dt: o.dt as number,
      seed: 1,
      populations: Object.fromEntries(
        Object.entries(ADEX_FIRING_PATTERNS).map(([name, { I, ...params }]) => [name, { size: 1, model: 'adex', params, iExt: I }]),
      ),
      projections: [],
      record: { spikes: Object.keys(ADEX_FIRING_PATTERNS) },
    };
  },
};
