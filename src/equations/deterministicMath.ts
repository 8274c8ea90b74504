/**
 * Deterministic f32 transcendental functions, each written twice side by side: as WGSL
 * (`deterministicMathWgsl`) and as a CPU TypeScript twin giving the same bits.
 *
 * Why: WGSL lets a GPU's `exp`, `log`, `sqrt`, `pow` and even `/` be several ulp off, and
 * differently on every GPU, so a model that calls them could not be bit-identical to its CPU
 * reference. These functions use only what WGSL requires to be exact: f32 `+ - *` (correctly
 * rounded), comparisons, `floor`, `select`, and integer / bitcast operations. Every f32
 * operation of the WGSL is a separate `let`, and the CPU twin rounds each with `f32` in the same
 * order. Every constant is emitted with `f32Literal` (its bits), so no decimal parsing or
 * constant folding can differ. No intermediate result is subnormal, so a GPU that flushes
 * subnormals to zero gives the same bits as the CPU (one exception, harmless: powF32's b·log a
 * may be subnormal, and exp of it and of a flushed zero are both exactly 1).
 *
 * Exactness (the CPU twin against Math.* on every 13th f32 bit pattern, ~330 million inputs, and
 * in test/unit/deterministicMath.test.ts):
 * - `divideF32(a, b)`: exactly rounded (to nearest even) for finite normal operands of either
 *   sign. Rounding is to 24 bits at every magnitude, so a quotient below the normal range is
 *   +0 and one beyond it is ±largest f32.
 * - `sqrtF32(x)`: exactly rounded for normal x (digit-by-digit integer square root); the CPU twin
 *   is `f32(Math.sqrt(x))`.
 * - `expF32(x)`: within 1 ulp of exp over normal results, 0.98 ulp measured (Cody–Waite
 *   reduction, Cephes' degree-5 minimax polynomial, exponent bits built directly).
 * - `logF32(x)`: within 1 ulp of log for normal x, 0.82 ulp measured (fdlibm's `logf`, with
 *   s = f/(2+f) by `divideF32`).
 * - `powF32(a, b)`: exp(b·log a), so its error grows with t = |b·ln a|: the f32 rounding of
 *   b·log a (and log's own error) is an absolute error in t that exp turns into a relative one.
 *   Within 2 + 2t ulp of Math.pow (measured: < 1 ulp for t < 1/4, < 3 for t < 2, ~130 near
 *   t = 88). Exact for b = 0 and a = 1; not exact for b = 1 (exp(log a) is within 1 + |ln a| ulp).
 *
 * Special values, the same on both sides (no function ever computes with Inf or NaN, and none
 * returns Inf; only a NaN input gives NaN):
 * - NaN operand: NaN (the WGSL returns the NaN operand itself, the first one for two operands).
 * - ±Inf operand: treated as ±largest finite f32 (WGSL implementations may assume no infinities).
 * - Zero or subnormal operand: treated as +0 (a GPU may flush subnormals to zero).
 * - Results beyond the f32 range: ±largest finite f32. Results below the normal range: +0.
 * - `divideF32`: 0/b = 0 (also 0/0); a/0 = ±largest f32 (sign of a·b, taking a zero's sign bit).
 * - `expF32`: x > ~88.72 → largest f32; x < ~−87.34 (a subnormal result) → 0; |x| < 2^-25 → 1.
 * - `logF32`: x ≤ 0 and subnormal x → −largest f32 (log of a negative number is taken as log 0).
 * - `sqrtF32`: x ≤ 0 and subnormal x → +0 (a negative number is taken as 0, as rounding
 *   makes tiny negative variances); +Inf → sqrt(largest f32).
 * - `powF32`: b = 0 (or subnormal) → 1, for every a including 0 and negative a; otherwise a ≤ 0
 *   (negative a taken as 0, as in log) → 0 for b > 0, largest f32 for b < 0. Integer powers of
 *   negative numbers are not handled here: the expression compiler turns small integer literal
 *   exponents into multiplications.
 * - Signed zeros: no function returns −0 (log 1 is +0), but GPU compilers may ignore the sign
 *   of zero, so callers must not depend on it.
 *
 * The CPU twins take any number, round it to f32 first, and return f32 values.
 */
import { f32, f32Literal, MAX_F32 } from './f32.ts';

// ---------------------------------------------------------------------------------------------
// Bits of an f32, on the CPU.

const bitsScratchFloat = new Float32Array(1);
const bitsScratchUint = new Uint32Array(bitsScratchFloat.buffer);

/** The bits of f32(x), as WGSL's `bitcast<u32>` sees them. */
function bitsOf(x: number): number {
  bitsScratchFloat[0] = x;
  return bitsScratchUint[0];
}

/** The f32 with these bits, as WGSL's `bitcast<f32>`. */
function fromBits(bits: number): number {
  bitsScratchUint[0] = bits >>> 0;
  return bitsScratchFloat[0];
}

// ---------------------------------------------------------------------------------------------
// Shared constants. Each is an f32 value; the WGSL gets its exact bits.

const SIGN_BIT = 0x80000000;
const MAGNITUDE_MASK = 0x7fffffff;
/** Bits of +Inf; a larger magnitude is a NaN. */
const INFINITY_BITS = 0x7f800000;
/** Bits of the smallest normal f32; a smaller magnitude is zero or subnormal. */
const MIN_NORMAL_BITS = 0x00800000;
/** Bits of the largest finite f32 (MAX_F32). */
const MAX_F32_BITS = 0x7f7fffff;

/**
 * log2(e) and ln 2 split Cody–Waite style (FreeBSD's expf): LN2_HI has 9 trailing zero bits, so
 * k·LN2_HI is exact for |k| < 2^8 and x − k·LN2_HI is exact near the reduction's boundaries.
 */
const LOG2E = f32(Math.LOG2E);
const EXP_LN2_HI = fromBits(0x3f317200);
const EXP_LN2_LO = fromBits(0x35bfbe8e);
/**
 * Cephes' expf minimax polynomial: exp(r) ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2, with P of degree
 * 5 (coefficients highest first).
 */
const EXP_POLYNOMIAL = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1].map(f32);
/** Below this magnitude (2^-25), exp(x) rounds to 1; also keeps every intermediate normal. */
const EXP_IS_ONE_BELOW_BITS = (127 - 25) << 23;
/**
 * Beyond ±104 exp saturates (the result is beyond the f32 range or subnormal), and |k| ≤ 150
 * keeps k·LN2_HI exact. Between ~88.7 and 104 the exponent bits decide.
 */
const EXP_SATURATES_ABOVE_BITS = bitsOf(104);

/** fdlibm's logf split of ln 2: LOG_LN2_HI has 7 trailing zero bits, so k·LOG_LN2_HI is exact for |k| ≤ 128. */
const LOG_LN2_HI = fromBits(0x3f317180);
const LOG_LN2_LO = fromBits(0x3717f7d1);
/** fdlibm's logf polynomial in z = s² (Lg1..Lg4): log(1+f) = f − f²/2 + s·(f²/2 + R(z)), s = f/(2+f). */
const LOG_LG1 = 0xaaaaaa * 2 ** -24;
const LOG_LG2 = 0xccce13 * 2 ** -25;
const LOG_LG3 = 0x91e9ee * 2 ** -25;
const LOG_LG4 = 0xf89e26 * 2 ** -26;
/** Significand bits of f32(√2): a significand at or above it is halved, so m lies in [√½, √2). */
const SQRT2_SIGNIFICAND_BITS = bitsOf(Math.SQRT2) & 0x7fffff;

/**
 * |b| is clamped to 2^40 before b·log a: that cannot overflow (|log a| < 89), and it changes
 * no result, since log a ≠ 0 means |log a| ≥ 2^-25, so |b·log a| ≥ 2^15 saturates exp either way.
 */
const POW_EXPONENT_LIMIT = 2 ** 40;

/** ±Inf as ±largest f32 (the "no infinities" rule); other bits unchanged. */
function finiteBits(bits: number): number {
  return (bits & MAGNITUDE_MASK) === INFINITY_BITS ? ((bits & SIGN_BIT) | MAX_F32_BITS) >>> 0 : bits;
}

// ---------------------------------------------------------------------------------------------
// CPU twins.

/**
 * a / b exactly rounded to 24 bits at every magnitude: what the WGSL long division gives. The
 * f64 quotient of two f32 values rounded again to f32 is exactly rounded, but in the subnormal
 * range f32 rounding keeps fewer bits, so tiny quotients are scaled up by 2^100 first.
 */
export function divideF32(a: number, b: number): number {
  const bitsA = finiteBits(bitsOf(a));
  const bitsB = finiteBits(bitsOf(b));
  if ((bitsA & MAGNITUDE_MASK) > INFINITY_BITS || (bitsB & MAGNITUDE_MASK) > INFINITY_BITS) return NaN;
  if ((bitsA & MAGNITUDE_MASK) < MIN_NORMAL_BITS) return 0;
  const sign = (bitsA ^ bitsB) & SIGN_BIT;
  if ((bitsB & MAGNITUDE_MASK) < MIN_NORMAL_BITS) return fromBits(sign | MAX_F32_BITS);
  const x = fromBits(bitsA);
  const y = fromBits(bitsB);
  const quotient = x / y;
  if (Math.abs(quotient) < 2 ** -100) {
    const scaled = f32((x * 2 ** 100) / y);
    return Math.abs(scaled) < 2 ** -26 ? 0 : scaled * 2 ** -100;
  }
  const rounded = f32(quotient);
  return Math.abs(rounded) > MAX_F32 ? fromBits(sign | MAX_F32_BITS) : rounded;
}

/** exp(x): see the header for accuracy and special values. */
export function expF32(x: number): number {
  const bits = finiteBits(bitsOf(x));
  const magnitude = bits & MAGNITUDE_MASK;
  if (magnitude > INFINITY_BITS) return NaN;
  if (magnitude < EXP_IS_ONE_BELOW_BITS) return 1;
  if (magnitude > EXP_SATURATES_ABOVE_BITS) return bits & SIGN_BIT ? 0 : MAX_F32;
  const xf = fromBits(bits);
  // Cody–Waite: x = k·ln2 + r with |r| ≤ ln2/2 (a little more from rounding).
  const scaled = f32(xf * LOG2E);
  const kf = Math.floor(f32(scaled + 0.5));
  const kLn2Hi = f32(kf * EXP_LN2_HI);
  const rHi = f32(xf - kLn2Hi);
  const kLn2Lo = f32(kf * EXP_LN2_LO);
  const r = f32(rHi - kLn2Lo);
  const rSquared = f32(r * r);
  let p = EXP_POLYNOMIAL[0];
  for (let i = 1; i < EXP_POLYNOMIAL.length; i++) p = f32(f32(p * r) + EXP_POLYNOMIAL[i]);
  const pr2 = f32(p * rSquared);
  const expMinusOne = f32(pr2 + r);
  const expR = f32(expMinusOne + 1);
  // Multiply by 2^k by adding k to the exponent field (exact).
  const expRBits = bitsOf(expR);
  const exponentField = (expRBits >>> 23) + kf;
  if (exponentField <= 0) return 0;
  if (exponentField >= 255) return MAX_F32;
  return fromBits(expRBits + kf * 2 ** 23);
}

/** log(x): see the header for accuracy and special values. */
export function logF32(x: number): number {
  const bits = finiteBits(bitsOf(x));
  if ((bits & MAGNITUDE_MASK) > INFINITY_BITS) return NaN;
  if (bits & SIGN_BIT || bits < MIN_NORMAL_BITS) return -MAX_F32;
  // x = m·2^e with m in [√½, √2).
  const significandBits = bits & 0x7fffff;
  const halve = significandBits >= SQRT2_SIGNIFICAND_BITS;
  const kf = (bits >>> 23) - 127 + (halve ? 1 : 0);
  const m = fromBits(significandBits | (halve ? 0x3f000000 : 0x3f800000));
  const f = f32(m - 1);
  const twoPlusF = f32(f + 2);
  const s = divideF32(f, twoPlusF);
  const z = f32(s * s);
  const w = f32(z * z);
  const wLg4 = f32(w * LOG_LG4);
  const lg2Term = f32(wLg4 + LOG_LG2);
  const t1 = f32(w * lg2Term);
  const wLg3 = f32(w * LOG_LG3);
  const lg1Term = f32(wLg3 + LOG_LG1);
  const t2 = f32(z * lg1Term);
  const R = f32(t2 + t1);
  const halfF = f32(0.5 * f);
  const halfFSquared = f32(halfF * f);
  const correctionSum = f32(halfFSquared + R);
  const correction = f32(s * correctionSum);
  const kLn2Lo = f32(kf * LOG_LN2_LO);
  const lowSum = f32(correction + kLn2Lo);
  const lowDifference = f32(halfFSquared - lowSum);
  const minusLogM = f32(lowDifference - f);
  const kLn2Hi = f32(kf * LOG_LN2_HI);
  return f32(kLn2Hi - minusLogM);
}

/** √x exactly rounded: the WGSL's digit-by-digit root gives the same bits. See the header for special values. */
export function sqrtF32(x: number): number {
  const bits = finiteBits(bitsOf(x));
  if ((bits & MAGNITUDE_MASK) > INFINITY_BITS) return NaN;
  if (bits & SIGN_BIT || bits < MIN_NORMAL_BITS) return 0;
  return f32(Math.sqrt(fromBits(bits)));
}

/** a^b as exp(b·log a): see the header for accuracy and special values. */
export function powF32(a: number, b: number): number {
  const bitsA = finiteBits(bitsOf(a));
  const bitsB = finiteBits(bitsOf(b));
  if ((bitsA & MAGNITUDE_MASK) > INFINITY_BITS || (bitsB & MAGNITUDE_MASK) > INFINITY_BITS) return NaN;
  if ((bitsB & MAGNITUDE_MASK) < MIN_NORMAL_BITS) return 1;
  if (bitsA & SIGN_BIT || bitsA < MIN_NORMAL_BITS) return bitsB & SIGN_BIT ? MAX_F32 : 0;
  const exponent = Math.min(Math.max(fromBits(bitsB), -POW_EXPONENT_LIMIT), POW_EXPONENT_LIMIT);
  return expF32(f32(exponent * logF32(fromBits(bitsA))));
}

// ---------------------------------------------------------------------------------------------
// WGSL. Same steps, same order, one f32 operation per `let`.

const wgslPolynomial = EXP_POLYNOMIAL.slice(1)
  .map((c, i) => `  let expPolyProduct${i + 1} = p${i} * r;\n  let p${i + 1} = expPolyProduct${i + 1} + ${f32Literal(c)};`)
  .join('\n');

/**
 * WGSL: `divideF32`, `expF32`, `logF32`, `sqrtF32`, `powF32` (f32 → f32) and their private
 * helpers (`detMath_*`), self-contained. Identical bits to the CPU twins of the same names.
 */
export const deterministicMathWgsl = /* wgsl */ `
const detMath_maxBits = ${MAX_F32_BITS}u;

// ±Inf as ±largest f32 (WGSL implementations may assume no infinities); other bits unchanged.
fn detMath_finiteBits(bits: u32) -> u32 {
  return select(bits, (bits & 0x80000000u) | detMath_maxBits, (bits & 0x7fffffffu) == 0x7f800000u);
}

fn detMath_isNaN(bits: u32) -> bool {
  return (bits & 0x7fffffffu) > 0x7f800000u;
}

// a / b exactly rounded: long division of the significands in u32, round to nearest even.
fn divideF32(a: f32, b: f32) -> f32 {
  let rawA = bitcast<u32>(a);
  let rawB = bitcast<u32>(b);
  if (detMath_isNaN(rawA)) { return a; }
  if (detMath_isNaN(rawB)) { return b; }
  let bitsA = detMath_finiteBits(rawA);
  let bitsB = detMath_finiteBits(rawB);
  let magnitudeA = bitsA & 0x7fffffffu;
  let magnitudeB = bitsB & 0x7fffffffu;
  if (magnitudeA < 0x800000u) { return ${f32Literal(0)}; }
  let sign = (bitsA ^ bitsB) & 0x80000000u;
  if (magnitudeB < 0x800000u) { return bitcast<f32>(sign | detMath_maxBits); }
  var exponent = i32(magnitudeA >> 23u) - i32(magnitudeB >> 23u) + 127;
  var remainder = (magnitudeA & 0x7fffffu) | 0x800000u;
  let divisor = (magnitudeB & 0x7fffffu) | 0x800000u;
  if (remainder < divisor) { remainder = remainder << 1u; exponent = exponent - 1; }
  // 24 quotient bits, a guard bit, and the remainder as the sticky bit.
  var quotient = 0u;
  for (var k = 0u; k < 25u; k++) {
    quotient = quotient << 1u;
    if (remainder >= divisor) { remainder = remainder - divisor; quotient = quotient | 1u; }
    remainder = remainder << 1u;
  }
  let guard = quotient & 1u;
  quotient = quotient >> 1u;
  if (guard == 1u && (remainder != 0u || (quotient & 1u) == 1u)) { quotient = quotient + 1u; }
  if (quotient == 0x1000000u) { quotient = quotient >> 1u; exponent = exponent + 1; }
  if (exponent >= 255) { return bitcast<f32>(sign | detMath_maxBits); }
  if (exponent <= 0) { return ${f32Literal(0)}; }
  return bitcast<f32>(sign | (u32(exponent) << 23u) | (quotient & 0x7fffffu));
}

fn expF32(x: f32) -> f32 {
  let raw = bitcast<u32>(x);
  if (detMath_isNaN(raw)) { return x; }
  let bits = detMath_finiteBits(raw);
  let magnitude = bits & 0x7fffffffu;
  if (magnitude < ${EXP_IS_ONE_BELOW_BITS}u) { return ${f32Literal(1)}; }
  if (magnitude > ${EXP_SATURATES_ABOVE_BITS}u) { return select(bitcast<f32>(detMath_maxBits), ${f32Literal(0)}, (bits & 0x80000000u) != 0u); }
  let xf = bitcast<f32>(bits);
  let scaled = xf * ${f32Literal(LOG2E)};
  let scaledPlusHalf = scaled + ${f32Literal(0.5)};
  let kf = floor(scaledPlusHalf);
  let kLn2Hi = kf * ${f32Literal(EXP_LN2_HI)};
  let rHi = xf - kLn2Hi;
  let kLn2Lo = kf * ${f32Literal(EXP_LN2_LO)};
  let r = rHi - kLn2Lo;
  let rSquared = r * r;
  let p0 = ${f32Literal(EXP_POLYNOMIAL[0])};
${wgslPolynomial}
  let pr2 = p${EXP_POLYNOMIAL.length - 1} * rSquared;
  let expMinusOne = pr2 + r;
  let expR = expMinusOne + ${f32Literal(1)};
  // Multiply by 2^k by adding k to the exponent field (exact).
  let k = i32(kf);
  let expRBits = bitcast<u32>(expR);
  let exponentField = i32(expRBits >> 23u) + k;
  if (exponentField <= 0) { return ${f32Literal(0)}; }
  if (exponentField >= 255) { return bitcast<f32>(detMath_maxBits); }
  return bitcast<f32>(expRBits + (bitcast<u32>(k) << 23u));
}

fn logF32(x: f32) -> f32 {
  let raw = bitcast<u32>(x);
  if (detMath_isNaN(raw)) { return x; }
  let bits = detMath_finiteBits(raw);
  if ((bits & 0x80000000u) != 0u || bits < 0x800000u) { return bitcast<f32>(0x80000000u | detMath_maxBits); }
  // x = m·2^e with m in [√½, √2).
  let significandBits = bits & 0x7fffffu;
  let halve = significandBits >= ${SQRT2_SIGNIFICAND_BITS}u;
  let exponent = i32(bits >> 23u) - 127 + select(0, 1, halve);
  let m = bitcast<f32>(significandBits | select(0x3f800000u, 0x3f000000u, halve));
  let kf = f32(exponent);
  let f = m - ${f32Literal(1)};
  let twoPlusF = f + ${f32Literal(2)};
  let s = divideF32(f, twoPlusF);
  let z = s * s;
  let w = z * z;
  let wLg4 = w * ${f32Literal(LOG_LG4)};
  let lg2Term = wLg4 + ${f32Literal(LOG_LG2)};
  let t1 = w * lg2Term;
  let wLg3 = w * ${f32Literal(LOG_LG3)};
  let lg1Term = wLg3 + ${f32Literal(LOG_LG1)};
  let t2 = z * lg1Term;
  let R = t2 + t1;
  let halfF = ${f32Literal(0.5)} * f;
  let halfFSquared = halfF * f;
  let correctionSum = halfFSquared + R;
  let correction = s * correctionSum;
  let kLn2Lo = kf * ${f32Literal(LOG_LN2_LO)};
  let lowSum = correction + kLn2Lo;
  let lowDifference = halfFSquared - lowSum;
  let minusLogM = lowDifference - f;
  let kLn2Hi = kf * ${f32Literal(LOG_LN2_HI)};
  return kLn2Hi - minusLogM;
}

// √x exactly rounded: a digit-by-digit square root of the significand (fdlibm's e_sqrtf), one
// result bit per step, with a round bit and the remainder as the sticky bit; all in u32.
fn sqrtF32(x: f32) -> f32 {
  let raw = bitcast<u32>(x);
  if (detMath_isNaN(raw)) { return x; }
  let bits = detMath_finiteBits(raw);
  if ((bits & 0x80000000u) != 0u || bits < 0x800000u) { return ${f32Literal(0)}; }
  let exponent = i32(bits >> 23u) - 127;
  var radicand = (bits & 0x7fffffu) | 0x800000u;
  // Make the exponent even; the arithmetic shift halves it rounding down.
  if ((exponent & 1) != 0) { radicand = radicand << 1u; }
  let halfExponent = exponent >> 1u;
  radicand = radicand << 1u;
  var root = 0u;
  var twiceRoot = 0u;
  var bit = 0x1000000u;
  while (bit != 0u) {
    let trial = twiceRoot + bit;
    if (trial <= radicand) {
      twiceRoot = trial + bit;
      radicand = radicand - trial;
      root = root + bit;
    }
    radicand = radicand << 1u;
    bit = bit >> 1u;
  }
  // root has 25 bits: the result and a round bit; a nonzero remainder means above the halfway point.
  if (radicand != 0u) { root = root + (root & 1u); }
  return bitcast<f32>((root >> 1u) + (u32(halfExponent + 126) << 23u));
}

fn powF32(a: f32, b: f32) -> f32 {
  let rawA = bitcast<u32>(a);
  let rawB = bitcast<u32>(b);
  if (detMath_isNaN(rawA)) { return a; }
  if (detMath_isNaN(rawB)) { return b; }
  let bitsA = detMath_finiteBits(rawA);
  let bitsB = detMath_finiteBits(rawB);
  if ((bitsB & 0x7fffffffu) < 0x800000u) { return ${f32Literal(1)}; }
  if ((bitsA & 0x80000000u) != 0u || bitsA < 0x800000u) {
    return select(${f32Literal(0)}, bitcast<f32>(detMath_maxBits), (bitsB & 0x80000000u) != 0u);
  }
  let exponentAbove = max(bitcast<f32>(bitsB), ${f32Literal(-POW_EXPONENT_LIMIT)});
  let exponent = min(exponentAbove, ${f32Literal(POW_EXPONENT_LIMIT)});
  let logA = logF32(bitcast<f32>(bitsA));
  let product = exponent * logA;
  return expF32(product);
}
`;
