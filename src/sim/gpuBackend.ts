/**
 * The WebGPU backend: the per-tick schedule of dispatches and the run loop.
 * Per tick, in one compute pass with no host work between ticks:
 *   propagate (indirect, spikes of t−1) → neuron kernel per group → endTick.
 * Every `ticksPerSubmit` ticks (a window) the spike log and its per-tick offsets are copied
 * to a staging buffer and decoded asynchronously while the next window runs.
 */
import { ALL_FINITE, Ctrl, initialCtrl, LogMeta, WORKGROUP_SIZE, workgroupGrid } from '../kernels/common.ts';
import { DispatchArgs, END_TICK_BINDINGS, endTickWgsl } from '../kernels/endTick.ts';
import { FUSED_BINDINGS, FUSED_STORAGE_BINDINGS, fusedTicksWgsl } from '../kernels/fusedTicks.ts';
import { NEURON_BINDINGS, neuronKernelWgsl } from '../kernels/neuronKernel.ts';
import {
  arriveBindings,
  PLASTICITY_BINDINGS,
  plasticArriveWgsl,
  plasticPeriodicWgsl,
  plasticDecayWgsl,
  plasticNormalizeWgsl,
  plasticSpikesWgsl,
} from '../kernels/plasticity.ts';
import { propagateBindings, propagateWgsl, synapseSharding, type SynapseSharding } from '../kernels/propagate.ts';
import { proceduralTables } from '../compile/proceduralRows.ts';
import { buildRowsBindings, buildRowsWgsl, drawRowsDispatches, rowPlan } from '../kernels/buildRows.ts';
import { SAMPLE_STATE_BINDINGS, sampleStateWgsl } from '../kernels/sampleState.ts';
import { plasticBufferLayout, plasticBuffers, plasticShape, type CompiledNetwork } from '../compile/compiled.ts';
import { bindGroupEntries, layoutEntries, storageBindingCount, type BindingTable, type BoundBuffers } from '../gpu/bindings.ts';
import { checkBufferPlan, closeErrorScopes, DeviceLimitError, openErrorScopes, storageBuffer, uploadStorageBuffer, withValidation } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/device.ts';
import { readBuffer, StagingPair, windowTicks } from '../gpu/readback.ts';
import { nonFiniteKeyStride, type NonFinite } from '../kernels/nonFinite.ts';
import { nonFiniteStateError } from './nonFiniteState.ts';
import type { Backend, BackendState, Recorders, RunCounters, WordWrite } from './backend.ts';

/**
 * Up to how many neurons `fused: 'auto'` runs whole windows in one workgroup. SwiftShader
 * (measured here: 1.1–1.4× faster from 250 to 8000 neurons, one core doing what two did) and
 * a hardware GPU, where one workgroup is a small part of the chip (a conservative guess until
 * `spikegpu bench` measures it on one).
 */
export const FUSED_AUTO_MAX_NEURONS = { software: 16384, hardware: 2048 };

/**
 * How the spike-driven kernels (propagation, STDP) are sized each tick:
 * - `indirect`: from the spike counts the end-of-tick kernel writes, so a silent tick costs an
 *   empty dispatch. Cheap on SwiftShader (≈ 27 µs a dispatch), but Dawn validates every
 *   indirect dispatch with an extra pass: on an NVIDIA H200 it cost ≈ 110 µs to encode and
 *   ≈ 110 µs to run, against ≈ 3 µs for a direct one, and dominated every tick.
 * - `fixed`: a direct dispatch of a fixed grid (`FIXED_SPIKE_GRID` workgroups, fewer for small
 *   networks) that grid-strides over the tick's spikes; idle workgroups exit at once.
 * The kernels are the same and integer accumulation is order-free, so spikes are identical.
 * `auto` (default): fixed on hardware adapters, indirect on software ones.
 */
export type SpikeDispatch = 'auto' | 'indirect' | 'fixed';

/** Workgroups of a fixed spike dispatch: enough to fill a large GPU (an H200 holds ≈ 4 200 of 64 threads). */
export const FIXED_SPIKE_GRID = 2048;

/**
 * Whether a network runs fused: it must have one neuron group, no state probes, no plastic
 * or procedural projections, and an adapter with 11 storage buffers per stage; `'auto'` also bounds the size.
 * @throws when `fused: true` is asked of a network that cannot run fused.
 */
export function chooseFused(
  net: CompiledNetwork,
  adapter: { isSoftware: boolean; maxStorageBuffersPerShaderStage: number },
  option: boolean | 'auto' = 'auto',
): boolean {
  const fusible =
    net.groups.length === 1 &&
    net.stateProbes.length === 0 &&
    net.plastic.length === 0 &&
    net.procedural.length === 0 &&
    adapter.maxStorageBuffersPerShaderStage >= FUSED_STORAGE_BINDINGS;
  if (option === true && !fusible)
    throw new Error(
      `fused: true needs a network with one neuron group (one model and receptor layout), no record.state, no plasticity, no procedural synapses, and an adapter with ${FUSED_STORAGE_BINDINGS} storage buffers per stage`,
    );
  if (option !== 'auto') return option && fusible;
  return fusible && net.neuronCount <= FUSED_AUTO_MAX_NEURONS[adapter.isSoftware ? 'software' : 'hardware'];
}

export interface GpuBackendOptions {
  ticksPerSubmit?: number;
  /**
   * Run each window of ticks in a single one-workgroup dispatch (identical results, no
   * per-tick dispatch cost): `true`, `false`, or `'auto'` (default: small networks).
   * Only for networks with one neuron group, no `record.state` and no plasticity.
   */
  fused?: boolean | 'auto';
  /**
   * Split GPU time into propagation and neuron phases with timestamp queries (where the
   * adapter has `timestamp-query`). Puts each phase of each tick in its own compute pass, so
   * it costs a little and implies `fused: false`; for benchmarks.
   */
  profilePhases?: boolean;
  /** How propagation and STDP kernels are dispatched (see `SpikeDispatch`); default 'auto'. */
  spikeDispatch?: SpikeDispatch;
  /**
   * Largest shard of a static synapse array, bytes; default (and at most) what the adapter
   * binds. Smaller values force sharding, to test it.
   */
  synapseShardBytes?: number;
}

/** GPU time per phase (timestamp queries) and the host's wait for readbacks, ms. */
export interface PhaseTimes {
  /** Spike propagation through the delay ring. */
  propagateMs: number;
  /** STDP: trace updates, potentiation and plastic spike arrival (0 without plastic projections). */
  plasticityMs: number;
  /** Neuron kernels (with state sampling and the end-of-tick bookkeeping). */
  neuronsMs: number;
  /** Host time blocked waiting for a staging buffer to come back: readback stalls, or simply the GPU being the bottleneck. */
  hostWaitMs: number;
}

interface Kernel {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  grid: [number, number];
  /** Dispatch indirectly from the end-of-tick arguments at this word offset (grid unused). */
  indirect?: number;
}

/** The buffers of `all` that `table` binds (the rest of its bindings come from elsewhere). */
function pick<A extends Record<string, GPUBuffer>, T extends BindingTable>(all: A, table: T): Pick<A, Extract<T[number]['name'], keyof A>> {
  return Object.fromEntries(table.filter((b) => b.name in all).map((b) => [b.name, all[b.name]])) as Pick<A, Extract<T[number]['name'], keyof A>>;
}

/** The two non-finite control words, copied out with each window. */
const NON_FINITE_BYTES = 8;

/** WebGPU's limit on queries in a query set. */
const MAX_QUERIES = 4096;

/** Timestamped passes per tick when profiling: propagation, [plasticity,] neurons. */
const passesPerTick = (net: CompiledNetwork) => (net.plastic.length ? 3 : 2);

export class GpuBackend implements Backend {
  readonly kind = 'webgpu';
  readonly adapter: string;
  readonly isSoftware: boolean;
  tick = 0;
  readonly counters: RunCounters = { spikes: 0, synapticEvents: 0 };
  /** Ticks per submission and readback window. */
  readonly ticksPerSubmit: number;
  /** Whether windows run as one fused dispatch. */
  readonly fused: boolean;
  /** How spike-driven kernels are dispatched: `indirect` or `fixed` (see `SpikeDispatch`). */
  readonly spikeDispatch: 'indirect' | 'fixed';
  /** How the static synapse arrays are split across bindings. */
  readonly sharding: SynapseSharding;
  private fusedKernel: Kernel | null = null;
  /** Per-phase times when profiling (`profilePhases` on an adapter with timestamps), else null. */
  readonly phases: PhaseTimes | null;
  private querySet: GPUQuerySet | null = null;
  private queryResolve!: GPUBuffer;
  private fusedWindow!: GPUBuffer;
  private readonly device: GPUDevice;
  private readonly buffers: GPUBuffer[] = [];
  private groups: Kernel[] = [];
  private samplers: Kernel[] = [];
  private propagate!: Kernel;
  /** The static synapse arrays' buffers by binding name (`synTarget0`, `synWeight0`, …). */
  private readonly synapseShards: Record<string, GPUBuffer> = {};
  /** Per plastic projection: [normalize,] decay, spikes, arrive (in that order). */
  private plasticity: Kernel[] = [];
  private plasticWeights: GPUBuffer[] = [];
  /** Per plastic projection: its rule's uniform buffer, and the host's copy of what it holds (for checkpoints). */
  private ruleBuffers: GPUBuffer[] = [];
  private ruleConstants: Float32Array[] = [];
  /** The buffers a checkpoint saves (see `BackendState`). */
  private dynamic!: {
    ring: GPUBuffer;
    ctrl: GPUBuffer;
    tickSpikes: GPUBuffer;
    tables: GPUBuffer;
    groups: { params: GPUBuffer; state: GPUBuffer }[];
    plastic: { weight: GPUBuffer; preTrace: GPUBuffer; postTrace: GPUBuffer }[];
  };
  private endTick!: Kernel;
  private logIds!: GPUBuffer;
  private stateLog!: GPUBuffer;
  private logMeta!: GPUBuffer;
  private dispatchArgs!: GPUBuffer;
  private staging!: StagingPair;
  private window = 0;
  /** The first state that became NaN or ±Inf, read back with its window: the run ends there. */
  private nonFinite: NonFinite | null = null;
  /** The first device error of this simulator's calls: a run that hit one fails rather than return garbage. */
  private deviceError: string | null = null;
  /** Error scopes of calls not yet checked (see `scoped`). */
  private readonly errorChecks: Promise<void>[] = [];

  private constructor(
    gpu: GpuContext,
    private readonly net: CompiledNetwork,
    options: GpuBackendOptions,
  ) {
    this.device = gpu.device;
    this.adapter = gpu.adapter;
    this.isSoftware = gpu.isSoftware;
    const perTickLog = (Math.max(1, net.recordedCount) + net.stateSlots) * 4;
    const profile = options.profilePhases === true && gpu.hasTimestampQuery;
    // Profiling takes two timestamps per pass per tick, and a query set holds at most 4096.
    const maxForQueries = profile ? Math.floor(MAX_QUERIES / (2 * passesPerTick(net))) : Infinity;
    this.ticksPerSubmit = Math.max(1, Math.min(windowTicks(options.ticksPerSubmit, perTickLog), maxForQueries));
    this.phases = profile ? { propagateMs: 0, plasticityMs: 0, neuronsMs: 0, hostWaitMs: 0 } : null;
    const limits = this.device.limits;
    const { storageBindings, ...sharding } = synapseSharding(net.synapses.count, limits, options.synapseShardBytes, net.procedural.length > 0);
    this.sharding = sharding;
    if (storageBindings > limits.maxStorageBuffersPerShaderStage)
      throw new DeviceLimitError(
        `the network's ${net.synapses.count} static synapses need ${sharding.shards} shards per array, ${storageBindings} storage bindings in propagation, but this adapter allows ${limits.maxStorageBuffersPerShaderStage}; reduce the network`,
      );
    this.fused =
      !profile &&
      this.sharding.shards === 1 &&
      chooseFused(net, { isSoftware: gpu.isSoftware, maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage }, options.fused);
    const dispatchChoice = options.spikeDispatch ?? 'auto';
    this.spikeDispatch = dispatchChoice === 'auto' ? (gpu.isSoftware ? 'indirect' : 'fixed') : dispatchChoice;
  }

  /**
   * The dispatch of a spike-driven kernel: indirect from the end-of-tick arguments at `words`,
   * or a fixed grid of `fixedX` (capped) by `y` workgroups.
   */
  private spikeGrid(indirect: number, fixedX: number, y = 1): { grid: [number, number]; indirect?: number } {
    if (this.spikeDispatch === 'indirect') return { grid: [0, 0], indirect };
    return { grid: [Math.max(1, Math.min(fixedX, FIXED_SPIKE_GRID)), y] };
  }

  /**
   * Device calls of this simulator, in error scopes of their own (`openErrorScopes`): a device
   * shared by several simulators blames each error on the one that caused it. `fn` must make
   * its calls synchronously.
   */
  private scoped<T>(fn: () => T): T {
    openErrorScopes(this.device);
    try {
      return fn();
    } finally {
      this.errorChecks.push(closeErrorScopes(this.device).then((message) => void (this.deviceError ??= message)));
    }
  }

  /** Throw the first device error of this simulator's calls so far (`what`: during what). */
  private async throwDeviceError(what: string): Promise<void> {
    await Promise.all(this.errorChecks.splice(0));
    if (this.deviceError) throw new Error(`WebGPU error ${what}: ${this.deviceError}`);
  }

  /** Allocate buffers and compile kernels for `net` on `gpu`. */
  static async create(gpu: GpuContext, net: CompiledNetwork, options: GpuBackendOptions = {}): Promise<GpuBackend> {
    const b = new GpuBackend(gpu, net, options);
    // An allocation the device cannot make fails here, naming the buffer, not later as a
    // stream of invalid-object errors; so does any other error in setting up.
    b.device.pushErrorScope('validation');
    b.device.pushErrorScope('out-of-memory');
    try {
      await b.init();
    } finally {
      // Both popped at once: other users of the device push and pop their own scopes between awaits.
      const [oom, invalid] = await Promise.all([b.device.popErrorScope(), b.device.popErrorScope()]);
      if (invalid && !oom) {
        b.dispose();
        // eslint-disable-next-line no-unsafe-finally -- the setup failure is the error to report
        throw new Error(`WebGPU error setting up the network: ${invalid.message}`);
      }
      if (oom) {
        b.dispose();
        const bytes = b.buffers.reduce((a, x) => a + x.size, 0);
        // eslint-disable-next-line no-unsafe-finally -- the allocation failure is the error to report
        throw new DeviceLimitError(
          `the adapter ran out of memory allocating the network's buffers (${(bytes / 2 ** 20).toFixed(0)} MiB asked): ${oom.message.split('\n').slice(0, 2).join(' ')}`,
        );
      }
    }
    return b;
  }

  private buffer(label: string, data: ArrayBufferView | number, usage = 0): GPUBuffer {
    const buf = storageBuffer(this.device, label, data, usage);
    this.buffers.push(buf);
    return buf;
  }

  /** A large array's buffer, uploaded in chunks (bounded host staging). */
  private async upload(label: string, data: ArrayBufferView): Promise<GPUBuffer> {
    const buf = await uploadStorageBuffer(this.device, label, data);
    this.buffers.push(buf);
    return buf;
  }

  /** A pipeline whose layout comes from the kernel's binding table. */
  private async pipeline(label: string, code: string, table: BindingTable): Promise<GPUComputePipeline> {
    const module = this.device.createShaderModule({ label, code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length) throw new Error(`${label}: WGSL compilation failed:\n${errors.map((m) => `  line ${m.lineNum}: ${m.message}`).join('\n')}`);
    return withValidation(this.device, label, () => {
      const layout = this.device.createPipelineLayout({ bindGroupLayouts: [this.device.createBindGroupLayout({ label, entries: layoutEntries(table) })] });
      return this.device.createComputePipeline({ label, layout, compute: { module, entryPoint: 'main' } });
    });
  }

  /** A kernel: its pipeline from the binding table, and a bind group of the buffers named in it. */
  private async kernel<T extends BindingTable>(
    label: string,
    code: string,
    table: T,
    buffers: BoundBuffers<T>,
    dispatch: { grid: [number, number]; indirect?: number },
  ): Promise<Kernel> {
    const pipeline = await this.pipeline(label, code, table);
    const bindGroup = this.device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries: bindGroupEntries(label, table, buffers) });
    return { pipeline, bindGroup, ...dispatch };
  }

  /** The stored rows left to the device (`SynapseRows.onDevice`), drawn into the synapse shards before the first tick. */
  private async drawRows(synapseShards: Record<string, GPUBuffer>): Promise<void> {
    const net = this.net;
    const { table, rowCounts } = proceduralTables(net.synapses.onDevice.map((r) => r.projection));
    const { plan, totalRows } = rowPlan(net.synapses.onDevice);
    const bindings = buildRowsBindings(this.sharding.shards);
    const limit = this.device.limits.maxStorageBuffersPerShaderStage;
    if (storageBindingCount(bindings) > limit)
      throw new DeviceLimitError(
        `drawing the network's rows on the device needs ${storageBindingCount(bindings)} storage bindings, but this adapter allows ${limit}; reduce the network`,
      );
    const label = 'draw rows';
    const pipeline = await this.pipeline(
      label,
      buildRowsWgsl({ projections: net.synapses.onDevice.length, totalRows, seed: net.seed, channelBits: net.synapses.channelBits, sharding: this.sharding }),
      bindings,
    );
    const inputs = {
      procTable: this.buffer('row draws: table', table),
      procRowCounts: this.buffer('row draws: row lengths', rowCounts),
      rowPlan: this.buffer('row draws: plan', plan),
      ...synapseShards,
    };
    for (const { firstRow, rows } of drawRowsDispatches(totalRows)) {
      const chunk = this.buffer('row draws: first row', Uint32Array.of(firstRow, 0, 0, 0), GPUBufferUsage.UNIFORM);
      const bindGroup = this.device.createBindGroup({
        label,
        layout: pipeline.getBindGroupLayout(0),
        entries: bindGroupEntries(label, bindings, { chunk, ...inputs }),
      });
      const encoder = this.device.createCommandEncoder({ label });
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(rows);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
      await this.device.queue.onSubmittedWorkDone();
    }
  }

  private async init(): Promise<void> {
    const net = this.net;
    const K = this.ticksPerSubmit;
    const logCapacity = K * Math.max(1, net.recordedCount);
    // Static synapse arrays are sharded below; every other buffer must fit one binding.
    checkBufferPlan(this.device, [
      ...net.buffers.filter((b) => b.role !== 'synapses'),
      { name: 'spike log', bytes: logCapacity * 4 },
      { name: 'state log', bytes: K * net.stateSlots * 4 },
    ]);

    const ring = this.buffer('input ring', net.delaySlots * net.channelCount * 4);
    const ctrl = this.buffer('control', initialCtrl(net.spikeSlots));
    const tickSpikes = this.buffer('tick spikes', net.spikeSlots * net.neuronCount * 4);
    const tables = this.buffer('tables', net.tables);
    const rowStart = this.buffer('synapse rows', net.synapses.rowStart);
    const { shards, shardLength } = this.sharding;
    const synapseShards = this.synapseShards;
    const onDevice = net.synapses.onDevice.length > 0;
    for (const [name, label, data] of [
      ['synTarget', 'synapse targets', net.synapses.target],
      ['synWeight', 'synapse weights', net.synapses.weight],
    ] as const) {
      for (let i = 0; i < shards; i++) {
        const shardLabel = `${label} ${i + 1}/${shards}`;
        const length = Math.max(0, Math.min(shardLength, net.synapses.count - i * shardLength));
        synapseShards[`${name}${i}`] = onDevice
          ? this.buffer(shardLabel, 4 * length)
          : await this.upload(shardLabel, data.subarray(i * shardLength, (i + 1) * shardLength));
      }
    }
    if (onDevice) await this.drawRows(synapseShards);
    this.logIds = this.buffer('spike log', logCapacity * 4);
    this.logMeta = this.buffer('spike log meta', (LogMeta.offsets + K + 1) * 4);
    this.dispatchArgs = this.buffer('indirect dispatch', new Uint32Array(DispatchArgs.words), GPUBufferUsage.INDIRECT);
    this.stateLog = this.buffer('state log', K * net.stateSlots * 4);
    if (this.phases) {
      // A begin and an end timestamp for each pass of each tick.
      const queries = 2 * passesPerTick(net) * K;
      this.querySet = this.device.createQuerySet({ type: 'timestamp', count: queries });
      this.queryResolve = this.device.createBuffer({ label: 'timestamps', size: 8 * queries, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.buffers.push(this.queryResolve);
    }
    this.staging = new StagingPair(
      this.device,
      this.logMeta.size + this.logIds.size + this.stateLog.size + NON_FINITE_BYTES + (this.phases ? 16 * passesPerTick(net) * K : 0),
    );

    const constants = {
      seed: net.seed,
      neuronCount: net.neuronCount,
      spikeSlots: net.spikeSlots,
      delaySlots: net.delaySlots,
      channelCount: net.channelCount,
      nonFiniteStride: nonFiniteKeyStride(net),
    };
    /** Buffers every kernel may bind, by their binding names. */
    const procedural = net.procedural.length > 0;
    const { table: procTableData, rowCounts: procRowCountsData } = proceduralTables(net.procedural);
    const proceduralBuffers: Record<string, GPUBuffer> = procedural
      ? { procTable: this.buffer('procedural table', procTableData), procRowCounts: this.buffer('procedural row lengths', procRowCountsData) }
      : {};
    const shared = { ring, ctrl, tickSpikes, tables, rowStart, ...synapseShards, ...proceduralBuffers, logIds: this.logIds, logMeta: this.logMeta };
    const groupBuffers = net.groups.map((g) => ({
      params: this.buffer(`${g.model.name} params`, g.params),
      state: this.buffer(`${g.model.name} state`, g.state),
    }));
    this.groups = await Promise.all(
      net.groups.map((g, i) =>
        this.kernel(
          `neurons ${g.model.name} (${g.populations.join(', ')})`,
          neuronKernelWgsl(g, constants),
          NEURON_BINDINGS,
          { ...pick(shared, NEURON_BINDINGS), ...groupBuffers[i] },
          { grid: workgroupGrid(g.size) },
        ),
      ),
    );
    this.samplers = (
      await Promise.all(
        net.groups.map((_g, i) => {
          const probes = net.stateProbes.filter((p) => p.group === i);
          const entries = new Uint32Array(probes.flatMap((p) => Array.from(p.stateIndex, (idx, j) => [idx, p.everyTicks, p.slot + j]).flat()));
          if (!entries.length) return null;
          const count = entries.length / 3;
          return this.kernel(
            `sample state of group ${i}`,
            sampleStateWgsl(count, net.stateSlots),
            SAMPLE_STATE_BINDINGS,
            { ctrl, logMeta: this.logMeta, entries: this.buffer('state probes', entries), state: groupBuffers[i].state, stateLog: this.stateLog },
            { grid: workgroupGrid(count) },
          );
        }),
      )
    ).filter((k): k is Kernel => k !== null);
    const propagateParts = Math.max(1, net.procedural.length);
    this.propagate = await this.kernel(
      'propagate',
      propagateWgsl({ ...constants, channelBits: net.synapses.channelBits, sharding: this.sharding, procedural: net.procedural.length }),
      propagateBindings(shards, procedural),
      pick(shared, propagateBindings(shards, procedural)),
      // A fixed grid spreads each spike's procedural projections over its height (an indirect
      // one is one high), keeping about FIXED_SPIKE_GRID workgroups in all.
      this.spikeGrid(DispatchArgs.perSpike, Math.min(net.neuronCount, Math.ceil(FIXED_SPIKE_GRID / propagateParts)), propagateParts),
    );
    const plasticState: { weight: GPUBuffer; preTrace: GPUBuffer; postTrace: GPUBuffer }[] = [];
    this.dynamic = { ring, ctrl, tickSpikes, tables, groups: groupBuffers, plastic: plasticState };
    // Plastic synapses take spikes of the last arrivalTicks ticks (their largest delay).
    const arrivalTicks = net.plastic.length ? net.spikeSlots - 1 : 0;
    const storageLimit = this.device.limits.maxStorageBuffersPerShaderStage;
    for (const p of net.plastic)
      if (storageBindingCount(arriveBindings(p)) > storageLimit)
        throw new DeviceLimitError(
          `plastic projection ${p.name}: rule ${p.rule.definition.name} reads presynaptic traces as spikes arrive, which needs ${storageBindingCount(arriveBindings(p))} storage bindings, but this adapter allows ${storageLimit}`,
        );
    this.plasticity = (
      await Promise.all(
        net.plastic.map((p, k) => {
          const own = Object.fromEntries(
            Object.entries(plasticBuffers(p)).map(([key, x]) => [key, this.buffer(`${p.name} ${x.name}`, x.data ?? x.bytes)]),
          ) as Record<keyof ReturnType<typeof plasticBuffers>, GPUBuffer>;
          this.plasticWeights[k] = own.weight;
          plasticState[k] = { weight: own.weight, preTrace: own.preTrace, postTrace: own.postTrace };
          this.ruleConstants[k] = p.rule.constants.slice();
          const rule = this.buffer(`${p.name} ${p.rule.definition.name} constants`, this.ruleConstants[k], GPUBufferUsage.UNIFORM);
          this.ruleBuffers[k] = rule;
          const buffers = { ...shared, ...own, rule };
          const label = (kind: string) => `${p.name} ${p.rule.definition.name} ${kind}`;
          const { normalize, decay, spikes, periodic } = PLASTICITY_BINDINGS;
          return Promise.all([
            ...(p.normalize
              ? [
                  this.kernel(label('normalize'), plasticNormalizeWgsl(p, p.normalize, constants), normalize, pick(buffers, normalize), {
                    grid: workgroupGrid(p.postSize),
                  }),
                ]
              : []),
            this.kernel(label('decay'), plasticDecayWgsl(p, constants), decay, pick(buffers, decay), { grid: workgroupGrid(Math.max(p.preSize, p.postSize)) }),
            this.kernel(
              label('spikes'),
              plasticSpikesWgsl(p, constants),
              spikes,
              pick(buffers, spikes),
              this.spikeGrid(DispatchArgs.perSpike, net.neuronCount),
            ),
            this.kernel(
              label('arrive'),
              plasticArriveWgsl(p, constants),
              arriveBindings(p),
              pick(buffers, arriveBindings(p)),
              // y: one row of workgroups per delay 1 … D; x: arrivalLanes threads per possible spike.
              this.spikeGrid(DispatchArgs.arrivals, Math.ceil((net.neuronCount * p.arrivalLanes) / WORKGROUP_SIZE), arrivalTicks),
            ),
            ...(p.rule.periodTicks
              ? [
                  this.kernel(label('periodic'), plasticPeriodicWgsl(p, constants), periodic, pick(buffers, periodic), {
                    grid: workgroupGrid(p.synapsePost.length),
                  }),
                ]
              : []),
          ]);
        }),
      )
    ).flat();
    const arrivalLanes = net.plastic.reduce((a, p) => Math.max(a, p.arrivalLanes), 1);
    this.endTick = await this.kernel(
      'end tick',
      endTickWgsl({ spikeSlots: net.spikeSlots, arrivalTicks, arrivalLanes }),
      END_TICK_BINDINGS,
      { ctrl, logMeta: this.logMeta, dispatchArgs: this.dispatchArgs },
      { grid: [1, 1] },
    );
    if (this.fused) {
      this.fusedWindow = this.device.createBuffer({ label: 'fused window', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.buffers.push(this.fusedWindow);
      this.fusedKernel = await this.kernel(
        'fused ticks',
        fusedTicksWgsl(net.groups[0], { ...constants, channelBits: net.synapses.channelBits, sharding: this.sharding }),
        FUSED_BINDINGS,
        { ...pick(shared, FUSED_BINDINGS), ...groupBuffers[0], window: this.fusedWindow },
        { grid: [1, 1] },
      );
    }
  }

  /** Where a window's staging buffer holds the non-finite words and the timestamps (after the logs). */
  private stagingLayout(): { nonFiniteAt: number; timestampsAt: number } {
    const nonFiniteAt = this.logMeta.size + this.logIds.size + this.stateLog.size;
    return { nonFiniteAt, timestampsAt: nonFiniteAt + NON_FINITE_BYTES };
  }

  /** Encode and submit window `w`: `ticks` ticks from `this.tick`, its logs copied into `staging`. */
  private encodeWindow(w: number, ticks: number, recorders: Recorders, staging: GPUBuffer): void {
    const start = this.tick;
    const passes = passesPerTick(this.net);
    const meta = new Uint32Array(LogMeta.offsets + 1);
    meta[LogMeta.windowStart] = start;
    this.device.queue.writeBuffer(this.logMeta, 0, meta);

    if (this.fusedKernel) this.device.queue.writeBuffer(this.fusedWindow, 0, Uint32Array.of(ticks, 0, 0, 0));

    const encoder = this.device.createCommandEncoder({ label: `window ${w}` });
    const qs = this.querySet;
    /** A compute pass; when profiling, timestamped into queries q and q + 1. */
    const inPass = (q: number, encode: (pass: GPUComputePassEncoder) => void) => {
      const pass = encoder.beginComputePass(qs ? { timestampWrites: { querySet: qs, beginningOfPassWriteIndex: q, endOfPassWriteIndex: q + 1 } } : {});
      encode(pass);
      pass.end();
    };
    const dispatch = (pass: GPUComputePassEncoder, k: Kernel) => {
      pass.setPipeline(k.pipeline);
      pass.setBindGroup(0, k.bindGroup);
      if (k.indirect !== undefined) pass.dispatchWorkgroupsIndirect(this.dispatchArgs, 4 * k.indirect);
      else pass.dispatchWorkgroups(k.grid[0], k.grid[1]);
    };
    const propagate = (pass: GPUComputePassEncoder) => dispatch(pass, this.propagate);
    const plasticity = (pass: GPUComputePassEncoder) => {
      for (const k of this.plasticity) dispatch(pass, k);
    };
    const neurons = (pass: GPUComputePassEncoder, t: number) => {
      for (const k of [...(recorders.state.samples(start + t) ? this.samplers : []), ...this.groups, this.endTick]) dispatch(pass, k);
    };
    if (this.fusedKernel) {
      inPass(0, (pass) => dispatch(pass, this.fusedKernel!));
    } else if (qs) {
      // Profiling: each phase of each tick in its own timestamped pass.
      for (let t = 0; t < ticks; t++) {
        const q = 2 * passes * t;
        inPass(q, propagate);
        if (passes === 3) inPass(q + 2, plasticity);
        inPass(q + 2 * passes - 2, (pass) => neurons(pass, t));
      }
    } else {
      inPass(0, (pass) => {
        for (let t = 0; t < ticks; t++) {
          propagate(pass);
          plasticity(pass);
          neurons(pass, t);
        }
      });
    }
    const { nonFiniteAt, timestampsAt } = this.stagingLayout();
    if (qs) {
      encoder.resolveQuerySet(qs, 0, 2 * passes * ticks, this.queryResolve, 0);
      encoder.copyBufferToBuffer(this.queryResolve, 0, staging, timestampsAt, 16 * passes * ticks);
    }
    encoder.copyBufferToBuffer(this.logMeta, 0, staging, 0, this.logMeta.size);
    encoder.copyBufferToBuffer(this.logIds, 0, staging, this.logMeta.size, this.logIds.size);
    if (this.net.stateSlots) encoder.copyBufferToBuffer(this.stateLog, 0, staging, this.logMeta.size + this.logIds.size, this.stateLog.size);
    encoder.copyBufferToBuffer(this.dynamic.ctrl, 4 * Ctrl.nonFiniteTick, staging, nonFiniteAt, NON_FINITE_BYTES);
    this.device.queue.submit([encoder.finish()]);
  }

  /** Submit one window of `ticks` ticks starting at `this.tick`, and decode its logs when they come back. */
  private async submitWindow(ticks: number, recorders: Recorders): Promise<void> {
    const w = this.window++;
    const waitStart = performance.now();
    const staging = await this.staging.acquire(w);
    if (this.phases) this.phases.hostWaitMs += performance.now() - waitStart;
    const start = this.tick;
    const passes = passesPerTick(this.net);
    const { nonFiniteAt, timestampsAt } = this.stagingLayout();
    this.scoped(() => this.encodeWindow(w, ticks, recorders, staging));
    this.tick += ticks;

    const metaWords = this.logMeta.size / 4;
    this.staging.consume(w, (data) => {
      const m = new Uint32Array(data, 0, metaWords);
      const ids = new Uint32Array(data, this.logMeta.size, this.logIds.size / 4);
      const states = new Float32Array(data, this.logMeta.size + this.logIds.size, ticks * this.net.stateSlots);
      const [badTick, badKey] = new Uint32Array(data, nonFiniteAt, 2);
      if (badTick !== ALL_FINITE) this.nonFinite ??= { tick: badTick, key: badKey };
      if (this.phases) {
        const ts = new BigInt64Array(data, timestampsAt, 2 * passes * ticks);
        const ms = (a: number) => Number(ts[a + 1] - ts[a]) / 1e6;
        for (let k = 0; k < ticks; k++) {
          const q = 2 * passes * k;
          this.phases.propagateMs += ms(q);
          if (passes === 3) this.phases.plasticityMs += ms(q + 2);
          this.phases.neuronsMs += ms(q + 2 * passes - 2);
        }
      }
      this.counters.spikes += m[LogMeta.spikes];
      this.counters.synapticEvents += m[LogMeta.events];
      for (let k = 0; k < ticks; k++) {
        const a = m[LogMeta.offsets + k],
          b = m[LogMeta.offsets + k + 1];
        recorders.spikes.addTick(start + k, ids.slice(a, b));
        if (this.net.stateSlots) recorders.state.addTick(start + k, states.subarray(k * this.net.stateSlots, (k + 1) * this.net.stateSlots));
      }
    });
  }

  async run(ticks: number, recorders: Recorders, onProgress?: (done: number) => void, stop?: () => boolean): Promise<number> {
    let done = 0;
    while (done < ticks && !stop?.() && !this.nonFinite) {
      const batch = Math.min(this.ticksPerSubmit, ticks - done);
      await this.submitWindow(batch, recorders);
      done += batch;
      onProgress?.(done);
    }
    const waitStart = performance.now();
    await this.staging.drain();
    if (this.phases) this.phases.hostWaitMs += performance.now() - waitStart;
    await this.throwDeviceError('during the run');
    if (this.nonFinite) throw nonFiniteStateError(this.net, this.nonFinite);
    return done;
  }

  /** Current weights of plastic projection `k` (index into `net.plastic`), in its row order. */
  async readPlasticWeights(k: number): Promise<Float32Array> {
    await this.staging.drain();
    return new Float32Array(await readBuffer(this.device, this.plasticWeights[k], this.net.plastic[k].weight.byteLength));
  }

  async saveState(): Promise<BackendState> {
    await this.staging.drain();
    const { ring, ctrl, tickSpikes, tables, groups, plastic } = this.dynamic;
    const read = async (buffer: GPUBuffer, bytes = buffer.size, offset = 0) => readBuffer(this.device, buffer, bytes, offset);
    const counts = new Uint32Array(await read(ctrl));
    if (counts[Ctrl.tick] !== this.tick) throw new Error(`the device's tick counter reads ${counts[Ctrl.tick]}, the host's ${this.tick}`);
    const slots = this.net.spikeSlots;
    const recentSpikes: Uint32Array[] = [];
    for (let k = 0; k < slots - 1; k++) {
      const t = this.tick - 1 - k;
      const slot = t % slots;
      const n = t < 0 ? 0 : counts[Ctrl.spikeCount + slot];
      // Appended in whatever order threads ran; sorted, the state is the same on every backend.
      recentSpikes.push(n ? new Uint32Array(await read(tickSpikes, 4 * n, 4 * slot * this.net.neuronCount)).sort() : new Uint32Array(0));
    }
    return {
      tick: this.tick,
      counters: { ...this.counters },
      // Exact lengths: an empty column set still has a 4-byte buffer.
      groups: await Promise.all(
        groups.map(async (g, i) => {
          const { params, state } = this.net.groups[i];
          return { params: new Uint32Array(await read(g.params, params.byteLength)), state: new Uint32Array(await read(g.state, state.byteLength)) };
        }),
      ),
      ring: new Int32Array(await read(ring, this.net.delaySlots * this.net.channelCount * 4)),
      recentSpikes,
      plastic: await Promise.all(
        plastic.map(async (p, k) => {
          const layout = plasticBufferLayout(plasticShape(this.net.plastic[k]));
          return {
            weight: new Float32Array(await read(p.weight, layout.weight.bytes)),
            preTrace: new Float32Array(await read(p.preTrace, layout.preTrace.bytes)),
            postTrace: new Float32Array(await read(p.postTrace, layout.postTrace.bytes)),
            rule: this.ruleConstants[k].slice(),
          };
        }),
      ),
      tables: new Uint32Array(await read(tables, this.net.tables.byteLength)),
    };
  }

  write(writes: WordWrite[]): void {
    // Queued: the device applies them after the work already submitted, before the next run's.
    this.scoped(() => {
      for (const w of writes) {
        if (w.target === 'rule') new Uint32Array(this.ruleConstants[w.group].buffer).set(w.words, w.offset);
        const buffer =
          w.target === 'tables'
            ? this.dynamic.tables
            : w.target === 'rule'
              ? this.ruleBuffers[w.group]
              : w.target === 'postTrace'
                ? this.dynamic.plastic[w.group].postTrace
                : this.dynamic.groups[w.group][w.target];
        this.device.queue.writeBuffer(buffer, 4 * w.offset, w.words.buffer as ArrayBuffer, w.words.byteOffset, w.words.byteLength);
      }
    });
  }

  async loadState(state: BackendState): Promise<void> {
    await this.staging.drain();
    const { ring, ctrl, tickSpikes, tables, groups, plastic } = this.dynamic;
    const queue = this.device.queue;
    const write = (buffer: GPUBuffer, offset: number, data: ArrayBufferView) =>
      queue.writeBuffer(buffer, offset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    this.scoped(() => {
      groups.forEach((g, i) => {
        write(g.params, 0, state.groups[i].params);
        write(g.state, 0, state.groups[i].state);
      });
      write(ring, 0, state.ring);
      write(tables, 0, state.tables);
      plastic.forEach((p, k) => {
        write(p.weight, 0, state.plastic[k].weight);
        write(p.preTrace, 0, state.plastic[k].preTrace);
        write(p.postTrace, 0, state.plastic[k].postTrace);
        this.ruleConstants[k].set(state.plastic[k].rule);
        write(this.ruleBuffers[k], 0, state.plastic[k].rule);
      });
      const slots = this.net.spikeSlots;
      const counts = initialCtrl(slots);
      state.recentSpikes.forEach((ids, k) => {
        const t = state.tick - 1 - k;
        if (t < 0 || !ids.length) return;
        counts[Ctrl.spikeCount + (t % slots)] = ids.length;
        write(tickSpikes, 4 * (t % slots) * this.net.neuronCount, ids);
      });
      write(this.dispatchArgs, 0, new Uint32Array(DispatchArgs.words));
      if (state.tick > 0) {
        // Back at the end of tick − 1: the end-of-tick kernel sizes the next dispatches from the
        // spike counts and advances to `tick`, as if that tick had just run here.
        counts[Ctrl.tick] = state.tick - 1;
        const meta = new Uint32Array(LogMeta.offsets + 1);
        meta[LogMeta.windowStart] = state.tick - 1;
        write(this.logMeta, 0, meta);
      }
      write(ctrl, 0, counts);
      if (state.tick > 0) {
        const encoder = this.device.createCommandEncoder({ label: 'restore: end tick' });
        const pass = encoder.beginComputePass();
        pass.setPipeline(this.endTick.pipeline);
        pass.setBindGroup(0, this.endTick.bindGroup);
        pass.dispatchWorkgroups(1);
        pass.end();
        queue.submit([encoder.finish()]);
      }
    });
    await queue.onSubmittedWorkDone();
    this.tick = state.tick;
    Object.assign(this.counters, state.counters);
    await this.throwDeviceError('while restoring state');
  }

  /**
   * The static synapse arrays as the device holds them, shards joined (for checks: rows drawn on
   * the device against the host's).
   */
  async readStaticSynapses(): Promise<{ target: Uint32Array; weight: Int32Array }> {
    await this.staging.drain();
    const { shards, shardLength } = this.sharding;
    const target = new Uint32Array(this.net.synapses.count),
      weight = new Int32Array(this.net.synapses.count);
    for (let i = 0; i < shards; i++) {
      const length = Math.max(0, Math.min(shardLength, this.net.synapses.count - i * shardLength));
      if (!length) continue;
      target.set(new Uint32Array(await readBuffer(this.device, this.synapseShards[`synTarget${i}`], 4 * length)), i * shardLength);
      weight.set(new Int32Array(await readBuffer(this.device, this.synapseShards[`synWeight${i}`], 4 * length)), i * shardLength);
    }
    return { target, weight };
  }

  dispose(): void {
    // The device may be shared with other simulators: leave it as it was.
    for (const b of this.buffers) b.destroy();
    this.querySet?.destroy();
    this.staging?.destroy();
  }
}
