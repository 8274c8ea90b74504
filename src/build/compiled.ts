/** The compiled network: everything the backends need, as flat typed arrays (no GPU here). */
import type { DriveLayout } from '../models/drive.ts';
import type { ModelColumns, NeuronModel, ReceptorSlot } from '../models/model.ts';
import type { NetworkSpec } from '../spec/types.ts';

export interface CompiledPopulation {
  name: string;
  size: number;
  model: string;
  /** Global index of the population's first neuron (populations of a group are contiguous). */
  offset: number;
  group: number;
  /** Neuron ids (local) whose spikes are recorded; `null` = all, empty = none. */
  recordIds: Uint32Array | null;
}

/**
 * Populations merged into one neuron kernel: same model, same receptor kinds in the same
 * order, same Poisson-input wiring, same noise flag (GeNN-style merged groups).
 */
export interface CompiledGroup {
  key: string;
  model: NeuronModel;
  receptors: ReceptorSlot[];
  drive: DriveLayout;
  /** Neurons in the group. */
  size: number;
  /** Global index of the group's first neuron. */
  offset: number;
  /** Ring channel of (receptor 0, neuron 0); receptor r of neuron i is channelBase + r·size + i. */
  channelBase: number;
  populations: string[];
  /** Column names: f32 params, u32 params (stored after the f32 ones), f32 state. */
  columns: ModelColumns;
  /** Params SoA, column c of neuron i at c·size + i; u32 columns bit-cast in. */
  params: Float32Array;
  /** State SoA, same layout. */
  state: Float32Array;
}

/** Fixed-point scale of one receptor of one population (DESIGN §4). */
export interface ReceptorScale {
  population: string;
  receptor: string;
  /** Weights are stored as round(w · 2^exponent). */
  exponent: number;
  /** Largest Σ|w| into one neuron of this receptor. */
  maxAbsInput: number;
}

/**
 * Static synapses merged into rows by global source neuron (CSR). One synapse is 8 bytes:
 * `target` packs the ring channel (low `channelBits`) and the delay in ticks (high bits);
 * `weight` is the fixed-point weight.
 */
export interface SynapseRows {
  rowStart: Uint32Array;
  target: Uint32Array;
  weight: Int32Array;
  channelBits: number;
}

/**
 * A state variable sampled for some neurons every `everyTicks` ticks, at the start of the tick
 * (before integration: the value at time t·dt, as Brian2's StateMonitor).
 */
export interface StateProbe {
  population: string;
  variable: string;
  /** Local neuron ids sampled. */
  ids: Uint32Array;
  everyTicks: number;
  group: number;
  /** Index into the group's state array of each sampled value. */
  stateIndex: Uint32Array;
  /** Position of this probe's first value in a tick's row of samples. */
  slot: number;
}

export interface BufferPlan {
  name: string;
  /** What it holds: per-synapse arrays, per-neuron arrays, the delay ring, or shared tables. */
  role: 'synapses' | 'rows' | 'ring' | 'tickSpikes' | 'tables' | 'params' | 'state';
  bytes: number;
}

export interface CompiledNetwork {
  spec: NetworkSpec;
  name: string;
  dt: number;
  seed: number;
  neuronCount: number;
  synapseCount: number;
  populations: CompiledPopulation[];
  groups: CompiledGroup[];
  /** Ring channels (receptor inputs) in total. */
  channelCount: number;
  /** Delay ring length in ticks (max delay + 1). */
  delaySlots: number;
  synapses: SynapseRows;
  /** Shared u32 tables: spike-source events, Poisson CDFs. */
  tables: Uint32Array;
  scales: ReceptorScale[];
  /** Neurons whose spikes are recorded, in total. */
  recordedCount: number;
  stateProbes: StateProbe[];
  /** Values sampled per tick by all probes (a tick's row of samples). */
  stateSlots: number;
  /** Buffers the GPU backend will allocate (spike log excluded: it depends on the readback window). */
  buffers: BufferPlan[];
}

/** Bytes of GPU memory for the network's buffers. */
export function networkBytes(net: CompiledNetwork): number {
  return net.buffers.reduce((a, b) => a + b.bytes, 0);
}
