import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import { bufferPlan, networkShape, type CompiledNetwork } from '../../src/compile/compiled.ts';
import { checkMemoryPlan, expectedSynapses, MAX_U32, MemoryPlanError, planMemory, type MemoryPlan } from '../../src/sim/memoryPlan.ts';
import { SpecError } from '../../src/netspec/errors.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import { ALL_TO_ALL, HUGE } from '../fixtures/oversized.ts';
import { Simulator } from '../../src/sim/simulator.ts';

/** The plan's buffers that `CompiledNetwork.buffers` also lists (the readback logs are the GPU backend's). */
const networkBuffers = (plan: MemoryPlan) => plan.gpu.buffers.filter((b) => b.role !== 'logs');

/** Every exact rule, spike sources, Poisson input, noise, several groups (two lif layouts), a plastic projection with delays, partial records and probes. */
const MIXED: NetworkSpec = {
  version: 1,
  dt: 0.1,
  seed: 5,
  populations: {
    S: { size: 30, model: 'spikeSource', times: [1, 1.02, 5, 5, 7.5, 2], ids: [0, 0, 3, 3, 29, 0] },
    P: { size: 50, model: 'poisson', params: { rate: 20 } },
    E: {
      size: 120,
      model: 'lif',
      params: { receptors: { exc: { kind: 'current', tau: 5 }, inh: { kind: 'conductance', tau: 10, eRev: -80 } } },
      noise: { sd: 0.5 },
      poissonInput: [{ count: 100, rate: 8, weight: 0.2, receptor: 'exc' }],
    },
    I: { size: 40, model: 'lif', params: { receptors: { exc: { kind: 'delta' } } } },
    Z: { size: 25, model: 'izhikevich', params: { receptors: { exc: { kind: 'pulse' } } } },
  },
  projections: [
    { pre: 'S', post: 'E', connect: { rule: 'fixedOutDegree', k: 7 }, weight: 0.3, delay: 2.5, receptor: 'exc' },
    { pre: 'E', post: 'E', connect: { rule: 'allToAll', allowSelf: false }, weight: 0.01, delay: 1.25, receptor: 'exc' },
    { pre: 'E', post: 'I', connect: { rule: 'fixedTotal', n: 333 }, weight: 0.1, delay: [0.3, 0.9, 4.2].flatMap((d) => Array(111).fill(d)), receptor: 'exc' },
    { pre: 'I', post: 'E', connect: { rule: 'fixedInDegree', k: 9, allowMultiple: false }, weight: 0.2, receptor: 'inh' },
    { pre: 'I', post: 'Z', connect: { rule: 'list', pre: [0, 1, 2, 39], post: [0, 0, 24, 3] }, weight: 2, receptor: 'exc' },
    {
      name: 'learn',
      pre: 'P',
      post: 'I',
      connect: { rule: 'fixedProbability', p: 1 },
      weight: 0.05,
      delay: 0.7,
      receptor: 'exc',
      plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.012, wMin: 0, wMax: 0.1 },
    },
    { pre: 'Z', post: 'Z', connect: { rule: 'oneToOne' }, weight: 1, receptor: 'exc' },
  ],
  record: {
    spikes: ['E', { pop: 'I', ids: [3, 1, 3] }],
    state: [
      { pop: 'E', var: 'v', ids: [0, 5] },
      { pop: 'Z', var: 'u' },
    ],
  },
};

describe('planMemory: the plan equals the compiled buffer plan where counts are exact', () => {
  const exactCases: [string, unknown][] = [
    ['brunel (fixedInDegree)', builtinNetwork('brunel', { n: 2500 })],
    ['izhikevich2003 (allToAll)', builtinNetwork('izhikevich2003')],
    ['song2000 (plastic allToAll)', builtinNetwork('song2000')],
    ['polychronization (lists, per-synapse delays, plastic)', builtinNetwork('polychronization')],
    ['every exact rule, spike sources, Poisson input, several groups', MIXED],
  ];

  it.each(exactCases)('%s', (_label, spec) => {
    const plan = planMemory(spec);
    const net = compileNetwork(spec);
    expect(plan.exact).toBe(true);
    expect(plan.neurons).toBe(net.neuronCount);
    expect(plan.synapses).toBe(net.synapseCount);
    // Names, roles and bytes, in order; the one layout function reproduces the compiled plan too.
    expect(networkBuffers(plan)).toEqual(net.buffers);
    expect(bufferPlan(networkShape(net))).toEqual(net.buffers);
    expect(plan.gpu.networkBytes).toBe(net.buffers.reduce((a, b) => a + b.bytes, 0));
    // The logs as the GPU backend sizes them: K ticks of every recorded neuron and probe.
    const K = plan.gpu.ticksPerSubmit;
    const log = (name: string) => plan.gpu.buffers.find((b) => b.name === name)!.bytes;
    expect(log('spike log')).toBe(4 * K * Math.max(1, net.recordedCount));
    expect(log('state log')).toBe(4 * K * net.stateSlots);
  });

  /**
   * fixedProbability draws each of the M possible pairs independently: the count is
   * Binomial(M, p), sd √(M p (1 − p)) (≈ 560 for cuba's 320 000). Synapse buffers must lie
   * within 5 sd of the expectation (8 B each), every other buffer is exact.
   */
  it.each(['cuba', 'coba'])('%s (fixedProbability): exact but for the synapse buffers, within 5 sd', (name) => {
    const spec = builtinNetwork(name);
    const plan = planMemory(spec);
    const net = compileNetwork(spec);
    expect(plan.exact).toBe(false);
    const variance = plan.projections.reduce((a, p) => {
      const rule = net.spec.projections![p.index].connect as { p: number };
      return a + (p.synapses / rule.p) * rule.p * (1 - rule.p);
    }, 0);
    const tolerance = 5 * Math.sqrt(variance);
    expect(tolerance).toBeLessThan(0.01 * plan.synapses);
    expect(Math.abs(plan.synapses - net.synapseCount)).toBeLessThanOrEqual(tolerance);
    const mine = networkBuffers(plan);
    expect(mine.map((b) => [b.name, b.role])).toEqual(net.buffers.map((b) => [b.name, b.role]));
    net.buffers.forEach((b, k) => {
      if (b.role === 'synapses') expect(Math.abs(mine[k].bytes - b.bytes)).toBeLessThanOrEqual(4 * tolerance);
      else expect(mine[k].bytes).toBe(b.bytes);
    });
  });

  it('expected synapses per rule, self-connections excluded where asked', () => {
    expect(expectedSynapses({ rule: 'allToAll', allowSelf: false }, 10, 10, true).synapses).toBe(90);
    expect(expectedSynapses({ rule: 'allToAll', allowSelf: false }, 10, 10, false).synapses).toBe(100);
    expect(expectedSynapses({ rule: 'fixedProbability', p: 0.1, allowSelf: false }, 1000, 1000, true)).toEqual({ synapses: 99900, exact: false });
    expect(expectedSynapses({ rule: 'fixedProbability', p: 1 }, 3, 4, false)).toEqual({ synapses: 12, exact: true });
    expect(expectedSynapses({ rule: 'fixedOutDegree', k: 3 }, 7, 100, false).synapses).toBe(21);
    expect(expectedSynapses({ rule: 'fixedTotal', n: 17 }, 7, 100, false).synapses).toBe(17);
  });

  it('the host estimate covers the typed arrays the compiled network keeps', () => {
    const spec = builtinNetwork('polychronization');
    const plan = planMemory(spec);
    const net: CompiledNetwork = compileNetwork(spec);
    const kept =
      net.synapses.target.byteLength +
      net.synapses.weight.byteLength +
      net.synapses.rowStart.byteLength +
      net.groups.reduce((a, g) => a + g.params.byteLength + g.state.byteLength, 0) +
      net.plastic.reduce((a, p) => a + p.synapsePost.byteLength * 4 + p.segStart.byteLength + p.colStart.byteLength, 0);
    expect(plan.host.buildBytes).toBeGreaterThan(kept);
    // Static synapse arrays are uploaded in chunks (counted once), the other network buffers twice, the logs once.
    const staticSynapseBytes = plan.gpu.buffers.filter((b) => b.role === 'synapses').reduce((a, b) => a + b.bytes, 0);
    expect(plan.host.backendBytes).toBe(2 * (plan.gpu.networkBytes - staticSynapseBytes) + staticSynapseBytes + (plan.gpu.bytes - plan.gpu.networkBytes));
    // Per synapse: brunel 12 B (pairs 4, rows 8); drawn weights go straight into the rows (a per-synapse list adds 8); plastic 48.
    const brunel = planMemory(builtinNetwork('brunel', { n: 100_000 }));
    expect(brunel.synapses).toBe(125_000_000);
    expect(brunel.projections.map((p) => p.hostBytes / p.synapses)).toEqual([12, 12, 12, 12]);
    expect(brunel.gpu.networkBytes / brunel.synapses).toBeCloseTo(8.16, 2);
    // Measured on SwiftShader (chunked synapse upload): 2.44 GiB peak RSS (Node itself ≈ 0.08 GiB of it).
    expect(Math.abs(brunel.host.bytes / 2 ** 30 + 0.08 - 2.44)).toBeLessThan(0.15 * 2.44);
    const uniformSpec = {
      ...ALL_TO_ALL,
      projections: [{ ...ALL_TO_ALL.projections![0], connect: { rule: 'fixedOutDegree' as const, k: 10 }, weight: { uniform: [0, 1] as [number, number] } }],
    };
    expect(planMemory(uniformSpec, { backend: 'cpu' }).projections[0].hostBytes).toBe(12 * 1_000_000);
    // With a device its keyed rows are drawn there: the host keeps nothing per synapse.
    expect(planMemory(uniformSpec, { backend: 'webgpu' }).projections[0].hostBytes).toBe(0);
    const listed = planMemory({
      ...ALL_TO_ALL,
      projections: [{ ...ALL_TO_ALL.projections![0], connect: { rule: 'oneToOne' }, weight: Array.from({ length: 100_000 }, (_, i) => i / 100_000) }],
    });
    expect(listed.projections[0].hostBytes).toBe(20 * 100_000);
    // Procedural: no per-synapse bytes on the host or the GPU, only the row lengths of a fixed total.
    const procedural = planMemory({
      ...ALL_TO_ALL,
      projections: [{ ...ALL_TO_ALL.projections![0], connect: { rule: 'fixedTotal', n: 10_000_000 }, weight: { uniform: [0, 1] }, storage: 'procedural' }],
    });
    expect(procedural.projections[0].hostBytes).toBe(4 * ALL_TO_ALL.populations[ALL_TO_ALL.projections![0].pre].size);
    expect(procedural.gpu.buffers.filter((b) => b.role === 'synapses').reduce((a, b) => a + b.bytes, 0)).toBe(0);
    const song = planMemory(builtinNetwork('song2000'));
    expect(song.projections[0].hostBytes).toBe(48 * 1000);
  });
});

describe('planMemory: refusals, up front', () => {
  it('a 10^12-neuron population: u32 ids, naming the population, in milliseconds', () => {
    const t0 = performance.now();
    const plan = planMemory(HUGE, { hostMemoryBytes: 2 ** 36 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(plan.fits).toBe(false);
    expect(plan.problems[0]).toMatchObject({ kind: 'ids', path: 'populations.huge', needed: 1e12, limit: MAX_U32 });
    expect(() => checkMemoryPlan(plan)).toThrow(MemoryPlanError);
    expect(() => checkMemoryPlan(plan)).toThrow('populations.huge: 1000000000000 neurons, but neuron ids are u32: a network holds at most 4294967295');
  });

  it('more than 2^32 − 1 synapses in one projection: refused naming it', () => {
    const plan = planMemory(ALL_TO_ALL);
    expect(plan.synapses).toBe(1e10);
    expect(plan.problems).toHaveLength(1);
    expect(plan.problems[0]).toMatchObject({ kind: 'ids', path: 'projections[0]', needed: 1e10 });
    expect(() => checkMemoryPlan(plan)).toThrow(
      'projections[0]: projection AB: allToAll from A (100000) to B (100000) makes 10000000000 synapses, but synapse indices are u32: at most 4294967295',
    );
  });

  it('static synapses over u32 in all, though each projection fits: names the largest', () => {
    const spec = structuredClone(ALL_TO_ALL);
    spec.projections = [
      { name: 'one', pre: 'A', post: 'B', connect: { rule: 'fixedInDegree', k: 30_000 }, weight: 0.1, receptor: 'e' },
      { name: 'two', pre: 'A', post: 'B', connect: { rule: 'fixedInDegree', k: 20_000 }, weight: 0.1, receptor: 'e' },
    ];
    const [p] = planMemory(spec).problems;
    expect(p).toMatchObject({ kind: 'ids', path: 'projections' });
    expect(p.problem).toContain('5000000000 static synapses in all (largest: one, 3000000000)');
  });

  it('device binding limit: a buffer bound whole is refused naming its population; static synapses are sharded', () => {
    const spec = builtinNetwork('brunel', { n: 100_000 });
    const synapseArray = 4 * 125_000_000;
    // Bindings of 100 MB: the synapse arrays (500 MB) take 6 shards each (at most 7/8 of a binding), the rest fits.
    const fits = planMemory(spec, { device: { maxStorageBufferBindingSize: 1e8, maxBufferSize: 2e9, maxStorageBuffersPerShaderStage: 18 } });
    expect(fits.gpu.largest.bytes).toBe(synapseArray);
    expect(fits.problems).toEqual([]);
    // 8 storage buffers per stage cannot hold 6 shards of each array.
    const shards = planMemory(spec, { device: { maxStorageBufferBindingSize: 1e8, maxBufferSize: 2e9, maxStorageBuffersPerShaderStage: 8 } });
    expect(shards.problems.map((p) => p.kind)).toEqual(['binding']);
    expect(shards.problems[0].problem).toMatch(/125000000 static synapses need 6 shards .* but this adapter allows 8/);
    // 4 MB bindings: the lif params (5.2 MB: 13 columns of 100 000 neurons) must fit one.
    const small = planMemory(spec, { device: { maxStorageBufferBindingSize: 4e6, maxBufferSize: 4e6, maxStorageBuffersPerShaderStage: 1000 } });
    const params = small.problems.find((p) => p.problem.includes('lif params'))!;
    expect(params).toMatchObject({ kind: 'binding', path: 'populations.E', needed: 5_200_000, limit: 4e6 });
    expect(params.problem).toContain('per-binding limit is a hard limit today');
    // On the CPU, device limits do not apply.
    expect(planMemory(spec, { backend: 'cpu', device: { maxStorageBufferBindingSize: 4e6, maxBufferSize: 4e6 } }).fits).toBe(true);
  });

  it('GPU memory budget and host memory: whole-network totals naming the largest projection', () => {
    const spec = builtinNetwork('brunel', { n: 100_000 });
    const gpu = planMemory(spec, { gpuMemoryBytes: 2 ** 29 });
    expect(gpu.problems.map((p) => p.kind)).toEqual(['gpuMemory']);
    expect(gpu.problems[0].problem).toMatch(
      /^the network's GPU buffers need 1\.1 GiB \(125000000 synapses, largest projection projections\[0\], 80000000 synapses; largest buffer synapse targets, 476\.8 MiB\), beyond the GPU memory budget of 512\.0 MiB$/,
    );
    expect(planMemory(spec, { gpuMemoryBytes: 2 ** 29, backend: 'cpu' }).fits).toBe(true);
    const host = planMemory(spec, { hostMemoryBytes: 2 ** 31 });
    expect(host.problems.map((p) => p.kind)).toEqual(['hostMemory']);
    expect(host.problems[0].problem).toMatch(
      /^building the network needs about 2\.\d GiB of host memory \(125000000 synapses, largest projection projections\[0\], 80000000 synapses; 1\.\d GiB to compile, 1\.\d GiB for the webgpu backend\), beyond the 2\.0 GiB available$/,
    );
    // On the CPU the build dominates: 1.4 GiB, no upload.
    expect(planMemory(spec, { hostMemoryBytes: 2 ** 31, backend: 'cpu' }).fits).toBe(true);
  });

  it('absurd specs are planned in well under a second', () => {
    const absurd: NetworkSpec = {
      version: 1,
      dt: 0.1,
      populations: {
        A: {
          size: 4e9,
          model: 'lif',
          params: { receptors: { e: { kind: 'current', tau: 5 } } },
          poissonInput: [{ count: 1e9, rate: 1e3, weight: 1, receptor: 'e' }],
        },
      },
      projections: [{ pre: 'A', post: 'A', connect: { rule: 'fixedProbability', p: 0.5 }, weight: 1, delay: { normal: [5, 2] }, receptor: 'e' }],
    };
    const t0 = performance.now();
    const plan = planMemory(absurd);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(plan.problems[0]).toMatchObject({ kind: 'ids', path: 'projections[0]' });
  });
});

describe('Simulator.create refuses before compiling', () => {
  it('the 10^12-neuron spec: MemoryPlanError (a SpecError) within a second, on any backend choice', async () => {
    for (const backend of ['cpu', 'auto'] as const) {
      const t0 = performance.now();
      const error = await Simulator.create(HUGE, { backend }).catch((e: unknown) => e);
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(error).toBeInstanceOf(MemoryPlanError);
      expect(error).toBeInstanceOf(SpecError);
      expect((error as MemoryPlanError).path).toBe('populations.huge');
      expect((error as MemoryPlanError).kind).toBe('ids');
      expect((error as Error).message).toMatch(/^populations\.huge: 1000000000000 neurons/);
    }
  });

  it('host memory beyond what is available (hostMemoryBytes), naming the numbers', async () => {
    const error = await Simulator.create(builtinNetwork('brunel', { n: 100_000 }), { backend: 'cpu', hostMemoryBytes: 2 ** 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryPlanError);
    expect((error as MemoryPlanError).kind).toBe('hostMemory');
    expect((error as MemoryPlanError).limit).toBe(2 ** 30);
    expect((error as MemoryPlanError).plan.synapses).toBe(125_000_000);
  });

  it('a network that fits still builds', async () => {
    const sim = await Simulator.create(builtinNetwork('cuba', { n: 200 }), { backend: 'cpu', gpuMemoryBytes: 1 });
    expect(sim.network.neuronCount).toBe(200);
    sim.dispose();
  });
});
