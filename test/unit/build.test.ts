import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import type { CompiledNetwork } from '../../src/compile/compiled.ts';
import { connect } from '../../src/compile/connectivity.ts';
import { fixedPointExponent, I32_MAX, MAX_EXPONENT, quantize } from '../../src/compile/fixedPoint.ts';
import { poissonCdfTable } from '../../src/compile/poissonTable.ts';
import { expandValue } from '../../src/compile/values.ts';
import { poissonCount } from '../../src/models/drive.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import { CounterRng, hash4, Stream, streamId } from '../../src/rng/counterHash.ts';
import { SpecError } from '../../src/netspec/errors.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';

const lifDelta = { receptors: { d: { kind: 'delta' as const } } };

/** E (lif) and a poisson source P driving it, plus a spike source S. */
function mixedSpec(delay: number | number[] = 1.5): NetworkSpec {
  return {
    version: 1,
    dt: 0.1,
    seed: 5,
    populations: {
      E: { size: 20, model: 'lif', params: { receptors: { exc: { kind: 'current', tau: 5 }, inh: { kind: 'current', tau: 10 } } } },
      P: { size: 7, model: 'poisson', params: { rate: 5 } },
      I: { size: 6, model: 'lif', params: { receptors: { exc: { kind: 'current', tau: 5 }, inh: { kind: 'current', tau: 10 } } } },
      S: { size: 3, model: 'spikeSource', times: [0.5], ids: [1] },
    },
    projections: [
      { pre: 'P', post: 'E', connect: { rule: 'fixedProbability', p: 0.5 }, weight: 1, delay: 1.5, receptor: 'exc' },
      { pre: 'E', post: 'I', connect: { rule: 'allToAll' }, weight: -2, delay: 1.5, receptor: 'inh' },
      { pre: 'S', post: 'I', connect: { rule: 'list', pre: [0, 1, 2], post: [5, 0, 5] }, weight: [0.5, 0.25, 2], delay, receptor: 'exc' },
    ],
  };
}

function checkCsr(net: CompiledNetwork): void {
  const { rowStart, target, weight } = net.synapses;
  expect(rowStart.length).toBe(net.neuronCount + 1);
  expect(rowStart[0]).toBe(0);
  for (let i = 0; i < net.neuronCount; i++) expect(rowStart[i + 1]).toBeGreaterThanOrEqual(rowStart[i]);
  expect(rowStart[net.neuronCount]).toBe(net.synapseCount);
  expect(target.length).toBe(net.synapseCount);
  expect(weight.length).toBe(net.synapseCount);
}

const delayOf = (net: CompiledNetwork, k: number) => net.synapses.target[k] >>> net.synapses.channelBits;
const channelOf = (net: CompiledNetwork, k: number) => net.synapses.target[k] & (2 ** net.synapses.channelBits - 1);

describe('populations and groups', () => {
  it('cuba: E and I merge into one lif group, E first', () => {
    const net = compileNetwork(builtinNetwork('cuba', { n: 400 }));
    expect(net.neuronCount).toBe(400);
    expect(net.populations.map((p) => [p.name, p.size, p.offset, p.group])).toEqual([
      ['E', 320, 0, 0],
      ['I', 80, 320, 0],
    ]);
    expect(net.groups.length).toBe(1);
    const g = net.groups[0];
    expect([g.model.name, g.size, g.offset, g.channelBase, g.populations]).toEqual(['lif', 400, 0, 0, ['E', 'I']]);
    expect(net.channelCount).toBe(2 * 400);
    expect(net.delaySlots).toBe(2); // delay 0.1 ms = 1 tick
    expect(g.params.length).toBe((g.columns.params.length + g.columns.u32Params.length) * 400);
    expect(g.state.length).toBe(g.columns.state.length * 400);
    expect(net.recordedCount).toBe(400);
  });

  it('a poisson source forms its own group; groups follow first appearance', () => {
    const net = compileNetwork(mixedSpec());
    expect(net.populations.map((p) => [p.name, p.offset, p.group])).toEqual([
      ['E', 0, 0],
      ['I', 20, 0],
      ['P', 26, 1],
      ['S', 33, 2],
    ]);
    expect(net.groups.map((g) => [g.model.name, g.size, g.offset, g.populations])).toEqual([
      ['lif', 26, 0, ['E', 'I']],
      ['poisson', 7, 26, ['P']],
      ['spikeSource', 3, 33, ['S']],
    ]);
    // only the lif group has receptor channels: 2 receptors × 26 neurons
    expect(net.groups.map((g) => g.channelBase)).toEqual([0, 52, 52]);
    expect(net.channelCount).toBe(52);
  });

  it('different receptor kinds, drive or noise split a model into groups', () => {
    const net = compileNetwork({
      version: 1,
      dt: 0.1,
      populations: {
        A: { size: 3, model: 'lif', params: lifDelta },
        B: { size: 4, model: 'lif', params: { receptors: { x: { kind: 'current', tau: 5 } } } },
        C: { size: 5, model: 'lif', params: lifDelta, noise: { sd: 1 } },
        D: { size: 6, model: 'lif', params: { receptors: { y: { kind: 'delta' } } } }, // same kinds as A: merges
      },
    });
    expect(net.groups.map((g) => g.populations)).toEqual([['A', 'D'], ['B'], ['C']]);
    expect(net.populations.map((p) => [p.name, p.offset])).toEqual([
      ['A', 0],
      ['D', 3],
      ['B', 9],
      ['C', 13],
    ]);
  });
});

describe('synapse rows', () => {
  it('cuba: CSR rows whose lengths are the out-degrees of the seeded connectivity', () => {
    const spec = builtinNetwork('cuba', { n: 400 });
    const net = compileNetwork(spec);
    checkCsr(net);
    const expected = new Uint32Array(400);
    let total = 0;
    spec.projections!.forEach((pr, i) => {
      const pre = net.populations.find((p) => p.name === pr.pre)!,
        post = net.populations.find((p) => p.name === pr.post)!;
      const pairs = connect(pr.connect, pre.size, post.size, pr.pre === pr.post, { seed: spec.seed!, projection: i });
      for (const s of pairs.pre) expected[pre.offset + s]++;
      total += pairs.pre.length;
    });
    expect(net.synapseCount).toBe(total);
    const rows = Array.from({ length: 400 }, (_, i) => net.synapses.rowStart[i + 1] - net.synapses.rowStart[i]);
    expect(rows).toEqual(Array.from(expected));
    // expected in-degree 80 (p = 0.02·4000/n): 400·400·0.2 = 32000 ± 4 sd
    expect(Math.abs(total - 32000)).toBeLessThan(4 * Math.sqrt(32000 * 0.8));
  });

  it('targets decode to the right receptor channel and weights to fixed point', () => {
    const net = compileNetwork(mixedSpec());
    checkCsr(net);
    const lif = net.groups[0];
    const I = net.populations.find((p) => p.name === 'I')!,
      S = net.populations.find((p) => p.name === 'S')!;
    const exc = 0;
    const scaleIexc = net.scales.find((s) => s.population === 'I' && s.receptor === 'exc')!;
    // S row 1 holds the list synapse 1 → I[0]; row 0 and 2 hold → I[5]
    const row = (g: number) => Array.from({ length: net.synapses.rowStart[g + 1] - net.synapses.rowStart[g] }, (_, k) => net.synapses.rowStart[g] + k);
    expect(row(S.offset).map((k) => channelOf(net, k))).toEqual([lif.channelBase + exc * lif.size + (I.offset - lif.offset) + 5]);
    expect(row(S.offset + 1).map((k) => channelOf(net, k))).toEqual([lif.channelBase + exc * lif.size + (I.offset - lif.offset) + 0]);
    expect(row(S.offset + 2).map((k) => net.synapses.weight[k])).toEqual([quantize(2, scaleIexc.exponent)]);
    expect(row(S.offset + 1).map((k) => net.synapses.weight[k])).toEqual([quantize(0.25, scaleIexc.exponent)]);
    // E → I is all-to-all on receptor inh (index 1): row of E[3] targets all six I channels
    const E3 = row(3)
      .map((k) => channelOf(net, k))
      .sort((a, b) => a - b);
    expect(E3).toEqual([0, 1, 2, 3, 4, 5].map((j) => lif.channelBase + 1 * lif.size + (I.offset - lif.offset) + j));
    const scaleIinh = net.scales.find((s) => s.population === 'I' && s.receptor === 'inh')!;
    expect(scaleIinh.maxAbsInput).toBe(40); // 20 E inputs of |−2|
    expect(row(3).map((k) => net.synapses.weight[k])).toEqual(new Array(6).fill(-quantize(2, scaleIinh.exponent)));
  });
});

describe('delays in ticks', () => {
  it('1.5 ms at dt 0.1 is 15 ticks, packed above channelBits; delaySlots = max + 1', () => {
    const net = compileNetwork(mixedSpec(1.5));
    expect(net.delaySlots).toBe(16);
    expect(net.synapses.channelBits).toBe(32 - 4);
    for (let k = 0; k < net.synapseCount; k++) expect(delayOf(net, k)).toBe(15);
    expect(channelOf(net, 0)).toBeLessThan(net.channelCount);
  });

  it('delay 0 and no delay are one tick', () => {
    for (const delay of [0, undefined]) {
      const spec = mixedSpec();
      spec.projections!.forEach((p) => (p.delay = delay));
      const net = compileNetwork(spec);
      expect(net.delaySlots).toBe(2);
      expect(net.synapses.channelBits).toBe(31);
      for (let k = 0; k < net.synapseCount; k++) expect(delayOf(net, k)).toBe(1);
    }
  });

  it('per-synapse delays round to the nearest tick', () => {
    const spec = mixedSpec([0, 0.5, 2.0]);
    spec.projections!.splice(0, 2);
    const net = compileNetwork(spec);
    const S = net.populations.find((p) => p.name === 'S')!;
    const ticks = [0, 1, 2].map((i) => delayOf(net, net.synapses.rowStart[S.offset + i]));
    expect(ticks).toEqual([1, 5, 20]);
    expect(net.delaySlots).toBe(21);
    expect(net.synapses.channelBits).toBe(32 - 5);
    const d = compileNetwork({ ...spec, dt: 0.25, projections: [{ ...spec.projections![0], delay: [0.3, 0.4, 1.0] }] });
    expect([0, 1, 2].map((i) => delayOf(d, d.synapses.rowStart[S.offset + i]))).toEqual([1, 2, 4]);
  });
});

describe('fixed point', () => {
  it('weights the scale rounds to 0 are reported: a constant, a list, a whole distribution', () => {
    const lif = { tauM: 20, vRest: -65, vThresh: -50, vReset: -65, tRef: 2, receptors: { e: { kind: 'current' as const, tau: 5 } } };
    const pr = (weight: unknown, connect: object = { rule: 'allToAll' }) => ({ pre: 'A', post: 'B', connect, weight, receptor: 'e' });
    const net = compileNetwork({
      version: 1,
      dt: 0.1,
      populations: { A: { size: 3, model: 'lif', params: lif }, B: { size: 3, model: 'lif', params: lif } },
      projections: [
        pr(1e8),
        pr(1e-9),
        pr([1e-9, 2, 0], { rule: 'list', pre: [0, 1, 2], post: [0, 1, 2] }),
        pr({ uniform: [1e-10, 2e-10] }),
        pr({ uniform: [0, 1] }),
      ],
    });
    const k = net.scales.find((s) => s.population === 'B')!.exponent;
    const scale = `the receptor's fixed-point scale 2^${k} (set by the largest total input into B)`;
    expect(net.warnings).toEqual([
      `projections[1].weight: every weight rounds to 0 at ${scale}; the projection delivers nothing`,
      `projections[2].weight: 1 of 3 weights round to 0 at ${scale}; those synapses deliver nothing`,
      `projections[3].weight: every weight rounds to 0 at ${scale}; the projection delivers nothing`,
    ]);
    expect(compileNetwork(builtinNetwork('cuba', { n: 400 })).warnings).toEqual([]);
  });

  it('populations merged into one group keep their own receptor names and scales', () => {
    const lif = (receptor: string) => ({
      tauM: 20,
      vRest: -65,
      vThresh: -50,
      vReset: -65,
      tRef: 2,
      receptors: { [receptor]: { kind: 'current' as const, tau: 5 } },
    });
    const net = compileNetwork({
      version: 1,
      dt: 0.1,
      populations: { A: { size: 10, model: 'lif', params: lif('e') }, B: { size: 10, model: 'lif', params: lif('x') } },
      projections: [{ pre: 'A', post: 'B', connect: { rule: 'allToAll' }, weight: 0.5, receptor: 'x' }],
    });
    expect(net.groups).toHaveLength(1);
    expect(net.scales.map((s) => `${s.population}.${s.receptor}`)).toEqual(['A.e', 'B.x']);
    expect(net.scales[1].maxAbsInput).toBe(5);
    expect(Array.from(net.synapses.weight).every((w) => w === quantize(0.5, net.scales[1].exponent))).toBe(true);
  });

  const sumAbsQ = (ws: number[], k: number) => ws.reduce((a, w) => a + Math.abs(quantize(w, k)), 0);

  it('random weight sets: Σ|round(w·2^k)| fits an i32 and k is maximal', () => {
    const rng = new CounterRng(42, 99);
    let belowMax = 0;
    for (let set = 0; set < 300; set++) {
      const n = 1 + Math.floor(rng.uniform() ** 2 * 3000);
      const scale = 10 ** (rng.uniform() * 9 - 4); // 1e-4 … 1e5
      const signed = rng.uniform() < 0.5;
      const ws = Array.from({ length: n }, () => scale * rng.uniform() * (signed && rng.uniform() < 0.3 ? -1 : 1));
      const S = ws.reduce((a, w) => a + Math.abs(w), 0);
      const k = fixedPointExponent(S, n);
      expect(Number.isInteger(k)).toBe(true);
      expect(k).toBeLessThanOrEqual(MAX_EXPONENT);
      expect(sumAbsQ(ws, k)).toBeLessThanOrEqual(I32_MAX);
      if (k < MAX_EXPONENT) {
        belowMax++;
        expect(sumAbsQ(ws, k + 1)).toBeGreaterThan(I32_MAX);
      }
    }
    expect(belowMax).toBeGreaterThan(100); // the sets do exercise the bound
  });

  it('accounts for rounding up: half-unit weights that would overflow at the naive k', () => {
    const ws = new Array(1000).fill(2147483.5 / 1024); // w·2^10 = 2147483.5 rounds up
    const S = ws.reduce((a, w) => a + w, 0);
    expect(Math.floor(Math.log2(I32_MAX / S))).toBe(10);
    expect(sumAbsQ(ws, 10)).toBeGreaterThan(I32_MAX);
    const k = fixedPointExponent(S, ws.length);
    expect(k).toBe(9);
    expect(sumAbsQ(ws, 9)).toBeLessThanOrEqual(I32_MAX);
  });

  it('no input: the finest scale', () => {
    expect(fixedPointExponent(0, 0)).toBe(MAX_EXPONENT);
    expect(fixedPointExponent(1e-6, 3)).toBe(MAX_EXPONENT);
    expect(fixedPointExponent(1, 1)).toBe(30); // 2^30 + 0.5 ≤ 2^31 − 1
    expect(fixedPointExponent(2, 1)).toBe(29); // 2^31 > 2^31 − 1
  });

  it('compiled networks: every channel sum fits and the exponent is the scale chosen for its maxima', () => {
    const net = compileNetwork(builtinNetwork('izhikevich2003', { n: 200 })); // all-to-all, uniform weights, both signs
    const sumAbs = new Float64Array(net.channelCount),
      count = new Uint32Array(net.channelCount);
    for (let k = 0; k < net.synapseCount; k++) {
      sumAbs[channelOf(net, k)] += Math.abs(net.synapses.weight[k]);
      count[channelOf(net, k)]++;
    }
    for (let c = 0; c < net.channelCount; c++) expect(sumAbs[c]).toBeLessThanOrEqual(I32_MAX);
    expect(net.scales.map((s) => [s.population, s.receptor])).toEqual([
      ['E', 'syn'],
      ['I', 'syn'],
    ]);
    const g = net.groups[0];
    for (const s of net.scales) {
      const pop = net.populations.find((p) => p.name === s.population)!;
      const base = g.channelBase + (pop.offset - g.offset);
      const maxN = Math.max(...Array.from(count.subarray(base, base + pop.size)));
      expect(maxN).toBe(200);
      expect(s.exponent).toBe(fixedPointExponent(s.maxAbsInput, maxN));
      // maxAbsInput bounds the input (each weight by its distribution's largest |w|), and the
      // scale is used: uniform weights from 0 sum to about half the bound.
      const maxQ = Math.max(...Array.from(sumAbs.subarray(base, base + pop.size)));
      expect(maxQ).toBeLessThanOrEqual(s.maxAbsInput * 2 ** s.exponent + 4 * maxN);
      expect(maxQ).toBeGreaterThan(0.4 * s.maxAbsInput * 2 ** s.exponent);
    }
  });
});

describe('Poisson count tables', () => {
  it.each([0.5, 2, 50])('λ = %s: table sampled with poissonCount has mean and variance λ', (lambda) => {
    const table = poissonCdfTable(lambda);
    for (let k = 1; k < table.length; k++) expect(table[k]).toBeGreaterThanOrEqual(table[k - 1]);
    expect(table[table.length - 1]).toBe(0xffffffff);
    expect(Math.abs(table[0] / 2 ** 32 - Math.exp(-lambda))).toBeLessThan(1e-9);
    const n = 200000;
    let s = 0,
      s2 = 0,
      zeros = 0;
    for (let i = 0; i < n; i++) {
      const x = poissonCount(table, 0, table.length, hash4(11, streamId(Stream.poissonInput), i, 3));
      s += x;
      s2 += x * x;
      if (x === 0) zeros++;
    }
    const mean = s / n,
      variance = s2 / n - mean * mean;
    expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
    expect(Math.abs(variance - lambda)).toBeLessThan(4 * Math.sqrt((lambda + 2 * lambda * lambda) / n));
    const p0 = Math.exp(-lambda);
    expect(Math.abs(zeros / n - p0)).toBeLessThan(4 * Math.sqrt((p0 * (1 - p0)) / n) + 1e-9);
  });

  it('reads a table at an offset inside the shared table array', () => {
    const a = poissonCdfTable(3),
      b = poissonCdfTable(0.1);
    const shared = Uint32Array.from([...a, ...b]);
    for (let i = 0; i < 1000; i++) {
      const u = hash4(1, 2, i, 0);
      expect(poissonCount(shared, a.length, b.length, u)).toBe(poissonCount(b, 0, b.length, u));
    }
  });

  it('λ = 0 gives zero events', () => {
    const t = poissonCdfTable(0);
    for (let i = 0; i < 1000; i++) expect(poissonCount(t, 0, t.length, hash4(1, 2, i, 0))).toBe(0);
  });

  it('compile lays out one table per Poisson input, sized for count·rate·dt', () => {
    const net = compileNetwork(builtinNetwork('brunel', { n: 1250, regime: 'B', connect: 'fixedProbability' }));
    const lambda = (1000 * 4 * (20 / (0.1 * 1000 * 20)) * 1000 * 0.1) / 1000; // CE·ν_ext·dt = 4
    const table = poissonCdfTable(lambda);
    const g = net.groups[0];
    const u = new Uint32Array(g.params.buffer);
    const col = (name: string) => g.columns.params.length + g.columns.u32Params.indexOf(name);
    const offset = u[col('pinTable_0') * g.size],
      length = u[col('pinLength_0') * g.size];
    expect(length).toBe(table.length);
    expect(Array.from(net.tables.subarray(offset, offset + length))).toEqual(Array.from(table));
    expect(net.synapseCount).toBe(1250 * 1250); // ε = 1 at n = 1250
  });
});

describe('expandValue', () => {
  it('numbers fill, arrays copy, wrong-length arrays are SpecErrors', () => {
    const rng = new CounterRng(1, 1);
    expect(Array.from(expandValue(3, 4, rng, 'x'))).toEqual([3, 3, 3, 3]);
    expect(Array.from(expandValue([1, 2, 3, 4], 4, rng, 'x'))).toEqual([1, 2, 3, 4]);
    let err: unknown;
    try {
      expandValue([1, 2, 3], 4, rng, 'populations.E.init.v');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as Error).message).toBe('populations.E.init.v: has 3 values, expected 4 (one per element)');
  });

  it('uniform stays in [lo, hi) with the right mean and spread', () => {
    const n = 20000;
    const x = expandValue({ uniform: [-60, -50] }, n, new CounterRng(2, 3), 'v');
    expect(x.every((v) => v >= -60 && v < -50)).toBe(true);
    const mean = x.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    expect(Math.abs(mean + 55)).toBeLessThan((4 * (10 / Math.sqrt(12))) / Math.sqrt(n));
    expect(Math.abs(sd - 10 / Math.sqrt(12))).toBeLessThan(0.05);
    expect(Array.from(expandValue({ uniform: [2, 2] }, 3, new CounterRng(2, 3), 'v'))).toEqual([2, 2, 2]);
  });

  it('normal has the right mean and sd', () => {
    const n = 20000;
    const x = expandValue({ normal: [-55, 5] }, n, new CounterRng(4, 5), 'v');
    const mean = x.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    expect(Math.abs(mean + 55)).toBeLessThan((4 * 5) / Math.sqrt(n));
    expect(Math.abs(sd - 5)).toBeLessThan(0.15);
  });

  it('a clipped normal is truncated (redrawn), not clamped', () => {
    const n = 20000;
    const x = expandValue({ normal: [0, 1], clip: [-0.5, 2] }, n, new CounterRng(6, 7), 'w');
    expect(x.every((v) => v >= -0.5 && v <= 2)).toBe(true);
    expect(x.filter((v) => v === -0.5 || v === 2).length).toBe(0); // clamping would pile ~31 % at −0.5
    // mean of N(0, 1) truncated to [−0.5, 2]: (φ(−0.5) − φ(2)) / (Φ(2) − Φ(−0.5)) = 0.44577
    const mean = x.reduce((a, v) => a + v, 0) / n;
    expect(Math.abs(mean - 0.44577)).toBeLessThan(0.02);
  });

  it('is reproducible for a given generator and differs across streams', () => {
    const a = expandValue({ normal: [0, 1] }, 100, new CounterRng(1, 2), 'v');
    expect(expandValue({ normal: [0, 1] }, 100, new CounterRng(1, 2), 'v')).toEqual(a);
    expect(expandValue({ normal: [0, 1] }, 100, new CounterRng(1, 3), 'v')).not.toEqual(a);
  });
});

describe('regressions', () => {
  it('poissonCount never returns more than the table allows, even for u = 2^32 − 1', async () => {
    const { poissonCdfTable } = await import('../../src/compile/poissonTable.ts');
    const { poissonCount } = await import('../../src/models/drive.ts');
    for (const lambda of [0, 4, 50]) {
      const table = poissonCdfTable(lambda);
      expect(poissonCount(table, 0, table.length, 0xffffffff)).toBe(table.length - 1);
      expect(poissonCount(table, 0, table.length, 0)).toBe(table.findIndex((entry) => entry > 0));
    }
    expect(poissonCount(poissonCdfTable(0), 0, 1, 0xffffffff)).toBe(0);
  });

  it('a normal distribution drawing a forbidden value is a SpecError naming the neuron', async () => {
    const { compileNetwork } = await import('../../src/compile/compile.ts');
    const doc = { version: 1, dt: 0.1, populations: { E: { size: 200, model: 'lif', params: { tauM: { normal: [1, 1] } } } } };
    expect(() => compileNetwork(doc)).toThrow(/^populations\.E\.params\.tauM: must be > 0, but neuron \d+ drew -?[\d.e-]+ \(clip the distribution\)$/);
  });
});
