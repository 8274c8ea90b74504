/**
 * spikegpu against Brian2 on the smaller built-in networks (CI installs python3-brian):
 * rates, CV of ISIs, silent fractions and synchrony within the seed-to-seed spread.
 * Deterministic: both simulators run fixed seeds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { brian2Available, validate } from '../../src/validate/run.ts';
import { releaseTestDevice, testDevice } from '../gpu/helpers.ts';

afterAll(releaseTestDevice);

describe('validation against Brian2 (small networks, 3 seeds, 500 ms)', () => {
  it('Brian2 is installed (a missing reference is a failure, not a skip)', async () => {
    expect(await brian2Available()).toBe(true);
  });

  it('cuba, coba, brunel A and C, izhikevich2003 lie within the seed-to-seed spread', async () => {
    const result = await validate({ seeds: 3, durationMs: 500, size: 'small', device: await testDevice() });
    if (!result.pass) console.log(result.table);
    expect(result.rows.length).toBe(5 * 2 * 4);
    expect(result.rows.filter((r) => !r.pass).map((r) => `${r.network} ${r.population} ${r.stat}`)).toEqual([]);
    // the comparison is not vacuous: every network fires
    for (const r of result.rows.filter((x) => x.stat === 'rateHz')) expect(r.spikegpu.mean).toBeGreaterThan(1);
  }, 900_000);
});
