/**
 * Triplet STDP (Pfister & Gerstner 2006) as a rule definition: the pairing-frequency protocol
 * (Sjöström et al. 2001) and single pairs and triplets, against the model computed exactly
 * from its definition (continuous time, exact exponentials), and WGSL = CPU weights bit for bit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { plasticityRules } from '../../src/models/index.ts';
import type { TripletSpec } from '../../src/models/stdp.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { protocolNetwork, TRIPLET_DT as DT, TRIPLET_W0 as W0, type TripletProtocol } from '../../tools/validation/tripletPairing.ts';
import { releaseTestDevice, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

const defaults = Object.fromEntries(
  Object.entries(plasticityRules.triplet.params).flatMap(([k, p]) => (p.default === undefined ? [] : [[k, p.default]])),
) as Record<string, number>;

/** Weight changes per synapse and the post spike ticks seen, on one backend. */
async function runProtocols(protocols: TripletProtocol[], rule: TripletSpec, delayTicks: number, backend: 'cpu' | 'webgpu') {
  const last = Math.max(...protocols.flatMap((p) => [...p.arrivals, ...p.posts]));
  const sim = await Simulator.create(protocolNetwork(protocols, rule, delayTicks), { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
  try {
    await sim.run((last + 10) * DT);
    const { pre, weights } = await sim.weights('triplet');
    const dw = new Float64Array(protocols.length);
    pre.forEach((k, s) => (dw[k] = weights[s] - W0));
    const spikes = sim.spikes('post');
    return { dw, weights: Float32Array.from(weights), postSpikes: spikes.ids.length };
  } finally {
    sim.dispose();
  }
}

/**
 * The triplet model computed from its definition, in double precision with exact
 * exponentials: events in tick order, an arrival before a post spike of the same tick (as the
 * kernels order them: onPre as the tick begins, onPost after the neurons), each trace read
 * just before its own spike's update.
 */
function tripletReference(p: TripletProtocol, rule: Record<string, number>, nearest: boolean): number {
  const events = [...p.arrivals.map((t) => ({ t, pre: true })), ...p.posts.map((t) => ({ t, pre: false }))].sort(
    (a, b) => a.t - b.t || Number(b.pre) - Number(a.pre),
  );
  const trace = { r1: 0, r2: 0, o1: 0, o2: 0 };
  const tau = { r1: rule.tauPlus, r2: rule.tauX, o1: rule.tauMinus, o2: rule.tauY };
  let now = 0;
  let w = W0;
  for (const e of events) {
    for (const k of Object.keys(trace) as (keyof typeof trace)[]) trace[k] *= Math.exp(-((e.t - now) * DT) / tau[k]);
    now = e.t;
    const bump = (x: number) => (nearest ? 1 : x + 1);
    if (e.pre) {
      w = Math.min(Math.max(w - trace.o1 * (rule.a2Minus + rule.a3Minus * trace.r2), rule.wMin), rule.wMax);
      trace.r1 = bump(trace.r1);
      trace.r2 = bump(trace.r2);
    } else {
      w = Math.min(Math.max(w + trace.r1 * (rule.a2Plus + rule.a3Plus * trace.o2), rule.wMin), rule.wMax);
      trace.o1 = bump(trace.o1);
      trace.o2 = bump(trace.o2);
    }
  }
  return w - W0;
}

/** Sjöström et al. (2001): 60 pairings at `hz`, post `offsetMs` after pre, from 100 ms. */
function pairing(hz: number, offsetMs: number, pairings = 60): TripletProtocol {
  const start = Math.round(100 / DT);
  const period = Math.round(1000 / hz / DT);
  const pre = Array.from({ length: pairings }, (_, k) => start + k * period);
  return { arrivals: pre, posts: pre.map((t) => t + Math.round(offsetMs / DT)) };
}

const FREQUENCIES = [1, 5, 10, 20, 30, 40, 50];
/** Bounds wide enough that 60 pairings never reach them (weights of a few units move v by a fraction of a mV). */
const rule = (pairingMode: 'all' | 'nearest', extra: Partial<TripletSpec> = {}): TripletSpec => ({
  rule: 'triplet',
  wMin: -5,
  wMax: 5,
  pairing: pairingMode,
  ...extra,
});

describe('triplet STDP on the pairing-frequency protocol', () => {
  const protocols = FREQUENCIES.flatMap((hz) => [pairing(hz, 10), pairing(hz, -10)]);

  // The full model, with a triplet term on each side.
  const amplitudes = { a2Plus: 4e-3, a3Plus: 6e-3, a2Minus: 5e-3, a3Minus: 2e-3 };

  for (const mode of ['all', 'nearest'] as const)
    it(`${mode}: WGSL = CPU bit for bit (10–50 Hz, 20 pairings, 0.3 ms delays)`, async () => {
      // Fewer and faster pairings than the protocol's: SwiftShader runs a simulated second in about 10 s.
      const short = [10, 20, 50].flatMap((hz) => [pairing(hz, 10, 20), pairing(hz, -10, 20)]);
      const cpu = await runProtocols(short, rule(mode, amplitudes), 3, 'cpu');
      const gpu = await runProtocols(short, rule(mode, amplitudes), 3, 'webgpu');
      expect(Array.from(gpu.weights)).toEqual(Array.from(cpu.weights));
      expect(cpu.postSpikes).toBe(short.reduce((a, p) => a + p.posts.length, 0));
      expect(Math.min(...cpu.dw.map(Math.abs))).toBeGreaterThan(1e-3);
    });

  for (const mode of ['all', 'nearest'] as const)
    it(`${mode}: the weight changes follow the model's definition at 1–50 Hz`, async () => {
      const full = rule(mode, amplitudes);
      const cpu = await runProtocols(protocols, full, 3, 'cpu');
      const total = protocols.reduce((a, p) => a + p.posts.length, 0);
      expect(cpu.postSpikes).toBe(total);
      protocols.forEach((p, k) => {
        const expected = tripletReference(p, { ...defaults, ...(full as unknown as Record<string, number>) }, mode === 'nearest');
        expect(Math.abs(cpu.dw[k] - expected), `protocol ${k}: ${cpu.dw[k]} vs ${expected}`).toBeLessThan(2e-5 + 2e-3 * Math.abs(expected));
      });
    });

  it('minimal all-to-all, visual cortex (the defaults): depression at low frequencies turns to potentiation at high ones', async () => {
    const { dw } = await runProtocols(protocols, rule('all'), 1, 'cpu');
    const plus = FREQUENCIES.map((_, i) => dw[2 * i]);
    const minus = FREQUENCIES.map((_, i) => dw[2 * i + 1]);
    protocols.forEach((p, k) => expect(dw[k]).toBeCloseTo(tripletReference(p, { ...defaults, wMin: -5, wMax: 5 }, false), 4));
    expect(minus[0]).toBeLessThan(0);
    expect(minus[minus.length - 1]).toBeGreaterThan(0);
    for (let i = 1; i < plus.length; i++) expect(plus[i]).toBeGreaterThan(plus[i - 1]);
  });
});

describe('triplet STDP: single pairs and triplets against the closed forms', () => {
  const amplitudes = { a2Plus: 4e-3, a3Plus: 6e-3, a2Minus: 5e-3, a3Minus: 2e-3 };
  const r: Record<string, number> = { ...defaults, ...amplitudes };
  const spec = rule('all', amplitudes);

  it('a pair: a2Plus·exp(−Δt/τ+) before, −a2Minus·exp(Δt/τ−) after (no triplet term from one pair)', async () => {
    const offsets = [-40, -10, -1, 1, 10, 40].map((ms) => Math.round(ms / DT));
    const protocols = offsets.map((o) => ({ arrivals: [2000], posts: [2000 + o] }));
    const { dw } = await runProtocols(protocols, spec, 2, 'cpu');
    offsets.forEach((o, k) => {
      const ms = o * DT;
      const expected = ms > 0 ? r.a2Plus * Math.exp(-ms / r.tauPlus) : -r.a2Minus * Math.exp(ms / r.tauMinus);
      expect(dw[k]).toBeCloseTo(expected, 6);
    });
  });

  it('pre-post-post adds a3Plus·exp(−(t2 − t1)/τy) to the second pairing; post-pre-post and pre-post-pre likewise', async () => {
    const [t1, t2] = [50, 150]; // ticks after the first spike: 5 and 15 ms
    const protocols: TripletProtocol[] = [
      { arrivals: [2000], posts: [2000 + t1, 2000 + t2] }, // pre-post-post
      { arrivals: [2000 + t1], posts: [2000, 2000 + t2] }, // post-pre-post
      { arrivals: [2000, 2000 + t2], posts: [2000 + t1] }, // pre-post-pre
    ];
    const { dw } = await runProtocols(protocols, spec, 2, 'cpu');
    const e = (ticks: number, tau: number) => Math.exp(-(ticks * DT) / tau);
    const prePostPost = r.a2Plus * e(t1, r.tauPlus) + e(t2, r.tauPlus) * (r.a2Plus + r.a3Plus * e(t2 - t1, r.tauY));
    const postPrePost = -r.a2Minus * e(t1, r.tauMinus) + e(t2 - t1, r.tauPlus) * (r.a2Plus + r.a3Plus * e(t2, r.tauY));
    const prePostPre = r.a2Plus * e(t1, r.tauPlus) - e(t2 - t1, r.tauMinus) * (r.a2Minus + r.a3Minus * e(t2, r.tauX));
    expect(dw[0]).toBeCloseTo(prePostPost, 6);
    expect(dw[1]).toBeCloseTo(postPrePost, 6);
    expect(dw[2]).toBeCloseTo(prePostPre, 6);
  });
});
