/**
 * STDP: the measured window against the analytic curve, GPU = CPU weights bit for bit, and
 * weight readback / recording.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import type { NetworkSpec, PlasticitySpec } from '../../src/netspec/types.ts';
import type { StdpSpec } from '../../src/models/stdp.ts';
import { plasticityRules } from '../../src/models/index.ts';
import { releaseTestDevice, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

const DT = 0.1;
/** Spike-source times at the middle of a tick, so flooring to the tick is unambiguous. */
const atTick = (tick: number) => (tick + 0.5) * DT;

/**
 * One independent pair per offset: pre neuron k (a spike source) reaches post neuron k through
 * a plastic synapse with `delayTicks`; a driver makes post k fire exactly once, in tick
 * `POST_TICK`. Pre k is timed so that its spike arrives `offsetsMs[k]` before the post spike.
 */
const POST_TICK = 1000;
function windowNetwork(offsetsMs: number[], delayTicks: number, plasticity: PlasticitySpec): NetworkSpec {
  const n = offsetsMs.length;
  const ids = offsetsMs.map((_, k) => k);
  return {
    version: 1,
    dt: DT,
    populations: {
      pre: { size: n, model: 'spikeSource', times: offsetsMs.map((ms) => atTick(POST_TICK - Math.round(ms / DT) - delayTicks)), ids },
      // The driver's spike in tick POST_TICK − 1 reaches post (delta, 60 mV) in POST_TICK.
      driver: { size: n, model: 'spikeSource', times: ids.map(() => atTick(POST_TICK - 1)), ids },
      post: {
        size: n,
        model: 'lif',
        params: { vRest: -70, vThresh: -50, vReset: -90, tRef: 500, receptors: { kick: { kind: 'delta' }, plastic: { kind: 'current', tau: 1 } } },
      },
    },
    projections: [
      { name: 'drive', pre: 'driver', post: 'post', connect: { rule: 'oneToOne' }, weight: 60, delay: DT, receptor: 'kick' },
      // Weights of at most 0.5 on a 1 ms current move v by far less than the 20 mV to threshold.
      { name: 'stdp', pre: 'pre', post: 'post', connect: { rule: 'oneToOne' }, weight: 0, delay: delayTicks * DT, receptor: 'plastic', plasticity },
    ],
  };
}

const RULE: StdpSpec = { rule: 'stdp', tauPlus: 16.8, tauMinus: 33.7, aPlus: 0.01, aMinus: 0.012, wMin: -0.5, wMax: 0.5 };
const OFFSETS = Array.from({ length: 101 }, (_, k) => k - 50); // Δt = t_post − t_arrival, ms

/** The analytic pair-based window: Δw(Δt) for a presynaptic arrival Δt before the post spike. */
const analytic = (dtMs: number, r: StdpSpec) => (dtMs >= 0 ? r.aPlus * Math.exp(-dtMs / r.tauPlus) : -r.aMinus * Math.exp(dtMs / r.tauMinus));

async function measureWindow(backend: 'cpu' | 'webgpu', delayTicks: number, rule = RULE): Promise<{ dw: Float32Array; postSpikes: number }> {
  const sim = await Simulator.create(windowNetwork(OFFSETS, delayTicks, rule), { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
  try {
    await sim.run(200);
    const { pre, post, weights } = await sim.weights('stdp');
    // Readback is in row order (by pre); one-to-one, so pre k ↔ post k.
    const dw = new Float32Array(OFFSETS.length);
    pre.forEach((k, s) => {
      expect(post[s]).toBe(k);
      dw[k] = weights[s];
    });
    const s = sim.spikes('post');
    return { dw, postSpikes: s.ids.length };
  } finally {
    sim.dispose();
  }
}

describe('STDP window', () => {
  for (const backend of ['cpu', 'webgpu'] as const) {
    it(`${backend}: Δw(Δt) follows aPlus·exp(−Δt/τ+) and −aMinus·exp(Δt/τ−) over ±50 ms, delay included`, async () => {
      const { dw, postSpikes } = await measureWindow(backend, 15);
      expect(postSpikes).toBe(OFFSETS.length); // each post neuron fired once, at POST_TICK
      OFFSETS.forEach((ms, k) => {
        // Traces decay by an f32 factor per tick: ≤ 1e-4 relative drift over 500 ticks.
        expect(Math.abs(dw[k] - analytic(ms, RULE)), `Δt = ${ms} ms`).toBeLessThan(1e-4 * Math.abs(analytic(ms, RULE)) + 1e-9);
      });
      expect(dw[50]).toBeCloseTo(RULE.aPlus, 7); // coincident arrival counts as causal
      expect(dw[49]).toBeLessThan(0);
    });
  }

  it('Δt is measured from the arrival: delays of 0.1 and 5.1 ms give the same window when arrivals are aligned', async () => {
    const short = await measureWindow('cpu', 1);
    const long = await measureWindow('cpu', 51);
    OFFSETS.forEach((_, k) => expect(long.dw[k]).toBeCloseTo(short.dw[k], 6));
  });

  it('weights stop at wMin and wMax', async () => {
    const { dw } = await measureWindow('cpu', 15, { ...RULE, aPlus: 2, aMinus: 2 });
    expect(Math.max(...dw)).toBe(0.5);
    expect(Math.min(...dw)).toBe(-0.5);
  });

  it('multiplicative mode scales potentiation by (wMax − w) and depression by (w − wMin)', async () => {
    const { dw } = await measureWindow('cpu', 15, { ...RULE, mode: 'multiplicative' });
    // From w = 0: wMax − w = 0.5 and w − wMin = 0.5.
    OFFSETS.forEach((ms, k) => expect(dw[k]).toBeCloseTo(0.5 * analytic(ms, RULE), 6));
  });
});

/** A small recurrent network with two plastic projections, every option exercised. */
const plasticNetwork: NetworkSpec = {
  version: 1,
  dt: 0.1,
  seed: 3,
  populations: {
    inp: { size: 60, model: 'poisson', params: { rate: 40 } },
    N: {
      size: 20,
      model: 'lif',
      params: {
        tauM: 10,
        vRest: -70,
        vThresh: -54,
        vReset: -60,
        tRef: 1,
        receptors: { e: { kind: 'current', tau: 5 }, g: { kind: 'conductance', tau: 3, eRev: 0 } },
      },
      iExt: 8,
    },
  },
  projections: [
    {
      name: 'ff',
      pre: 'inp',
      post: 'N',
      connect: { rule: 'fixedProbability', p: 0.5 },
      weight: { uniform: [0, 4] },
      delay: { uniform: [0.1, 3] },
      receptor: 'e',
      plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.1, aMinus: 0.105, wMin: 0, wMax: 4 },
    },
    {
      name: 'rec',
      pre: 'N',
      post: 'N',
      connect: { rule: 'fixedProbability', p: 0.3 },
      weight: 0.05,
      delay: { uniform: [0.5, 2] },
      receptor: 'g',
      plasticity: { rule: 'stdp', tauPlus: 15, tauMinus: 25, aPlus: 0.01, aMinus: 0.012, wMin: 0, wMax: 0.2, mode: 'multiplicative', pairing: 'nearest' },
    },
    { name: 'static', pre: 'inp', post: 'N', connect: { rule: 'fixedProbability', p: 0.1 }, weight: 1, delay: 1, receptor: 'e' },
  ],
  record: { spikes: ['N'], weights: [{ projection: 'ff', every: 50 }] },
};

describe('STDP on the GPU equals the CPU reference', () => {
  it('weights and spikes identical after 3000 ticks of a recurrent plastic network', async () => {
    const run = async (backend: 'cpu' | 'webgpu') => {
      const sim = await Simulator.create(plasticNetwork, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
      try {
        await sim.run(150);
        await sim.run(150); // two runs: the spike history carries over
        return {
          ff: await sim.weights('ff'),
          rec: await sim.weights('rec'),
          spikes: sim.spikes('N'),
          history: sim.weightHistory('ff'),
          summary: sim.summary(),
        };
      } finally {
        sim.dispose();
      }
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    expect(cpu.spikes.ids.length).toBeGreaterThan(500);
    expect(Array.from(gpu.spikes.ids)).toEqual(Array.from(cpu.spikes.ids));
    expect(Array.from(gpu.spikes.times)).toEqual(Array.from(cpu.spikes.times));
    for (const k of ['ff', 'rec'] as const) {
      expect(Array.from(gpu[k].weights)).toEqual(Array.from(cpu[k].weights));
      expect(Array.from(gpu[k].pre)).toEqual(Array.from(cpu[k].pre));
    }
    expect(gpu.summary.synapticEvents).toBe(cpu.summary.synapticEvents);
    // Learning happened, in both directions, within the bounds.
    const initial = cpu.history.weights[0];
    const changed = cpu.ff.weights.filter((w, s) => w !== initial[s]).length;
    expect(changed).toBeGreaterThan(cpu.ff.weights.length / 2);
    expect(cpu.ff.weights.some((w, s) => w > initial[s])).toBe(true);
    expect(cpu.ff.weights.some((w, s) => w < initial[s])).toBe(true);
    expect(Math.min(...cpu.rec.weights)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...cpu.rec.weights)).toBeLessThanOrEqual(0.2);
    // Snapshots every 50 ms from 0 to 300 ms; the last is the final state.
    expect(Array.from(gpu.history.times)).toEqual([0, 50, 100, 150, 200, 250, 300]);
    expect(Array.from(gpu.history.weights[6])).toEqual(Array.from(gpu.ff.weights));
    expect(gpu.history.weights.map((w) => Array.from(w))).toEqual(cpu.history.weights.map((w) => Array.from(w)));
  });

  it('polychronization (delays 1–20 ms, nearest pairing, two plastic projections from one population): identical for 400 ms', async () => {
    const spec = builtinNetwork('polychronization');
    const run = async (backend: 'cpu' | 'webgpu') => {
      const sim = await Simulator.create(spec, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
      try {
        await sim.run(400);
        return { ee: (await sim.weights('EE')).weights, ei: (await sim.weights('EI')).weights, e: sim.spikes('E'), i: sim.spikes('I') };
      } finally {
        sim.dispose();
      }
    };
    const [cpu, gpu] = [await run('cpu'), await run('webgpu')];
    expect(cpu.e.ids.length).toBeGreaterThan(300);
    expect(Array.from(gpu.e.ids)).toEqual(Array.from(cpu.e.ids));
    expect(Array.from(gpu.i.times)).toEqual(Array.from(cpu.i.times));
    expect(Array.from(gpu.ee)).toEqual(Array.from(cpu.ee));
    expect(Array.from(gpu.ei)).toEqual(Array.from(cpu.ei));
    expect(cpu.ee.filter((w) => w !== 6).length).toBeGreaterThan(1000); // learning happened
  });

  it('weights() names what it can read', async () => {
    const sim = await Simulator.create(plasticNetwork, { backend: 'cpu' });
    try {
      const w = await sim.weights('ff');
      expect(w.pre.length).toBe(w.weights.length);
      expect(Math.max(...w.delayMs)).toBeLessThanOrEqual(3);
      expect(Math.min(...w.delayMs)).toBeGreaterThanOrEqual(0.1);
      await expect(sim.weights('static')).rejects.toThrow('projection static is static');
      await expect(sim.weights('nope')).rejects.toThrow('plastic projections: ff, rec');
      expect(() => sim.weightHistory('rec')).toThrow('add { "projection": "rec"');
    } finally {
      sim.dispose();
    }
  });
});

describe('every plasticity rule of the registry: WGSL = CPU weights', () => {
  for (const [rule, family] of Object.entries(plasticityRules))
    it(`${rule} on a driven recurrent network, every option`, async () => {
      // Required parameters get a value; the others keep their defaults.
      const required = Object.fromEntries(
        Object.entries(family.params)
          .filter(([, p]) => p.default === undefined)
          .map(([k, p]) => [k, k === 'wMax' ? 2 : k === 'wMin' ? 0 : p.unit === 'ms' ? 20 : 0.02]),
      );
      const modulated = family.definition({}).modulator !== undefined;
      const options = Object.entries(family.options);
      const spec: NetworkSpec = {
        version: 1,
        dt: 0.5,
        seed: 9,
        populations: {
          input: { size: 40, model: 'poisson', params: { rate: 30 } },
          reward: { size: 1, model: 'poisson', params: { rate: 5 } },
          E: { size: 30, model: 'izhikevich', params: { receptors: { syn: { kind: 'pulse' } } }, iExt: 4, noise: { sd: 4 } },
        },
        // One projection per value of the rule's first option, so every variant runs.
        projections: (options.length ? options[0][1].values : ['']).map((value, k) => ({
          name: `p${k}`,
          pre: k === 0 ? 'input' : 'E',
          post: 'E',
          connect: { rule: 'fixedProbability' as const, p: 0.3 },
          weight: { uniform: [0, 2] as [number, number] },
          delay: { uniform: [0.5, 3] as [number, number] },
          receptor: 'syn',
          plasticity: {
            rule,
            ...required,
            ...(options.length ? { [options[0][0]]: value } : {}),
            ...(modulated ? { modulatedBy: { population: 'reward', amount: 0.5 } } : {}),
          } as unknown as PlasticitySpec,
        })),
      };
      const run = async (backend: 'cpu' | 'webgpu') => {
        const sim = await Simulator.create(spec, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
        try {
          await sim.run(500);
          return {
            weights: await Promise.all(spec.projections!.map(async (p) => Array.from((await sim.weights(p.name!)).weights))),
            spikes: sim.spikes('E').ids.length,
          };
        } finally {
          sim.dispose();
        }
      };
      const cpu = await run('cpu');
      const gpu = await run('webgpu');
      expect(gpu.weights).toEqual(cpu.weights);
      expect(cpu.spikes).toBeGreaterThan(50);
      const initial = await Simulator.create(spec, { backend: 'cpu' });
      const before = Array.from((await initial.weights('p0')).weights);
      initial.dispose();
      expect(cpu.weights[0].filter((w, i) => w !== before[i]).length, 'weights that learning moved').toBeGreaterThan(before.length / 4);
    });
});
