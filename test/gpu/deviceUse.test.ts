/** A device that cannot be used, and a disposed simulator, give clear errors (never an abort). */
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/gpu/device.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { releaseTestDevice, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

describe('a device that cannot be used', () => {
  it('a released GpuContext is refused with a clear error, and a disposed webgpu simulator throws', async () => {
    const ctx = await acquireDevice();
    ctx.release();
    await expect(Simulator.create(builtinNetwork('cuba', { n: 400 }), { device: ctx })).rejects.toThrow(
      'the GpuContext passed as options.device cannot be used: it was released (GpuContext.release); acquire another (acquireDevice())',
    );
    const sim = await Simulator.create(builtinNetwork('cuba', { n: 400 }), { backend: 'webgpu', device: await testDevice() });
    await sim.run(5);
    sim.dispose();
    await expect(sim.run(5)).rejects.toThrow('this Simulator was disposed; create another');
  });
});
