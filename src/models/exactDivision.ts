/**
 * f32 division exactly rounded on every GPU, for the twins that divide: WGSL lets a GPU's f32
 * `/` be 2.5 ulp off, so `exactDivide` divides the significands by long division in u32
 * arithmetic and rounds to nearest-even, which is what the CPU's `Math.fround(a / b)` gives
 * (an f64 quotient of f32 operands rounded once more to f32 is exactly rounded). Used by weight
 * normalisation (total / sum) and adaptiveLif's implicit conductance step.
 */
import { f32, f32Literal } from './model.ts';

/** The smallest normal f32. */
export const MIN_NORMAL_F32 = 2 ** -126;
/** The largest finite f32. */
export const MAX_F32 = f32(3.4028234663852886e38);

/**
 * WGSL `exactDivide(a, b)`: a / b for a finite `a` of either sign and a positive normal `b`.
 * A quotient below the normal range (or a zero or subnormal `a`) is +0; one beyond the largest
 * f32 is the largest f32 with a's sign (WGSL has no infinite constants).
 */
export const exactDivideWgsl = /* wgsl */ `
fn exactDivide(a: f32, b: f32) -> f32 {
  let bitsA = bitcast<u32>(a);
  let bitsB = bitcast<u32>(b);
  let sign = bitsA & 0x80000000u;
  if (((bitsA >> 23u) & 0xffu) == 0u) { return 0.0; }
  var exponent = i32((bitsA >> 23u) & 0xffu) - i32(bitsB >> 23u) + 127;
  var r = (bitsA & 0x7fffffu) | 0x800000u;
  let d = (bitsB & 0x7fffffu) | 0x800000u;
  if (r < d) { r = r << 1u; exponent = exponent - 1; }
  // 24 quotient bits, a guard bit, and the remainder as the sticky bit.
  var q = 0u;
  for (var k = 0u; k < 25u; k++) {
    q = q << 1u;
    if (r >= d) { r = r - d; q = q | 1u; }
    r = r << 1u;
  }
  let guard = q & 1u;
  q = q >> 1u;
  if (guard == 1u && (r != 0u || (q & 1u) == 1u)) { q = q + 1u; }
  if (q == 0x1000000u) { q = q >> 1u; exponent = exponent + 1; }
  if (exponent >= 255) { return bitcast<f32>(bitcast<u32>(${f32Literal(MAX_F32)}) | sign); }
  if (exponent <= 0) { return 0.0; }
  return bitcast<f32>(sign | (u32(exponent) << 23u) | (q & 0x7fffffu));
}
`;

/** The CPU twin of `exactDivideWgsl`. */
export function exactDivide(a: number, b: number): number {
  const q = f32(a / b);
  if (!(Math.abs(q) >= MIN_NORMAL_F32)) return 0;
  return Math.abs(q) > MAX_F32 ? Math.sign(q) * MAX_F32 : q;
}
