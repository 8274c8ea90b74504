/**
 * Reward-modulated STDP (Izhikevich 2007, "Solving the distal reward problem through linkage of
 * STDP and dopamine signaling"): spike pairs do not change the weight; they change each
 * synapse's eligibility trace c, which decays with τc, and the weight follows c times the
 * dopamine concentration d (plus a small baseline), so a reward that comes seconds after a
 * pairing still reaches the synapses that were eligible then.
 *
 *   post spike:  c += aPlus · x          pre arrival:  c −= aMinus · y      (x, y: STDP traces)
 *   every `every` ms:  w ← clip(w + (baseline + d) · c, wMin, wMax);  c ← c · exp(−every/τc)
 *   d decays with τd every tick, and rises by `modulatedBy.amount` at each spike of the
 *   population `modulatedBy.population` (or is set by `sim.setModulator`).
 *
 * The defaults are those of the paper's code (dastdp.m): nearest-spike traces set to 0.1 at a
 * spike are aPlus = 0.1, aMinus = 0.15 on unit traces; τ± = 20 ms, τc = 1 s (0.99 per 10 ms),
 * τd = 200 ms (0.995 per ms), baseline 0.002, updates every 10 ms; the paper's weights lie in [0, 4].
 */
import type { ParamInfo } from './model.ts';
import type { PlasticityRuleDefinition } from './plasticityRule.ts';
import type { PlasticityRuleFamily } from './stdp.ts';

const positive = { min: 0, exclusiveMin: true };

const REWARD_STDP_PARAMS: Record<string, ParamInfo> = {
  aPlus: { default: 0.1, unit: 'weight', doc: 'eligibility added at a post spike, times the presynaptic trace', range: { min: 0 }, settable: true },
  aMinus: { default: 0.15, unit: 'weight', doc: 'eligibility removed at a pre arrival, times the postsynaptic trace', range: { min: 0 }, settable: true },
  baseline: { default: 0.002, unit: '1', doc: 'dopamine added to d in the weight update (tonic level)', settable: true },
  wMin: { unit: 'weight', doc: 'lower weight bound (the paper: 0)' },
  wMax: { unit: 'weight', doc: 'upper weight bound (the paper: 4)' },
  tauPlus: { default: 20, unit: 'ms', doc: 'presynaptic trace time constant', range: positive },
  tauMinus: { default: 20, unit: 'ms', doc: 'postsynaptic trace time constant', range: positive },
  tauC: { default: 1000, unit: 'ms', doc: 'eligibility trace time constant', range: positive },
  tauD: { default: 200, unit: 'ms', doc: 'dopamine time constant', range: positive },
  every: { default: 10, unit: 'ms', doc: 'period of the weight update', range: positive },
};

/** Reward-modulated STDP with its traces' pairing. */
export function rewardStdpDefinition(options: { pairing?: string }): PlasticityRuleDefinition {
  const onSpike = (trace: string) => (options.pairing === 'all' ? `${trace} + 1` : '1');
  return {
    name: 'rstdp',
    doc: 'reward-modulated STDP (Izhikevich 2007)',
    params: REWARD_STDP_PARAMS,
    preTraces: { x: { tau: 'tauPlus', onSpike: onSpike('x') } },
    postTraces: { y: { tau: 'tauMinus', onSpike: onSpike('y') } },
    synapseVariables: ['c'],
    target: 'c',
    onPost: 'c + aPlus*x',
    onPre: 'c - aMinus*y',
    modulator: { name: 'd', tau: 'tauD' },
    derived: { decayC: 'exp(-every/tauC)' },
    periodic: { every: 'every', update: { w: 'w + (baseline + d)*c', c: 'c*decayC' } },
  };
}

export const rewardStdp: PlasticityRuleFamily = {
  name: 'rstdp',
  doc: 'reward-modulated STDP (Izhikevich 2007): pairings mark synapses eligible, dopamine turns eligibility into weight',
  params: REWARD_STDP_PARAMS,
  options: { pairing: { values: ['nearest', 'all'], default: 'nearest', doc: 'nearest (the paper): a spike sets its trace to 1; all: traces add up' } },
  definition: rewardStdpDefinition,
};
