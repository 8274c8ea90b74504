/**
 * Triplet STDP (Pfister & Gerstner 2006): pair terms as in pair STDP, plus a triplet term that
 * lets the second postsynaptic trace o2 scale potentiation (and, in the full model, the second
 * presynaptic trace r2 scale depression), so that the weight change depends on the pairing
 * frequency as in visual-cortex and hippocampal slices.
 *
 *   post spike:  w += r1 · (a2Plus + a3Plus · o2)     (o2 just before this spike)
 *   pre arrival: w −= o1 · (a2Minus + a3Minus · r2)   (r2 just before this spike)
 *
 * r1, r2 decay with tauPlus, tauX; o1, o2 with tauMinus, tauY. `pairing: "all"` (all-to-all)
 * adds 1 to each trace at a spike; `"nearest"` sets it to 1. a3Minus = 0 is their "minimal"
 * model. The defaults are their minimal all-to-all fit to visual cortex (Sjöström et al. 2001),
 * with amplitudes as weight changes.
 */
import type { ParamInfo } from './model.ts';
import type { PlasticityRuleDefinition } from './plasticityRule.ts';
import type { PlasticityRuleFamily } from './stdp.ts';

const positive = { min: 0, exclusiveMin: true };

const TRIPLET_PARAMS: Record<string, ParamInfo> = {
  a2Plus: { default: 5e-10, unit: 'weight', doc: 'pair potentiation amplitude', range: { min: 0 }, settable: true },
  a3Plus: { default: 6.2e-3, unit: 'weight', doc: 'triplet potentiation amplitude', range: { min: 0 }, settable: true },
  a2Minus: { default: 7e-3, unit: 'weight', doc: 'pair depression amplitude', range: { min: 0 }, settable: true },
  a3Minus: { default: 0, unit: 'weight', doc: 'triplet depression amplitude (0: the minimal model)', range: { min: 0 }, settable: true },
  wMin: { unit: 'weight', doc: 'lower weight bound' },
  wMax: { unit: 'weight', doc: 'upper weight bound' },
  tauPlus: { default: 16.8, unit: 'ms', doc: 'time constant of r1 (pair potentiation)', range: positive },
  tauMinus: { default: 33.7, unit: 'ms', doc: 'time constant of o1 (pair depression)', range: positive },
  tauX: { default: 101, unit: 'ms', doc: 'time constant of r2 (triplet depression)', range: positive },
  tauY: { default: 125, unit: 'ms', doc: 'time constant of o2 (triplet potentiation)', range: positive },
};

/** The triplet rule with its traces' pairing. */
export function tripletDefinition(options: { pairing?: string }): PlasticityRuleDefinition {
  const onSpike = (trace: string) => (options.pairing === 'nearest' ? '1' : `${trace} + 1`);
  return {
    name: 'triplet',
    doc: 'triplet STDP (Pfister & Gerstner 2006)',
    params: TRIPLET_PARAMS,
    preTraces: { r1: { tau: 'tauPlus', onSpike: onSpike('r1') }, r2: { tau: 'tauX', onSpike: onSpike('r2') } },
    postTraces: { o1: { tau: 'tauMinus', onSpike: onSpike('o1') }, o2: { tau: 'tauY', onSpike: onSpike('o2') } },
    onPost: 'w + r1*(a2Plus + a3Plus*o2)',
    onPre: 'w - o1*(a2Minus + a3Minus*r2)',
  };
}

export const triplet: PlasticityRuleFamily = {
  name: 'triplet',
  doc: 'triplet STDP (Pfister & Gerstner 2006): potentiation grows with the postsynaptic rate',
  params: TRIPLET_PARAMS,
  options: { pairing: { values: ['all', 'nearest'], default: 'all', doc: 'all: traces add up over spikes; nearest: a spike sets its traces to 1' } },
  definition: tripletDefinition,
};
