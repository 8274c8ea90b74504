/** `record.state` on the GPU: the same samples as the CPU reference, at the right times. */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { releaseTestDevice, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

async function traces(backend: 'webgpu' | 'cpu', ticksPerSubmit: number) {
  const spec = builtinNetwork('izhikevich2003', { n: 200 });
  spec.record = {
    spikes: ['E'],
    state: [
      { pop: 'E', var: 'v', ids: [0, 5, 17] },
      { pop: 'I', var: 'u', every: 3 },
    ],
  };
  const sim = await Simulator.create(spec, { backend, ticksPerSubmit, device: backend === 'webgpu' ? await testDevice() : undefined });
  await sim.run(100);
  const out = { v: sim.state('E', 'v'), u: sim.state('I', 'u') };
  sim.dispose();
  return out;
}

describe('state recording', () => {
  it('GPU samples equal the CPU reference, whatever the submission window', async () => {
    const cpu = await traces('cpu', 100);
    expect(cpu.v.times.length).toBe(100);
    expect(cpu.v.times[3]).toBe(3);
    expect(Array.from(cpu.v.ids)).toEqual([0, 5, 17]);
    expect(cpu.v.values.length).toBe(300);
    // sampled at the start of each tick: v(0) = -65 for every neuron
    expect(Array.from(cpu.v.values.slice(0, 3))).toEqual([-65, -65, -65]);
    expect(cpu.u.times.length).toBe(34);
    expect(cpu.u.times[1]).toBe(3);
    expect(cpu.u.ids.length).toBe(40);
    // the traces move: neurons spike and reset
    expect(Math.max(...cpu.v.values)).toBeGreaterThan(0);
    for (const k of [100, 7]) {
      const gpu = await traces('webgpu', k);
      expect(Array.from(gpu.v.times)).toEqual(Array.from(cpu.v.times));
      expect(Array.from(gpu.v.values)).toEqual(Array.from(cpu.v.values));
      expect(Array.from(gpu.u.times)).toEqual(Array.from(cpu.u.times));
      expect(Array.from(gpu.u.values)).toEqual(Array.from(cpu.u.values));
    }
  });
});
