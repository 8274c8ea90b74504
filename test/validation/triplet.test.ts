/**
 * Triplet STDP on the pairing-frequency protocol against Brian2
 * (`tools/validation/brian2/triplet.py`, dt 0.1 ms, 60 pairings at 1–50 Hz, Δ = ±10 ms, the
 * rule's default parameters, bounds [−5, 5]): every dw within 1e-4 + 1e-3·|dw_brian2|, for
 * all-to-all and nearest pairing, on the CPU reference; a short webgpu run (20 and 50 Hz, 20
 * pairings) as well. WGSL = CPU bit for bit is test/gpu/triplet.test.ts's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compareTripletPairing, type TripletPairingResult } from '../../tools/validation/tripletPairing.ts';
import { brian2Available } from '../../tools/validation/run.ts';
import { releaseTestDevice, testDevice } from '../gpu/helpers.ts';

afterAll(releaseTestDevice);

const FREQUENCIES = [1, 5, 10, 20, 30, 40, 50];

const dw = (result: TripletPairingResult, frequency: number, offset: number) => {
  const row = result.rows.find((r) => r.frequency === frequency && r.offset === offset);
  expect(row, `row f ${frequency} Hz, Δ ${offset} ms`).toBeDefined();
  return row!;
};

describe('triplet STDP against Brian2 (pairing-frequency protocol, dt 0.1 ms)', () => {
  const results: Partial<Record<'all' | 'nearest', TripletPairingResult>> = {};

  it('Brian2 is installed (a missing reference is a failure, not a skip)', async () => {
    expect(await brian2Available()).toBe(true);
  });

  for (const pairing of ['all', 'nearest'] as const) {
    it(`cpu, ${pairing}: dw agrees with Brian2 at every frequency and offset`, async () => {
      const result = await compareTripletPairing({ backend: 'cpu', pairing });
      results[pairing] = result;
      if (!result.pass) console.log(result.table);
      expect(result.rows.map((r) => [r.frequency, r.offset])).toEqual(
        FREQUENCIES.flatMap((f) => [
          [f, 10],
          [f, -10],
        ]),
      );
      expect(result.rows.filter((r) => !r.pass).map((r) => `${r.frequency} Hz, ${r.offset} ms`)).toEqual([]);
      expect(result.pass).toBe(true);
    }, 120_000);
  }

  it('the comparison is not vacuous: all-to-all turns depression into potentiation with frequency', () => {
    const all = results.all;
    expect(all, 'the all-to-all comparison ran').toBeDefined();
    // Δ = −10 ms: depression at 1 Hz, potentiation at 50 Hz (Pfister & Gerstner's Fig. 6), in both simulators.
    for (const side of ['spikegpu', 'brian2'] as const) {
      expect(dw(all!, 1, -10)[side]).toBeLessThan(-0.1);
      expect(dw(all!, 50, -10)[side]).toBeGreaterThan(0.1);
    }
    // Δ = +10 ms grows with the frequency; no row is near the bounds (nothing clipped).
    const plus = FREQUENCIES.map((f) => dw(all!, f, 10).spikegpu);
    for (let i = 1; i < plus.length; i++) expect(plus[i]).toBeGreaterThan(plus[i - 1]);
    for (const r of all!.rows) expect(Math.abs(r.brian2)).toBeLessThan(4);
  });

  it('the comparison is not vacuous: nearest pairing differs from all-to-all', () => {
    const nearest = results.nearest;
    expect(nearest, 'the nearest comparison ran').toBeDefined();
    expect(dw(nearest!, 50, 10).brian2).toBeLessThan(0);
    expect(dw(results.all!, 50, 10).brian2).toBeGreaterThan(0.5);
  });

  it('webgpu, all: agrees with Brian2 (20 and 50 Hz, 20 pairings)', async () => {
    // Short: SwiftShader runs about a simulated second in 10 s.
    const result = await compareTripletPairing({ backend: 'webgpu', device: await testDevice(), frequencies: [20, 50], pairings: 20 });
    if (!result.pass) console.log(result.table);
    expect(result.rows).toHaveLength(4);
    expect(result.pass).toBe(true);
    expect(Math.min(...result.rows.map((r) => Math.abs(r.brian2)))).toBeGreaterThan(1e-2);
  }, 120_000);
});
