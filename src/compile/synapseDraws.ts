/**
 * Keyed synapse draws: everything random about synapse k of row x of a projection (its partner,
 * its weight, its delay) is a pure function of `(seed, stream, x, k)`, never of the synapses
 * drawn before it. So any row can be built on its own, in parallel, or regenerated at each
 * spike (procedural synapses), and always comes out the same.
 *
 * Integer arithmetic only (hashes, 32 × 32-bit products split into 16-bit halves), so the WGSL
 * and TypeScript twins below agree bit for bit on every GPU (floating-point contraction cannot
 * change an integer). Change one, change both: test/gpu/synapseDraws.test.ts checks they agree.
 *
 * A value form (constant, uniform, clipped normal) is drawn already quantised: `q` is the value
 * times a scale, an integer (for weights the fixed-point scale 2^exponent, for delays
 * 2^16 per tick). The normal is Irwin–Hall (12 uniform 16-bit halves: tails end at ±6 sd).
 */
import { mix32 } from '../rng/counterHash.ts';
import type { Distribution } from '../netspec/types.ts';
import { delayTicks } from './compiled.ts';

/** Redraws of a clipped normal before clamping (only reached for absurd clips), keyed or sequential (values.ts). */
export const MAX_REDRAWS = 1000;

/** Fractional bits of a delay draw: delays are drawn as ticks · 2^16, then rounded to ticks. */
export const DELAY_FRACTION_BITS = 16;

/** Longest delay, ticks: a delay drawn at 2^16 per tick stays an i32. */
export const MAX_DELAY_TICKS = 2 ** (31 - DELAY_FRACTION_BITS) - 1;

/** floor(a · b / 2^32) for u32 a, b, exactly. */
export function mulhi32(a: number, b: number): number {
  const t = (a & 0xffff) * b; // < 2^48
  return Math.floor((Math.floor(a / 65536) * b + Math.floor(t / 65536)) / 65536);
}

/** The draw after `h` in a synapse's chain. */
export function nextDraw(h: number): number {
  return mix32((h + 0x9e3779b9) >>> 0);
}

/** Uniform integer in [0, n) from a u32 draw (n ≤ 2^32; bias below n / 2^32). */
export function drawBelow(h: number, n: number): number {
  return mulhi32(h, n);
}

/**
 * A partner in [0, n) other than `exclude` (−1: none excluded) from one draw: uniform over the
 * n − 1 others by shifting past `exclude`, so no rejection loop.
 */
export function drawPartner(h: number, n: number, exclude: number): number {
  if (exclude < 0 || exclude >= n) return mulhi32(h, n);
  const v = mulhi32(h, n - 1);
  return v >= exclude ? v + 1 : v;
}

/** How a value form is drawn, quantised: the words of a procedural projection's table. */
export interface QuantizedForm {
  /** 0 constant `a`; 1 uniform `a + below(b)`; 2 normal `a + round(b · z)` clipped to [lo, hi]. */
  kind: 0 | 1 | 2;
  /** i32: the constant, the low end, or the mean, quantised. */
  a: number;
  /** u32: uniform: number of values (span + 1); normal: sd quantised (scale · sd). */
  b: number;
  /** i32 clip bounds of the normal, quantised. */
  lo: number;
  hi: number;
}

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

/** Irwin–Hall sum of the six draws starting at h, centred: c ∈ [−393210, 393210], z = c / 2^16. */
function centredSum(h: number): { c: number; next: number } {
  let sum = 0;
  for (let j = 0; j < 6; j++) {
    sum += (h & 0xffff) + (h >>> 16);
    h = nextDraw(h);
  }
  return { c: sum - 393210, next: h };
}

/** Quantised draw from the chain starting at `h` (the first draw of the synapse's stream). */
export function drawQuantized(f: QuantizedForm, h: number): number {
  if (f.kind === 0) return f.a;
  if (f.kind === 1) return (f.a + mulhi32(h, f.b)) | 0;
  let q = 0;
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    const { c, next } = centredSum(h);
    h = next;
    const r = Math.floor((Math.abs(c) * f.b + 32768) / 65536);
    q = c < 0 ? f.a - r : f.a + r;
    if (q >= f.lo && q <= f.hi) return q;
  }
  return Math.min(f.hi, Math.max(f.lo, q));
}

/** The same draw as a real number (plastic weights keep f32 values, not fixed point). */
export function drawReal(value: Distribution, h: number): number {
  if ('uniform' in value) {
    const [lo, hi] = value.uniform;
    return lo + (hi - lo) * (h / 4294967296);
  }
  const [mean, sd] = value.normal;
  const [lo, hi] = value.clip ?? [-Infinity, Infinity];
  let x = mean;
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    const { c, next } = centredSum(h);
    h = next;
    x = mean + sd * (c / 65536);
    if (x >= lo && x <= hi) return x;
  }
  return Math.min(hi, Math.max(lo, x));
}

/**
 * The key of row x in `stream`: hash4's first three rounds, which do not depend on k.
 * `drawAt(rowKey(seed, stream, x), k)` is `hash4(seed, stream, x, k)`.
 */
export function rowKey(seed: number, stream: number, x: number): number {
  let h = mix32((seed ^ 0x9e3779b9) >>> 0);
  h = mix32((h ^ stream) >>> 0);
  return mix32((h + x) >>> 0);
}

/** The first draw of synapse k of a row (see rowKey). */
export function drawAt(key: number, k: number): number {
  return mix32((key ^ k) >>> 0);
}

/** Smallest and largest value a form can produce (Irwin–Hall ends at ±6 sd; clipping clamps). */
export function formRange(value: number | Distribution): [number, number] {
  if (typeof value === 'number') return [value, value];
  if ('uniform' in value) return [Math.min(...value.uniform), Math.max(...value.uniform)];
  const [mean, sd] = value.normal;
  const [lo, hi] = value.clip ?? [-Infinity, Infinity];
  const clamp = (x: number) => Math.min(hi, Math.max(lo, x));
  return [clamp(mean - 6 * Math.abs(sd)), clamp(mean + 6 * Math.abs(sd))];
}

/** Largest |value| a form can produce. */
export function formBound(value: number | Distribution): number {
  const [lo, hi] = formRange(value);
  return Math.max(Math.abs(lo), Math.abs(hi));
}

/**
 * A form quantised with `scale` (value × scale → integer).
 * @throws Error when a quantised value could leave the i32 range (the scale is too large).
 * @example quantizeForm({ normal: [3.5, 0.35], clip: [0, 35] }, 2 ** 20)
 */
export function quantizeForm(value: number | Distribution, scale: number): QuantizedForm {
  const q = (x: number) => Math.round(x * scale);
  const check = (f: QuantizedForm): QuantizedForm => {
    const reach = f.kind === 0 ? Math.abs(f.a) : f.kind === 1 ? Math.abs(f.a) + f.b : Math.abs(f.a) + 6 * f.b + 1;
    if (reach > I32_MAX) throw new Error(`values of ${JSON.stringify(value)} × ${scale} leave the 32-bit range`);
    return f;
  };
  if (typeof value === 'number') return check({ kind: 0, a: q(value), b: 0, lo: 0, hi: 0 });
  if ('uniform' in value) {
    const lo = q(Math.min(...value.uniform)),
      hi = q(Math.max(...value.uniform));
    return check({ kind: 1, a: lo, b: hi - lo + 1, lo: 0, hi: 0 });
  }
  const [mean, sd] = value.normal;
  const clip = value.clip;
  return check({
    kind: 2,
    a: q(mean),
    b: q(Math.abs(sd)),
    lo: clip ? Math.max(I32_MIN, q(clip[0])) : I32_MIN,
    hi: clip ? Math.min(I32_MAX, q(clip[1])) : I32_MAX,
  });
}

/** Smallest and largest quantised value a form can produce (after clipping or clamping). */
export function quantizedRange(f: QuantizedForm): [number, number] {
  if (f.kind === 0) return [f.a, f.a];
  if (f.kind === 1) return [f.a, f.a + f.b - 1];
  const reach = Math.floor((393210 * f.b + 32768) / 65536);
  const clamp = (q: number) => Math.min(f.hi, Math.max(f.lo, q));
  return [clamp(f.a - reach), clamp(f.a + reach)];
}

/** Delay ticks from a delay drawn at 2^16 per tick: rounded (half up), at least one tick. */
export function delayTicksOf(q: number): number {
  return Math.max(1, (q + 32768) >> DELAY_FRACTION_BITS);
}

/**
 * A delay form (ms) quantised at 2^16 per tick of `dt`. A constant is `delayTicks` exactly
 * (whole ticks), so its rounding is the documented one.
 */
export function quantizeDelay(value: number | Distribution, dt: number): QuantizedForm {
  if (typeof value === 'number') return { kind: 0, a: delayTicks(value, dt) * 2 ** DELAY_FRACTION_BITS, b: 0, lo: 0, hi: 0 };
  return quantizeForm(value, 2 ** DELAY_FRACTION_BITS / dt);
}

/** The largest delay a delay form (ms) can draw, in ticks: exact, as the draws quantise it. */
export function formMaxDelayTicks(value: number | Distribution, dt: number): number {
  // Beyond MAX_DELAY_TICKS a delay cannot be drawn (compile refuses it); the plan still sizes it.
  const ticks = delayTicks(formRange(value)[1], dt);
  return ticks > MAX_DELAY_TICKS ? ticks : delayTicksOf(quantizedRange(quantizeDelay(value, dt))[1]);
}

/** WGSL twins of mulhi32, nextDraw, rowKey, drawAt, drawPartner, drawQuantized and delayTicksOf (mix32 from rngWgsl). */
export const synapseDrawsWgsl = /* wgsl */ `
fn mulhi32(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u;
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
}
/** (a · b + 2^15) >> 16 for a · b < 2^48, where the result fits a u32. */
fn mulRound16(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u;
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let lo = (mid << 16u) | (p00 & 0xffffu);
  let hi = p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  let lo2 = lo + 32768u;
  let hi2 = hi + select(0u, 1u, lo2 < lo);
  return (hi2 << 16u) | (lo2 >> 16u);
}
fn nextDraw(h: u32) -> u32 { return mix32(h + 0x9e3779b9u); }
fn rowKey(seed: u32, stream: u32, x: u32) -> u32 { return mix32(mix32(mix32(seed ^ 0x9e3779b9u) ^ stream) + x); }
fn drawAt(key: u32, k: u32) -> u32 { return mix32(key ^ k); }
fn drawPartner(h: u32, n: u32, exclude: u32) -> u32 {
  if (exclude >= n) { return mulhi32(h, n); }
  let v = mulhi32(h, n - 1u);
  return select(v, v + 1u, v >= exclude);
}
fn drawQuantized(kind: u32, a: i32, b: u32, lo: i32, hi: i32, h0: u32) -> i32 {
  if (kind == 0u) { return a; }
  if (kind == 1u) { return a + i32(mulhi32(h0, b)); }
  var h = h0;
  var q = a;
  for (var attempt = 0u; attempt < ${MAX_REDRAWS}u; attempt++) {
    var sum = 0u;
    for (var j = 0u; j < 6u; j++) {
      sum += (h & 0xffffu) + (h >> 16u);
      h = nextDraw(h);
    }
    let c = i32(sum) - 393210;
    let r = i32(mulRound16(u32(abs(c)), b));
    q = select(a + r, a - r, c < 0);
    if (q >= lo && q <= hi) { return q; }
  }
  return clamp(q, lo, hi);
}
fn delayTicksOf(q: i32) -> u32 { return u32(max(1, (q + 32768) >> ${DELAY_FRACTION_BITS}u)); }
`;
