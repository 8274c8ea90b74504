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

/**
 * Run a one-off compute shader on the test device: `@binding(0)` is `input` (read-only
 * storage), `@binding(1)` an output of `outputWords` u32 words, returned once the dispatch of
 * `workgroups` workgroups (entry point `main`) is done.
 */
export async function runCompute(code: string, input: Uint32Array<ArrayBuffer>, outputWords: number, workgroups: number): Promise<Uint32Array> {
  const { device } = await testDevice();
  const module = device.createShaderModule({ code });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const inputBuffer = device.createBuffer({ size: Math.max(4, input.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(inputBuffer, 0, input);
  const out = device.createBuffer({ size: 4 * outputWords, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 4 * outputWords, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: inputBuffer } },
        { binding: 1, resource: { buffer: out } },
      ],
    }),
  );
  pass.dispatchWorkgroups(workgroups);
  pass.end();
  encoder.copyBufferToBuffer(out, 0, read, 0, 4 * outputWords);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const result = new Uint32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [inputBuffer, out, read]) b.destroy();
  return result;
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
