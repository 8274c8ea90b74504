/**
 * Plasticity in the CPU reference: the traversal of `src/kernels/plasticity.ts` (same phases,
 * same order, as tick t + 1 begins) over the same layout, with the CPU twins generated from the
 * rule's definition (`src/models/plasticityRule.ts`). Spike order within a tick does not
 * matter: every weight and trace is touched at most once per phase and ring inputs are integers.
 */
import { modulatorWord, plasticBufferLayout, plasticShape, synapseValuesOf, type PlasticProjection } from '../compile/compiled.ts';
import { f32 } from '../equations/f32.ts';
import type { PlasticState } from '../sim/backend.ts';
import { fixedFromF32, NORMALIZE_MIN_SUM } from '../models/stdp.ts';
import { ruleCode, type RuleCode } from '../models/plasticityRule.ts';
import { divideF32 } from '../equations/deterministicMath.ts';

export interface PlasticityContext {
  /** Spikes (global ids) of an earlier tick; empty before tick 0. */
  spikesOf(tick: number): Uint32Array;
  ring: Int32Array;
  delaySlots: number;
  channelCount: number;
  /** Counts synaptic events (arrivals × synapses). */
  addEvents(n: number): void;
}

export class CpuPlasticProjection {
  /** The weights, then each synapse variable of the rule (`synapseValuesOf`). */
  private readonly values: Float32Array;
  private readonly preTrace: Float32Array;
  private readonly postTrace: Float32Array;
  /** The rule's constants as the GPU's uniform holds them (`sim.setPlasticity` writes here). */
  private readonly constants: Float32Array;
  private readonly code: RuleCode;
  /** Uniform words of each trace's decay, pre traces then post traces. */
  private readonly preDecay: number[];
  private readonly postDecay: number[];

  constructor(private readonly p: PlasticProjection) {
    const { preTraces, postTraces } = p.rule.definition;
    const layout = plasticBufferLayout(plasticShape(p));
    this.values = synapseValuesOf(p);
    this.preTrace = new Float32Array(layout.preTrace.bytes / 4);
    this.postTrace = new Float32Array(layout.postTrace.bytes / 4);
    this.constants = p.rule.constants.slice();
    this.code = ruleCode(p.rule.definition);
    this.preDecay = Object.keys(preTraces).map((t) => p.rule.fields.indexOf(`decay_${t}`));
    this.postDecay = Object.keys(postTraces).map((t) => p.rule.fields.indexOf(`decay_${t}`));
  }

  /** The current weights (a view). */
  get weight(): Float32Array {
    return this.values.subarray(0, this.p.weight.length);
  }

  /** Weights and synapse variables, traces and rule constants, copied (for checkpoints). */
  save(): PlasticState {
    return { weight: this.values.slice(), preTrace: this.preTrace.slice(), postTrace: this.postTrace.slice(), rule: this.constants.slice() };
  }

  load(saved: PlasticState): void {
    this.values.set(saved.weight);
    this.preTrace.set(saved.preTrace);
    this.postTrace.set(saved.postTrace);
    this.writeRule(new Uint32Array(saved.rule.buffer, saved.rule.byteOffset, saved.rule.length), 0);
  }

  /** Overwrite rule constant words from `offset` (`CompiledRule.constants` layout). */
  writeRule(words: Uint32Array, offset: number): void {
    new Uint32Array(this.constants.buffer).set(words, offset);
  }

  /** Overwrite postsynaptic trace words from `offset` (the modulator is the last). */
  writePostTrace(words: Uint32Array, offset: number): void {
    new Uint32Array(this.postTrace.buffer).set(words, offset);
  }

  /** Each post neuron's incoming weights scaled to sum to `total`, summed in column order as on the GPU. */
  private normalize(total: number): void {
    const { colStart, colSynapse } = this.p;
    const k = this.constants;
    const wMin = k[this.p.rule.fields.indexOf('wMin')],
      wMax = k[this.p.rule.fields.indexOf('wMax')];
    const weight = this.weight;
    for (let post = 0; post < this.p.postSize; post++) {
      let sum = 0;
      for (let c = colStart[post]; c < colStart[post + 1]; c++) sum = f32(sum + weight[colSynapse[c]]);
      if (sum < NORMALIZE_MIN_SUM) continue;
      const factor = divideF32(total, sum);
      for (let c = colStart[post]; c < colStart[post + 1]; c++) {
        const s = colSynapse[c];
        weight[s] = Math.min(Math.max(f32(weight[s] * factor), wMin), wMax);
      }
    }
  }

  /** The plasticity of tick `tick − 1`, as tick `tick` begins. */
  step(tick: number, c: PlasticityContext): void {
    const p = this.p;
    // 0. normalize
    if (p.normalize && tick % p.normalize.everyTicks === 0) this.normalize(p.normalize.total);
    if (tick === 0) return;
    const k = this.constants;
    const code = this.code;
    const { cpu, onPre, onPost } = code;
    const { preTrace, postTrace, preDecay, postDecay } = this;
    const weight = this.values;
    const synapses = p.weight.length;
    /** Where the hooks write: the weights, or the synapse variable the rule targets. */
    const targetBase = code.synapseValues.indexOf(code.target) * synapses;
    const modulatorIndex = modulatorWord(p);
    const spikeTick = tick - 1;
    const slots = p.maxDelay + 1;
    const { preSize, postSize } = p;
    /** Index of pre trace t of neuron j at tick `at`. */
    const preAt = (t: number, at: number, j: number) => (t * slots + (at % slots)) * preSize + j;
    const preOf = (name: string) => Object.keys(p.rule.definition.preTraces).indexOf(name);
    const postOf = (name: string) => Object.keys(p.rule.definition.postTraces).indexOf(name);

    // 1. decay
    preDecay.forEach((word, t) => {
      const decay = k[word];
      for (let j = 0; j < preSize; j++) preTrace[preAt(t, spikeTick, j)] = f32(preTrace[preAt(t, spikeTick + slots - 1, j)] * decay);
    });
    postDecay.forEach((word, t) => {
      const decay = k[word];
      for (let i = 0; i < postSize; i++) postTrace[t * postSize + i] = f32(postTrace[t * postSize + i] * decay);
    });
    const modulator = p.rule.definition.modulator;
    if (modulator) {
      let d = f32(postTrace[modulatorIndex] * k[p.rule.fields.indexOf(`decay_${modulator.name}`)]);
      const source = p.rule.modulatedBy;
      if (source) {
        const step = k[p.rule.fields.indexOf('modulatorStep')];
        for (const g of c.spikesOf(spikeTick)) if (g - source.offset >= 0 && g - source.offset < source.size) d = f32(d + step);
      }
      postTrace[modulatorIndex] = d;
    }
    // 2. spikes: onPost reads post traces before this tick's spikes update them.
    const spikes = c.spikesOf(spikeTick);
    const postBefore = onPost.post.map((name) => postOf(name));
    const beforeValues = new Map<number, number[]>();
    for (const g of spikes) {
      const post = g - p.postOffset;
      if (post >= 0 && post < postSize)
        beforeValues.set(
          post,
          postBefore.map((t) => postTrace[t * postSize + post]),
        );
    }
    for (const g of spikes) {
      const pre = g - p.preOffset,
        post = g - p.postOffset;
      if (pre >= 0 && pre < preSize) cpu.preSpike.forEach((f, t) => (preTrace[preAt(t, spikeTick, pre)] = f(k, preTrace[preAt(t, spikeTick, pre)])));
      if (post >= 0 && post < postSize) cpu.postSpike.forEach((f, t) => (postTrace[t * postSize + post] = f(k, postTrace[t * postSize + post])));
    }
    // 3. onPost along the columns of post spikes
    const preMask = p.preBits >= 32 ? 0xffffffff : 2 ** p.preBits - 1;
    const seen = onPost.pre.map((name) => preOf(name));
    const args: number[] = [];
    for (const g of spikes) {
      const post = g - p.postOffset;
      if (post < 0 || post >= postSize) continue;
      const before = beforeValues.get(post)!;
      for (let q = p.colStart[post]; q < p.colStart[post + 1]; q++) {
        const packed = p.colPreDelay[q];
        const delay = packed >>> p.preBits;
        const j = packed & preMask;
        args.length = 0;
        for (const t of seen) args.push(preTrace[preAt(t, spikeTick + slots - delay, j)]);
        args.push(...before);
        const s = targetBase + p.colSynapse[q];
        weight[s] = cpu.onPost(k, weight[s], ...args);
      }
    }
    // 4. arrive: onPre with post traces decayed to this tick and pre traces just before the spike
    const ringBase = (tick % c.delaySlots) * c.channelCount + p.channelBase;
    const preBefore = onPre.pre.map((name) => ({ t: preOf(name), decay: k[preDecay[preOf(name)]] }));
    const atArrival = onPre.post.map((name) => ({ t: postOf(name), decay: k[postDecay[postOf(name)]] }));
    for (let d = 1; d <= p.maxDelay && d <= tick; d++) {
      for (const g of c.spikesOf(tick - d)) {
        const pre = g - p.preOffset;
        if (pre < 0 || pre >= preSize) continue;
        const segment = pre * p.maxDelay + d - 1;
        const end = p.segStart[segment + 1];
        c.addEvents(end - p.segStart[segment]);
        const preValues = preBefore.map(({ t, decay }) => f32(preTrace[preAt(t, tick + slots - d - 1, pre)] * decay));
        for (let s = p.segStart[segment]; s < end; s++) {
          const post = p.synapsePost[s];
          const w = weight[s];
          c.ring[ringBase + post] = (c.ring[ringBase + post] + fixedFromF32(w, p.exponent)) | 0;
          args.length = 0;
          args.push(...preValues);
          for (const { t, decay } of atArrival) args.push(f32(postTrace[t * postSize + post] * decay));
          weight[targetBase + s] = cpu.onPre(k, weight[targetBase + s], ...args);
        }
      }
    }
    // 5. periodic: every synapse's values from their old values and the modulator
    if (p.rule.periodTicks && tick % p.rule.periodTicks === 0) cpu.periodic(k, weight, synapses, modulator ? postTrace[modulatorIndex] : 0);
  }
}
