/**
 * The WebGPU backend: the per-tick schedule of dispatches and the run loop.
 * Per tick, in one compute pass with no host work between ticks:
 *   propagate (indirect, spikes of t−1) → neuron kernel per group → endTick.
 * Every `ticksPerSubmit` ticks (a window) the spike log and its per-tick offsets are copied
 * to a staging buffer and decoded asynchronously while the next window runs.
 */
import { Ctrl, LogMeta, workgroupGrid } from '../../shaders/common.ts';
import { endTickWgsl } from '../../shaders/endTick.ts';
import { neuronKernelWgsl } from '../../shaders/neuronKernel.ts';
import { propagateWgsl } from '../../shaders/propagate.ts';
import type { CompiledNetwork } from '../build/compiled.ts';
import { checkBufferPlan, storageBuffer, withValidation } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/device.ts';
import { StagingPair } from '../gpu/readback.ts';
import type { Backend, RunCounters } from './backend.ts';
import type { SpikeRecorder } from './spikeRecorder.ts';

/** Default ticks per submission (and per readback window). */
export const DEFAULT_TICKS_PER_SUBMIT = 100;
/** The spike log holds every recorded neuron spiking every tick of a window: never overflows. */
const MAX_LOG_BYTES = 64 * 2 ** 20;

export interface GpuBackendOptions {
  ticksPerSubmit?: number;
}

interface GroupKernel {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  grid: [number, number];
}

export class GpuBackend implements Backend {
  readonly kind = 'webgpu';
  readonly adapter: string;
  readonly isSoftware: boolean;
  tick = 0;
  readonly counters: RunCounters = { spikes: 0, synapticEvents: 0 };
  /** Ticks per submission and readback window. */
  readonly ticksPerSubmit: number;
  private readonly device: GPUDevice;
  private readonly buffers: GPUBuffer[] = [];
  private groups: GroupKernel[] = [];
  private propagate!: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup };
  private endTick!: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup };
  private logIds!: GPUBuffer;
  private logMeta!: GPUBuffer;
  private dispatchArgs!: GPUBuffer;
  private staging!: StagingPair;
  private window = 0;
  /** The first uncaptured device error: a run that hit one fails rather than return garbage. */
  private deviceError: string | null = null;

  private constructor(gpu: GpuContext, private readonly net: CompiledNetwork, options: GpuBackendOptions) {
    this.device = gpu.device;
    this.adapter = gpu.adapter;
    this.isSoftware = gpu.isSoftware;
    const perTickLog = Math.max(1, net.recordedCount) * 4;
    const requested = Math.max(1, Math.floor(options.ticksPerSubmit ?? DEFAULT_TICKS_PER_SUBMIT));
    this.ticksPerSubmit = Math.max(1, Math.min(requested, Math.floor(MAX_LOG_BYTES / perTickLog)));
    this.device.addEventListener('uncapturederror', (e) => {
      this.deviceError ??= (e as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** Allocate buffers and compile kernels for `net` on `gpu`. */
  static async create(gpu: GpuContext, net: CompiledNetwork, options: GpuBackendOptions = {}): Promise<GpuBackend> {
    const b = new GpuBackend(gpu, net, options);
    await b.init();
    return b;
  }

  private buffer(label: string, data: ArrayBufferView | number, usage = 0): GPUBuffer {
    const buf = storageBuffer(this.device, label, data, usage);
    this.buffers.push(buf);
    return buf;
  }

  /** A pipeline with an explicit layout: `bindings[i]` is binding i's access ('read' or 'rw'). */
  private async pipeline(label: string, code: string, bindings: ('read' | 'rw')[]): Promise<GPUComputePipeline> {
    const module = this.device.createShaderModule({ label, code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length) throw new Error(`${label}: WGSL compilation failed:\n${errors.map((m) => `  line ${m.lineNum}: ${m.message}`).join('\n')}`);
    return withValidation(this.device, label, () => {
      const entries = bindings.map((access, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: access === 'read' ? 'read-only-storage' as const : 'storage' as const } }));
      const layout = this.device.createPipelineLayout({ bindGroupLayouts: [this.device.createBindGroupLayout({ label, entries })] });
      return this.device.createComputePipeline({ label, layout, compute: { module, entryPoint: 'main' } });
    });
  }

  private bindGroup(pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
    return this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  }

  private async init(): Promise<void> {
    const net = this.net;
    const K = this.ticksPerSubmit;
    const logCapacity = K * Math.max(1, net.recordedCount);
    checkBufferPlan(this.device, [...net.buffers, { name: 'spike log', bytes: logCapacity * 4 }]);

    const ring = this.buffer('input ring', net.delaySlots * net.channelCount * 4);
    const ctrl = this.buffer('control', Ctrl.size * 4);
    const tickSpikes = this.buffer('tick spikes', 2 * net.neuronCount * 4);
    const tables = this.buffer('tables', net.tables);
    const rowStart = this.buffer('synapse rows', net.synapses.rowStart);
    const synTarget = this.buffer('synapse targets', net.synapses.target);
    const synWeight = this.buffer('synapse weights', net.synapses.weight);
    this.logIds = this.buffer('spike log', logCapacity * 4);
    this.logMeta = this.buffer('spike log meta', (LogMeta.offsets + K + 1) * 4);
    this.dispatchArgs = this.buffer('propagate dispatch', Uint32Array.of(0, 1, 1), GPUBufferUsage.INDIRECT);
    this.staging = new StagingPair(this.device, this.logMeta.size + this.logIds.size);

    const constants = { seed: net.seed, neuronCount: net.neuronCount, delaySlots: net.delaySlots, channelCount: net.channelCount };
    this.groups = await Promise.all(net.groups.map(async (g) => {
      const pipeline = await this.pipeline(`neurons ${g.model.name} (${g.populations.join(', ')})`, neuronKernelWgsl(g, constants), ['read', 'rw', 'rw', 'rw', 'rw', 'rw', 'rw', 'read']);
      const params = this.buffer(`${g.model.name} params`, g.params);
      const state = this.buffer(`${g.model.name} state`, g.state);
      return { pipeline, bindGroup: this.bindGroup(pipeline, [params, state, ring, ctrl, tickSpikes, this.logIds, this.logMeta, tables]), grid: workgroupGrid(g.size) };
    }));
    const prop = await this.pipeline('propagate', propagateWgsl({ ...constants, channelBits: net.synapses.channelBits }), ['read', 'read', 'read', 'read', 'read', 'rw', 'rw']);
    this.propagate = { pipeline: prop, bindGroup: this.bindGroup(prop, [ctrl, tickSpikes, rowStart, synTarget, synWeight, ring, this.logMeta]) };
    const end = await this.pipeline('end tick', endTickWgsl(), ['rw', 'rw', 'rw']);
    this.endTick = { pipeline: end, bindGroup: this.bindGroup(end, [ctrl, this.logMeta, this.dispatchArgs]) };
  }

  /** Encode and submit one window of `ticks` ticks starting at `this.tick`. */
  private async submitWindow(ticks: number, recorder: SpikeRecorder): Promise<void> {
    const w = this.window++;
    const staging = await this.staging.acquire(w);
    const start = this.tick;
    const meta = new Uint32Array(LogMeta.offsets + 1);
    meta[LogMeta.windowStart] = start;
    this.device.queue.writeBuffer(this.logMeta, 0, meta);

    const encoder = this.device.createCommandEncoder({ label: `window ${w}` });
    const pass = encoder.beginComputePass();
    for (let t = 0; t < ticks; t++) {
      pass.setPipeline(this.propagate.pipeline);
      pass.setBindGroup(0, this.propagate.bindGroup);
      pass.dispatchWorkgroupsIndirect(this.dispatchArgs, 0);
      for (const g of this.groups) {
        pass.setPipeline(g.pipeline);
        pass.setBindGroup(0, g.bindGroup);
        pass.dispatchWorkgroups(g.grid[0], g.grid[1]);
      }
      pass.setPipeline(this.endTick.pipeline);
      pass.setBindGroup(0, this.endTick.bindGroup);
      pass.dispatchWorkgroups(1);
    }
    pass.end();
    encoder.copyBufferToBuffer(this.logMeta, 0, staging, 0, this.logMeta.size);
    encoder.copyBufferToBuffer(this.logIds, 0, staging, this.logMeta.size, this.logIds.size);
    this.device.queue.submit([encoder.finish()]);
    this.tick += ticks;

    const metaWords = this.logMeta.size / 4;
    this.staging.consume(w, (data) => {
      const m = new Uint32Array(data, 0, metaWords);
      const ids = new Uint32Array(data, this.logMeta.size);
      this.counters.spikes += m[LogMeta.spikes];
      this.counters.synapticEvents += m[LogMeta.events];
      for (let k = 0; k < ticks; k++) {
        const a = m[LogMeta.offsets + k], b = m[LogMeta.offsets + k + 1];
        recorder.addTick(start + k, ids.slice(a, b));
      }
    });
  }

  async run(ticks: number, recorder: SpikeRecorder, onProgress?: (done: number) => void): Promise<void> {
    for (let done = 0; done < ticks; ) {
      const batch = Math.min(this.ticksPerSubmit, ticks - done);
      await this.submitWindow(batch, recorder);
      done += batch;
      onProgress?.(done);
    }
    await this.staging.drain();
    if (this.deviceError) throw new Error(`WebGPU error during the run: ${this.deviceError}`);
  }

  dispose(): void {
    for (const b of this.buffers) b.destroy();
    this.staging?.destroy();
  }
}
