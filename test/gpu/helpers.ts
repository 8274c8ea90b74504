/** Shared by the GPU tests: one Dawn device per test file, and GPU-vs-CPU comparison. */
import { expect } from 'vitest';
import { acquireDevice, type GpuContext } from '../../src/gpu/device.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import type { PopulationSpikes } from '../../src/sim/spikeRecorder.ts';
import type { SpikeDispatch } from '../../src/sim/gpuBackend.ts';

let context: GpuContext | null = null;

/** The test device. No adapter is a failure, never a skip (CI must say so loudly). */
export async function testDevice(): Promise<GpuContext> {
  context ??= await acquireDevice();
  return context;
}

export function releaseTestDevice(): void {
  context?.release();
  context = null;
}

export type Spikes = Record<string, PopulationSpikes>;

/** Run a spec for `durationMs` and return every population's recorded spikes. */
export async function runSpikes(
  spec: unknown,
  durationMs: number,
  options: {
    backend: 'webgpu' | 'cpu';
    ticksPerSubmit?: number;
    seed?: number;
    fused?: boolean | 'auto';
    spikeDispatch?: SpikeDispatch;
    synapseShardBytes?: number;
  },
): Promise<Spikes> {
  const sim = await Simulator.create(spec, { ...options, device: options.backend === 'webgpu' ? await testDevice() : undefined });
  try {
    await sim.run(durationMs);
    return Object.fromEntries(sim.network.populations.map((p) => [p.name, sim.spikes(p.name)]));
  } finally {
    sim.dispose();
  }
}

export function totalSpikes(s: Spikes): number {
  return Object.values(s).reduce((a, p) => a + p.ids.length, 0);
}

/** Spike trains equal spike for spike; on mismatch, report the first difference. */
export function expectIdentical(a: Spikes, b: Spikes): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const pop of Object.keys(a)) {
    const x = a[pop],
      y = b[pop];
    const n = Math.min(x.ids.length, y.ids.length);
    let k = 0;
    while (k < n && x.ids[k] === y.ids[k] && x.times[k] === y.times[k]) k++;
    const where =
      k < n
        ? `first difference in ${pop} at spike ${k}: (${x.times[k]} ms, #${x.ids[k]}) vs (${y.times[k]} ms, #${y.ids[k]})`
        : `${pop}: ${x.ids.length} vs ${y.ids.length} spikes`;
    expect(k === x.ids.length && k === y.ids.length, where).toBe(true);
  }
}

/** GPU and CPU reference give identical spikes; returns the spike count (callers check it is not trivial). */
export async function expectGpuMatchesCpu(spec: unknown, durationMs: number): Promise<number> {
  const cpu = await runSpikes(spec, durationMs, { backend: 'cpu' });
  const gpu = await runSpikes(spec, durationMs, { backend: 'webgpu' });
  expectIdentical(gpu, cpu);
  return totalSpikes(cpu);
}
