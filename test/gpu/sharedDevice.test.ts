/**
 * Simulators sharing a device: a device error in one fails that one only, with the error; the
 * others run on with correct spikes, and errors of other code on the device fail none of them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { releaseTestDevice, runSpikes, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

const spec = () => builtinNetwork('cuba', { n: 400 });

/** Break a simulator as a bug would: destroy one of its buffers behind its back. */
function breakInputRing(sim: Simulator): void {
  const buffers = (sim as unknown as { backend: { buffers: GPUBuffer[] } }).backend.buffers;
  buffers.find((b) => b.label === 'input ring')!.destroy();
}

describe('a device error is attributed to the simulator that caused it', () => {
  it('the broken simulator fails with the error; the one beside it runs on, its spikes unchanged', async () => {
    const expected = await runSpikes(spec(), 50, { backend: 'cpu' });
    const device = await testDevice();
    const [broken, healthy] = await Promise.all([
      Simulator.create(spec(), { backend: 'webgpu', device }),
      Simulator.create(spec(), { backend: 'webgpu', device }),
    ]);
    breakInputRing(broken);
    const [b, h] = await Promise.allSettled([broken.run(50), healthy.run(50)]);
    expect(b.status).toBe('rejected');
    expect(String((b as PromiseRejectedResult).reason)).toMatch(/WebGPU error during the run: .*input ring/);
    expect(h.status).toBe('fulfilled');
    expect({ E: healthy.spikes('E'), I: healthy.spikes('I') }).toEqual(expected);
    await healthy.run(10);
    broken.dispose();
    healthy.dispose();
  });

  it("another user's error on the shared device fails no simulator", async () => {
    const device = await testDevice();
    const sim = await Simulator.create(spec(), { backend: 'webgpu', device });
    const uncaptured = new Promise<string>((resolve) =>
      device.device.addEventListener('uncapturederror', (e) => resolve((e as GPUUncapturedErrorEvent).error.message), { once: true }),
    );
    // Invalid: a mappable buffer that is also storage.
    device.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
    const run = sim.run(50);
    expect(await uncaptured).toMatch(/usage/i);
    await expect(run).resolves.toEqual({ complete: true, durationMs: 50 });
    sim.dispose();
  });
});
