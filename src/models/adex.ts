/**
 * Adaptive exponential integrate-and-fire (Brette & Gerstner 2005), written as equations:
 *   C dv/dt = −gL (v − EL) + gL ΔT exp((v − VT)/ΔT) − w + iExt + Isyn
 *   τw dw/dt = a (v − EL) − w
 *   spike when v > VT + 5 ΔT (the cut-off of Brian2's example): v = Vr, w = w + b.
 * Units as Naud et al. (2008): pF, nS, mV, ms, pA (so iExt and current receptors are in pA,
 * conductance receptors in nS). The defaults are Naud et al.'s tonic-spiking cell; their
 * other firing patterns are `adexFiringPatterns` (src/networks/adexPatterns.ts).
 */
import { equationModel } from './equationModel.ts';

const positive = { min: 0, exclusiveMin: true };

export const adex = equationModel({
  name: 'adex',
  doc: 'Adaptive exponential integrate-and-fire (Brette & Gerstner 2005); units pF, nS, mV, ms, pA.',
  equations: ['dv/dt = (-gL*(v - EL) + gL*DeltaT*exp((v - VT)/DeltaT) - w + iExt + Isyn) / C (unless refractory)', 'dw/dt = (a*(v - EL) - w) / tauw'],
  threshold: 'v > VT + 5*DeltaT',
  reset: ['v = Vr', 'w += b'],
  refractory: 'tRef',
  method: 'euler',
  params: {
    C: { default: 200, unit: 'pF', doc: 'membrane capacitance', range: positive },
    gL: { default: 10, unit: 'nS', doc: 'leak conductance', range: positive },
    EL: { default: -70, unit: 'mV', doc: 'leak reversal potential' },
    VT: { default: -50, unit: 'mV', doc: 'threshold slope factor midpoint (spike cut-off at VT + 5·ΔT)' },
    DeltaT: { default: 2, unit: 'mV', doc: 'slope factor ΔT', range: positive },
    a: { default: 2, unit: 'nS', doc: 'subthreshold adaptation' },
    tauw: { default: 30, unit: 'ms', doc: 'adaptation time constant', range: positive },
    b: { default: 0, unit: 'pA', doc: 'spike-triggered adaptation' },
    Vr: { default: -58, unit: 'mV', doc: 'reset potential' },
    tRef: { default: 0, unit: 'ms', doc: 'refractory period (v held, threshold not tested)', range: { min: 0 } },
  },
  state: {
    v: { init: 'EL', unit: 'mV', doc: 'membrane potential' },
    w: { init: 0, unit: 'pA', doc: 'adaptation current' },
  },
});
