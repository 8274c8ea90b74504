/** The compiled network: everything the backends need, as flat typed arrays (no GPU here). */
import { driveColumns, type DriveLayout, type PoissonInputSlot } from '../models/drive.ts';
import { modelOf, userModelKey } from '../models/index.ts';
import type { ModelColumns, NeuronModel, ReceptorSlot } from '../models/model.ts';
import type { WeightNormalization } from '../models/stdp.ts';
import type { CompiledRule } from '../models/plasticityRule.ts';
import type { NetworkSpec, PopulationSpec } from '../netspec/types.ts';
import { PROCEDURAL_WORDS, type DeviceRows, type ProceduralProjection } from './proceduralRows.ts';

export interface CompiledPopulation {
  name: string;
  size: number;
  model: string;
  /** Global index of the population's first neuron (populations of a group are contiguous). */
  offset: number;
  group: number;
  /** Neuron ids (local) whose spikes are recorded; `null` = all, empty = none. */
  recordIds: Uint32Array | null;
  /** The population's words in the shared tables (spike-source events and their spare capacity, rate tables, Poisson-input CDFs). */
  tableRegion: { offset: number; words: number };
}

/**
 * Index of the population that holds global neuron `globalId`, in `populations` sorted by
 * offset (as `CompiledNetwork.populations` are).
 * @example populationIndexOf(net.populations, net.neuronCount - 1) // the last population
 */
export function populationIndexOf(populations: readonly Pick<CompiledPopulation, 'offset'>[], globalId: number): number {
  let lo = 0,
    hi = populations.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (populations[mid].offset <= globalId) lo = mid;
    else hi = mid - 1;
  }
  return lo;
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
  /** Largest bound on Σ|w| into one neuron of this receptor (each drawn weight counted at its distribution's largest |w|). */
  maxAbsInput: number;
}

/**
 * Static synapses merged into rows by global source neuron (CSR). One synapse is 8 bytes:
 * `target` packs the ring channel (low `channelBits`) and the delay in ticks (high bits);
 * `weight` is the fixed-point weight.
 */
export interface SynapseRows {
  rowStart: Uint32Array;
  /** Static stored synapses (`rowStart[neuronCount]`). */
  count: number;
  /** Channel (low `channelBits` bits) and delay in ticks (high bits) per synapse; empty when `onDevice` is not. */
  target: Uint32Array;
  /** Fixed-point weight per synapse; empty when `onDevice` is not. */
  weight: Int32Array;
  channelBits: number;
  /**
   * Projections whose rows the device draws into the arrays (`compileNetwork`'s `rowsOnDevice`),
   * where each source's part of its row starts; when any, `target` and `weight` are left empty
   * (`hostSynapseRows` fills them on the host instead).
   */
  onDevice: DeviceRows[];
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
  rule: CompiledRule;
  /** Weight normalisation (`plasticity.normalize`), or null. */
  normalize: WeightNormalization | null;
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
  role: 'synapses' | 'rows' | 'ring' | 'tickSpikes' | 'tables' | 'procedural' | 'params' | 'state' | 'plasticSynapses' | 'plastic';
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
  /** What the build noticed that a user should know, e.g. weights the fixed-point scale rounds to 0. */
  warnings: string[];
  /** Static projections whose rows are regenerated at each spike (not in `synapses`). */
  procedural: ProceduralProjection[];
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
  /**
   * Buffers the GPU backend will allocate (spike log excluded: it depends on the readback
   * window); equal to `bufferPlan(networkShape(net))`, the layout `planMemory` sizes too.
   */
  buffers: BufferPlan[];
}

/** A GPU buffer of a plastic projection: its initial contents (or zeros of `bytes`). */
export interface PlasticBuffer {
  name: string;
  data: ArrayBufferView | null;
  bytes: number;
  perSynapse: boolean;
}

/** What the GPU layout of a plastic projection depends on (see `plasticBufferLayout`). */
export interface PlasticShape {
  /** The projection's name (`name`, or `projections[i]`). */
  name: string;
  preSize: number;
  postSize: number;
  /** Largest delay of the projection, ticks (≥ 1). */
  maxDelay: number;
  synapses: number;
  /** Traces of the rule per pre and per post neuron (pair STDP: 1 and 1). */
  preTraces: number;
  postTraces: number;
  /** Values per synapse: the weight and the rule's synapse variables (pair STDP: 1). */
  synapseValues: number;
  /** Whether the rule has a neuromodulator (one word after the postsynaptic traces). */
  modulator: boolean;
}

/**
 * The GPU buffers of a plastic projection, by role in the kernels, with their sizes: 16 B per
 * synapse (post id, f32 weight, column synapse index, column pre/delay), row segments of
 * `preSize · maxDelay + 1` and column starts of `postSize + 1` u32s, and the traces (x for
 * `maxDelay + 1` ticks of each pre neuron, y of each post neuron). The one source of these
 * sizes for the compiled buffer plan and for `planMemory`.
 */
export function plasticBufferLayout(p: PlasticShape) {
  const perSynapse = (name: string) => ({ name, bytes: 4 * p.synapses, perSynapse: true });
  const perNeuron = (name: string, words: number) => ({ name, bytes: 4 * words, perSynapse: false });
  return {
    segStart: perNeuron('segments', p.preSize * p.maxDelay + 1),
    synapsePost: perSynapse('synapse post'),
    weight: { name: 'weights', bytes: 4 * p.synapses * p.synapseValues, perSynapse: true },
    colStart: perNeuron('column starts', p.postSize + 1),
    colSynapse: perSynapse('column synapses'),
    colPreDelay: perSynapse('column pre/delay'),
    preTrace: perNeuron('pre traces', p.preTraces * (p.maxDelay + 1) * p.preSize),
    postTrace: perNeuron('post traces', p.postTraces * p.postSize + (p.modulator ? 1 : 0)),
  };
}

/** The shape of a compiled plastic projection. */
export const plasticShape = (p: PlasticProjection): PlasticShape => ({
  name: p.name,
  preSize: p.preSize,
  postSize: p.postSize,
  maxDelay: p.maxDelay,
  synapses: p.synapsePost.length,
  ...ruleShape(p.rule),
});

/** The sizes a rule adds to its projection's buffers. */
export const ruleShape = (rule: CompiledRule): Pick<PlasticShape, 'preTraces' | 'postTraces' | 'synapseValues' | 'modulator'> => ({
  preTraces: Object.keys(rule.definition.preTraces).length,
  postTraces: Object.keys(rule.definition.postTraces).length,
  synapseValues: 1 + (rule.definition.synapseVariables?.length ?? 0),
  modulator: rule.definition.modulator !== undefined,
});

/** Where a plastic projection's neuromodulator lives: the word of `postTrace` after its postsynaptic traces. */
export const modulatorWord = (p: PlasticProjection): number => Object.keys(p.rule.definition.postTraces).length * p.postSize;

/** The initial contents of a plastic projection's weight buffer: the weights, then each synapse variable at 0. */
export function synapseValuesOf(p: PlasticProjection): Float32Array {
  const values = new Float32Array(p.weight.length * ruleShape(p.rule).synapseValues);
  values.set(p.weight);
  return values;
}

/**
 * GPU buffers of a plastic projection, by role in the kernels: its layout (16 B per synapse)
 * plus the traces (x for maxDelay + 1 ticks, y), zero at the start (`plasticBufferLayout`).
 */
export function plasticBuffers(p: PlasticProjection): Record<keyof ReturnType<typeof plasticBufferLayout>, PlasticBuffer> {
  const layout = plasticBufferLayout(plasticShape(p));
  const filled = (key: keyof typeof layout, data: ArrayBufferView): PlasticBuffer => ({ ...layout[key], data });
  const zeros = (key: keyof typeof layout): PlasticBuffer => ({ ...layout[key], data: null });
  return {
    segStart: filled('segStart', p.segStart),
    synapsePost: filled('synapsePost', p.synapsePost),
    weight: filled('weight', synapseValuesOf(p)),
    colStart: filled('colStart', p.colStart),
    colSynapse: filled('colSynapse', p.colSynapse),
    colPreDelay: filled('colPreDelay', p.colPreDelay),
    preTrace: zeros('preTrace'),
    postTrace: zeros('postTrace'),
  };
}

/** Columns every neuron group has, whatever the model: the spike-record flag (u32). */
export const TEMPLATE_U32_COLUMNS = ['record'];

/**
 * Ticks of spike history the GPU keeps: 2 (this tick's and the last), or D + 1 for the largest
 * plastic delay D, whose synapses take spikes D ticks old.
 */
export const spikeHistorySlots = (plasticMaxDelays: number[]): number => Math.max(2, ...plasticMaxDelays.map((d) => d + 1));

/** A delay in ms as whole ticks: rounded, at least one tick. */
export const delayTicks = (ms: number, dt: number): number => Math.max(1, Math.round(ms / dt));

/** Record spec → recorded local ids per population (`null` = all). No `record` key: all spikes. */
export function recordIds(spec: NetworkSpec): Map<string, Uint32Array | null> {
  const out = new Map<string, Uint32Array | null>();
  if (!spec.record) {
    for (const name of Object.keys(spec.populations)) out.set(name, null);
    return out;
  }
  for (const r of spec.record.spikes ?? []) {
    if (typeof r === 'string') out.set(r, null);
    else {
      const prev = out.get(r.pop);
      if (prev === null) continue;
      out.set(r.pop, Uint32Array.from(new Set([...(prev ?? []), ...r.ids])).sort());
    }
  }
  return out;
}

/** A population's layout facts from its spec: receptor slots, drive, and the key of its group. */
export interface PopulationLayout {
  model: NeuronModel;
  receptors: ReceptorSlot[];
  drive: DriveLayout;
  /** Populations with the same key merge into one group (same model, receptor kinds, Poisson-input wiring, noise flag). */
  key: string;
}

/** The layout facts of a (validated) population spec. */
export function populationLayout(spec: PopulationSpec): PopulationLayout {
  const receptors: ReceptorSlot[] = Object.entries(spec.params?.receptors ?? {}).map(([rn, r], i) => ({ name: rn, index: i, spec: r }));
  const model = modelOf(
    spec.model,
    receptors.map((r) => r.name),
    '',
  );
  const poissonInputs: PoissonInputSlot[] = (spec.poissonInput ?? []).map((p, j) => ({
    index: j,
    receptor: receptors.findIndex((r) => r.name === p.receptor),
  }));
  const drive: DriveLayout = { receptors, poissonInputs, noise: spec.noise !== undefined && spec.noise.sd > 0 };
  const modelKey =
    typeof spec.model === 'string'
      ? spec.model
      : userModelKey(
          spec.model,
          receptors.map((r) => r.name),
        );
  const key = [modelKey, receptors.map((r) => r.spec.kind).join(','), poissonInputs.map((p) => p.receptor).join(','), drive.noise].join('|');
  return { model, receptors, drive, key };
}

/** A group's kernel columns: the model's, the shared drive's (not for spike sources), the template's. */
export function groupColumns(layout: Pick<PopulationLayout, 'model' | 'receptors' | 'drive'>): ModelColumns {
  const mc = layout.model.columns(layout.receptors);
  const dc = layout.model.isSource ? { params: [], u32Params: [], state: [] } : driveColumns(layout.drive);
  return {
    params: [...mc.params, ...dc.params],
    u32Params: [...mc.u32Params, ...dc.u32Params, ...TEMPLATE_U32_COLUMNS],
    state: [...mc.state, ...dc.state],
  };
}

/** Everything the sizes of the network's GPU buffers depend on (see `bufferPlan`). */
export interface NetworkShape {
  neuronCount: number;
  /** Ring channels (receptor inputs). */
  channelCount: number;
  /** Delay ring length, ticks (largest delay + 1). */
  delaySlots: number;
  /** Ticks of spike history. */
  spikeSlots: number;
  staticSynapses: number;
  /** u32 words of the shared tables (at least 1). */
  tableWords: number;
  /** Procedural projections (PROCEDURAL_WORDS table words each) and their row-length words. */
  proceduralProjections: number;
  proceduralRowWords: number;
  groups: { model: string; size: number; paramColumns: number; stateColumns: number }[];
  plastic: PlasticShape[];
}

/**
 * The buffer plan of a network from its shape, 4-byte words throughout: static synapses 8 B
 * each (target, weight) plus `neurons + 1` row starts, the delay ring (slots × channels), the
 * spike history (slots × neurons), the tables, each group's parameter and state columns, and
 * each plastic projection's buffers. The one source of buffer sizes for compiled networks and
 * for `planMemory`.
 */
export function bufferPlan(shape: NetworkShape): BufferPlan[] {
  return [
    { name: 'synapse targets', role: 'synapses', bytes: 4 * shape.staticSynapses },
    { name: 'synapse weights', role: 'synapses', bytes: 4 * shape.staticSynapses },
    { name: 'synapse rows', role: 'rows', bytes: 4 * (shape.neuronCount + 1) },
    { name: 'input ring', role: 'ring', bytes: 4 * shape.delaySlots * shape.channelCount },
    { name: 'tick spikes', role: 'tickSpikes', bytes: 4 * shape.spikeSlots * shape.neuronCount },
    { name: 'tables', role: 'tables', bytes: 4 * shape.tableWords },
    ...(shape.proceduralProjections
      ? [
          { name: 'procedural table', role: 'procedural' as const, bytes: 4 * PROCEDURAL_WORDS * shape.proceduralProjections },
          { name: 'procedural row lengths', role: 'procedural' as const, bytes: 4 * Math.max(1, shape.proceduralRowWords) },
        ]
      : []),
    ...shape.groups.map((g) => ({ name: `${g.model} params`, role: 'params' as const, bytes: 4 * g.paramColumns * g.size })),
    ...shape.groups.map((g) => ({ name: `${g.model} state`, role: 'state' as const, bytes: 4 * g.stateColumns * g.size })),
    ...shape.plastic.flatMap((p) =>
      Object.values(plasticBufferLayout(p)).map(({ name, bytes, perSynapse }) => ({
        name: `${p.name} ${name}`,
        role: perSynapse ? ('plasticSynapses' as const) : ('plastic' as const),
        bytes,
      })),
    ),
  ];
}

/** The shape of a compiled network (what `bufferPlan` needs). */
export function networkShape(net: Omit<CompiledNetwork, 'buffers'>): NetworkShape {
  return {
    neuronCount: net.neuronCount,
    channelCount: net.channelCount,
    delaySlots: net.delaySlots,
    spikeSlots: net.spikeSlots,
    staticSynapses: net.synapses.count,
    tableWords: net.tables.length,
    proceduralProjections: net.procedural.length,
    proceduralRowWords: net.procedural.reduce((a, p) => a + (p.rows.kind === 'counts' ? p.preSize : 0), 0),
    groups: net.groups.map((g) => ({
      model: g.model.name,
      size: g.size,
      paramColumns: g.columns.params.length + g.columns.u32Params.length,
      stateColumns: g.columns.state.length,
    })),
    plastic: net.plastic.map(plasticShape),
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
