/**
 * Inputs changed between runs, without a GPU: `rateWrites`, `spikeWrites` and
 * `resetBackendState` (src/sim/inputs.ts), the spec's `rateTable` and spike-source `capacity`
 * (validation, schema, memory plan), and what `sim.setRates`, `sim.setSpikes` and
 * `sim.resetState()` do on the CPU reference.
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import type { CompiledNetwork } from '../../src/compile/compiled.ts';
import { rateThreshold } from '../../src/models/poisson.ts';
import { SpecError } from '../../src/netspec/errors.ts';
import type { PlasticitySpec } from '../../src/netspec/types.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';
import { CpuBackend } from '../../src/reference/cpuBackend.ts';
import { MAX_TICKS, wordsOf } from '../../src/sim/backend.ts';
import { rateWrites, resetBackendState, spikeWrites } from '../../src/sim/inputs.ts';
import { planMemory } from '../../src/sim/memoryPlan.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { SpikeRecorder } from '../../src/sim/spikeRecorder.ts';
import { StateRecorder } from '../../src/sim/stateRecorder.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON documents the tests break on purpose, key by key
type Doc = any;

const STDP: PlasticitySpec = { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.05, aMinus: 0.06, wMin: 0, wMax: 4 };

/** A Poisson source of 4 (merged with another of 3), a spike source of 3 and a LIF pair behind a 3 ms delay. */
function inputSpec(): Doc {
  return {
    version: 1,
    name: 'inputs',
    dt: 0.1,
    seed: 11,
    populations: {
      other: { size: 3, model: 'poisson', params: { rate: 5 } },
      input: { size: 4, model: 'poisson', params: { rate: 10 } },
      src: { size: 3, model: 'spikeSource', times: [1, 2], ids: [0, 2] },
      N: { size: 2, model: 'lif', params: { receptors: { d: { kind: 'delta' } } } },
    },
    projections: [{ pre: 'src', post: 'N', connect: { rule: 'allToAll' }, weight: 20, delay: 3, receptor: 'd' }],
  };
}

const cpu = (spec: unknown) => Simulator.create(spec, { backend: 'cpu' });

/** Run `f`, expecting a SpecError; returns its message. */
function specError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as Error).message;
  }
  throw new Error('expected a SpecError, nothing was thrown');
}

/** Ticks (time / dt, rounded) of a population's recorded spikes, with their ids. */
function ticksOf(sim: Simulator, pop: string): { ticks: number[]; ids: number[] } {
  const s = sim.spikes(pop);
  return { ticks: Array.from(s.times, (t) => Math.round(t / sim.network.dt)), ids: Array.from(s.ids) };
}

describe('rateWrites and spikeWrites refuse what they cannot apply', () => {
  const net = compileNetwork(inputSpec());

  it('an unknown population, with a suggestion and the list', () => {
    expect(() => rateWrites(net, 'inptu', 1)).toThrow('setRates: no population "inptu" (did you mean "input"?); populations: other, input, src, N');
    expect(() => spikeWrites(net, 'srcc', { times: [], ids: [] }, 0)).toThrow(
      'setSpikes: no population "srcc" (did you mean "src"?); populations: other, input, src, N',
    );
    expect(() => rateWrites(net, 'zzzzzzzz', 1)).toThrow(/^setRates: no population "zzzzzzzz"; populations:/);
  });

  it('a population of the wrong model, naming the ones that fit', () => {
    expect(() => rateWrites(net, 'src', 1)).toThrow('setRates: population src is a spikeSource; it applies to poisson populations (here: other, input)');
    expect(() => rateWrites(net, 'N', 1)).toThrow(/population N is a lif; it applies to poisson populations/);
    expect(() => spikeWrites(net, 'input', { times: [1], ids: [0] }, 0)).toThrow(
      'setSpikes: population input is a poisson; it applies to spikeSource populations (here: src)',
    );
  });

  it('rates of the wrong length, negative, NaN or infinite', () => {
    expect(() => rateWrites(net, 'input', [1, 2, 3])).toThrow('setRates: 4 rates expected for input, got 3');
    expect(() => rateWrites(net, 'input', [1, 2, 3, 4, 5])).toThrow('4 rates expected for input, got 5');
    expect(() => rateWrites(net, 'input', -1)).toThrow('setRates: input rate is -1; rates are finite Hz ≥ 0');
    expect(() => rateWrites(net, 'input', NaN)).toThrow('input rate is NaN');
    expect(() => rateWrites(net, 'input', Infinity)).toThrow('input rate is Infinity');
    expect(() => rateWrites(net, 'input', [1, 2, NaN, 4])).toThrow('input rate [2] is NaN');
    expect(() => rateWrites(net, 'input', [1, -0.5, 3, 4])).toThrow('input rate [1] is -0.5');
    expect(() => rateWrites(net, 'input', new Float64Array(4))).not.toThrow();
  });

  it('spike events with bad times or ids, or unpaired', () => {
    const w = (times: number[], ids: number[]) => () => spikeWrites(net, 'src', { times, ids }, 0);
    expect(w([1, 2], [0])).toThrow('setSpikes: src: 2 times but 1 ids; they pair up');
    expect(w([-0.1], [0])).toThrow('setSpikes: src: times[0] is -0.1; times are finite ms ≥ 0, from now');
    expect(w([1, NaN], [0, 0])).toThrow('times[1] is NaN');
    expect(w([Infinity], [0])).toThrow('times[0] is Infinity');
    expect(w([1], [3])).toThrow('setSpikes: src: ids[0] is 3; local ids are integers in [0, 2]');
    expect(w([1, 1], [0, -1])).toThrow('ids[1] is -1');
    expect(w([1], [0.5])).toThrow('ids[0] is 0.5');
    expect(w([], [])).not.toThrow();
  });

  it('more distinct events than the capacity, naming populations.<name>.capacity', () => {
    // Default capacity: max(size 3, 2 events) = 3.
    expect(() => spikeWrites(net, 'src', { times: [0, 1, 2, 3], ids: [0, 0, 0, 0] }, 0)).toThrow(
      'setSpikes: src holds at most 3 events (one per neuron per tick) and was given 4; raise populations.src.capacity in the spec',
    );
    // Events in the same tick of one neuron are one spike, so they take one word.
    expect(() => spikeWrites(net, 'src', { times: [0, 0.01, 0.05, 1, 2], ids: [0, 0, 0, 1, 2] }, 0)).not.toThrow();
    const roomy = compileNetwork({ ...inputSpec(), populations: { ...inputSpec().populations, src: { ...inputSpec().populations.src, capacity: 10 } } });
    const ten = { times: Array.from({ length: 10 }, (_, k) => k), ids: Array.from({ length: 10 }, (_, k) => k % 3) };
    expect(() => spikeWrites(roomy, 'src', ten, 0)).not.toThrow();
    expect(() => spikeWrites(roomy, 'src', { times: [...ten.times, 10], ids: [...ten.ids, 0] }, 0)).toThrow(/holds at most 10 events .* given 11/);
    // With more events in the spec than neurons, the spec's count is the default.
    const many = compileNetwork({
      ...inputSpec(),
      populations: { ...inputSpec().populations, src: { size: 2, model: 'spikeSource', times: [1, 2, 3, 4, 5], ids: [0, 1, 0, 1, 0] } },
    });
    expect(() => spikeWrites(many, 'src', { times: [1, 2, 3, 4, 5], ids: [1, 1, 1, 1, 1] }, 0)).not.toThrow();
    expect(() => spikeWrites(many, 'src', { times: [1, 2, 3, 4, 5, 6], ids: [1, 1, 1, 1, 1, 1] }, 0)).toThrow(/at most 5 events/);
  });

  it('an event beyond the ticks a simulator counts', () => {
    expect(() => spikeWrites(net, 'src', { times: [0.1], ids: [0] }, MAX_TICKS - 5)).not.toThrow();
    expect(() => spikeWrites(net, 'src', { times: [1], ids: [0] }, MAX_TICKS - 5)).toThrow(/a spike at tick 4294967300 is beyond the 4294967295 ticks/);
  });

  it('a large setSpikes (250 000 events) is laid out, not refused with a stack overflow', () => {
    // 1000 neurons × 250 events each: a plausible input pattern for a long trial.
    const n = 1000,
      perNeuron = 250;
    const spec = {
      version: 1,
      dt: 0.1,
      populations: { src: { size: n, model: 'spikeSource', capacity: n * perNeuron } },
    };
    const big = compileNetwork(spec);
    const times = new Float64Array(n * perNeuron),
      ids = new Uint32Array(n * perNeuron);
    for (let k = 0; k < times.length; k++) {
      times[k] = (k % perNeuron) * 0.5;
      ids[k] = Math.floor(k / perNeuron);
    }
    const writes = spikeWrites(big, 'src', { times, ids }, 10);
    const table = writes.find((w) => w.target === 'tables')!;
    expect(table.words.length).toBe(n * perNeuron);
    expect(table.words[perNeuron - 1]).toBe(10 + (perNeuron - 1) * 5);
  });

  it('the words: thresholds at the population (not its group) and the rate table switched off', () => {
    const writes = rateWrites(net, 'input', [0, 10, 200, 10000]);
    const g = net.populations.find((p) => p.name === 'input')!;
    const group = net.groups[g.group];
    expect(group.populations).toEqual(['other', 'input']);
    // Apply to a copy of the group's parameters and read the columns back.
    const params = wordsOf(group.params).slice();
    for (const w of writes) {
      expect(w.target).toBe('params');
      expect(w.group).toBe(g.group);
      params.set(w.words, w.offset);
    }
    const u = [...group.columns.params, ...group.columns.u32Params];
    const col = (name: string) => Array.from(params.subarray(u.indexOf(name) * group.size, (u.indexOf(name) + 1) * group.size));
    expect(col('threshold')).toEqual([...Array(3).fill(rateThreshold(5, 0.1)), ...[0, 10, 200, 10000].map((r) => rateThreshold(r, 0.1))]);
    expect(col('threshold')[6]).toBe(0xffffffff);
    expect(col('rateRows')).toEqual(Array(7).fill(0));
  });
});

describe('resetBackendState', () => {
  function plasticSpec(): Doc {
    return {
      version: 1,
      dt: 0.1,
      seed: 4,
      populations: {
        P: { size: 30, model: 'poisson', params: { rate: 80 } },
        N: { size: 4, model: 'lif', params: { receptors: { e: { kind: 'current', tau: 5 } } }, init: { v: { uniform: [-70, -60] } } },
        A: { size: 2, model: 'adaptiveLif', params: { thetaPlus: 1, receptors: { e: { kind: 'current', tau: 5 } } } },
      },
      projections: [
        {
          name: 'ff',
          pre: 'P',
          post: 'N',
          connect: { rule: 'allToAll' },
          weight: { uniform: [2, 4] },
          delay: { uniform: [0.5, 4] },
          receptor: 'e',
          plasticity: STDP,
        },
        { pre: 'P', post: 'A', connect: { rule: 'allToAll' }, weight: 3, delay: 2, receptor: 'e' },
      ],
    };
  }

  async function ranBackend(net: CompiledNetwork, ms: number): Promise<CpuBackend> {
    const backend = new CpuBackend(net);
    await backend.run(Math.round(ms / net.dt), { spikes: new SpikeRecorder(net.populations, net.dt), state: new StateRecorder(net.stateProbes, net.dt) });
    return backend;
  }

  it('keeps weights, parameters, tables, tick and counters; returns state, ring, spike history and traces to the start', async () => {
    const net = compileNetwork(plasticSpec());
    const backend = await ranBackend(net, 60);
    const state = await backend.saveState();
    const before = structuredClone(state);
    const reset = resetBackendState(net, state);
    // Pure: the saved state is untouched.
    expect(state).toEqual(before);

    expect(reset.tick).toBe(600);
    expect(reset.counters).toEqual(state.counters);
    expect(state.counters.spikes).toBeGreaterThan(50);
    expect(reset.tables).toEqual(state.tables);
    expect(reset.plastic.map((p) => p.weight)).toEqual(state.plastic.map((p) => p.weight));
    expect(state.plastic[0].weight).not.toEqual(net.plastic[0].weight); // STDP moved them
    expect(reset.plastic[0].preTrace.every((x) => x === 0)).toBe(true);
    expect(reset.plastic[0].postTrace.every((x) => x === 0)).toBe(true);
    expect(state.plastic[0].preTrace.some((x) => x !== 0)).toBe(true);
    expect(reset.ring.length).toBe(state.ring.length);
    expect(reset.ring.every((x) => x === 0)).toBe(true);
    expect(state.ring.some((x) => x !== 0)).toBe(true);
    expect(reset.recentSpikes.length).toBe(state.recentSpikes.length);
    expect(reset.recentSpikes.every((ids) => ids.length === 0)).toBe(true);
    expect(state.recentSpikes.some((ids) => ids.length > 0)).toBe(true);

    net.groups.forEach((g, i) => {
      expect(reset.groups[i].params).toEqual(state.groups[i].params);
      const initial = wordsOf(g.state);
      const cols = g.columns.state;
      cols.forEach((column, c) => {
        const words = (s: Uint32Array) => Array.from(s.subarray(c * g.size, (c + 1) * g.size));
        const kept = g.model.state[column]?.kept;
        expect(words(reset.groups[i].state), `${g.model.name}.${column}`).toEqual(words(kept ? state.groups[i].state : initial));
      });
    });
    // Not trivially so: v had moved away from its (random) initial values, and θ had grown.
    const lifGroup = net.groups.findIndex((g) => g.model.name === 'lif');
    const n = net.groups[lifGroup].size;
    expect(Array.from(state.groups[lifGroup].state.subarray(0, n))).not.toEqual(Array.from(wordsOf(net.groups[lifGroup].state).subarray(0, n)));
    const adaptive = net.groups.findIndex((g) => g.model.name === 'adaptiveLif');
    const theta = net.groups[adaptive].columns.state.indexOf('theta');
    const thetaOf = (s: Uint32Array) => new Float32Array(s.slice().buffer).subarray(theta * 2, theta * 2 + 2);
    expect(Array.from(thetaOf(state.groups[adaptive].state)).every((x) => x > 0)).toBe(true);
    expect(thetaOf(reset.groups[adaptive].state)).toEqual(thetaOf(state.groups[adaptive].state));
  });

  it('a backend loading the reset state continues as one loading it twice (and loads it)', async () => {
    const net = compileNetwork(plasticSpec());
    const a = await ranBackend(net, 30);
    const reset = resetBackendState(net, await a.saveState());
    await a.loadState(reset);
    const back = await a.saveState();
    expect(back).toEqual(reset);
  });
});

describe('rateTable and capacity in the spec', () => {
  function withPoisson(p: Doc): Doc {
    const d = inputSpec();
    d.populations.input = { size: 4, model: 'poisson', ...p };
    return d;
  }

  it('a valid rateTable (scalar and per-neuron rows, loop) and a capacity validate, and compile', () => {
    const d = withPoisson({ rateTable: { every: 2, rates: [10, [0, 1, 2, 3], 0], loop: true } });
    d.populations.src.capacity = 8;
    expect(() => validateSpec(d)).not.toThrow();
    expect(() => validateSpec(withPoisson({ params: {}, rateTable: { every: 0.05, rates: [5] } }))).not.toThrow();
    const net = compileNetwork(d);
    const input = net.populations.find((p) => p.name === 'input')!;
    expect(input.tableRegion.words).toBe(3 * 4);
    expect(net.populations.find((p) => p.name === 'src')!.tableRegion.words).toBe(8);
  });

  it.each([
    [
      'a row of the wrong length',
      { rateTable: { every: 2, rates: [1, [1, 2, 3]] } },
      'populations.input.rateTable.rates[1]: has 3 rates; the population has 4 neurons',
    ],
    ['every 0', { rateTable: { every: 0, rates: [1] } }, 'populations.input.rateTable.every: must be > 0, got 0'],
    ['every < 0', { rateTable: { every: -1, rates: [1] } }, 'populations.input.rateTable.every: must be > 0, got -1'],
    ['every missing', { rateTable: { rates: [1] } }, 'populations.input.rateTable.every: must be a finite number, got'],
    [
      'both rate and rateTable',
      { params: { rate: 3 }, rateTable: { every: 1, rates: [1] } },
      'populations.input.params.rate: is given by rateTable; give one or the other',
    ],
    ['neither rate nor rateTable', {}, 'populations.input.params.rate: is required for model poisson (firing rate, Hz), or give the population a rateTable'],
    ['a negative rate in a row', { rateTable: { every: 1, rates: [1, [0, 1, -2, 3]] } }, 'populations.input.rateTable.rates[1][2]: must be ≥ 0, got -2'],
    ['a negative scalar row', { rateTable: { every: 1, rates: [-1] } }, 'populations.input.rateTable.rates[0]: must be ≥ 0, got -1'],
    ['no rows', { rateTable: { every: 1, rates: [] } }, 'populations.input.rateTable.rates: must be a non-empty array'],
    ['loop not a boolean', { rateTable: { every: 1, rates: [1], loop: 'yes' } }, 'populations.input.rateTable.loop: must be true or false'],
    ['an unknown key', { rateTable: { every: 1, rates: [1], repeat: true } }, 'populations.input.rateTable.repeat: unknown key'],
    ['capacity on a poisson population', { params: { rate: 1 }, capacity: 3 }, 'populations.input.capacity: unknown key'],
  ])('rejects %s, naming the path', (_, p, message) => {
    expect(specError(() => validateSpec(withPoisson(p)))).toContain(message);
  });

  it('rejects a rateTable on another model, and a capacity below the events given', () => {
    const lif = inputSpec();
    lif.populations.N.rateTable = { every: 1, rates: [1] };
    expect(specError(() => validateSpec(lif))).toMatch(/^populations\.N\.rateTable: unknown key/);
    const src = inputSpec();
    src.populations.src.rateTable = { every: 1, rates: [1] };
    expect(specError(() => validateSpec(src))).toMatch(/^populations\.src\.rateTable: unknown key/);
    const small = inputSpec();
    small.populations.src.capacity = 1;
    expect(specError(() => validateSpec(small))).toBe('populations.src.capacity: is 1, fewer than the 2 events in times');
    small.populations.src.capacity = 2.5;
    expect(specError(() => validateSpec(small))).toContain('populations.src.capacity: must be an integer');
  });

  it('the JSON schema accepts a rateTable and a capacity, and refuses what the validator refuses', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schema/spec-v1.json', import.meta.url), 'utf8'));
    const check = new Ajv({ strict: true, allErrors: true }).compile(schema);
    const accepts = (doc: unknown) => check(JSON.parse(JSON.stringify(doc))) as boolean;
    const good = withPoisson({ rateTable: { every: 2, rates: [10, [0, 1, 2, 3], 0], loop: true } });
    good.populations.src.capacity = 8;
    expect(accepts(good), JSON.stringify(check.errors)).toBe(true);
    expect(accepts(withPoisson({ params: {}, rateTable: { every: 1, rates: [1] } }))).toBe(true);
    expect(accepts(withPoisson({ params: { rate: 3 } }))).toBe(true);
    for (const bad of [
      withPoisson({}),
      withPoisson({ rateTable: { every: 0, rates: [1] } }),
      withPoisson({ rateTable: { every: 1, rates: [] } }),
      withPoisson({ rateTable: { every: 1, rates: [-1] } }),
      withPoisson({ rateTable: { every: 1, rates: [1], loop: 1 } }),
      withPoisson({ rateTable: { rates: [1] } }),
    ]) {
      expect(accepts(bad), JSON.stringify(bad.populations.input)).toBe(false);
      expect(() => validateSpec(bad)).toThrow(SpecError);
    }
    const negative = inputSpec();
    negative.populations.src.capacity = -1;
    expect(accepts(negative)).toBe(false);
  });

  it('the JSON schema refuses a poisson population with both params.rate and a rateTable, as the validator does', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schema/spec-v1.json', import.meta.url), 'utf8'));
    const check = new Ajv({ strict: true, allErrors: true }).compile(schema);
    const both = withPoisson({ params: { rate: 3 }, rateTable: { every: 1, rates: [1] } });
    expect(() => validateSpec(both)).toThrow('populations.input.params.rate: is given by rateTable; give one or the other');
    expect(check(JSON.parse(JSON.stringify(both)))).toBe(false);
  });

  it('the memory plan reserves the table words the compiled network has', () => {
    const d = withPoisson({ rateTable: { every: 2, rates: [10, [0, 1, 2, 3], 0] } });
    d.populations.src = { size: 3, model: 'spikeSource', times: [1, 1.01, 2, 5], ids: [0, 0, 2, 1], capacity: 50 };
    const net = compileNetwork(d);
    const plan = planMemory(d, { backend: 'cpu' });
    const tables = (bs: { role: string; bytes: number }[]) => bs.find((b) => b.role === 'tables')!.bytes;
    expect(tables(plan.gpu.buffers)).toBe(tables(net.buffers));
    expect(net.tables.length).toBe(12 + 50);
  });
});

describe('on the CPU reference', () => {
  /** Poisson populations only, all recorded. */
  function poissonSpec(populations: Record<string, Doc>): Doc {
    return { version: 1, dt: 0.1, seed: 21, populations };
  }

  it('setRates: 0 Hz silences, 200 Hz over 1000 neurons × 500 ms lies within 5 sd, per-neuron rates apply per neuron', async () => {
    const sim = await cpu(poissonSpec({ P: { size: 1000, model: 'poisson', params: { rate: 50 } } }));
    await sim.run(20);
    const before = sim.spikes('P').ids.length;
    expect(before).toBeGreaterThan(500); // 50 Hz × 1000 × 20 ms = 1000 expected
    sim.setRates('P', 0);
    await sim.run(100);
    expect(sim.spikes('P').ids.length).toBe(before);
    sim.clearRecordings();

    sim.setRates('P', 200);
    await sim.run(500);
    // Binomial(5000 ticks × 1000 neurons, p = 0.02): mean 100 000, sd ≈ 313.
    const count = sim.spikes('P').ids.length;
    expect(Math.abs(count - 100_000)).toBeLessThan(5 * 313);
    sim.clearRecordings();

    const rates = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 100 : 0));
    sim.setRates('P', rates);
    await sim.run(200);
    const ids = sim.spikes('P').ids;
    expect(ids.every((id) => id % 2 === 1)).toBe(true);
    // 500 neurons × 100 Hz × 0.2 s = 10 000, sd ≈ 99.
    expect(Math.abs(ids.length - 10_000)).toBeLessThan(500);
    sim.dispose();
  });

  it('setRates applies from the next tick exactly (a 10 kHz rate spikes every tick)', async () => {
    const sim = await cpu(poissonSpec({ P: { size: 3, model: 'poisson', params: { rate: 0 } } }));
    await sim.run(5);
    sim.setRates('P', [10000, 0, 10000]);
    await sim.run(2);
    sim.setRates('P', 0);
    await sim.run(3);
    const { ticks, ids } = ticksOf(sim, 'P');
    const expected: [number, number][] = [];
    for (let t = 50; t < 70; t++) expected.push([t, 0], [t, 2]);
    expect(ticks.map((t, k) => [t, ids[k]])).toEqual(expected);
    sim.dispose();
  });

  it('setRates on one population leaves the others of its group alone', async () => {
    const sim = await cpu(
      poissonSpec({ A: { size: 5, model: 'poisson', params: { rate: 10000 } }, B: { size: 5, model: 'poisson', params: { rate: 10000 } } }),
    );
    expect(sim.network.groups.length).toBe(1);
    sim.setRates('B', 0);
    await sim.run(1);
    expect(sim.spikes('A').ids.length).toBe(50);
    expect(sim.spikes('B').ids.length).toBe(0);
    sim.dispose();
  });

  it('rateTable rows change the rate at their boundaries; the last row holds, or the table loops', async () => {
    // Rows of 2 ms: on (neurons 0, 2), off, on (neuron 1 only).
    const table = (loop: boolean) => ({ every: 2, rates: [[10000, 0, 10000], 0, [0, 10000, 0]], loop });
    const sim = await cpu(
      poissonSpec({ hold: { size: 3, model: 'poisson', rateTable: table(false) }, loop: { size: 3, model: 'poisson', rateTable: table(true) } }),
    );
    await sim.run(13); // 130 ticks: rows 0, 1, 2 then (loop) 0, 1, 2, 0 (ticks 120–129)
    const rowOf = (tick: number, loop: boolean) => (tick < 60 || loop ? Math.floor(tick / 20) % 3 : 2);
    const expected = (loop: boolean) => {
      const out: [number, number][] = [];
      for (let t = 0; t < 130; t++) {
        const row = rowOf(t, loop);
        const on = row === 0 ? [0, 2] : row === 2 ? [1] : [];
        for (const id of on) out.push([t, id]);
      }
      return out;
    };
    for (const [pop, loop] of [
      ['hold', false],
      ['loop', true],
    ] as const) {
      const { ticks, ids } = ticksOf(sim, pop);
      expect(
        ticks.map((t, k) => [t, ids[k]]),
        pop,
      ).toEqual(expected(loop));
    }
    // setRates stops a table.
    sim.clearRecordings();
    sim.setRates('loop', [0, 0, 10000]);
    await sim.run(5);
    const { ticks, ids } = ticksOf(sim, 'loop');
    expect(ids.every((id) => id === 2)).toBe(true);
    expect(ticks).toEqual(Array.from({ length: 50 }, (_, k) => 130 + k));
    sim.dispose();
  });

  it('a rateTable whose rows are longer than the 2^32 ticks a run can count still gives its first row', async () => {
    // every = 2^32 · dt ms: Math.round(every / dt) = 2^32, which is 0 once written into a u32 column.
    const sim = await cpu(poissonSpec({ P: { size: 2, model: 'poisson', rateTable: { every: 2 ** 32 * 0.1, rates: [10000, 0] } } }));
    await sim.run(1);
    expect(sim.spikes('P').ids.length).toBe(20);
    sim.dispose();
  });

  it('setSpikes: times from now, recorded exactly at now + t; pending spec events are replaced', async () => {
    const spec = inputSpec();
    spec.populations.src.times = [1, 2, 15];
    spec.populations.src.ids = [0, 2, 1];
    spec.populations.src.capacity = 4;
    const sim = await cpu(spec);
    await sim.run(10);
    sim.setSpikes('src', { times: [0, 2.5, 0.3, 7], ids: [1, 0, 2, 1] });
    await sim.run(10);
    const s = sim.spikes('src');
    expect(Array.from(s.ids)).toEqual([0, 2, 1, 2, 0, 1]);
    const want = [1, 2, 10, 10.3, 12.5, 17];
    s.times.forEach((t, k) => expect(t).toBeCloseTo(want[k], 9));
    // Ticks, exactly: the event at 15 ms (replaced) never came.
    expect(ticksOf(sim, 'src').ticks).toEqual([10, 20, 100, 103, 125, 170]);
    // Setting nothing clears what is pending.
    sim.setSpikes('src', { times: [5, 6], ids: [0, 0] });
    sim.setSpikes('src', { times: [], ids: [] });
    await sim.run(10);
    expect(sim.spikes('src').ids.length).toBe(6);
    sim.dispose();
  });

  it('setSpikes drives a LIF population through the delayed projection, 3 ms later', async () => {
    const sim = await cpu(inputSpec());
    await sim.run(20);
    const early = ticksOf(sim, 'N').ticks;
    sim.clearRecordings();
    sim.setSpikes('src', { times: [4], ids: [1] });
    await sim.run(20);
    const { ticks, ids } = ticksOf(sim, 'N');
    expect(ids).toEqual([0, 1]);
    // The spec's spike at 1 ms reached N at tick early[0]; the same lag applies to the new one at 24 ms.
    expect(early[0] - 10).toBeGreaterThanOrEqual(30);
    expect(ticks).toEqual([240 + early[0] - 10, 240 + early[0] - 10]);
    sim.dispose();
  });

  it('resetState drops input in flight and returns v to its initial value; weights, clock, recordings and set inputs stay', async () => {
    const spec: Doc = {
      version: 1,
      dt: 0.1,
      seed: 8,
      populations: {
        src: { size: 2, model: 'spikeSource', times: [0.5, 6], ids: [0, 0] },
        P: { size: 20, model: 'poisson', params: { rate: 200 } },
        N: {
          size: 2,
          model: 'lif',
          params: { tRef: 0, receptors: { d: { kind: 'delta' }, e: { kind: 'current', tau: 5 } } },
          init: { v: { uniform: [-64, -60] } },
        },
      },
      projections: [
        { pre: 'src', post: 'N', connect: { rule: 'allToAll' }, weight: 20, delay: 3, receptor: 'd' },
        { name: 'ff', pre: 'P', post: 'N', connect: { rule: 'allToAll' }, weight: 0.3, delay: 1, receptor: 'e', plasticity: STDP },
      ],
      record: { spikes: ['src', 'N', 'P'], state: [{ pop: 'N', var: 'v', ids: [0, 1], every: 0.1 }] },
    };
    // Each src spike makes both N neurons spike 3 ms later (at ~3.5 ms, with STDP pairings, and at ~9 ms).
    const control = await cpu(spec);
    await control.run(7);
    await control.run(8);
    const controlSpikes = ticksOf(control, 'N').ticks;
    expect(controlSpikes.filter((t) => t >= 90 && t < 100).length).toBe(2);
    control.dispose();

    const sim = await cpu(spec);
    await sim.run(7);
    expect(ticksOf(sim, 'N').ticks.filter((t) => t >= 35 && t < 45).length).toBe(2);
    const weightsBefore = (await sim.weights('ff')).weights;
    expect(weightsBefore).not.toEqual(new Float32Array(weightsBefore.length).fill(0.3)); // STDP acted
    sim.setRates('P', 0);
    await sim.resetState();
    expect(sim.timeMs).toBeCloseTo(7, 9);
    expect((await sim.weights('ff')).weights).toEqual(weightsBefore);
    expect(sim.spikes('src').ids.length).toBe(2); // recordings kept
    const nBefore = sim.spikes('N').ids.length;
    await sim.run(8);
    // The src spike of 6 ms was in flight: it never arrives. P was silenced before the reset and stays so.
    expect(sim.spikes('N').ids.length).toBe(nBefore);
    expect(sim.spikes('P').times.every((t) => t < 7)).toBe(true);
    expect((await sim.weights('ff')).weights).toEqual(weightsBefore); // nothing to pair with since
    const v = sim.state('N', 'v');
    const at = (ms: number) => {
      const k = Array.from(v.times).findIndex((t) => Math.abs(t - ms) < 1e-6);
      expect(k, `a sample at ${ms} ms`).toBeGreaterThanOrEqual(0);
      return Array.from(v.values.subarray(2 * k, 2 * k + 2));
    };
    const initial = at(0);
    expect(initial[0]).not.toBe(initial[1]);
    expect(at(7)).toEqual(initial);
    expect(at(6.9)).not.toEqual(initial);
    expect(at(7.1)).not.toEqual(initial); // it integrates on from there, towards vRest
    sim.dispose();
  });

  it('events set before a resetState still fire after it', async () => {
    const sim = await cpu(inputSpec());
    await sim.run(5);
    sim.setSpikes('src', { times: [1, 3], ids: [2, 0] });
    await sim.run(2);
    await sim.resetState();
    await sim.run(5);
    expect(ticksOf(sim, 'src').ticks).toEqual([10, 20, 60, 80]);
    sim.dispose();
  });

  it('a checkpoint keeps the rates and events set: restored, it continues as the uninterrupted run', async () => {
    const spec = inputSpec();
    spec.populations.other = { size: 3, model: 'poisson', rateTable: { every: 1, rates: [0, 10000], loop: true } };
    const whole = await cpu(spec);
    await whole.run(5);
    whole.setRates('input', [0, 0, 10000, 0]);
    whole.setSpikes('src', { times: [1, 2, 2], ids: [2, 0, 1] });
    const saved = await whole.checkpoint();
    await whole.run(10);
    const resumed = await Simulator.restore(saved, { backend: 'cpu' });
    await resumed.run(10);
    for (const pop of ['other', 'input', 'src', 'N']) expect(resumed.spikes(pop), pop).toEqual(whole.spikes(pop));
    // Not the spec's inputs: input neuron 2 spikes every tick from 5 ms, src at 6, 7, 7 ms.
    expect(ticksOf(resumed, 'input').ticks.filter((t) => t >= 50)).toEqual(Array.from({ length: 100 }, (_, k) => 50 + k));
    expect(ticksOf(resumed, 'src')).toEqual({ ticks: [10, 20, 60, 70, 70], ids: [0, 2, 2, 0, 1] });
    whole.dispose();
    resumed.dispose();
  });

  it('the setters throw while a run is in progress (and work again after it), and once disposed', async () => {
    const sim = await cpu(inputSpec());
    const running = sim.run(20);
    expect(() => sim.setRates('input', 1)).toThrow('sim.setRates() while a run is in progress: await the run first');
    expect(() => sim.setSpikes('src', { times: [1], ids: [0] })).toThrow('sim.setSpikes() while a run is in progress');
    await expect(sim.resetState()).rejects.toThrow('sim.resetState() while a run is in progress');
    await running;
    expect(() => sim.setRates('input', 1)).not.toThrow();
    expect(() => sim.setSpikes('src', { times: [1], ids: [0] })).not.toThrow();
    // A resetState in progress is a run in progress for the setters.
    const resetting = sim.resetState();
    expect(() => sim.setRates('input', 1)).toThrow(/in progress/);
    await resetting;
    // Errors in the arguments reach the caller, through the Simulator too.
    expect(() => sim.setRates('input', [1])).toThrow('setRates: 4 rates expected for input, got 1');
    sim.dispose();
    expect(() => sim.setRates('input', 1)).toThrow(/disposed/);
    expect(() => sim.setSpikes('src', { times: [], ids: [] })).toThrow(/disposed/);
    await expect(sim.resetState()).rejects.toThrow(/disposed/);
  });
});
