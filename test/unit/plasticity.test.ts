/** STDP without a GPU: the compiled layout, the rule's arithmetic, weight statistics, recording. */
import { describe, expect, it } from 'vitest';
import { sparkline, weightHistogram, weightStats } from '../../src/analysis/weightStats.ts';
import { compileNetwork } from '../../src/compile/compile.ts';
import { plasticSynapseIds } from '../../src/compile/compiled.ts';
import { shortestF32, weightsCsv, weightsJson } from '../../src/results/files.ts';
import { f32 } from '../../src/equations/f32.ts';
import { fixedFromF32, type StdpSpec } from '../../src/models/stdp.ts';
import { plasticityRuleOf } from '../../src/models/index.ts';
import { ruleCode } from '../../src/models/plasticityRule.ts';
import { WeightRecorder } from '../../src/sim/weightRecorder.ts';
import type { NetworkSpec, PlasticitySpec } from '../../src/netspec/types.ts';

const STDP: StdpSpec = { rule: 'stdp', tauPlus: 20, tauMinus: 30, aPlus: 0.1, aMinus: 0.12, wMin: 0, wMax: 8 };

function network(): NetworkSpec {
  return {
    version: 1,
    dt: 0.1,
    seed: 5,
    populations: {
      P: { size: 40, model: 'poisson', params: { rate: 10 } },
      N: { size: 25, model: 'lif', params: { receptors: { e: { kind: 'current', tau: 5 } } } },
    },
    projections: [
      { name: 'static', pre: 'P', post: 'N', connect: { rule: 'fixedProbability', p: 0.3 }, weight: 1, delay: 1, receptor: 'e' },
      {
        name: 'ff',
        pre: 'P',
        post: 'N',
        connect: { rule: 'fixedProbability', p: 0.5 },
        weight: { uniform: [0, 2] },
        delay: { uniform: [0.1, 2] },
        receptor: 'e',
        plasticity: STDP,
      },
    ],
  };
}

describe('plastic layout', () => {
  const net = compileNetwork(network());
  const p = net.plastic[0];
  const n = p.synapsePost.length;

  it('plastic synapses leave the static rows; both count as synapses', () => {
    expect(net.plastic.map((x) => x.name)).toEqual(['ff']);
    expect(net.synapses.target.length + n).toBe(net.synapseCount);
    expect(n).toBeGreaterThan(300);
    expect(p.weight.length).toBe(n);
    expect(p.maxDelay).toBe(20);
    expect(net.spikeSlots).toBe(21);
    expect(compileNetwork({ ...network(), projections: [network().projections![0]] }).spikeSlots).toBe(2);
  });

  it('rows are sorted by (pre, delay), and every synapse sits once in its post neuron column with its pre and delay', () => {
    const { pre, delayTicks } = plasticSynapseIds(p);
    for (let s = 1; s < n; s++) expect(pre[s] * 100 + delayTicks[s]).toBeGreaterThanOrEqual(pre[s - 1] * 100 + delayTicks[s - 1]);
    expect(Math.min(...delayTicks)).toBe(1);
    expect(Math.max(...delayTicks)).toBe(20);
    const seen = new Uint8Array(n);
    for (let i = 0; i < p.postSize; i++) {
      for (let c = p.colStart[i]; c < p.colStart[i + 1]; c++) {
        const s = p.colSynapse[c];
        seen[s]++;
        expect(p.synapsePost[s]).toBe(i);
        expect(p.colPreDelay[c] & (2 ** p.preBits - 1)).toBe(pre[s]);
        expect(p.colPreDelay[c] >>> p.preBits).toBe(delayTicks[s]);
      }
    }
    expect(Array.from(seen).every((x) => x === 1)).toBe(true);
    expect(p.colStart[p.postSize]).toBe(n);
  });

  it('the fixed-point scale counts every plastic weight at max(|wMin|, |wMax|)', () => {
    const exponentWith = (w: number, plasticity?: PlasticitySpec) => {
      const spec = network();
      spec.projections = [{ pre: 'P', post: 'N', connect: { rule: 'allToAll' }, weight: w, receptor: 'e', plasticity }];
      return compileNetwork(spec).scales.find((s) => s.population === 'N')!;
    };
    const plastic = exponentWith(0, { ...STDP, wMax: 100 });
    const fixed = exponentWith(100);
    expect(plastic.maxAbsInput).toBe(40 * 100);
    expect(plastic.exponent).toBe(fixed.exponent);
    expect(exponentWith(0, { ...STDP, wMin: -300, wMax: 100 }).maxAbsInput).toBe(40 * 300);
  });

  it('arrival lanes follow the mean row segment: spread delays, few lanes; one delay, wide rows', () => {
    expect(p.arrivalLanes).toBeLessThanOrEqual(2); // about 12 synapses per pre over 20 delays
    const spec = network();
    spec.projections = [{ name: 'ff', pre: 'P', post: 'N', connect: { rule: 'allToAll' }, weight: 1, receptor: 'e', plasticity: STDP }];
    expect(compileNetwork(spec).plastic[0].arrivalLanes).toBe(32); // 25 targets per segment → 32
  });
});

describe('the STDP rule', () => {
  /** The rule's CPU functions with its constants, as the CPU reference calls them. */
  const cpuRule = (spec: StdpSpec) => {
    const rule = plasticityRuleOf(spec, 0.1);
    const { cpu } = ruleCode(rule.definition);
    const k = rule.constants;
    return {
      rule,
      potentiate: (w: number, x: number) => cpu.onPost(k, w, x),
      depress: (w: number, y: number) => cpu.onPre(k, w, y),
      onSpike: (x: number) => cpu.preSpike[0](k, x),
    };
  };

  it('constants are f32, decays exact per tick, in the uniform layout checkpoints have always held', () => {
    const { rule } = cpuRule(STDP);
    expect(rule.fields).toEqual(['aPlus', 'aMinus', 'wMin', 'wMax', 'decay_x', 'decay_y']);
    expect(Array.from(rule.constants)).toEqual([f32(0.1), f32(0.12), 0, 8, f32(Math.exp(-0.1 / 20)), f32(Math.exp(-0.1 / 30)), 0, 0]);
  });

  it('additive: ± a·trace, clipped to [wMin, wMax]; all pairing adds to traces, nearest resets them', () => {
    const all = cpuRule(STDP);
    expect(all.potentiate(4, 0.5)).toBe(f32(4 + f32(f32(0.1) * 0.5)));
    expect(all.depress(4, 0.5)).toBe(f32(4 - f32(f32(0.12) * 0.5)));
    expect(all.potentiate(7.99, 10)).toBe(8);
    expect(all.depress(0.01, 10)).toBe(0);
    expect(all.onSpike(0.25)).toBe(1.25);
    expect(cpuRule({ ...STDP, pairing: 'nearest' }).onSpike(0.25)).toBe(1);
  });

  it('multiplicative: potentiation scaled by wMax − w, depression by w − wMin', () => {
    const m = cpuRule({ ...STDP, mode: 'multiplicative' });
    expect(m.potentiate(6, 1)).toBeCloseTo(6 + 0.1 * 2, 6);
    expect(m.depress(6, 1)).toBeCloseTo(6 - 0.12 * 6, 6);
    expect(m.potentiate(8, 5)).toBe(8);
  });

  it('fixed point from f32 rounds half to even, as WGSL round()', () => {
    expect([2.5, 3.5, -2.5, -3.5, 2.4999, 1].map((w) => fixedFromF32(w, 0))).toEqual([2, 4, -2, -4, 2, 1]);
    expect(fixedFromF32(0.75, 1)).toBe(2); // 1.5 → 2
    expect(fixedFromF32(1.25, 1)).toBe(2); // 2.5 → 2
  });
});

describe('weight statistics and files', () => {
  it('histogram, bound fractions, mean fraction', () => {
    const w = [0, 0.05, 0.5, 0.95, 1, 1];
    expect(weightHistogram(w, 0, 1, 4)).toEqual([2 / 6, 0, 1 / 6, 3 / 6]);
    expect(weightStats(w, 0, 1)).toEqual({ meanFraction: 3.5 / 6, fractionLow: 2 / 6, fractionHigh: 3 / 6 });
    expect(weightStats([5, 10], 0, 10).meanFraction).toBe(0.75);
    expect(sparkline([0, 0.5, 1])).toBe(' ▄█');
  });

  it('shortest f32 decimals; JSON and CSV', () => {
    expect(shortestF32(f32(0.01))).toBe(0.01);
    expect(shortestF32(f32(1 / 3))).toBe(0.33333334);
    const w = {
      projection: 'ff',
      pre: Uint32Array.of(0, 1),
      post: Uint32Array.of(2, 3),
      delayMs: Float64Array.of(0.1, 0.30000000000000004),
      weights: Float32Array.of(0.5, f32(0.1)),
    };
    expect(JSON.parse(weightsJson(0.1, 100, [w]))).toEqual({
      dt: 0.1,
      timeMs: 100,
      projections: { ff: { pre: [0, 1], post: [2, 3], delayMs: [0.1, 0.3], weights: [0.5, 0.1] } },
    });
    expect(weightsCsv([w])).toBe('projection,pre,post,delay_ms,weight\nff,0,2,0.1,0.5\nff,1,3,0.3,0.1\n');
  });

  it('weight recorder: due at multiples of the period, once per tick', () => {
    const rec = new WeightRecorder(
      [
        { projection: 'a', plastic: 0, everyTicks: 10 },
        { projection: 'b', plastic: 1, everyTicks: 25 },
      ],
      0.1,
    );
    expect(rec.due(0)).toEqual([0, 1]);
    expect(rec.nextAfter(0)).toBe(10);
    expect(rec.nextAfter(20)).toBe(25);
    rec.add(0, 0, Float32Array.of(1));
    expect(rec.due(0)).toEqual([1]);
    expect(rec.due(50)).toEqual([0, 1]);
    expect(new WeightRecorder([], 0.1).nextAfter(5)).toBe(Infinity);
    expect(rec.history('a').times).toEqual(Float64Array.of(0));
    expect(() => rec.history('c')).toThrow('weights of c are not recorded');
  });
});
