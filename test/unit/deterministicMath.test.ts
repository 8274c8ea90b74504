/**
 * The CPU twins of the deterministic f32 functions against Math.*: the accuracy the header of
 * src/equations/deterministicMath.ts states (max ulp error over many inputs), exactly rounded
 * division and square root, and the special values. GPU = CPU bit for bit is test/gpu/deterministicMath.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { divideF32, expF32, logF32, powF32, sqrtF32 } from '../../src/equations/deterministicMath.ts';
import { MAX_F32 } from '../../src/equations/f32.ts';

const f32 = Math.fround;
const MIN_NORMAL = 2 ** -126;
const fromBits = (bits: number) => new Float32Array(Uint32Array.of(bits >>> 0).buffer)[0];
const bitsOf = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

/** A reproducible uniform draw in [0, 1). */
function generator(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** The spacing of f32 values at the exact (f64) value y: the ulp an error is measured in. */
function ulpAt(y: number): number {
  const magnitude = Math.abs(y);
  let exponent = Math.max(Math.floor(Math.log2(magnitude)), -126);
  if (2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  return 2 ** (Math.max(exponent, -126) - 23);
}

const ulpError = (got: number, exact: number) => Math.abs(got - exact) / ulpAt(exact);

/** Every `stride`-th f32 bit pattern from `first` to `last` (inclusive), as values. */
function bitRange(first: number, last: number, stride: number): number[] {
  const values: number[] = [];
  for (let bits = first; bits <= last; bits += stride) values.push(fromBits(bits));
  return values;
}

/** f is non-decreasing over the 6000 f32 values around `centre`. */
function expectMonotonic(f: (x: number) => number, centre: number): void {
  const middle = bitsOf(f32(centre));
  const ascending = bitRange(middle - 3000, middle + 3000, 1);
  if (centre < 0) ascending.reverse(); // larger bits, more negative
  const decreasing = ascending.filter((x, k) => k > 0 && f(x) < f(ascending[k - 1]));
  expect(decreasing, `${f.name} decreases`).toEqual([]);
}

/** The largest ulp error of `f` against `exact` over `inputs` whose exact result is a normal f32. */
function maxUlpError(inputs: number[], f: (x: number) => number, exact: (x: number) => number): { error: number; at: number } {
  let worst = { error: 0, at: NaN };
  for (const x of inputs) {
    const y = exact(x);
    if (!(Math.abs(y) >= MIN_NORMAL && Math.abs(y) <= MAX_F32)) continue;
    const error = ulpError(f(x), y);
    if (error > worst.error) worst = { error, at: x };
  }
  return worst;
}

describe('divideF32: exactly rounded for all normal operands', () => {
  it('equals f32(a / b) on random operands of either sign and every magnitude', () => {
    const random = generator(7);
    let compared = 0;
    for (let k = 0; k < 200_000; k++) {
      // Random normal bit patterns, signs included, and ties: significands a few ulp apart.
      const a = fromBits((1 + Math.floor(random() * 0xfe)) * 2 ** 23 + Math.floor(random() * 2 ** 23) + (random() < 0.5 ? 0x80000000 : 0));
      const b =
        k % 4 === 0
          ? f32(a * (1 + 2 ** -23 * Math.floor(random() * 7 - 3)))
          : fromBits((1 + Math.floor(random() * 0xfe)) * 2 ** 23 + Math.floor(random() * 2 ** 23) + (random() < 0.5 ? 0x80000000 : 0));
      const q = f32(a / b);
      if (!(Math.abs(q) >= MIN_NORMAL && Math.abs(q) <= MAX_F32) || Math.abs(b) < MIN_NORMAL) continue;
      compared++;
      if (divideF32(a, b) !== q) expect({ a, b, got: divideF32(a, b) }).toEqual({ a, b, got: q });
    }
    expect(compared).toBeGreaterThan(150_000);
  });

  it('rounds to 24 bits below the normal range too, then gives 0 (as the WGSL exponent check does)', () => {
    // (1 − 2^-24)·2^-126 is a 24-bit number just below the smallest normal: 0, although f32
    // arithmetic with subnormals would round it up to 2^-126.
    expect(f32(f32(1 - 2 ** -24) / 2 ** 126)).toBe(MIN_NORMAL);
    expect(divideF32(f32(1 - 2 ** -24), 2 ** 126)).toBe(0);
    expect(divideF32(f32(1 - 2 ** -25), 2 ** 126)).toBe(MIN_NORMAL); // rounds up to 1·2^-126
    expect(divideF32(1, 2 ** 126)).toBe(MIN_NORMAL);
    expect(divideF32(-3, 2 ** 126)).toBe(-3 * MIN_NORMAL);
    expect(divideF32(2 ** -100, 2 ** 100)).toBe(0);
  });

  it('special values: zero, subnormal, infinite and NaN operands, overflow', () => {
    expect(divideF32(0, 3)).toBe(0);
    expect(Object.is(divideF32(-0, 3), 0)).toBe(true);
    expect(divideF32(0, 0)).toBe(0);
    expect(divideF32(2 ** -140, 1)).toBe(0);
    expect(divideF32(1, 0)).toBe(MAX_F32);
    expect(divideF32(1, -0)).toBe(-MAX_F32);
    expect(divideF32(-1, 2 ** -140)).toBe(-MAX_F32);
    expect(divideF32(2 ** 127, 2 ** -126)).toBe(MAX_F32);
    expect(divideF32(-(2 ** 127), 0.25)).toBe(-MAX_F32);
    expect(divideF32(MAX_F32, 1)).toBe(MAX_F32);
    expect(divideF32(Infinity, 2)).toBe(f32(MAX_F32 / 2));
    expect(divideF32(Infinity, -Infinity)).toBe(-1);
    expect(divideF32(1, Infinity)).toBe(0);
    expect(divideF32(NaN, 1)).toBeNaN();
    expect(divideF32(1, NaN)).toBeNaN();
    expect(divideF32(0.1, 3)).toBe(f32(f32(0.1) / 3));
  });
});

describe('expF32: within 1 ulp of exp', () => {
  it('over every 1009th f32 between −104 and 104, and random inputs', () => {
    const inputs = [...bitRange(0, bitsOf(104), 1009), ...bitRange(0x80000000, bitsOf(-104), 1009)];
    const random = generator(11);
    for (let k = 0; k < 100_000; k++) inputs.push(f32((random() - 0.5) * 180));
    const worst = maxUlpError(inputs, expF32, Math.exp);
    expect(worst.error).toBeLessThanOrEqual(1);
    expect(worst.error).toBeGreaterThan(0.5); // it is measured, not trivially exact
  });

  it('is monotonic across consecutive floats at the reduction boundaries ((k + ½)·ln2) and the ends', () => {
    for (const centre of [0.5, -0.5, Math.LN2 / 2, -Math.LN2 / 2, 1.5 * Math.LN2, 10.5 * Math.LN2, -20.5 * Math.LN2, 88.7, -87.3])
      expectMonotonic(expF32, centre);
    const grid = [...bitRange(0x80000000, bitsOf(-90), 9973).reverse(), ...bitRange(0, bitsOf(90), 9973)];
    expect(grid.filter((x, k) => k > 0 && expF32(x) < expF32(grid[k - 1]))).toEqual([]);
  });

  it('special values: saturation, tiny arguments, infinities, NaN', () => {
    expect(expF32(0)).toBe(1);
    expect(expF32(-0)).toBe(1);
    expect(expF32(2 ** -26)).toBe(1);
    expect(expF32(-(2 ** -26))).toBe(1);
    expect(expF32(2 ** -140)).toBe(1);
    expect(expF32(1)).toBe(f32(Math.E));
    expect(expF32(88.72)).toBe(f32(Math.exp(f32(88.72))));
    expect(expF32(88.73)).toBe(MAX_F32);
    expect(expF32(100)).toBe(MAX_F32);
    expect(expF32(1e30)).toBe(MAX_F32);
    expect(expF32(Infinity)).toBe(MAX_F32);
    expect(expF32(-87.3)).toBeGreaterThanOrEqual(MIN_NORMAL);
    expect(expF32(-87.4)).toBe(0); // the exact result is subnormal
    expect(expF32(-1e30)).toBe(0);
    expect(expF32(-Infinity)).toBe(0);
    expect(expF32(NaN)).toBeNaN();
  });
});

describe('logF32: within 1 ulp of log', () => {
  it('over every 1009th normal f32, and random inputs near 1', () => {
    const inputs = bitRange(0x800000, 0x7f7fffff, 1009);
    const random = generator(13);
    for (let k = 0; k < 100_000; k++) inputs.push(f32(0.5 + random()));
    for (let k = 0; k < 20_000; k++) inputs.push(f32(1 + (random() - 0.5) * 2 ** -10));
    const worst = maxUlpError(inputs, logF32, Math.log);
    expect(worst.error).toBeLessThanOrEqual(1);
    expect(worst.error).toBeGreaterThan(0.5);
  });

  it('is monotonic across consecutive floats around 1, √2 (where m is halved) and powers of 2', () => {
    for (const centre of [1, Math.SQRT2, Math.SQRT1_2, 2, 0.5, 1024 * Math.SQRT2, 2 ** -100, 2 ** 100]) expectMonotonic(logF32, centre);
  });

  it('special values: 1, zero, subnormal, negative, infinite, NaN', () => {
    expect(Object.is(logF32(1), 0)).toBe(true);
    expect(logF32(2)).toBe(f32(Math.LN2));
    expect(logF32(MAX_F32)).toBe(f32(Math.log(MAX_F32)));
    expect(logF32(MIN_NORMAL)).toBe(f32(Math.log(MIN_NORMAL)));
    expect(logF32(Infinity)).toBe(logF32(MAX_F32));
    for (const x of [0, -0, 2 ** -130, -1, -Infinity]) expect(logF32(x)).toBe(-MAX_F32);
    expect(logF32(NaN)).toBeNaN();
  });
});

describe('sqrtF32: exactly rounded', () => {
  it('equals f32(Math.sqrt(x)) (correctly rounded) over every 1009th normal f32', () => {
    expect(bitRange(0x800000, 0x7f7fffff, 1009).filter((x) => sqrtF32(x) !== f32(Math.sqrt(x)))).toEqual([]);
  });

  it('special values: zero, subnormal, negative, infinite, NaN', () => {
    for (const x of [0, -0, 2 ** -140, -1, -MAX_F32, -Infinity]) expect(Object.is(sqrtF32(x), 0)).toBe(true);
    expect(sqrtF32(Infinity)).toBe(f32(Math.sqrt(MAX_F32)));
    expect(sqrtF32(4)).toBe(2);
    expect(sqrtF32(2)).toBe(f32(Math.SQRT2));
    expect(sqrtF32(NaN)).toBeNaN();
  });
});

describe('powF32: exp(b·log a)', () => {
  it('is within 2 + 2|b·ln a| ulp of Math.pow', () => {
    const random = generator(17);
    let worstSmall = 0;
    let checked = 0;
    for (let k = 0; k < 200_000; k++) {
      const a = f32(2 ** (random() * 60 - 30) * (1 + random()));
      const b = f32((random() - 0.5) * 2 ** (random() * 10 - 5));
      const exact = Math.pow(a, b);
      if (!(exact >= MIN_NORMAL && exact <= MAX_F32)) continue;
      const t = Math.abs(b * Math.log(a));
      const error = ulpError(powF32(a, b), exact);
      if (error > 2 + 2 * t) expect({ a, b, error }).toEqual({ a, b, error: 2 + 2 * t });
      if (t < 0.25) worstSmall = Math.max(worstSmall, error);
      checked++;
    }
    expect(checked).toBeGreaterThan(150_000);
    expect(worstSmall).toBeLessThanOrEqual(1);
  });

  it('special values: b = 0, a = 1, a ≤ 0, overflow, underflow, NaN', () => {
    for (const a of [0, -0, -2, 2 ** -140, 1, 3, MAX_F32, Infinity]) expect(powF32(a, 0)).toBe(1);
    expect(powF32(3, 2 ** -140)).toBe(1);
    for (const b of [1, -1, 0.5, 1e30]) expect(powF32(1, b)).toBe(1);
    for (const a of [0, -0, -2, 2 ** -140, -Infinity]) {
      expect(powF32(a, 2)).toBe(0);
      expect(powF32(a, -0.5)).toBe(MAX_F32);
    }
    expect(powF32(2, 200)).toBe(MAX_F32);
    expect(powF32(2, -200)).toBe(0);
    expect(powF32(1 + 2 ** -23, 1e30)).toBe(MAX_F32);
    expect(powF32(1 + 2 ** -23, -1e30)).toBe(0);
    expect(powF32(Infinity, 0.5)).toBe(expF32(f32(0.5 * logF32(MAX_F32))));
    expect(powF32(NaN, 2)).toBeNaN();
    expect(powF32(2, NaN)).toBeNaN();
  });
});

describe('exp(log x) ≈ x', () => {
  it('within 1 + |ln x| ulp over the normal range', () => {
    const random = generator(19);
    for (let k = 0; k < 100_000; k++) {
      const x = f32(2 ** (random() * 250 - 125) * (1 + random()));
      const error = ulpError(expF32(logF32(x)), x);
      if (error > 1 + Math.abs(Math.log(x))) expect({ x, error }).toEqual({ x, error: 1 + Math.abs(Math.log(x)) });
    }
  });
});
