/** Timestamp-query phase split: the same spikes, and plausible per-phase GPU times. */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { expectIdentical, releaseTestDevice, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

describe('profilePhases', () => {
  it('splits GPU time into propagation and neurons without changing the spikes', async () => {
    const device = await testDevice();
    expect(device.hasTimestampQuery).toBe(true); // SwiftShader and current GPUs have it
    const spec = builtinNetwork('cuba', { n: 1000 });
    const plain = await Simulator.create(spec, { device });
    const profiled = await Simulator.create(spec, { device, profilePhases: true });
    await plain.run(30);
    await profiled.run(30);
    const s = profiled.summary();
    expect(s.fused).toBe(false);
    expect(s.phases!.propagateMs).toBeGreaterThan(0);
    expect(s.phases!.neuronsMs).toBeGreaterThan(0);
    // GPU phase time cannot exceed the wall time of the run that contained it (small slack for clock domains)
    expect(s.phases!.propagateMs + s.phases!.neuronsMs).toBeLessThan(s.wallMs * 1.05 + 5);
    expect(plain.summary().phases).toBeUndefined();
    expectIdentical({ E: profiled.spikes('E'), I: profiled.spikes('I') }, { E: plain.spikes('E'), I: plain.spikes('I') });
    plain.dispose();
    profiled.dispose();
  });
});
