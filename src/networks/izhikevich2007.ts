/**
 * Izhikevich (2007) "Solving the distal reward problem through linkage of STDP and dopamine
 * signaling", the classical-conditioning experiment of its code `dastdp.m`
 * (docs/networks.md): 800 regular-spiking E and 200 fast-spiking I Izhikevich neurons,
 * 100 synapses per neuron with 1 ms delays, random input current every ms, and
 * reward-modulated STDP (`rstdp`) on every excitatory synapse. One synapse, from E neuron 0 to
 * E neuron 1 (the projection `conditioned`), starts at weight 0; the protocol
 * (`src/learning/conditioning.ts`) rewards each firing of neuron 1 within 20 ms after neuron 0
 * with dopamine 1–3 s later, through spikes of the `reward` source.
 *
 * From dastdp.m: E a 0.02, d 8; I a 0.1, d 2; b 0.2, c −65; v in two 0.5 ms half-steps; E
 * weights 1, I weights −1, added to the input current for one step (`pulse`); weights in
 * [0, 4]; traces set to 0.1 at a spike and ×0.95 per ms (τ = −1/ln 0.95 ≈ 19.5 ms; here traces
 * of 1 with aPlus 0.1, aMinus 0.15); the weight update every 10 ms with (0.002 + DA)·c, then
 * c ×0.99 (τc ≈ 995 ms); DA ×0.995 per ms (τd ≈ 199.5 ms), +0.5 per reward.
 *
 * Deviations: each E neuron's 100 targets are 80 in E and 20 in I (fixed per neuron; the
 * original draws 100 among all 1000, so 80 and 20 on average), drawn with multapses by
 * spikegpu's counter-based RNG; the input current is Gaussian with the standard deviation of
 * the original's uniform 13·(rand − 0.5), 13/√12 ≈ 3.75; the conditioned synapse is one
 * more E → E synapse rather than one of the 80 000 set to 0.
 */
import type { RewardStdpSpec } from '../models/stdp.ts';
import type { BuiltinNetwork } from './network.ts';

/** The conditioned pair: E neuron `pre` → E neuron `post`. */
export const CONDITIONED = { pre: 0, post: 1 } as const;

/** dastdp.m's per-step factors as time constants (ms) at dt = 1 ms. */
const perStepTau = (factor: number, stepMs: number) => -stepMs / Math.log(factor);

/** The rule of every excitatory synapse, rewards coming from the population `reward`. */
export const IZHIKEVICH2007_RULE: RewardStdpSpec = {
  rule: 'rstdp',
  wMin: 0,
  wMax: 4,
  aPlus: 0.1,
  aMinus: 0.15,
  tauPlus: perStepTau(0.95, 1),
  tauMinus: perStepTau(0.95, 1),
  tauC: perStepTau(0.99, 10),
  tauD: perStepTau(0.995, 1),
  baseline: 0.002,
  every: 10,
  pairing: 'nearest',
  modulatedBy: { population: 'reward', amount: 0.5 },
};

export const izhikevich2007: BuiltinNetwork = {
  name: 'izhikevich2007',
  doc: 'Izhikevich (2007) dastdp.m: 800 E + 200 I Izhikevich neurons, reward-modulated STDP, one conditioned synapse',
  options: {
    seed: { default: 1, min: 0, doc: 'seed (connectivity and input current)' },
  },
  build(o) {
    const neuron = (a: number, d: number) => ({
      model: 'izhikevich',
      params: { a, b: 0.2, c: -65, d, substeps: 2, receptors: { syn: { kind: 'pulse' as const } } },
      init: { v: -65 },
      noise: { sd: 13 / Math.sqrt(12) },
    });
    const excitatory = (post: string, k: number) => ({
      name: `E${post}`,
      pre: 'E',
      post,
      connect: { rule: 'fixedOutDegree' as const, k, allowMultiple: true },
      weight: 1,
      delay: 1,
      receptor: 'syn',
      plasticity: IZHIKEVICH2007_RULE,
    });
    return {
      version: 1,
      name: 'izhikevich2007',
      dt: 1,
      seed: o.seed as number,
      populations: {
        E: { size: 800, ...neuron(0.02, 8) },
        I: { size: 200, ...neuron(0.1, 2) },
        // Rewards: spikes set by the protocol, at most 4096 pending at once.
        reward: { size: 1, model: 'spikeSource', capacity: 4096 },
      },
      projections: [
        excitatory('E', 80),
        excitatory('I', 20),
        { name: 'IE', pre: 'I', post: 'E', connect: { rule: 'fixedOutDegree', k: 100, allowMultiple: true }, weight: -1, delay: 1, receptor: 'syn' },
        {
          name: 'conditioned',
          pre: 'E',
          post: 'E',
          connect: { rule: 'list', pre: [CONDITIONED.pre], post: [CONDITIONED.post] },
          weight: 0,
          delay: 1,
          receptor: 'syn',
          plasticity: IZHIKEVICH2007_RULE,
        },
      ],
      record: { spikes: [{ pop: 'E', ids: [CONDITIONED.pre, CONDITIONED.post] }] },
    };
  },
};
