/**
 * The parameter and state columns of each neuron group, population by population: the
 * model's parameters (spec values or defaults, drawn per neuron where given as distributions)
 * and what the model derives from them, the drive's columns (external current, noise, receptor
 * decays and fixed-point scales, Poisson inputs), the record flags, and the initial state.
 * Lookup tables the columns point into (event times, Poisson CDFs) are collected on the way.
 */
import type { Value } from '../netspec/types.ts';
import { at, SpecError } from '../netspec/errors.ts';
import { CounterRng, Stream, streamId } from '../rng/counterHash.ts';
import type { CompiledGroup, CompiledPopulation } from './compiled.ts';
import type { NeuronGroups, PopulationPlan } from './groups.ts';
import { spikeSourceCapacity } from '../models/spikeSource.ts';
import { receptorColumn, receptorTau, receptorTermParams } from '../models/receptors.ts';
import { MAX_POISSON_LAMBDA, poissonCdfTable, poissonInputLambda } from './poissonTable.ts';
import { checkRange, expandValue } from './values.ts';

/** What the columns need besides the groups. */
export interface ColumnContext {
  seed: number;
  dt: number;
  /** The fixed-point exponent of a population's receptor. */
  exponentOf: (population: string, receptor: string) => number;
}

/** Appends a table to the shared tables; returns its offset there. */
type AddTable = (values: Uint32Array) => number;

function expand(value: Value | undefined, fallback: number, n: number, rng: CounterRng, path: string): Float64Array {
  return value === undefined ? new Float64Array(n).fill(fallback) : expandValue(value, n, rng, path);
}

/**
 * Fill every group's `params` and `state` columns; returns the lookup tables they point into
 * (one 0 when there are none, so the buffer is never empty).
 */
export function fillNeuronColumns(neurons: NeuronGroups, ctx: ColumnContext): Uint32Array {
  const tables: number[] = [];
  const addTable: AddTable = (values) => {
    const offset = tables.length;
    for (const v of values) tables.push(v);
    return offset;
  };
  neurons.groups.forEach((group, g) => {
    let local = 0;
    for (const plan of neurons.members[g]) {
      fillPopulation(group, local, plan, neurons.populationByName.get(plan.name)!, ctx, addTable);
      local += plan.spec.size;
    }
  });
  return Uint32Array.from(tables.length ? tables : [0]);
}

/** One population's columns, at neuron `local` of its group. */
/**
 * A kernel column must hold finite f32 values: beyond ±3.4·10³⁸ the neuron computes NaN from
 * its first tick and falls silent. Refused here, naming the population and the column.
 */
function checkF32(values: Float64Array, popPath: string, column: string): void {
  for (let i = 0; i < values.length; i++)
    if (!Number.isNaN(values[i]) && !Number.isFinite(Math.fround(values[i])))
      throw new SpecError(popPath, `${column} of neuron ${i} is ${values[i]}, beyond f32's range (±3.4·10³⁸): the kernels would compute NaN`);
}

function fillPopulation(group: CompiledGroup, local: number, plan: PopulationPlan, pop: CompiledPopulation, ctx: ColumnContext, addToTables: AddTable): void {
  const { params: pCols, u32Params: uCols, state: sCols } = group.columns;
  // The population's tables are contiguous: where they start and how long they are (for `sim.setSpikes`).
  pop.tableRegion = { offset: -1, words: 0 };
  const addTable: AddTable = (values) => {
    const offset = addToTables(values);
    if (pop.tableRegion.offset < 0) pop.tableRegion.offset = offset;
    pop.tableRegion.words += values.length;
    return offset;
  };
  const { seed, dt } = ctx;
  const popPath = at('populations', plan.name);
  const n = plan.spec.size;
  const user: Record<string, Float64Array> = {};
  Object.entries(plan.model.params).forEach(([k, info], pi) => {
    const path = at(at(popPath, 'params'), k);
    user[k] = expand(plan.spec.params?.[k] as Value | undefined, info.default ?? NaN, n, new CounterRng(seed, streamId(Stream.param, plan.index), pi), path);
    checkRange(user[k], info.range, path);
  });
  const derived: Record<string, Float64Array | Uint32Array> = {
    ...plan.model.deriveParams(user, {
      dt,
      n,
      receptors: plan.receptors,
      addTable,
      events: plan.spec.times ? { times: plan.spec.times, ids: plan.spec.ids ?? [] } : undefined,
      capacity: plan.model.name === 'spikeSource' ? spikeSourceCapacity(plan.spec) : undefined,
      rateTable: plan.spec.rateTable,
    }),
  };
  if (!plan.model.isSource) {
    derived.iExt = expand(plan.spec.iExt, 0, n, new CounterRng(seed, streamId(Stream.param, plan.index), 1000), at(popPath, 'iExt'));
    if (plan.drive.noise) derived.noiseSd = new Float64Array(n).fill(plan.spec.noise!.sd);
    for (const r of plan.receptors) {
      derived[`invScale_${r.index}`] = new Float64Array(n).fill(2 ** -ctx.exponentOf(plan.name, r.name));
      const tau = receptorTau(r);
      if (tau !== undefined) derived[`decay_${r.index}`] = new Float64Array(n).fill(Math.exp(-dt / tau));
      const given = r.spec as unknown as Record<string, number>;
      for (const param of receptorTermParams(r)) derived[receptorColumn(param, r)] = new Float64Array(n).fill(given[param]);
    }
    (plan.spec.poissonInput ?? []).forEach((pi, j) => {
      const lambda = poissonInputLambda(pi.count, pi.rate, dt);
      if (lambda > MAX_POISSON_LAMBDA)
        throw new SpecError(
          at(at(popPath, 'poissonInput'), j),
          `count × rate × dt is ${lambda} events per tick; at most ${MAX_POISSON_LAMBDA} (the table of its distribution would take ${lambda.toPrecision(2)} words)`,
        );
      const table = poissonCdfTable(lambda);
      derived[`pinWeight_${j}`] = new Float64Array(n).fill(pi.weight);
      derived[`pinTable_${j}`] = new Uint32Array(n).fill(addTable(table));
      derived[`pinLength_${j}`] = new Uint32Array(n).fill(table.length);
    });
  }
  if (pop.tableRegion.offset < 0) pop.tableRegion.offset = 0;
  const rec = new Uint32Array(n);
  if (pop.recordIds === null) rec.fill(1);
  else for (const id of pop.recordIds) rec[id] = 1;
  derived.record = rec;

  const u32View = new Uint32Array(group.params.buffer);
  for (const c of pCols) checkF32(derived[c] as Float64Array, popPath, c);
  pCols.forEach((c, ci) => group.params.set(derived[c] as Float64Array, ci * group.size + local));
  uCols.forEach((c, ci) => u32View.set(derived[c] as Uint32Array, (pCols.length + ci) * group.size + local));

  // State: model variables from init / defaults, receptor values 0.
  const init = initialState(plan, user, seed, popPath);
  sCols.forEach((c, ci) => {
    if (init[c]) group.state.set(init[c], ci * group.size + local);
  });
}

/** A population's model variables at t = 0: from the spec's `init`, else the model's default (a number, a parameter, or a function). */
function initialState(plan: PopulationPlan, user: Record<string, Float64Array>, seed: number, popPath: string): Record<string, Float64Array> {
  const n = plan.spec.size;
  const init: Record<string, Float64Array> = {};
  Object.entries(plan.model.state).forEach(([k, info], si) => {
    const given = plan.spec.init?.[k];
    if (given !== undefined) init[k] = expandValue(given, n, new CounterRng(seed, streamId(Stream.init, plan.index), si), at(at(popPath, 'init'), k));
    else if (typeof info.init === 'number') init[k] = new Float64Array(n).fill(info.init);
    else if (typeof info.init === 'string') init[k] = Float64Array.from(user[info.init]);
    else {
      const fn = info.init;
      init[k] = Float64Array.from({ length: n }, (_, i) => fn(user, init, i));
    }
  });
  return init;
}
