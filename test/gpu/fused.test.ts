/** The fused single-dispatch path gives the same spikes as the per-tick kernels and the CPU. */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { expectIdentical, releaseTestDevice, runSpikes, testDevice, totalSpikes } from './helpers.ts';

afterAll(releaseTestDevice);

const cases: [string, Record<string, string | number>, number][] = [
  ['cuba', { n: 1000 }, 40],
  ['coba', { n: 600 }, 40],
  ['brunel', { n: 1250, regime: 'A' }, 30],
  ['izhikevich2003', { n: 300 }, 200],
];

describe('fused path', () => {
  it.each(cases)('%s: fused = per-tick kernels = CPU reference', async (name, options, ms) => {
    const spec = builtinNetwork(name, options);
    const fused = await runSpikes(spec, ms, { backend: 'webgpu', fused: true, ticksPerSubmit: 64 });
    const split = await runSpikes(spec, ms, { backend: 'webgpu', fused: false });
    const cpu = await runSpikes(spec, ms, { backend: 'cpu' });
    expect(totalSpikes(fused)).toBeGreaterThan(100);
    expectIdentical(fused, split);
    expectIdentical(fused, cpu);
  });

  it('is refused, with a reason, for networks it cannot run; auto picks it only where it can', async () => {
    const device = await testDevice();
    const twoGroups = {
      version: 1,
      dt: 0.1,
      populations: { P: { size: 10, model: 'poisson', params: { rate: 10 } }, N: { size: 10, model: 'lif', params: { receptors: { r: { kind: 'delta' } } } } },
      projections: [{ pre: 'P', post: 'N', connect: { rule: 'allToAll' }, weight: 1, receptor: 'r' }],
    };
    await expect(Simulator.create(twoGroups, { device, fused: true })).rejects.toThrow(/one neuron group/);
    const auto = await Simulator.create(twoGroups, { device });
    expect(auto.summary().fused).toBe(false);
    auto.dispose();
    const small = await Simulator.create(builtinNetwork('cuba', { n: 500 }), { device });
    expect(small.summary().fused).toBe(true);
    small.dispose();
    const forcedOff = await Simulator.create(builtinNetwork('cuba', { n: 500 }), { device, fused: false });
    expect(forcedOff.summary().fused).toBe(false);
    forcedOff.dispose();
  });
});
