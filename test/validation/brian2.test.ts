/**
 * spikegpu against Brian2 on the smaller built-in networks (CI installs python3-brian):
 * rates, CV of ISIs, silent fractions and synchrony within the seed-to-seed spread; for STDP
 * (song2000) the final weight distribution and the learning neuron's rate.
 * Deterministic: both simulators run fixed seeds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { brian2Available, validate } from '../../tools/validation/run.ts';
import { releaseTestDevice, testDevice } from '../gpu/helpers.ts';

afterAll(releaseTestDevice);

describe('validation against Brian2 (small networks, 3 seeds, 500 ms)', () => {
  it('Brian2 is installed (a missing reference is a failure, not a skip)', async () => {
    expect(await brian2Available()).toBe(true);
  });

  it('cuba, coba, brunel A and C, izhikevich2003 lie within the seed-to-seed spread', async () => {
    const result = await validate({
      cases: ['cuba', 'coba', 'brunelA', 'brunelC', 'izhikevich2003'],
      seeds: 3,
      durationMs: 500,
      size: 'small',
      device: await testDevice(),
    });
    if (!result.pass) console.log(result.table);
    expect(result.rows.length).toBe(5 * 2 * 4);
    expect(result.rows.filter((r) => !r.pass).map((r) => `${r.network} ${r.population} ${r.stat}`)).toEqual([]);
    // the comparison is not vacuous: every network fires
    for (const r of result.rows.filter((x) => x.stat === 'rateHz')) expect(r.spikegpu.mean).toBeGreaterThan(1);
  }, 900_000);

  it('song2000 (STDP.py as written, and with a conductance): final weights and output rate after 10 s', async () => {
    // The CPU reference: its weights equal the GPU's bit for bit (test/gpu/plasticity.test.ts)
    // and it runs this one-neuron network faster than SwiftShader.
    const result = await validate({ cases: ['song2000', 'song2000cond'], seeds: 3, size: 'small', backend: 'cpu' });
    if (!result.pass) console.log(result.table);
    expect(result.rows.map((r) => `${r.network} ${r.population} ${r.stat}`)).toEqual(
      ['song2000', 'song2000cond'].flatMap((c) => [`${c} inputs meanFraction`, `${c} inputs fractionLow`, `${c} inputs fractionHigh`, `${c} neuron rateHz`]),
    );
    expect(result.rows.filter((r) => !r.pass).map((r) => `${r.network} ${r.population} ${r.stat}`)).toEqual([]);
    // Not vacuous: learning moved weights to the bounds (uniform start: 10 % in each tenth), the neuron fires.
    for (const h of result.histograms) {
      expect(h.spikegpu[0]).toBeGreaterThan(0.06);
      expect(h.spikegpu.length).toBe(20);
    }
    for (const r of result.rows.filter((x) => x.stat === 'fractionLow')) expect(r.spikegpu.mean).toBeGreaterThan(0.12);
    for (const r of result.rows.filter((x) => x.stat === 'rateHz')) expect(r.spikegpu.mean).toBeGreaterThan(5);
  }, 900_000);
});
