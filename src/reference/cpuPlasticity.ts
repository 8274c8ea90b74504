/**
 * STDP in the CPU reference: the traversal of `src/kernels/plasticity.ts` (same phases, same
 * order, as tick t + 1 begins) over the same layout, with the rule's CPU twins from
 * `src/models/stdp.ts`. Spike order within a tick does not matter: every weight and trace is
 * touched at most once per phase and ring inputs are integers.
 */
import type { PlasticProjection } from '../compile/compiled.ts';
import { f32 } from '../models/model.ts';
import { fixedFromF32, stdpCpu } from '../models/stdp.ts';

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
  private readonly rule: ReturnType<typeof stdpCpu>;

  constructor(private readonly p: PlasticProjection) {
    this.weight = p.weight.slice();
    this.preTrace = new Float32Array((p.maxDelay + 1) * p.preSize);
    this.postTrace = new Float32Array(p.postSize);
    this.rule = stdpCpu(p.rule);
  }

  /** Weights and traces, copied (for checkpoints). */
  save(): { weight: Float32Array; preTrace: Float32Array; postTrace: Float32Array } {
    return { weight: this.weight.slice(), preTrace: this.preTrace.slice(), postTrace: this.postTrace.slice() };
  }

  load(saved: { weight: Float32Array; preTrace: Float32Array; postTrace: Float32Array }): void {
    this.weight.set(saved.weight);
    this.preTrace.set(saved.preTrace);
    this.postTrace.set(saved.postTrace);
  }

  /** The plasticity of tick `tick − 1`, as tick `tick` begins. */
  step(tick: number, c: PlasticityContext): void {
    if (tick === 0) return;
    const p = this.p;
    const { decayPlus, decayMinus } = p.rule;
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
