/**
 * Network spec v1: the public JSON contract. Units: ms, mV, Hz.
 * These types describe a document after validation (`validateSpec`), with no defaults applied;
 * defaults live next to the thing they default (model params in `src/models`, spec-level
 * defaults in `defaults.ts`).
 */
import type { ReceptorSpec } from '../models/model.ts';
import type { PlasticitySpec } from '../models/stdp.ts';
import type { NeuronEquations } from '../models/equationModel.ts';

// Receptor and plasticity parameters belong to the models that interpret them.
export type { NeuronEquations, PlasticitySpec, ReceptorSpec };

/** A value: a number, one number per neuron / synapse, or a distribution. */
export type Value = number | number[] | Distribution;

export type Distribution = { uniform: [number, number] } | { normal: [number, number]; clip?: [number, number] };

export interface PoissonInputSpec {
  /** Number of independent Poisson sources summed. */
  count: number;
  /** Rate of each source, Hz. */
  rate: number;
  /** Weight of each event, in the receptor's units. */
  weight: number;
  /** Receptor name on this population. */
  receptor: string;
}

export interface PopulationSpec {
  size: number;
  /**
   * A built-in model's name (`lif`, `adaptiveLif`, `izhikevich`, `adex`, `poisson`,
   * `spikeSource`) or a model given by its equations (docs/models.md).
   */
  model: string | NeuronEquations;
  /** Model parameters (each a Value) plus `receptors`. */
  params?: Record<string, Value | Record<string, ReceptorSpec> | undefined> & {
    receptors?: Record<string, ReceptorSpec>;
  };
  /** Initial values of state variables. */
  init?: Record<string, Value>;
  /** Constant input current, mV (same units as the model's input). */
  iExt?: Value;
  /** Gaussian input current drawn independently each tick, `sd` in the input's units. */
  noise?: { sd: number };
  poissonInput?: PoissonInputSpec[];
  /** spikeSource only: spike times (ms) and local neuron ids, paired. */
  times?: number[];
  ids?: number[];
  /**
   * spikeSource only: the most events `sim.setSpikes` may give it at once (default: its
   * `times`' length or its size, whichever is larger). Reserved in the tables when built.
   */
  capacity?: number;
  /** poisson only: rates that change over time, in place of `params.rate`. */
  rateTable?: RateTableSpec;
}

/**
 * A Poisson population's rates over time: row k applies from k·every ms to (k + 1)·every ms,
 * each row a rate (Hz) for every neuron or one per neuron. After the last row the last one
 * holds, or with `loop` the table starts again.
 */
export interface RateTableSpec {
  /** ms per row (rounded to whole ticks, at least one). */
  every: number;
  rates: (number | number[])[];
  loop?: boolean;
}

export type ConnectSpec =
  | { rule: 'allToAll'; allowSelf?: boolean }
  | { rule: 'oneToOne' }
  | { rule: 'fixedProbability'; p: number; allowSelf?: boolean }
  | { rule: 'fixedInDegree'; k: number; allowSelf?: boolean; allowMultiple?: boolean }
  | { rule: 'fixedOutDegree'; k: number; allowSelf?: boolean; allowMultiple?: boolean }
  | { rule: 'fixedTotal'; n: number; allowSelf?: boolean; allowMultiple?: boolean }
  | { rule: 'list'; pre: number[]; post: number[] };

export interface ProjectionSpec {
  /** Optional name, unique among projections, used in messages and weight readback. */
  name?: string;
  pre: string;
  post: string;
  connect: ConnectSpec;
  weight: Value;
  /** ms; rounded to ticks, minimum one tick. Default one tick. */
  delay?: Value;
  receptor: string;
  plasticity?: PlasticitySpec;
  /**
   * "stored" (default): synapses built once and kept in memory. "procedural": a static
   * projection keeps no per-synapse arrays; each spike regenerates its row from the seed.
   */
  storage?: 'stored' | 'procedural';
}

export interface StateRecordSpec {
  pop: string;
  var: string;
  ids?: number[];
  /** ms between samples (default dt). */
  every?: number;
}

/** Snapshots of a plastic projection's weights every `every` ms (from t = 0). */
export interface WeightRecordSpec {
  /** The projection's `name` (or `projections[i]` when it has none). */
  projection: string;
  every: number;
}

export interface RecordSpec {
  spikes?: (string | { pop: string; ids: number[] })[];
  state?: StateRecordSpec[];
  weights?: WeightRecordSpec[];
}

export interface NetworkSpec {
  /** The JSON Schema this document follows, for editors (e.g. `./node_modules/spikegpu/schema/spec-v1.json`); ignored by the simulator. */
  $schema?: string;
  version: 1;
  name?: string;
  /** Time step, ms. */
  dt: number;
  seed?: number;
  populations: Record<string, PopulationSpec>;
  projections?: ProjectionSpec[];
  record?: RecordSpec;
}
