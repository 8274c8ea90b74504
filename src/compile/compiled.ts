/** The compiled network: everything the backends need, as flat typed arrays (no GPU here). */
import type { DriveLayout } from '../models/drive.ts';
import type { ModelColumns, NeuronModel, ReceptorSlot } from '../models/model.ts';
import type { StdpRule } from '../models/stdp.ts';
import type { NetworkSpec } from '../netspec/types.ts';

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

/** Fixed-point scale of one receptor of one population (docs/design.md, "Fixed point"). */
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

/**
 * A plastic projection: its synapses live apart from the static rows, with f32 weights the
 * STDP kernels update, laid out twice. Rows (by presynaptic neuron, then delay) serve spike
 * arrival: the synapses of presynaptic neuron j with delay d ticks are
 * `segStart[j·maxDelay + d − 1] … segStart[j·maxDelay + d] − 1`. Columns (by postsynaptic
 * neuron) serve potentiation: the incoming synapses of post neuron i are entries
 * `colStart[i] … colStart[i + 1] − 1`, each a synapse index `colSynapse[k]` with its presynaptic
 * neuron and delay packed in `colPreDelay[k] = pre | delay << preBits`. Neuron ids are local to
 * the populations.
 */
export interface PlasticProjection {
  /** Index in the spec's `projections`. */
  index: number;
  /** The projection's name (`name`, or `projections[i]`). */
  name: string;
  pre: string;
  post: string;
  /** Global index of the first pre / post neuron. */
  preOffset: number;
  preSize: number;
  postOffset: number;
  postSize: number;
  /** Ring channel of post neuron 0 on the projection's receptor (post i is channelBase + i). */
  channelBase: number;
  /** Fixed-point exponent of the receptor (the bound counts every plastic weight as max(|wMin|, |wMax|)). */
  exponent: number;
  rule: StdpRule;
  /** The weight bounds as the spec gives them (`rule` holds their f32 values). */
  bounds: { wMin: number; wMax: number };
  /** Largest delay of the projection, ticks. */
  maxDelay: number;
  segStart: Uint32Array;
  /** Post neuron of each synapse (row order). */
  synapsePost: Uint32Array;
  /** Initial weights (row order). */
  weight: Float32Array;
  colStart: Uint32Array;
  colSynapse: Uint32Array;
  colPreDelay: Uint32Array;
  preBits: number;
  /** Threads that walk one row segment on arrival: the mean segment length as a power of two in [1, 64]. */
  arrivalLanes: number;
}

/** `record.weights`: snapshot plastic projection `plastic` (index into `CompiledNetwork.plastic`) every `everyTicks`. */
export interface WeightRecord {
  projection: string;
  plastic: number;
  everyTicks: number;
}

export interface BufferPlan {
  name: string;
  /** What it holds: per-synapse arrays (static; plastic), per-neuron arrays (plastic: traces, row and column starts), the delay ring, or shared tables. */
  role: 'synapses' | 'rows' | 'ring' | 'tickSpikes' | 'tables' | 'params' | 'state' | 'plasticSynapses' | 'plastic';
  bytes: number;
}

export interface CompiledNetwork {
  spec: NetworkSpec;
  name: string;
  dt: number;
  seed: number;
  neuronCount: number;
  /** Static and plastic synapses. */
  synapseCount: number;
  populations: CompiledPopulation[];
  groups: CompiledGroup[];
  /** Ring channels (receptor inputs) in total. */
  channelCount: number;
  /** Delay ring length in ticks (max delay + 1). */
  delaySlots: number;
  /** Ticks of spike history kept on the GPU (2; with plasticity, the largest plastic delay + 1). */
  spikeSlots: number;
  /** Static synapses (plastic ones are in `plastic`). */
  synapses: SynapseRows;
  plastic: PlasticProjection[];
  /** Shared u32 tables: spike-source events, Poisson CDFs. */
  tables: Uint32Array;
  scales: ReceptorScale[];
  /** Neurons whose spikes are recorded, in total. */
  recordedCount: number;
  stateProbes: StateProbe[];
  weightRecords: WeightRecord[];
  /** Values sampled per tick by all probes (a tick's row of samples). */
  stateSlots: number;
  /** Buffers the GPU backend will allocate (spike log excluded: it depends on the readback window). */
  buffers: BufferPlan[];
}

/** A GPU buffer of a plastic projection: its initial contents (or zeros of `bytes`). */
export interface PlasticBuffer {
  name: string;
  data: ArrayBufferView | null;
  bytes: number;
  perSynapse: boolean;
}

/**
 * GPU buffers of a plastic projection, by role in the kernels: its layout (16 B per synapse)
 * plus the traces (x for maxDelay + 1 ticks, y), zero at the start.
 */
export function plasticBuffers(p: PlasticProjection) {
  const filled = (name: string, data: ArrayBufferView, perSynapse: boolean): PlasticBuffer => ({ name, data, bytes: data.byteLength, perSynapse });
  const zeros = (name: string, bytes: number): PlasticBuffer => ({ name, data: null, bytes, perSynapse: false });
  return {
    segStart: filled('segments', p.segStart, false),
    synapsePost: filled('synapse post', p.synapsePost, true),
    weight: filled('weights', p.weight, true),
    colStart: filled('column starts', p.colStart, false),
    colSynapse: filled('column synapses', p.colSynapse, true),
    colPreDelay: filled('column pre/delay', p.colPreDelay, true),
    preTrace: zeros('pre traces', (p.maxDelay + 1) * p.preSize * 4),
    postTrace: zeros('post traces', p.postSize * 4),
  };
}

/** Presynaptic id and delay (ticks) of each synapse of a plastic projection, in row order. */
export function plasticSynapseIds(p: PlasticProjection): { pre: Uint32Array; delayTicks: Uint32Array } {
  const n = p.synapsePost.length;
  const pre = new Uint32Array(n),
    delayTicks = new Uint32Array(n);
  for (let j = 0; j < p.preSize; j++) {
    for (let d = 1; d <= p.maxDelay; d++) {
      const seg = j * p.maxDelay + d - 1;
      pre.fill(j, p.segStart[seg], p.segStart[seg + 1]);
      delayTicks.fill(d, p.segStart[seg], p.segStart[seg + 1]);
    }
  }
  return { pre, delayTicks };
}

/** Bytes of GPU memory for the network's buffers. */
export function networkBytes(net: CompiledNetwork): number {
  return net.buffers.reduce((a, b) => a + b.bytes, 0);
}
