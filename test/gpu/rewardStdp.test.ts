/**
 * Reward-modulated STDP (Izhikevich 2007) as a rule definition: pairings change only the
 * eligibility trace, dopamine turns it into weight; the weight of one synapse against the
 * rule's equations, and WGSL = CPU bit for bit with dopamine from a population's spikes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RewardStdpSpec } from '../../src/models/stdp.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { releaseTestDevice, testDevice } from './helpers.ts';

afterAll(releaseTestDevice);

const DT = 1;
const W0 = 1;
const atTick = (tick: number) => (tick + 0.5) * DT;

/**
 * One synapse: pre fires in tick `preTick` (arriving one tick later), a driver's kick makes post
 * fire in tick `postTick`; rewards are spikes of the `reward` source at `rewardTicks`.
 */
function pairNetwork(preTick: number, postTick: number, rewardTicks: number[], plasticity: Partial<RewardStdpSpec> = {}): NetworkSpec {
  return {
    version: 1,
    dt: DT,
    populations: {
      pre: { size: 1, model: 'spikeSource', times: [atTick(preTick)], ids: [0] },
      driver: { size: 1, model: 'spikeSource', times: [atTick(postTick - 1)], ids: [0] },
      reward: { size: 1, model: 'spikeSource', times: rewardTicks.map(atTick), ids: rewardTicks.map(() => 0) },
      post: {
        size: 1,
        model: 'lif',
        params: { vRest: -70, vThresh: -50, vReset: -70, tRef: 0, receptors: { kick: { kind: 'delta' }, plastic: { kind: 'current', tau: 1 } } },
      },
    },
    projections: [
      { name: 'drive', pre: 'driver', post: 'post', connect: { rule: 'oneToOne' }, weight: 60, delay: DT, receptor: 'kick' },
      {
        name: 'rstdp',
        pre: 'pre',
        post: 'post',
        connect: { rule: 'oneToOne' },
        weight: W0,
        delay: DT,
        receptor: 'plastic',
        plasticity: { rule: 'rstdp', wMin: 0, wMax: 4, modulatedBy: { population: 'reward', amount: 0.5 }, ...plasticity },
      },
    ],
  };
}

async function weightAfter(spec: NetworkSpec, ms: number, backend: 'cpu' | 'webgpu' = 'cpu', before?: (sim: Simulator) => void): Promise<number> {
  const sim = await Simulator.create(spec, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
  try {
    before?.(sim);
    await sim.run(ms);
    return (await sim.weights('rstdp')).weights[0];
  } finally {
    sim.dispose();
  }
}

/**
 * The rule's equations in double precision: c after the pairing, then every 10 ms
 * w += (baseline + d)·c and c ·= exp(−10/τc), d decaying by exp(−1/τd) per tick and rising by
 * 0.5 at each reward (as the tick after the reward spike begins); or set to `setAt.d` as tick
 * `setAt.tick` begins (sim.setModulator between runs).
 */
function expectedWeight(c0: number, cTick: number, rewardTicks: number[], endTick: number, setAt?: { tick: number; d: number }): number {
  const baseline = 0.002;
  let w = W0,
    c = 0,
    d = 0;
  for (let tick = 1; tick <= endTick; tick++) {
    if (tick === setAt?.tick) d = setAt.d;
    d *= Math.exp(-1 / 200);
    if (rewardTicks.includes(tick - 1)) d += 0.5;
    if (tick === cTick) c += c0;
    if (tick % 10 === 0) {
      w = Math.min(Math.max(w + (baseline + d) * c, 0), 4);
      c *= Math.exp(-10 / 1000);
    }
  }
  return w;
}

describe('reward-modulated STDP', () => {
  // Pre fires in tick 100 and arrives in 101; post fires in tick 110: a causal pair 9 ms apart.
  const c0 = 0.1 * Math.exp(-9 / 20);

  it('a causal pair with no reward and no tonic dopamine leaves the weight alone', async () => {
    expect(await weightAfter(pairNetwork(100, 110, [], { baseline: 0 }), 3000)).toBe(W0);
  });

  it('a reward 1 s after the pairing turns its eligibility into weight, as the equations say', async () => {
    const w = await weightAfter(pairNetwork(100, 110, [1110]), 3000);
    // The pairing is applied as tick 111 begins (post spike of tick 110).
    const expected = expectedWeight(c0, 111, [1110], 3000);
    expect(w).toBeGreaterThan(W0 + 0.01);
    // f32 weights and traces over 290 updates: within 5e-5.
    expect(Math.abs(w - expected)).toBeLessThan(5e-5);
  });

  it('an acausal pair (post first) loses weight with the same reward', async () => {
    const w = await weightAfter(pairNetwork(110, 100, [1110]), 3000);
    // Pre arrives in tick 111, 11 ms after the post spike: c = −aMinus·e^(−11/20), applied as tick 111 begins.
    expect(Math.abs(w - expectedWeight(-0.15 * Math.exp(-11 / 20), 111, [1110], 3000))).toBeLessThan(5e-5);
    expect(w).toBeLessThan(W0 - 0.01);
  });

  it('sim.setModulator gives a reward from the host', async () => {
    const spec = pairNetwork(100, 110, []);
    const sim = await Simulator.create(spec, { backend: 'cpu' });
    try {
      await sim.run(1111);
      sim.setModulator('rstdp', 0.5);
      await sim.run(1889);
      const w = (await sim.weights('rstdp')).weights[0];
      // The plasticity of tick 1110 runs as tick 1111 begins, in the next run: d = 0.5 there, before its decay.
      expect(Math.abs(w - expectedWeight(c0, 111, [], 3000, { tick: 1111, d: 0.5 }))).toBeLessThan(5e-5);
      expect(() => sim.setModulator('drive', 1)).toThrow(/static/);
    } finally {
      sim.dispose();
    }
  });

  it('WGSL = CPU bit for bit: a recurrent network with rewards from a population', async () => {
    const spec: NetworkSpec = {
      version: 1,
      dt: DT,
      seed: 5,
      populations: {
        input: { size: 40, model: 'poisson', params: { rate: 20 } },
        reward: { size: 2, model: 'poisson', params: { rate: 2 } },
        E: { size: 30, model: 'izhikevich', params: { substeps: 2, receptors: { syn: { kind: 'pulse' } } }, iExt: 4, noise: { sd: 5 } },
      },
      projections: [
        {
          name: 'in',
          pre: 'input',
          post: 'E',
          connect: { rule: 'fixedProbability', p: 0.3 },
          weight: { uniform: [0, 4] },
          delay: { uniform: [1, 3] },
          receptor: 'syn',
          plasticity: { rule: 'rstdp', wMin: 0, wMax: 4, modulatedBy: { population: 'reward', amount: 0.5 } },
        },
        {
          name: 'rec',
          pre: 'E',
          post: 'E',
          connect: { rule: 'fixedProbability', p: 0.2 },
          weight: 1,
          delay: 1,
          receptor: 'syn',
          plasticity: { rule: 'rstdp', wMin: 0, wMax: 4, pairing: 'all', every: 5, modulatedBy: { population: 'reward', amount: 0.3 } },
        },
      ],
    };
    const run = async (backend: 'cpu' | 'webgpu') => {
      const sim = await Simulator.create(spec, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
      try {
        await sim.run(1000);
        return { in: (await sim.weights('in')).weights, rec: (await sim.weights('rec')).weights, spikes: sim.spikes('E').ids.length };
      } finally {
        sim.dispose();
      }
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    expect(Array.from(gpu.in)).toEqual(Array.from(cpu.in));
    expect(Array.from(gpu.rec)).toEqual(Array.from(cpu.rec));
    expect(cpu.spikes).toBeGreaterThan(100);
    // Not vacuous: learning moved weights.
    const initial = await Simulator.create(spec, { backend: 'cpu' }).then(async (sim) => {
      const w = (await sim.weights('rec')).weights;
      sim.dispose();
      return w;
    });
    expect(Array.from(cpu.rec).filter((w, i) => w !== initial[i]).length).toBeGreaterThan(cpu.rec.length / 2);
  });
});
