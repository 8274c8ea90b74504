/**
 * Learning controls: weight normalisation (`plasticity.normalize`), the adaptive threshold of
 * `adaptiveLif` and `sim.setPlasticity`, each GPU = CPU bit for bit and against its definition.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { exactDivide, exactDivideWgsl } from '../../src/models/exactDivision.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { expectIdentical, releaseTestDevice, runCompute, testDevice, type Spikes } from './helpers.ts';

afterAll(releaseTestDevice);

const f32 = Math.fround;
const bitsOf = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

describe('exactDivide: the WGSL long division is the correctly rounded f32 quotient', () => {
  it('matches f32(total / sum) on random and edge operands', async () => {
    let state = 12345;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) as number;
    const pairs: [number, number][] = [
      [1, 1],
      [1, 3],
      [78, 78],
      [10, 0.1],
      [f32(1 + 2 ** -23), f32(1 - 2 ** -24)],
      [2 ** 127, 2 ** -126], // overflows: the largest f32
      [2 ** -100, 2 ** 100], // underflows to 0
      [f32(3.4e38), 1.5],
      [-(2 ** 127), 2 ** -126], // overflows, negative
      [-78, 3],
      [0, 1.5],
      [-0, 1.5],
      [2 ** -140, 1], // a subnormal numerator: 0
      [f32(-65.25), f32(1.0123)],
    ];
    // Ties and near-ties: significands a few ulp apart, and random magnitudes.
    for (let k = 0; k < 4000; k++)
      pairs.push([f32((1 + random()) * 2 ** Math.floor(random() * 40 - 20)), f32((1 + random()) * 2 ** Math.floor(random() * 40 - 20))]);
    for (let k = 0; k < 1000; k++) {
      const a = f32(1 + Math.floor(random() * 2 ** 23) * 2 ** -23);
      pairs.push([a, f32(a + 2 ** -23 * Math.floor(random() * 5 - 2))]);
    }
    // adaptiveLif's implicit step: numerators of either sign, denominators ≥ 1.
    for (let k = 0; k < 2000; k++) pairs.push([f32((random() - 0.5) * 200), f32(1 + random() * 50)]);
    const input = new Uint32Array(pairs.length * 2);
    pairs.forEach(([a, b], k) => input.set([bitsOf(a), bitsOf(b)], 2 * k));
    const code = /* wgsl */ `
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read_write> output: array<u32>;
${exactDivideWgsl}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let k = id.x;
  if (k >= ${pairs.length}u) { return; }
  output[k] = bitcast<u32>(exactDivide(bitcast<f32>(input[2u * k]), bitcast<f32>(input[2u * k + 1u])));
}`;
    const out = await runCompute(code, input, pairs.length, Math.ceil(pairs.length / 64));
    const wrong = pairs
      .map(([a, b], k) => ({ a, b, gpu: new Float32Array(out.buffer)[k], cpu: exactDivide(a, b) }))
      .filter((x) => bitsOf(x.cpu) !== bitsOf(x.gpu));
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(exactDivide(2 ** 127, 2 ** -126)).toBe(f32(3.4028234663852886e38));
    expect(exactDivide(-(2 ** 127), 2 ** -126)).toBe(-f32(3.4028234663852886e38));
    expect(exactDivide(2 ** -100, 2 ** 100)).toBe(0);
    expect(Object.is(exactDivide(-0, 3), 0)).toBe(true);
  });
});

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
    spec.projections![0].plasticity = { ...spec.projections![0].plasticity!, aPlus: 0, aMinus: 0 };
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
      expect(() => sim.setPlasticity('input', { aPlus: -1 })).toThrow(/aPlus is -1; amplitudes are finite and ≥ 0/);
      expect(() => sim.setPlasticity('input', { tauPlus: 3 } as never)).toThrow(/tauPlus cannot be changed/);
    } finally {
      sim.dispose();
    }
  });
});
