/**
 * Models given by equations, and every model of the registry: the WGSL kernel and the CPU
 * reference give the same spikes and the same state, bit for bit, on networks that exercise
 * every receptor kind, noise, Poisson input, refractoriness, each integration method and
 * each function of the expression language.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { models } from '../../src/models/index.ts';
import type { NetworkSpec, PopulationSpec } from '../../src/netspec/types.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { expectIdentical, releaseTestDevice, testDevice, totalSpikes, type Spikes } from './helpers.ts';

afterAll(releaseTestDevice);

/** Spikes of every population and the recorded state traces' bits, on one backend. */
async function runBoth(spec: NetworkSpec, ms: number, backend: 'cpu' | 'webgpu') {
  const sim = await Simulator.create(spec, { backend, device: backend === 'webgpu' ? await testDevice() : undefined });
  try {
    await sim.run(ms);
    const spikes: Spikes = Object.fromEntries(sim.network.populations.map((p) => [p.name, sim.spikes(p.name)]));
    const state = (spec.record?.state ?? []).map((s) => {
      const trace = sim.state(s.pop, s.var);
      return { name: `${s.pop}.${s.var}`, bits: Array.from(new Uint32Array(trace.values.buffer, trace.values.byteOffset, trace.values.length)) };
    });
    return { spikes, state };
  } finally {
    sim.dispose();
  }
}

async function expectGpuEqualsCpu(spec: NetworkSpec, ms: number): Promise<number> {
  const cpu = await runBoth(spec, ms, 'cpu');
  const gpu = await runBoth(spec, ms, 'webgpu');
  expectIdentical(gpu.spikes, cpu.spikes);
  for (const [k, s] of cpu.state.entries()) {
    const first = s.bits.findIndex((b, i) => b !== gpu.state[k].bits[i]);
    expect(first, `${s.name}: first differing sample`).toBe(-1);
    expect(s.bits.length).toBeGreaterThan(0);
  }
  return totalSpikes(cpu.spikes);
}

/** A Poisson input population driving `target` through every receptor it declares. */
function drivenNetwork(target: PopulationSpec, receptors: string[], extra: Partial<NetworkSpec> = {}): NetworkSpec {
  return {
    version: 1,
    dt: 0.1,
    seed: 7,
    populations: { input: { size: 40, model: 'poisson', params: { rate: 40 } }, N: target },
    projections: receptors.map((receptor, k) => ({
      pre: 'input',
      post: 'N',
      connect: { rule: 'fixedProbability', p: 0.3 },
      weight: k % 2 ? { uniform: [0.01, 0.05] } : { uniform: [0.5, 2] },
      delay: { uniform: [0.5, 2] },
      receptor,
    })),
    ...extra,
  } as NetworkSpec;
}

describe('models given by equations: WGSL = CPU, bit for bit', () => {
  const receptors = {
    ampa: { kind: 'current', tau: 5 },
    gaba: { kind: 'conductance', tau: 10, eRev: -80 },
    kick: { kind: 'delta' },
    pulse: { kind: 'pulse' },
  } as const;

  for (const method of ['euler', 'rk2'] as const)
    it(`a two-variable model with every function, every receptor kind, noise and refractoriness (${method})`, async () => {
      const model = {
        equations: [
          'dv/dt = (EL - v + gain*exp((v - VT)/sharp) - w + iExt + ampa + gaba*(Egaba - v)) / tau (unless refractory)',
          'dw/dt = (a*(v - EL) - w) / tauw + bump + 0.001*t',
          'bump = 0.001*(sqrt(abs(v)) - log(1 + abs(w)) + pow(abs(v) + 1, 0.3) + v**2/1000 - floor(w) + clip(w, -1, 1) + min(v, max(w, EL)))',
        ],
        threshold: 'v > VT + 5*sharp or w > 50',
        reset: ['v = Vr', 'w += b', 'w *= 0.9'],
        refractory: 'tRef',
        method,
      };
      const target: PopulationSpec = {
        size: 50,
        model,
        params: {
          EL: -65,
          VT: { uniform: [-52, -48] },
          sharp: 2,
          gain: 1,
          a: 0.5,
          tauw: 100,
          tau: { uniform: [10, 20] },
          Vr: -60,
          b: 1,
          Egaba: -80,
          tRef: 2,
          receptors,
        },
        init: { v: { uniform: [-65, -55] } },
        iExt: { uniform: [15, 40] },
        noise: { sd: 3 },
        poissonInput: [{ count: 20, rate: 10, weight: 0.5, receptor: 'ampa' }],
      } as PopulationSpec;
      const spec = drivenNetwork(target, ['ampa', 'gaba', 'kick', 'pulse'], {
        record: {
          spikes: ['N'],
          state: [
            { pop: 'N', var: 'v', ids: [0, 7, 31] },
            { pop: 'N', var: 'w', ids: [0, 7, 31] },
          ],
        },
      });
      expect(await expectGpuEqualsCpu(spec, 100)).toBeGreaterThan(50);
    });

  it('the exact method on a linear model with Isyn: propagators of the decaying currents, delta inputs', async () => {
    const model = {
      equations: ['dv/dt = (vRest - v + iExt + Isyn) / tau', 'dz/dt = -z / tauZ + 0.1'],
      threshold: 'v > -50',
      reset: ['v = -65', 'z += 1'],
      method: 'exact',
    };
    const target = {
      size: 30,
      model,
      params: { vRest: -65, tau: { uniform: [15, 25] }, tauZ: 50, receptors: { ampa: receptors.ampa, kick: receptors.kick } },
      init: { v: -60 },
      iExt: 18,
      noise: { sd: 4 },
    } as PopulationSpec;
    const spec = drivenNetwork(target, ['ampa', 'kick'], {
      record: {
        spikes: ['N'],
        state: [
          { pop: 'N', var: 'v', ids: [0, 5] },
          { pop: 'N', var: 'z', ids: [3] },
        ],
      },
    });
    expect(await expectGpuEqualsCpu(spec, 100)).toBeGreaterThan(20);
  });
});

describe('every model of the registry: WGSL = CPU on a driven network', () => {
  const inputOf: Record<string, { params?: Record<string, unknown>; iExt: number }> = {
    lif: { iExt: 20 },
    adaptiveLif: { iExt: 20, params: { thetaPlus: 0.5, tauTheta: 50 } },
    izhikevich: { iExt: 10, params: { substeps: 2 } },
    adex: { iExt: 300, params: { b: { uniform: [0, 60] }, a: { uniform: [-5, 5] }, tRef: 1 } },
  };
  // Two receptor sets: lif takes its exact step with currents, Euler (adaptiveLif: implicit) with a conductance.
  const receptorSets = {
    'current and conductance': { exc: { kind: 'current', tau: 5 }, inh: { kind: 'conductance', tau: 10, eRev: -80 } },
    'current and delta': { exc: { kind: 'current', tau: 5 }, inh: { kind: 'delta' } },
  };
  for (const [name, model] of Object.entries(models))
    for (const [receptorsLabel, receptorSet] of Object.entries(receptorSets)) {
      if (model.isSource) continue;
      it(`${name} (${receptorsLabel} receptors)`, async () => {
        const drive = inputOf[name];
        expect(drive, `a test input for ${name}: add one here`).toBeDefined();
        const target = {
          size: 40,
          model: name,
          params: { ...drive.params, receptors: receptorSet },
          iExt: drive.iExt,
          noise: { sd: 2 },
        } as PopulationSpec;
        const vars = Object.entries(model.state)
          .filter(([, s]) => !s.internal)
          .map(([v]) => v);
        const spec = drivenNetwork(target, ['exc', 'inh'], { record: { spikes: ['N'], state: vars.map((v) => ({ pop: 'N', var: v, ids: [0, 9] })) } });
        expect(await expectGpuEqualsCpu(spec, 100)).toBeGreaterThan(10);
      });
    }
});
