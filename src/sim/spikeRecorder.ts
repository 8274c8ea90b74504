/**
 * Recorded spikes per population, filled tick by tick by either backend. Within a tick, ids
 * are sorted, so records are identical whatever order the GPU appended them in.
 */
import { populationIndexOf, type CompiledPopulation } from '../compile/compiled.ts';

/** Spikes of one population: parallel arrays, in time order, ids local to the population. */
export interface PopulationSpikes {
  /** Spike times, ms (start of the tick in which the neuron crossed threshold). */
  times: Float64Array;
  /** Local neuron ids (0 … size − 1). */
  ids: Uint32Array;
}

class GrowableU32 {
  data = new Uint32Array(256);
  length = 0;
  static of(values: Uint32Array): GrowableU32 {
    const g = new GrowableU32();
    g.data = new Uint32Array(Math.max(256, values.length));
    g.data.set(values);
    g.length = values.length;
    return g;
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

export class SpikeRecorder {
  private ticks: GrowableU32[];
  private ids: GrowableU32[];
  /** Spikes per population dropped by `clear()` (still counted). */
  private readonly cleared: number[];

  constructor(
    private readonly populations: CompiledPopulation[],
    private readonly dt: number,
  ) {
    this.ticks = populations.map(() => new GrowableU32());
    this.ids = populations.map(() => new GrowableU32());
    this.cleared = populations.map(() => 0);
  }

  /** Drop the spikes recorded so far; `count` still includes them. */
  clear(): void {
    this.ids.forEach((x, p) => (this.cleared[p] += x.length));
    this.ticks = this.populations.map(() => new GrowableU32());
    this.ids = this.populations.map(() => new GrowableU32());
  }

  /** What was recorded, copied (for checkpoints). */
  save(): { ticks: Uint32Array; ids: Uint32Array; cleared: number }[] {
    return this.populations.map((_, p) => ({ ticks: this.ticks[p].view().slice(), ids: this.ids[p].view().slice(), cleared: this.cleared[p] }));
  }

  /** Replace the recordings with saved ones. */
  load(saved: { ticks: Uint32Array; ids: Uint32Array; cleared: number }[]): void {
    this.ticks = saved.map((s) => GrowableU32.of(s.ticks));
    this.ids = saved.map((s) => GrowableU32.of(s.ids));
    saved.forEach((s, p) => (this.cleared[p] = s.cleared));
  }

  /** Add the recorded spikes of one tick (global ids, any order; sorted in place). */
  addTick(tick: number, globalIds: Uint32Array): void {
    globalIds.sort();
    for (const g of globalIds) {
      const p = populationIndexOf(this.populations, g);
      this.ticks[p].push(tick);
      this.ids[p].push(g - this.populations[p].offset);
    }
  }

  /** Recorded spikes of a population. */
  spikes(population: string): PopulationSpikes {
    const p = this.populations.findIndex((x) => x.name === population);
    if (p < 0) throw new Error(`unknown population "${population}"; known: ${this.populations.map((x) => x.name).join(', ')}`);
    const ticks = this.ticks[p].view();
    const times = new Float64Array(ticks.length);
    for (let i = 0; i < ticks.length; i++) times[i] = ticks[i] * this.dt;
    return { times, ids: this.ids[p].view().slice() };
  }

  /** Number of recorded spikes of a population since the start (cleared ones included). */
  count(population: string): number {
    const p = this.populations.findIndex((x) => x.name === population);
    return p < 0 ? 0 : this.cleared[p] + this.ids[p].length;
  }
}
