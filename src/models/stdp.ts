/**
 * Pair-based STDP with exponential traces: the rule's arithmetic, once
 * as WGSL and once as CPU functions with every f32 operation rounded in the same order.
 * Where the updates happen (which synapses, in which tick) is the traversal's business:
 * `src/kernels/plasticity.ts` on the GPU, `src/reference/cpuPlasticity.ts` on the CPU.
 *
 * Traces: each presynaptic neuron has x, each postsynaptic neuron y, decayed every tick by the
 * exact factors exp(−dt/τ+) and exp(−dt/τ−) (computed once on the host). On a spike a trace
 * grows by 1 (`pairing: 'all'`: every earlier spike pairs) or is set to 1 (`'nearest'`).
 *
 *   potentiation (post spike):   additive w += a+·x          multiplicative w += a+·x·(wMax − w)
 *   depression (pre arrival):    additive w −= a−·y          multiplicative w −= a−·y·(w − wMin)
 *
 * then w is clipped to [wMin, wMax]. A pair with the presynaptic spike arriving Δt before the
 * postsynaptic spike changes w by a+·exp(−Δt/τ+) (Δt ≥ 0) or, arriving after it, by
 * −a−·exp(Δt/τ−) (Δt < 0).
 */
import { f32, f32Literal, MIN_NORMAL_F32 } from '../equations/f32.ts';
import type { ParamInfo } from './model.ts';
import type { PlasticityRuleDefinition } from './plasticityRule.ts';

/**
 * Pair-based STDP (spec: a projection's `plasticity`; its tick order: `src/kernels/plasticity.ts`).
 * A presynaptic spike arriving Δt ≥ 0 ms before a postsynaptic one adds aPlus·exp(−Δt/tauPlus);
 * one arriving Δt > 0 ms after it subtracts aMinus·exp(−Δt/tauMinus).
 */
export interface StdpSpec {
  rule: 'stdp';
  /** Presynaptic trace time constant, ms. */
  tauPlus: number;
  /** Postsynaptic trace time constant, ms. */
  tauMinus: number;
  /** Potentiation amplitude, weight units (≥ 0). */
  aPlus: number;
  /** Depression amplitude, weight units (≥ 0; subtracted). */
  aMinus: number;
  /** Weights are clipped to [wMin, wMax]; initial weights must lie there. */
  wMin: number;
  wMax: number;
  /** `additive` (default): Δw = ±a·trace; `multiplicative`: scaled by (wMax − w) or (w − wMin). */
  mode?: 'additive' | 'multiplicative';
  /** `all` (default): traces add up over spikes; `nearest`: a spike resets its trace to 1. */
  pairing?: 'all' | 'nearest';
  /**
   * Synaptic scaling: every `every` ms (from time 0, as that tick begins) each postsynaptic
   * neuron's incoming weights of this projection are scaled to sum to `total`, then clipped
   * to [wMin, wMax] (needs wMin ≥ 0; a neuron whose weights sum to 0 is left alone). Diehl &
   * Cook (2015) hold each neuron's input at a fixed total so that STDP redistributes it.
   */
  normalize?: { total: number; every: number };
}

/** Triplet STDP (`tripletStdp.ts`): parameters not given take their defaults. */
export interface TripletSpec extends Pick<StdpSpec, 'wMin' | 'wMax' | 'pairing' | 'normalize'> {
  rule: 'triplet';
  a2Plus?: number;
  a3Plus?: number;
  a2Minus?: number;
  a3Minus?: number;
  tauPlus?: number;
  tauMinus?: number;
  tauX?: number;
  tauY?: number;
}

/** Reward-modulated STDP (`rewardStdp.ts`): parameters not given take their defaults. */
export interface RewardStdpSpec
  extends Pick<StdpSpec, 'wMin' | 'wMax'>, Partial<Pick<StdpSpec, 'pairing' | 'normalize' | 'aPlus' | 'aMinus' | 'tauPlus' | 'tauMinus'>> {
  rule: 'rstdp';
  baseline?: number;
  tauC?: number;
  tauD?: number;
  every?: number;
  /** Each spike of `population` raises the dopamine by `amount`. */
  modulatedBy?: { population: string; amount: number };
}

/** A projection's `plasticity`: one of the rules of the registry (`plasticityRules`). */
export type PlasticitySpec = StdpSpec | TripletSpec | RewardStdpSpec;

/** Weight normalisation as the kernels apply it: scale to `total` (f32) every `everyTicks`. */
export interface WeightNormalization {
  total: number;
  everyTicks: number;
}

/** The normalisation of a plasticity spec at time step `dt` (ms), or null. */
export function weightNormalization(spec: PlasticitySpec, dt: number): WeightNormalization | null {
  return spec.normalize ? { total: f32(spec.normalize.total), everyTicks: Math.min(2 ** 32 - 1, Math.max(1, Math.round(spec.normalize.every / dt))) } : null;
}

/** Defaults of the optional plasticity fields. */
export const STDP_DEFAULTS = { mode: 'additive', pairing: 'all' } as const;

/**
 * A plasticity rule as the spec names it (`plasticity.rule`): its parameters, its string
 * options (a variant of the rule each), and its definition for given options.
 */
export interface PlasticityRuleFamily {
  name: string;
  doc: string;
  params: Record<string, ParamInfo>;
  options: Record<string, { values: string[]; default: string; doc: string }>;
  definition(options: Record<string, string | undefined>): PlasticityRuleDefinition;
}

const positive = { min: 0, exclusiveMin: true };

/**
 * Pair STDP as a rule definition (`plasticityRule.ts`): x per presynaptic neuron, y per
 * postsynaptic neuron, and the weight change of the file comment.
 * @example stdpDefinition({ rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.0105, wMin: 0, wMax: 1 })
 */
export function stdpDefinition(spec: Pick<StdpSpec, 'mode' | 'pairing'>): PlasticityRuleDefinition {
  const multiplicative = (spec.mode ?? STDP_DEFAULTS.mode) === 'multiplicative';
  const onSpike = (trace: string) => ((spec.pairing ?? STDP_DEFAULTS.pairing) === 'nearest' ? '1' : `${trace} + 1`);
  return {
    name: 'stdp',
    doc: 'pair-based STDP with exponential traces (Song, Miller & Abbott 2000)',
    params: STDP_PARAMS,
    preTraces: { x: { tau: 'tauPlus', onSpike: onSpike('x') } },
    postTraces: { y: { tau: 'tauMinus', onSpike: onSpike('y') } },
    onPost: multiplicative ? 'w + (aPlus*x)*(wMax - w)' : 'w + aPlus*x',
    onPre: multiplicative ? 'w - (aMinus*y)*(w - wMin)' : 'w - aMinus*y',
  };
}

/** Pair STDP's parameters (ms and weight units). */
export const STDP_PARAMS: Record<string, ParamInfo> = {
  aPlus: { unit: 'weight', doc: 'potentiation amplitude (added)', range: { min: 0 }, settable: true },
  aMinus: { unit: 'weight', doc: 'depression amplitude (subtracted)', range: { min: 0 }, settable: true },
  wMin: { unit: 'weight', doc: 'lower weight bound' },
  wMax: { unit: 'weight', doc: 'upper weight bound' },
  tauPlus: { unit: 'ms', doc: 'presynaptic trace time constant', range: positive },
  tauMinus: { unit: 'ms', doc: 'postsynaptic trace time constant', range: positive },
};
export const stdp: PlasticityRuleFamily = {
  name: 'stdp',
  doc: 'pair-based STDP with exponential traces',
  params: STDP_PARAMS,
  options: {
    mode: {
      values: ['additive', 'multiplicative'],
      default: STDP_DEFAULTS.mode,
      doc: 'additive: Δw = ±a·trace; multiplicative: scaled by (wMax − w) or (w − wMin)',
    },
    pairing: { values: ['all', 'nearest'], default: STDP_DEFAULTS.pairing, doc: 'all: traces add up over spikes; nearest: a spike resets its trace to 1' },
  },
  definition: (options) => stdpDefinition(options as Pick<StdpSpec, 'mode' | 'pairing'>),
};

/** The smallest normal f32: a column of weights summing to less is left alone (the division needs a normal divisor). */
export const NORMALIZE_MIN_SUM = MIN_NORMAL_F32;

/**
 * f32 weight → i32 fixed point with scale 2^exponent, for the delay ring. w·2^k is exact in
 * f32 and WGSL's `round` rounds half to even, so the CPU does too.
 */
export function fixedFromF32Wgsl(exponent: number): string {
  return /* wgsl */ `
fn fixedFromF32(w: f32) -> i32 {
  return i32(round(w * ${f32Literal(2 ** exponent)}));
}
`;
}

export function fixedFromF32(w: number, exponent: number): number {
  const x = f32(w * 2 ** exponent);
  const r = Math.round(x);
  return (r - x === 0.5 && r % 2 !== 0 ? r - 1 : r) | 0;
}
