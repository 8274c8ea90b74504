/**
 * Learning controls: weight normalisation (`plasticity.normalize`), the adaptive threshold of
 * `adaptiveLif` and `sim.setPlasticity`, each GPU = CPU bit for bit and against its definition.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import type { StdpSpec } from '../../src/models/stdp.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { expectIdentical, releaseTestDevice, testDevice, type Spikes } from './helpers.ts';

afterAll(releaseTestDevice);

/** Poisson inputs onto adaptive-threshold neurons through normalised STDP, with lateral inhibition. */
function competitiveNetwork(options: { normalizeEvery?: number; thetaPlus?: number } = {}): NetworkSpec {
  return {
    version: 1,
    dt: 0.5,
    seed: 11,
    populations: {
      input: { size: 64, model: 'poisson', params: { rate: { uniform: [10, 80] } } },
      E: {
        size: 12,
        model: 'adaptiveLif',
        params: {
          tauM: 100,
          vRest: -65,
          vReset: -65,
          vThresh: -52,
          tRef: 5,
          thetaPlus: options.thetaPlus ?? 0.5,
          tauTheta: 1e4,
          receptors: { exc: { kind: 'conductance', tau: 1, eRev: 0 }, inh: { kind: 'conductance', tau: 2, eRev: -100 } },
        },
      },
      I: {
        size: 12,
        model: 'lif',
        params: { tauM: 10, vRest: -60, vReset: -45, vThresh: -40, tRef: 2, receptors: { exc: { kind: 'conductance', tau: 1, eRev: 0 } } },
      },
    },
    projections: [
      {
        name: 'input',
        pre: 'input',
        post: 'E',
        connect: { rule: 'allToAll' },
        weight: { uniform: [0, 0.4] },
        receptor: 'exc',
        plasticity: {
          rule: 'stdp',
          tauPlus: 20,
          tauMinus: 20,
          aPlus: 0.01,
          aMinus: 0.002,
          wMin: 0,
          wMax: 1,
          ...(options.normalizeEvery ? { normalize: { total: 12, every: options.normalizeEvery } } : {}),
        },
      },
      { name: 'EI', pre: 'E', post: 'I', connect: { rule: 'oneToOne' }, weight: 10, receptor: 'exc' },
      { name: 'IE', pre: 'I', post: 'E', connect: { rule: 'allToAll', allowSelf: false }, weight: 2, receptor: 'inh' },
    ],
    record: { spikes: ['E', 'I'], state: [{ pop: 'E', var: 'theta' }] },
  } as NetworkSpec;
}

async function create(spec: NetworkSpec, backend: 'webgpu' | 'cpu'): Promise<Simulator> {
  return Simulator.create(spec, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
}

/** Each post neuron's summed incoming weights. */
function columnSums(w: { post: Uint32Array; weights: Float32Array }, postSize: number): number[] {
  const sums = new Array(postSize).fill(0);
  w.post.forEach((j, s) => (sums[j] += w.weights[s]));
  return sums;
}

describe('weight normalisation and the adaptive threshold', () => {
  it('GPU = CPU: spikes, θ and weights after normalised STDP; weights sum to the total at each period', async () => {
    const result: Record<string, { spikes: Spikes; weights: Float32Array; theta: Float32Array; sums: number[] }> = {};
    for (const backend of ['cpu', 'webgpu'] as const) {
      const sim = await create(competitiveNetwork({ normalizeEvery: 50 }), backend);
      try {
        // 250 ms: the normalisation of tick 500 runs as 250 ms begins, so run one tick into it.
        await sim.run(250.5);
        const w = await sim.weights('input');
        result[backend] = {
          spikes: { E: sim.spikes('E'), I: sim.spikes('I') },
          weights: w.weights,
          theta: sim.state('E', 'theta').values,
          sums: columnSums(w, 12),
        };
      } finally {
        sim.dispose();
      }
    }
    const { cpu, webgpu } = result;
    expect(cpu.spikes.E.ids.length).toBeGreaterThan(15);
    expectIdentical(webgpu.spikes, cpu.spikes);
    expect(Array.from(webgpu.weights)).toEqual(Array.from(cpu.weights));
    expect(Array.from(webgpu.theta)).toEqual(Array.from(cpu.theta));
    // One tick of STDP after the scaling at 250 ms: within aPlus·x of the total per neuron.
    for (const s of cpu.sums) expect(Math.abs(s - 12)).toBeLessThan(0.5);
  });

  it('without learning, weights are scaled to the total exactly once per period', async () => {
    const spec = competitiveNetwork({ normalizeEvery: 10 });
    spec.projections![0].plasticity = { ...(spec.projections![0].plasticity as StdpSpec), aPlus: 0, aMinus: 0 };
    const sim = await create(spec, 'cpu');
    try {
      await sim.run(0.5);
      const sums = columnSums(await sim.weights('input'), 12);
      for (const s of sums) expect(s).toBeCloseTo(12, 4);
      const before = (await sim.weights('input')).weights.slice();
      await sim.run(9); // no period boundary: unchanged
      expect(Array.from((await sim.weights('input')).weights)).toEqual(Array.from(before));
    } finally {
      sim.dispose();
    }
  });

  it('θ grows by thetaPlus per spike and decays with tauTheta, and resetState keeps it', async () => {
    const spec = competitiveNetwork({ thetaPlus: 0.5 });
    const sim = await create(spec, 'cpu');
    try {
      await sim.run(200);
      const theta = sim.state('E', 'theta');
      const spikes = sim.spikes('E');
      // θ(t) = Σ over spikes s ≤ t of thetaPlus·exp(−(t − s)/τθ), to f32 rounding.
      const last = theta.times.length - 1;
      for (let i = 0; i < 12; i++) {
        let expected = 0;
        spikes.ids.forEach((id, k) => {
          if (id === i) expected += 0.5 * Math.exp(-(theta.times[last] - spikes.times[k]) / 1e4);
        });
        expect(theta.values[last * 12 + i]).toBeCloseTo(expected, 3);
      }
      expect(spikes.ids.length).toBeGreaterThan(10);
      const before = theta.values.slice(last * 12);
      await sim.resetState();
      sim.clearRecordings();
      await sim.run(0.5);
      const after = sim.state('E', 'theta').values;
      // One tick of decay, no spike possible from reset v in one tick.
      for (let i = 0; i < 12; i++) expect(after[i]).toBeCloseTo(before[i] * Math.exp(-0.5 / 1e4), 5);
    } finally {
      sim.dispose();
    }
  });
});

describe('sim.setPlasticity', () => {
  it('aPlus = aMinus = 0 freezes the weights; new amplitudes apply GPU = CPU and survive a checkpoint', async () => {
    const weights: Record<string, Float32Array> = {};
    for (const backend of ['cpu', 'webgpu'] as const) {
      const sim = await create(competitiveNetwork(), backend);
      try {
        await sim.run(50);
        sim.setPlasticity('input', { aPlus: 0, aMinus: 0 });
        const frozen = (await sim.weights('input')).weights.slice();
        await sim.run(100);
        expect(Array.from((await sim.weights('input')).weights)).toEqual(Array.from(frozen));
        sim.setPlasticity('input', { aPlus: 0.02 });
        const restored = await Simulator.restore(await sim.checkpoint(), { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
        try {
          await sim.run(100);
          await restored.run(100);
          const w = (await sim.weights('input')).weights;
          expect(Array.from((await restored.weights('input')).weights)).toEqual(Array.from(w));
          expect(Array.from(w)).not.toEqual(Array.from(frozen));
          weights[backend] = w;
        } finally {
          restored.dispose();
        }
      } finally {
        sim.dispose();
      }
    }
    expect(Array.from(weights.webgpu)).toEqual(Array.from(weights.cpu));
  });

  it('names what is wrong', async () => {
    const sim = await create(competitiveNetwork(), 'cpu');
    try {
      expect(() => sim.setPlasticity('inptu', { aPlus: 0 })).toThrow(/no plastic projection "inptu" \(did you mean "input"\?\); plastic projections: input/);
      expect(() => sim.setPlasticity('input', { aPlus: -1 })).toThrow(/aPlus is -1; it must be finite and ≥ 0/);
      expect(() => sim.setPlasticity('input', { tauPlus: 3 } as never)).toThrow(
        /tauPlus cannot be changed \(did you mean "aPlus"\?\); stdp can change aPlus, aMinus/,
      );
    } finally {
      sim.dispose();
    }
  });
});
