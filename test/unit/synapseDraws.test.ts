/** Keyed synapse draws: exact integer helpers, the distributions they draw, and the rows they key. */
import { describe, expect, it } from 'vitest';
import {
  delayTicksOf,
  drawAt,
  drawPartner,
  drawQuantized,
  drawReal,
  formBound,
  formMaxDelayTicks,
  formRange,
  mulhi32,
  quantizedRange,
  quantizeDelay,
  quantizeForm,
  rowKey,
} from '../../src/compile/synapseDraws.ts';
import { keyedRowCounts } from '../../src/compile/connectivity.ts';
import { delayTicks } from '../../src/compile/compiled.ts';
import { hash4 } from '../../src/rng/counterHash.ts';
import type { Distribution } from '../../src/netspec/types.ts';

const draws = (n: number, seed = 1) => Array.from({ length: n }, (_, k) => hash4(seed, 99, 0, k));

function moments(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  return { mean, sd: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) };
}

describe('integer helpers', () => {
  it('mulhi32 is the exact high word of the 64-bit product', () => {
    const cases = [[0xffffffff, 0xffffffff], [0x80000000, 2], [12345, 67890], [0xdeadbeef, 0x12345678], ...draws(200).map((h, i) => [h, draws(200, 2)[i]])];
    for (const [a, b] of cases) expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
  });

  it('rowKey and drawAt are hash4 split at the row', () => {
    for (const [seed, stream, x, k] of [
      [1, 2, 3, 4],
      [0xffffffff, 0x70005, 77169, 3999],
    ])
      expect(drawAt(rowKey(seed, stream, x), k)).toBe(hash4(seed, stream, x, k));
  });

  it('drawPartner is uniform over the others and never the excluded one', () => {
    const n = 10,
      counts = new Array(n).fill(0);
    for (const h of draws(50_000)) counts[drawPartner(h, n, 3)]++;
    expect(counts[3]).toBe(0);
    for (let v = 0; v < n; v++) if (v !== 3) expect(Math.abs(counts[v] - 50_000 / 9)).toBeLessThan(5 * Math.sqrt(50_000 / 9));
  });
});

describe('quantised forms', () => {
  it('a normal has its mean and sd, scaled; a clipped normal stays inside the clip', () => {
    const scale = 2 ** 20;
    const xs = draws(20_000).map((h) => drawQuantized(quantizeForm({ normal: [2, 0.5] }, scale), h) / scale);
    const { mean, sd } = moments(xs);
    expect(Math.abs(mean - 2)).toBeLessThan(0.02);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
    const clipped = quantizeForm({ normal: [0, 1], clip: [-0.5, 2] }, scale);
    const cs = draws(20_000).map((h) => drawQuantized(clipped, h));
    expect(Math.min(...cs)).toBeGreaterThanOrEqual(clipped.lo);
    expect(Math.max(...cs)).toBeLessThanOrEqual(clipped.hi);
    // A truncated normal: the mass below −0.5 is redrawn, not piled on the bound.
    expect(cs.filter((q) => q === clipped.lo).length).toBeLessThan(20);
  });

  it('a uniform covers its range evenly, a constant is itself', () => {
    const f = quantizeForm({ uniform: [-1, 3] }, 2 ** 10);
    const xs = draws(20_000).map((h) => drawQuantized(f, h) / 2 ** 10);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...xs)).toBeLessThanOrEqual(3);
    expect(Math.abs(moments(xs).mean - 1)).toBeLessThan(0.05);
    expect(drawQuantized(quantizeForm(-0.75, 2 ** 8), 123)).toBe(-192);
  });

  it('drawReal is the same draw unquantised (plastic weights)', () => {
    const scale = 2 ** 24;
    const form: Distribution = { normal: [1, 0.3], clip: [0, 2] };
    for (const h of draws(500)) expect(Math.abs(drawQuantized(quantizeForm(form, scale), h) / scale - drawReal(form, h))).toBeLessThan(4 / scale);
  });

  it('ranges and bounds: Irwin–Hall ends at ±6 sd, clips clamp, and every draw lies inside', () => {
    expect(formRange({ normal: [1, 0.5] })).toEqual([-2, 4]);
    expect(formRange({ normal: [1, 0.5], clip: [0, 10] })).toEqual([0, 4]);
    expect(formBound({ normal: [-14, 1.4], clip: [-140, 0] })).toBeCloseTo(22.4, 10);
    expect(formBound({ uniform: [-3, 1] })).toBe(3);
    const f = quantizeForm({ normal: [1, 0.5], clip: [0, 10] }, 2 ** 16);
    const [lo, hi] = quantizedRange(f);
    for (const h of draws(5000)) {
      const q = drawQuantized(f, h);
      expect(q >= lo && q <= hi).toBe(true);
    }
  });

  it('refuses a scale that would overflow 32 bits', () => {
    expect(() => quantizeForm({ normal: [1, 1] }, 2 ** 30)).toThrow(/leave the 32-bit range/);
  });
});

describe('delays', () => {
  it('a constant delay rounds as delayTicks; a drawn one to the nearest tick, at least one', () => {
    for (const ms of [0, 0.05, 0.1, 0.25, 0.35, 1.5, 7.45, 100]) expect(delayTicksOf(quantizeDelay(ms, 0.1).a)).toBe(delayTicks(ms, 0.1));
    const f = quantizeDelay({ normal: [1.5, 0.75], clip: [0.1, 15] }, 0.1);
    const ticks = draws(20_000).map((h) => delayTicksOf(drawQuantized(f, h)));
    expect(Math.min(...ticks)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...ticks)).toBeLessThanOrEqual(formMaxDelayTicks({ normal: [1.5, 0.75], clip: [0.1, 15] }, 0.1));
    // A normal truncated at 0.1 ms (−1.87 sd) has mean 1.5 + 0.75 · φ(1.87) / Φ(1.87) = 1.554 ms.
    expect(Math.abs(moments(ticks).mean - 15.54)).toBeLessThan(0.2);
  });
});

describe('keyed row counts (a fixed total split into rows)', () => {
  it('sum to the total and are multinomial: mean n/m, variance n/m·(1 − 1/m)', () => {
    const n = 200_000,
      m = 500;
    const counts = Array.from(keyedRowCounts({ seed: 3, projection: 4 }, n, m));
    expect(counts.reduce((a, c) => a + c, 0)).toBe(n);
    const { mean, sd } = moments(counts);
    expect(mean).toBe(n / m);
    expect(Math.abs(sd ** 2 / ((n / m) * (1 - 1 / m)) - 1)).toBeLessThan(0.15);
    expect(Array.from(keyedRowCounts({ seed: 3, projection: 4 }, n, m))).toEqual(counts);
    expect(Array.from(keyedRowCounts({ seed: 3, projection: 5 }, n, m))).not.toEqual(counts);
  });
});
