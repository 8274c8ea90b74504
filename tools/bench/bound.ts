/**
 * A lower bound on the GPU backend's wall time for a run, from the adapter's measured floor
 * (`floor.ts`) and what the run did (ticks, spikes, synaptic events). Pure: no GPU here.
 *
 * Cost model, per tick, of the schedule in `src/sim/gpuBackend.ts` (one compute pass, no host
 * work between ticks):
 *
 *   dispatches  = 1 propagate (indirect; an empty dispatch when no spikes)
 *               + 3 per plastic projection (STDP decay, spikes, arrivals)
 *               + 1 per merged neuron group + 1 end-of-tick
 *                 (the fused path, `fused: true`: one dispatch per window of `ticksPerSubmit`
 *                 ticks, phases separated by storage barriers, which cost nothing here)
 *   bytes       = Σ groups [ params (read) + state (read + write)
 *                            + receptors × size × 4 B × 2 (this tick's ring slot: read, then cleared) ]
 *               + spikes × (4 B tick-spike write + 4 B read back by propagate + 8 B row start/end)
 *               + events × 8 B (u32 packed target + i32 weight per synapse)
 *   atomics     = events (one i32 atomicAdd into the ring per synaptic event)
 *
 *   bound = ticks × dispatches × dispatchCost + Σ bytes / bandwidth + Σ events / atomicRate
 *
 * Bandwidth depends on the working set: bytes that stay in a cache from tick to tick stream
 * faster than DRAM, and a bound that charged them DRAM speed could exceed the real time. So
 * the bytes come in two parts, each charged the streaming rate measured for the largest
 * buffer that fits in its working set (a smaller working set is at least as fast):
 *   neuron bytes (params, state, ring slot, spike lists and row starts), working set =
 *     params + state + the whole ring + the tick spike lists;
 *   synapse bytes (8 B per event), working set = all row starts and synapse arrays.
 * Without a measured curve (`streamCurve`), `streamBytesPerS` is used for both.
 *
 * The three terms are added, as if dispatch overhead, streaming and atomics could not overlap;
 * their maximum is the more conservative floor, so the components are reported too. On the
 * fused path one workgroup does all the work, so the device-wide bandwidth and atomic rates
 * make the bound looser there, never wrong.
 * Left out, all small or zero in a benchmark run (`record: {}`): the spike log and state
 * sampling, the per-window submission, readback copies and host decoding, the one-thread
 * end-of-tick kernel's few words, Poisson-input table lookups (cached), and the spike counter
 * atomics (one per spike). Neuron arithmetic is assumed free (memory-bound). The bytes of
 * plasticity (traces, about 16 B per plastic event and the column walk per post spike) are
 * left out too, so ÷ bound is larger for plastic networks.
 */
import { plasticityKernelCount } from '../../src/kernels/plasticity.ts';
import type { BufferPlan, CompiledNetwork } from '../../src/compile/compiled.ts';
import { DEFAULT_TICKS_PER_SUBMIT } from '../../src/gpu/readback.ts';

/** The three floor figures the bound needs (the medians of `AdapterFloor`). */
export interface FloorNumbers {
  /** Fixed cost of one dispatch, µs. */
  dispatchUs: number;
  /** Streaming bandwidth, bytes read + written per second (large buffers: DRAM). */
  streamBytesPerS: number;
  /** Streaming bandwidth against working set (bytes of both buffers), when measured. */
  streamCurve?: { footprintBytes: number; bytesPerS: number }[];
  /** Scattered i32 atomic adds per second. */
  atomicAddsPerS: number;
}

/** What a run did. */
export interface RunCounts {
  ticks: number;
  /** Spikes of all neurons over the run. */
  spikes: number;
  /** Spike × outgoing synapse deliveries over the run. */
  synapticEvents: number;
}

/** Bytes per tick of the cost model, by where they go. */
export interface TickBytes {
  /** Parameter columns of every neuron, read. */
  neuronParams: number;
  /** State columns of every neuron, read and written. */
  neuronState: number;
  /** This tick's ring slot of every receptor channel, read and cleared. */
  ringSlot: number;
  /** Tick spike list written and read back, and the row start/end of each spiking source (mean per tick). */
  spikes: number;
  /** 8 B per synaptic event (mean per tick). */
  synapses: number;
  total: number;
  /** Working set of the neuron bytes (params, state, spikes, ring slot): params + state + whole ring + tick spike lists. */
  neuronWorkingSet: number;
  /** Working set of the synapse bytes: row starts + synapse arrays. */
  synapseWorkingSet: number;
}

export interface LowerBound {
  ticks: number;
  fused: boolean;
  /** Mean over the run (1 / ticksPerSubmit on the fused path). */
  dispatchesPerTick: number;
  /** Mean per tick over the run. */
  spikesPerTick: number;
  eventsPerTick: number;
  bytesPerTick: TickBytes;
  /** Streaming rates charged to the neuron bytes and the synapse bytes (B/s). */
  neuronBytesPerS: number;
  synapseBytesPerS: number;
  /** Components of the bound, ms for the whole run. */
  dispatchMs: number;
  bandwidthMs: number;
  atomicMs: number;
  /** Their sum, ms. */
  totalMs: number;
}

/** Bytes per synaptic event: u32 packed target + i32 fixed-point weight. */
export const BYTES_PER_EVENT = 8;
/** Bytes per spike: tick-spike list write (4) and read (4), rowStart[s] and rowStart[s + 1] (8). */
export const BYTES_PER_SPIKE = 16;

/** Which GPU schedule ran (`RunSummary.fused`) and its window (`ticksPerSubmit`, default 100). */
export interface Schedule {
  fused: boolean;
  ticksPerSubmit: number;
}

/** Dispatches per tick of the per-tick GPU schedule: propagate + the STDP kernels of each plastic projection + one per group + end-of-tick. */
export function dispatchesPerTick(net: CompiledNetwork): number {
  return 1 + net.plastic.reduce((a, p) => a + plasticityKernelCount(p), 0) + net.groups.length + 1;
}

/** Dispatches of a run of `ticks` ticks: per tick, or one per window on the fused path. */
export function dispatchesPerRun(net: CompiledNetwork, ticks: number, schedule: Schedule = { fused: false, ticksPerSubmit: DEFAULT_TICKS_PER_SUBMIT }): number {
  return schedule.fused ? Math.ceil(ticks / Math.max(1, schedule.ticksPerSubmit)) : ticks * dispatchesPerTick(net);
}

/** Per-tick bytes of the cost model (spike- and event-dependent parts as means over the run). */
export function tickBytes(net: CompiledNetwork, counts: RunCounts): TickBytes {
  let neuronParams = 0,
    neuronState = 0,
    ringSlot = 0;
  for (const g of net.groups) {
    neuronParams += g.params.byteLength;
    neuronState += 2 * g.state.byteLength;
    ringSlot += 2 * 4 * g.receptors.length * g.size;
  }
  const ticks = Math.max(1, counts.ticks);
  const spikes = (counts.spikes / ticks) * BYTES_PER_SPIKE;
  const synapses = (counts.synapticEvents / ticks) * BYTES_PER_EVENT;
  const sizeOf = (role: BufferPlan['role']) => net.buffers.filter((b) => b.role === role).reduce((a, b) => a + b.bytes, 0);
  const neuronWorkingSet = neuronParams + neuronState / 2 + sizeOf('ring') + sizeOf('tickSpikes');
  const synapseWorkingSet = sizeOf('rows') + sizeOf('synapses');
  return {
    neuronParams,
    neuronState,
    ringSlot,
    spikes,
    synapses,
    total: neuronParams + neuronState + ringSlot + spikes + synapses,
    neuronWorkingSet,
    synapseWorkingSet,
  };
}

/**
 * The streaming rate to charge bytes whose working set is `workingSet`: the fastest measured
 * point whose footprint is ≤ the working set (or the smallest point, for a working set below
 * every measured one). Assumes smaller working sets stream at least as fast.
 */
export function bandwidthFor(workingSet: number, floor: FloorNumbers): number {
  const curve = floor.streamCurve?.filter((p) => p.bytesPerS > 0) ?? [];
  if (!curve.length) return floor.streamBytesPerS;
  const smallest = Math.min(...curve.map((p) => p.footprintBytes));
  return Math.max(...curve.filter((p) => p.footprintBytes <= Math.max(workingSet, smallest)).map((p) => p.bytesPerS));
}

/**
 * The lower bound on the wall time of a run of `net` that did `counts`, on an adapter with
 * `floor`.
 * `schedule` says which GPU path ran (default: per-tick dispatches).
 * @example lowerBound(sim.network, { ticks: 1000, spikes, synapticEvents }, { dispatchUs: 5, streamBytesPerS: 5e11, atomicAddsPerS: 2e10 }).totalMs
 */
export function lowerBound(
  net: CompiledNetwork,
  counts: RunCounts,
  floor: FloorNumbers,
  schedule: Schedule = { fused: false, ticksPerSubmit: DEFAULT_TICKS_PER_SUBMIT },
): LowerBound {
  const dispatches = dispatchesPerRun(net, counts.ticks, schedule);
  const bytes = tickBytes(net, counts);
  const dispatchMs = (dispatches * floor.dispatchUs) / 1000;
  const neuronBytesPerS = bandwidthFor(bytes.neuronWorkingSet, floor);
  const synapseBytesPerS = bandwidthFor(bytes.synapseWorkingSet, floor);
  const neuronBytes = bytes.neuronParams + bytes.neuronState + bytes.ringSlot + bytes.spikes;
  const bandwidthMs = counts.ticks * (neuronBytes / neuronBytesPerS + bytes.synapses / synapseBytesPerS) * 1000;
  const atomicMs = (counts.synapticEvents / floor.atomicAddsPerS) * 1000;
  const ticks = Math.max(1, counts.ticks);
  return {
    ticks: counts.ticks,
    fused: schedule.fused,
    dispatchesPerTick: dispatches / ticks,
    spikesPerTick: counts.spikes / ticks,
    eventsPerTick: counts.synapticEvents / ticks,
    bytesPerTick: bytes,
    neuronBytesPerS,
    synapseBytesPerS,
    dispatchMs,
    bandwidthMs,
    atomicMs,
    totalMs: dispatchMs + bandwidthMs + atomicMs,
  };
}

/** GPU memory split: synapse arrays per synapse, everything else per neuron. */
export interface MemoryPerElement {
  /** All buffers of the network's plan (spike log and staging excluded), bytes. */
  totalBytes: number;
  /** Synapse buffers ÷ synapses: stored target + weight arrays (8 B by design), plastic arrays, procedural tables (≈ 0). */
  bytesPerSynapse: number | null;
  /** Everything else (row starts, ring, spike lists, params, state, tables) ÷ neurons. */
  bytesPerNeuron: number | null;
}

/** Bytes of GPU memory per synapse and per neuron, from the compiled network's buffer plan. */
export function memoryPerElement(net: CompiledNetwork): MemoryPerElement {
  let syn = 0,
    rest = 0;
  for (const b of net.buffers) {
    if (b.role === 'synapses' || b.role === 'plasticSynapses' || b.role === 'procedural') syn += b.bytes;
    else rest += b.bytes;
  }
  return {
    totalBytes: syn + rest,
    bytesPerSynapse: net.synapseCount > 0 ? syn / net.synapseCount : null,
    bytesPerNeuron: net.neuronCount > 0 ? rest / net.neuronCount : null,
  };
}
