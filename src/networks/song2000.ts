/**
 * Song, Miller & Abbott (2000) competitive Hebbian STDP (docs/networks.md), as Brian2's
 * `examples/synapses/STDP.py`: `n` Poisson inputs at `rate` Hz onto one LIF neuron through
 * plastic excitatory synapses with additive all-to-all STDP. After tens to a hundred seconds
 * of simulated time the weight distribution (projection `inputs`) is bimodal.
 *
 * Parameters from STDP.py: τm 10 ms, El −74 mV, vt −54 mV, vr −60 mV, no refractory period,
 * ge with τe 5 ms, Ee 0 mV, gmax 0.01, w(0) = rand()·gmax, τpre = τpost = 20 ms,
 * dApre = 0.01·gmax, dApost = −dApre·τpre/τpost·1.05 (our aMinus is its magnitude), weights
 * clipped to [0, gmax]. dt 0.1 ms (Brian2's default).
 *
 * The synapse (option `synapse`):
 * - `conductance` (default): a conductance receptor, `τm dv/dt = ge (Ee − v) + El − v`, as in
 *   Song et al. (2000); weights dimensionless in [0, gmax]. LIF with a conductance is
 *   Euler-stepped. This is NOT what STDP.py integrates (see `current`).
 * - `current`: what STDP.py actually integrates, `τm dv/dt = ge (Ee − vr) + El − v` (a fixed
 *   60 mV driving force, method `exact`): a current receptor whose weights are Brian2's w
 *   times Ee − vr = 60 mV, i.e. in [0, 0.6] mV, with aPlus, aMinus, wMax scaled by 60 too.
 *   Additive STDP with clipping is scale-free, so this is Brian2's model exactly, in mV.
 *
 * Deviations from the Brian2 example:
 * - Brian2's synapses have no delay, so an input spike acts in the next integration step;
 *   here the delay is one tick (0.1 ms, the minimum), which is the same thing in our tick order
 *   for the input current. STDP pairs arrivals, though, and ours arrive one tick after
 *   Brian2's: every pairing is shifted by 0.1 ms (a pre and post spike in the same step
 *   potentiate in Brian2, depress slightly here).
 * - STDP.py leaves v at Brian2's default 0 mV, above threshold, so the neuron fires in its first
 *   step and resets to vr; here v starts at vr = −60 mV directly (one spike less at t = 0).
 * - Initial weights and Poisson spikes come from spikegpu's counter-based RNG, not Brian2's.
 */
import type { BuiltinNetwork } from './network.ts';

/** Maximum synaptic conductance (dimensionless, in units of the leak conductance). */
export const SONG2000_GMAX = 0.01;
/** STDP.py's fixed driving force Ee − vr, mV (option `synapse: 'current'`). */
export const SONG2000_DRIVE = 60;

export const song2000: BuiltinNetwork = {
  name: 'song2000',
  doc: 'Song, Miller & Abbott (2000) / Brian2 STDP.py: Poisson inputs onto one LIF neuron, additive all-to-all STDP',
  options: {
    n: { default: 1000, min: 1, doc: 'number of Poisson inputs' },
    rate: { default: 15, min: 0, doc: 'rate of each Poisson input, Hz' },
    synapse: {
      default: 'conductance',
      choices: ['conductance', 'current'],
      doc: 'conductance: ge (Ee − v), weights in [0, gmax] (Song et al. 2000); current: ge (Ee − vr) as Brian2 STDP.py integrates it, weights in mV, [0, 60·gmax]',
    },
    seed: { default: 1, min: 0, doc: 'seed (initial weights, Poisson spikes)' },
  },
  build(o) {
    const n = o.n as number;
    const dt = 0.1;
    const taupre = 20,
      taupost = 20;
    // Weight unit: dimensionless conductance, or mV for the fixed-driving-force current.
    const scale = o.synapse === 'current' ? SONG2000_DRIVE : 1;
    const gmax = SONG2000_GMAX * scale;
    const dApre = 0.01 * gmax;
    const dApost = dApre * (taupre / taupost) * 1.05; // magnitude of Brian2's (negative) dApost
    const receptor = o.synapse === 'current' ? { kind: 'current' as const, tau: 5 } : { kind: 'conductance' as const, tau: 5, eRev: 0 };
    return {
      version: 1,
      name: 'song2000',
      dt,
      seed: o.seed as number,
      populations: {
        inputs: { size: n, model: 'poisson', params: { rate: o.rate as number } },
        neuron: {
          size: 1,
          model: 'lif',
          params: { tauM: 10, vRest: -74, vThresh: -54, vReset: -60, tRef: 0, receptors: { exc: receptor } },
          init: { v: -60 },
        },
      },
      projections: [
        {
          name: 'inputs',
          pre: 'inputs',
          post: 'neuron',
          connect: { rule: 'allToAll' },
          weight: { uniform: [0, gmax] },
          delay: dt,
          receptor: 'exc',
          plasticity: {
            rule: 'stdp',
            tauPlus: taupre,
            tauMinus: taupost,
            aPlus: dApre,
            aMinus: dApost,
            wMin: 0,
            wMax: gmax,
            mode: 'additive',
            pairing: 'all',
          },
        },
      ],
      record: { spikes: ['inputs', 'neuron'] },
    };
  },
};
