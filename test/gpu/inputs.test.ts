/**
 * Inputs changed between runs on WebGPU against the CPU reference, spike for spike (and weight
 * for weight): `sim.setRates` (per-neuron rates), a looping `rateTable`, `sim.setSpikes`
 * driving a LIF population through a delayed projection, `sim.resetState()` with an STDP
 * projection, and a checkpoint taken after inputs were set that restores and continues as the
 * uninterrupted run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { NetworkSpec, PlasticitySpec, PopulationSpec } from '../../src/netspec/types.ts';
import type { SpikeDispatch } from '../../src/sim/gpuBackend.ts';
import { Simulator, type BackendName } from '../../src/sim/simulator.ts';
import { expectIdentical, releaseTestDevice, testDevice, totalSpikes, type Spikes } from './helpers.ts';

afterAll(releaseTestDevice);

const STDP: PlasticitySpec = { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.05, aMinus: 0.06, wMin: 0, wMax: 5 };

interface GpuOptions {
  fused?: boolean | 'auto';
  ticksPerSubmit?: number;
  spikeDispatch?: SpikeDispatch;
}

const create = async (spec: unknown, backend: BackendName, options: GpuOptions = {}) =>
  Simulator.create(spec, { backend, ...(backend === 'webgpu' ? { device: await testDevice(), ...options } : {}) });
const restore = async (saved: Uint8Array, backend: BackendName) =>
  Simulator.restore(saved, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });

/** What a run leaves: every population's spikes, plastic weights, state samples, counts. */
async function results(sim: Simulator) {
  const net = sim.network;
  const summary = sim.summary();
  return {
    spikes: Object.fromEntries(net.populations.map((p) => [p.name, sim.spikes(p.name)])) as Spikes,
    weights: await Promise.all(net.plastic.map(async (p) => (await sim.weights(p.name)).weights)),
    state: net.stateProbes.map((p) => sim.state(p.population, p.variable)),
    counts: { ticks: summary.ticks, spikes: summary.spikes, synapticEvents: summary.synapticEvents },
  };
}
type Results = Awaited<ReturnType<typeof results>>;

/** Run `script` on the CPU reference and on WebGPU; everything must agree exactly. Returns the CPU's results. */
async function expectSameOnBoth(spec: unknown, script: (sim: Simulator) => Promise<void>, options: GpuOptions = {}): Promise<Results> {
  const outcome = async (backend: BackendName) => {
    const sim = await create(spec, backend, options);
    try {
      await script(sim);
      return await results(sim);
    } finally {
      sim.dispose();
    }
  };
  const cpu = await outcome('cpu');
  const gpu = await outcome('webgpu');
  expectIdentical(gpu.spikes, cpu.spikes);
  expect(gpu.weights).toEqual(cpu.weights);
  expect(gpu.state).toEqual(cpu.state);
  expect(gpu.counts).toEqual(cpu.counts);
  return cpu;
}

/** Spikes of `pop` with from ≤ t < to (ms). */
function between(s: Spikes, pop: string, from: number, to: number): number[] {
  const ids: number[] = [];
  s[pop].times.forEach((t, k) => {
    if (t >= from - 1e-9 && t < to - 1e-9) ids.push(s[pop].ids[k]);
  });
  return ids;
}

const lif = (receptors: object, size = 12): PopulationSpec =>
  ({ size, model: 'lif', params: { receptors }, init: { v: { uniform: [-65, -55] } } }) as PopulationSpec;

describe('inputs set between runs: WebGPU = CPU reference', () => {
  it('setRates between runs, per-neuron rates, on two Poisson populations of one group and a LIF behind them', async () => {
    const spec: NetworkSpec = {
      version: 1,
      dt: 0.1,
      seed: 17,
      populations: {
        P: { size: 48, model: 'poisson', params: { rate: 20 } },
        Q: { size: 16, model: 'poisson', params: { rate: 50 } },
        N: lif({ e: { kind: 'current', tau: 5 } }),
      },
      projections: [
        { pre: 'P', post: 'N', connect: { rule: 'fixedProbability', p: 0.4 }, weight: 4, delay: 1.5, receptor: 'e' },
        { pre: 'Q', post: 'N', connect: { rule: 'fixedProbability', p: 0.4 }, weight: 3, delay: 0.7, receptor: 'e' },
      ],
    };
    const perNeuron = Array.from({ length: 48 }, (_, i) => (i % 4) * 60);
    const cpu = await expectSameOnBoth(spec, async (sim) => {
      await sim.run(30);
      sim.setRates('P', perNeuron);
      await sim.run(30);
      sim.setRates('Q', 0);
      sim.setRates('P', new Float64Array(48));
      await sim.run(10);
      sim.setRates('P', 150);
      await sim.run(25);
    });
    const during = between(cpu.spikes, 'P', 30, 60);
    expect(during.length).toBeGreaterThan(100);
    expect(during.every((i) => i % 4 !== 0)).toBe(true);
    expect(between(cpu.spikes, 'P', 60, 70)).toEqual([]);
    expect(between(cpu.spikes, 'Q', 60, 95)).toEqual([]);
    expect(between(cpu.spikes, 'P', 70, 95).length).toBeGreaterThan(100);
    expect(cpu.spikes.N.ids.length).toBeGreaterThan(20);
  });

  it('a looping rateTable and a holding one, across runs and submission windows', async () => {
    const row0 = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 400));
    const spec: NetworkSpec = {
      version: 1,
      dt: 0.1,
      seed: 5,
      populations: {
        L: { size: 40, model: 'poisson', rateTable: { every: 3, rates: [row0, 0, 250], loop: true } },
        H: { size: 10, model: 'poisson', rateTable: { every: 4, rates: [300, 0] } },
        N: lif({ e: { kind: 'current', tau: 5 } }),
      },
      projections: [{ pre: 'L', post: 'N', connect: { rule: 'fixedProbability', p: 0.3 }, weight: 5, delay: 1, receptor: 'e' }],
    };
    const cpu = await expectSameOnBoth(
      spec,
      async (sim) => {
        await sim.run(16.3);
        await sim.run(21.7);
      },
      { ticksPerSubmit: 37 },
    );
    for (const start of [0, 9, 18, 27]) {
      const row0Spikes = between(cpu.spikes, 'L', start, start + 3);
      expect(row0Spikes.length, `row 0 at ${start} ms`).toBeGreaterThan(5);
      expect(row0Spikes.every((i) => i >= 20)).toBe(true);
      expect(between(cpu.spikes, 'L', start + 3, start + 6), `row 1 at ${start + 3} ms`).toEqual([]);
    }
    expect(between(cpu.spikes, 'L', 6, 9).some((i) => i < 20)).toBe(true);
    expect(between(cpu.spikes, 'H', 0, 4).length).toBeGreaterThan(3);
    expect(between(cpu.spikes, 'H', 4, 38)).toEqual([]);
    expect(cpu.spikes.N.ids.length).toBeGreaterThan(10);
  });

  it('setSpikes between runs drives a LIF population through a 2.5 ms projection', async () => {
    const spec: NetworkSpec = {
      version: 1,
      dt: 0.1,
      seed: 9,
      populations: {
        S: { size: 8, model: 'spikeSource', times: [1, 12], ids: [0, 5], capacity: 40 },
        N: lif({ d: { kind: 'delta' } }, 6),
      },
      projections: [{ pre: 'S', post: 'N', connect: { rule: 'allToAll' }, weight: { uniform: [6, 16] }, delay: 2.5, receptor: 'd' }],
    };
    const times1 = [0, 0.5, 1, 3.3, 7, 7, 7.05, 12];
    const ids1 = [0, 1, 2, 3, 0, 4, 4, 7];
    const times2 = Array.from({ length: 30 }, (_, k) => (k * 7.3) % 20);
    const ids2 = Array.from({ length: 30 }, (_, k) => (k * 5) % 8);
    const cpu = await expectSameOnBoth(spec, async (sim) => {
      await sim.run(10);
      sim.setSpikes('S', { times: times1, ids: ids1 });
      await sim.run(15);
      sim.setSpikes('S', { times: times2, ids: ids2 });
      await sim.run(10); // half of them still pending
      sim.setSpikes('S', { times: [0.2, 4], ids: [6, 6] });
      await sim.run(20);
    });
    const s = cpu.spikes.S;
    // The spec's event at 12 ms was replaced at 10 ms; the new ones are 10 ms later than given.
    expect(between(cpu.spikes, 'S', 0, 10)).toEqual([0]);
    expect(s.times.some((t) => Math.abs(t - 13.3) < 1e-9)).toBe(true);
    // The last set, at 35 ms, dropped what was still pending of the second.
    expect(between(cpu.spikes, 'S', 35, 55)).toEqual([6, 6]);
    expect(between(cpu.spikes, 'S', 25, 35).length).toBeGreaterThan(5);
    expect(cpu.spikes.N.ids.length).toBeGreaterThan(20);
  });

  it('resetState between runs with an STDP projection: spikes, weights and v agree', async () => {
    const spec: NetworkSpec = {
      version: 1,
      dt: 0.1,
      seed: 23,
      populations: {
        P: { size: 40, model: 'poisson', params: { rate: 60 } },
        N: lif({ e: { kind: 'current', tau: 5 } }, 8),
      },
      projections: [
        {
          name: 'ff',
          pre: 'P',
          post: 'N',
          connect: { rule: 'allToAll' },
          weight: { uniform: [1, 3] },
          delay: { uniform: [0.5, 4] },
          receptor: 'e',
          plasticity: STDP,
        },
      ],
      record: { spikes: ['P', 'N'], state: [{ pop: 'N', var: 'v', ids: [0, 3, 7], every: 0.5 }] },
    };
    let weightsAtReset: Float32Array | null = null;
    const cpu = await expectSameOnBoth(spec, async (sim) => {
      await sim.run(40);
      await sim.resetState();
      if (sim.backendName === 'cpu') weightsAtReset = (await sim.weights('ff')).weights;
      await sim.run(30);
      sim.setRates('P', 100);
      await sim.resetState();
      await sim.resetState();
      await sim.run(30);
    });
    expect(cpu.spikes.N.ids.length).toBeGreaterThan(20);
    expect(weightsAtReset).not.toBeNull();
    expect(cpu.weights[0]).not.toEqual(weightsAtReset);
  });

  it('a checkpoint taken after setRates and setSpikes restores and continues as the uninterrupted run', async () => {
    const spec: NetworkSpec = {
      version: 1,
      dt: 0.1,
      seed: 31,
      populations: {
        P: { size: 30, model: 'poisson', params: { rate: 10 } },
        T: { size: 6, model: 'poisson', rateTable: { every: 5, rates: [0, 200], loop: true } },
        S: { size: 5, model: 'spikeSource', times: [2], ids: [1], capacity: 20 },
        N: lif({ e: { kind: 'current', tau: 5 }, d: { kind: 'delta' } }, 8),
      },
      projections: [
        {
          name: 'ff',
          pre: 'P',
          post: 'N',
          connect: { rule: 'allToAll' },
          weight: { uniform: [1, 3] },
          delay: { uniform: [0.5, 3] },
          receptor: 'e',
          plasticity: STDP,
        },
        { pre: 'S', post: 'N', connect: { rule: 'allToAll' }, weight: 9, delay: 2, receptor: 'd' },
        { pre: 'T', post: 'N', connect: { rule: 'allToAll' }, weight: 1, delay: 1, receptor: 'e' },
      ],
      record: { spikes: ['P', 'T', 'S', 'N'], state: [{ pop: 'N', var: 'v', ids: [0, 5], every: 1 }] },
    };
    const setInputs = (sim: Simulator) => {
      sim.setRates(
        'P',
        Array.from({ length: 30 }, (_, i) => 20 + 4 * i),
      );
      sim.setRates('T', 50); // stops T's table
      sim.setSpikes('S', { times: [0.5, 3, 3, 8.8, 14, 21], ids: [0, 1, 2, 3, 4, 0] });
    };

    const whole = await create(spec, 'webgpu');
    await whole.run(20);
    setInputs(whole);
    const saved = await whole.checkpoint();
    await whole.run(30);
    const expected = await results(whole);
    whole.dispose();
    expect(totalSpikes(expected.spikes)).toBeGreaterThan(100);
    expect(between(expected.spikes, 'P', 20, 50).length).toBeGreaterThan(40); // the new rates (mean 78 Hz, 30 neurons)
    // The inputs set before the checkpoint are in it: S's new events (at 20.5, 23, 28.8, 34, 41 ms) fire.
    expect(between(expected.spikes, 'S', 20, 50)).toEqual([0, 1, 2, 3, 4, 0]);

    // The same on the CPU reference, uninterrupted.
    const reference = await create(spec, 'cpu');
    await reference.run(20);
    setInputs(reference);
    await reference.run(30);
    const cpu = await results(reference);
    reference.dispose();
    expectIdentical(expected.spikes, cpu.spikes);
    expect(expected.weights).toEqual(cpu.weights);

    for (const backend of ['webgpu', 'cpu'] as const) {
      const resumed = await restore(saved, backend);
      expect(resumed.timeMs).toBeCloseTo(20, 9);
      await resumed.run(30);
      const actual = await results(resumed);
      resumed.dispose();
      expectIdentical(actual.spikes, expected.spikes);
      expect(actual.weights, backend).toEqual(expected.weights);
      expect(actual.state, backend).toEqual(expected.state);
      expect(actual.counts, backend).toEqual(expected.counts);
    }
  });

  it('the fused single-dispatch path applies setRates, rate tables and setSpikes alike', async () => {
    // One neuron group each, so `fused: true` is allowed.
    const poissons: NetworkSpec = {
      version: 1,
      dt: 0.1,
      seed: 2,
      populations: {
        A: { size: 20, model: 'poisson', params: { rate: 80 } },
        B: { size: 20, model: 'poisson', rateTable: { every: 2.5, rates: [300, 0, Array.from({ length: 20 }, (_, i) => i * 20)], loop: true } },
      },
    };
    const p = await expectSameOnBoth(
      poissons,
      async (sim) => {
        expect(sim.summary().fused).toBe(sim.backendName === 'webgpu');
        await sim.run(12);
        sim.setRates(
          'A',
          Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 300)),
        );
        await sim.run(12);
        sim.setRates('B', 0);
        await sim.run(6);
      },
      { fused: true, ticksPerSubmit: 50 },
    );
    expect(between(p.spikes, 'A', 12, 24).every((i) => i >= 10)).toBe(true);
    expect(between(p.spikes, 'A', 12, 24).length).toBeGreaterThan(20);
    expect(between(p.spikes, 'B', 24, 30)).toEqual([]);
    expect(between(p.spikes, 'B', 5, 7.5).length).toBeGreaterThan(5);

    const sources: NetworkSpec = { version: 1, dt: 0.1, seed: 2, populations: { S: { size: 4, model: 'spikeSource', times: [1, 3], ids: [0, 1] } } };
    const s = await expectSameOnBoth(
      sources,
      async (sim) => {
        await sim.run(2);
        sim.setSpikes('S', { times: [0, 0.1, 4.95, 6], ids: [3, 2, 0, 1] });
        await sim.run(10);
        await sim.resetState();
        await sim.run(5);
      },
      { fused: true, ticksPerSubmit: 30 },
    );
    expect(Array.from(s.spikes.S.ids)).toEqual([0, 3, 2, 0, 1]);
  });
});
