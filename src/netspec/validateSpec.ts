/**
 * Validation of network spec v1. `validateSpec` either returns the document typed
 * as a `NetworkSpec` or throws one `SpecError` naming the JSON path of the first problem.
 * Unknown keys are errors (with a suggestion), since a misspelt parameter would otherwise
 * silently fall back to its default.
 */
import { modelOf, models, plasticityRules, type NeuronEquations } from '../models/index.ts';
import type { NeuronModel, ReceptorSpec, ValueRange } from '../models/model.ts';
import { receptorKinds } from '../models/receptors.ts';
import { at, SpecError } from './errors.ts';
import type { NetworkSpec, Value } from './types.ts';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
/** Own keys only: a population called "constructor" must not find Object.prototype's. */
const has = (o: object, key: unknown): key is string => typeof key === 'string' && Object.hasOwn(o, key);
const fail = (path: string, problem: string): never => {
  throw new SpecError(path, problem);
};

function obj(x: unknown, path: string): Obj {
  return isObj(x) ? x : fail(path, `must be an object, got ${describe(x)}`);
}

/** Names longer than this are shortened in messages and not matched for "did you mean". */
const MAX_SHOWN_NAME = 64;

/** A name as messages show it: whole, or its start and its length when it is very long. */
function shownName(name: string): string {
  return name.length > MAX_SHOWN_NAME ? `${name.slice(0, 40)}… (${name.length} characters)` : name;
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return 'an array';
  if (x === null) return 'null';
  return typeof x === 'string' ? JSON.stringify(shownName(x)) : typeof x === 'object' ? 'an object' : String(x);
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
  return d[a.length][b.length];
}

/** "did you mean" for a name among `known`. */
export function suggest(name: string, known: string[]): string {
  return `${didYouMean(name, known)}; expected one of: ${known.join(', ')}`;
}

/**
 * ` (did you mean "x"?)` for the known name nearest `name`, where one is near enough; else ''.
 * @example didYouMean('cubaa', ['cuba', 'coba']) // ' (did you mean "cuba"?)'
 */
export function didYouMean(name: string, known: string[]): string {
  // The edit distance costs |name| × |known name|: a pasted megabyte is no typo.
  const best = name.length > MAX_SHOWN_NAME ? undefined : known.map((k) => [k, editDistance(name, k)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(2, name.length / 3) ? ` (did you mean ${JSON.stringify(best[0])}?)` : '';
}

function onlyKeys(o: Obj, allowed: string[], path: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(at(path, shownName(k)), `unknown key${suggest(k, allowed)}`);
}

function num(x: unknown, path: string, check?: { min?: number; max?: number; int?: boolean; exclusiveMin?: boolean }): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) return fail(path, `must be a finite number, got ${describe(x)}`);
  if (check?.int && !Number.isInteger(x)) fail(path, `must be an integer, got ${x}`);
  if (check?.min !== undefined && (check.exclusiveMin ? x <= check.min : x < check.min))
    fail(path, `must be ${check.exclusiveMin ? '>' : '≥'} ${check.min}, got ${x}`);
  if (check?.max !== undefined && x > check.max) fail(path, `must be ≤ ${check.max}, got ${x}`);
  return x;
}

function numArray(x: unknown, path: string, check?: Parameters<typeof num>[2]): number[] {
  if (!Array.isArray(x)) return fail(path, `must be an array of numbers, got ${describe(x)}`);
  x.forEach((v, i) => num(v, at(path, i), check));
  return x as number[];
}

function pair(x: unknown, path: string): [number, number] {
  const a = numArray(x, path);
  if (a.length !== 2) fail(path, `must be [low, high], got ${a.length} numbers`);
  if (a[0] > a[1]) fail(path, `low must be ≤ high, got [${a[0]}, ${a[1]}]`);
  return a as [number, number];
}

/**
 * A Value: number, array (length `count` when known) or distribution.
 * `range` bounds numbers, arrays and uniform bounds here; drawn normals are checked after
 * they are drawn (`src/compile/values.ts`).
 */
export function validateValue(x: unknown, path: string, count?: number, range: ValueRange = {}): Value {
  if (typeof x === 'number') return num(x, path, range);
  if (Array.isArray(x)) {
    numArray(x, path, range);
    if (count !== undefined && x.length !== count) fail(path, `has ${x.length} values, expected ${count} (one per element)`);
    return x as number[];
  }
  if (isObj(x)) {
    if ('uniform' in x) {
      onlyKeys(x, ['uniform'], path);
      const [lo, hi] = pair(x.uniform, at(path, 'uniform'));
      if (range.int) fail(path, 'must be an integer or an array of integers, not a distribution');
      num(lo, at(path, 'uniform'), { min: range.min, exclusiveMin: range.exclusiveMin });
      num(hi, at(path, 'uniform'), { max: range.max });
      return x as Value;
    }
    if ('normal' in x) {
      onlyKeys(x, ['normal', 'clip'], path);
      const [, sd] = numArray(x.normal, at(path, 'normal'));
      if ((x.normal as number[]).length !== 2) fail(at(path, 'normal'), 'must be [mean, sd]');
      if (range.int) fail(path, 'must be an integer or an array of integers, not a distribution');
      if (sd < 0) fail(at(path, 'normal'), `sd must be ≥ 0, got ${sd}`);
      if (x.clip !== undefined) {
        const [lo, hi] = pair(x.clip, at(path, 'clip'));
        if (lo === hi) fail(at(path, 'clip'), 'low and high must differ');
      }
      return x as Value;
    }
  }
  return fail(path, `must be a number, an array, {"uniform": [lo, hi]} or {"normal": [mean, sd], "clip"?: [lo, hi]}; got ${describe(x)}`);
}

const EQUATION_KEYS = ['equations', 'threshold', 'reset', 'refractory', 'method', 'substeps'];

/**
 * A population's model: a built-in by name, or compiled from its equations (whose errors name
 * the equation and the character). Called on validated populations too, where it cannot fail.
 */
function populationModel(p: Obj, path: string): NeuronModel {
  const receptors = isObj(p.params) && isObj(p.params.receptors) ? Object.keys(p.params.receptors) : [];
  if (isObj(p.model)) {
    onlyKeys(p.model, EQUATION_KEYS, at(path, 'model'));
    for (const k of ['equations', 'threshold', 'reset'])
      if (p.model[k] === undefined) fail(at(at(path, 'model'), k), `is required for a model given by its equations (docs/models.md)`);
    return modelOf(p.model as unknown as NeuronEquations, receptors, at(path, 'model'));
  }
  if (typeof p.model !== 'string')
    fail(at(path, 'model'), `must be a model name or a model given by its equations, {equations, threshold, reset}${suggest('', Object.keys(models))}`);
  return has(models, p.model)
    ? models[p.model]
    : fail(at(path, 'model'), `unknown model ${JSON.stringify(p.model)}${suggest(p.model as string, Object.keys(models))}`);
}

/**
 * An equation model's inputs must be read: iExt and noise by `iExt`, a current or conductance
 * receptor by its name or `Isyn`. Its code is generated here, so every equation error shows
 * at validation.
 */
function checkEquationInputs(model: NeuronModel, p: Obj, path: string): void {
  const receptors = Object.entries(((p.params as Obj | undefined)?.receptors as Record<string, ReceptorSpec>) ?? {});
  model.columns(receptors.map(([name, spec], index) => ({ name, index, spec })));
  const reads = model.reads!;
  for (const key of ['iExt', 'noise'])
    if (p[key] !== undefined && !reads('iExt'))
      fail(at(path, key), "the model's equations do not read iExt, so this input would be lost: add iExt to an equation");
  for (const [name, r] of receptors)
    if (receptorKinds[r.kind].input === 'g' && !reads(name) && !reads('Isyn'))
      fail(at(at(at(path, 'params'), 'receptors'), name), `the model's equations read neither ${name} nor Isyn, so its input would be lost`);
    else if (receptorKinds[r.kind].input === 'iExt' && !reads('iExt'))
      fail(at(at(at(path, 'params'), 'receptors'), name), `a ${r.kind} receptor adds to iExt, which the model's equations do not read`);
}

/** Names results cannot carry: a plain JavaScript object given the key `__proto__` changes its prototype instead. */
const RESERVED_NAMES = ['__proto__'];

function validatePopulation(name: string, p: Obj, path: string): void {
  if (RESERVED_NAMES.includes(name)) fail(path, `${describe(name)} is reserved (results are JavaScript objects keyed by name); rename the population`);
  const size = num(p.size, at(path, 'size'), { min: 1, int: true });
  const model = populationModel(p, path);
  const driveKeys = model.isSource ? [] : ['iExt', 'noise', 'poissonInput'];
  // Encoder blocks (src/encoding/specEncoder.ts) name data files, which a spec validator cannot read.
  if ((model.name === 'poisson' || model.name === 'spikeSource') && p.encoder !== undefined)
    fail(at(path, 'encoder'), 'encoder blocks name data files: load the spec with the CLI, or call resolveEncoders(spec, readFile) first');
  const sourceKeys = model.name === 'spikeSource' ? ['times', 'ids', 'capacity'] : model.name === 'poisson' ? ['rateTable'] : [];
  onlyKeys(p, ['size', 'model', 'params', 'init', ...driveKeys, ...sourceKeys], path);

  const params = p.params === undefined ? {} : obj(p.params, at(path, 'params'));
  const paramNames = Object.keys(model.params);
  onlyKeys(params, model.isSource ? paramNames : [...paramNames, 'receptors'], at(path, 'params'));
  for (const [k, info] of Object.entries(model.params)) {
    if (params[k] === undefined) {
      if (info.default === undefined && !(info.replacedBy && p[info.replacedBy] !== undefined))
        fail(
          at(at(path, 'params'), k),
          `is required for model ${model.name} (${[info.doc, info.unit].filter(Boolean).join(', ')})${info.replacedBy ? `, or give the population a ${info.replacedBy}` : ''}`,
        );
      continue;
    }
    validateValue(params[k], at(at(path, 'params'), k), size, info.range);
  }
  const receptorNames: string[] = [];
  if (params.receptors !== undefined) {
    const rp = at(at(path, 'params'), 'receptors');
    for (const [rn, r] of Object.entries(obj(params.receptors, rp))) {
      const ro = obj(r, at(rp, rn));
      const kinds = Object.keys(receptorKinds);
      if (!has(receptorKinds, ro.kind)) fail(at(at(rp, rn), 'kind'), `unknown receptor kind ${describe(ro.kind)}${suggest(String(ro.kind), kinds)}`);
      const kind = receptorKinds[ro.kind as keyof typeof receptorKinds];
      onlyKeys(ro, ['kind', ...Object.keys(kind.params)], at(rp, rn));
      for (const [k, info] of Object.entries(kind.params)) num(ro[k], at(at(rp, rn), k), info.range);
      receptorNames.push(rn);
    }
  }
  if (typeof p.model === 'object') checkEquationInputs(model, p, path);
  if (p.init !== undefined) {
    const init = obj(p.init, at(path, 'init'));
    const vars = Object.entries(model.state)
      .filter(([, s]) => !s.internal)
      .map(([k]) => k);
    onlyKeys(init, vars, at(path, 'init'));
    for (const [k, v] of Object.entries(init)) validateValue(v, at(at(path, 'init'), k), size);
  }
  if (p.iExt !== undefined) validateValue(p.iExt, at(path, 'iExt'), size);
  if (p.noise !== undefined) {
    const n = obj(p.noise, at(path, 'noise'));
    onlyKeys(n, ['sd'], at(path, 'noise'));
    num(n.sd, at(at(path, 'noise'), 'sd'), { min: 0 });
  }
  if (p.poissonInput !== undefined) {
    if (!Array.isArray(p.poissonInput)) fail(at(path, 'poissonInput'), 'must be an array of {count, rate, weight, receptor}');
    (p.poissonInput as unknown[]).forEach((x, j) => {
      const jp = at(at(path, 'poissonInput'), j);
      const pi = obj(x, jp);
      onlyKeys(pi, ['count', 'rate', 'weight', 'receptor'], jp);
      num(pi.count, at(jp, 'count'), { min: 0, int: true });
      num(pi.rate, at(jp, 'rate'), { min: 0 });
      num(pi.weight, at(jp, 'weight'));
      if (!receptorNames.includes(pi.receptor as string))
        fail(
          at(jp, 'receptor'),
          `population ${name} has no receptor ${describe(pi.receptor)}${receptorNames.length ? suggest(String(pi.receptor), receptorNames) : ' (it declares none: add params.receptors)'}`,
        );
    });
  }
  if (model.name === 'spikeSource') {
    const times = numArray(p.times ?? [], at(path, 'times'), { min: 0 });
    const ids = numArray(p.ids ?? [], at(path, 'ids'), { min: 0, max: size - 1, int: true });
    if (times.length !== ids.length) fail(at(path, 'ids'), `has ${ids.length} entries but times has ${times.length}; they pair up`);
    if (p.capacity !== undefined) {
      const capacity = num(p.capacity, at(path, 'capacity'), { min: 0, int: true, max: MAX_TABLE_WORDS });
      if (capacity < times.length) fail(at(path, 'capacity'), `is ${capacity}, fewer than the ${times.length} events in times`);
    }
  }
  if (p.rateTable !== undefined) validateRateTable(p.rateTable, at(path, 'rateTable'), size, params.rate !== undefined, at(at(path, 'params'), 'rate'));
}

/** Words the shared u32 tables may hold (they are one storage buffer, indexed by u32). */
const MAX_TABLE_WORDS = 2 ** 31;

function validateRateTable(x: unknown, path: string, size: number, hasRate: boolean, ratePath: string): void {
  if (hasRate) fail(ratePath, 'is given by rateTable; give one or the other');
  const t = obj(x, path);
  onlyKeys(t, ['every', 'rates', 'loop'], path);
  num(t.every, at(path, 'every'), { min: 0, exclusiveMin: true });
  if (t.loop !== undefined && typeof t.loop !== 'boolean') fail(at(path, 'loop'), `must be true or false, got ${describe(t.loop)}`);
  if (!Array.isArray(t.rates) || t.rates.length === 0) fail(at(path, 'rates'), 'must be a non-empty array of rows: a rate (Hz) or one rate per neuron');
  (t.rates as unknown[]).forEach((row, k) => {
    const rp = at(at(path, 'rates'), k);
    if (Array.isArray(row)) {
      if (row.length !== size) fail(rp, `has ${row.length} rates; the population has ${size} neurons`);
      numArray(row, rp, { min: 0 });
    } else num(row, rp, { min: 0 });
  });
  if ((t.rates as unknown[]).length * size > MAX_TABLE_WORDS)
    fail(at(path, 'rates'), `rows × size is more than the ${MAX_TABLE_WORDS} words the tables can hold`);
}

const connectKeys: Record<string, string[]> = {
  allToAll: ['rule', 'allowSelf'],
  oneToOne: ['rule'],
  fixedProbability: ['rule', 'p', 'allowSelf'],
  fixedInDegree: ['rule', 'k', 'allowSelf', 'allowMultiple'],
  fixedOutDegree: ['rule', 'k', 'allowSelf', 'allowMultiple'],
  fixedTotal: ['rule', 'n', 'allowSelf', 'allowMultiple'],
  list: ['rule', 'pre', 'post'],
};

/**
 * Why a projection's rows cannot be regenerated one at a time from keyed draws (procedural
 * storage, or rows built on the device), or null when they can: the rule must be one whose rows
 * come from keyed draws, and the synapses static with weights and delays as forms.
 */
export function regenerableRowsRefusal(pr: {
  connect: { rule: string; allowMultiple?: boolean };
  weight: unknown;
  delay?: unknown;
  plasticity?: unknown;
}): string | null {
  const c = pr.connect;
  if (pr.plasticity !== undefined) return 'procedural synapses are static: a plastic projection needs "stored"';
  if (Array.isArray(pr.weight) || Array.isArray(pr.delay))
    return 'procedural synapses draw weights and delays from a number or a distribution, not a per-synapse list';
  const multiple = c.allowMultiple !== false;
  const regenerable = c.rule === 'allToAll' || c.rule === 'oneToOne' || ((c.rule === 'fixedOutDegree' || c.rule === 'fixedTotal') && multiple);
  if (regenerable) return null;
  return `procedural synapses need a rule whose rows can be regenerated: allToAll, oneToOne, or fixedOutDegree / fixedTotal with multapses (allowMultiple), not ${String(c.rule)}${multiple ? '' : ' without multapses'}`;
}

/** "stored" or "procedural"; procedural rows are regenerated at each spike (regenerableRowsRefusal). */
function validateStorage(pr: Obj, path: string): void {
  if (pr.storage !== 'stored' && pr.storage !== 'procedural') fail(path, `must be "stored" or "procedural", got ${describe(pr.storage)}`);
  if (pr.storage === 'stored') return;
  const refusal = regenerableRowsRefusal(pr as Parameters<typeof regenerableRowsRefusal>[0]);
  if (refusal) fail(path, refusal);
}

function validateProjection(spec: Obj, pr: Obj, path: string): void {
  onlyKeys(pr, ['name', 'pre', 'post', 'connect', 'weight', 'delay', 'receptor', 'plasticity', 'storage'], path);
  if (pr.name !== undefined && typeof pr.name !== 'string') fail(at(path, 'name'), 'must be a string');
  if (typeof pr.name === 'string' && /^projections\[\d+\]$/.test(pr.name))
    fail(at(path, 'name'), `${describe(pr.name)} is reserved: it names an unnamed projection`);
  if (typeof pr.name === 'string' && RESERVED_NAMES.includes(pr.name))
    fail(at(path, 'name'), `${describe(pr.name)} is reserved (results are JavaScript objects keyed by name); rename the projection`);
  const pops = spec.populations as Record<string, Obj>;
  const popNames = Object.keys(pops);
  for (const side of ['pre', 'post'] as const)
    if (!has(pops, pr[side])) fail(at(path, side), `unknown population ${describe(pr[side])}${suggest(String(pr[side]), popNames)}`);
  const pre = pops[pr.pre as string],
    post = pops[pr.post as string];
  if (populationModel(post, at('populations', pr.post as string)).isSource)
    fail(at(path, 'post'), `population ${pr.post} is a ${post.model} source and takes no input`);
  const receptors = Object.keys(((post.params as Obj | undefined)?.receptors as Obj) ?? {});
  if (!has(((post.params as Obj | undefined)?.receptors as Obj) ?? {}, pr.receptor))
    fail(
      at(path, 'receptor'),
      `population ${pr.post} has no receptor ${describe(pr.receptor)}${receptors.length ? suggest(String(pr.receptor), receptors) : ' (it declares none: add params.receptors)'}`,
    );

  const cp = at(path, 'connect');
  const c = obj(pr.connect, cp);
  const rules = Object.keys(connectKeys);
  if (!rules.includes(c.rule as string)) fail(at(cp, 'rule'), `unknown rule ${describe(c.rule)}${suggest(String(c.rule), rules)}`);
  onlyKeys(c, connectKeys[c.rule as string], cp);
  for (const b of ['allowSelf', 'allowMultiple']) if (c[b] !== undefined && typeof c[b] !== 'boolean') fail(at(cp, b), 'must be true or false');
  const nPre = pre.size as number,
    nPost = post.size as number;
  switch (c.rule) {
    case 'fixedProbability':
      num(c.p, at(cp, 'p'), { min: 0, max: 1 });
      break;
    case 'fixedInDegree': {
      const k = num(c.k, at(cp, 'k'), { min: 0, int: true });
      if (c.allowMultiple === false && k > nPre) fail(at(cp, 'k'), `is ${k} but ${pr.pre} has only ${nPre} neurons and allowMultiple is false`);
      break;
    }
    case 'fixedOutDegree': {
      const k = num(c.k, at(cp, 'k'), { min: 0, int: true });
      if (c.allowMultiple === false && k > nPost) fail(at(cp, 'k'), `is ${k} but ${pr.post} has only ${nPost} neurons and allowMultiple is false`);
      break;
    }
    case 'fixedTotal': {
      const n = num(c.n, at(cp, 'n'), { min: 0, int: true });
      const pairs = nPre * nPost - (pr.pre === pr.post && c.allowSelf === false ? nPre : 0);
      if (c.allowMultiple === false && n > pairs) fail(at(cp, 'n'), `is ${n} but there are only ${pairs} possible pairs and allowMultiple is false`);
      if (n > 0 && pairs === 0) fail(at(cp, 'n'), `is ${n} but there is no possible pair (allowSelf is false and the population has one neuron)`);
      break;
    }
    case 'oneToOne':
      if (nPre !== nPost) fail(cp, `oneToOne needs equal sizes, but ${pr.pre} has ${nPre} and ${pr.post} has ${nPost}`);
      break;
    case 'list': {
      const a = numArray(c.pre, at(cp, 'pre'), { min: 0, max: nPre - 1, int: true });
      const b = numArray(c.post, at(cp, 'post'), { min: 0, max: nPost - 1, int: true });
      if (a.length !== b.length) fail(at(cp, 'post'), `has ${b.length} entries but pre has ${a.length}; they pair up`);
      break;
    }
  }
  const postModelReceptor = ((post.params as Obj | undefined)?.receptors as Record<string, Obj>)[pr.receptor as string];
  const nonNegative = receptorKinds[postModelReceptor.kind as keyof typeof receptorKinds].nonNegativeWeights === true;
  validateValue(pr.weight, at(path, 'weight'), undefined, nonNegative ? { min: 0 } : {});
  if (pr.delay !== undefined) validateValue(pr.delay, at(path, 'delay'), undefined, { min: 0 });
  if (pr.storage !== undefined) validateStorage(pr, at(path, 'storage'));
  if (pr.plasticity !== undefined)
    validatePlasticity(pr.plasticity, at(path, 'plasticity'), nonNegative ? `${pr.receptor as string} is a ${postModelReceptor.kind as string}` : null, pops);
}

/**
 * A projection's `plasticity`: a rule of the registry, its parameters (defaults where it has
 * them) and options. `nonNegative`: why weights must stay ≥ 0 ("exc is a conductance"), or null.
 */
function validatePlasticity(x: unknown, pp: string, nonNegative: string | null, populations: Record<string, Obj>): void {
  const pl = obj(x, pp);
  const rules = Object.keys(plasticityRules);
  if (!has(plasticityRules, pl.rule)) fail(at(pp, 'rule'), `unknown rule ${describe(pl.rule)}${suggest(String(pl.rule), rules)}`);
  const family = plasticityRules[pl.rule as string];
  const modulated = family.definition({}).modulator !== undefined;
  onlyKeys(pl, ['rule', ...Object.keys(family.params), ...Object.keys(family.options), 'normalize', ...(modulated ? ['modulatedBy'] : [])], pp);
  for (const [k, info] of Object.entries(family.params)) {
    if (pl[k] === undefined) {
      if (info.default === undefined) fail(at(pp, k), `is required for rule ${family.name} (${info.doc}, ${info.unit})`);
      continue;
    }
    num(pl[k], at(pp, k), info.range ?? {});
  }
  for (const [k, o] of Object.entries(family.options))
    if (pl[k] !== undefined && !o.values.includes(pl[k] as string)) fail(at(pp, k), `must be ${o.values.map((v) => JSON.stringify(v)).join(' or ')}`);
  if ((pl.wMin as number) > (pl.wMax as number)) fail(at(pp, 'wMax'), `must be ≥ wMin (${pl.wMin})`);
  if (nonNegative && (pl.wMin as number) < 0) fail(at(pp, 'wMin'), `must be ≥ 0: receptor ${nonNegative}`);
  if (pl.modulatedBy !== undefined) {
    const mp = at(pp, 'modulatedBy');
    const m = obj(pl.modulatedBy, mp);
    onlyKeys(m, ['population', 'amount'], mp);
    if (!has(populations, m.population))
      fail(at(mp, 'population'), `unknown population ${describe(m.population)}${suggest(String(m.population), Object.keys(populations))}`);
    num(m.amount, at(mp, 'amount'));
  }
  if (pl.normalize !== undefined) {
    const np = at(pp, 'normalize');
    const n = obj(pl.normalize, np);
    onlyKeys(n, ['total', 'every'], np);
    // Scaling keeps signs only for weights ≥ 0; tiny totals would leave the f32 normal range.
    num(n.total, at(np, 'total'), { min: 1e-30 });
    num(n.every, at(np, 'every'), { min: 0, exclusiveMin: true });
    if ((pl.wMin as number) < 0) fail(at(pp, 'wMin'), 'must be ≥ 0 with normalize (weights are scaled to a positive total)');
  }
}

function validateRecord(spec: Obj, r: Obj, path: string): void {
  onlyKeys(r, ['spikes', 'state', 'weights'], path);
  const pops = spec.populations as Record<string, Obj>;
  const popNames = Object.keys(pops);
  const popRef = (x: unknown, p: string): Obj => (has(pops, x) ? pops[x] : fail(p, `unknown population ${describe(x)}${suggest(String(x), popNames)}`));
  if (r.spikes !== undefined) {
    if (!Array.isArray(r.spikes)) fail(at(path, 'spikes'), 'must be an array of population names or {pop, ids}');
    (r.spikes as unknown[]).forEach((s, i) => {
      const sp = at(at(path, 'spikes'), i);
      if (typeof s === 'string') return void popRef(s, sp);
      const so = obj(s, sp);
      onlyKeys(so, ['pop', 'ids'], sp);
      const pop = popRef(so.pop, at(sp, 'pop'));
      numArray(so.ids, at(sp, 'ids'), { min: 0, max: (pop.size as number) - 1, int: true });
    });
  }
  if (r.state !== undefined) {
    if (!Array.isArray(r.state)) fail(at(path, 'state'), 'must be an array of {pop, var, ids?, every?}');
    (r.state as unknown[]).forEach((s, i) => {
      const sp = at(at(path, 'state'), i);
      const so = obj(s, sp);
      onlyKeys(so, ['pop', 'var', 'ids', 'every'], sp);
      const pop = popRef(so.pop, at(sp, 'pop'));
      const vars = Object.entries(populationModel(pop, '').state)
        .filter(([, v]) => !v.internal)
        .map(([k]) => k);
      if (!vars.includes(so.var as string))
        fail(
          at(sp, 'var'),
          `model ${populationModel(pop, '').name} has no state variable ${describe(so.var)}${vars.length ? suggest(String(so.var), vars) : ''}`,
        );
      if (so.ids !== undefined) numArray(so.ids, at(sp, 'ids'), { min: 0, max: (pop.size as number) - 1, int: true });
      if (so.every !== undefined) num(so.every, at(sp, 'every'), { min: spec.dt as number });
    });
  }
  if (r.weights !== undefined) {
    if (!Array.isArray(r.weights)) fail(at(path, 'weights'), 'must be an array of {projection, every}');
    const projections = (spec.projections ?? []) as Obj[];
    const plastic = projections.map((p, i) => (p.plasticity ? projectionName(p, i) : null)).filter((n): n is string => n !== null);
    (r.weights as unknown[]).forEach((w, i) => {
      const wp = at(at(path, 'weights'), i);
      const wo = obj(w, wp);
      onlyKeys(wo, ['projection', 'every'], wp);
      if (!plastic.includes(wo.projection as string))
        fail(
          at(wp, 'projection'),
          `no plastic projection named ${describe(wo.projection)}${plastic.length ? suggest(String(wo.projection), plastic) : ' (the network has none)'}`,
        );
      num(wo.every, at(wp, 'every'), { min: spec.dt as number });
    });
  }
}

/** A projection's name: its `name`, or `projections[i]`. */
export function projectionName(p: { name?: unknown }, index: number): string {
  return typeof p.name === 'string' ? p.name : `projections[${index}]`;
}

/**
 * Check a parsed JSON document against spec v1. A top-level `"$schema"` string (for editors,
 * e.g. `"./node_modules/spikegpu/schema/spec-v1.json"`) is allowed and ignored.
 * @throws SpecError naming the path of the first problem.
 * @example
 *   const spec = validateSpec(JSON.parse(text)); // throws `populations.E.size: must be ≥ 1, got 0`
 */
export function validateSpec(doc: unknown): NetworkSpec {
  const d = obj(doc, '');
  // `$schema` only points editors at schema/spec-v1.json; it is not part of the network.
  const { $schema, ...network } = d;
  if ($schema !== undefined && typeof $schema !== 'string') fail('$schema', `must be a string (the JSON Schema's URL or path), got ${describe($schema)}`);
  onlyKeys(network, ['version', 'name', 'dt', 'seed', 'populations', 'projections', 'record'], '');
  if (d.version !== 1) fail('version', `must be 1 (this is spec v1), got ${describe(d.version)}`);
  if (d.name !== undefined && typeof d.name !== 'string') fail('name', 'must be a string');
  num(d.dt, 'dt', { min: 0, exclusiveMin: true, max: 10 });
  if (d.seed !== undefined) num(d.seed, 'seed', { min: 0, max: 0xffffffff, int: true });
  const pops = obj(d.populations, 'populations');
  if (Object.keys(pops).length === 0) fail('populations', 'must define at least one population');
  for (const [name, p] of Object.entries(pops)) validatePopulation(name, obj(p, at('populations', name)), at('populations', name));
  if (d.projections !== undefined) {
    if (!Array.isArray(d.projections)) fail('projections', 'must be an array');
    (d.projections as unknown[]).forEach((p, i) => validateProjection(d, obj(p, at('projections', i)), at('projections', i)));
    const names = new Map<string, number>();
    (d.projections as Obj[]).forEach((p, i) => {
      if (typeof p.name !== 'string') return;
      if (names.has(p.name)) fail(at(at('projections', i), 'name'), `${describe(p.name)} is already the name of projections[${names.get(p.name)}]`);
      names.set(p.name, i);
    });
  }
  if (d.record !== undefined) validateRecord(d, obj(d.record, 'record'), 'record');
  return d as unknown as NetworkSpec;
}
