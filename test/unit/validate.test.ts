import { describe, expect, it } from 'vitest';
import { spikeStats } from '../../src/analysis/spikeStats.ts';
import { compareStats, comparisonTable, spread } from '../../tools/validation/compare.ts';

const spikes = (pairs: [number, number][]) => ({ times: Float64Array.from(pairs.map((p) => p[0])), ids: Uint32Array.from(pairs.map((p) => p[1])) });

describe('spike statistics', () => {
  it('rate, CV of ISIs, silent fraction and 1 ms Fano factor', () => {
    // neuron 0: regular every 10 ms (CV 0); neuron 1: ISIs 5, 15 (CV 0.5); neuron 2: 2 spikes (no CV); neuron 3 silent
    const s = spikes([
      [0, 0],
      [10, 0],
      [20, 0],
      [30, 0],
      [0, 1],
      [5, 1],
      [20, 1],
      [3, 2],
      [7, 2],
    ]);
    const st = spikeStats(s, 4, 40);
    expect(st.rateHz).toBeCloseTo(9 / 4 / 0.04, 10);
    expect(st.cvIsi).toBeCloseTo((0 + 0.5) / 2, 10);
    expect(st.silentFraction).toBe(0.25);
    // 40 bins: counts 2 (t=0), 1 (t=3), 1 (5), 1 (7), 1 (10), 2 (20), 1 (30) → mean 9/40
    const counts = new Array(40).fill(0);
    for (const t of s.times) counts[Math.floor(t)]++;
    const m = 9 / 40,
      v = counts.reduce((a, c) => a + c * c, 0) / 40 - m * m;
    expect(st.fano1ms).toBeCloseTo(v / m, 10);
  });

  it('a Poisson-like train has Fano ≈ 1 and CV ≈ 1; a silent population has NaN synchrony', () => {
    let x = 12345;
    const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pairs: [number, number][] = [];
    for (let id = 0; id < 200; id++) for (let t = -Math.log(1 - rand()) * 100; t < 10000; t += -Math.log(1 - rand()) * 100) pairs.push([t, id]);
    pairs.sort((a, b) => a[0] - b[0]);
    const st = spikeStats(spikes(pairs), 200, 10000);
    expect(st.rateHz).toBeGreaterThan(9);
    expect(st.rateHz).toBeLessThan(11);
    expect(Math.abs(st.cvIsi - 1)).toBeLessThan(0.05);
    expect(Math.abs(st.fano1ms - 1)).toBeLessThan(0.1);
    expect(Number.isNaN(spikeStats(spikes([]), 10, 100).fano1ms)).toBe(true);
  });
});

describe('the validation rule', () => {
  it('passes within 3·√(sd₁² + sd₂²) plus a floor, fails beyond', () => {
    expect(spread([1, 2, 3])).toEqual({ mean: 2, sd: 1, n: 3 });
    const stats = (rate: number) => ({ rateHz: rate, cvIsi: 0.5, silentFraction: 0, fano1ms: 2 });
    const ref = [stats(10), stats(11), stats(12)]; // mean 11, sd 1
    const near = compareStats('n', 'E', [stats(13), stats(14), stats(15)], ref); // mean 14, sd 1: |3| ≤ 3·√2 + 0.16
    expect(near.find((r) => r.stat === 'rateHz')!.pass).toBe(true);
    const far = compareStats('n', 'E', [stats(16), stats(17), stats(18)], ref); // |6| > 4.40
    const rate = far.find((r) => r.stat === 'rateHz')!;
    expect(rate.pass).toBe(false);
    expect(rate.allowed).toBeCloseTo(3 * Math.SQRT2 + 0.05 + 0.11, 10);
    // identical deterministic statistics pass on the floor
    expect(far.filter((r) => r.stat !== 'rateHz').every((r) => r.pass)).toBe(true);
    const table = comparisonTable(far);
    expect(table.split('\n')).toHaveLength(2 + 4);
    expect(table).toMatch(/rateHz\s+17\.00 ± 1\.00\s+11\.00 ± 1\.00\s+6\.00\s+4\.40\s+FAIL/);
  });
});
