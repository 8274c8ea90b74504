/**
 * Izhikevich (2003) simple model, written as equations:
 *   dv/dt = 0.04 v² + 5 v + 140 − u + I,   du/dt = a (b v − u)
 *   if v ≥ vPeak: v = c, u = u + d
 * with I = iExt + Isyn (current receptors' g, conductance receptors' g·(eRev − v)). v takes
 * `substeps` Euler sub-steps of dt/substeps (Izhikevich 2003's net.m uses two 0.5 ms
 * half-steps at dt = 1 ms), then u one step of dt from the new v. Delta inputs jump v first.
 *
 * 0.04 v² + 5 v is written v · (0.04 v + 5): GPU compilers may factor `x·v + 5·v` into
 * `(x + 5)·v`, which rounds differently; the factored form leaves them nothing to rewrite.
 */
import { equationModel } from './equationModel.ts';

export const izhikevich = equationModel({
  name: 'izhikevich',
  doc: 'Izhikevich (2003) quadratic model with recovery variable u; v in `substeps` Euler sub-steps.',
  equations: ['dv/dt = (v*(0.04*v + 5) + 140 - u) + (iExt + Isyn)', 'du/dt = a*(b*v - u)'],
  threshold: 'v >= vPeak',
  reset: ['v = c', 'u += d'],
  method: 'euler',
  substeps: { variables: ['v'], count: 'substeps' },
  params: {
    a: { default: 0.02, unit: '1/ms', doc: 'recovery time scale' },
    b: { default: 0.2, unit: '1', doc: 'recovery sensitivity to v' },
    c: { default: -65, unit: 'mV', doc: 'reset potential' },
    d: { default: 8, unit: 'mV', doc: 'recovery jump after a spike' },
    vPeak: { default: 30, unit: 'mV', doc: 'spike cut-off (spike when v ≥ vPeak)' },
    substeps: { default: 1, unit: '1', doc: 'Euler sub-steps of v per tick (at most 1000)', range: { min: 1, max: 1000, int: true } },
  },
  state: {
    v: { init: -65, unit: 'mV', doc: 'membrane potential' },
    u: { init: (p, s, i) => p.b[i] * s.v[i], unit: 'mV', doc: 'recovery variable (default b·v(0))' },
  },
});
