/**
 * The CPU reference: the same tick semantics as the kernels (docs/design.md), in plain TypeScript
 * over the same compiled arrays, the same fixed-point ring and the same counter-based RNG,
 * with every float op rounded to f32. It is the test oracle for the GPU backend (identical
 * spikes) and `--backend cpu`.
 */
import { forEachProceduralSynapse, proceduralRowLength } from '../compile/proceduralRows.ts';
import type { CompiledGroup, CompiledNetwork, SynapseRows } from '../compile/compiled.ts';
import { hostSynapseRows } from '../compile/synapseRows.ts';
import { cpuDrive } from '../models/drive.ts';
import type { CpuColumns, CpuDrive } from '../models/model.ts';
import { wordsOf, type Backend, type BackendState, type Recorders, type RunCounters, type WordWrite } from '../sim/backend.ts';
import { CpuPlasticProjection, type PlasticityContext } from './cpuPlasticity.ts';
import { firstNonFinite, nonFiniteKeyStride, type NonFinite } from '../kernels/nonFinite.ts';
import { nonFiniteStateError } from '../sim/nonFiniteState.ts';

/** Ticks between progress callbacks (and event-loop yields, so a UI stays alive). */
const TICKS_PER_BATCH = 100;

/** Let timers, I/O and UI run between batches (setImmediate where it exists: no 1 ms clamp). */
const yieldToEventLoop = () => new Promise<void>((resolve) => ((globalThis as { setImmediate?: (f: () => void) => void }).setImmediate ?? setTimeout)(resolve));

interface CpuGroup {
  group: CompiledGroup;
  columns: CpuColumns;
  step: ReturnType<CompiledGroup['model']['cpu']>;
  drive: ReturnType<typeof cpuDrive> | null;
  record: Uint32Array;
  /** The state columns, in the order their variables are numbered in non-finite reports. */
  stateColumns: Float32Array[];
}

function columnViews(group: CompiledGroup): CpuColumns {
  const n = group.size;
  const { params, u32Params, state } = group.columns;
  const u32 = wordsOf(group.params);
  const c: CpuColumns = { p: {}, u: {}, s: {} };
  params.forEach((name, i) => (c.p[name] = group.params.subarray(i * n, (i + 1) * n)));
  u32Params.forEach((name, i) => (c.u[name] = u32.subarray((params.length + i) * n, (params.length + i + 1) * n)));
  state.forEach((name, i) => (c.s[name] = group.state.subarray(i * n, (i + 1) * n)));
  return c;
}

export class CpuBackend implements Backend {
  readonly kind = 'cpu';
  readonly adapter = 'cpu (reference)';
  readonly isSoftware = true;
  tick = 0;
  readonly counters: RunCounters = { spikes: 0, synapticEvents: 0 };
  private readonly ring: Int32Array;
  private readonly groups: CpuGroup[];
  /** Spikes of the last `spikeSlots` ticks: tick t's in slot t mod spikeSlots. */
  private readonly spikeHistory: Uint32Array[];
  private readonly plastic: CpuPlasticProjection[];
  private readonly plasticContext: PlasticityContext;
  private readonly nonFiniteStride: number;
  /** The first state that became NaN or ±Inf: the run ends with the batch it happened in. */
  private nonFinite: NonFinite | null = null;
  /** The stored rows, drawn here if they were left to a device. */
  private readonly synapses: SynapseRows;
  /** Own copy of the shared tables, which `write` may change. */
  private readonly tables: Uint32Array;

  constructor(private readonly net: CompiledNetwork) {
    this.synapses = hostSynapseRows(net.synapses, net.seed);
    this.ring = new Int32Array(net.delaySlots * net.channelCount);
    this.tables = net.tables.slice();
    // Own copies of the state, so the compiled network can be reused.
    this.groups = net.groups.map((g) => {
      const group = { ...g, params: g.params.slice(), state: g.state.slice() };
      const columns = columnViews(group);
      return {
        group,
        columns,
        step: g.model.cpu(g.receptors),
        drive: g.model.isSource ? null : cpuDrive(g.drive),
        record: columns.u.record,
        stateColumns: g.columns.state.map((name) => columns.s[name]),
      };
    });
    this.spikeHistory = Array.from({ length: net.spikeSlots }, () => new Uint32Array(0));
    this.plastic = net.plastic.map((p) => new CpuPlasticProjection(p));
    this.nonFiniteStride = nonFiniteKeyStride(net);
    this.plasticContext = {
      spikesOf: (t) => (t < 0 ? new Uint32Array(0) : this.spikeHistory[t % net.spikeSlots]),
      ring: this.ring,
      delaySlots: net.delaySlots,
      channelCount: net.channelCount,
      addEvents: (n) => (this.counters.synapticEvents += n),
    };
  }

  /** Step 2 of the previous tick: spikes of tick t−1 into the ring (run at the start of t), through stored rows, then procedural ones. */
  private propagate(spikeTick: number): void {
    const { rowStart, target, weight, channelBits } = this.synapses;
    const mask = channelBits >= 32 ? 0xffffffff : 2 ** channelBits - 1;
    const { delaySlots, channelCount } = this.net;
    for (const source of this.spikeHistory[spikeTick % this.net.spikeSlots]) {
      const end = rowStart[source + 1];
      this.counters.synapticEvents += end - rowStart[source];
      for (let j = rowStart[source]; j < end; j++) {
        const packed = target[j];
        const slot = (spikeTick + (packed >>> channelBits)) % delaySlots;
        const k = slot * channelCount + (packed & mask);
        this.ring[k] = (this.ring[k] + weight[j]) | 0;
      }
      for (const p of this.net.procedural) {
        const x = source - p.preOffset;
        if (x < 0 || x >= p.preSize) continue;
        this.counters.synapticEvents += proceduralRowLength(p, x);
        forEachProceduralSynapse(p, this.net.seed, x, (post, w, delay) => {
          const k = ((spikeTick + delay) % delaySlots) * channelCount + p.channelBase + post;
          this.ring[k] = (this.ring[k] + w) | 0;
        });
      }
    }
  }

  /** Sample state probes at the start of tick t (after propagation, before integration). */
  private sample(t: number, recorders: Recorders): void {
    const { stateProbes, stateSlots } = this.net;
    if (!stateProbes.length || !recorders.state.samples(t)) return;
    const row = new Float32Array(stateSlots);
    for (const p of stateProbes) {
      const state = this.groups[p.group].group.state;
      p.stateIndex.forEach((idx, j) => (row[p.slot + j] = state[idx]));
    }
    recorders.state.addTick(t, row);
  }

  private step(recorders: Recorders): void {
    const t = this.tick;
    if (t > 0) this.propagate(t - 1);
    for (const p of this.plastic) p.step(t, this.plasticContext);
    this.sample(t, recorders);
    const spikes: number[] = [];
    const recorded: number[] = [];
    const { delaySlots, channelCount, seed } = this.net;
    const tables = this.tables;
    const slotBase = (t % delaySlots) * channelCount;
    const stride = this.nonFiniteStride;
    for (const { group, columns, step, drive, record, stateColumns } of this.groups) {
      const n = group.size;
      const d: CpuDrive = { iConst: 0, delta: 0, g: new Float32Array(group.receptors.length), tick: t, globalId: 0, seed, tables };
      const ring = this.ring;
      let base = 0;
      const takeRing = (r: number) => {
        const k = base + r * n;
        const x = ring[k];
        ring[k] = 0;
        return x;
      };
      for (let i = 0; i < n; i++) {
        d.globalId = group.offset + i;
        if (drive) {
          base = slotBase + group.channelBase + i;
          drive.input(columns, i, d, takeRing);
        }
        const spiked = step(columns, i, d);
        if (drive) drive.decay(columns, i, d.g);
        for (let v = 0; v < stateColumns.length; v++)
          if (!Number.isFinite(stateColumns[v][i]))
            this.nonFinite = firstNonFinite(this.nonFinite, { tick: t, key: d.globalId * stride + (stride > 1 ? v : 0) });
        if (spiked) {
          spikes.push(d.globalId);
          if (record[i]) recorded.push(d.globalId);
        }
      }
    }
    this.counters.spikes += spikes.length;
    this.spikeHistory[t % this.net.spikeSlots] = Uint32Array.from(spikes);
    recorders.spikes.addTick(t, Uint32Array.from(recorded));
    this.tick = t + 1;
  }

  async run(ticks: number, recorders: Recorders, onProgress?: (done: number) => void, stop?: () => boolean): Promise<number> {
    let done = 0;
    while (done < ticks && !stop?.() && !this.nonFinite) {
      const batch = Math.min(TICKS_PER_BATCH, ticks - done);
      for (let k = 0; k < batch; k++) this.step(recorders);
      done += batch;
      onProgress?.(done);
      if (done < ticks) await yieldToEventLoop();
    }
    if (this.nonFinite) throw nonFiniteStateError(this.net, this.nonFinite);
    return done;
  }

  async readPlasticWeights(k: number): Promise<Float32Array> {
    return this.plastic[k].weight.slice();
  }

  async saveState(): Promise<BackendState> {
    const slots = this.net.spikeSlots;
    return {
      tick: this.tick,
      counters: { ...this.counters },
      groups: this.groups.map(({ group }) => ({ params: wordsOf(group.params).slice(), state: wordsOf(group.state).slice() })),
      ring: this.ring.slice(),
      recentSpikes: Array.from({ length: slots - 1 }, (_, k) => {
        const t = this.tick - 1 - k;
        return t < 0 ? new Uint32Array(0) : this.spikeHistory[t % slots].slice().sort();
      }),
      plastic: this.plastic.map((p) => p.save()),
      tables: this.tables.slice(),
    };
  }

  async loadState(state: BackendState): Promise<void> {
    this.tick = state.tick;
    Object.assign(this.counters, state.counters);
    // In place: the models' column views look into these arrays.
    this.groups.forEach(({ group }, i) => {
      wordsOf(group.params).set(state.groups[i].params);
      wordsOf(group.state).set(state.groups[i].state);
    });
    this.ring.set(state.ring);
    const slots = this.net.spikeSlots;
    this.spikeHistory.fill(new Uint32Array(0));
    state.recentSpikes.forEach((ids, k) => {
      const t = state.tick - 1 - k;
      if (t >= 0) this.spikeHistory[t % slots] = ids.slice();
    });
    this.plastic.forEach((p, k) => p.load(state.plastic[k]));
    this.tables.set(state.tables);
  }

  write(writes: WordWrite[]): void {
    for (const w of writes) {
      if (w.target === 'rule') this.plastic[w.group].writeRule(w.words, w.offset);
      else if (w.target === 'postTrace') this.plastic[w.group].writePostTrace(w.words, w.offset);
      else (w.target === 'tables' ? this.tables : wordsOf(this.groups[w.group].group[w.target])).set(w.words, w.offset);
    }
  }

  dispose(): void {}
}
