/**
 * Izhikevich (2003) simple model:
 *   dv/dt = 0.04 v² + 5 v + 140 − u + I,   du/dt = a (b v − u)
 *   if v ≥ vPeak: v = c, u = u + d
 * I = iConst + Σ_current g + Σ_conductance g (eRev − v). v is Euler-stepped in `substeps`
 * equal sub-steps of dt (Izhikevich 2003's net.m uses two 0.5 ms half-steps at dt = 1 ms),
 * then u in one step of dt using the new v. Delta inputs jump v before integration.
 *
 * 0.04 v² + 5 v is written v · (0.04 v + 5): GPU compilers may factor `x·v + 5·v` into
 * `(x + 5)·v`, which rounds differently; the factored form leaves them nothing to rewrite.
 */
import { slotsOf, type NeuronModel } from './model.ts';
import { f32 } from '../equations/f32.ts';

const K_QUAD = f32(0.04);

export const izhikevich: NeuronModel = {
  name: 'izhikevich',
  doc: 'Izhikevich (2003) quadratic model with recovery variable u; v in `substeps` Euler sub-steps.',
  isSource: false,
  params: {
    a: { default: 0.02, unit: '1/ms', doc: 'recovery time scale' },
    b: { default: 0.2, unit: '1', doc: 'recovery sensitivity to v' },
    c: { default: -65, unit: 'mV', doc: 'reset potential' },
    d: { default: 8, unit: 'mV', doc: 'recovery jump after a spike' },
    vPeak: { default: 30, unit: 'mV', doc: 'spike cut-off (spike when v ≥ vPeak)' },
    substeps: {
      default: 1,
      unit: '1',
      doc: 'Euler sub-steps of v per tick (at most 1000)',
      range: { min: 1, max: 1000, int: true },
    },
  },
  state: {
    v: { init: -65, unit: 'mV', doc: 'membrane potential' },
    u: { init: (p, s, i) => p.b[i] * s.v[i], unit: 'mV', doc: 'recovery variable (default b·v(0))' },
  },

  // Conductance reversal potentials (p_eRev_<r>) are drive columns, shared with other models.
  columns() {
    return { params: ['a', 'b', 'c', 'd', 'vPeak', 'dt', 'subDt'], u32Params: ['substeps'], state: ['v', 'u'] };
  },

  deriveParams(p, { dt, n }) {
    const substeps = new Uint32Array(n);
    const subDt = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      substeps[i] = p.substeps[i];
      subDt[i] = dt / substeps[i];
    }
    return { a: p.a, b: p.b, c: p.c, d: p.d, vPeak: p.vPeak, dt: new Float64Array(n).fill(dt), subDt, substeps };
  },

  wgsl(receptors) {
    const terms = receptors
      .map((r) => (r.spec.kind === 'current' ? ` + g_${r.index}` : r.spec.kind === 'conductance' ? ` + g_${r.index} * (p_eRev_${r.index} - v)` : ''))
      .join('');
    return `
  var v = s_v + delta;
  var u = s_u;
  for (var k = 0u; k < u_substeps; k++) {
    let iTotal = iConst${terms};
    v = v + p_subDt * (((v * (0.04 * v + 5.0) + 140.0) - u) + iTotal);
  }
  u = u + p_dt * (p_a * (p_b * v - u));
  if (v >= p_vPeak) {
    spiked = true;
    v = p_c;
    u = u + p_d;
  }
  s_v = v;
  s_u = u;`;
  },

  cpu(receptors) {
    const kinds = receptors.map((r) => r.spec.kind);
    const eRevCols = receptors.map((r) => `eRev_${r.index}`);
    const hasCond = slotsOf(receptors, 'conductance').length > 0;
    return (c, i, d) => {
      const p = c.p,
        s = c.s;
      let v = f32(s.v[i] + d.delta);
      let u = s.u[i];
      const n = c.u.substeps[i];
      for (let k = 0; k < n; k++) {
        let iTotal = d.iConst;
        for (let r = 0; r < kinds.length; r++) {
          if (kinds[r] === 'current') iTotal = f32(iTotal + d.g[r]);
          else if (hasCond && kinds[r] === 'conductance') iTotal = f32(iTotal + f32(d.g[r] * f32(p[eRevCols[r]][i] - v)));
        }
        const quad = f32(v * f32(f32(K_QUAD * v) + 5));
        v = f32(v + f32(p.subDt[i] * f32(f32(f32(quad + 140) - u) + iTotal)));
      }
      u = f32(u + f32(p.dt[i] * f32(p.a[i] * f32(f32(p.b[i] * v) - u))));
      let spiked = false;
      if (v >= p.vPeak[i]) {
        spiked = true;
        v = p.c[i];
        u = f32(u + p.d[i]);
      }
      s.v[i] = v;
      s.u[i] = u;
      return spiked;
    };
  },
};
