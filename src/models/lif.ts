/**
 * Leaky integrate-and-fire:
 *   τm dv/dt = (vRest − v) + Σ_current g + Σ_conductance g (eRev − v) + iConst
 * With only current-like receptors the update is exact (the propagator of the linear system,
 * as Brian2's `exact` and NEST's iaf_psc_exp); with conductance receptors v is Euler-stepped
 * (as Brian2's COBA example). Receptor values decay exactly in the shared drive code.
 * Refractory, with R = round(tRef/dt) and a spike in tick s, exactly as Brian2's
 * `(unless refractory)` seen through our tick order: v is held at vReset in ticks
 * s+1 … s+R−1 and integrates again from tick s+R; delta inputs arriving in ticks s+1 … s+R
 * are discarded (Brian2 drops what is delivered in steps s … s+R−1, which we read one tick
 * later). Receptor currents keep receiving and decaying. Spike when v > vThresh; v = vReset.
 *
 * `adaptiveLif` is the same neuron with the homeostatic threshold of Diehl & Cook (2015):
 * spike when v > vThresh + θ; each spike adds thetaPlus to θ, which decays to 0 with tauTheta
 * every tick (refractory or not). θ is learned state: `sim.resetState()` keeps it. With
 * conductance receptors its v takes an implicit (backward) Euler step,
 *   v ← (v + dt/τm · (vRest + iConst + Σ_current g + Σ_conductance g·eRev)) / (1 + dt/τm · (1 + Σ_conductance g)),
 * stable for any conductance: the forward step of `lif` diverges once dt/τm · (1 + Σ g) > 2,
 * which strong lateral inhibition (Diehl & Cook's, from every other neuron at once) reaches.
 * The division is `divideF32`, exactly rounded on the GPU as on the CPU.
 */
import { deterministicMathWgsl, divideF32 } from '../equations/deterministicMath.ts';
import { slotsOf, type NeuronModel, type ReceptorSlot } from './model.ts';
import { f32 } from '../equations/f32.ts';

const hasConductance = (receptors: ReceptorSlot[]) => slotsOf(receptors, 'conductance').length > 0;

/** The LIF models: plain (`lif`) or with Diehl & Cook's adaptive threshold (`adaptiveLif`). */
function lifModel(adaptive: boolean): NeuronModel {
  return {
    name: adaptive ? 'adaptiveLif' : 'lif',
    doc: adaptive
      ? 'lif with an adaptive threshold (Diehl & Cook 2015): spike when v > vThresh + θ; each spike adds thetaPlus to θ, which decays with tauTheta.'
      : 'Leaky integrate-and-fire with refractory period; exact integration for current receptors, Euler with conductances.',
    isSource: false,
    params: {
      tauM: { default: 20, unit: 'ms', doc: 'membrane time constant', range: { min: 0, exclusiveMin: true } },
      vRest: { default: -65, unit: 'mV', doc: 'resting (leak reversal) potential', settable: true },
      vThresh: {
        default: -50,
        settable: true,
        unit: 'mV',
        doc: adaptive ? 'spike threshold before adaptation (spike when v > vThresh + θ)' : 'spike threshold (spike when v > vThresh)',
      },
      vReset: { default: -65, unit: 'mV', doc: 'reset potential after a spike', settable: true },
      tRef: { default: 2, unit: 'ms', doc: 'refractory period (v held, delta inputs discarded)', range: { min: 0 } },
      ...(adaptive
        ? {
            thetaPlus: { default: 0.05, unit: 'mV', doc: 'threshold increase per spike (0 freezes θ but for its decay)', range: { min: 0 }, settable: true },
            tauTheta: { default: 1e7, unit: 'ms', doc: 'time constant of the threshold decay', range: { min: 0, exclusiveMin: true } },
          }
        : {}),
    },
    state: {
      v: { init: 'vRest', unit: 'mV', doc: 'membrane potential' },
      refractory: { init: 0, unit: 'ticks', doc: 'ticks until delta inputs count again (v is held while > 1)', internal: true },
      ...(adaptive ? { theta: { init: 0, unit: 'mV', doc: 'threshold adaptation θ (learned: kept by resetState)', kept: true } } : {}),
    },

    columns(receptors) {
      const exact = !hasConductance(receptors);
      return {
        params: [
          'vRest',
          'vThresh',
          'vReset',
          'refractoryTicks',
          ...(exact ? ['decayM', ...slotsOf(receptors, 'current').map((r) => `prop_${r.index}`)] : ['dtOverTauM']),
          ...(adaptive ? ['thetaPlus', 'thetaDecay'] : []),
        ],
        u32Params: [],
        state: ['v', 'refractory', ...(adaptive ? ['theta'] : [])],
      };
    },

    deriveParams(p, { dt, n, receptors }) {
      const out: Record<string, Float64Array> = {
        vRest: p.vRest,
        vThresh: p.vThresh,
        vReset: p.vReset,
        refractoryTicks: p.tRef.map((t) => Math.round(t / dt)),
        decayM: p.tauM.map((tau) => Math.exp(-dt / tau)),
        dtOverTauM: p.tauM.map((tau) => dt / tau),
      };
      if (adaptive) {
        out.thetaPlus = p.thetaPlus;
        out.thetaDecay = p.tauTheta.map((tau) => Math.exp(-dt / tau));
      }
      for (const r of slotsOf(receptors, 'current')) {
        const tauS = (r.spec as { tau: number }).tau;
        const prop = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const tauM = p.tauM[i];
          // Exact contribution of a current g (decaying with tauS) to v over one dt.
          prop[i] = Math.abs(tauS - tauM) < 1e-9 ? (dt / tauM) * Math.exp(-dt / tauM) : (tauS / (tauS - tauM)) * (Math.exp(-dt / tauS) - Math.exp(-dt / tauM));
        }
        out[`prop_${r.index}`] = prop;
      }
      return out;
    },

    wgsl(receptors) {
      const integrate = hasConductance(receptors)
        ? adaptive
          ? `var drive = p_vRest + iConst;
    var leak = 1.0;
    ${receptors
      .map((r) =>
        r.spec.kind === 'current'
          ? `drive = drive + g_${r.index};`
          : r.spec.kind === 'conductance'
            ? `drive = drive + g_${r.index} * p_eRev_${r.index};\n    leak = leak + g_${r.index};`
            : '',
      )
      .join('\n    ')}
    v = divideF32(v + p_dtOverTauM * drive, 1.0 + p_dtOverTauM * leak);`
          : `var dv = (p_vRest - v) + iConst;
    ${receptors
      .map((r) =>
        r.spec.kind === 'current' ? `dv = dv + g_${r.index};` : r.spec.kind === 'conductance' ? `dv = dv + g_${r.index} * (p_eRev_${r.index} - v);` : '',
      )
      .join('\n    ')}
    v = v + p_dtOverTauM * dv;`
        : `let vInf = p_vRest + iConst;
    v = vInf + (v - vInf) * p_decayM;
    ${slotsOf(receptors, 'current')
      .map((r) => `v = v + g_${r.index} * p_prop_${r.index};`)
      .join('\n    ')}`;
      // θ decays every tick, refractory or not; the threshold it raises is tested after.
      const theta = adaptive ? `\n  s_theta = s_theta * p_thetaDecay;` : '';
      const threshold = adaptive ? 'p_vThresh + s_theta' : 'p_vThresh';
      const onSpike = adaptive ? `\n      s_theta = s_theta + p_thetaPlus;` : '';
      return `${theta}
  var v = s_v;
  var held = false;
  if (s_refractory > 0.0) {
    s_refractory = s_refractory - 1.0;
    held = s_refractory > 0.0;
  } else {
    v = v + delta;
  }
  if (!held) {
    ${integrate}
    if (v > ${threshold}) {
      spiked = true;
      v = p_vReset;
      s_refractory = p_refractoryTicks;${onSpike}
    }
    s_v = v;
  }`;
    },

    wgslFunctions: adaptive ? (receptors) => (hasConductance(receptors) ? deterministicMathWgsl : '') : undefined,

    cpu(receptors) {
      const conductance = hasConductance(receptors);
      // Column names resolved once, not per neuron per tick.
      const current = slotsOf(receptors, 'current').map((r) => ({ index: r.index, prop: `prop_${r.index}` }));
      const kinds = receptors.map((r) => r.spec.kind);
      const eRevCols = receptors.map((r) => `eRev_${r.index}`);
      return (c, i, d) => {
        const s = c.s,
          p = c.p;
        if (adaptive) s.theta[i] = f32(s.theta[i] * p.thetaDecay[i]);
        let v = s.v[i];
        if (s.refractory[i] > 0) {
          s.refractory[i] = f32(s.refractory[i] - 1);
          if (s.refractory[i] > 0) return false;
        } else {
          v = f32(v + d.delta);
        }
        if (conductance && adaptive) {
          let drive = f32(p.vRest[i] + d.iConst);
          let leak = 1;
          for (let r = 0; r < kinds.length; r++) {
            if (kinds[r] === 'current') drive = f32(drive + d.g[r]);
            else if (kinds[r] === 'conductance') {
              drive = f32(drive + f32(d.g[r] * p[eRevCols[r]][i]));
              leak = f32(leak + d.g[r]);
            }
          }
          v = divideF32(f32(v + f32(p.dtOverTauM[i] * drive)), f32(1 + f32(p.dtOverTauM[i] * leak)));
        } else if (conductance) {
          let dv = f32(f32(p.vRest[i] - v) + d.iConst);
          for (let r = 0; r < kinds.length; r++) {
            if (kinds[r] === 'current') dv = f32(dv + d.g[r]);
            else if (kinds[r] === 'conductance') dv = f32(dv + f32(d.g[r] * f32(p[eRevCols[r]][i] - v)));
          }
          v = f32(v + f32(p.dtOverTauM[i] * dv));
        } else {
          const vInf = f32(p.vRest[i] + d.iConst);
          v = f32(vInf + f32(f32(v - vInf) * p.decayM[i]));
          for (const r of current) v = f32(v + f32(d.g[r.index] * p[r.prop][i]));
        }
        let spiked = false;
        if (v > (adaptive ? f32(p.vThresh[i] + s.theta[i]) : p.vThresh[i])) {
          spiked = true;
          v = p.vReset[i];
          s.refractory[i] = p.refractoryTicks[i];
          if (adaptive) s.theta[i] = f32(s.theta[i] + p.thetaPlus[i]);
        }
        s.v[i] = v;
        return spiked;
      };
    },
  };
}

export const lif = lifModel(false);
export const adaptiveLif = lifModel(true);
