/** What the Simulator needs from a backend: advance ticks and deliver recorded spikes. */
import type { SpikeRecorder } from './spikeRecorder.ts';
import type { StateRecorder } from './stateRecorder.ts';

/** Where a backend delivers what it records, tick by tick in order. */
export interface Recorders {
  spikes: SpikeRecorder;
  state: StateRecorder;
}

/** Counters a backend accumulates over a run. */
export interface RunCounters {
  /** Spikes of all neurons, recorded or not. */
  spikes: number;
  /** Synaptic events: each spike × its outgoing synapses. */
  synapticEvents: number;
}

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
  dispose(): void;
}
