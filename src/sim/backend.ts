/** What the Simulator needs from a backend: advance ticks and deliver recorded spikes. */
import type { SpikeRecorder } from './spikeRecorder.ts';
import type { StateRecorder } from './stateRecorder.ts';

/** Where a backend delivers what it records, tick by tick in order. */
export interface Recorders {
  spikes: SpikeRecorder;
  state: StateRecorder;
}

/** Ticks a simulator can count: the GPU's tick counter is a u32. */
export const MAX_TICKS = 2 ** 32 - 1;

/** Counters a backend accumulates over a run. */
export interface RunCounters {
  /** Spikes of all neurons, recorded or not. */
  spikes: number;
  /** Synaptic events: each spike × its outgoing synapses. */
  synapticEvents: number;
}

/**
 * A backend's dynamic state between ticks, the same on every backend (so a checkpoint taken on
 * one resumes on the other). Typed arrays are copies, bit for bit.
 */
export interface BackendState {
  /** The next tick to simulate. */
  tick: number;
  counters: RunCounters;
  /** Per neuron group: its parameter and state columns as raw 32-bit words (`CompiledGroup.params`, `.state`). */
  groups: { params: Uint32Array; state: Uint32Array }[];
  /** The input ring, `delaySlots × channelCount` fixed-point sums. */
  ring: Int32Array;
  /** Spikes (global ids, ascending) of ticks tick − 1, tick − 2, …, tick − spikeSlots + 1 (empty before tick 0). */
  recentSpikes: Uint32Array[];
  /**
   * Per plastic projection: weights in row order, presynaptic traces (`maxDelay + 1` slots),
   * postsynaptic traces, and the rule's constants as the kernels read them (`stdpUniform`),
   * which `sim.setPlasticity` changes.
   */
  plastic: PlasticState[];
  /** The shared tables (`CompiledNetwork.tables`), which `sim.setSpikes` rewrites. */
  tables: Uint32Array;
}

/** One plastic projection's dynamic state (see `BackendState.plastic`). */
export interface PlasticState {
  weight: Float32Array;
  preTrace: Float32Array;
  postTrace: Float32Array;
  rule: Float32Array;
}

/**
 * 32-bit words to overwrite, from the next tick on: in neuron group `group`'s parameter or
 * state columns (`CompiledGroup.params`, `.state`), in the shared tables (`group` unused) or
 * in plastic projection `group`'s rule constants (`CompiledRule.constants`) or postsynaptic
 * traces (whose last word is the rule's neuromodulator), starting at word `offset`.
 */
export interface WordWrite {
  target: 'params' | 'state' | 'tables' | 'rule' | 'postTrace';
  group: number;
  offset: number;
  words: Uint32Array;
}

/** The raw 32-bit words of an f32 array (a view: NaN payloads and every bit kept). */
export const wordsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

export interface Backend {
  readonly kind: 'webgpu' | 'cpu';
  /** Where it runs, e.g. the GPU adapter's name or "cpu (reference)". */
  readonly adapter: string;
  readonly isSoftware: boolean;
  /** Absolute index of the next tick to simulate. */
  readonly tick: number;
  readonly counters: RunCounters;
  /**
   * Simulate `ticks` ticks; recorded spikes and state go to `recorders` in tick order.
   * `onProgress(done)` is called between batches with the ticks done so far in this call;
   * when `stop()` turns true between batches, the run ends there. Resolves to the ticks done.
   */
  run(ticks: number, recorders: Recorders, onProgress?: (done: number) => void, stop?: () => boolean): Promise<number>;
  /** Current weights of plastic projection `k` (index into `CompiledNetwork.plastic`), in its row order. */
  readPlasticWeights(k: number): Promise<Float32Array>;
  /** The dynamic state after the last tick run (for checkpoints). */
  saveState(): Promise<BackendState>;
  /** Continue from `state` (saved by a backend of either kind for the same compiled network). */
  loadState(state: BackendState): Promise<void>;
  /** Overwrite words of the network's columns or tables (inputs set between runs); in effect from the next tick run. */
  write(writes: WordWrite[]): void;
  dispose(): void;
}
