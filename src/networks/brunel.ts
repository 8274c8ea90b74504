/**
 * Brunel (2000) sparse E/I network of delta-synapse LIF neurons (docs/networks.md),
 * regimes A–D of fig. 8. External drive: Poisson input of CE sources of weight J at
 * ν_ext = ratio · ν_thr, ν_thr = θ / (J · CE · τm). Scaling to `n` keeps the in-degrees
 * CE = 1000, CI = 250 (so the regime is kept), i.e. ε = 1000 / NE.
 */
import type { BuiltinNetwork } from './network.ts';

/** Brunel (2000) fig. 8: relative inhibition g and external rate ratio ν_ext / ν_thr. */
export const BRUNEL_REGIMES: Record<string, { g: number; ratio: number; doc: string }> = {
  A: { g: 3, ratio: 2, doc: 'synchronous regular' },
  B: { g: 6, ratio: 4, doc: 'asynchronous irregular, fast oscillation' },
  C: { g: 5, ratio: 2, doc: 'asynchronous irregular' },
  D: { g: 4.5, ratio: 0.9, doc: 'synchronous irregular, slow oscillation' },
};

const J = 0.1; // mV
const TAU_M = 20; // ms
const THETA = 20; // mV
const CE = 1000;

export const brunel: BuiltinNetwork = {
  name: 'brunel',
  doc: 'Brunel (2000) sparse E/I network with delta synapses and Poisson drive, regimes A–D',
  options: {
    n: { default: 12500, min: 1250, doc: 'total neurons (E = 80 %); in-degrees stay CE = 1000, CI = 250' },
    regime: {
      default: 'C',
      choices: Object.keys(BRUNEL_REGIMES),
      doc: Object.entries(BRUNEL_REGIMES)
        .map(([k, r]) => `${k}: g ${r.g}, ratio ${r.ratio} (${r.doc})`)
        .join('; '),
    },
    delay: {
      default: 1.5,
      min: 0.1,
      doc: "synaptic delay, ms: a spike of tick t acts in tick t + delay/dt (NEST's convention; Brian2's delay D acts one tick later, so D + dt here)",
    },
    connect: {
      default: 'fixedInDegree',
      choices: ['fixedInDegree', 'fixedProbability'],
      doc: "exactly CE/CI inputs per neuron (the paper) or each pair with probability ε (Brian2's example)",
    },
  },
  build(o) {
    const n = o.n as number;
    const { g, ratio } = BRUNEL_REGIMES[o.regime as string];
    const nE = Math.round(0.8 * n),
      nI = n - nE;
    const epsilon = Math.min(1, CE / nE);
    const cE = Math.round(epsilon * nE),
      cI = Math.round(epsilon * nI);
    const nuThrHz = (THETA / (J * cE * TAU_M)) * 1000;
    const lif = {
      tauM: TAU_M,
      vRest: 0,
      vThresh: THETA,
      vReset: 10,
      tRef: 2,
      receptors: { exc: { kind: 'delta' as const }, inh: { kind: 'delta' as const } },
    };
    const pop = (size: number) => ({
      size,
      model: 'lif',
      params: lif,
      init: { v: 0 },
      poissonInput: [{ count: cE, rate: ratio * nuThrHz, weight: J, receptor: 'exc' }],
    });
    // fixedInDegree: distinct sources (no multapses), self-connections allowed, as the paper.
    const connect = (k: number) =>
      o.connect === 'fixedInDegree' ? { rule: 'fixedInDegree' as const, k, allowMultiple: false } : { rule: 'fixedProbability' as const, p: epsilon };
    const proj = (pre: string, post: string) => ({
      pre,
      post,
      connect: connect(pre === 'E' ? cE : cI),
      weight: pre === 'E' ? J : -g * J,
      delay: o.delay as number,
      receptor: pre === 'E' ? 'exc' : 'inh',
    });
    return {
      version: 1,
      name: `brunel-${o.regime}`,
      dt: 0.1,
      seed: 1,
      populations: { E: pop(nE), I: pop(nI) },
      projections: [proj('E', 'E'), proj('E', 'I'), proj('I', 'E'), proj('I', 'I')],
      record: { spikes: ['E', 'I'] },
    };
  },
};
