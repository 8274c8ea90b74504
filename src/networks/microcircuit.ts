/**
 * Potjans & Diesmann (2014) cortical microcircuit (docs/networks.md): 77 169 LIF neurons with
 * exponential current synapses in 8 populations (L2/3, L4, L5, L6 × E, I), ≈ 2.99·10⁸
 * synapses at full scale, Poisson background at 8 Hz. Parameters as in the paper's tables and
 * its reference implementations (PyNEST's `Potjans_2014` example, PyGeNN's
 * `potjans_microcircuit_pygenn.py`).
 *
 * Units. NEST's iaf_psc_exp integrates C dV/dt = −C (V − E_L)/τm + I with I in pA; spikegpu's
 * LIF integrates τm dv/dt = (vRest − v) + g + iExt with g in mV. Multiplying NEST's equation by
 * τm/C gives spikegpu's with g = I·τm/C: a weight of w pA is w·τm/C mV (pA·ms/pF = mV).
 * 87.8 pA · 10 ms / 250 pF = 3.512 mV.
 *
 * Connectivity: each (source, target) pair draws a fixed total number of synapses with
 * multapses and self-connections (NEST's `fixed_total_number`, our `fixedTotal` with
 * `allowMultiple`), K = ln(1 − p) / ln((Npre·Npost − 1) / (Npre·Npost)) at full scale: the
 * number of uniform draws after which a given pair has at least one synapse with probability p.
 *
 * Downscaling (`scale` s < 1), as NEST's example does with N_scaling = K_scaling = s:
 * neurons round(N·s), synapses round(K·s²) (in-degrees × s), external in-degrees
 * round(K_ext·s); weights (recurrent and external) × 1/√s, and a DC input adds the mean input
 * lost: iExt += τs·(1 − √s)·(Σ_j w_ij·k_ij·ν_j + w_ext·K_ext·ν_bg), with k_ij the full-scale
 * in-degrees and ν_j the full-scale rates. Mean input and its variance then stay those of the
 * full-scale model (to the extent the rates do).
 */
import { SpecError } from '../netspec/errors.ts';
import type { PopulationSpec, ProjectionSpec } from '../netspec/types.ts';
import type { BuiltinNetwork } from './network.ts';

export const MICROCIRCUIT_POPULATIONS = ['L23E', 'L23I', 'L4E', 'L4I', 'L5E', 'L5I', 'L6E', 'L6I'] as const;

/** Full-scale population sizes (Potjans & Diesmann 2014, Table 5). */
export const MICROCIRCUIT_SIZES = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948];

/**
 * Connection probabilities: the probability of at least one synapse from a neuron of the
 * source population (column) to a neuron of the target population (row).
 */
export const MICROCIRCUIT_PROBABILITIES = [
  [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0, 0.0076, 0],
  [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0, 0.0042, 0],
  [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0],
  [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0, 0.1057, 0],
  [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0],
  [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0],
  [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
  [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
];

/** External (background) in-degrees at full scale. */
export const MICROCIRCUIT_EXTERNAL_INDEGREES = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100];

/** Full-scale rates (Hz) of the published model, used by the downscaling compensation. */
export const MICROCIRCUIT_RATES = [0.971, 2.868, 4.746, 5.396, 8.142, 9.078, 0.991, 7.523];

/**
 * Population-specific initial membrane potentials (mean, sd; mV) of the NEST reference
 * ("optimized" initial conditions, chosen to reduce the start-up burst).
 */
export const MICROCIRCUIT_V0 = [
  [-68.28, 5.36],
  [-63.16, 4.57],
  [-63.33, 4.74],
  [-63.45, 4.94],
  [-63.11, 4.94],
  [-61.66, 4.55],
  [-66.72, 5.46],
  [-61.43, 4.48],
];

const TAU_M = 10; // ms
const C_M = 250; // pF
const TAU_SYN = 0.5; // ms
const W_PA = 87.8; // pA, excitatory weight (and the external one)
/** The excitatory weight in spikegpu's mV-equivalent units: 87.8 · 10 / 250 = 3.512 mV. */
export const MICROCIRCUIT_WEIGHT_MV = (W_PA * TAU_M) / C_M;
const G = -4; // relative inhibitory weight
const W_REL_SD = 0.1;
const BG_RATE = 8; // Hz
const DELAY = { E: 1.5, I: 0.75 }; // ms; sd half of that
const DT = 0.1;

/**
 * Full-scale number of synapses from population `source` to `target` (not rounded):
 * ln(1 − p) / ln((Npre·Npost − 1) / (Npre·Npost)).
 */
export function microcircuitFullSynapses(target: number, source: number): number {
  const p = MICROCIRCUIT_PROBABILITIES[target][source];
  const pairs = MICROCIRCUIT_SIZES[source] * MICROCIRCUIT_SIZES[target];
  // The reference implementations' expression as written (log1p would differ in the 8th digit
  // and could round a few K differently).
  return Math.log(1 - p) / Math.log((pairs - 1) / pairs);
}

/** Mean weight (mV, full scale) from `source` to `target`: 2w for L4E→L2/3E, −4w from I. */
export function microcircuitMeanWeight(target: number, source: number): number {
  if (source % 2 === 1) return G * MICROCIRCUIT_WEIGHT_MV;
  return target === 0 && source === 2 ? 2 * MICROCIRCUIT_WEIGHT_MV : MICROCIRCUIT_WEIGHT_MV;
}

export const microcircuit: BuiltinNetwork = {
  name: 'microcircuit',
  doc: 'Potjans & Diesmann (2014) cortical microcircuit: 77 169 LIF neurons in 8 populations, ≈ 3·10⁸ synapses, Poisson background',
  options: {
    scale: {
      default: 1,
      min: 0.01,
      doc: 'neurons and in-degrees × scale (≤ 1); weights × 1/√scale plus a DC input keep the mean and variance of the input (NEST downscaling)',
    },
    drive: {
      default: 'poisson',
      choices: ['poisson', 'dc'],
      doc: 'background: Poisson input at 8 Hz from K_ext sources per neuron, or the DC current of the same mean',
    },
    connectivity: {
      default: 'stored',
      choices: ['stored', 'procedural'],
      doc: 'stored synapses, or procedural ones regenerated at each spike from the seed (no per-synapse memory; the same spikes)',
    },
    seed: { default: 1, min: 0, doc: 'seed (connectivity, weights, delays, initial v, Poisson input)' },
  },
  build(o) {
    const s = o.scale as number;
    if (s > 1) throw new SpecError('--set scale', `must be ≤ 1 (the published downscaling compensates smaller in-degrees only), got ${s}`);
    const poisson = o.drive === 'poisson';
    const sqrtS = Math.sqrt(s);
    const wExt = MICROCIRCUIT_WEIGHT_MV / sqrtS;

    const populations: Record<string, PopulationSpec> = {};
    MICROCIRCUIT_POPULATIONS.forEach((name, t) => {
      const kExt = MICROCIRCUIT_EXTERNAL_INDEGREES[t];
      // Mean input (mV) of the full-scale recurrent and background input, the part the
      // downscaled network loses and gets back as DC (an exponential current of amplitude w at
      // rate ν has mean w·τs·ν; 0.001 converts Hz·ms).
      let recurrent = 0;
      for (let j = 0; j < 8; j++) recurrent += microcircuitMeanWeight(t, j) * (microcircuitFullSynapses(t, j) / MICROCIRCUIT_SIZES[t]) * MICROCIRCUIT_RATES[j];
      const background = MICROCIRCUIT_WEIGHT_MV * kExt * BG_RATE;
      const iExt = 0.001 * TAU_SYN * ((1 - sqrtS) * recurrent + (poisson ? (1 - sqrtS) * background : background));
      const [v0, v0sd] = MICROCIRCUIT_V0[t];
      populations[name] = {
        size: Math.round(MICROCIRCUIT_SIZES[t] * s),
        model: 'lif',
        params: {
          tauM: TAU_M,
          vRest: -65,
          vThresh: -50,
          vReset: -65,
          tRef: 2,
          // One receptor for E and I inputs: NEST's two ports have the same τ (0.5 ms), so the sum is the same.
          receptors: { syn: { kind: 'current', tau: TAU_SYN } },
        },
        init: { v: { normal: [v0, v0sd] } },
        ...(iExt !== 0 ? { iExt } : {}),
        ...(poisson ? { poissonInput: [{ count: Math.round(kExt * s), rate: BG_RATE, weight: wExt, receptor: 'syn' }] } : {}),
      };
    });

    const projections: ProjectionSpec[] = [];
    MICROCIRCUIT_POPULATIONS.forEach((post, t) => {
      MICROCIRCUIT_POPULATIONS.forEach((pre, j) => {
        const n = Math.round(microcircuitFullSynapses(t, j) * s * s);
        if (!(n > 0)) return;
        const exc = j % 2 === 0;
        const w = microcircuitMeanWeight(t, j) / sqrtS;
        // SD 10 % of w (8.78 pA from E, also for the doubled L4E→L2/3E weight, as the paper's
        // Table 5 and Potjans' original code; PyNEST takes 10 % of the doubled mean there).
        const sd = (W_REL_SD * Math.abs(exc ? MICROCIRCUIT_WEIGHT_MV : G * MICROCIRCUIT_WEIGHT_MV)) / sqrtS;
        const d = exc ? DELAY.E : DELAY.I;
        // Weights keep their sign and delays are ≥ dt, redrawn otherwise (NEST's normal_clipped);
        // the far bounds (10× the mean, > 80 SD away) only stand in for ∞, which JSON lacks.
        projections.push({
          name: `${pre}->${post}`,
          pre,
          post,
          connect: { rule: 'fixedTotal', n, allowSelf: true, allowMultiple: true },
          weight: { normal: [w, sd], clip: exc ? [0, 10 * w] : [10 * w, 0] },
          delay: { normal: [d, d / 2], clip: [DT, 10 * d] },
          receptor: 'syn',
          ...(o.connectivity === 'procedural' ? { storage: 'procedural' as const } : {}),
        });
      });
    });

    return {
      version: 1,
      name: s === 1 ? 'microcircuit' : `microcircuit-${s}`,
      dt: DT,
      seed: o.seed as number,
      populations,
      projections,
      record: { spikes: [...MICROCIRCUIT_POPULATIONS] },
    };
  },
};
