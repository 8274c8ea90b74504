/**
 * STDP in the CPU reference: the traversal of `src/kernels/plasticity.ts` (same phases, same
 * order, as tick t + 1 begins) over the same layout, with the rule's CPU twins from
 * `src/models/stdp.ts`. Spike order within a tick does not matter: every weight and trace is
 * touched at most once per phase and ring inputs are integers.
 */
import type { PlasticProjection } from '../compile/compiled.ts';
import { f32 } from '../models/model.ts';
import type { PlasticState } from '../sim/backend.ts';
import { fixedFromF32, NORMALIZE_MIN_SUM, stdpCpu, stdpRuleFromUniform, stdpUniform, type StdpRule } from '../models/stdp.ts';
import { exactDivide } from '../models/exactDivision.ts';

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
  readonly weight: Float32Array;
  private readonly preTrace: Float32Array;
  private readonly postTrace: Float32Array;
  /** The rule's constants as the GPU's uniform holds them (`sim.setPlasticity` writes here). */
  private readonly constants: Float32Array;
  private ruleNow: StdpRule;
  private rule: ReturnType<typeof stdpCpu>;

  constructor(private readonly p: PlasticProjection) {
    this.weight = p.weight.slice();
    this.preTrace = new Float32Array((p.maxDelay + 1) * p.preSize);
    this.postTrace = new Float32Array(p.postSize);
    this.constants = stdpUniform(p.rule);
    this.ruleNow = p.rule;
    this.rule = stdpCpu(p.rule);
  }

  /** Weights, traces and rule constants, copied (for checkpoints). */
  save(): PlasticState {
    return { weight: this.weight.slice(), preTrace: this.preTrace.slice(), postTrace: this.postTrace.slice(), rule: this.constants.slice() };
  }

  load(saved: PlasticState): void {
    this.weight.set(saved.weight);
    this.preTrace.set(saved.preTrace);
    this.postTrace.set(saved.postTrace);
    this.writeRule(new Uint32Array(saved.rule.buffer, saved.rule.byteOffset, saved.rule.length), 0);
  }

  /** Overwrite rule constant words from `offset` (`stdpUniform` layout). */
  writeRule(words: Uint32Array, offset: number): void {
    new Uint32Array(this.constants.buffer).set(words, offset);
    this.ruleNow = stdpRuleFromUniform(this.p.rule, this.constants);
    this.rule = stdpCpu(this.ruleNow);
  }

  /** Each post neuron's incoming weights scaled to sum to `total`, summed in column order as on the GPU. */
  private normalize(total: number): void {
    const { colStart, colSynapse } = this.p;
    const { wMin, wMax } = this.ruleNow;
    const weight = this.weight;
    for (let post = 0; post < this.p.postSize; post++) {
      let sum = 0;
      for (let c = colStart[post]; c < colStart[post + 1]; c++) sum = f32(sum + weight[colSynapse[c]]);
      if (sum < NORMALIZE_MIN_SUM) continue;
      const factor = exactDivide(total, sum);
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
    const { decayPlus, decayMinus } = this.ruleNow;
    const { onSpike, potentiate, depress } = this.rule;
    const { preTrace, postTrace, weight } = this;
    const spikeTick = tick - 1;
    const slots = p.maxDelay + 1;
    const now = (spikeTick % slots) * p.preSize;
    const before = ((spikeTick + slots - 1) % slots) * p.preSize;

    // 1. decay
    for (let j = 0; j < p.preSize; j++) preTrace[now + j] = f32(preTrace[before + j] * decayPlus);
    for (let i = 0; i < p.postSize; i++) postTrace[i] = f32(postTrace[i] * decayMinus);
    // 2. spikes
    const spikes = c.spikesOf(spikeTick);
    for (const g of spikes) {
      const pre = g - p.preOffset,
        post = g - p.postOffset;
      if (pre >= 0 && pre < p.preSize) preTrace[now + pre] = onSpike(preTrace[now + pre]);
      if (post >= 0 && post < p.postSize) postTrace[post] = onSpike(postTrace[post]);
    }
    // 3. potentiate
    const preMask = p.preBits >= 32 ? 0xffffffff : 2 ** p.preBits - 1;
    for (const g of spikes) {
      const post = g - p.postOffset;
      if (post < 0 || post >= p.postSize) continue;
      for (let k = p.colStart[post]; k < p.colStart[post + 1]; k++) {
        const packed = p.colPreDelay[k];
        const delay = packed >>> p.preBits;
        const x = preTrace[((spikeTick + slots - delay) % slots) * p.preSize + (packed & preMask)];
        const s = p.colSynapse[k];
        weight[s] = potentiate(weight[s], x);
      }
    }
    // 4. arrive
    const ringBase = (tick % c.delaySlots) * c.channelCount + p.channelBase;
    for (let d = 1; d <= p.maxDelay && d <= tick; d++) {
      for (const g of c.spikesOf(tick - d)) {
        const pre = g - p.preOffset;
        if (pre < 0 || pre >= p.preSize) continue;
        const segment = pre * p.maxDelay + d - 1;
        const end = p.segStart[segment + 1];
        c.addEvents(end - p.segStart[segment]);
        for (let s = p.segStart[segment]; s < end; s++) {
          const post = p.synapsePost[s];
          const w = weight[s];
          c.ring[ringBase + post] = (c.ring[ringBase + post] + fixedFromF32(w, p.exponent)) | 0;
          weight[s] = depress(w, f32(postTrace[post] * decayMinus));
        }
      }
    }
  }
}
