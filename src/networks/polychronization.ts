/**
 * Izhikevich (2006) "Polychronization: computation with spikes", the original
 * `poly_spnet.cpp` (docs/networks.md): 800 regular-spiking E and 200 fast-spiking I
 * Izhikevich neurons, M = 100 synapses per neuron with axonal delays, STDP on the excitatory
 * synapses, random thalamic input. dt 1 ms, v in two 0.5 ms half-steps, u in one 1 ms step.
 *
 * From poly_spnet.cpp: E a 0.02, d 8; I a 0.1, d 2; b 0.2, c −65 for all; v(0) = −65,
 * u(0) = 0.2·v(0) (the model's default b·v). Each E neuron draws M = 100 distinct targets
 * among all 1000 neurons, each I neuron 100 distinct targets among the 800 E neurons, never
 * itself (rejection sampling in the order of the original, with spikegpu's counter-based RNG
 * seeded from `seed`, so not the original's `rand()` sequence). E synapse k (k = 0..99 in the
 * order drawn) has delay ⌊k/5⌋ + 1 ms (M/D = 5 per delay value, 1..20 ms); I synapses 1 ms.
 * Delay index j of the original (a spike of step t delivered in step t + j) is delay j + 1
 * here, since our spike of tick t first acts in tick t + 1. Weights +6 (E), −5 (I), added to
 * the input current for one step (`pulse` receptor). E synapses (to E and to I) are plastic in
 * [0, 10] (sm): a+ 0.1, a− 0.12, τ± 20 ms; the original sets (not adds to) a neuron's traces on
 * its spike, i.e. nearest-neighbour pairing. I synapses are static.
 *
 * Spec projections connect population to population, so E's synapses are split into `EE`
 * (targets in E) and `EI` (targets in I), explicit lists with per-synapse delays; `IE` holds
 * the inhibitory ones. Global ids as in the original: E 0..799, I 800..999.
 *
 * Deviations from poly_spnet.cpp:
 * - Thalamic input: the original gives I = 20 to exactly one random neuron each 1 ms step;
 *   here a population `thalamus` of 1000 Poisson sources at 1 Hz (one per neuron, `thalamusE`
 *   and `thalamusI`, weight 20, delay 1 ms, one-to-one lists) gives about one such input per
 *   ms in total, Poisson rather than exactly one, and it arrives one step after it is drawn.
 * - Weight changes are applied directly at every pre/post event, clipped to [0, 10]. The
 *   original accumulates them in a derivative sd and once per second does
 *   `s += 0.01 + sd; sd *= 0.9`: besides the constant +0.01 /s drift (absent here), each
 *   increment of sd is applied repeatedly, 1 + 0.9 + 0.9² + … = 10 times its size in the long
 *   run, so the original's effective amplitudes are about 10× aPlus/aMinus, smoothed over
 *   seconds; here a+ 0.1, a− 0.12 act once and at once.
 * - Traces decay by exp(−1/20) ≈ 0.9512 per ms (exact exponential, τ 20 ms) instead of 0.95.
 */
import { CounterRng, Stream, streamId } from '../rng/counterHash.ts';
import type { BuiltinNetwork } from './network.ts';

const NE = 800;
const NI = 200;
const N = NE + NI;
/** Synapses per neuron. */
const M = 100;
/** Maximum axonal delay, ms (delays 1..D, M/D synapses each). */
const D = 20;
/** Maximum excitatory weight (the original's sm). */
const SM = 10;

export const polychronization: BuiltinNetwork = {
  name: 'polychronization',
  doc: 'Izhikevich (2006) poly_spnet: 800 E + 200 I Izhikevich neurons, axonal delays 1–20 ms, nearest-pair STDP, random thalamic input',
  options: {
    seed: { default: 1, min: 0, doc: 'seed (connectivity drawn here, thalamic Poisson input)' },
  },
  build(o) {
    const seed = o.seed as number;
    const rng = new CounterRng(seed, streamId(Stream.connect, 0xffff));
    const ee = { pre: [] as number[], post: [] as number[], delay: [] as number[] };
    const ei = { pre: [] as number[], post: [] as number[], delay: [] as number[] };
    const ie = { pre: [] as number[], post: [] as number[] };
    // As poly_spnet.cpp's initialize(): targets of neuron i in order, rejecting itself and repeats.
    for (let i = 0; i < N; i++) {
      const chosen = new Set<number>();
      for (let k = 0; k < M; k++) {
        let r: number;
        do r = rng.below(i < NE ? N : NE);
        while (r === i || chosen.has(r));
        chosen.add(r);
        if (i >= NE) {
          ie.pre.push(i - NE);
          ie.post.push(r);
        } else {
          const to = r < NE ? ee : ei;
          to.pre.push(i);
          to.post.push(r < NE ? r : r - NE);
          to.delay.push(Math.floor(k / (M / D)) + 1);
        }
      }
    }
    const izh = (a: number, d: number) => ({ a, b: 0.2, c: -65, d, substeps: 2, receptors: { syn: { kind: 'pulse' as const } } });
    const stdp = {
      rule: 'stdp' as const,
      tauPlus: 20,
      tauMinus: 20,
      aPlus: 0.1,
      aMinus: 0.12,
      wMin: 0,
      wMax: SM,
      mode: 'additive' as const,
      pairing: 'nearest' as const,
    };
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => from + j);
    return {
      version: 1,
      name: 'polychronization',
      dt: 1,
      seed,
      populations: {
        E: { size: NE, model: 'izhikevich', params: izh(0.02, 8), init: { v: -65 } },
        I: { size: NI, model: 'izhikevich', params: izh(0.1, 2), init: { v: -65 } },
        thalamus: { size: N, model: 'poisson', params: { rate: 1 } },
      },
      projections: [
        {
          name: 'EE',
          pre: 'E',
          post: 'E',
          connect: { rule: 'list', pre: ee.pre, post: ee.post },
          weight: 6,
          delay: ee.delay,
          receptor: 'syn',
          plasticity: stdp,
        },
        {
          name: 'EI',
          pre: 'E',
          post: 'I',
          connect: { rule: 'list', pre: ei.pre, post: ei.post },
          weight: 6,
          delay: ei.delay,
          receptor: 'syn',
          plasticity: stdp,
        },
        { name: 'IE', pre: 'I', post: 'E', connect: { rule: 'list', pre: ie.pre, post: ie.post }, weight: -5, delay: 1, receptor: 'syn' },
        {
          name: 'thalamusE',
          pre: 'thalamus',
          post: 'E',
          connect: { rule: 'list', pre: range(0, NE), post: range(0, NE) },
          weight: 20,
          delay: 1,
          receptor: 'syn',
        },
        {
          name: 'thalamusI',
          pre: 'thalamus',
          post: 'I',
          connect: { rule: 'list', pre: range(NE, N), post: range(0, NI) },
          weight: 20,
          delay: 1,
          receptor: 'syn',
        },
      ],
      record: { spikes: ['E', 'I'] },
    };
  },
};
