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
import { f32, f32Literal } from './model.ts';
import { MIN_NORMAL_F32 } from './exactDivision.ts';

/**
 * Pair-based STDP (spec: a projection's `plasticity`; its tick order: `src/kernels/plasticity.ts`).
 * A presynaptic spike arriving Δt ≥ 0 ms before a postsynaptic one adds aPlus·exp(−Δt/tauPlus);
 * one arriving Δt > 0 ms after it subtracts aMinus·exp(−Δt/tauMinus).
 */
export interface PlasticitySpec {
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

/** Weight normalisation as the kernels apply it: scale to `total` (f32) every `everyTicks`. */
export interface WeightNormalization {
  total: number;
  everyTicks: number;
}

/** The normalisation of a plasticity spec at time step `dt` (ms), or null. */
export function weightNormalization(spec: PlasticitySpec, dt: number): WeightNormalization | null {
  return spec.normalize ? { total: f32(spec.normalize.total), everyTicks: Math.min(2 ** 32 - 1, Math.max(1, Math.round(spec.normalize.every / dt))) } : null;
}

/** The rule with its constants as the kernels use them (f32 values). */
export interface StdpRule {
  aPlus: number;
  aMinus: number;
  wMin: number;
  wMax: number;
  /** exp(−dt/τ+): presynaptic trace decay per tick. */
  decayPlus: number;
  /** exp(−dt/τ−): postsynaptic trace decay per tick. */
  decayMinus: number;
  multiplicative: boolean;
  nearest: boolean;
}

/** Defaults of the optional plasticity fields. */
export const STDP_DEFAULTS = { mode: 'additive', pairing: 'all' } as const;

/** The rule of a plasticity spec at time step `dt` (ms). */
export function stdpRule(spec: PlasticitySpec, dt: number): StdpRule {
  return {
    aPlus: f32(spec.aPlus),
    aMinus: f32(spec.aMinus),
    wMin: f32(spec.wMin),
    wMax: f32(spec.wMax),
    decayPlus: f32(Math.exp(-dt / spec.tauPlus)),
    decayMinus: f32(Math.exp(-dt / spec.tauMinus)),
    multiplicative: (spec.mode ?? STDP_DEFAULTS.mode) === 'multiplicative',
    nearest: (spec.pairing ?? STDP_DEFAULTS.pairing) === 'nearest',
  };
}

/** The layout of the rule's uniform buffer: one f32 per constant, in this order, padded to 8. */
const STDP_UNIFORM_FIELDS = ['aPlus', 'aMinus', 'wMin', 'wMax', 'decayPlus', 'decayMinus'] as const;
const STDP_UNIFORM_WORDS = 8;

/** The rule's constants as the uniform buffer `stdpWgsl` declares. */
export function stdpUniform(r: StdpRule): Float32Array {
  const u = new Float32Array(STDP_UNIFORM_WORDS);
  STDP_UNIFORM_FIELDS.forEach((field, k) => (u[k] = r[field]));
  return u;
}

/** Word offsets in `stdpUniform` of the constants `sim.setPlasticity` may change. */
export const STDP_UNIFORM_WORD = { aPlus: STDP_UNIFORM_FIELDS.indexOf('aPlus'), aMinus: STDP_UNIFORM_FIELDS.indexOf('aMinus') } as const;

/** `rule` with its constants read back from `stdpUniform` words (the pairing and mode stay). */
export function stdpRuleFromUniform(rule: StdpRule, u: Float32Array): StdpRule {
  const out = { ...rule };
  STDP_UNIFORM_FIELDS.forEach((field, k) => (out[field] = u[k]));
  return out;
}

/**
 * WGSL: `stdpOnSpike`, `stdpPotentiate`, `stdpDepress` and the constants `aPlus`, `aMinus`,
 * `wMin`, `wMax`, `decayPlus`, `decayMinus`, read from the uniform `stdp: StdpConstants` that
 * the kernel binds (filled from `stdpUniform`). Not WGSL constants: a compiler could fold products of constants
 * (aMinus·decayMinus·y) and round differently from the CPU. WGSL does not forbid fusing
 * `w + a·x` into one multiply-add either; SwiftShader does not, and the tests check GPU =
 * CPU weights on the adapter they run on.
 */
export function stdpWgsl(r: StdpRule): string {
  return /* wgsl */ `
struct StdpConstants { ${STDP_UNIFORM_FIELDS.map((f) => `${f}: f32`).join(', ')}, ${Array.from({ length: STDP_UNIFORM_WORDS - STDP_UNIFORM_FIELDS.length }, (_, k) => `pad${k}: f32`).join(', ')} }

fn stdpOnSpike(trace: f32) -> f32 {
  return ${r.nearest ? '1.0' : 'trace + 1.0'};
}

fn stdpPotentiate(w: f32, x: f32) -> f32 {
  return clamp(${r.multiplicative ? 'w + (stdp.aPlus * x) * (stdp.wMax - w)' : 'w + stdp.aPlus * x'}, stdp.wMin, stdp.wMax);
}

fn stdpDepress(w: f32, y: f32) -> f32 {
  return clamp(${r.multiplicative ? 'w - (stdp.aMinus * y) * (w - stdp.wMin)' : 'w - stdp.aMinus * y'}, stdp.wMin, stdp.wMax);
}
`;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

/** The CPU twins of `stdpWgsl`'s functions. */
export function stdpCpu(r: StdpRule) {
  const { aPlus, aMinus, wMin, wMax } = r;
  return {
    onSpike: r.nearest ? (_trace: number) => 1 : (trace: number) => f32(trace + 1),
    potentiate: r.multiplicative
      ? (w: number, x: number) => clamp(f32(w + f32(f32(aPlus * x) * f32(wMax - w))), wMin, wMax)
      : (w: number, x: number) => clamp(f32(w + f32(aPlus * x)), wMin, wMax),
    depress: r.multiplicative
      ? (w: number, y: number) => clamp(f32(w - f32(f32(aMinus * y) * f32(w - wMin))), wMin, wMax)
      : (w: number, y: number) => clamp(f32(w - f32(aMinus * y)), wMin, wMax),
  };
}

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
