/**
 * Weight snapshots of plastic projections (`record.weights`): the simulator pauses at each
 * multiple of a record's period (from t = 0) and reads the weights back. A snapshot at time T
 * holds the weights as tick T begins (the pairings of tick T − 1 apply as tick T begins, so
 * they are in the next snapshot).
 */
import type { WeightRecord } from '../compile/compiled.ts';

/** Snapshots of one projection: `weights[k]` at `times[k]` ms, in `sim.weights()` order. */
export interface WeightHistory {
  times: Float64Array;
  weights: Float32Array[];
}

export class WeightRecorder {
  private ticks: number[][];
  private weights: Float32Array[][];
  /** Tick of each record's latest snapshot (kept by `clear()`, so it is not taken twice). */
  private readonly last: number[];

  constructor(
    readonly records: WeightRecord[],
    private readonly dt: number,
  ) {
    this.ticks = records.map(() => []);
    this.weights = records.map(() => []);
    this.last = records.map(() => -1);
  }

  /** Drop the snapshots taken so far. */
  clear(): void {
    this.ticks = this.records.map(() => []);
    this.weights = this.records.map(() => []);
  }

  /** The snapshots, copied (for checkpoints): per record, their ticks, the snapshots end to end and the latest tick. */
  save(): { ticks: Uint32Array; weights: Float32Array; last: number }[] {
    return this.records.map((_, k) => {
      const size = this.weights[k][0]?.length ?? 0;
      const weights = new Float32Array(this.weights[k].length * size);
      this.weights[k].forEach((w, i) => weights.set(w, i * size));
      return { ticks: Uint32Array.from(this.ticks[k]), weights, last: this.last[k] };
    });
  }

  /** Replace the snapshots with saved ones. */
  load(saved: { ticks: Uint32Array; weights: Float32Array; last: number }[]): void {
    this.ticks = saved.map((s) => Array.from(s.ticks));
    this.weights = saved.map((s) => {
      const size = s.ticks.length ? s.weights.length / s.ticks.length : 0;
      return Array.from(s.ticks, (_, i) => s.weights.slice(i * size, (i + 1) * size));
    });
    saved.forEach((s, k) => (this.last[k] = s.last));
  }

  /** Records due at `tick` that have no snapshot there yet. */
  due(tick: number): number[] {
    return this.records.flatMap((r, k) => (tick % r.everyTicks === 0 && this.last[k] !== tick ? [k] : []));
  }

  /** The first tick after `tick` at which some record is due (Infinity without records). */
  nextAfter(tick: number): number {
    return this.records.reduce((a, r) => Math.min(a, (Math.floor(tick / r.everyTicks) + 1) * r.everyTicks), Infinity);
  }

  add(k: number, tick: number, weights: Float32Array): void {
    this.ticks[k].push(tick);
    this.weights[k].push(weights);
    this.last[k] = tick;
  }

  history(projection: string): WeightHistory {
    const k = this.records.findIndex((r) => r.projection === projection);
    if (k < 0) throw new Error(`weights of ${projection} are not recorded; add { "projection": "${projection}", "every": <ms> } to record.weights`);
    return { times: Float64Array.from(this.ticks[k], (t) => t * this.dt), weights: this.weights[k].slice() };
  }
}
