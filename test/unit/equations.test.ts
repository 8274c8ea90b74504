/**
 * The expression language and models given by equations: parsing, errors that name the spec
 * path and the character, code generation, and the CPU reference against closed forms.
 */
import { describe, expect, it } from 'vitest';
import { emitExpression, powIntF32, wgslNumber } from '../../src/equations/emit.ts';
import { ExpressionError, parseExpression, type Expr } from '../../src/equations/expression.ts';
import { divideF32, expF32 } from '../../src/equations/deterministicMath.ts';
import { linearIn } from '../../src/models/equationModel.ts';
import { models } from '../../src/models/index.ts';
import { compileNetwork } from '../../src/compile/compile.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';
import type { NetworkSpec, PopulationSpec } from '../../src/netspec/types.ts';
import { Simulator } from '../../src/sim/simulator.ts';

const f32 = Math.fround;

/** The tree without positions, as nested arrays: easy to compare. */
function shape(e: Expr): unknown {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'name':
      return e.name;
    case 'unary':
      return [e.op, shape(e.arg)];
    case 'binary':
      return [e.op, shape(e.left), shape(e.right)];
    case 'call':
      return [e.fn, ...e.args.map(shape)];
  }
}

const errorOf = (f: () => unknown): Error => {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
};

describe('parseExpression', () => {
  it('follows Python precedence: ** binds tighter than unary minus, and is right-associative', () => {
    expect(shape(parseExpression('-x**2'))).toEqual(['-', ['**', 'x', 2]]);
    expect(shape(parseExpression('2**3**2'))).toEqual(['**', 2, ['**', 3, 2]]);
    expect(shape(parseExpression('a - b - c'))).toEqual(['-', ['-', 'a', 'b'], 'c']);
    expect(shape(parseExpression('a + b*c/d'))).toEqual(['+', 'a', ['/', ['*', 'b', 'c'], 'd']]);
    expect(shape(parseExpression('not a < b and c >= 1e-3 or d == .5'))).toEqual([
      'or',
      ['and', ['not', ['<', 'a', 'b']], ['>=', 'c', 0.001]],
      ['==', 'd', 0.5],
    ]);
    expect(shape(parseExpression('clip(v, -1.5, max(a, 2))'))).toEqual(['clip', 'v', ['-', 1.5], ['max', 'a', 2]]);
  });

  it('names the character of each mistake', () => {
    const cases: [string, number, RegExp][] = [
      ['v ^ 2', 2, /powers are written \*\*/],
      ['(v + 1', 6, /expected "\)" before the end/],
      ['v + * 2', 4, /expected a number, a name or "\("/],
      ['expo(v)', 0, /unknown function expo/],
      ['exp(v, 2)', 0, /exp takes 1 argument, got 2/],
      ['a < b < c', 6, /comparisons do not chain/],
      ['v 2', 2, /unexpected "2" after a complete expression/],
      ['v && w', 2, /write and, or, not/],
    ];
    for (const [source, pos, message] of cases) {
      const err = errorOf(() => parseExpression(source));
      expect(err, source).toBeInstanceOf(ExpressionError);
      expect((err as ExpressionError).pos, source).toBe(pos);
      expect(err.message, source).toMatch(message);
    }
  });
});

describe('emitExpression: one tree, WGSL and JavaScript with the same operations', () => {
  const names = () => ({ wgsl: 'x', js: 'x' });
  it('folds constants with the CPU functions and keeps variables symbolic', () => {
    expect(emitExpression(parseExpression('2 * 3 + x'), names)).toEqual({ wgsl: '(6.0f + x)', js: 'f(6 + x)' });
    expect(emitExpression(parseExpression('x / 4'), names)).toEqual({ wgsl: '(x * 0.25f)', js: 'f(x * 0.25)' });
    expect(emitExpression(parseExpression('x / 3'), names).wgsl).toBe('divideF32(x, 3.0f)');
    expect(emitExpression(parseExpression('x ** 3'), names)).toEqual({ wgsl: 'powIntF32(x, 3u)', js: 'powIntF32(x, 3)' });
    expect(emitExpression(parseExpression('x ** -2'), names).js).toBe('divideF32(1, powIntF32(x, 2))');
    expect(emitExpression(parseExpression('x ** 0.5'), names).js).toBe('sqrtF32(x)');
    expect(emitExpression(parseExpression('x ** 1.7'), names).js).toBe('powF32(x, 1.7000000476837158)');
    expect(emitExpression(parseExpression('exp(1) * x'), names).js).toBe(`f(${expF32(1)} * x)`);
    expect(emitExpression(parseExpression('1 / 3'), names).js).toBe(String(divideF32(1, 3)));
    expect(emitExpression(parseExpression('pi'), () => Math.PI).js).toBe(String(f32(Math.PI)));
    expect(emitExpression(parseExpression('-(x - 2)'), names)).toEqual({ wgsl: '(-(x - 2.0f))', js: '(-f(x - 2))' });
  });
  it('writes f32 constants that parse back to the same bits', () => {
    for (const x of [0.04, -65, 1e-7, 3.4e38, 0, 123456789]) {
      const text = wgslNumber(x).replace(/[()f]/g, '');
      expect(f32(Number(text))).toBe(f32(x));
    }
  });
  it('multiplies integer powers left to right', () => {
    expect(powIntF32(f32(1.1), 3)).toBe(f32(f32(f32(1.1) * f32(1.1)) * f32(1.1)));
  });
});

describe('linearIn: the form a + b·x that the exact method needs', () => {
  const isState = (n: string) => n === 'v' || n === 'w';
  it('splits linear right-hand sides and refuses the others', () => {
    const lin = linearIn(parseExpression('(EL - v + I) / tau'), 'v', isState)!;
    expect(shape(lin.a!)).toEqual(['/', ['+', 'EL', 'I'], 'tau']);
    expect(shape(lin.b!)).toEqual(['/', ['-', 1], 'tau']);
    expect(linearIn(parseExpression('v * v'), 'v', isState)).toBeNull();
    expect(linearIn(parseExpression('exp(v)'), 'v', isState)).toBeNull();
    expect(linearIn(parseExpression('(w - v) / tau'), 'v', isState)).toBeNull();
    expect(linearIn(parseExpression('a'), 'v', isState)).toEqual({ a: expect.objectContaining({ name: 'a' }) });
  });
});

/** A one-population spec around a model object. */
function specWith(model: PopulationSpec['model'], extra: Partial<PopulationSpec> = {}): NetworkSpec {
  return { version: 1, dt: 0.1, seed: 1, populations: { P: { size: 2, model, ...extra } }, projections: [] } as NetworkSpec;
}

const leaky = { equations: ['dv/dt = (iExt - v) / tau'], threshold: 'v > 1', reset: ['v = 0'] };

describe('models given by equations in the spec: validation', () => {
  it('accepts a leaky integrator; unknown names are its parameters, and each is required', () => {
    expect(() => validateSpec(specWith(leaky, { params: { tau: 10 }, iExt: 2 }))).not.toThrow();
    expect(errorOf(() => validateSpec(specWith(leaky, { iExt: 2 }))).message).toMatch(/^populations\.P\.params\.tau: is required/);
    expect(errorOf(() => validateSpec(specWith(leaky, { params: { tau: 10, tua: 3 } }))).message).toMatch(
      /^populations\.P\.params\.tua: unknown key \(did you mean "tau"\?\)/,
    );
  });

  it('names the path and the character of each mistake', () => {
    const cases: [PopulationSpec['model'], RegExp][] = [
      [
        { ...leaky, equations: ['dv/dt = (iExt - v) / tau +'] },
        /^populations\.P\.model\.equations\[0\]: expected a number, a name or "\(" before the end \(character 27 of "dv\/dt = \(iExt - v\) \/ tau \+"\)$/,
      ],
      [{ ...leaky, equations: ['v = 3'] }, /^populations\.P\.model\.equations: has no differential equation/],
      [
        { ...leaky, reset: ['u = 0'] },
        /^populations\.P\.model\.reset\[0\]: u is not a state variable: the state variables are those with an equation dX\/dt \(v\)/,
      ],
      [{ ...leaky, threshold: 'v + 1' }, /^populations\.P\.model\.threshold: expected a condition/],
      [{ ...leaky, equations: ['dv/dt = (v > 1) / tau'] }, /^populations\.P\.model\.equations\[0\]: expected a number, found a condition \(character 12 of/],
      [{ ...leaky, equations: ['dv/dt = a / tau', 'a = b', 'b = a'] }, /subexpressions refer to each other in a cycle: a → b → a/],
      [{ ...leaky, equations: ['dv/dt = -v / dt_1'] }, /parameter "dt_1" is reserved/],
      [{ ...leaky, method: 'rk4' } as never, /^populations\.P\.model\.method: must be one of euler, rk2, exact/],
      [{ ...leaky, equations: ['dv/dt = -v*v / tau'], method: 'exact' }, /^populations\.P\.model\.equations\[0\]: method "exact" needs dv\/dt = a \+ b·v/],
      [{ ...leaky, equation: [] } as never, /^populations\.P\.model\.equation: unknown key \(did you mean "equations"\?\)/],
    ];
    for (const [model, message] of cases) {
      const err = errorOf(() => validateSpec(specWith(model, { params: { tau: 10 } })));
      expect(err.message, JSON.stringify(model)).toMatch(message);
    }
  });

  it('refuses inputs the equations would lose', () => {
    const silent = { equations: ['dv/dt = -v / tau'], threshold: 'v > 1', reset: ['v = 0'] };
    expect(errorOf(() => validateSpec(specWith(silent, { params: { tau: 10 }, iExt: 1 }))).message).toMatch(
      /^populations\.P\.iExt: the model's equations do not read iExt/,
    );
    expect(errorOf(() => validateSpec(specWith(silent, { params: { tau: 10, receptors: { ampa: { kind: 'current', tau: 5 } } } }))).message).toMatch(
      /^populations\.P\.params\.receptors\.ampa: the model's equations read neither ampa nor Isyn/,
    );
    const named = { equations: ['dv/dt = (ampa - v) / tau'], threshold: 'v > 1', reset: ['v = 0'] };
    expect(() => validateSpec(specWith(named, { params: { tau: 10, receptors: { ampa: { kind: 'current', tau: 5 } } } }))).not.toThrow();
    const delta = { equations: ['dv/dt = (kick - v) / tau'], threshold: 'v > 1', reset: ['v = 0'] };
    expect(errorOf(() => validateSpec(specWith(delta, { params: { tau: 10, receptors: { kick: { kind: 'delta' } } } }))).message).toMatch(
      /^populations\.P\.model\.equations\[0\]: kick is a delta receptor: its input jumps v directly/,
    );
  });

  it('the built-in adex is a definition with documented parameters', () => {
    expect(Object.keys(models.adex.params)).toEqual(
      ['gL', 'EL', 'DeltaT', 'VT', 'C', 'a', 'tauw', 'tRef', 'Vr', 'b'].sort(
        (a, b) => Object.keys(models.adex.params).indexOf(a) - Object.keys(models.adex.params).indexOf(b),
      ),
    );
    for (const info of Object.values(models.adex.params)) expect(info.unit).not.toBe('');
    expect(errorOf(() => validateSpec(specWith('adex', { params: { C: 0 } }))).message).toMatch(/^populations\.P\.params\.C: /);
  });
});

/** Run a spec on the CPU reference; returns population P's spikes and (when recorded) its v. */
async function simulate(spec: NetworkSpec, ms: number) {
  const sim = await Simulator.create(spec, { backend: 'cpu' });
  await sim.run(ms);
  const out = { spikes: sim.spikes('P'), v: spec.record?.state ? sim.state('P', 'v') : undefined };
  sim.dispose();
  return out;
}

describe('models given by equations: the CPU reference against closed forms', () => {
  it('exact integrates a linear equation exactly: v(t) = I (1 − e^(−t/τ))', async () => {
    const spec = specWith(
      { equations: ['dv/dt = (iExt - v) / tau'], threshold: 'v > 100', reset: ['v = 0'], method: 'exact' },
      { params: { tau: 10 }, iExt: 2 },
    );
    spec.record = { state: [{ pop: 'P', var: 'v', ids: [0] }] };
    const { v } = await simulate(spec, 20);
    // Samples are the value at the start of each tick: tick k holds v(k·dt).
    v!.times.forEach((t, k) => expect(v!.values[k], `t = ${t}`).toBeCloseTo(2 * (1 - Math.exp(-t / 10)), 5));
    expect(v!.times.length).toBe(200);
  });

  it('euler and rk2 step as Brian2 defines them, and spike, reset and refractoriness follow the definition', async () => {
    // dv/dt = 1 from 0: v = t; threshold 0.95 crossed at t = 1 ms; refractory 0.5 ms holds v (unless refractory), u keeps counting.
    const model = {
      equations: ['dv/dt = rate (unless refractory)', 'du/dt = rate'],
      threshold: 'v > 0.95',
      reset: ['v = 0', 'u *= 2'],
      refractory: 0.5,
    };
    const spec = specWith(model, { params: { rate: 1 } });
    const { spikes } = await simulate(spec, 3);
    const times = Array.from(spikes.times).filter((_, k) => spikes.ids[k] === 0);
    // v reaches 1.0 after 10 ticks (spike in tick 10, t = 1.0 ms), is held for 4 ticks, then 10 more ticks.
    expect(times.length).toBe(2);
    expect(times[1] - times[0]).toBeCloseTo(1.4, 6);
  });
});

describe('compiled columns: costly parameter-only subexpressions are computed once on the host', () => {
  it('keeps expressions of state in the kernel', () => {
    const net = compileNetwork(validateSpec(specWith('adex', { iExt: 500 })));
    const cols = net.groups[0].columns.params;
    // dv/dt = X / C: the step is (dt/C)·X, dt/C a host column, so C itself is not read per tick.
    expect(cols).not.toContain('C');
    // Divisions of a state expression stay in the kernel; threshold VT + 5·ΔT is cheap and stays too.
    const wgsl = net.groups[0].model.wgsl(net.groups[0].receptors);
    expect(wgsl).toContain('expF32(divideF32((s_v - p_VT), p_DeltaT))');
    expect(wgsl).not.toMatch(/divideF32\([^;]*p_C\)/);
  });
});

describe('sub-steps (Izhikevich 2003): the stepped variables first, the others from their new values', () => {
  it('matches a hand computation of two half-steps of v, then u from the new v', async () => {
    const model = {
      equations: ['dv/dt = (v*(0.04*v + 5) + 140 - u) + iExt', 'du/dt = a*(b*v - u)'],
      threshold: 'v >= 30',
      reset: ['v = -65', 'u += 8'],
      substeps: { variables: ['v'], count: 'n' },
    };
    const spec = specWith(model, { params: { a: 0.02, b: 0.2, n: 2 }, init: { v: -70, u: -14 }, iExt: 10 });
    spec.dt = 1;
    spec.record = { state: [{ pop: 'P', var: 'v', ids: [0] }] };
    const { v } = await simulate(spec, 3);
    // Tick 0 starts at v = −70, u = −14; its result is the sample of tick 1.
    let vv = -70,
      uu = -14;
    for (let k = 0; k < 2; k++) vv = f32(vv + f32(0.5 * f32(f32(f32(f32(vv * f32(f32(f32(0.04) * vv) + 5)) + 140) - uu) + 10)));
    uu = f32(uu + f32(1 * f32(f32(0.02) * f32(f32(f32(0.2) * vv) - uu))));
    expect(v!.values[1]).toBe(vv);
    const sim = await Simulator.create({ ...spec, record: { state: [{ pop: 'P', var: 'u', ids: [0] }] } }, { backend: 'cpu' });
    await sim.run(3);
    expect(sim.state('P', 'u').values[1]).toBe(uu);
    sim.dispose();
    expect(errorOf(() => validateSpec(specWith({ ...model, method: 'rk2' }, { params: { a: 0.02, b: 0.2, n: 2 } }))).message).toMatch(
      /model\.substeps: sub-steps are Euler steps/,
    );
    expect(errorOf(() => validateSpec(specWith(model, { params: { a: 0.02, b: 0.2, n: 1.5 } }))).message).toMatch(/params\.n: /);
  });
});

describe('sharedColumns: parameters the same for a whole group are read once, never as literals', () => {
  it('cuba: uniform columns shared, settable and varying ones per neuron, the record flag a literal', async () => {
    const { builtinNetwork } = await import('../../src/networks/index.ts');
    const { sharedColumns, neuronStepWgsl } = await import('../../src/kernels/neuronKernel.ts');
    const net = compileNetwork(validateSpec(builtinNetwork('cuba', { n: 400 })));
    const group = net.groups[0];
    const shared = sharedColumns(group);
    // exp(−dt/τm), computed on the host: one value for the group.
    const growth = group.columns.params.find(
      (c) => c.startsWith('h_') && Math.abs(group.params[group.columns.params.indexOf(c) * group.size] - Math.exp(-0.1 / 20)) < 1e-7,
    )!;
    expect(growth).toBeDefined();
    expect(shared.has(growth)).toBe(true);
    expect(group.columns.params).not.toContain('tauM'); // only the host reads it
    expect(shared.has('vThresh')).toBe(false); // settable: setParams may change it per neuron
    expect(shared.get('record')).toBe(1);
    const code = neuronStepWgsl(group, { seed: 1, neuronCount: 400, spikeSlots: 2, delaySlots: 2, channelCount: 800, nonFiniteStride: 2 });
    const column = group.columns.params.indexOf(growth);
    expect(code).toContain(`let p_${growth} = params[${column * group.size}u];`);
    expect(code).toContain(`let p_vThresh = params[${group.columns.params.indexOf('vThresh') * group.size}u + i];`);
    expect(code).toContain('let u_record = 1u;');
    // A drawn parameter varies: per neuron.
    const izh = compileNetwork(validateSpec(builtinNetwork('izhikevich2003', { n: 100 })));
    expect(sharedColumns(izh.groups[0]).has('c')).toBe(false);
    expect(sharedColumns(izh.groups[0]).has('vPeak')).toBe(true);
  });
});

describe('review regressions: names that look like generated ones, constants, malformed keys', () => {
  it('a parameter whose name contains iSyn, a receptor named h_…, and pi in a host-computed column all compile and run', async () => {
    const model = {
      equations: ['dv/dt = (iExt + iSynGain*Isyn + h_e - v) / tau * exp(-pi/tau)'],
      threshold: 'v > 1',
      reset: ['v = 0'],
      method: 'rk2' as const,
    };
    const spec = specWith(model, { params: { tau: 10, iSynGain: 2, receptors: { h_e: { kind: 'current', tau: 5 } } }, iExt: 3 });
    const { spikes } = await simulate(spec, 50);
    expect(spikes.ids.length).toBeGreaterThan(0);
  });

  it('refuses literals beyond f32, malformed substeps and refractory names, with paths', () => {
    expect(errorOf(() => validateSpec(specWith({ ...leaky, threshold: 'v > 1e39' }, { params: { tau: 10 } }))).message).toMatch(
      /^populations\.P\.model\.threshold: 1e\+39 is beyond f32's range/,
    );
    expect(errorOf(() => validateSpec(specWith({ ...leaky, substeps: null } as never, { params: { tau: 10 } }))).message).toMatch(
      /model\.substeps: must be \{variables, count\}/,
    );
    expect(errorOf(() => validateSpec(specWith({ ...leaky, substeps: { variables: ['v'], count: 2 } } as never, { params: { tau: 10 } }))).message).toMatch(
      /model\.substeps\.count: must name a parameter/,
    );
    expect(errorOf(() => validateSpec(specWith({ ...leaky, refractory: '5 ms' }, { params: { tau: 10 } }))).message).toMatch(
      /model\.refractory: must be a duration/,
    );
  });
});

describe('methods and receptors as definitions: exact with receptor decay, implicit, method lists', () => {
  /** One input spike of weight w at t = 1 ms into receptor exc (current, τs = 5 ms) of P; P's v recorded. */
  function kicked(model: PopulationSpec['model'], params: Record<string, unknown>, w: number): NetworkSpec {
    return {
      version: 1,
      dt: 0.1,
      seed: 1,
      populations: {
        S: { size: 1, model: 'spikeSource', times: [1], ids: [0] },
        P: { size: 1, model, params: { ...params, receptors: { exc: { kind: 'current', tau: 5 } } } },
      },
      projections: [{ pre: 'S', post: 'P', connect: { rule: 'oneToOne' }, weight: w, receptor: 'exc' }],
      record: { state: [{ pop: 'P', var: 'v', ids: [0] }] },
    } as NetworkSpec;
  }

  it.each([
    ['the built-in lif', 'lif' as PopulationSpec['model'], { tauM: 20, vRest: 0, vReset: 0, vThresh: 100 }, 1 / 20],
    [
      'a definition with a factor on Isyn',
      { equations: ['dv/dt = (-v + 2*Isyn) / tau'], threshold: 'v > 100', reset: ['v = 0'], method: 'exact' } as PopulationSpec['model'],
      { tau: 20 },
      2 / 20,
    ],
  ])('exact integrates the receptor decay into v: %s follows c·w·(e^(−s/τm) − e^(−s/τs)) / (1/τs − 1/τm)', async (_label, model, params, c) => {
    const w = 3;
    const { v } = await simulate(kicked(model, params, w), 30);
    const first = v!.values.findIndex((x) => x !== 0);
    expect(first).toBeGreaterThan(0);
    // The input enters g in the tick before the first non-zero sample: that sample is v one dt later.
    const t0 = v!.times[first] - 0.1;
    for (let k = first; k < v!.times.length; k++) {
      const s = v!.times[k] - t0;
      const exact = (c * w * (Math.exp(-s / 20) - Math.exp(-s / 5))) / (1 / 5 - 1 / 20);
      expect(v!.values[k], `s = ${s}`).toBeCloseTo(exact, 5);
    }
  });

  it('each population keeps its own receptor τ in the propagator, down to τs = τm (the limit c·w·s·e^(−s/τm))', async () => {
    // Three lif populations, one kernel: the same receptor name, τs 5, 10 and 20·(1 + 10⁻¹¹) ms against τm 20 ms.
    const taus = { P: 5, Q: 10, R: 20 * (1 + 1e-11) };
    const lifWith = (tau: number) => ({
      size: 1,
      model: 'lif',
      params: { tauM: 20, vRest: 0, vReset: 0, vThresh: 100, receptors: { exc: { kind: 'current', tau } } },
    });
    const spec = {
      version: 1,
      dt: 0.1,
      seed: 1,
      populations: { S: { size: 1, model: 'spikeSource', times: [1], ids: [0] }, ...Object.fromEntries(Object.entries(taus).map(([k, t]) => [k, lifWith(t)])) },
      projections: Object.keys(taus).map((post) => ({ pre: 'S', post, connect: { rule: 'oneToOne' }, weight: 3, receptor: 'exc' })),
      record: { state: Object.keys(taus).map((pop) => ({ pop, var: 'v', ids: [0] })) },
    } as NetworkSpec;
    const sim = await Simulator.create(spec, { backend: 'cpu' });
    await sim.run(30);
    for (const [pop, tauS] of Object.entries(taus)) {
      const v = sim.state(pop, 'v');
      const first = v.values.findIndex((x) => x !== 0);
      const t0 = v.times[first] - 0.1;
      for (let k = first; k < v.times.length; k += 7) {
        const s = v.times[k] - t0;
        const exact = pop === 'R' ? (3 / 20) * s * Math.exp(-s / 20) : ((3 / 20) * (Math.exp(-s / 20) - Math.exp(-s / tauS))) / (1 / tauS - 1 / 20);
        expect(v.values[k], `${pop}, s = ${s}`).toBeCloseTo(exact, 5);
      }
    }
    sim.dispose();
  });

  it('t is the time at the start of the tick: in an equation (Euler: v = Σ t_k·dt) and in the threshold', async () => {
    const spec = specWith({ equations: ['dv/dt = t'], threshold: 't >= 1.5 and v < 2', reset: ['v = 2'] });
    spec.record = { spikes: ['P'], state: [{ pop: 'P', var: 'v', ids: [0] }] };
    const { v, spikes } = await simulate(spec, 2);
    // Sample k is v after k ticks: Σ_{j<k} (j·dt)·dt = dt²·k(k−1)/2, until the spike of tick 15 (t = 1.5 ms) sets v = 2.
    for (let k = 0; k <= 15; k++) expect(v!.values[k], `tick ${k}`).toBeCloseTo((0.01 * k * (k - 1)) / 2, 6);
    expect(v!.values[16]).toBe(2);
    expect(Array.from(spikes.times)).toEqual([1.5, 1.5]);
  });

  it('conditions are never host columns: a parameter-only comparison stays a comparison', () => {
    const model = { equations: ['dv/dt = (iExt - v) / tau'], threshold: 'v > 1 and tau / 2 > 1', reset: ['v = 0'] };
    const net = compileNetwork(validateSpec(specWith(model, { params: { tau: 10 }, iExt: 2 })));
    const wgsl = net.groups[0].model.wgsl(net.groups[0].receptors);
    expect(wgsl).toMatch(/&& \(p_h_\d+ > 1\.0f\)\)\)/);
  });

  it('lif steps v ← v∞ + (v − v∞)·exp(−dt/τm) in f32, with the exponential computed once in double precision', async () => {
    const spec = specWith('lif', { params: { tauM: 20, vRest: -65, vThresh: 100 }, iExt: 20 });
    spec.record = { state: [{ pop: 'P', var: 'v', ids: [0] }] };
    const { v } = await simulate(spec, 2);
    const growth = f32(Math.exp(-0.1 / 20));
    const vInf = f32(-65 + 20);
    let expected = -65;
    for (const value of v!.values) {
      expect(value).toBe(expected);
      expected = f32(vInf + f32(f32(expected - vInf) * growth));
    }
  });

  const conductanceModel = (method: unknown) =>
    ({ equations: ['dv/dt = (vRest - v + Isyn) / tau'], threshold: 'v > 100', reset: ['v = vRest'], method }) as PopulationSpec['model'];
  const conductanceParams: Partial<PopulationSpec> = { params: { vRest: -65, tau: 10, receptors: { inh: { kind: 'conductance', tau: 5, eRev: -80 } } } };

  it('a method list gives each equation the first method that applies; exact alone refuses a conductance, naming why', () => {
    expect(errorOf(() => validateSpec(specWith(conductanceModel('exact'), conductanceParams))).message).toMatch(
      /^populations\.P\.model\.equations\[0\]: method "exact" needs dv\/dt = a \+ b·v \+ c·g \(g a receptor\) with b free of receptor values: a conductance makes the equation nonlinear; use euler or implicit or rk2/,
    );
    const net = compileNetwork(validateSpec(specWith(conductanceModel(['exact', 'euler']), conductanceParams)));
    const wgsl = net.groups[0].model.wgsl(net.groups[0].receptors);
    expect(wgsl).not.toContain('expF32'); // Euler: no propagator
    expect(wgsl).toMatch(/s_v \+ \(p_h_\d+ \* /); // v + (dt/τ)·(…)
    expect(errorOf(() => validateSpec(specWith(conductanceModel(['rk2', 'euler']), conductanceParams))).message).toMatch(
      /^populations\.P\.model\.method: rk2 steps all equations together/,
    );
    expect(errorOf(() => validateSpec(specWith(conductanceModel(['exact', 'rk4']), conductanceParams))).message).toMatch(
      /^populations\.P\.model\.method\[1\]: must be one of euler, rk2, exact, implicit/,
    );
    // Without receptors, the same equation is linear: exact applies.
    const plain = compileNetwork(validateSpec(specWith(conductanceModel(['exact', 'euler']), { params: { vRest: -65, tau: 10 } })));
    expect(plain.groups[0].model.wgsl(plain.groups[0].receptors)).toContain('e_v');
  });

  it("an error found for one population's receptors names that population, though another shares the definition", () => {
    const model = { equations: ['dv/dt = (-v + Isyn) / tau'], threshold: 'v > 1', reset: ['v = 0'], method: 'exact' } as PopulationSpec['model'];
    const spec = {
      version: 1,
      dt: 0.1,
      populations: {
        P: { size: 1, model, params: { tau: 10, receptors: { exc: { kind: 'current', tau: 5 } } } },
        Q: { size: 1, model, params: { tau: 10, receptors: { exc: { kind: 'conductance', tau: 5, eRev: 0 } } } },
      },
    } as NetworkSpec;
    expect(errorOf(() => validateSpec(spec)).message).toMatch(/^populations\.Q\.model\.equations\[0\]: method "exact" needs/);
  });

  it('implicit stays between the reversal potentials under a conductance that makes Euler diverge', async () => {
    const run = async (method: string) => {
      const spec: NetworkSpec = {
        version: 1,
        dt: 0.1,
        seed: 1,
        populations: {
          S: { size: 1, model: 'spikeSource', times: [0.5], ids: [0] },
          P: { size: 1, model: conductanceModel(method), ...conductanceParams, init: { v: -65 } },
        },
        projections: [{ pre: 'S', post: 'P', connect: { rule: 'oneToOne' }, weight: 500, receptor: 'inh' }],
        record: { state: [{ pop: 'P', var: 'v', ids: [0] }] },
      } as NetworkSpec;
      return Array.from((await simulate(spec, 3)).v!.values);
    };
    const implicit = await run('implicit');
    expect(Math.min(...implicit)).toBeGreaterThanOrEqual(-80);
    expect(Math.max(...implicit)).toBeLessThanOrEqual(-65);
    expect(Math.min(...implicit)).toBeLessThan(-79); // pulled to eRev
    const euler = await run('euler');
    expect(Math.min(...euler) < -81 || Math.max(...euler) > -64).toBe(true);
  });

  it('receptor kinds are definitions: where input goes, the decay, the term of Isyn', async () => {
    const { receptorKinds, receptorTerm, receptorTermParams } = await import('../../src/models/receptors.ts');
    expect(Object.fromEntries(Object.entries(receptorKinds).map(([k, d]) => [k, d.input]))).toEqual({
      delta: 'membrane',
      pulse: 'iExt',
      current: 'g',
      conductance: 'g',
    });
    const inh = { name: 'inh', index: 1, spec: { kind: 'conductance' as const, tau: 10, eRev: -80 } };
    expect(shape(receptorTerm(inh, 'v', '__g_1', (p) => `__${p}_1`)!)).toEqual(['*', '__g_1', ['-', '__eRev_1', 'v']]);
    expect(receptorTermParams(inh)).toEqual(['eRev']);
    expect(receptorTerm({ name: 'k', index: 0, spec: { kind: 'delta' } }, 'v', '__g_0', (p) => p)).toBeNull();
    // The spec's receptor keys and their ranges come from the definitions.
    expect(errorOf(() => validateSpec(specWith('lif', { params: { receptors: { e: { kind: 'current', tau: 0 } } } }))).message).toMatch(
      /^populations\.P\.params\.receptors\.e\.tau: /,
    );
    expect(errorOf(() => validateSpec(specWith('lif', { params: { receptors: { e: { kind: 'current', tau: 5, eRev: 0 } as never } } }))).message).toMatch(
      /^populations\.P\.params\.receptors\.e\.eRev: unknown key/,
    );
  });

  it('host constants are evaluated in double precision', async () => {
    const { evaluateF64 } = await import('../../src/equations/evaluate.ts');
    const values: Record<string, number> = { dt: 0.1, tau: 20 };
    expect(evaluateF64(parseExpression('exp(-dt/tau)'), (n) => values[n])).toBe(Math.exp(-0.1 / 20));
    expect(evaluateF64(parseExpression('clip(dt*pi, 0, 1) + (tau > 10)'), (n) => values[n])).toBe(0.1 * Math.PI + 1);
  });
});
