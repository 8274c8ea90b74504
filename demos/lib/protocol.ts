/**
 * Messages between a demo page and its simulation worker (`simWorker.ts`). The simulator
 * lives in a worker, so the page's main thread only draws: a WebGPU simulator runs there on
 * the worker's `navigator.gpu`, and the CPU reference (when the browser has no WebGPU) runs
 * there without freezing the page.
 */
import type { RunSummary } from 'spikegpu';

export type Backend = 'webgpu' | 'cpu';

export type ToWorker =
  | { type: 'create'; spec: unknown; backend: Backend }
  /** Advance by `ms` and report what was recorded in that time. */
  | { type: 'run'; ms: number }
  | { type: 'weights'; projection: string }
  | { type: 'dispose' };

export interface NetworkInfo {
  name: string;
  dt: number;
  neurons: number;
  synapses: number;
  /** `recorded`: neurons whose spikes are recorded (0 … size). */
  populations: { name: string; size: number; offset: number; model: string; recorded: number }[];
  /** Recorded state traces: population, variable, local ids. */
  probes: { pop: string; variable: string; ids: number[] }[];
  plastic: { name: string; pre: string; post: string; preSize: number; postSize: number; wMin: number; wMax: number }[];
  adapter: string;
  backend: Backend;
  gpuBytes: number;
  buildMs: number;
}

/** What one `run` recorded, per population (times in ms, local ids) and per probe. */
export interface Chunk {
  timeMs: number;
  spikes: Record<string, { times: Float64Array; ids: Uint32Array }>;
  state: { times: Float64Array; values: Float32Array }[];
  summary: RunSummary;
}

export type FromWorker =
  | { type: 'created'; info: NetworkInfo }
  | { type: 'ran'; chunk: Chunk }
  | { type: 'weights'; projection: string; pre: Uint32Array; post: Uint32Array; weights: Float32Array }
  /** `kind`: spec (invalid document, `message` names the path), adapter (no WebGPU), other. */
  | { type: 'error'; kind: 'spec' | 'adapter' | 'other'; message: string };
