/** The plastic built-in networks: song2000 (Song, Miller & Abbott 2000) and polychronization (Izhikevich 2006). */
import { describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { SONG2000_DRIVE, SONG2000_GMAX } from '../../src/networks/song2000.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/netspec/types.ts';
import type { StdpSpec } from '../../src/models/stdp.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';

const projection = (spec: NetworkSpec, name: string): ProjectionSpec => {
  const p = spec.projections!.find((x) => x.name === name);
  if (!p) throw new Error(`no projection ${name}`);
  return p;
};

const list = (p: ProjectionSpec): { pre: number[]; post: number[] } => {
  if (p.connect.rule !== 'list') throw new Error(`${p.name} is not a list projection`);
  return p.connect;
};

describe('song2000', () => {
  it.each<Record<string, string | number>>([{}, { n: 10, rate: 20, seed: 3 }, { synapse: 'current' }])('%j validates, also after a JSON round trip', (opts) => {
    const spec = builtinNetwork('song2000', opts);
    expect(validateSpec(spec)).toBe(spec);
    expect(() => validateSpec(JSON.parse(JSON.stringify(spec)))).not.toThrow();
  });

  it('is Brian2 STDP.py: 1000 Poisson inputs at 15 Hz onto one LIF neuron, dt 0.1 ms', () => {
    const spec = builtinNetwork('song2000');
    expect(spec.dt).toBe(0.1);
    expect(spec.seed).toBe(1);
    expect(spec.populations.inputs).toEqual({ size: 1000, model: 'poisson', params: { rate: 15 } });
    const neuron = spec.populations.neuron;
    expect(neuron.size).toBe(1);
    expect(neuron.model).toBe('lif');
    expect(neuron.params).toMatchObject({ tauM: 10, vRest: -74, vThresh: -54, vReset: -60, tRef: 0 });
    expect(neuron.params!.receptors).toEqual({ exc: { kind: 'conductance', tau: 5, eRev: 0 } });
    expect(neuron.init).toEqual({ v: -60 });
    expect(spec.record).toEqual({ spikes: ['inputs', 'neuron'] });
  });

  it('has one all-to-all plastic projection with additive all-pairs STDP and weights in [0, gmax]', () => {
    const spec = builtinNetwork('song2000');
    expect(spec.projections).toHaveLength(1);
    const p = projection(spec, 'inputs');
    expect(p).toMatchObject({ pre: 'inputs', post: 'neuron', connect: { rule: 'allToAll' }, delay: 0.1, receptor: 'exc' });
    const gmax = SONG2000_GMAX;
    expect(gmax).toBe(0.01);
    expect(p.weight).toEqual({ uniform: [0, gmax] });
    const pl = p.plasticity as StdpSpec;
    expect(pl).toMatchObject({ rule: 'stdp', tauPlus: 20, tauMinus: 20, wMin: 0, wMax: gmax, mode: 'additive', pairing: 'all' });
    expect(pl.aPlus).toBeCloseTo(0.01 * gmax, 15);
    expect(pl.aMinus).toBeCloseTo(0.01 * gmax * 1.05, 15);
    expect(pl.aMinus).toBeGreaterThan(pl.aPlus); // depression dominates (Song et al. 2000)
  });

  it("synapse: current is STDP.py's fixed driving force, everything scaled to mV", () => {
    const spec = builtinNetwork('song2000', { synapse: 'current' });
    expect(spec.populations.neuron.params!.receptors).toEqual({ exc: { kind: 'current', tau: 5 } });
    const p = projection(spec, 'inputs');
    const wMax = SONG2000_GMAX * SONG2000_DRIVE;
    expect(SONG2000_DRIVE).toBe(60); // Ee − vr = 0 − (−60) mV
    expect(p.weight).toEqual({ uniform: [0, wMax] });
    expect(p.plasticity).toMatchObject({ wMin: 0, wMax, mode: 'additive', pairing: 'all' });
    expect((p.plasticity as StdpSpec).aPlus).toBeCloseTo(0.01 * wMax, 15);
    expect((p.plasticity as StdpSpec).aMinus).toBeCloseTo(0.01 * wMax * 1.05, 15);
  });

  it('n sets the input count, rate the input rate, seed the spec seed', () => {
    const spec = builtinNetwork('song2000', { n: 37, rate: 5, seed: 9 });
    expect(spec.populations.inputs.size).toBe(37);
    expect(spec.populations.inputs.params).toEqual({ rate: 5 });
    expect(spec.seed).toBe(9);
    expect(() => builtinNetwork('song2000', { n: 0 })).toThrow(/n: must be ≥ 1/);
    expect(() => builtinNetwork('song2000', { synapse: 'delta' })).toThrow(/must be one of conductance, current/);
  });
});

describe('polychronization', () => {
  const NE = 800,
    NI = 200,
    M = 100;
  const spec = builtinNetwork('polychronization');

  it('validates, also after a JSON round trip', () => {
    expect(validateSpec(spec)).toBe(spec);
    expect(() => validateSpec(JSON.parse(JSON.stringify(spec)))).not.toThrow();
    expect(() => validateSpec(builtinNetwork('polychronization', { seed: 5 }))).not.toThrow();
  });

  it('has 800 RS and 200 FS Izhikevich neurons at dt 1 ms with pulse synapses, and records E and I', () => {
    expect(spec.dt).toBe(1);
    const common = { b: 0.2, c: -65, substeps: 2, receptors: { syn: { kind: 'pulse' } } };
    expect(spec.populations.E).toEqual({ size: NE, model: 'izhikevich', params: { a: 0.02, d: 8, ...common }, init: { v: -65 } });
    expect(spec.populations.I).toEqual({ size: NI, model: 'izhikevich', params: { a: 0.1, d: 2, ...common }, init: { v: -65 } });
    expect(spec.populations.thalamus).toEqual({ size: NE + NI, model: 'poisson', params: { rate: 1 } });
    expect(spec.record).toEqual({ spikes: ['E', 'I'] });
    expect(spec.projections!.map((p) => p.name)).toEqual(['EE', 'EI', 'IE', 'thalamusE', 'thalamusI']);
  });

  it('E synapses: weight 6, plastic with nearest-pair additive STDP in [0, 10]; I synapses static, −5, 1 ms', () => {
    for (const name of ['EE', 'EI']) {
      const p = projection(spec, name);
      expect(p).toMatchObject({ pre: 'E', post: name === 'EE' ? 'E' : 'I', weight: 6, receptor: 'syn' });
      expect(p.plasticity).toEqual({
        rule: 'stdp',
        tauPlus: 20,
        tauMinus: 20,
        aPlus: 0.1,
        aMinus: 0.12,
        wMin: 0,
        wMax: 10,
        mode: 'additive',
        pairing: 'nearest',
      });
      expect((p.delay as number[]).length).toBe(list(p).pre.length);
    }
    const ie = projection(spec, 'IE');
    expect(ie).toMatchObject({ pre: 'I', post: 'E', weight: -5, delay: 1, receptor: 'syn' });
    expect(ie.plasticity).toBeUndefined();
  });

  it('each E neuron has exactly 100 distinct targets among all 1000 neurons, never itself, 5 per delay 1..20 ms', () => {
    const ee = projection(spec, 'EE'),
      ei = projection(spec, 'EI');
    const targets: number[][] = Array.from({ length: NE }, () => []);
    const delays: number[][] = Array.from({ length: NE }, () => []);
    const add = (p: ProjectionSpec, offset: number) => {
      const { pre, post } = list(p);
      const d = p.delay as number[];
      expect(post.length).toBe(pre.length);
      for (let s = 0; s < pre.length; s++) {
        targets[pre[s]].push(post[s] + offset);
        delays[pre[s]].push(d[s]);
      }
    };
    add(ee, 0);
    add(ei, NE);
    expect(list(ee).pre.length + list(ei).pre.length).toBe(NE * M);
    for (let i = 0; i < NE; i++) {
      expect(targets[i]).toHaveLength(M);
      expect(new Set(targets[i]).size).toBe(M); // no duplicate (pre, post)
      expect(targets[i]).not.toContain(i); // no self-connection
      for (const t of targets[i]) expect(t >= 0 && t < NE + NI).toBe(true);
      const perDelay = new Array(21).fill(0);
      for (const d of delays[i]) {
        expect(Number.isInteger(d) && d >= 1 && d <= 20).toBe(true);
        perDelay[d]++;
      }
      expect(perDelay.slice(1)).toEqual(new Array(20).fill(5));
    }
    // Targets span both populations (about 80 % E), as drawn uniformly among all 1000.
    const fracE = list(ee).pre.length / (NE * M);
    expect(fracE).toBeGreaterThan(0.78);
    expect(fracE).toBeLessThan(0.82);
  });

  it('each I neuron has exactly 100 distinct targets, all in E', () => {
    const { pre, post } = list(projection(spec, 'IE'));
    expect(pre.length).toBe(NI * M);
    const targets: Set<number>[] = Array.from({ length: NI }, () => new Set());
    for (let s = 0; s < pre.length; s++) {
      expect(post[s] >= 0 && post[s] < NE).toBe(true);
      targets[pre[s]].add(post[s]);
    }
    for (const t of targets) expect(t.size).toBe(M);
  });

  it('the thalamus drives each E and I neuron through exactly one source, weight 20, delay 1 ms', () => {
    const seen = new Set<number>();
    const hits = { E: new Array(NE).fill(0), I: new Array(NI).fill(0) };
    for (const name of ['thalamusE', 'thalamusI'] as const) {
      const p = projection(spec, name);
      const post = name === 'thalamusE' ? 'E' : 'I';
      expect(p).toMatchObject({ pre: 'thalamus', post, weight: 20, delay: 1, receptor: 'syn' });
      expect(p.plasticity).toBeUndefined();
      const c = list(p);
      for (let s = 0; s < c.pre.length; s++) {
        expect(seen.has(c.pre[s])).toBe(false); // each source used once
        seen.add(c.pre[s]);
        hits[post][c.post[s]]++;
      }
    }
    expect(seen.size).toBe(NE + NI);
    expect(hits.E.every((h) => h === 1)).toBe(true);
    expect(hits.I.every((h) => h === 1)).toBe(true);
  });

  it('the same seed gives the same spec, a different seed different connectivity', () => {
    expect(builtinNetwork('polychronization', { seed: 1 })).toEqual(spec);
    expect(builtinNetwork('polychronization', { seed: 7 })).toEqual(builtinNetwork('polychronization', { seed: 7 }));
    const other = builtinNetwork('polychronization', { seed: 2 });
    expect(other.seed).toBe(2);
    expect(list(projection(other, 'EE'))).not.toEqual(list(projection(spec, 'EE')));
    expect(list(projection(other, 'IE'))).not.toEqual(list(projection(spec, 'IE')));
  });
});
