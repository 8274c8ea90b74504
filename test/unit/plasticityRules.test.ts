/**
 * Plasticity rules as definitions: the registry's validation, the compiled constants, errors
 * in a definition, the setters, and the conditioning protocol's bookkeeping.
 */
import { describe, expect, it } from 'vitest';
import { rewardedFirings, runConditioning } from '../../src/learning/conditioning.ts';
import { plasticityRuleOf, plasticityRules } from '../../src/models/index.ts';
import { compileRule, ruleCode, type PlasticityRuleDefinition } from '../../src/models/plasticityRule.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import type { NetworkSpec, PlasticitySpec } from '../../src/netspec/types.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';
import { Simulator } from '../../src/sim/simulator.ts';

const f32 = Math.fround;

/** Two populations and one plastic projection with `plasticity`. */
function withRule(plasticity: unknown): NetworkSpec {
  return {
    version: 1,
    dt: 0.1,
    populations: {
      P: { size: 4, model: 'poisson', params: { rate: 10 } },
      N: { size: 3, model: 'lif', params: { receptors: { e: { kind: 'current', tau: 5 } } } },
    },
    projections: [{ name: 'p', pre: 'P', post: 'N', connect: { rule: 'allToAll' }, weight: 0.5, receptor: 'e', plasticity: plasticity as PlasticitySpec }],
  };
}

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('the rule registry in the spec', () => {
  it('accepts every rule with its required parameters, the others defaulted', () => {
    for (const [rule, family] of Object.entries(plasticityRules)) {
      const required = Object.entries(family.params).filter(([, p]) => p.default === undefined);
      const values = Object.fromEntries(required.map(([k, p]) => [k, k === 'wMax' ? 1 : p.unit === 'ms' ? 20 : 0]));
      expect(() => validateSpec(withRule({ rule, ...values })), rule).not.toThrow();
      expect(errorOf(() => validateSpec(withRule({ rule, ...values, wMax: undefined })))).toMatch(/plasticity\.wMax: is required/);
    }
  });

  it('names the path of each mistake', () => {
    expect(errorOf(() => validateSpec(withRule({ rule: 'triplet', wMin: 0 })))).toMatch(/^projections\[0\]\.plasticity\.wMax: is required for rule triplet/);
    expect(errorOf(() => validateSpec(withRule({ rule: 'triplet', wMin: 0, wMax: 1, tauY: 0 })))).toMatch(
      /^projections\[0\]\.plasticity\.tauY: must be > 0, got 0/,
    );
    expect(errorOf(() => validateSpec(withRule({ rule: 'triplet', wMin: 0, wMax: 1, aPlus: 1 })))).toMatch(/^projections\[0\]\.plasticity\.aPlus: unknown key/);
    expect(errorOf(() => validateSpec(withRule({ rule: 'rstdp', wMin: 0, wMax: 1, pairing: 'first' })))).toMatch(
      /^projections\[0\]\.plasticity\.pairing: must be "nearest" or "all"/,
    );
    expect(
      errorOf(() =>
        validateSpec(withRule({ rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0, aMinus: 0, wMin: 0, wMax: 1, modulatedBy: { population: 'P', amount: 1 } })),
      ),
    ).toMatch(/^projections\[0\]\.plasticity\.modulatedBy: unknown key/);
    expect(errorOf(() => validateSpec(withRule({ rule: 'rstdp', wMin: 0, wMax: 1, modulatedBy: { population: 'Q', amount: 1 } })))).toMatch(
      /^projections\[0\]\.plasticity\.modulatedBy\.population: unknown population "Q"/,
    );
    expect(errorOf(() => validateSpec(withRule({ rule: 'tripple', wMin: 0, wMax: 1 })))).toMatch(/unknown rule "tripple" \(did you mean "triplet"\?\)/);
  });

  it('compiles constants as the kernels read them: parameters, decays exp(−dt/τ), derived values, the modulator step', () => {
    const triplet = plasticityRuleOf({ rule: 'triplet', wMin: 0, wMax: 1, tauY: 100 }, 0.5);
    expect(triplet.fields).toEqual(['a2Plus', 'a3Plus', 'a2Minus', 'a3Minus', 'wMin', 'wMax', 'decay_r1', 'decay_r2', 'decay_o1', 'decay_o2']);
    expect(triplet.constants[triplet.fields.indexOf('decay_o2')]).toBe(f32(Math.exp(-0.5 / 100)));
    expect(triplet.constants.length % 4).toBe(0);
    const rstdp = plasticityRuleOf({ rule: 'rstdp', wMin: 0, wMax: 4, every: 10, tauC: 1000 }, 1, { offset: 7, size: 1, amount: 0.5 });
    expect(rstdp.periodTicks).toBe(10);
    expect(rstdp.constants[rstdp.fields.indexOf('decayC')]).toBeCloseTo(Math.exp(-10 / 1000), 7);
    expect(rstdp.constants[rstdp.fields.indexOf('modulatorStep')]).toBe(0.5);
    expect(rstdp.modulatedBy).toEqual({ offset: 7, size: 1, amount: 0.5 });
  });
});

describe('a rule definition with a mistake', () => {
  const base: PlasticityRuleDefinition = {
    name: 'test',
    doc: 'a test rule',
    params: {
      a: { unit: 'weight', doc: 'amplitude' },
      tau: { unit: 'ms', doc: 'trace time constant' },
      wMin: { unit: 'weight', doc: '' },
      wMax: { unit: 'weight', doc: '' },
    },
    preTraces: { x: { tau: 'tau', onSpike: 'x + 1' } },
    postTraces: { y: { tau: 'tau', onSpike: '1' } },
    onPre: 'w - a*y',
    onPost: 'w + a*x',
  };
  it('is refused naming the hook, the name and the character', () => {
    expect(errorOf(() => ruleCode({ ...base, onPost: 'w + b*x' }, 'rule'))).toMatch(/^rule: onPost: unknown name b \(character 5 of "w \+ b\*x"\)/);
    expect(errorOf(() => ruleCode({ ...base, onPre: 'w - a*' }, 'rule'))).toMatch(/^rule: onPre: expected a number, a name or "\(" before the end/);
    expect(errorOf(() => ruleCode({ ...base, preTraces: { x: { tau: 'tauX', onSpike: 'x + 1' } } }, 'rule'))).toMatch(
      /trace x: tau names "tauX", which is not a parameter/,
    );
  });
  it('generates CPU twins that compute what the expressions say', () => {
    const rule = compileRule(base, { a: 0.25, tau: 10, wMin: 0, wMax: 1 }, 0.1);
    const { cpu } = ruleCode(base);
    expect(cpu.onPost(rule.constants, 0.5, 0.5)).toBe(0.625);
    expect(cpu.onPost(rule.constants, 0.9, 4)).toBe(1); // clipped to wMax
    expect(cpu.preSpike[0](rule.constants, 0.5)).toBe(1.5);
    expect(cpu.postSpike[0](rule.constants, 0.5)).toBe(1);
  });
});

describe('setters of plastic projections', () => {
  it('setPlasticity changes the rule’s settable parameters and refuses the others; setModulator needs a modulated rule', async () => {
    const sim = await Simulator.create(withRule({ rule: 'triplet', wMin: 0, wMax: 1 }), { backend: 'cpu' });
    try {
      expect(() => sim.setPlasticity('p', { a3Plus: 0.01, a2Minus: 0 })).not.toThrow();
      expect(() => sim.setPlasticity('p', { tauY: 10 })).toThrow(/tauY cannot be changed; triplet can change a2Plus, a3Plus, a2Minus, a3Minus/);
      expect(() => sim.setPlasticity('p', { a3Plus: -1 })).toThrow(/a3Plus is -1; it must be finite and ≥ 0/);
      expect(() => sim.setModulator('p', 1)).toThrow(/setModulator: p: rule triplet has no neuromodulator/);
    } finally {
      sim.dispose();
    }
  });
});

describe('the conditioning protocol (Izhikevich 2007)', () => {
  it('rewards a firing of neuron 1 that follows neuron 0’s latest firing within the interval', () => {
    expect(rewardedFirings([10], [15, 40], -Infinity, 20)).toEqual({ times: [15], lastPre: 10 });
    expect(rewardedFirings([10, 30], [35, 12], -Infinity, 20).times).toEqual([12, 35]);
    expect(rewardedFirings([], [5], 990, 20).times).toEqual([]); // 5 < 990: before, not after
    expect(rewardedFirings([], [1005], 990, 20).times).toEqual([1005]); // across windows
    expect(rewardedFirings([10], [10], -Infinity, 20).times).toEqual([]); // simultaneous: not after
  });

  it('on the network: rewarded firings become rewards 1–3 s later, and the conditioned synapse moves from 0', async () => {
    const sim = await Simulator.create(builtinNetwork('izhikevich2007'), { backend: 'cpu' });
    try {
      const progress: number[] = [];
      const result = await runConditioning(sim, { durationMs: 60_000, sampleEveryMs: 15_000, onProgress: (done) => progress.push(done) });
      expect(progress).toEqual(Array.from({ length: 60 }, (_, k) => (k + 1) * 1000));
      expect(result.samples.map((s) => s.timeMs)).toEqual([0, 15000, 30000, 45000, 60000]);
      expect(result.samples[0].conditioned).toBe(0);
      expect(result.rewardedFirings).toBeGreaterThan(0);
      // Rewards lag their firings by 1–3 s: those of the last seconds are still pending.
      expect(result.rewards).toBeGreaterThan(0);
      expect(result.rewards).toBeLessThanOrEqual(result.rewardedFirings);
      expect(result.samples[4].conditioned).toBeGreaterThan(0);
    } finally {
      sim.dispose();
    }
    await expect(runConditioning({} as Simulator, { durationMs: 1000, windowMs: 2000 })).rejects.toThrow(
      /windowMs \(2000\) must not exceed the shortest reward delay/,
    );
  });
});
