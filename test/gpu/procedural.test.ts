/**
 * Procedural synapses: rows regenerated at each spike from the keyed draws give the spikes
 * stored synapses give, on the CPU reference and on WebGPU, for every rule procedural storage
 * takes, with no per-synapse GPU buffers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import { networkBytes } from '../../src/compile/compiled.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/netspec/types.ts';
import { DRAW_ROWS_PER_DISPATCH } from '../../src/kernels/buildRows.ts';
import { GpuBackend } from '../../src/sim/gpuBackend.ts';
import { expectIdentical, releaseTestDevice, runSpikes, testDevice, totalSpikes } from './helpers.ts';

afterAll(releaseTestDevice);

const procedural = (spec: NetworkSpec): NetworkSpec => ({
  ...spec,
  projections: spec.projections!.map((p): ProjectionSpec => ({ ...p, storage: 'procedural' })),
});

/** Every rule procedural storage takes, with drawn weights (both signs) and drawn delays. */
function allRules(): NetworkSpec {
  const receptors = { exc: { kind: 'current' as const, tau: 5 }, inh: { kind: 'current' as const, tau: 10 } };
  const lif = { tauM: 20, vRest: -65, vThresh: -50, vReset: -65, tRef: 2, receptors };
  return {
    version: 1,
    dt: 0.1,
    seed: 5,
    populations: {
      P: { size: 300, model: 'poisson', params: { rate: 20 } },
      E: { size: 240, model: 'lif', params: lif, init: { v: { uniform: [-65, -50] } }, iExt: 12 },
      I: { size: 60, model: 'lif', params: lif, init: { v: { uniform: [-65, -50] } }, iExt: 12 },
    },
    projections: [
      {
        pre: 'P',
        post: 'E',
        connect: { rule: 'fixedTotal', n: 6000 },
        weight: { normal: [0.8, 0.2], clip: [0, 2] },
        delay: { normal: [1.5, 0.75], clip: [0.1, 5] },
        receptor: 'exc',
      },
      {
        pre: 'E',
        post: 'E',
        connect: { rule: 'fixedOutDegree', k: 20, allowSelf: false },
        weight: { uniform: [0.1, 0.6] },
        delay: { uniform: [0.5, 3] },
        receptor: 'exc',
      },
      { pre: 'E', post: 'I', connect: { rule: 'allToAll' }, weight: 0.05, delay: 1, receptor: 'exc' },
      { pre: 'I', post: 'E', connect: { rule: 'fixedTotal', n: 3000 }, weight: { normal: [-2, 0.4], clip: [-5, 0] }, delay: 0.8, receptor: 'inh' },
      { pre: 'I', post: 'I', connect: { rule: 'allToAll', allowSelf: false }, weight: { uniform: [-0.5, -0.1] }, receptor: 'inh' },
      { pre: 'P', post: 'I', connect: { rule: 'oneToOne' }, weight: 3, receptor: 'exc' },
    ],
  };
}

describe('procedural synapses: the spikes of stored ones', () => {
  // oneToOne needs equal sizes: P → I would not validate, so that projection uses its own pair.
  const spec = allRules();
  spec.populations.Q = { size: 60, model: 'poisson', params: { rate: 30 } };
  spec.projections![5] = { ...spec.projections![5], pre: 'Q' };

  it('every rule, CPU reference', async () => {
    const stored = await runSpikes(spec, 150, { backend: 'cpu' });
    const regenerated = await runSpikes(procedural(spec), 150, { backend: 'cpu' });
    expect(totalSpikes(stored)).toBeGreaterThan(500);
    expectIdentical(regenerated, stored);
  });

  it('every rule, WebGPU (= the CPU reference)', async () => {
    const stored = await runSpikes(spec, 150, { backend: 'cpu' });
    const regenerated = await runSpikes(procedural(spec), 150, { backend: 'webgpu' });
    expectIdentical(regenerated, stored);
  });

  it('microcircuit at scale 0.1: no per-synapse buffers, ≥ 4× fewer GPU bytes', () => {
    const stored = compileNetwork(builtinNetwork('microcircuit', { scale: 0.1 })),
      regenerated = compileNetwork(builtinNetwork('microcircuit', { scale: 0.1, connectivity: 'procedural' }));
    expect(regenerated.synapseCount).toBe(stored.synapseCount);
    expect(regenerated.synapses.target.length).toBe(0);
    expect(regenerated.procedural.length).toBe(stored.spec.projections!.length);
    expect(regenerated.scales).toEqual(stored.scales);
    expect(networkBytes(stored) / networkBytes(regenerated)).toBeGreaterThanOrEqual(4);
  });

  it('microcircuit at scale 0.03: the same spikes', async () => {
    const storedSpec = builtinNetwork('microcircuit', { scale: 0.03 });
    const proceduralSpec = builtinNetwork('microcircuit', { scale: 0.03, connectivity: 'procedural' });
    const a = await runSpikes(storedSpec, 100, { backend: 'cpu' });
    const b = await runSpikes(proceduralSpec, 100, { backend: 'webgpu' });
    expect(totalSpikes(a)).toBeGreaterThan(100);
    expectIdentical(b, a);
  });
});

describe('procedural synapses: a fixed spike grid spreads projections over its height', () => {
  it('the same spikes with indirect and fixed dispatch', async () => {
    const spec = procedural(builtinNetwork('microcircuit', { scale: 0.03 }));
    const indirect = await runSpikes(spec, 30, { backend: 'webgpu', fused: false, spikeDispatch: 'indirect' });
    const fixed = await runSpikes(spec, 30, { backend: 'webgpu', fused: false, spikeDispatch: 'fixed' });
    expect(totalSpikes(indirect)).toBeGreaterThan(10);
    expectIdentical(fixed, indirect);
  });
});

describe('stored rows drawn on the device', () => {
  it('are the host-built rows, bit for bit, also split into shards and into several dispatches', async () => {
    const gpu = await testDevice();
    // More rows than one dispatch draws (DRAW_ROWS_PER_DISPATCH), one synapse each.
    const lif = { tauM: 20, vRest: -65, vThresh: -50, vReset: -65, tRef: 2, receptors: { exc: { kind: 'current' as const, tau: 5 } } };
    const manyRows: NetworkSpec = {
      version: 1,
      dt: 0.1,
      populations: { A: { size: DRAW_ROWS_PER_DISPATCH + 4321, model: 'poisson', params: { rate: 1 } }, B: { size: 10, model: 'lif', params: lif } },
      projections: [
        { pre: 'A', post: 'B', connect: { rule: 'fixedOutDegree', k: 1 }, weight: { normal: [1, 0.2] }, delay: { uniform: [0.1, 2] }, receptor: 'exc' },
      ],
    };
    for (const [doc, synapseShardBytes] of [
      [builtinNetwork('microcircuit', { scale: 0.03 }), undefined],
      [builtinNetwork('microcircuit', { scale: 0.03 }), 400_000],
      [manyRows, undefined],
    ] as const) {
      const host = compileNetwork(doc);
      const net = compileNetwork(doc, { rowsOnDevice: true });
      expect(net.synapses.onDevice.length).toBeGreaterThan(0);
      const backend = await GpuBackend.create(gpu, net, { synapseShardBytes });
      try {
        if (synapseShardBytes) expect(backend.sharding.shards).toBeGreaterThan(1);
        const drawn = await backend.readStaticSynapses();
        expect(drawn.target).toEqual(host.synapses.target);
        expect(drawn.weight).toEqual(host.synapses.weight);
      } finally {
        backend.dispose();
      }
    }
  });

  it("give the CPU reference's spikes (Simulator draws them on the device by default)", async () => {
    const doc = builtinNetwork('microcircuit', { scale: 0.03 });
    expectIdentical(await runSpikes(doc, 60, { backend: 'webgpu' }), await runSpikes(doc, 60, { backend: 'cpu' }));
  });
});
