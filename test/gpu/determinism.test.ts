/** Bit-reproducibility on the GPU: same seed twice, and the submission window size, change nothing. */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { expectIdentical, releaseTestDevice, runSpikes, totalSpikes } from './helpers.ts';

afterAll(releaseTestDevice);

describe('determinism on the GPU', () => {
  const spec = builtinNetwork('cuba', { n: 800 });

  it('same seed twice gives identical spikes; another seed does not', async () => {
    const a = await runSpikes(spec, 40, { backend: 'webgpu' });
    const b = await runSpikes(spec, 40, { backend: 'webgpu' });
    expect(totalSpikes(a)).toBeGreaterThan(100);
    expectIdentical(a, b);
    const c = await runSpikes(spec, 40, { backend: 'webgpu', seed: 2 });
    expect(c.E.ids).not.toEqual(a.E.ids);
  });

  for (const fused of [false, true]) {
    it(`ticksPerSubmit 1 and 100 give identical spikes (${fused ? 'fused' : 'per-tick kernels'})`, async () => {
      const one = await runSpikes(spec, 30, { backend: 'webgpu', ticksPerSubmit: 1, fused });
      const hundred = await runSpikes(spec, 30, { backend: 'webgpu', ticksPerSubmit: 100, fused });
      const odd = await runSpikes(spec, 30, { backend: 'webgpu', ticksPerSubmit: 37, fused });
      expect(totalSpikes(one)).toBeGreaterThan(50);
      expectIdentical(one, hundred);
      expectIdentical(one, odd);
    });
  }
});
