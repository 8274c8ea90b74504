/**
 * The AdEx firing patterns (Naud et al. 2008, built-in `adexPatterns`) against Brian2
 * (`tools/validation/brian2/adex.py`, Euler, dt 0.1 ms, 500 ms) on both backends: counts within
 * 10 %, the first three spikes within 0.5 ms, and each pattern shows its named behaviour.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compareAdexPatterns, type AdexPatternRow, type AdexPatternsResult } from '../../tools/validation/adexPatterns.ts';
import { brian2Available } from '../../tools/validation/run.ts';
import { releaseTestDevice, testDevice } from '../gpu/helpers.ts';

afterAll(releaseTestDevice);

const PATTERNS = ['tonic', 'adapting', 'initialBurst', 'regularBursting', 'delayedAccelerating', 'delayedBursting', 'transient'];

const isis = (r: AdexPatternRow) => Array.from(r.spikegpu.times.subarray(1), (t, i) => t - r.spikegpu.times[i]);
const row = (result: AdexPatternsResult, pattern: string) => result.rows.find((r) => r.pattern === pattern)!;

describe('AdEx firing patterns against Brian2 (dt 0.1 ms, 500 ms)', () => {
  const results: Partial<Record<'cpu' | 'webgpu', AdexPatternsResult>> = {};

  it('Brian2 is installed (a missing reference is a failure, not a skip)', async () => {
    expect(await brian2Available()).toBe(true);
  });

  for (const backend of ['cpu', 'webgpu'] as const) {
    it(`${backend}: all seven patterns agree with Brian2`, async () => {
      const result = await compareAdexPatterns({ backend, device: backend === 'webgpu' ? await testDevice() : undefined });
      results[backend] = result;
      if (!result.pass) console.log(result.table);
      expect(result.rows.map((r) => r.pattern)).toEqual(PATTERNS);
      expect(result.rows.filter((r) => !r.pass).map((r) => r.pattern)).toEqual([]);
      expect(result.pass).toBe(true);
    }, 300_000);
  }

  it('the comparison is not vacuous: the patterns fire as named (cpu)', () => {
    const result = results.cpu;
    expect(result, 'the cpu comparison ran').toBeDefined();
    for (const r of result!.rows) {
      if (r.pattern === 'transient') expect(r.spikegpu.times.length).toBeGreaterThanOrEqual(1);
      else expect(r.spikegpu.times.length, r.pattern).toBeGreaterThanOrEqual(5);
      expect(Array.from(r.spikegpu.ids).every((id) => id === 0)).toBe(true);
    }
    const adapting = isis(row(result!, 'adapting'));
    expect(adapting.at(-1)!).toBeGreaterThan(3 * adapting[0]);
    const accelerating = isis(row(result!, 'delayedAccelerating'));
    expect(accelerating.at(-1)!).toBeLessThan(accelerating[0]);
    const tonic = isis(row(result!, 'tonic')).slice(-10);
    expect(Math.max(...tonic) - Math.min(...tonic)).toBeLessThanOrEqual(0.5);
  });

  it('webgpu gives the cpu reference spikes exactly (times and ids)', () => {
    expect(results.cpu, 'the cpu comparison ran').toBeDefined();
    expect(results.webgpu, 'the webgpu comparison ran').toBeDefined();
    for (const pattern of PATTERNS) {
      const cpu = row(results.cpu!, pattern).spikegpu;
      const gpu = row(results.webgpu!, pattern).spikegpu;
      expect(Array.from(gpu.times), pattern).toEqual(Array.from(cpu.times));
      expect(Array.from(gpu.ids), pattern).toEqual(Array.from(cpu.ids));
    }
  });
});
