import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/compile/compile.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import { SpecError } from '../../src/netspec/errors.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON documents the tests break on purpose, key by key
type Doc = any;

/** A valid document touching every part of the spec: each invalid case breaks one thing. */
function base(): Doc {
  return {
    version: 1,
    name: 'test',
    dt: 0.1,
    seed: 3,
    populations: {
      E: {
        size: 10,
        model: 'lif',
        params: {
          tauM: 20,
          vRest: -65,
          vThresh: -50,
          receptors: {
            exc: { kind: 'current', tau: 5 },
            inh: { kind: 'conductance', tau: 10, eRev: -80 },
            d: { kind: 'delta' },
          },
        },
        init: { v: { uniform: [-65, -55] } },
        iExt: 1,
        noise: { sd: 1 },
        poissonInput: [{ count: 10, rate: 5, weight: 0.5, receptor: 'exc' }],
      },
      P: { size: 4, model: 'poisson', params: { rate: 10 } },
      S: { size: 3, model: 'spikeSource', times: [1, 2], ids: [0, 2] },
    },
    projections: [{ pre: 'P', post: 'E', connect: { rule: 'fixedProbability', p: 0.5 }, weight: 1, delay: 1, receptor: 'exc' }],
    record: { spikes: ['E', { pop: 'P', ids: [0, 1] }] },
  };
}

/** base() with projection 0 replaced by `patch` merged over it. */
function withProjection(patch: Doc): Doc {
  const d = base();
  d.projections[0] = { ...d.projections[0], ...patch };
  return d;
}

function specError(f: () => unknown): SpecError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('expected a SpecError, nothing was thrown');
}

const MODELS = 'expected one of: lif, adaptiveLif, izhikevich, adex, poisson, spikeSource';
const RULES = 'expected one of: allToAll, oneToOne, fixedProbability, fixedInDegree, fixedOutDegree, fixedTotal, list';
const KINDS = 'expected one of: delta, pulse, current, conductance';

describe('built-in networks', () => {
  const cases: [string, Record<string, string | number>][] = [
    ['cuba', {}],
    ['cuba', { n: 400 }],
    ['coba', {}],
    ['coba', { n: 400 }],
    ['izhikevich2003', {}],
    ['izhikevich2003', { n: 100, seed: 7 }],
    ...['A', 'B', 'C', 'D'].flatMap((regime): [string, Record<string, string | number>][] => [
      ['brunel', { regime }],
      ['brunel', { regime, connect: 'fixedProbability' }],
      ['brunel', { regime, n: 1250, connect: 'fixedInDegree' }],
    ]),
  ];
  it.each(cases)('%s %j validates', (name, opts) => {
    const spec = builtinNetwork(name, opts);
    expect(validateSpec(spec)).toBe(spec);
    // A JSON round trip (what `export` prints and `run file.json` reads) validates too.
    expect(() => validateSpec(JSON.parse(JSON.stringify(spec)))).not.toThrow();
  });

  it('brunel regimes differ in g and drive, and connect picks the rule', () => {
    const a = builtinNetwork('brunel', { regime: 'A' }),
      b = builtinNetwork('brunel', { regime: 'B' });
    expect(a.name).toBe('brunel-A');
    expect(a.projections![2].weight).toBeCloseTo(-0.3, 12); // I→E: −g·J, g = 3
    expect(b.projections![2].weight).toBeCloseTo(-0.6, 12); // g = 6
    expect(b.populations.E.poissonInput![0].rate).toBeCloseTo(2 * a.populations.E.poissonInput![0].rate, 9);
    expect(a.projections![0].connect).toEqual({ rule: 'fixedInDegree', k: 1000, allowMultiple: false });
    const fp = builtinNetwork('brunel', { regime: 'C', connect: 'fixedProbability' });
    expect(fp.projections![0].connect).toEqual({ rule: 'fixedProbability', p: 0.1 });
  });

  it('small built-ins compile', () => {
    for (const [name, opts] of [
      ['cuba', { n: 200 }],
      ['coba', { n: 200 }],
      ['izhikevich2003', { n: 50 }],
    ] as const) {
      const net = compileNetwork(builtinNetwork(name, opts));
      expect(net.neuronCount).toBe(opts.n);
      expect(net.populations.map((p) => p.name)).toEqual(['E', 'I']);
    }
  });

  it('bad options are SpecErrors naming the option', () => {
    expect(specError(() => builtinNetwork('cubaa')).message).toBe(
      'unknown network "cubaa" (did you mean "cuba"?); expected one of: cuba, coba, brunel, izhikevich2003, song2000, polychronization, microcircuit, adexPatterns, izhikevich2007',
    );
    expect(specError(() => builtinNetwork('cuba', { bogus: 1 })).message).toBe('--set bogus: network cuba has no option "bogus"; expected one of: n');
    expect(specError(() => builtinNetwork('cuba', { n: 10 })).message).toBe('--set n: must be ≥ 80, got 10');
    expect(specError(() => builtinNetwork('cuba', { n: 'many' })).message).toBe('--set n: must be a number, got "many"');
    expect(specError(() => builtinNetwork('brunel', { regime: 'E' })).message).toBe('--set regime: must be one of A, B, C, D; got "E"');
  });
});

describe('validateSpec accepts', () => {
  it('the base document and returns it unchanged', () => {
    const d = base();
    expect(validateSpec(d)).toBe(d);
    expect(d).toEqual(base());
  });

  it('every connect rule and value form', () => {
    const rules = [
      { rule: 'allToAll' },
      { rule: 'allToAll', allowSelf: false },
      { rule: 'fixedInDegree', k: 4, allowMultiple: false },
      { rule: 'fixedInDegree', k: 40 },
      { rule: 'fixedOutDegree', k: 10, allowMultiple: false, allowSelf: true },
      { rule: 'fixedTotal', n: 40, allowMultiple: false },
      { rule: 'list', pre: [0, 3], post: [9, 0] },
      { rule: 'fixedProbability', p: 1 },
      { rule: 'fixedProbability', p: 0 },
    ];
    for (const connect of rules) expect(() => validateSpec(withProjection({ connect }))).not.toThrow();
    for (const weight of [2, [1, 2, 3], { uniform: [0, 1] }, { normal: [1, 0.5] }, { normal: [1, 0.5], clip: [0, 2] }])
      expect(() => validateSpec(withProjection({ weight }))).not.toThrow();
    const d = base();
    d.projections.push({ pre: 'E', post: 'E', connect: { rule: 'oneToOne' }, weight: 0.5, receptor: 'inh', delay: 0 });
    d.record.state = [{ pop: 'E', var: 'v', ids: [0, 9], every: 0.5 }];
    d.projections[0].plasticity = {
      rule: 'stdp',
      tauPlus: 20,
      tauMinus: 20,
      aPlus: 0.01,
      aMinus: 0.012,
      wMin: 0,
      wMax: 2,
      mode: 'multiplicative',
      pairing: 'nearest',
    };
    expect(() => validateSpec(d)).not.toThrow();
  });
});

describe('validateSpec rejects, naming the path', () => {
  it('__proto__ is refused as a population or projection name (results could not carry it)', () => {
    const doc = JSON.parse('{"version":1,"dt":0.1,"populations":{"__proto__":{"size":1,"model":"lif"}}}');
    expect(specError(() => validateSpec(doc)).message).toBe(
      'populations.__proto__: "__proto__" is reserved (results are JavaScript objects keyed by name); rename the population',
    );
    const lif = { size: 2, model: 'lif', params: { receptors: { r: { kind: 'delta' } } } };
    const pr = { name: '__proto__', pre: 'A', post: 'A', connect: { rule: 'oneToOne' }, weight: 1, receptor: 'r' };
    expect(specError(() => validateSpec({ version: 1, dt: 0.1, populations: { A: lif }, projections: [pr] })).message).toBe(
      'projections[0].name: "__proto__" is reserved (results are JavaScript objects keyed by name); rename the projection',
    );
  });

  it('a pasted megabyte key is shortened in the message and not searched for a near match', () => {
    const key = 'x'.repeat(5_000_000);
    const err = specError(() => validateSpec({ version: 1, dt: 0.1, populations: {}, [key]: 1 }));
    expect(err.message).toBe(`["${'x'.repeat(40)}… (5000000 characters)"]: unknown key; expected one of: ${err.message.split('expected one of: ')[1]}`);
    expect(err.message.length).toBeLessThan(300);
    const pop = specError(() =>
      validateSpec({
        version: 1,
        dt: 0.1,
        populations: { A: { size: 1, model: 'lif' } },
        projections: [{ pre: key, post: 'A', connect: { rule: 'oneToOne' }, weight: 1, receptor: 'r' }],
      }),
    );
    expect(pop.message.length).toBeLessThan(300);
  });

  const cases: [string, () => Doc, string][] = [
    ['wrong version', () => ({ ...base(), version: 2 }), 'version: must be 1 (this is spec v1), got 2'],
    [
      'missing version',
      () => {
        const d = base();
        delete d.version;
        return d;
      },
      'version: must be 1 (this is spec v1), got undefined',
    ],
    ['dt = 0', () => ({ ...base(), dt: 0 }), 'dt: must be > 0, got 0'],
    ['dt < 0', () => ({ ...base(), dt: -0.1 }), 'dt: must be > 0, got -0.1'],
    ['dt a string', () => ({ ...base(), dt: '0.1' }), 'dt: must be a finite number, got "0.1"'],
    ['dt too large', () => ({ ...base(), dt: 11 }), 'dt: must be ≤ 10, got 11'],
    ['seed not an integer', () => ({ ...base(), seed: 1.5 }), 'seed: must be an integer, got 1.5'],
    [
      'misspelt top-level key',
      () => {
        const d = base();
        d.projection = d.projections;
        delete d.projections;
        return d;
      },
      'projection: unknown key (did you mean "projections"?); expected one of: version, name, dt, seed, populations, projections, record',
    ],
    [
      'missing populations',
      () => {
        const d = base();
        delete d.populations;
        delete d.projections;
        delete d.record;
        return d;
      },
      'populations: must be an object, got undefined',
    ],
    ['empty populations', () => ({ version: 1, dt: 0.1, populations: {} }), 'populations: must define at least one population'],
    [
      'population an array',
      () => {
        const d = base();
        d.populations.E = [];
        return d;
      },
      'populations.E: must be an object, got an array',
    ],
    [
      'size 0',
      () => {
        const d = base();
        d.populations.E.size = 0;
        return d;
      },
      'populations.E.size: must be ≥ 1, got 0',
    ],
    [
      'size not an integer',
      () => {
        const d = base();
        d.populations.E.size = 2.5;
        return d;
      },
      'populations.E.size: must be an integer, got 2.5',
    ],
    [
      'quoted path for odd names',
      () => ({ version: 1, dt: 0.1, populations: { 'L2/3 E': { size: 0, model: 'lif' } } }),
      'populations["L2/3 E"].size: must be ≥ 1, got 0',
    ],
    [
      'unknown model with suggestion',
      () => {
        const d = base();
        d.populations.E.model = 'lfi';
        return d;
      },
      `populations.E.model: unknown model "lfi" (did you mean "lif"?); ${MODELS}`,
    ],
    [
      'unknown model, long name',
      () => {
        const d = base();
        d.populations.E.model = 'izhikevitch';
        return d;
      },
      `populations.E.model: unknown model "izhikevitch" (did you mean "izhikevich"?); ${MODELS}`,
    ],
    [
      'model not a string',
      () => {
        const d = base();
        d.populations.E.model = 3;
        return d;
      },
      `populations.E.model: must be a model name or a model given by its equations, {equations, threshold, reset}; ${MODELS}`,
    ],
    [
      'misspelt param key (case)',
      () => {
        const d = base();
        d.populations.E.params.taum = 10;
        return d;
      },
      'populations.E.params.taum: unknown key (did you mean "tauM"?); expected one of: tauM, vRest, vThresh, vReset, tRef, receptors',
    ],
    [
      'misspelt param key (longer)',
      () => {
        const d = base();
        d.populations.E.params.vThreshold = -50;
        return d;
      },
      'populations.E.params.vThreshold: unknown key (did you mean "vThresh"?); expected one of: tauM, vRest, vThresh, vReset, tRef, receptors',
    ],
    [
      'param array of wrong length',
      () => {
        const d = base();
        d.populations.E.params.vRest = [-65, -65];
        return d;
      },
      'populations.E.params.vRest: has 2 values, expected 10 (one per element)',
    ],
    [
      'init array with a string in it',
      () => {
        const d = base();
        d.populations.E.init.v = [-65, 'x'];
        return d;
      },
      'populations.E.init.v[1]: must be a finite number, got "x"',
    ],
    [
      'unknown distribution',
      () => {
        const d = base();
        d.populations.E.init.v = { gauss: [0, 1] };
        return d;
      },
      'populations.E.init.v: must be a number, an array, {"uniform": [lo, hi]} or {"normal": [mean, sd], "clip"?: [lo, hi]}; got an object',
    ],
    [
      'uniform low > high',
      () => {
        const d = base();
        d.populations.E.init.v = { uniform: [5, 1] };
        return d;
      },
      'populations.E.init.v.uniform: low must be ≤ high, got [5, 1]',
    ],
    [
      'uniform with three numbers',
      () => {
        const d = base();
        d.populations.E.init.v = { uniform: [1, 2, 3] };
        return d;
      },
      'populations.E.init.v.uniform: must be [low, high], got 3 numbers',
    ],
    [
      'normal with negative sd',
      () => {
        const d = base();
        d.populations.E.init.v = { normal: [-60, -1] };
        return d;
      },
      'populations.E.init.v.normal: sd must be ≥ 0, got -1',
    ],
    [
      'normal with one number',
      () => {
        const d = base();
        d.populations.E.init.v = { normal: [-60] };
        return d;
      },
      'populations.E.init.v.normal: must be [mean, sd]',
    ],
    [
      'normal with an empty clip',
      () => {
        const d = base();
        d.populations.E.init.v = { normal: [-60, 1], clip: [-55, -55] };
        return d;
      },
      'populations.E.init.v.clip: low and high must differ',
    ],
    [
      'distribution with an extra key',
      () => {
        const d = base();
        d.populations.E.init.v = { uniform: [0, 1], clip: [0, 1] };
        return d;
      },
      'populations.E.init.v.clip: unknown key; expected one of: uniform',
    ],
    [
      'init of an internal variable',
      () => {
        const d = base();
        d.populations.E.init.refractory = 0;
        return d;
      },
      'populations.E.init.refractory: unknown key; expected one of: v',
    ],
    [
      'receptor with unknown kind',
      () => {
        const d = base();
        d.populations.E.params.receptors.exc.kind = 'exponential';
        return d;
      },
      `populations.E.params.receptors.exc.kind: unknown receptor kind "exponential"; ${KINDS}`,
    ],
    [
      'receptor with misspelt kind',
      () => {
        const d = base();
        d.populations.E.params.receptors.exc.kind = 'curent';
        return d;
      },
      `populations.E.params.receptors.exc.kind: unknown receptor kind "curent" (did you mean "current"?); ${KINDS}`,
    ],
    [
      'receptor without kind',
      () => {
        const d = base();
        d.populations.E.params.receptors.exc = { tau: 5 };
        return d;
      },
      `populations.E.params.receptors.exc.kind: unknown receptor kind undefined; ${KINDS}`,
    ],
    [
      'conductance without eRev',
      () => {
        const d = base();
        delete d.populations.E.params.receptors.inh.eRev;
        return d;
      },
      'populations.E.params.receptors.inh.eRev: must be a finite number, got undefined',
    ],
    [
      'current with tau 0',
      () => {
        const d = base();
        d.populations.E.params.receptors.exc.tau = 0;
        return d;
      },
      'populations.E.params.receptors.exc.tau: must be > 0, got 0',
    ],
    [
      'delta with a tau',
      () => {
        const d = base();
        d.populations.E.params.receptors.d.tau = 5;
        return d;
      },
      'populations.E.params.receptors.d.tau: unknown key; expected one of: kind',
    ],
    [
      'noise sd < 0',
      () => {
        const d = base();
        d.populations.E.noise.sd = -1;
        return d;
      },
      'populations.E.noise.sd: must be ≥ 0, got -1',
    ],
    [
      'poissonInput not an array',
      () => {
        const d = base();
        d.populations.E.poissonInput = { count: 1 };
        return d;
      },
      'populations.E.poissonInput: must be an array of {count, rate, weight, receptor}',
    ],
    [
      'poissonInput naming a missing receptor',
      () => {
        const d = base();
        d.populations.E.poissonInput[0].receptor = 'ex';
        return d;
      },
      'populations.E.poissonInput[0].receptor: population E has no receptor "ex" (did you mean "exc"?); expected one of: exc, inh, d',
    ],
    [
      'poissonInput count not an integer',
      () => {
        const d = base();
        d.populations.E.poissonInput[0].count = 1.5;
        return d;
      },
      'populations.E.poissonInput[0].count: must be an integer, got 1.5',
    ],
    [
      'poisson without rate',
      () => {
        const d = base();
        delete d.populations.P.params;
        return d;
      },
      'populations.P.params.rate: is required for model poisson (firing rate, Hz), or give the population a rateTable',
    ],
    [
      'poisson with receptors',
      () => {
        const d = base();
        d.populations.P.params.receptors = {};
        return d;
      },
      'populations.P.params.receptors: unknown key; expected one of: rate',
    ],
    [
      'spikeSource ids out of range',
      () => {
        const d = base();
        d.populations.S.ids = [0, 3];
        return d;
      },
      'populations.S.ids[1]: must be ≤ 2, got 3',
    ],
    [
      'spikeSource negative id',
      () => {
        const d = base();
        d.populations.S.ids = [-1, 0];
        return d;
      },
      'populations.S.ids[0]: must be ≥ 0, got -1',
    ],
    [
      'spikeSource negative time',
      () => {
        const d = base();
        d.populations.S.times = [-1, 2];
        return d;
      },
      'populations.S.times[0]: must be ≥ 0, got -1',
    ],
    [
      'spikeSource times/ids mismatch',
      () => {
        const d = base();
        d.populations.S.ids = [0];
        return d;
      },
      'populations.S.ids: has 1 entries but times has 2; they pair up',
    ],
    ['projections not an array', () => ({ ...base(), projections: {} }), 'projections: must be an array'],
    [
      'projection to unknown population',
      () => withProjection({ post: 'Exc' }),
      'projections[0].post: unknown population "Exc" (did you mean "E"?); expected one of: E, P, S',
    ],
    ['projection from unknown population', () => withProjection({ pre: 'Inh' }), 'projections[0].pre: unknown population "Inh"; expected one of: E, P, S'],
    ['projection onto a poisson source', () => withProjection({ post: 'P' }), 'projections[0].post: population P is a poisson source and takes no input'],
    ['projection onto a spike source', () => withProjection({ post: 'S' }), 'projections[0].post: population S is a spikeSource source and takes no input'],
    [
      'projection to a missing receptor',
      () => withProjection({ receptor: 'nmda' }),
      'projections[0].receptor: population E has no receptor "nmda"; expected one of: exc, inh, d',
    ],
    [
      'projection onto a population without receptors',
      () => {
        const d = base();
        delete d.populations.E.params.receptors;
        delete d.populations.E.poissonInput;
        return d;
      },
      'projections[0].receptor: population E has no receptor "exc" (it declares none: add params.receptors)',
    ],
    [
      'unknown projection key',
      () => withProjection({ delays: 1 }),
      'projections[0].delays: unknown key (did you mean "delay"?); expected one of: name, pre, post, connect, weight, delay, receptor, plasticity, storage',
    ],
    [
      'unknown connect rule',
      () => withProjection({ connect: { rule: 'fixedProb', p: 0.1 } }),
      `projections[0].connect.rule: unknown rule "fixedProb"; ${RULES}`,
    ],
    [
      'connect rule in the wrong case',
      () => withProjection({ connect: { rule: 'alltoall' } }),
      `projections[0].connect.rule: unknown rule "alltoall" (did you mean "allToAll"?); ${RULES}`,
    ],
    ['p > 1', () => withProjection({ connect: { rule: 'fixedProbability', p: 1.5 } }), 'projections[0].connect.p: must be ≤ 1, got 1.5'],
    ['p < 0', () => withProjection({ connect: { rule: 'fixedProbability', p: -0.1 } }), 'projections[0].connect.p: must be ≥ 0, got -0.1'],
    ['p missing', () => withProjection({ connect: { rule: 'fixedProbability' } }), 'projections[0].connect.p: must be a finite number, got undefined'],
    [
      'key of another rule',
      () => withProjection({ connect: { rule: 'fixedProbability', p: 0.1, k: 3 } }),
      'projections[0].connect.k: unknown key (did you mean "p"?); expected one of: rule, p, allowSelf',
    ],
    [
      'allowSelf not a boolean',
      () => withProjection({ connect: { rule: 'allToAll', allowSelf: 'no' } }),
      'projections[0].connect.allowSelf: must be true or false',
    ],
    [
      'list pre/post length mismatch',
      () => withProjection({ connect: { rule: 'list', pre: [0, 1], post: [5] } }),
      'projections[0].connect.post: has 1 entries but pre has 2; they pair up',
    ],
    [
      'list index out of range',
      () => withProjection({ connect: { rule: 'list', pre: [0, 4], post: [5, 5] } }),
      'projections[0].connect.pre[1]: must be ≤ 3, got 4',
    ],
    [
      'oneToOne size mismatch',
      () => withProjection({ connect: { rule: 'oneToOne' } }),
      'projections[0].connect: oneToOne needs equal sizes, but P has 4 and E has 10',
    ],
    [
      'fixedInDegree k > pre size, allowMultiple false',
      () => withProjection({ connect: { rule: 'fixedInDegree', k: 5, allowMultiple: false } }),
      'projections[0].connect.k: is 5 but P has only 4 neurons and allowMultiple is false',
    ],
    [
      'fixedInDegree k not an integer',
      () => withProjection({ connect: { rule: 'fixedInDegree', k: 2.5 } }),
      'projections[0].connect.k: must be an integer, got 2.5',
    ],
    [
      'fixedOutDegree k > post size, allowMultiple false',
      () => withProjection({ connect: { rule: 'fixedOutDegree', k: 11, allowMultiple: false } }),
      'projections[0].connect.k: is 11 but E has only 10 neurons and allowMultiple is false',
    ],
    [
      'fixedTotal n > pairs, allowMultiple false',
      () => withProjection({ connect: { rule: 'fixedTotal', n: 41, allowMultiple: false } }),
      'projections[0].connect.n: is 41 but there are only 40 possible pairs and allowMultiple is false',
    ],
    [
      'fixedTotal n > pairs without self-connections',
      () => ({
        ...base(),
        projections: [{ pre: 'E', post: 'E', connect: { rule: 'fixedTotal', n: 91, allowSelf: false, allowMultiple: false }, weight: 1, receptor: 'exc' }],
      }),
      'projections[0].connect.n: is 91 but there are only 90 possible pairs and allowMultiple is false',
    ],
    [
      'fixedTotal on one neuron without self-connections',
      () => ({
        ...base(),
        populations: { ...base().populations, E: { ...base().populations.E, size: 1, init: {} } },
        projections: [{ pre: 'E', post: 'E', connect: { rule: 'fixedTotal', n: 1, allowSelf: false }, weight: 1, receptor: 'exc' }],
        record: {},
      }),
      'projections[0].connect.n: is 1 but there is no possible pair (allowSelf is false and the population has one neuron)',
    ],
    [
      'population named like an Object.prototype member',
      () => withProjection({ pre: 'constructor' }),
      'projections[0].pre: unknown population "constructor"; expected one of: E, P, S',
    ],
    ['projection onto "toString"', () => withProjection({ post: 'toString' }), 'projections[0].post: unknown population "toString"; expected one of: E, P, S'],
    [
      'model named like an Object.prototype member',
      () => ({ ...base(), populations: { ...base().populations, P: { size: 4, model: 'constructor' } } }),
      `populations.P.model: unknown model "constructor"; ${MODELS}`,
    ],
    [
      'record of "constructor"',
      () => ({ ...base(), record: { spikes: ['constructor'] } }),
      'record.spikes[0]: unknown population "constructor"; expected one of: E, P, S',
    ],
    [
      'state of "constructor"',
      () => ({ ...base(), record: { state: [{ pop: 'constructor', var: 'v' }] } }),
      'record.state[0].pop: unknown population "constructor"; expected one of: E, P, S',
    ],
    [
      'tauM ≤ 0',
      () => ({ ...base(), populations: { ...base().populations, E: { ...base().populations.E, params: { ...base().populations.E.params, tauM: 0 } } } }),
      'populations.E.params.tauM: must be > 0, got 0',
    ],
    [
      'negative tRef in an array',
      () => ({
        ...base(),
        populations: {
          ...base().populations,
          E: { ...base().populations.E, params: { ...base().populations.E.params, tRef: [1, 1, 1, -1, 1, 1, 1, 1, 1, 1] } },
        },
      }),
      'populations.E.params.tRef[3]: must be ≥ 0, got -1',
    ],
    [
      'negative rate bound',
      () => ({ ...base(), populations: { ...base().populations, P: { size: 4, model: 'poisson', params: { rate: { uniform: [-5, 5] } } } } }),
      'populations.P.params.rate.uniform: must be ≥ 0, got -5',
    ],
    [
      'substeps not an integer',
      () => ({ ...base(), populations: { ...base().populations, Z: { size: 2, model: 'izhikevich', params: { substeps: 1.5 } } } }),
      'populations.Z.params.substeps: must be an integer, got 1.5',
    ],
    [
      'substeps 0',
      () => ({ ...base(), populations: { ...base().populations, Z: { size: 2, model: 'izhikevich', params: { substeps: 0 } } } }),
      'populations.Z.params.substeps: must be ≥ 1, got 0',
    ],
    [
      'poissonInput on a population without receptors',
      () => ({
        ...base(),
        populations: { ...base().populations, Z: { size: 2, model: 'izhikevich', poissonInput: [{ count: 1, rate: 1, weight: 1, receptor: 'x' }] } },
      }),
      'populations.Z.poissonInput[0].receptor: population Z has no receptor "x" (it declares none: add params.receptors)',
    ],
    ['negative conductance weight', () => withProjection({ receptor: 'inh', weight: -1 }), 'projections[0].weight: must be ≥ 0, got -1'],
    ['negative conductance weight in an array', () => withProjection({ receptor: 'inh', weight: [1, -2] }), 'projections[0].weight[1]: must be ≥ 0, got -2'],
    ['negative delay', () => withProjection({ delay: -1 }), 'projections[0].delay: must be ≥ 0, got -1'],
    [
      'weight missing',
      () => withProjection({ weight: undefined }),
      'projections[0].weight: must be a number, an array, {"uniform": [lo, hi]} or {"normal": [mean, sd], "clip"?: [lo, hi]}; got undefined',
    ],
    [
      'plasticity with wMin > wMax',
      () => withProjection({ plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.01, wMin: 5, wMax: 1 } }),
      'projections[0].plasticity.wMax: must be ≥ wMin (5)',
    ],
    [
      'plasticity with unknown rule',
      () => withProjection({ plasticity: { rule: 'hebb' } }),
      'projections[0].plasticity.rule: unknown rule "hebb"; expected one of: stdp, triplet, rstdp',
    ],
    [
      'plasticity with tauPlus 0',
      () => withProjection({ plasticity: { rule: 'stdp', tauPlus: 0, tauMinus: 20, aPlus: 0.01, aMinus: 0.01, wMin: 0, wMax: 1 } }),
      'projections[0].plasticity.tauPlus: must be > 0, got 0',
    ],
    [
      'plasticity with unknown mode',
      () => withProjection({ plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.01, wMin: 0, wMax: 1, mode: 'mult' } }),
      'projections[0].plasticity.mode: must be "additive" or "multiplicative"',
    ],
    [
      'record of unknown population',
      () => ({ ...base(), record: { spikes: ['E', 'Inh'] } }),
      'record.spikes[1]: unknown population "Inh"; expected one of: E, P, S',
    ],
    ['record ids out of range', () => ({ ...base(), record: { spikes: [{ pop: 'P', ids: [4] }] } }), 'record.spikes[0].ids[0]: must be ≤ 3, got 4'],
    ['record spikes not an array', () => ({ ...base(), record: { spikes: 'E' } }), 'record.spikes: must be an array of population names or {pop, ids}'],
    [
      'state var that does not exist',
      () => ({ ...base(), record: { state: [{ pop: 'E', var: 'u' }] } }),
      'record.state[0].var: model lif has no state variable "u" (did you mean "v"?); expected one of: v',
    ],
    [
      'state var that is internal',
      () => ({ ...base(), record: { state: [{ pop: 'E', var: 'refractory' }] } }),
      'record.state[0].var: model lif has no state variable "refractory"; expected one of: v',
    ],
    [
      'state var of a model without state',
      () => ({ ...base(), record: { state: [{ pop: 'P', var: 'v' }] } }),
      'record.state[0].var: model poisson has no state variable "v"',
    ],
    ['state every < dt', () => ({ ...base(), record: { state: [{ pop: 'E', var: 'v', every: 0.05 }] } }), 'record.state[0].every: must be ≥ 0.1, got 0.05'],
    [
      'plasticity with negative aMinus',
      () => withProjection({ plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: -0.01, wMin: 0, wMax: 1 } }),
      'projections[0].plasticity.aMinus: must be ≥ 0, got -0.01',
    ],
    [
      'plastic conductance with wMin < 0',
      () => withProjection({ receptor: 'inh', plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.01, wMin: -1, wMax: 1 } }),
      'projections[0].plasticity.wMin: must be ≥ 0: receptor inh is a conductance',
    ],
    [
      'a name reserved for unnamed projections',
      () => withProjection({ name: 'projections[3]' }),
      'projections[0].name: "projections[3]" is reserved: it names an unnamed projection',
    ],
    [
      'two projections with one name',
      () => {
        const d = base();
        d.projections[0].name = 'a';
        d.projections.push({ ...d.projections[0] });
        return d;
      },
      'projections[1].name: "a" is already the name of projections[0]',
    ],
    [
      'weights record of a static projection',
      () => ({ ...base(), record: { weights: [{ projection: 'projections[0]', every: 10 }] } }),
      'record.weights[0].projection: no plastic projection named "projections[0]" (the network has none)',
    ],
    [
      'weights record misspelt',
      () => {
        const d = withProjection({ name: 'ff', plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.01, wMin: 0, wMax: 2 } });
        d.record.weights = [{ projection: 'f', every: 10 }];
        return d;
      },
      'record.weights[0].projection: no plastic projection named "f" (did you mean "ff"?); expected one of: ff',
    ],
    [
      'weights record without every',
      () => {
        const d = withProjection({ name: 'ff', plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.01, wMin: 0, wMax: 2 } });
        d.record.weights = [{ projection: 'ff' }];
        return d;
      },
      'record.weights[0].every: must be a finite number, got undefined',
    ],
  ];

  it(`has at least 25 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(25));

  it.each(cases)('%s', (_label, make, message) => {
    const doc = make();
    const err = specError(() => validateSpec(doc));
    expect(err.message).toBe(message);
    expect(`${err.path ? `${err.path}: ` : ''}${err.problem}`).toBe(message);
    expect(err.name).toBe('SpecError');
    // compileNetwork validates first: the same error, nothing allocated.
    expect(specError(() => compileNetwork(doc)).message).toBe(message);
  });
});

describe('garbage input gives a SpecError, never a TypeError', () => {
  const cases: [string, unknown, string][] = [
    ['null', null, 'must be an object, got null'],
    ['an array', [], 'must be an object, got an array'],
    ['a string', 'x', 'must be an object, got "x"'],
    ['a number', 42, 'must be an object, got 42'],
    ['undefined', undefined, 'must be an object, got undefined'],
    ['populations: 3 (no version)', { populations: 3 }, 'version: must be 1 (this is spec v1), got undefined'],
    ['populations: 3', { version: 1, dt: 0.1, populations: 3 }, 'populations: must be an object, got 3'],
    ['a null population', { version: 1, dt: 0.1, populations: { E: null } }, 'populations.E: must be an object, got null'],
    ['a population without size', { version: 1, dt: 0.1, populations: { E: {} } }, 'populations.E.size: must be a finite number, got undefined'],
    [
      'params an array',
      { version: 1, dt: 0.1, populations: { E: { size: 1, model: 'lif', params: [] } } },
      'populations.E.params: must be an object, got an array',
    ],
    [
      'receptors a string',
      { version: 1, dt: 0.1, populations: { E: { size: 1, model: 'lif', params: { receptors: 'exc' } } } },
      'populations.E.params.receptors: must be an object, got "exc"',
    ],
    [
      'a receptor that is null',
      { version: 1, dt: 0.1, populations: { E: { size: 1, model: 'lif', params: { receptors: { exc: null } } } } },
      'populations.E.params.receptors.exc: must be an object, got null',
    ],
    [
      'a projection that is a number',
      { version: 1, dt: 0.1, populations: { E: { size: 1, model: 'lif' } }, projections: [1] },
      'projections[0]: must be an object, got 1',
    ],
    [
      'connect missing',
      {
        version: 1,
        dt: 0.1,
        populations: { E: { size: 1, model: 'lif', params: { receptors: { x: { kind: 'delta' } } } } },
        projections: [{ pre: 'E', post: 'E', weight: 1, receptor: 'x' }],
      },
      'projections[0].connect: must be an object, got undefined',
    ],
    ['record a string', { version: 1, dt: 0.1, populations: { E: { size: 1, model: 'lif' } }, record: 'E' }, 'record: must be an object, got "E"'],
    [
      'a state record that is null',
      { version: 1, dt: 0.1, populations: { E: { size: 1, model: 'lif' } }, record: { state: [null] } },
      'record.state[0]: must be an object, got null',
    ],
  ];
  it.each(cases)('%s', (_label, doc, message) => {
    expect(specError(() => validateSpec(doc)).message).toBe(message);
    expect(specError(() => compileNetwork(doc)).message).toBe(message);
  });
});

describe('compileNetwork adds errors that need the expanded network', () => {
  it('rejects initial plastic weights outside [wMin, wMax]', () => {
    const p = withProjection({
      weight: { uniform: [0, 3] },
      plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.01, wMin: 0, wMax: 2 },
    });
    expect(specError(() => compileNetwork(p)).message).toBe('projections[0].weight: initial weights of a plastic projection must lie in [wMin, wMax] = [0, 2]');
  });

  it('rejects a per-synapse weight array of the wrong length', () => {
    const d = withProjection({ connect: { rule: 'list', pre: [0, 1, 2], post: [0, 1, 2] }, weight: [1, 2] });
    expect(specError(() => compileNetwork(d)).message).toBe('projections[0].weight: has 2 values, expected 3 (one per synapse)');
    const ok = withProjection({ connect: { rule: 'list', pre: [0, 1, 2], post: [0, 1, 2] }, weight: [1, 2, 3], delay: [0.1, 0.2, 0.3] });
    expect(compileNetwork(ok).synapseCount).toBe(3);
  });

  it('rejects a conductance weight distribution that can draw negative values', () => {
    const d = withProjection({ receptor: 'inh', connect: { rule: 'allToAll' }, weight: { normal: [0.1, 1] } });
    expect(specError(() => compileNetwork(d)).message).toBe(
      'projections[0].weight: conductance weights must be ≥ 0 (the distribution can produce negative values: clip it at 0)',
    );
    const clipped = withProjection({ receptor: 'inh', connect: { rule: 'allToAll' }, weight: { normal: [0.1, 1], clip: [0, 5] } });
    expect(compileNetwork(clipped).synapseCount).toBe(40);
  });

  it('turns an impossible draw into a SpecError at the connect path', () => {
    const d = base();
    d.projections = [{ pre: 'E', post: 'E', connect: { rule: 'fixedInDegree', k: 10, allowSelf: false, allowMultiple: false }, weight: 1, receptor: 'exc' }];
    expect(specError(() => compileNetwork(d)).message).toBe('projections[0].connect: cannot draw 10 distinct partners from 9');
  });
});
