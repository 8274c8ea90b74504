/**
 * What a neuron model is: data (state variables, parameters with defaults) plus the same
 * equations twice, as a WGSL snippet and as a CPU function, side by side in one file.
 * Nothing here knows about buffers or populations: `src/compile` lays the columns out and
 * `src/kernels/neuronKernel.ts` / `src/reference` wrap the snippets.
 *
 * Bit-identical backends: every f32 operation in a CPU step is rounded with `f32` in the same
 * order as the WGSL, and constant factors (exp(−dt/τ)) are computed once on the host. Neuron
 * models are written as equations (`equationModel.ts`), which generates both.
 *
 * Inside a snippet, parameter columns are locals named `p_<name>`, state columns `s_<name>`
 * (written back after the snippet), u32 columns `u_<name>`. The shared drive code
 * (`drive.ts`) provides `iConst` (iExt + noise + pulse inputs this tick), `delta` (summed
 * delta inputs) and `g_<r>` (current/conductance receptor r, including this tick's input).
 * A snippet sets `spiked`.
 */

import type { RateTableSpec } from '../netspec/types.ts';

/** A receptor of a population (spec: `params.receptors`); what each kind does is its definition in `receptors.ts`. */
export type ReceptorSpec =
  /** v jumps by w (discarded while refractory). */
  | { kind: 'delta' }
  /** w is added to the input current for exactly one tick. */
  | { kind: 'pulse' }
  /** exponentially decaying current g (mV), `tau` ms; enters τm dv/dt. */
  | { kind: 'current'; tau: number }
  /** exponentially decaying conductance g (dimensionless), `tau` ms, reversal `eRev` mV. */
  | { kind: 'conductance'; tau: number; eRev: number };

export type ReceptorKind = ReceptorSpec['kind'];

/** Allowed values of a parameter (e.g. τ > 0, substeps a positive integer). */
export interface ValueRange {
  min?: number;
  exclusiveMin?: boolean;
  /** Largest value (a bound on work, e.g. sub-steps per tick). */
  max?: number;
  int?: boolean;
}

/** Whether `x` lies in range `r` (its bounds and integrality). */
export function inRange(x: number, r: ValueRange): boolean {
  return !((r.min !== undefined && (r.exclusiveMin ? x <= r.min : x < r.min)) || (r.max !== undefined && x > r.max) || (r.int && !Number.isInteger(x)));
}

/** The range as words, for messages: "> 0", "≥ 1 and an integer". */
export function describeRange(r: ValueRange): string {
  return [r.min !== undefined ? `${r.exclusiveMin ? '>' : '≥'} ${r.min}` : '', r.max !== undefined ? `≤ ${r.max}` : '', r.int ? 'an integer' : '']
    .filter(Boolean)
    .join(' and ');
}

/** A receptor as a model sees it: its index among the population's receptors, and its spec. */
export interface ReceptorSlot {
  name: string;
  index: number;
  spec: ReceptorSpec;
}

export interface ParamInfo {
  /** Default value; undefined when the user must give it. */
  default?: number;
  unit: string;
  doc: string;
  /** Allowed values, checked at validation (and after drawing distributions). */
  range?: ValueRange;
  /** A population key that replaces this (required) parameter, e.g. poisson `rate`: `rateTable`. */
  replacedBy?: string;
  /** Kept as it is in the kernel column of the same name, so `sim.setParams` can change it between runs. */
  settable?: boolean;
}

export interface StateInfo {
  /**
   * Initial value when `init` does not set it: a number, the name of a parameter, or a
   * function of the parameters and the state variables declared before this one.
   */
  init: number | string | ((p: NeuronParams, s: Record<string, Float64Array>, i: number) => number);
  unit: string;
  doc: string;
  /** Internal state (e.g. a refractory counter) that users cannot initialise. */
  internal?: boolean;
  /** Learned, like a weight (an adaptive threshold): `sim.resetState()` keeps it. */
  kept?: boolean;
}

/** Per-neuron user parameters after defaults and expansion (one number per neuron). */
export type NeuronParams = Record<string, Float64Array>;

/** Kernel columns (per neuron). Receptor-specific columns end in `_<receptorIndex>`. */
export interface ModelColumns {
  /** Read-only f32 columns. */
  params: string[];
  /** Read-only u32 columns (stored bit-cast in the same buffer). */
  u32Params: string[];
  /** Read-write f32 columns. */
  state: string[];
}

/** Column arrays of one group for a CPU step (index with the group-local neuron index). */
export interface CpuColumns {
  p: Record<string, Float32Array>;
  u: Record<string, Uint32Array>;
  s: Record<string, Float32Array>;
}

/** What the shared drive code hands a model step each tick. */
export interface CpuDrive {
  iConst: number;
  delta: number;
  /** Receptor values g_r (current/conductance kinds; other entries unused). */
  g: Float32Array;
  tick: number;
  /** Group-local neuron index → global index (for random draws). */
  globalId: number;
  seed: number;
  /** The network's shared u32 tables (spike source events, Poisson CDFs). */
  tables: Uint32Array;
}

/** Context for host-side parameter derivation. */
export interface DeriveContext {
  dt: number;
  n: number;
  receptors: ReceptorSlot[];
  /** Lays out a table of u32s shared by the network (e.g. spike times); returns its offset. */
  addTable(values: Uint32Array): number;
  /** Spike source events of this population, local ids and times in ms. */
  events?: { times: number[]; ids: number[] };
  /** Spike sources: table words reserved for events (`spikeSourceCapacity`). */
  capacity?: number;
  /** Poisson sources: rates over time (spec `rateTable`). */
  rateTable?: RateTableSpec;
}

export interface NeuronModel {
  name: string;
  doc: string;
  /** Spike sources take no synaptic input, no iExt, noise or Poisson input. */
  isSource: boolean;
  params: Record<string, ParamInfo>;
  state: Record<string, StateInfo>;
  columns(receptors: ReceptorSlot[]): ModelColumns;
  /** Kernel columns from user parameters, in double precision (stored as f32 / u32). */
  deriveParams(p: NeuronParams, ctx: DeriveContext): Record<string, Float64Array | Uint32Array>;
  /** WGSL statements for one neuron; see the file comment for the names in scope. */
  wgsl(receptors: ReceptorSlot[]): string;
  /** WGSL functions the snippet calls, declared once at module scope (e.g. the deterministic functions of `src/equations/deterministicMath.ts`). */
  wgslFunctions?(receptors: ReceptorSlot[]): string;
  /**
   * Models given by equations: whether they read an input (`iExt`, `Isyn` or a receptor by
   * name), so validation can refuse inputs that would be lost.
   */
  reads?(input: string): boolean;
  /** The CPU twin of `wgsl`: returns whether neuron `i` spiked. */
  cpu(receptors: ReceptorSlot[]): (c: CpuColumns, i: number, d: CpuDrive) => boolean;
}
