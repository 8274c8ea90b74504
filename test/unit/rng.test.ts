import { describe, expect, it } from 'vitest';
import { CounterRng, hash4, mix32, normalFromHashes, unitFloat24 } from '../../src/rng/counterHash.ts';

describe('counter-based RNG', () => {
  it('is a pure function of its arguments', () => {
    expect(hash4(1, 2, 3, 4)).toBe(hash4(1, 2, 3, 4));
    expect(hash4(1, 2, 3, 4)).not.toBe(hash4(1, 2, 3, 5));
    expect(hash4(1, 2, 3, 4)).not.toBe(hash4(2, 2, 3, 4));
    expect(hash4(1, 2, 3, 4)).not.toBe(hash4(1, 3, 3, 4));
  });

  it('mixes into the full u32 range', () => {
    const x = mix32(12345);
    expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
    // bijection spot check: distinct inputs give distinct outputs
    const seen = new Set<number>();
    for (let i = 0; i < 10000; i++) seen.add(mix32(i));
    expect(seen.size).toBe(10000);
  });

  it('gives uniform floats in [0, 1) with mean 1/2', () => {
    let sum = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) {
      const u = unitFloat24(hash4(7, 1, i, 0));
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
  });

  it('gives standard normals from integer sums', () => {
    const n = 50000;
    let s = 0,
      s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = normalFromHashes(3, 9, i, 17);
      expect(Math.fround(z)).toBe(z);
      s += z;
      s2 += z * z;
    }
    const mean = s / n,
      sd = Math.sqrt(s2 / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
  });

  it('CounterRng draws reproducible sequences, uniform and normal', () => {
    const a = new CounterRng(5, 1, 2),
      b = new CounterRng(5, 1, 2);
    const xs = Array.from({ length: 20000 }, () => a.normal());
    expect(xs).toEqual(Array.from({ length: 20000 }, () => b.normal()));
    const mean = xs.reduce((p, x) => p + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((p, x) => p + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    const r = new CounterRng(5, 2);
    for (let i = 0; i < 1000; i++) expect(r.below(7)).toBeLessThan(7);
  });
});
