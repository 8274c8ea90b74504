/**
 * The two ways of sizing the spike-driven kernels (indirect from the spike counts, or a fixed
 * grid that strides over the spikes) give the same spikes and weights, and match the CPU.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { expectIdentical, releaseTestDevice, runSpikes, testDevice, totalSpikes } from './helpers.ts';

afterAll(releaseTestDevice);

describe('spikeDispatch: indirect and fixed', () => {
  const cases = [
    { name: 'cuba', spec: builtinNetwork('cuba', { n: 800 }), ms: 40 },
    { name: 'brunel (delays, Poisson drive)', spec: builtinNetwork('brunel', { n: 1250, regime: 'C' }), ms: 30 },
  ];
  for (const c of cases) {
    it(`${c.name}: identical spikes on both, and on the CPU`, async () => {
      const indirect = await runSpikes(c.spec, c.ms, { backend: 'webgpu', fused: false, spikeDispatch: 'indirect' });
      const fixed = await runSpikes(c.spec, c.ms, { backend: 'webgpu', fused: false, spikeDispatch: 'fixed' });
      const cpu = await runSpikes(c.spec, c.ms, { backend: 'cpu' });
      expect(totalSpikes(fixed)).toBeGreaterThan(50);
      expectIdentical(indirect, fixed);
      expectIdentical(cpu, fixed);
    });
  }

  it('polychronization (STDP, delays 1–20 ms): identical spikes and weights', async () => {
    const spec = builtinNetwork('polychronization');
    const run = async (spikeDispatch: 'indirect' | 'fixed') => {
      const sim = await Simulator.create(spec, { backend: 'webgpu', device: await testDevice(), spikeDispatch });
      await sim.run(300);
      const spikes = sim.spikes('E');
      const weights = (await sim.weights('EE')).weights;
      sim.dispose();
      return { spikes, weights };
    };
    const indirect = await run('indirect');
    const fixed = await run('fixed');
    expect(indirect.spikes.ids.length).toBeGreaterThan(100);
    expect(fixed.spikes.ids).toEqual(indirect.spikes.ids);
    expect(fixed.spikes.times).toEqual(indirect.spikes.times);
    expect(fixed.weights).toEqual(indirect.weights);
  });
});
