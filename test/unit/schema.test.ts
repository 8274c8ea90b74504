/**
 * schema/spec-v1.json (the JSON Schema editors use) against the models registry, the built-in
 * networks and `validateSpec` (the authority at run time). The schema is written by hand; these
 * tests are what keep it from drifting: a model or plasticity-rule parameter added, renamed,
 * re-documented or given a new range fails here until the schema says the same.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { METHODS } from '../../src/models/equationModel.ts';
import { models, plasticityRules } from '../../src/models/index.ts';
import type { ValueRange } from '../../src/models/model.ts';
import { builtinNetwork, builtinNetworks } from '../../src/networks/index.ts';
import { SpecError } from '../../src/netspec/errors.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON documents the tests break on purpose, key by key
type Doc = any;

const SCHEMA_URL = new URL('../../schema/spec-v1.json', import.meta.url);
const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8'));
const definitions: Record<string, Doc> = schema.definitions;

// strict: unknown keywords, ignored keywords, untyped constraints and loose tuples are errors.
const ajv = new Ajv({ strict: true, allErrors: true });
const validateWithSchema: ValidateFunction = ajv.compile(schema);

function schemaAccepts(doc: unknown): boolean {
  // Through JSON, as an editor sees the document (`undefined` members disappear).
  return validateWithSchema(JSON.parse(JSON.stringify(doc))) as boolean;
}

function validatorAccepts(doc: unknown): boolean {
  try {
    validateSpec(doc);
    return true;
  } catch (e) {
    if (e instanceof SpecError) return false;
    throw e;
  }
}

function expectSchemaAccepts(doc: unknown, label: string): void {
  expect(schemaAccepts(doc), `${label}: ${ajv.errorsText(validateWithSchema.errors)}`).toBe(true);
}

/** How the schema's descriptions give a unit: `membrane time constant, in ms`. */
const withUnit = (doc: string, unit: string) => (unit === '1' ? `${doc}, dimensionless` : `${doc}, in ${unit}`);
const userStateVars = (modelName: string) =>
  Object.entries(models[modelName].state)
    .filter(([, s]) => !s.internal)
    .map(([k]) => k);
const refName = (x: { $ref?: string; allOf?: { $ref: string }[] }) => (x.$ref ?? x.allOf?.[0].$ref)?.replace('#/definitions/', '');
/** The schema keywords of a plain-number parameter with this range. */
const rangeKeywords = (range: ValueRange = {}) => ({
  type: range.int ? 'integer' : 'number',
  ...(range.min === undefined ? {} : range.exclusiveMin ? { exclusiveMinimum: range.min } : { minimum: range.min }),
  ...(range.max === undefined ? {} : { maximum: range.max }),
});

// Ranges (τ > 0, substeps an integer ≥ 1, ...) are compared by behaviour: each probe value
// of each parameter gets the same verdict from the schema and from validateSpec.
const probes: unknown[] = [
  -1,
  0,
  0.5,
  1,
  2,
  [1, 2],
  [0, 1],
  [-1, 1],
  [1.5, 2],
  [1, 'a'],
  'x',
  null,
  true,
  { uniform: [0, 1] },
  { uniform: [-1, 1] },
  { uniform: [1, 2] },
  { uniform: [0, 1, 2] },
  { uniform: [0, 1], clip: [0, 1] },
  { normal: [0, 1] },
  { normal: [0, -1] },
  { normal: [0] },
  { normal: [1, 1], clip: [0, 2] },
  { normal: [0, 1], clip: [0] },
  { gauss: [0, 1] },
];

/** Receptors, right and wrong, for the same comparison. */
const receptorProbes: unknown[] = [
  { kind: 'delta' },
  { kind: 'pulse' },
  { kind: 'current', tau: 5 },
  { kind: 'conductance', tau: 5, eRev: 0 },
  { kind: 'delta', tau: 5 },
  { kind: 'current' },
  { kind: 'current', tau: 0 },
  { kind: 'conductance', tau: 5 },
  { kind: 'exp', tau: 5 },
  { tau: 5 },
  null,
  'delta',
];

/** Naud et al.'s tonic AdEx cell as a model given by its equations (docs/models.md). */
const ADEX_EQUATIONS = {
  equations: ['dv/dt = (-gL*(v - EL) + gL*DeltaT*exp((v - VT)/DeltaT) - w + I) / C', 'dw/dt = (a*(v - EL) - w) / tauw'],
  threshold: 'v > VT + 5*DeltaT',
  reset: ['v = Vr', 'w = w + b'],
  refractory: 0,
  method: 'euler',
};
const ADEX_PARAMS = { C: 200, gL: 10, EL: -70, VT: -50, DeltaT: 2, a: 2, tauw: 30, b: 0, Vr: -58, I: 500 };

/** An equation model that reads every input, with a refractory period given by a parameter. */
const LEAKY = {
  equations: ['dv/dt = (vRest - v + iExt + Isyn) / tau (unless refractory)'],
  threshold: 'v > vThresh',
  reset: ['v = vRest'],
  refractory: 'tRef',
};
const LEAKY_PARAMS = { tau: 10, vRest: -65, vThresh: -50, tRef: 2 };

/** A document with one population of the AdEx equations; `change` edits it. */
function equationDoc(change: (d: Doc) => void = () => {}): () => Doc {
  return () => {
    const d: Doc = {
      version: 1,
      dt: 0.1,
      populations: { A: { size: 1, model: structuredClone(ADEX_EQUATIONS), params: { ...ADEX_PARAMS }, init: { v: -70, w: 0 } } },
      record: { spikes: ['A'], state: [{ pop: 'A', var: 'w' }] },
    };
    change(d);
    return d;
  };
}

/** A valid document touching every part of the spec (as test/unit/spec.test.ts): each case breaks one thing. */
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
            p: { kind: 'pulse' },
          },
        },
        init: { v: { uniform: [-65, -55] } },
        iExt: 1,
        noise: { sd: 1 },
        poissonInput: [{ count: 10, rate: 5, weight: 0.5, receptor: 'exc' }],
      },
      Z: {
        size: 2,
        model: 'izhikevich',
        params: { a: [0.02, 0.1], substeps: 2, receptors: { syn: { kind: 'pulse' } } },
        init: { v: -65, u: { normal: [-13, 1], clip: [-20, -5] } },
      },
      P: { size: 4, model: 'poisson', params: { rate: 10 } },
      S: { size: 3, model: 'spikeSource', times: [1, 2], ids: [0, 2] },
    },
    projections: [{ pre: 'P', post: 'E', connect: { rule: 'fixedProbability', p: 0.5 }, weight: 1, delay: 1, receptor: 'exc' }],
    record: { spikes: ['E', { pop: 'P', ids: [0, 1] }], state: [{ pop: 'Z', var: 'u', ids: [1], every: 0.5 }] },
  };
}

const STDP = { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.012, wMin: 0, wMax: 2 };

function withProjection(patch: Doc): Doc {
  const d = base();
  d.projections[0] = { ...d.projections[0], ...patch };
  return d;
}

function edit(change: (d: Doc) => void): () => Doc {
  return () => {
    const d = base();
    change(d);
    return d;
  };
}

describe('the schema file', () => {
  it('is a draft-07 schema that ajv compiles in strict mode, with an $id, title and description', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(ajv.validateSchema(schema), ajv.errorsText(ajv.errors)).toBe(true);
    expect(schema.$id).toMatch(/^https:\/\/.+\/spec-v1\.json$/);
    expect(schema.title).toContain('spec v1');
    expect(schema.description).toContain('ms');
  });

  it('is what the package exports as spikegpu/schema/spec-v1.json', () => {
    const resolved = createRequire(import.meta.url).resolve('spikegpu/schema/spec-v1.json');
    expect(readFileSync(resolved, 'utf8')).toBe(readFileSync(SCHEMA_URL, 'utf8'));
  });

  it('describes every property it defines (editors show descriptions on hover)', () => {
    const missing: string[] = [];
    const walk = (node: Doc, path: string): void => {
      if (!node || typeof node !== 'object') return;
      if (node.properties) {
        for (const [k, v] of Object.entries<Doc>(node.properties)) {
          if (!v.description && !v.$ref) missing.push(`${path}.properties.${k}`);
          walk(v, `${path}.properties.${k}`);
        }
      }
      for (const key of ['items', 'additionalProperties', 'not']) if (typeof node[key] === 'object') walk(node[key], `${path}.${key}`);
      for (const key of ['anyOf', 'oneOf', 'allOf']) (node[key] ?? []).forEach((x: Doc, i: number) => walk(x, `${path}.${key}[${i}]`));
    };
    walk(schema, '#');
    for (const [name, def] of Object.entries(definitions)) {
      if (!def.description) missing.push(`#/definitions/${name}`);
      walk(def, `#/definitions/${name}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('the schema agrees with the models registry', () => {
  it('has one population definition per model, and one for models given by their equations', () => {
    expect(definitions.population.oneOf.map(refName)).toEqual([...Object.keys(models).map((m) => `${m}Population`), 'equationPopulation']);
    for (const [name, model] of Object.entries(models)) {
      expect(definitions[`${name}Population`].properties.model.const).toBe(name);
      expect(definitions[`${name}Population`].properties.model.description).toBe(model.doc);
    }
  });

  it.each(Object.keys(models))('%s: parameter names, defaults, required ones, units and docs', (name) => {
    const model = models[name];
    const params = definitions[`${name}Population`].properties.params;
    expect(Object.keys(params.properties)).toEqual([...Object.keys(model.params), ...(model.isSource ? [] : ['receptors'])]);
    // A required parameter that a population key can replace (poisson rate: rateTable) is required in one branch of a oneOf.
    const required = Object.entries(model.params)
      .filter(([, info]) => info.default === undefined && !info.replacedBy)
      .map(([k]) => k);
    expect(params.required ?? []).toEqual(required);
    // A population without `params` is fine unless the model has a required parameter.
    expect(definitions[`${name}Population`].required).toEqual(['size', 'model', ...(required.length ? ['params'] : [])]);
    for (const [k, info] of Object.entries(model.params).filter(([, x]) => x.replacedBy)) {
      const branches = definitions[`${name}Population`].oneOf.map((b: Doc) => [b.required, b.properties.params.required ?? b.properties.params.not.required]);
      expect(branches).toEqual([[['params'], [k]], [[info.replacedBy], [k]], ...(name === 'poisson' ? [[['encoder'], [k]]] : [])]);
    }
    for (const [k, info] of Object.entries(model.params)) {
      const p = params.properties[k];
      expect(p.default, `${name}.${k} default`).toBe(info.default);
      expect(p.description.toLowerCase(), `${name}.${k} doc`).toContain(withUnit(info.doc, info.unit).toLowerCase());
      expect(p.description, `${name}.${k} default in words`).toContain(info.default === undefined ? 'required' : `default ${info.default}`);
    }
    if (!model.isSource) expect(refName(params.properties.receptors)).toBe('receptors');
  });

  it.each(Object.keys(models))('%s: initialisable state variables', (name) => {
    const init = definitions[`${name}Population`].properties.init;
    expect(Object.keys(init.properties)).toEqual(userStateVars(name));
    expect(init.additionalProperties).toBe(false);
    for (const [k, s] of Object.entries(models[name].state)) if (!s.internal) expect(init.properties[k].description).toContain(withUnit(s.doc, s.unit));
  });

  it.each(Object.keys(models))('%s: population keys (sources take no input; spikeSource takes times, ids and capacity; poisson a rateTable)', (name) => {
    const keys = Object.keys(definitions[`${name}Population`].properties);
    const model = models[name];
    expect(keys).toEqual([
      'size',
      'model',
      'params',
      'init',
      ...(model.isSource ? [] : ['iExt', 'noise', 'poissonInput']),
      ...(name === 'spikeSource' ? ['times', 'ids', 'capacity', 'encoder'] : name === 'poisson' ? ['rateTable', 'encoder'] : []),
    ]);
  });

  it('record.state.var lists the state variables users can record (and takes any name, for models given by their equations)', () => {
    const all = [...new Set(Object.keys(models).flatMap(userStateVars))];
    expect(definitions.record.properties.state.items.properties.var.anyOf[0].enum).toEqual(all);
  });

  const cases = Object.entries(models).flatMap(([name, model]) => Object.keys(model.params).map((param) => [name, param] as const));
  it.each(cases)('%s.%s: the schema and validateSpec agree on every probe value', (name, param) => {
    const required = Object.fromEntries(
      Object.entries(models[name].params)
        .filter(([, i]) => i.default === undefined)
        .map(([k]) => [k, 1]),
    );
    for (const value of probes) {
      const doc = { version: 1, dt: 0.1, populations: { X: { size: 2, model: name, params: { ...required, [param]: value } } } };
      expect(schemaAccepts(doc), `${name}.${param} = ${JSON.stringify(value)}`).toBe(validatorAccepts(doc));
    }
  });

  it.each(['lif', 'izhikevich', 'adex'])('%s: init values, iExt and receptors agree on every probe value', (name) => {
    for (const value of probes) {
      for (const population of [{ init: { v: value } }, { iExt: value }]) {
        const doc = { version: 1, dt: 0.1, populations: { X: { size: 2, model: name, ...population } } };
        expect(schemaAccepts(doc), JSON.stringify(population)).toBe(validatorAccepts(doc));
      }
    }
    for (const receptor of receptorProbes) {
      const doc = { version: 1, dt: 0.1, populations: { X: { size: 2, model: name, params: { receptors: { r: receptor } } } } };
      expect(schemaAccepts(doc), JSON.stringify(receptor)).toBe(validatorAccepts(doc));
    }
  });
});

// Plasticity rules (a projection's `plasticity`), one schema definition per rule of the registry,
// compared as the models are: keys, required parameters, defaults, ranges, units and docs.
describe('the schema agrees with the plasticity rules registry', () => {
  const ruleNames = Object.keys(plasticityRules);
  const ruleDefinition = (rule: string): Doc => definitions[`${rule}Plasticity`];
  /** As validateSpec decides it: a rule whose definition has a neuromodulator takes `modulatedBy`. */
  const modulated = (rule: string) => plasticityRules[rule].definition({}).modulator !== undefined;
  const ruleKeys = (rule: string) => [
    'rule',
    ...Object.keys(plasticityRules[rule].params),
    ...Object.keys(plasticityRules[rule].options),
    'normalize',
    ...(modulated(rule) ? ['modulatedBy'] : []),
  ];
  const requiredParams = (rule: string) =>
    Object.entries(plasticityRules[rule].params)
      .filter(([, info]) => info.default === undefined)
      .map(([k]) => k);
  /** A valid plasticity block of `rule`: its required parameters only. */
  const minimal = (rule: string): Doc => ({
    rule,
    ...Object.fromEntries(requiredParams(rule).map((k) => [k, k === 'wMin' ? 0 : k === 'wMax' ? 2 : 1])),
  });
  const plasticDoc = (plasticity: unknown): Doc => withProjection({ plasticity });

  it('has one plasticity definition per rule, named by its rule', () => {
    expect(definitions.plasticity.oneOf.map(refName)).toEqual(ruleNames.map((r) => `${r}Plasticity`));
    for (const [name, family] of Object.entries(plasticityRules)) {
      expect(ruleDefinition(name).properties.rule.const).toBe(name);
      expect(ruleDefinition(name).properties.rule.description.toLowerCase()).toContain(family.doc.toLowerCase());
      expect(ruleDefinition(name).additionalProperties).toBe(false);
    }
    expect(refName(definitions.projection.properties.plasticity)).toBe('plasticity');
  });

  it.each(ruleNames)('%s: keys, required parameters, defaults, ranges, units and docs', (name) => {
    const family = plasticityRules[name];
    const def = ruleDefinition(name);
    expect(Object.keys(def.properties)).toEqual(ruleKeys(name));
    expect(def.required).toEqual(['rule', ...requiredParams(name)]);
    for (const [k, info] of Object.entries(family.params)) {
      const p = def.properties[k];
      expect(p.default, `${name}.${k} default`).toBe(info.default);
      expect(
        Object.fromEntries(Object.entries(p).filter(([key]) => ['type', 'minimum', 'exclusiveMinimum', 'maximum'].includes(key))),
        `${name}.${k} range`,
      ).toEqual(rangeKeywords(info.range));
      expect(p.description.toLowerCase(), `${name}.${k} doc`).toContain(withUnit(info.doc, info.unit).toLowerCase());
      expect(p.description, `${name}.${k} default in words`).toContain(info.default === undefined ? 'required' : `default ${info.default}`);
      const { min, exclusiveMin } = info.range ?? {};
      if (min !== undefined) expect(p.description, `${name}.${k} range in words`).toContain(`must be ${exclusiveMin ? '>' : '≥'} ${min}`);
    }
    for (const [k, o] of Object.entries(family.options)) {
      const p = def.properties[k];
      expect(p.enum, `${name}.${k} values`).toEqual(o.values);
      expect(p.default, `${name}.${k} default`).toBe(o.default);
      expect(p.description, `${name}.${k} doc`).toContain(o.doc);
      expect(p.description, `${name}.${k} default in words`).toContain(`default ${o.default}`);
    }
    expect(refName(def.properties.normalize)).toBe('weightNormalization');
    if (modulated(name)) expect(refName(def.properties.modulatedBy)).toBe('modulatedBy');
  });

  it('describes normalize and modulatedBy as validateSpec reads them', () => {
    const n = definitions.weightNormalization;
    expect(Object.keys(n.properties)).toEqual(['total', 'every']);
    expect(n.required).toEqual(['total', 'every']);
    expect(n.additionalProperties).toBe(false);
    const m = definitions.modulatedBy;
    expect(Object.keys(m.properties)).toEqual(['population', 'amount']);
    expect(m.properties.population.type).toBe('string');
    expect(m.properties.amount.type).toBe('number');
    expect(m.required).toEqual(['population', 'amount']);
    expect(m.additionalProperties).toBe(false);
  });

  const agree = (plasticity: unknown, label: string) => {
    // Through JSON for both: a member left `undefined` is left out, as in a file (validateSpec sees a JavaScript object's keys).
    const doc = JSON.parse(JSON.stringify(plasticDoc(plasticity)));
    expect(schemaAccepts(doc), `${label}: ${JSON.stringify(plasticity)}`).toBe(validatorAccepts(doc));
  };

  const paramProbes: unknown[] = [undefined, -1, 0, 1e-40, 0.5, 1, 2, 'x', '1', null, true, [1], { uniform: [0, 1] }];
  const paramCases = ruleNames.flatMap((name) => Object.keys(plasticityRules[name].params).map((param) => [name, param] as const));
  it.each(paramCases)('%s.%s: the schema and validateSpec agree on every probe value (and on leaving it out)', (name, param) => {
    // wMin ≤ wMax is validateSpec's alone (see "looser" below): the other bound stays out of the way.
    const other = param === 'wMin' ? { wMax: 10 } : param === 'wMax' ? { wMin: -10 } : {};
    for (const value of paramProbes) agree({ ...minimal(name), ...other, [param]: value }, `${name}.${param}`);
  });

  it.each(ruleNames)('%s: options agree on every value, known and not', (name) => {
    for (const [k, o] of Object.entries(plasticityRules[name].options))
      for (const value of [undefined, ...o.values, o.values[0].toUpperCase(), 'x', '', null, 1, true]) agree({ ...minimal(name), [k]: value }, `${name}.${k}`);
  });

  it.each(ruleNames)('%s: normalize agrees on every probe', (name) => {
    const normalizeProbes: unknown[] = [
      undefined,
      { total: 1, every: 10 },
      { total: 1e-30, every: 0.1 },
      { total: 1e-31, every: 10 },
      { total: 0, every: 10 },
      { total: -1, every: 10 },
      { total: 1, every: 0 },
      { total: 1 },
      { every: 10 },
      { total: 1, every: 10, x: 1 },
      { total: '1', every: 10 },
      null,
      1,
      [],
    ];
    for (const normalize of normalizeProbes) agree({ ...minimal(name), normalize }, `${name}.normalize`);
  });

  it.each(ruleNames)('%s: modulatedBy agrees on every probe (taken only by rules with a neuromodulator)', (name) => {
    const modulatedByProbes: unknown[] = [
      undefined,
      { population: 'P', amount: 0.5 },
      { population: 'S', amount: -1 },
      { population: 'E', amount: 0 },
      { population: 'P' },
      { amount: 1 },
      {},
      { population: 'P', amount: '1' },
      { population: 'P', amount: null },
      { population: 3, amount: 1 },
      { population: 'P', amount: 1, every: 10 },
      null,
      'P',
      [],
    ];
    for (const modulatedBy of modulatedByProbes) agree({ ...minimal(name), modulatedBy }, `${name}.modulatedBy`);
    const valid = plasticDoc({ ...minimal(name), modulatedBy: { population: 'P', amount: 0.5 } });
    expect([schemaAccepts(valid), validatorAccepts(valid)]).toEqual(modulated(name) ? [true, true] : [false, false]);
  });

  it('a key of another rule is refused by both', () => {
    const valid: Record<string, unknown> = { normalize: { total: 1, every: 10 }, modulatedBy: { population: 'P', amount: 1 } };
    for (const name of ruleNames)
      for (const other of ruleNames)
        for (const key of ruleKeys(other).filter((k) => !ruleKeys(name).includes(k))) {
          const options = plasticityRules[other].options;
          const value = Object.hasOwn(valid, key) ? valid[key] : Object.hasOwn(options, key) ? options[key].values[0] : 1;
          const doc = plasticDoc({ ...minimal(name), [key]: value });
          expect([schemaAccepts(doc), validatorAccepts(doc)], `${name} with ${other}'s ${key}`).toEqual([false, false]);
        }
  });

  it('an unknown rule, a missing one and a plasticity that is not an object are refused by both', () => {
    const refused: unknown[] = [
      ...['hebb', 'STDP', 'Triplet', 'rStdp', '', 'constructor', '__proto__', 'toString'].map((rule) => ({ ...minimal('stdp'), rule })),
      { ...minimal('stdp'), rule: null },
      { ...minimal('stdp'), rule: 1 },
      { ...minimal('stdp'), rule: undefined },
      { wMin: 0, wMax: 1 },
      {},
      null,
      'stdp',
      ['stdp'],
      1,
    ];
    for (const plasticity of refused) {
      const doc = plasticDoc(plasticity);
      expect([schemaAccepts(doc), validatorAccepts(doc)], JSON.stringify(plasticity)).toEqual([false, false]);
    }
  });
});

// Models given by their equations are not in the registry: the schema takes any parameter
// names (each a value) and any state variable names; validateSpec compiles the equations.
describe('the schema agrees with validateSpec on models given by their equations', () => {
  it('describes the model object: its keys, which are required, and the methods', () => {
    const eq = definitions.neuronEquations;
    expect(refName(definitions.equationPopulation.properties.model)).toBe('neuronEquations');
    // validateSpec's EQUATION_KEYS, and NeuronEquations (src/models/equationModel.ts).
    expect(Object.keys(eq.properties)).toEqual(['equations', 'threshold', 'reset', 'refractory', 'method', 'substeps']);
    expect(eq.required).toEqual(['equations', 'threshold', 'reset']);
    expect(eq.additionalProperties).toBe(false);
    expect(definitions.integrationMethod.enum).toEqual([...METHODS]);
    expect(eq.properties.method.oneOf.map((o: { $ref?: string; items?: { $ref: string } }) => o.$ref ?? o.items!.$ref)).toEqual([
      '#/definitions/integrationMethod',
      '#/definitions/integrationMethod',
    ]);
    expect(eq.properties.method.default).toBe('euler');
    expect(Object.keys(definitions.equationPopulation.properties)).toEqual(['size', 'model', 'params', 'init', 'iExt', 'noise', 'poissonInput']);
    expect(refName(definitions.equationPopulation.properties.params.properties.receptors)).toBe('receptors');
    expect(refName(definitions.equationPopulation.properties.params.additionalProperties)).toBe('value');
    expect(refName(definitions.equationPopulation.properties.init.additionalProperties)).toBe('value');
  });

  it('params, init values, iExt and receptors agree on every probe value', () => {
    for (const value of probes) {
      for (const population of [{ params: { ...LEAKY_PARAMS, tau: value } }, { init: { v: value } }, { iExt: value }]) {
        const doc = { version: 1, dt: 0.1, populations: { X: { size: 2, model: LEAKY, params: LEAKY_PARAMS, ...population } } };
        expect(schemaAccepts(doc), JSON.stringify(population)).toBe(validatorAccepts(doc));
      }
      // The schema cannot tell which parameter names the refractory period, so it is looser there: validateSpec also refuses negative ones.
      const refractory = { version: 1, dt: 0.1, populations: { X: { size: 2, model: LEAKY, params: { ...LEAKY_PARAMS, tRef: value } } } };
      if (validatorAccepts(refractory)) expect(schemaAccepts(refractory), JSON.stringify(value)).toBe(true);
    }
    const negative = { version: 1, dt: 0.1, populations: { X: { size: 2, model: LEAKY, params: { ...LEAKY_PARAMS, tRef: -1 } } } };
    expect([schemaAccepts(negative), validatorAccepts(negative)]).toEqual([true, false]);
    for (const receptor of receptorProbes) {
      const doc = { version: 1, dt: 0.1, populations: { X: { size: 2, model: LEAKY, params: { ...LEAKY_PARAMS, receptors: { r: receptor } } } } };
      expect(schemaAccepts(doc), JSON.stringify(receptor)).toBe(validatorAccepts(doc));
    }
  });
});

describe('built-in networks validate against the schema', () => {
  const variants: Record<string, Record<string, string | number>[]> = {
    cuba: [{ n: 400 }],
    coba: [{ n: 400 }],
    brunel: ['A', 'B', 'C', 'D'].flatMap((regime): Record<string, string | number>[] => [{ regime }, { regime, n: 1250, connect: 'fixedProbability' }]),
    izhikevich2003: [{ n: 100, seed: 7 }],
    song2000: [{ synapse: 'current', n: 10 }],
    polychronization: [{ seed: 2 }],
    microcircuit: [{ scale: 0.1, drive: 'dc' }],
    adexPatterns: [{ dt: 0.05 }],
    izhikevich2007: [{ seed: 2 }],
  };
  const cases = Object.keys(builtinNetworks).flatMap((name) => [[name, {}] as const, ...(variants[name] ?? []).map((o) => [name, o] as const)]);

  it('covers every built-in network', () => expect(Object.keys(variants).sort()).toEqual(Object.keys(builtinNetworks).sort()));

  it.each(cases)('%s %j', (name, options) => {
    // Through JSON, as `spikegpu export` writes it and an editor sees it.
    const spec = JSON.parse(JSON.stringify(builtinNetwork(name, options)));
    expectSchemaAccepts(spec, name);
    const withSchema = { $schema: './node_modules/spikegpu/schema/spec-v1.json', ...spec };
    expectSchemaAccepts(withSchema, `${name} with $schema`);
    expect(validateSpec(withSchema)).toBe(withSchema);
  });
});

describe('documents both accept', () => {
  const cases: [string, () => Doc][] = [
    ['the base document', base],
    ['with $schema', () => ({ $schema: 'https://unpkg.com/spikegpu/schema/spec-v1.json', ...base() })],
    ['a minimal document', () => ({ version: 1, dt: 1, populations: { E: { size: 1, model: 'lif' } } })],
    ...[
      { rule: 'allToAll' },
      { rule: 'allToAll', allowSelf: false },
      { rule: 'oneToOne' },
      { rule: 'fixedInDegree', k: 4, allowMultiple: false },
      { rule: 'fixedInDegree', k: 40 },
      { rule: 'fixedOutDegree', k: 10, allowMultiple: false, allowSelf: true },
      { rule: 'fixedTotal', n: 40, allowMultiple: false },
      { rule: 'list', pre: [0, 3], post: [9, 0] },
      { rule: 'fixedProbability', p: 1 },
      { rule: 'fixedProbability', p: 0 },
    ].map((connect): [string, () => Doc] => [
      `connect ${JSON.stringify(connect)}`,
      () => withProjection(connect.rule === 'oneToOne' ? { pre: 'E', connect } : { connect }),
    ]),
    ...[2, [1, 2, 3], { uniform: [0, 1] }, { normal: [1, 0.5] }, { normal: [1, 0.5], clip: [0, 2] }].map((weight): [string, () => Doc] => [
      `weight ${JSON.stringify(weight)}`,
      () => withProjection({ weight }),
    ]),
    [
      'a named plastic projection and its weight record',
      edit((d) => {
        d.projections[0] = { ...d.projections[0], name: 'ff', plasticity: { ...STDP, mode: 'multiplicative', pairing: 'nearest' } };
        d.record.weights = [{ projection: 'ff', every: 10 }];
      }),
    ],
    ['triplet STDP with its defaults', () => withProjection({ plasticity: { rule: 'triplet', wMin: 0, wMax: 1 } })],
    [
      'triplet STDP with every parameter, nearest pairing and normalize',
      () =>
        withProjection({
          plasticity: {
            rule: 'triplet',
            ...{ a2Plus: 0, a3Plus: 0.01, a2Minus: 0.005, a3Minus: 0.001, wMin: 0, wMax: 1 },
            ...{ tauPlus: 16.8, tauMinus: 33.7, tauX: 101, tauY: 125, pairing: 'nearest', normalize: { total: 5, every: 100 } },
          },
        }),
    ],
    ['reward-modulated STDP with its defaults', () => withProjection({ plasticity: { rule: 'rstdp', wMin: 0, wMax: 4 } })],
    [
      'reward-modulated STDP modulated by a spike source, all pairing, and its weight record',
      edit((d) => {
        d.projections[0] = {
          ...d.projections[0],
          name: 'rl',
          plasticity: { rule: 'rstdp', wMin: -1, wMax: 4, baseline: -0.01, tauC: 500, every: 1, pairing: 'all', modulatedBy: { population: 'S', amount: 0.5 } },
        };
        d.record.weights = [{ projection: 'rl', every: 10 }];
      }),
    ],
    ['a spikeSource without events', () => ({ version: 1, dt: 0.1, populations: { S: { size: 1, model: 'spikeSource' } } })],
    ['a model given by its equations (AdEx), its init and a state record', equationDoc()],
    ['equations without refractory and method', equationDoc((d) => (delete d.populations.A.model.refractory, delete d.populations.A.model.method))],
    ['equations with method rk2 and a refractory period', equationDoc((d) => Object.assign(d.populations.A.model, { method: 'rk2', refractory: 2.5 }))],
    [
      'equations with an empty reset',
      equationDoc((d) => ((d.populations.A.model.reset = []), delete d.populations.A.params.Vr, delete d.populations.A.params.b)),
    ],
    ['per-neuron and drawn parameters of equations', equationDoc((d) => Object.assign(d.populations.A.params, { a: [2], b: { uniform: [0, 10] } }))],
    [
      'equations reading iExt, Isyn and a receptor by name, with every input and methods exact then euler',
      () => ({
        version: 1,
        dt: 0.1,
        populations: {
          L: {
            size: 2,
            model: {
              ...LEAKY,
              equations: ['dv/dt = (vRest - v + iExt + Isyn + 0*nmda) / tau (unless refractory)', 'dgate/dt = -gate / tau'],
              method: ['exact', 'euler'],
            },
            params: {
              ...LEAKY_PARAMS,
              tau: [10, 20],
              receptors: { exc: { kind: 'current', tau: 5 }, nmda: { kind: 'conductance', tau: 100, eRev: 0 }, d: { kind: 'delta' } },
            },
            init: { v: { uniform: [-65, -55] }, gate: 1 },
            iExt: 1,
            noise: { sd: 1 },
            poissonInput: [{ count: 10, rate: 5, weight: 0.5, receptor: 'exc' }],
          },
        },
        projections: [{ pre: 'L', post: 'L', connect: { rule: 'oneToOne' }, weight: 1, receptor: 'd' }],
        record: { state: [{ pop: 'L', var: 'gate' }] },
      }),
    ],
  ];
  it.each(cases)('%s', (label, make) => {
    expect(validatorAccepts(make())).toBe(true);
    expectSchemaAccepts(make(), label);
  });
});

describe('documents both reject', () => {
  const cases: [string, () => Doc][] = [
    ['a misspelt param', edit((d) => (d.populations.E.params.taum = 10))],
    ['a param of another model', edit((d) => (d.populations.E.params.substeps = 2))],
    ['missing dt', edit((d) => delete d.dt)],
    ['dt 0', edit((d) => (d.dt = 0))],
    ['dt > 10', edit((d) => (d.dt = 11))],
    ['dt a string', edit((d) => (d.dt = '0.1'))],
    ['an unknown connect rule', () => withProjection({ connect: { rule: 'fixedProb', p: 0.1 } })],
    ['version 2', edit((d) => (d.version = 2))],
    ['missing version', edit((d) => delete d.version)],
    ['seed not an integer', edit((d) => (d.seed = 1.5))],
    ['seed ≥ 2^32', edit((d) => (d.seed = 2 ** 32))],
    ['a misspelt top-level key', edit((d) => ((d.projection = d.projections), delete d.projections))],
    ['$schema a number', edit((d) => (d.$schema = 1))],
    ['$schema null', edit((d) => (d.$schema = null))],
    ['$schema inside a population', edit((d) => (d.populations.E.$schema = 'x'))],
    ['missing populations', () => ({ version: 1, dt: 0.1 })],
    ['empty populations', () => ({ version: 1, dt: 0.1, populations: {} })],
    ['size 0', edit((d) => (d.populations.E.size = 0))],
    ['size not an integer', edit((d) => (d.populations.E.size = 2.5))],
    ['missing size', edit((d) => delete d.populations.E.size)],
    ['an unknown model', edit((d) => (d.populations.E.model = 'lfi'))],
    ['a model that is not a string', edit((d) => (d.populations.E.model = 3))],
    ['an unknown population key', edit((d) => (d.populations.E.inits = {}))],
    ['an unknown distribution', edit((d) => (d.populations.E.init.v = { gauss: [0, 1] }))],
    ['uniform with three numbers', edit((d) => (d.populations.E.init.v = { uniform: [1, 2, 3] }))],
    ['normal with a negative sd', edit((d) => (d.populations.E.init.v = { normal: [-60, -1] }))],
    ['a distribution with an extra key', edit((d) => (d.populations.E.init.v = { uniform: [0, 1], clip: [0, 1] }))],
    ['init of an internal variable', edit((d) => (d.populations.E.init.refractory = 0))],
    ["init of another model's variable", edit((d) => (d.populations.E.init.u = 0))],
    ['init on a poisson population', edit((d) => (d.populations.P.init = { v: 0 }))],
    ['tauM 0', edit((d) => (d.populations.E.params.tauM = 0))],
    ['a negative tRef in an array', edit((d) => (d.populations.E.params.tRef = [1, 1, 1, -1, 1, 1, 1, 1, 1, 1]))],
    ['substeps not an integer', edit((d) => (d.populations.Z.params.substeps = 1.5))],
    ['substeps as a distribution', edit((d) => (d.populations.Z.params.substeps = { uniform: [1, 3] }))],
    ['a negative uniform rate bound', edit((d) => (d.populations.P.params.rate = { uniform: [-5, 5] }))],
    ['a receptor of unknown kind', edit((d) => (d.populations.E.params.receptors.exc.kind = 'exponential'))],
    ['a receptor without kind', edit((d) => (d.populations.E.params.receptors.exc = { tau: 5 }))],
    ['a conductance without eRev', edit((d) => delete d.populations.E.params.receptors.inh.eRev)],
    ['a delta receptor with a tau', edit((d) => (d.populations.E.params.receptors.d.tau = 5))],
    ['noise sd < 0', edit((d) => (d.populations.E.noise.sd = -1))],
    ['noise with a misspelt key', edit((d) => (d.populations.E.noise = { SD: 1 }))],
    ['poissonInput not an array', edit((d) => (d.populations.E.poissonInput = { count: 1 }))],
    ['poissonInput count not an integer', edit((d) => (d.populations.E.poissonInput[0].count = 1.5))],
    ['poissonInput without rate', edit((d) => delete d.populations.E.poissonInput[0].rate)],
    ['poisson without rate', edit((d) => delete d.populations.P.params)],
    ['poisson with receptors', edit((d) => (d.populations.P.params.receptors = {}))],
    ['iExt on a poisson population', edit((d) => (d.populations.P.iExt = 1))],
    ['noise on a spike source', edit((d) => (d.populations.S.noise = { sd: 1 }))],
    ['times on a lif population', edit((d) => (d.populations.E.times = [1]))],
    ['a negative spikeSource id', edit((d) => (d.populations.S.ids = [-1, 0]))],
    ['a negative spikeSource time', edit((d) => (d.populations.S.times = [-1, 2]))],
    ['projections not an array', edit((d) => (d.projections = {}))],
    ['an unknown projection key', () => withProjection({ delays: 1 })],
    ['a projection without receptor', edit((d) => delete d.projections[0].receptor)],
    ['a projection without connect', edit((d) => delete d.projections[0].connect)],
    ['p > 1', () => withProjection({ connect: { rule: 'fixedProbability', p: 1.5 } })],
    ['p missing', () => withProjection({ connect: { rule: 'fixedProbability' } })],
    ['a key of another rule', () => withProjection({ connect: { rule: 'fixedProbability', p: 0.1, k: 3 } })],
    ['allowSelf not a boolean', () => withProjection({ connect: { rule: 'allToAll', allowSelf: 'no' } })],
    ['allowMultiple on oneToOne', () => withProjection({ pre: 'E', connect: { rule: 'oneToOne', allowMultiple: false } })],
    ['fixedInDegree k not an integer', () => withProjection({ connect: { rule: 'fixedInDegree', k: 2.5 } })],
    ['list without post', () => withProjection({ connect: { rule: 'list', pre: [0] } })],
    ['a negative delay', () => withProjection({ delay: -1 })],
    ['weight missing', () => withProjection({ weight: undefined })],
    ['a reserved projection name', () => withProjection({ name: 'projections[3]' })],
    ['a projection name that is a number', () => withProjection({ name: 3 })],
    ['plasticity with an unknown rule', () => withProjection({ plasticity: { ...STDP, rule: 'hebb' } })],
    ['plasticity with tauPlus 0', () => withProjection({ plasticity: { ...STDP, tauPlus: 0 } })],
    ['plasticity with an unknown mode', () => withProjection({ plasticity: { ...STDP, mode: 'mult' } })],
    ['plasticity with a negative aMinus', () => withProjection({ plasticity: { ...STDP, aMinus: -0.01 } })],
    ['plasticity without wMax', () => withProjection({ plasticity: { ...STDP, wMax: undefined } })],
    ['plasticity with a misspelt key', () => withProjection({ plasticity: { ...STDP, tau_plus: 20 } })],
    ['plasticity without rule', () => withProjection({ plasticity: { ...STDP, rule: undefined } })],
    ['triplet STDP without wMin', () => withProjection({ plasticity: { rule: 'triplet', wMax: 1 } })],
    ['triplet STDP with a mode (an option of stdp)', () => withProjection({ plasticity: { rule: 'triplet', wMin: 0, wMax: 1, mode: 'additive' } })],
    ['triplet STDP with a negative a3Plus', () => withProjection({ plasticity: { rule: 'triplet', wMin: 0, wMax: 1, a3Plus: -0.01 } })],
    ['reward-modulated STDP with tauC 0', () => withProjection({ plasticity: { rule: 'rstdp', wMin: 0, wMax: 4, tauC: 0 } })],
    ['reward-modulated STDP with every 0', () => withProjection({ plasticity: { rule: 'rstdp', wMin: 0, wMax: 4, every: 0 } })],
    ['reward-modulated STDP with an unknown pairing', () => withProjection({ plasticity: { rule: 'rstdp', wMin: 0, wMax: 4, pairing: 'first' } })],
    ['modulatedBy on pair STDP', () => withProjection({ plasticity: { ...STDP, modulatedBy: { population: 'S', amount: 1 } } })],
    ['modulatedBy without amount', () => withProjection({ plasticity: { rule: 'rstdp', wMin: 0, wMax: 4, modulatedBy: { population: 'S' } } })],
    ['modulatedBy a population name alone', () => withProjection({ plasticity: { rule: 'rstdp', wMin: 0, wMax: 4, modulatedBy: 'S' } })],
    ['record spikes not an array', edit((d) => (d.record.spikes = 'E'))],
    ['record spikes {pop} without ids', edit((d) => (d.record.spikes = [{ pop: 'E' }]))],
    ['an unknown record key', edit((d) => (d.record.spike = ['E']))],
    ['an internal state variable', edit((d) => (d.record.state = [{ pop: 'E', var: 'refractory' }]))],
    ['a state record without var', edit((d) => (d.record.state = [{ pop: 'E' }]))],
    ['state every 0', edit((d) => (d.record.state = [{ pop: 'E', var: 'v', every: 0 }]))],
    ['a weights record without every', () => ({ ...withProjection({ name: 'ff', plasticity: STDP }), record: { weights: [{ projection: 'ff' }] } })],
    ['an unknown key in a model given by its equations', equationDoc((d) => (d.populations.A.model.tau = 5))],
    [
      'a misspelt key in a model given by its equations',
      equationDoc((d) => ((d.populations.A.model.equation = d.populations.A.model.equations), delete d.populations.A.model.equations)),
    ],
    ['an unknown integration method', equationDoc((d) => (d.populations.A.model.method = 'rk4'))],
    ['a method that is not a string', equationDoc((d) => (d.populations.A.model.method = 2))],
    ['equations without threshold', equationDoc((d) => delete d.populations.A.model.threshold)],
    ['equations without reset', equationDoc((d) => delete d.populations.A.model.reset)],
    ['an empty equations list', equationDoc((d) => (d.populations.A.model.equations = []))],
    ['equations a string', equationDoc((d) => (d.populations.A.model.equations = 'dv/dt = -v'))],
    ['a threshold that is not a string', equationDoc((d) => (d.populations.A.model.threshold = true))],
    ['reset a string', equationDoc((d) => (d.populations.A.model.reset = 'v = Vr'))],
    ['a negative refractory period', equationDoc((d) => (d.populations.A.model.refractory = -1))],
    ['refractory null', equationDoc((d) => (d.populations.A.model.refractory = null))],
    ['a parameter of equations that is not a value', equationDoc((d) => (d.populations.A.params.I = 'high'))],
    ['receptors of equations that are not receptors', equationDoc((d) => (d.populations.A.params.receptors = { r: { kind: 'exp', tau: 5 } }))],
    [
      'init of the internal refractory counter',
      () => ({ version: 1, dt: 0.1, populations: { L: { size: 1, model: LEAKY, params: LEAKY_PARAMS, init: { refractory: 0 } } } }),
    ],
    ['times on a population of equations', equationDoc((d) => (d.populations.A.times = [1]))],
  ];

  it.each(cases)('%s', (label, make) => {
    expect(validatorAccepts(make()), `validateSpec accepted ${label}`).toBe(false);
    expect(schemaAccepts(make()), `the schema accepted ${label}`).toBe(false);
  });
});

// What only validateSpec can check: references by name, sizes, orders, uniqueness. Listed so
// the gap is explicit; a case that the schema learns to reject moves to the list above.
describe('the schema is looser than validateSpec for', () => {
  const cases: [string, () => Doc][] = [
    ['a param array of the wrong length', edit((d) => (d.populations.E.params.vRest = [-65, -65]))],
    ['uniform with low > high', edit((d) => (d.populations.E.init.v = { uniform: [5, 1] }))],
    ['a normal clip with low = high', edit((d) => (d.populations.E.init.v = { normal: [-60, 1], clip: [-55, -55] }))],
    ['poissonInput naming a missing receptor', edit((d) => (d.populations.E.poissonInput[0].receptor = 'ex'))],
    ['a spikeSource id ≥ size', edit((d) => (d.populations.S.ids = [0, 3]))],
    ['spikeSource times and ids of different lengths', edit((d) => (d.populations.S.ids = [0]))],
    ['a projection to an unknown population', () => withProjection({ post: 'Exc' })],
    ['a projection onto a poisson source', () => withProjection({ post: 'P' })],
    ['a projection to a missing receptor', () => withProjection({ receptor: 'nmda' })],
    ['list pre/post of different lengths', () => withProjection({ connect: { rule: 'list', pre: [0, 1], post: [5] } })],
    ['a list index ≥ size', () => withProjection({ connect: { rule: 'list', pre: [0, 4], post: [5, 5] } })],
    ['oneToOne between different sizes', () => withProjection({ connect: { rule: 'oneToOne' } })],
    ['fixedInDegree k > pre size without multapses', () => withProjection({ connect: { rule: 'fixedInDegree', k: 5, allowMultiple: false } })],
    ['a negative conductance weight', () => withProjection({ receptor: 'inh', weight: -1 })],
    ['plasticity with wMin > wMax', () => withProjection({ plasticity: { ...STDP, wMin: 5, wMax: 1 } })],
    ['plastic conductance with wMin < 0', () => withProjection({ receptor: 'inh', plasticity: { ...STDP, wMin: -1 } })],
    ['triplet STDP with wMin > wMax', () => withProjection({ plasticity: { rule: 'triplet', wMin: 2, wMax: 1 } })],
    ['normalize with wMin < 0', () => withProjection({ plasticity: { rule: 'triplet', wMin: -1, wMax: 1, normalize: { total: 1, every: 10 } } })],
    [
      'modulatedBy an unknown population',
      () => withProjection({ plasticity: { rule: 'rstdp', wMin: 0, wMax: 4, modulatedBy: { population: 'reward', amount: 1 } } }),
    ],
    [
      'two projections with one name',
      edit(
        (d) =>
          (d.projections = [
            { ...d.projections[0], name: 'a' },
            { ...d.projections[0], name: 'a' },
          ]),
      ),
    ],
    ['spikes of an unknown population', edit((d) => (d.record.spikes = ['Inh']))],
    ['a recorded id ≥ size', edit((d) => (d.record.spikes = [{ pop: 'P', ids: [4] }]))],
    ['a state variable of another model', edit((d) => (d.record.state = [{ pop: 'E', var: 'u' }]))],
    ['state every < dt', edit((d) => (d.record.state = [{ pop: 'E', var: 'v', every: 0.05 }]))],
    ['a weights record of a static projection', edit((d) => (d.record.weights = [{ projection: 'projections[0]', every: 10 }]))],
    ['an equation that does not parse', equationDoc((d) => (d.populations.A.model.equations[1] = 'dw/dt = (a*(v - EL) - w / tauw'))],
    ['a reset of a variable without an equation', equationDoc((d) => d.populations.A.model.reset.push('u = 0'))],
    ['method exact on nonlinear equations', equationDoc((d) => (d.populations.A.model.method = 'exact'))],
    ['a parameter the equations read, missing', equationDoc((d) => delete d.populations.A.params.I)],
    ['a parameter the equations do not read', equationDoc((d) => (d.populations.A.params.tau = 10))],
    ['iExt on equations that do not read it', equationDoc((d) => (d.populations.A.iExt = 1))],
    ['init of a name that is not a state variable', equationDoc((d) => (d.populations.A.init.u = 0))],
    ['a state record of a name that is not a state variable', equationDoc((d) => (d.record.state = [{ pop: 'A', var: 'x' }]))],
  ];

  it.each(cases)('%s', (label, make) => {
    expect(validatorAccepts(make()), `validateSpec accepted ${label}`).toBe(false);
    expectSchemaAccepts(make(), label);
  });
});

describe('validateSpec and $schema', () => {
  it('accepts a string $schema, ignores it and returns the document', () => {
    const d = { $schema: '../schema/spec-v1.json', ...base() };
    expect(validateSpec(d)).toBe(d);
    expect(() => validateSpec({ ...d, $schema: '' })).not.toThrow();
  });

  it.each([
    [1, '1'],
    [null, 'null'],
    [{}, 'an object'],
    [['x'], 'an array'],
    [true, 'true'],
  ])('rejects $schema %j', (value, described) => {
    const err = (() => {
      try {
        validateSpec({ ...base(), $schema: value });
      } catch (e) {
        return e;
      }
      throw new Error('expected a SpecError');
    })();
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).message).toBe(`$schema: must be a string (the JSON Schema's URL or path), got ${described}`);
  });

  it('still names the network keys alone for an unknown key', () => {
    const d = { $schema: 'x', ...base(), recrod: {} };
    expect(() => validateSpec(d)).toThrow(
      'recrod: unknown key (did you mean "record"?); expected one of: version, name, dt, seed, populations, projections, record',
    );
  });
});
