import { describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import type { NetworkSpec, ReceptorSpec } from '../../src/netspec/types.ts';

const DT = 0.1;
const tickOf = (t: number) => Math.round(t / DT);

async function simulate(spec: NetworkSpec, durationMs: number, seed?: number): Promise<Simulator> {
  const sim = await Simulator.create(spec, { backend: 'cpu', seed });
  await sim.run(durationMs);
  return sim;
}

/** A spike source S (one neuron, given times) into one lif target T through one receptor. */
function sourceToTarget(times: number[], receptor: ReceptorSpec, weight: number | number[], delay: number, targets = 1): NetworkSpec {
  return {
    version: 1,
    dt: DT,
    seed: 1,
    populations: {
      S: { size: 1, model: 'spikeSource', times, ids: times.map(() => 0) },
      T: { size: targets, model: 'lif', params: { tauM: 20, vRest: -65, vThresh: -50, vReset: -65, tRef: 2, receptors: { r: receptor } } },
    },
    projections: [{ pre: 'S', post: 'T', connect: { rule: 'allToAll' }, weight, delay, receptor: 'r' }],
  };
}

describe('LIF with constant drive', () => {
  // (tauM, vRest, vThresh, vReset, tRef, iExt): none lands within 1e-3 mV of threshold at a tick.
  const cases = [
    [20, -65, -50, -65, 2, 20],
    [20, -65, -50, -70, 5, 30],
    [10, -60, -50, -60, 0.5, 16],
    [30, -70, -55, -75, 3, 40],
  ] as const;

  it.each(cases)(
    'τm %s, vRest %s, vThresh %s, vReset %s, tRef %s, iExt %s: regular ISI = tRef + τm ln(...)',
    async (tauM, vRest, vThresh, vReset, tRef, iExt) => {
      const spec: NetworkSpec = {
        version: 1,
        dt: DT,
        populations: { N: { size: 1, model: 'lif', params: { tauM, vRest, vThresh, vReset, tRef }, iExt, init: { v: vReset } } },
      };
      const sim = await simulate(spec, 300);
      const ticks = Array.from(sim.spikes('N').times, tickOf);
      expect(ticks.length).toBeGreaterThan(5);

      // Steps of the exact update v ← vInf + (v − vInf)·e^(−dt/τm) from vReset to above threshold.
      const vInf = vRest + iExt,
        q = Math.exp(-DT / tauM);
      let v = vReset,
        steps = 0,
        before = vReset;
      while (v <= vThresh) {
        before = v;
        v = vInf + (v - vInf) * q;
        steps++;
      }
      expect(v - vThresh).toBeGreaterThan(1e-3); // the case is far from a tie, so f32 cannot flip it
      expect(vThresh - before).toBeGreaterThan(1e-3);

      // Starting at vReset, the first crossing is in tick steps − 1 (tick 0 integrates once).
      expect(ticks[0]).toBe(steps - 1);
      // After a spike in tick s, integration resumes in tick s + round(tRef/dt) (Brian2).
      const refTicks = Math.max(1, Math.round(tRef / DT));
      const isis = ticks.slice(1).map((t, i) => t - ticks[i]);
      expect(new Set(isis)).toEqual(new Set([refTicks + steps - 1]));
      const analytic = tRef + tauM * Math.log((vRest + iExt - vReset) / (vRest + iExt - vThresh));
      expect(Math.abs(isis[0] * DT - analytic)).toBeLessThanOrEqual(DT);
    },
  );

  it('stays silent below threshold', async () => {
    const spec: NetworkSpec = { version: 1, dt: DT, populations: { N: { size: 1, model: 'lif', params: { vRest: -65, vThresh: -50 }, iExt: 14.9 } } };
    const sim = await simulate(spec, 500);
    expect(sim.spikes('N').times.length).toBe(0);
  });
});

describe('spike transmission', () => {
  it.each([0.1, 0.5, 2.0])('delay %s ms: the target spikes in tick 1.0/dt + round(d/dt)', async (d) => {
    const sim = await simulate(sourceToTarget([1.0], { kind: 'delta' }, 20, d), 5);
    expect(Array.from(sim.spikes('S').times, tickOf)).toEqual([10]);
    expect(Array.from(sim.spikes('T').times, tickOf)).toEqual([10 + Math.round(d / DT)]);
    expect(Array.from(sim.spikes('T').ids)).toEqual([0]);
  });

  it('delay 0 acts on the next tick', async () => {
    const sim = await simulate(sourceToTarget([1.0], { kind: 'delta' }, 20, 0), 5);
    expect(Array.from(sim.spikes('T').times, tickOf)).toEqual([11]);
  });

  it('a delta input below threshold does not fire; two coincident ones do', async () => {
    const one = await simulate(sourceToTarget([1.0], { kind: 'delta' }, 14, 0.1), 5);
    expect(one.spikes('T').times.length).toBe(0);
    const two = await simulate(
      {
        ...sourceToTarget([1.0], { kind: 'delta' }, 8, 0.1),
        projections: [
          { pre: 'S', post: 'T', connect: { rule: 'allToAll' }, weight: 8, delay: 0.1, receptor: 'r' },
          { pre: 'S', post: 'T', connect: { rule: 'allToAll' }, weight: 8, delay: 0.1, receptor: 'r' },
        ],
      },
      5,
    );
    expect(Array.from(two.spikes('T').times, tickOf)).toEqual([11]);
  });

  it('spike source events land in the tick containing their time', async () => {
    const spec: NetworkSpec = {
      version: 1,
      dt: DT,
      populations: { S: { size: 3, model: 'spikeSource', times: [0.05, 0.3, 0.3, 1.27, 0], ids: [2, 0, 1, 2, 0] } },
    };
    const sim = await simulate(spec, 2);
    const s = sim.spikes('S');
    expect(Array.from(s.times, tickOf)).toEqual([0, 0, 3, 3, 12]);
    expect(Array.from(s.ids)).toEqual([0, 2, 0, 1, 2]);
  });
});

describe('refractoriness', () => {
  // Spike in tick 11 (input from a source spike at 1.0 ms, delay 1 tick); tRef 2 ms = 20 ticks:
  // v is held in ticks 12 … 30 and integrates again from tick 31; delta inputs arriving in
  // ticks 12 … 31 are discarded (Brian2 drops what its steps 11 … 30 deliver).
  it.each([
    ['during refractoriness', [1.0, 1.5], [11]],
    ['in its last held tick', [1.0, 2.95], [11]],
    ['in the tick it integrates again (Brian2 drops it too)', [1.0, 3.05], [11]],
    ['one tick later', [1.0, 3.15], [11, 32]],
    ['long after', [1.0, 4.0], [11, 41]],
  ])('a delta input arriving %s', async (_label, times, expected) => {
    const sim = await simulate(sourceToTarget(times, { kind: 'delta' }, 20, 0.1), 10);
    expect(Array.from(sim.spikes('S').times, tickOf)).toEqual(times.map((t) => Math.floor(t / DT + 1e-9)));
    // discarded, not deferred: no spike when refractoriness ends either
    expect(Array.from(sim.spikes('T').times, tickOf)).toEqual(expected);
  });
});

describe('pulse receptor', () => {
  it('adds w to the input current for exactly one tick', async () => {
    // One tick of input current w moves v from rest by w·(1 − e^(−dt/τm)) (exact integration);
    // threshold is 15 mV above rest. Two ticks would move it by ~2× that.
    const gain = 1 - Math.exp(-DT / 20);
    const weights = [14 / gain, 16 / gain, 7.6 / gain];
    const spec = sourceToTarget([1.0], { kind: 'pulse' }, 0, 0.1, 3);
    spec.projections![0] = { pre: 'S', post: 'T', connect: { rule: 'list', pre: [0, 0, 0], post: [0, 1, 2] }, weight: weights, delay: 0.1, receptor: 'r' };
    const sim = await simulate(spec, 20);
    const t = sim.spikes('T');
    // 14 mV (or 2 × 7.6 if it lasted two ticks) stays below; 16 mV fires in the arrival tick
    expect(Array.from(t.ids)).toEqual([1]);
    expect(Array.from(t.times, tickOf)).toEqual([11]);
  });

  it('repeated pulses sum with the membrane decay in between, like any current', async () => {
    // two 10 mV kicks 1 tick apart: −65 → −55 → −55 + 10 − 10·(1 − q) ≈ −45.05: fires in the 2nd tick
    const gain = 1 - Math.exp(-DT / 20);
    const sim = await simulate(sourceToTarget([1.0, 1.1], { kind: 'pulse' }, 10 / gain, 0.1), 5);
    expect(Array.from(sim.spikes('T').times, tickOf)).toEqual([12]);
  });
});

describe('poisson source', () => {
  it('fires at rate r (within 4 sd)', async () => {
    const n = 100,
      rate = 20,
      T = 2000;
    const spec: NetworkSpec = { version: 1, dt: DT, seed: 9, populations: { P: { size: n, model: 'poisson', params: { rate } } } };
    const sim = await simulate(spec, T);
    const ticks = n * (T / DT),
      p = (rate * DT) / 1000;
    const count = sim.spikes('P').times.length;
    expect(Math.abs(count - ticks * p)).toBeLessThan(4 * Math.sqrt(ticks * p * (1 - p)));
    expect(sim.summary().populations.P.rateHz).toBeCloseTo(count / n / (T / 1000), 9);
    // each neuron fires (about 40 spikes each); none is stuck
    const perNeuron = new Array(n).fill(0);
    for (const id of sim.spikes('P').ids) perNeuron[id]++;
    expect(Math.min(...perNeuron)).toBeGreaterThan(10);
  });

  it('per-neuron rates from an array; rate 0 never fires, rate·dt = 1 fires every tick', async () => {
    const spec: NetworkSpec = { version: 1, dt: DT, populations: { P: { size: 3, model: 'poisson', params: { rate: [0, 10000, 500] } } } };
    const sim = await simulate(spec, 50);
    const perNeuron = [0, 0, 0];
    for (const id of sim.spikes('P').ids) perNeuron[id]++;
    expect(perNeuron[0]).toBe(0);
    expect(perNeuron[1]).toBe(500);
    expect(Math.abs(perNeuron[2] - 25)).toBeLessThan(4 * Math.sqrt(500 * 0.05 * 0.95));
  });
});

describe('determinism', () => {
  const spec = () => builtinNetwork('cuba', { n: 400 });

  it('same seed twice: identical spikes; another seed: different', async () => {
    const a = await simulate(spec(), 50);
    const b = await simulate(spec(), 50);
    const c = await simulate(spec(), 50, 2);
    expect(a.network.seed).toBe(1);
    expect(c.network.seed).toBe(2);
    for (const pop of ['E', 'I']) {
      expect(b.spikes(pop)).toEqual(a.spikes(pop));
    }
    expect(a.spikes('E').ids.length).toBeGreaterThan(20);
    expect(c.spikes('E')).not.toEqual(a.spikes('E'));
    expect(b.summary().synapticEvents).toBe(a.summary().synapticEvents);
  });

  it('running in pieces gives the same result as one run', async () => {
    const whole = await simulate(spec(), 50);
    const pieces = await Simulator.create(spec(), { backend: 'cpu' });
    await pieces.run(12.3);
    await pieces.run(0);
    await pieces.run(37.7);
    expect(pieces.summary().ticks).toBe(500);
    for (const pop of ['E', 'I']) expect(pieces.spikes(pop)).toEqual(whole.spikes(pop));
    expect(pieces.summary().synapticEvents).toBe(whole.summary().synapticEvents);
    expect(pieces.summary().spikes).toBe(whole.summary().spikes);
  });

  it('noise and Poisson input are seeded too', async () => {
    const driven: NetworkSpec = {
      version: 1,
      dt: DT,
      seed: 4,
      populations: {
        N: {
          size: 50,
          model: 'lif',
          params: { receptors: { e: { kind: 'delta' } } },
          noise: { sd: 2 },
          poissonInput: [{ count: 100, rate: 20, weight: 1, receptor: 'e' }],
        },
      },
    };
    const a = await simulate(driven, 100),
      b = await simulate(driven, 100),
      c = await simulate(driven, 100, 5);
    expect(a.spikes('N').ids.length).toBeGreaterThan(20);
    expect(b.spikes('N')).toEqual(a.spikes('N'));
    expect(c.spikes('N')).not.toEqual(a.spikes('N'));
  });
});

describe('summary', () => {
  it('is consistent with the recorded spikes and the synapse rows', async () => {
    const sim = await simulate(builtinNetwork('cuba', { n: 400 }), 50);
    const s = sim.summary();
    expect(s).toMatchObject({ network: 'cuba', backend: 'cpu', adapter: 'cpu (reference)', dt: 0.1, ticks: 500, seed: 1, neurons: 400, gpuBytes: 0 });
    expect(s.durationMs).toBeCloseTo(50, 9);
    expect(s.synapses).toBe(sim.network.synapseCount);
    const E = sim.spikes('E'),
      I = sim.spikes('I');
    expect(s.populations.E).toEqual({ size: 320, spikes: E.ids.length, rateHz: E.ids.length / 320 / 0.05 });
    expect(s.populations.I).toEqual({ size: 80, spikes: I.ids.length, rateHz: I.ids.length / 80 / 0.05 });
    expect(s.spikes).toBe(E.ids.length + I.ids.length);
    // spikes are in time order, in range, at tick starts
    for (const [pop, size] of [
      [E, 320],
      [I, 80],
    ] as const) {
      for (let k = 0; k < pop.ids.length; k++) {
        expect(pop.ids[k]).toBeLessThan(size);
        expect(Math.abs(pop.times[k] / DT - Math.round(pop.times[k] / DT))).toBeLessThan(1e-9);
        if (k) expect(pop.times[k]).toBeGreaterThanOrEqual(pop.times[k - 1]);
      }
      expect(pop.times[pop.times.length - 1]).toBeLessThan(50);
    }
    // synaptic events: each spike × its row, propagated in the following tick (so the last
    // tick's spikes are not yet counted)
    const { rowStart } = sim.network.synapses;
    let events = 0;
    for (const [pop, offset] of [
      [E, 0],
      [I, 320],
    ] as const)
      for (let k = 0; k < pop.ids.length; k++) if (tickOf(pop.times[k]) < 499) events += rowStart[offset + pop.ids[k] + 1] - rowStart[offset + pop.ids[k]];
    expect(s.synapticEvents).toBe(events);
    expect(s.wallMs).toBeGreaterThan(0);
    expect(s.eventsPerSecond).toBeCloseTo(s.synapticEvents / (s.wallMs / 1000), 6);
    expect(s.realTimeFactor).toBeCloseTo(s.wallMs / s.durationMs, 9);
    expect(s.buildMs).toBeGreaterThan(0);
  });

  it('rates use the recorded neurons only; unrecorded spikes still count in the total', async () => {
    const spec: NetworkSpec = {
      version: 1,
      dt: DT,
      seed: 2,
      populations: { P: { size: 10, model: 'poisson', params: { rate: 200 } }, Q: { size: 5, model: 'poisson', params: { rate: 200 } } },
      record: { spikes: [{ pop: 'P', ids: [1, 3] }] },
    };
    const sim = await simulate(spec, 100);
    const p = sim.spikes('P');
    expect(new Set(p.ids)).toEqual(new Set([1, 3]));
    const s = sim.summary();
    expect(s.populations.P).toEqual({ size: 10, spikes: p.ids.length, rateHz: p.ids.length / 2 / 0.1 });
    expect(s.populations.Q).toEqual({ size: 5, spikes: 0, rateHz: 0 });
    expect(sim.spikes('Q').ids.length).toBe(0);
    // 15 neurons at 200 Hz for 0.1 s ≈ 300 spikes in all, far more than the recorded two
    expect(Math.abs(s.spikes - 300)).toBeLessThan(4 * Math.sqrt(15 * 1000 * 0.02 * 0.98));
  });

  it('run with an aborted signal stops at the end of a window; what ran is recorded and reported', async () => {
    const sim = await Simulator.create(builtinNetwork('cuba', { n: 400 }), { backend: 'cpu' });
    const stop = new AbortController();
    const result = await sim.run(1000, (doneMs) => doneMs >= 30 && stop.abort(), { signal: stop.signal });
    expect(result.complete).toBe(false);
    expect(result.durationMs).toBeGreaterThanOrEqual(30);
    expect(result.durationMs).toBeLessThan(1000);
    expect(sim.timeMs).toBeCloseTo(result.durationMs, 9);
    expect(Math.max(...sim.spikes('E').times)).toBeLessThan(result.durationMs);
    expect(await sim.run(10)).toEqual({ complete: true, durationMs: expect.closeTo(10, 9) });
    sim.dispose();
  });

  it('after dispose every call throws a clear error; a second dispose does nothing', async () => {
    const sim = await Simulator.create(builtinNetwork('cuba', { n: 100 }), { backend: 'cpu' });
    await sim.run(5);
    sim.dispose();
    sim.dispose();
    const message = 'this Simulator was disposed; create another';
    await expect(sim.run(5)).rejects.toThrow(message);
    expect(() => sim.summary()).toThrow(message);
    expect(() => sim.spikes('E')).toThrow(message);
    expect(() => sim.clearRecordings()).toThrow(message);
  });

  it('before any run: zero time and rates; bad arguments are reported', async () => {
    const sim = await Simulator.create(builtinNetwork('cuba', { n: 100 }), { backend: 'cpu' });
    const s = sim.summary();
    expect([s.ticks, s.durationMs, s.spikes, s.synapticEvents, s.populations.E.rateHz]).toEqual([0, 0, 0, 0, 0]);
    await expect(sim.run(-1)).rejects.toThrow('duration must be a finite number ≥ 0 ms, got -1');
    await expect(sim.run(NaN)).rejects.toThrow('duration must be a finite number ≥ 0 ms, got NaN');
    await expect(sim.run(Infinity)).rejects.toThrow('duration must be a finite number ≥ 0 ms, got Infinity');
    // The GPU counts ticks in a u32: time never wraps, a run past it is refused up front.
    await expect(sim.run(1e12)).rejects.toThrow(/^duration 1000000000000 ms is too long: ticks are counted in 32 bits/);
    await sim.run(1);
    await expect(sim.run(429_496_729.5)).rejects.toThrow(/, and 10 have run$/);
    expect(() => sim.spikes('X')).toThrow('unknown population "X"; known: E, I');
    sim.dispose();
  });
});

describe('clearRecordings (long live runs)', () => {
  it('drops what was recorded so far; later spikes, state and weight snapshots still arrive; counts cover the whole run', async () => {
    const spec = builtinNetwork('song2000', { n: 200 });
    spec.record = { spikes: ['inputs', 'neuron'], state: [{ pop: 'neuron', var: 'v', every: 1 }], weights: [{ projection: 'inputs', every: 25 }] };
    const sim = await Simulator.create(spec, { backend: 'cpu' });
    await sim.run(50);
    const first = sim.spikes('inputs');
    expect(first.ids.length).toBeGreaterThan(50);
    sim.clearRecordings();
    expect(sim.spikes('inputs').ids.length).toBe(0);
    expect(sim.state('neuron', 'v').times.length).toBe(0);
    expect(sim.weightHistory('inputs').times.length).toBe(0);
    await sim.run(50);
    const second = sim.spikes('inputs');
    expect(second.ids.length).toBeGreaterThan(50);
    expect(Math.min(...second.times)).toBeGreaterThanOrEqual(50);
    expect(Array.from(sim.state('neuron', 'v').times)).toEqual(Array.from({ length: 50 }, (_, k) => 50 + k));
    expect(Array.from(sim.weightHistory('inputs').times)).toEqual([75, 100]); // 50 was taken before the clear
    expect(sim.summary().populations.inputs.spikes).toBe(first.ids.length + second.ids.length);
    sim.dispose();
  });
});
