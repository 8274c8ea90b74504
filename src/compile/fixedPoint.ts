/**
 * Fixed-point input accumulation (docs/design.md, "Fixed point"). WGSL has no float atomics, so synaptic inputs
 * are summed as i32 `round(w · 2^k)`. Integer addition is order-independent (bit-reproducible)
 * and k is chosen so that the largest possible sum in one ring slot, Σ|w_q| over a target's
 * incoming synapses (all arriving in the same tick), stays ≤ 2^31 − 1: no overflow by
 * construction.
 */
export const I32_MAX = 2147483647;
/** Largest exponent used: 2^-30 resolution is far below any synaptic weight's precision. */
export const MAX_EXPONENT = 30;

/** How far one quantised weight can exceed its bound × 2^k (see fixedPointExponent). */
const ROUNDING_SLACK = 4;

/** Quantise a weight to fixed point with scale 2^exponent. */
export function quantize(w: number, exponent: number): number {
  return Math.round(w * 2 ** exponent);
}

/**
 * Largest exponent whose quantised worst-case slot sum fits an i32.
 * @param maxAbsSum the largest Σ|w| into any one target of the receptor (exact, pre-quantisation)
 * @param maxCount the largest number of synapses into one target (rounding adds ≤ 4 each: a drawn
 *   normal rounds its mean, its sd × 6 and its result; see synapseDraws.ts)
 */
export function fixedPointExponent(maxAbsSum: number, maxCount: number): number {
  if (maxAbsSum === 0) return MAX_EXPONENT;
  let k = Math.min(MAX_EXPONENT, Math.floor(Math.log2(I32_MAX / maxAbsSum)));
  while (maxAbsSum * 2 ** k + ROUNDING_SLACK * maxCount > I32_MAX) k--;
  return k;
}
