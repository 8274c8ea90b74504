/** Sampled state variables (`record.state`), filled tick by tick by either backend. */
import type { StateProbe } from '../compile/compiled.ts';

/** Samples of one probe: `values[k · ids.length + j]` is neuron `ids[j]` at `times[k]`. */
export interface StateTrace {
  /** Sample times, ms (the value at the start of the tick). */
  times: Float64Array;
  ids: Uint32Array;
  values: Float32Array;
}

export class StateRecorder {
  private ticks: number[][];
  private values: Float32Array[][];

  constructor(
    readonly probes: StateProbe[],
    private readonly dt: number,
  ) {
    this.ticks = probes.map(() => []);
    this.values = probes.map(() => []);
  }

  /** Drop the samples taken so far. */
  clear(): void {
    this.ticks = this.probes.map(() => []);
    this.values = this.probes.map(() => []);
  }

  /** What was sampled, copied (for checkpoints): per probe, its ticks and its rows end to end. */
  save(): { ticks: Uint32Array; values: Float32Array }[] {
    return this.probes.map((p, k) => {
      const values = new Float32Array(this.values[k].length * p.ids.length);
      this.values[k].forEach((row, i) => values.set(row, i * p.ids.length));
      return { ticks: Uint32Array.from(this.ticks[k]), values };
    });
  }

  /** Replace the samples with saved ones. */
  load(saved: { ticks: Uint32Array; values: Float32Array }[]): void {
    this.ticks = saved.map((s) => Array.from(s.ticks));
    this.values = saved.map((s, k) => Array.from(s.ticks, (_, i) => s.values.slice(i * this.probes[k].ids.length, (i + 1) * this.probes[k].ids.length)));
  }

  /** Whether any probe samples at `tick`. */
  samples(tick: number): boolean {
    return this.probes.some((p) => tick % p.everyTicks === 0);
  }

  /** A tick's row of samples (all probes' slots); probes not due at `tick` ignore it. */
  addTick(tick: number, row: Float32Array): void {
    this.probes.forEach((p, k) => {
      if (tick % p.everyTicks !== 0) return;
      this.ticks[k].push(tick);
      this.values[k].push(row.slice(p.slot, p.slot + p.ids.length));
    });
  }

  /** The trace of `variable` in `population` (the first probe that records it). */
  trace(population: string, variable: string): StateTrace {
    const k = this.probes.findIndex((p) => p.population === population && p.variable === variable);
    if (k < 0) throw new Error(`state ${population}.${variable} is not recorded; add { "pop": "${population}", "var": "${variable}" } to record.state`);
    const n = this.probes[k].ids.length;
    const values = new Float32Array(this.values[k].length * n);
    this.values[k].forEach((row, i) => values.set(row, i * n));
    return { times: Float64Array.from(this.ticks[k], (t) => t * this.dt), ids: this.probes[k].ids.slice(), values };
  }
}
