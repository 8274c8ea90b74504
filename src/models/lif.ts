/**
 * Leaky integrate-and-fire, written as equations:
 *   τm dv/dt = (vRest − v) + iExt + Isyn      (Isyn: current receptors' g, conductance receptors' g·(eRev − v))
 *   spike when v > vThresh: v = vReset, refractory for tRef.
 * Method `["exact", "euler"]`: with current receptors only the equation is linear and is
 * integrated exactly, each receptor's exponential decay included (the propagator of Brian2's
 * `exact` and NEST's iaf_psc_exp); a conductance makes it nonlinear, and v takes an Euler
 * step (as Brian2's COBA example).
 * Refractory, with R = round(tRef/dt) and a spike in tick s, exactly as Brian2's
 * `(unless refractory)` seen through our tick order: v is held at vReset in ticks
 * s+1 … s+R−1 and integrates again from tick s+R; delta inputs arriving in ticks s+1 … s+R
 * are discarded (Brian2 drops what is delivered in steps s … s+R−1, which we read one tick
 * later). Receptor values keep receiving and decaying.
 *
 * `adaptiveLif` is the same neuron with the homeostatic threshold of Diehl & Cook (2015):
 * spike when v > vThresh + θ; each spike adds thetaPlus to θ, which decays to 0 with tauTheta
 * every tick (refractory or not). θ is learned state: `sim.resetState()` keeps it. Its method
 * is `["exact", "implicit"]`: with conductances v takes an implicit (backward) Euler step,
 *   v ← (v + dt/τm · (vRest + iExt + Σ g·eRev …)) / (1 + dt/τm · (1 + Σ g)),
 * stable for any conductance: the forward step of `lif` diverges once dt/τm · (1 + Σ g) > 2,
 * which strong lateral inhibition (Diehl & Cook's, from every other neuron at once) reaches.
 */
import { equationModel } from './equationModel.ts';
import type { ParamInfo } from './model.ts';

const membrane = 'dv/dt = (vRest - v + iExt + Isyn) / tauM (unless refractory)';

const params: Record<string, ParamInfo> = {
  tauM: { default: 20, unit: 'ms', doc: 'membrane time constant', range: { min: 0, exclusiveMin: true } },
  vRest: { default: -65, unit: 'mV', doc: 'resting (leak reversal) potential', settable: true },
  vThresh: { default: -50, unit: 'mV', doc: 'spike threshold (spike when v > vThresh)', settable: true },
  vReset: { default: -65, unit: 'mV', doc: 'reset potential after a spike', settable: true },
  tRef: { default: 2, unit: 'ms', doc: 'refractory period (v held, delta inputs discarded)', range: { min: 0 } },
};
const v = { init: 'vRest', unit: 'mV', doc: 'membrane potential' };

export const lif = equationModel({
  name: 'lif',
  doc: 'Leaky integrate-and-fire with refractory period; exact integration for current receptors, Euler with conductances.',
  equations: [membrane],
  threshold: 'v > vThresh',
  reset: ['v = vReset'],
  refractory: 'tRef',
  method: ['exact', 'euler'],
  params,
  state: { v },
});

export const adaptiveLif = equationModel({
  name: 'adaptiveLif',
  doc: 'lif with an adaptive threshold (Diehl & Cook 2015): spike when v > vThresh + θ; each spike adds thetaPlus to θ, which decays with tauTheta.',
  equations: [membrane, 'dtheta/dt = -theta / tauTheta'],
  threshold: 'v > vThresh + theta',
  reset: ['v = vReset', 'theta += thetaPlus'],
  refractory: 'tRef',
  method: ['exact', 'implicit'],
  params: {
    ...params,
    vThresh: { ...params.vThresh, doc: 'spike threshold before adaptation (spike when v > vThresh + θ)' },
    thetaPlus: { default: 0.05, unit: 'mV', doc: 'threshold increase per spike (0 freezes θ but for its decay)', range: { min: 0 }, settable: true },
    tauTheta: { default: 1e7, unit: 'ms', doc: 'time constant of the threshold decay', range: { min: 0, exclusiveMin: true } },
  },
  state: { v, theta: { init: 0, unit: 'mV', doc: 'threshold adaptation θ (learned: kept by resetState)', kept: true } },
});
