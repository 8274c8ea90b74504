/**
 * The public entry point.
 *
 * @example
 *   import { Simulator, builtinNetwork } from 'spikegpu';
 *   const sim = await Simulator.create(builtinNetwork('cuba'));   // WebGPU, or the CPU without an adapter
 *   await sim.run(1000);                       // ms
 *   const { times, ids } = sim.spikes('E');    // times in ms, ids local to E
 *   console.log(sim.summary().populations.E.rateHz);
 *   sim.dispose();
 *
 *   // Plastic networks: weights with their synapses' ids.
 *   const learn = await Simulator.create(builtinNetwork('song2000'));
 *   await learn.run(10_000);
 *   const { pre, weights } = await learn.weights('inputs');
 */
import type { CompiledNetwork } from '../compile/compiled.ts';
import { networkBytes, plasticSynapseIds } from '../compile/compiled.ts';
import { compileNetwork } from '../compile/compile.ts';
import { checkMemoryPlan, planMemory, type MemoryLimits } from './memoryPlan.ts';
import { acquireDevice, NoAdapterError, type GpuContext } from '../gpu/device.ts';
import { CpuBackend } from '../reference/cpuBackend.ts';
import { MAX_TICKS, type Backend, type Recorders } from './backend.ts';
import { GpuBackend, type PhaseTimes, type SpikeDispatch } from './gpuBackend.ts';
import { checkSnapshotFits, decodeCheckpoint, encodeCheckpoint, type SimulatorSnapshot } from './checkpoint.ts';
import { paramWrites, plasticIndex, plasticityWrites, modulatorWrites, rateWrites, resetBackendState, spikeWrites } from './inputs.ts';
import { SpikeRecorder, type PopulationSpikes } from './spikeRecorder.ts';
import { StateRecorder, type StateTrace } from './stateRecorder.ts';
import { WeightRecorder, type WeightHistory } from './weightRecorder.ts';

/** The synapses of a plastic projection and their current weights (parallel arrays). */
export interface ProjectionWeights {
  projection: string;
  /** Presynaptic neuron of each synapse, local to the pre population. */
  pre: Uint32Array;
  /** Postsynaptic neuron, local to the post population. */
  post: Uint32Array;
  /** Delay of each synapse, ms (rounded to ticks). */
  delayMs: Float64Array;
  weights: Float32Array;
}

/** The backend a simulator runs on. */
export type BackendName = 'webgpu' | 'cpu';

/** The backend asked for: `auto` takes WebGPU when an adapter exists, else the CPU reference. */
export type BackendChoice = BackendName | 'auto';

export interface SimulatorOptions {
  /**
   * `auto` (default): WebGPU when an adapter exists, else `cpu` (see `Simulator.fallback`);
   * `webgpu` (fails with NoAdapterError without an adapter); `cpu`: the reference, same results.
   */
  backend?: BackendChoice;
  /** A device to use instead of acquiring one; it is not released by `dispose()`. */
  device?: GpuContext;
  /** WebGPU: ticks encoded per submission, which is also the spike readback window. Default 100. */
  ticksPerSubmit?: number;
  /** WebGPU: run each window as one fused single-workgroup dispatch: true, false or 'auto' (default; small networks). */
  fused?: boolean | 'auto';
  /** WebGPU: time propagation and neuron phases with timestamp queries (see `summary().phases`). */
  profilePhases?: boolean;
  /**
   * WebGPU: how propagation and STDP kernels are sized each tick: 'indirect' (from the spike
   * counts), 'fixed' (a direct grid that strides over the spikes; much cheaper where the
   * driver validates indirect dispatches, as Dawn does on hardware adapters) or 'auto'
   * (default: fixed on hardware, indirect on software adapters). Same spikes either way.
   */
  spikeDispatch?: SpikeDispatch;
  /**
   * WebGPU: largest shard of a static synapse array, bytes. Default (and at most): what the
   * adapter binds; arrays larger than that are split into shards automatically. Smaller values
   * force sharding, for tests.
   */
  synapseShardBytes?: number;
  /** Replace the spec's seed. */
  seed?: number;
  /**
   * GPU memory the network's buffers may take, bytes. WebGPU does not report device memory,
   * so this budget is checked (MemoryPlanError) only when given.
   */
  gpuMemoryBytes?: number;
  /** Host memory the build may take, bytes. Default: `os.totalmem()` in Node, unchecked in a browser. */
  hostMemoryBytes?: number;
}

/** Host memory in Node (`os.totalmem()`); undefined in a browser. */
async function totalHostMemory(): Promise<number | undefined> {
  if (typeof process === 'undefined' || !process.versions?.node) return undefined;
  // Not a static import: browser bundles must not try to resolve node:os.
  const os: typeof import('node:os') = await import(/* @vite-ignore */ ['node', 'os'].join(':'));
  return os.totalmem();
}

export interface PopulationSummary {
  size: number;
  /** Recorded spikes. */
  spikes: number;
  /** Mean rate of the recorded neurons over the simulated time, Hz. */
  rateHz: number;
}

export interface RunSummary {
  network: string;
  backend: BackendName;
  adapter: string;
  dt: number;
  durationMs: number;
  ticks: number;
  seed: number;
  neurons: number;
  synapses: number;
  /** Spikes of all neurons. */
  spikes: number;
  synapticEvents: number;
  /** Time to compile the network and set up the backend, ms. */
  buildMs: number;
  /** Wall time spent in `run`, ms. */
  wallMs: number;
  eventsPerSecond: number;
  /** Wall time / simulated time (the field's convention: < 1 is faster than real time). */
  realTimeFactor: number;
  gpuBytes: number;
  /** WebGPU: whether windows ran as one fused dispatch (see SimulatorOptions.fused). */
  fused: boolean;
  /** WebGPU: ticks per submission actually used (the request, capped so the spike log fits); 0 on cpu. */
  ticksPerSubmit: number;
  /** With `profilePhases` on an adapter with timestamp queries: GPU ms per phase, host ms waiting for readbacks. */
  phases?: PhaseTimes;
  populations: Record<string, PopulationSummary>;
}

/** What one `Simulator.run` did: whether it ran to the end, and the simulated ms it covered. */
export interface RunResult {
  /** False when the run was stopped (its `signal` aborted) before the end. */
  complete: boolean;
  durationMs: number;
}

/**
 * A run's duration, checked: a finite number ≥ 0 ms whose last tick, after the `ticksDone`
 * already run, stays within MAX_TICKS (so simulated time never wraps).
 * @throws RangeError naming the limit
 * @example checkDuration(1000, 0.1) // 1000
 */
export function checkDuration(durationMs: number, dt: number, ticksDone = 0): number {
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0)
    throw new RangeError(`duration must be a finite number ≥ 0 ms, got ${String(durationMs)}`);
  const end = ticksDone + Math.round(durationMs / dt);
  if (end > MAX_TICKS)
    throw new RangeError(
      `duration ${durationMs} ms is too long: ticks are counted in 32 bits, so a simulator runs at most ${MAX_TICKS} ticks (${+(MAX_TICKS * dt).toPrecision(6)} ms at dt ${dt} ms)${ticksDone ? `, and ${ticksDone} have run` : ''}`,
    );
  return durationMs;
}

export class Simulator {
  private readonly recorders: Recorders;
  private readonly weightRecorder: WeightRecorder;
  private wallMs = 0;

  private constructor(
    readonly network: CompiledNetwork,
    private readonly backend: Backend,
    private readonly ownedDevice: GpuContext | null,
    readonly buildMs: number,
    /** With `backend: 'auto'` on the CPU: why WebGPU was not used (the NoAdapterError message); else null. */
    readonly fallback: string | null = null,
  ) {
    this.recorders = { spikes: new SpikeRecorder(network.populations, network.dt), state: new StateRecorder(network.stateProbes, network.dt) };
    this.weightRecorder = new WeightRecorder(network.weightRecords, network.dt);
  }

  /**
   * Validate `spec` (a spec v1 document), plan its memory, compile it and set up a backend.
   * The plan (`planMemory`) comes before anything is allocated: a network whose ids overflow
   * u32, or that needs more host memory than the machine has, more than the GPU memory budget
   * (`gpuMemoryBytes`) or a buffer beyond the device's binding limit, is refused at once.
   * @throws SpecError for an invalid document; MemoryPlanError (a SpecError) for a network that
   *   cannot fit, before compiling; NoAdapterError when `backend: 'webgpu'` finds no adapter;
   *   DeviceLimitError when the network exceeds a device limit the plan does not model.
   * @example
   *   const sim = await Simulator.create(builtinNetwork('cuba'), { backend: 'auto' });
   *   if (sim.fallback) console.warn(`CPU reference: ${sim.fallback}`);
   */
  static async create(spec: unknown, options: SimulatorOptions = {}): Promise<Simulator> {
    const t0 = performance.now();
    const doc = options.seed === undefined ? spec : { ...(spec as object), seed: options.seed };
    const choice = options.backend ?? 'auto';
    const limits: MemoryLimits = {
      hostMemoryBytes: options.hostMemoryBytes ?? (await totalHostMemory()),
      gpuMemoryBytes: options.gpuMemoryBytes,
      ticksPerSubmit: options.ticksPerSubmit,
    };
    // Validation, then what can be refused without a device (ids, host memory on the leanest backend it may use).
    checkMemoryPlan(planMemory(doc, { ...limits, backend: choice === 'webgpu' ? 'webgpu' : 'cpu' }));
    if (choice !== 'auto' && choice !== 'webgpu' && choice !== 'cpu')
      throw new TypeError(`backend must be 'auto', 'webgpu' or 'cpu', got ${JSON.stringify(choice)}`);
    let gpu = choice === 'cpu' ? undefined : options.device;
    if (gpu?.unusable) throw new Error(`the GpuContext passed as options.device cannot be used: ${gpu.unusable}; acquire another (acquireDevice())`);
    let owned: GpuContext | null = null;
    let fallback: string | null = null;
    if (choice !== 'cpu' && !gpu) {
      try {
        gpu = owned = await acquireDevice();
      } catch (e) {
        if (!(choice === 'auto' && e instanceof NoAdapterError)) throw e;
        fallback = e.message;
      }
    }
    try {
      // With a device: its binding limits, the GPU budget, host memory with the upload.
      if (gpu) checkMemoryPlan(planMemory(doc, { ...limits, backend: 'webgpu', device: gpu.device.limits }));
      // With a device, keyed stored rows are drawn there: the host neither draws nor holds them.
      const net = compileNetwork(doc, { rowsOnDevice: gpu !== undefined });
      if (!gpu) return new Simulator(net, new CpuBackend(net), null, performance.now() - t0, fallback);
      const backend = await GpuBackend.create(gpu, net, {
        ticksPerSubmit: options.ticksPerSubmit,
        fused: options.fused,
        profilePhases: options.profilePhases,
        spikeDispatch: options.spikeDispatch,
        synapseShardBytes: options.synapseShardBytes,
      });
      return new Simulator(net, backend, owned, performance.now() - t0);
    } catch (e) {
      owned?.release();
      throw e;
    }
  }

  /**
   * A simulator that continues exactly where a checkpoint (`sim.checkpoint()`) was taken: the
   * same network and seed, neuron state, delayed inputs, plastic weights and traces, and what
   * was recorded so far. Running it on to time T gives the same spikes, state and weights, bit
   * for bit, as one simulator run to T without stopping, on either backend (the checkpoint
   * of one backend resumes on the other). `options` are `Simulator.create`'s, less `seed`.
   * @throws CheckpointError for a file that is not a checkpoint, is damaged, or was written by
   *   a spikegpu that compiles its spec differently
   * @example
   *   const saved = await sim.checkpoint();       // at 1000 ms
   *   const again = await Simulator.restore(saved);
   *   await again.run(500);                       // on to 1500 ms
   */
  static async restore(checkpoint: Uint8Array | SimulatorSnapshot, options: Omit<SimulatorOptions, 'seed'> = {}): Promise<Simulator> {
    if ('seed' in options) throw new TypeError("Simulator.restore takes the checkpoint's seed; options.seed would change the network");
    const snapshot = checkpoint instanceof Uint8Array ? decodeCheckpoint(checkpoint) : checkpoint;
    const sim = await Simulator.create(snapshot.spec, { ...options, seed: snapshot.seed });
    try {
      checkSnapshotFits(sim.network, snapshot);
      await sim.backend.loadState(snapshot.backend);
      sim.recorders.spikes.load(snapshot.recordings.spikes);
      sim.recorders.state.load(snapshot.recordings.state);
      sim.weightRecorder.load(snapshot.recordings.weights);
      sim.wallMs = snapshot.wallMs;
    } catch (e) {
      sim.dispose();
      throw e;
    }
    return sim;
  }

  /**
   * Everything needed to continue this run later, in another process or on another backend,
   * as the bytes of a checkpoint file (see `Simulator.restore`): the spec and seed, the tick,
   * neuron state, the input ring, recent spikes, plastic weights and traces, the recordings so
   * far and `meta`, any JSON value of the caller's. Random numbers are a function of (seed,
   * tick, neuron), so there is no generator state to save. Not while `run` is in progress.
   * @example
   *   await sim.run(1000);
   *   writeFileSync('run.ckpt', await sim.checkpoint());
   */
  async checkpoint(meta: unknown = null): Promise<Uint8Array> {
    this.checkUsable();
    if (this.running) throw new Error('sim.checkpoint() while a run is in progress: await the run first');
    return encodeCheckpoint({
      spec: this.network.spec,
      seed: this.network.seed,
      backend: await this.backend.saveState(),
      recordings: { spikes: this.recorders.spikes.save(), state: this.recorders.state.save(), weights: this.weightRecorder.save() },
      wallMs: this.wallMs,
      meta,
    });
  }

  get backendName(): BackendName {
    return this.backend.kind;
  }

  get adapter(): string {
    return this.backend.adapter;
  }

  /** Simulated time so far, ms. */
  get timeMs(): number {
    return this.backend.tick * this.network.dt;
  }

  /**
   * Advance by `durationMs` (rounded to whole ticks). With `signal`, an abort stops the run at
   * the end of the current window (readback batch): everything simulated until then is
   * recorded, and the result says how far it got.
   * @param onProgress called between batches with the simulated ms done in this call.
   * @example
   *   const stop = new AbortController();
   *   process.once('SIGINT', () => stop.abort());
   *   const { complete, durationMs } = await sim.run(60_000, undefined, { signal: stop.signal });
   */
  async run(durationMs: number, onProgress?: (doneMs: number, totalMs: number) => void, options: { signal?: AbortSignal } = {}): Promise<RunResult> {
    this.checkUsable();
    if (this.running) throw new Error('sim.run() while another run is in progress: await it first');
    this.running = true;
    try {
      return await this.runTicks(durationMs, onProgress, options.signal);
    } finally {
      this.running = false;
    }
  }

  private running = false;

  private async runTicks(
    durationMs: number,
    onProgress: ((doneMs: number, totalMs: number) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RunResult> {
    const dt = this.network.dt;
    const start = this.backend.tick;
    const end = start + Math.round(checkDuration(durationMs, dt, start) / dt);
    const t0 = performance.now();
    const stop = signal ? () => signal.aborted : undefined;
    // Runs in chunks that end where weight snapshots are due (one chunk without record.weights).
    let tick = start;
    for (;;) {
      for (const k of this.weightRecorder.due(tick))
        this.weightRecorder.add(k, tick, await this.backend.readPlasticWeights(this.network.weightRecords[k].plastic));
      if (tick >= end || stop?.()) break;
      const next = Math.min(end, this.weightRecorder.nextAfter(tick));
      const offset = tick - start;
      tick += await this.backend.run(next - tick, this.recorders, onProgress && ((done) => onProgress((offset + done) * dt, (end - start) * dt)), stop);
    }
    this.wallMs += performance.now() - t0;
    return { complete: tick >= end, durationMs: (tick - start) * dt };
  }

  /**
   * Give Poisson population `population` new rates (Hz) from the next tick on: one for all
   * its neurons or one per neuron. A `rateTable` it had stops. Nothing is rebuilt: the
   * rates' thresholds are written to the device (or the CPU reference) before the next run.
   * @example
   *   sim.setRates('pixels', image.map((x) => (x / 255) * 63.75)); // show an image
   *   await sim.run(350);
   *   sim.setRates('pixels', 0);                                     // rest
   *   await sim.run(150);
   */
  setRates(population: string, rates: number | ArrayLike<number>): void {
    this.checkIdle('setRates');
    this.backend.write(rateWrites(this.network, population, rates));
  }

  /**
   * Replace spike source `population`'s pending events: neuron `ids[k]` spikes `times[k]` ms
   * from now (the tick containing now + times[k]). At most its `capacity` events (spec; by
   * default its size or its spec's events, whichever is more).
   * @example
   *   sim.setSpikes('input', { times: [0, 2.5, 10], ids: [4, 0, 4] });
   *   await sim.run(20);
   */
  setSpikes(population: string, spikes: { times: ArrayLike<number>; ids: ArrayLike<number> }): void {
    this.checkIdle('setSpikes');
    this.backend.write(spikeWrites(this.network, population, spikes, this.backend.tick));
  }

  /**
   * Give population `population` new values of parameters its model keeps as given (lif and
   * adaptiveLif: vRest, vThresh, vReset; adaptiveLif: thetaPlus), from the next tick: one
   * value for all its neurons or one per neuron. Checkpoints keep them; resetState does not undo them.
   * @example
   *   sim.setParams('E', { thetaPlus: 0 }); // freeze the adaptive threshold for testing
   */
  setParams(population: string, params: Record<string, number | ArrayLike<number>>): void {
    this.checkIdle('setParams');
    this.backend.write(paramWrites(this.network, population, params));
  }

  /**
   * Change plastic projection `projection`'s learning amplitudes from the next tick (the
   * parameters its rule marks settable: pair STDP's `aPlus`, `aMinus`; triplet STDP's
   * `a2Plus`, `a3Plus`, `a2Minus`, `a3Minus`; weight units, ≥ 0): anneal a learning rate, or
   * freeze learned weights with zeros (traces go on; normalisation, if any, still applies).
   * Checkpoints keep them.
   * @example
   *   sim.setPlasticity('input', { aPlus: 0, aMinus: 0 }); // test without learning
   */
  setPlasticity(projection: string, changes: Record<string, number | undefined>): void {
    this.checkIdle('setPlasticity');
    this.backend.write(plasticityWrites(this.network, projection, changes));
  }

  /**
   * Set plastic projection `projection`'s neuromodulator (reward-modulated STDP's dopamine d)
   * from the next tick: a reward given from the host, where a population's spikes
   * (`plasticity.modulatedBy`) do not fit. It decays from there with the rule's τd.
   * @example sim.setModulator('cortex', 0.5); // a reward now
   */
  setModulator(projection: string, value: number): void {
    this.checkIdle('setModulator');
    this.backend.write(modulatorWrites(this.network, projection, value));
  }

  /**
   * Neuron state, receptor inputs, STDP traces and input still in flight (delays) back to
   * their initial values, as between trials; the weights (and learned state such as an
   * adaptive threshold), rates and events set since, the clock and the recordings stay.
   * @example
   *   for (const image of images) { sim.setRates('pixels', rates(image)); await sim.run(350); await sim.resetState(); }
   */
  async resetState(): Promise<void> {
    this.checkIdle('resetState');
    this.running = true;
    try {
      await this.backend.loadState(resetBackendState(this.network, await this.backend.saveState()));
    } finally {
      this.running = false;
    }
  }

  /** Throws once disposed, or while a run is in progress (inputs change between runs). */
  private checkIdle(method: string): void {
    this.checkUsable();
    if (this.running) throw new Error(`sim.${method}() while a run is in progress: await the run first`);
  }

  /**
   * The current weights of a plastic projection, by name (or `projections[i]`), with each
   * synapse's ids and delay. Pairings of the last tick run apply as the next tick begins.
   * @example const { pre, post, weights } = await sim.weights('EE');
   */
  async weights(projection: string): Promise<ProjectionWeights> {
    this.checkUsable();
    const k = plasticIndex(this.network, projection, '');
    const p = this.network.plastic[k];
    const { pre, delayTicks } = plasticSynapseIds(p);
    return {
      projection,
      pre,
      post: p.synapsePost.slice(),
      delayMs: Float64Array.from(delayTicks, (d) => d * this.network.dt),
      weights: await this.backend.readPlasticWeights(k),
    };
  }

  /**
   * Weight snapshots of a projection in `record.weights`, in the order of `weights()`.
   * @example const { times, weights } = sim.weightHistory('inputs'); // weights[k] at times[k] ms
   */
  weightHistory(projection: string): WeightHistory {
    this.checkUsable();
    return this.weightRecorder.history(projection);
  }

  /** Recorded spikes of a population: times (ms) and local ids, in time order. */
  spikes(population: string): PopulationSpikes {
    this.checkUsable();
    return this.recorders.spikes.spikes(population);
  }

  /**
   * A recorded state variable (`record.state` in the spec): sample times (ms), neuron ids and
   * values, `values[k · ids.length + j]` for neuron `ids[j]` at `times[k]`.
   * @example sim.state('E', 'v') // { times, ids, values }
   */
  state(population: string, variable: string): StateTrace {
    this.checkUsable();
    return this.recorders.state.trace(population, variable);
  }

  /**
   * Forget the spikes, state samples and weight snapshots recorded so far, to bound memory
   * in long live runs (a demo streaming spikes to a plot reads them after each `run`, then
   * clears). Counts and rates in `summary()` still cover the whole run.
   */
  clearRecordings(): void {
    this.checkUsable();
    this.recorders.spikes.clear();
    this.recorders.state.clear();
    this.weightRecorder.clear();
  }

  /** Counts, rates and timings of everything run so far. */
  summary(): RunSummary {
    this.checkUsable();
    const net = this.network;
    const durationMs = this.timeMs;
    const populations: Record<string, PopulationSummary> = {};
    for (const p of net.populations) {
      const recorded = p.recordIds === null ? p.size : p.recordIds.length;
      const spikes = this.recorders.spikes.count(p.name);
      populations[p.name] = { size: p.size, spikes, rateHz: recorded && durationMs ? spikes / recorded / (durationMs / 1000) : 0 };
    }
    const { spikes, synapticEvents } = this.backend.counters;
    return {
      network: net.name,
      backend: this.backend.kind,
      adapter: this.backend.adapter,
      dt: net.dt,
      durationMs,
      ticks: this.backend.tick,
      seed: net.seed,
      neurons: net.neuronCount,
      synapses: net.synapseCount,
      spikes,
      synapticEvents,
      buildMs: this.buildMs,
      wallMs: this.wallMs,
      eventsPerSecond: this.wallMs > 0 ? synapticEvents / (this.wallMs / 1000) : 0,
      realTimeFactor: durationMs > 0 ? this.wallMs / durationMs : 0,
      gpuBytes: this.backend.kind === 'webgpu' ? networkBytes(net) : 0,
      fused: this.backend instanceof GpuBackend && this.backend.fused,
      ticksPerSubmit: this.backend instanceof GpuBackend ? this.backend.ticksPerSubmit : 0,
      ...(this.backend instanceof GpuBackend && this.backend.phases ? { phases: { ...this.backend.phases } } : {}),
      populations,
    };
  }

  /** Free GPU buffers (and the device, if the simulator acquired it). Later calls throw; a second dispose does nothing. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.dispose();
    this.ownedDevice?.release();
  }

  private disposed = false;

  /** Throws once disposed: a disposed simulator's buffers are gone. */
  private checkUsable(): void {
    if (this.disposed) throw new Error('this Simulator was disposed; create another');
  }
}
