/**
 * spec → CompiledNetwork (pure, no GPU): global neuron order, merged neuron groups with their
 * parameter and state columns, seeded connectivity merged into rows by source, delays in
 * ticks, a fixed-point scale per receptor proven free of overflow, and a buffer plan.
 */
import { CounterRng, Stream, streamId } from '../rng/counterHash.ts';
import { at, SpecError } from '../netspec/errors.ts';
import type { PopulationSpec, Value } from '../netspec/types.ts';
import { projectionName, validateSpec } from '../netspec/validateSpec.ts';
import { stdpRule } from '../models/stdp.ts';
import {
  bufferPlan,
  groupColumns,
  networkShape,
  populationLayout,
  recordIds,
  spikeHistorySlots,
  type PopulationLayout,
  type CompiledGroup,
  type CompiledNetwork,
  type CompiledPopulation,
  type PlasticProjection,
  type ReceptorScale,
  type StateProbe,
  type SynapseRows,
} from './compiled.ts';
import { connectProjection, fillRows, plasticSynapses, proceduralProjection, type BuiltProjection } from './projections.ts';
import { fixedPointExponent } from './fixedPoint.ts';
import { poissonCdfTable, poissonInputLambda } from './poissonTable.ts';
import { checkRange, expandValue } from './values.ts';

/** Default seed when the spec gives none. */
export const DEFAULT_SEED = 1;

interface PopPlan extends PopulationLayout {
  name: string;
  index: number;
  spec: PopulationSpec;
}

function planPopulation(name: string, index: number, spec: PopulationSpec): PopPlan {
  return { name, index, spec, ...populationLayout(spec) };
}

function expand(value: Value | undefined, fallback: number, n: number, rng: CounterRng, path: string): Float64Array {
  return value === undefined ? new Float64Array(n).fill(fallback) : expandValue(value, n, rng, path);
}

/**
 * Compile a network document. Validates first, so any problem surfaces as one SpecError
 * naming the JSON path, before anything is allocated.
 * @example const net = compileNetwork(builtinNetwork('cuba', { n: 1000 }));
 */
export function compileNetwork(doc: unknown): CompiledNetwork {
  const spec = validateSpec(doc);
  const dt = spec.dt;
  const seed = spec.seed ?? DEFAULT_SEED;

  // Populations → merged groups, in order of first appearance.
  const plans = Object.entries(spec.populations).map(([name, p], i) => planPopulation(name, i, p));
  const groupKeys = [...new Set(plans.map((p) => p.key))];
  const tables: number[] = [];
  const addTable = (values: Uint32Array): number => {
    const offset = tables.length;
    for (const v of values) tables.push(v);
    return offset;
  };
  const recorded = recordIds(spec);

  const populations: CompiledPopulation[] = [];
  const groups: CompiledGroup[] = [];
  let neuronOffset = 0;
  let channelOffset = 0;
  const groupPlans: PopPlan[][] = [];
  for (const key of groupKeys) {
    const members = plans.filter((p) => p.key === key);
    const first = members[0];
    const size = members.reduce((a, p) => a + p.spec.size, 0);
    const model = first.model;
    const columns = groupColumns(first);
    const group: CompiledGroup = {
      key,
      model,
      receptors: first.receptors,
      drive: first.drive,
      size,
      offset: neuronOffset,
      channelBase: channelOffset,
      populations: members.map((m) => m.name),
      columns,
      params: new Float32Array((columns.params.length + columns.u32Params.length) * size),
      state: new Float32Array(columns.state.length * size),
    };
    let local = 0;
    for (const m of members) {
      populations.push({
        name: m.name,
        size: m.spec.size,
        model: m.model.name,
        offset: neuronOffset + local,
        group: groups.length,
        recordIds: recorded.has(m.name) ? recorded.get(m.name)! : new Uint32Array(0),
      });
      local += m.spec.size;
    }
    neuronOffset += size;
    channelOffset += first.receptors.length * size;
    groups.push(group);
    groupPlans.push(members);
  }
  const popByName = new Map(populations.map((p) => [p.name, p]));
  const planByName = new Map(plans.map((p) => [p.name, p]));
  const channelCount = channelOffset;

  // Synapses: each projection connected (or its procedural rows described), with a bound on
  // the input per channel for the fixed-point scale.
  const load = { absSum: new Float64Array(channelCount), inCount: new Uint32Array(channelCount) };
  const { absSum, inCount } = load;
  const projections: BuiltProjection[] = (spec.projections ?? []).map((pr, i) => {
    const pre = popByName.get(pr.pre)!,
      post = popByName.get(pr.post)!;
    const group = groups[post.group];
    const receptor = planByName.get(pr.post)!.receptors.find((r) => r.name === pr.receptor)!;
    const base = group.channelBase + receptor.index * group.size + (post.offset - group.offset);
    return connectProjection(pr, i, { seed, dt, pre, post, receptor, base, load });
  });
  const maxDelay = projections.reduce((a, p) => Math.max(a, p.maxDelay), 1);

  // Fixed-point exponent per (population, receptor).
  const scales: ReceptorScale[] = [];
  const exponentOf = new Map<string, number>();
  for (const pop of populations) {
    const group = groups[pop.group];
    for (const r of group.receptors) {
      const base = group.channelBase + r.index * group.size + (pop.offset - group.offset);
      let maxAbs = 0,
        maxN = 0;
      for (let i = 0; i < pop.size; i++) {
        maxAbs = Math.max(maxAbs, absSum[base + i]);
        maxN = Math.max(maxN, inCount[base + i]);
      }
      const exponent = fixedPointExponent(maxAbs, maxN);
      exponentOf.set(`${pop.name}\u0000${r.name}`, exponent);
      scales.push({ population: pop.name, receptor: r.name, exponent, maxAbsInput: maxAbs });
    }
  }

  // Rows by global source neuron; target packs channel and delay. Within a row, synapses keep
  // projection order, then generation order (a counting sort).
  const delaySlots = maxDelay + 1;
  const delayBits = Math.max(1, Math.ceil(Math.log2(maxDelay + 1)));
  const channelBits = 32 - delayBits;
  if (channelCount > 2 ** channelBits)
    throw new SpecError('projections', `too many receptor inputs (${channelCount}) for delays up to ${maxDelay} ticks: at most ${2 ** channelBits}`);
  const synapseCount = projections.reduce((a, p) => a + p.count, 0);
  const exponentFor = (p: BuiltProjection) => exponentOf.get(`${p.post.name}\u0000${p.receptor.name}`)!;
  const storedProjections = projections.filter((p) => !p.spec.plasticity && p.runs);
  const staticCount = storedProjections.reduce((a, p) => a + p.count, 0);
  const rowStart = new Uint32Array(neuronOffset + 1);
  for (const p of storedProjections) {
    const runs = p.runs!;
    const off = p.pre.offset;
    if (runs.by === 'pre') {
      const start = runs.start!;
      for (let x = 0; x + 1 < start.length; x++) rowStart[off + x + 1] += start[x + 1] - start[x];
    } else {
      const preIds = runs.pre!;
      for (let s = 0; s < p.count; s++) rowStart[off + preIds[s] + 1]++;
    }
  }
  for (let i = 0; i < neuronOffset; i++) rowStart[i + 1] += rowStart[i];
  const rows = { fill: rowStart.slice(0, neuronOffset), target: new Uint32Array(staticCount), weight: new Int32Array(staticCount), channelBits };
  for (const p of storedProjections) {
    fillRows(p, seed, dt, rows, exponentFor(p));
    // This projection's pairs are in the rows now: let them go.
    p.runs = null;
  }
  const synapses: SynapseRows = { rowStart, target: rows.target, weight: rows.weight, channelBits };
  const procedural = projections.filter((p) => p.rows).map((p) => proceduralProjection(p, exponentFor(p), projectionName(p.spec, p.index), dt));

  const plastic = projections
    .filter((p) => p.spec.plasticity)
    .map((p): PlasticProjection => {
      const ids = plasticSynapses(p, seed, dt);
      p.runs = null;
      return plasticLayout({
        index: p.index,
        name: projectionName(p.spec, p.index),
        pre: p.pre,
        post: p.post,
        channelBase: p.base,
        exponent: exponentFor(p),
        rule: stdpRule(p.spec.plasticity!, dt),
        bounds: { wMin: p.spec.plasticity!.wMin, wMax: p.spec.plasticity!.wMax },
        ...ids,
      });
    });
  const spikeSlots = spikeHistorySlots(plastic.map((p) => p.maxDelay));

  // Parameter and state columns per group.
  groups.forEach((group, g) => {
    const { params: pCols, u32Params: uCols, state: sCols } = group.columns;
    const u32View = new Uint32Array(group.params.buffer);
    let local = 0;
    for (const plan of groupPlans[g]) {
      const popPath = at('populations', plan.name);
      const n = plan.spec.size;
      const pop = popByName.get(plan.name)!;
      const user: Record<string, Float64Array> = {};
      Object.entries(plan.model.params).forEach(([k, info], pi) => {
        const path = at(at(popPath, 'params'), k);
        user[k] = expand(
          plan.spec.params?.[k] as Value | undefined,
          info.default ?? NaN,
          n,
          new CounterRng(seed, streamId(Stream.param, plan.index), pi),
          path,
        );
        checkRange(user[k], info.range, path);
      });
      const derived: Record<string, Float64Array | Uint32Array> = {
        ...plan.model.deriveParams(user, {
          dt,
          n,
          receptors: plan.receptors,
          addTable,
          events: plan.spec.times ? { times: plan.spec.times, ids: plan.spec.ids ?? [] } : undefined,
        }),
      };
      if (!plan.model.isSource) {
        derived.iExt = expand(plan.spec.iExt, 0, n, new CounterRng(seed, streamId(Stream.param, plan.index), 1000), at(popPath, 'iExt'));
        if (plan.drive.noise) derived.noiseSd = new Float64Array(n).fill(plan.spec.noise!.sd);
        for (const r of plan.receptors) {
          derived[`invScale_${r.index}`] = new Float64Array(n).fill(2 ** -exponentOf.get(`${plan.name}\u0000${r.name}`)!);
          if (r.spec.kind === 'current' || r.spec.kind === 'conductance') derived[`decay_${r.index}`] = new Float64Array(n).fill(Math.exp(-dt / r.spec.tau));
          if (r.spec.kind === 'conductance') derived[`eRev_${r.index}`] = new Float64Array(n).fill(r.spec.eRev);
        }
        (plan.spec.poissonInput ?? []).forEach((pi, j) => {
          const table = poissonCdfTable(poissonInputLambda(pi.count, pi.rate, dt));
          derived[`pinWeight_${j}`] = new Float64Array(n).fill(pi.weight);
          derived[`pinTable_${j}`] = new Uint32Array(n).fill(addTable(table));
          derived[`pinLength_${j}`] = new Uint32Array(n).fill(table.length);
        });
      }
      const rec = new Uint32Array(n);
      if (pop.recordIds === null) rec.fill(1);
      else for (const id of pop.recordIds) rec[id] = 1;
      derived.record = rec;

      pCols.forEach((c, ci) => group.params.set(derived[c] as Float64Array, ci * group.size + local));
      uCols.forEach((c, ci) => u32View.set(derived[c] as Uint32Array, (pCols.length + ci) * group.size + local));

      // State: model variables from init / defaults, receptor values 0.
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
      sCols.forEach((c, ci) => {
        if (init[c]) group.state.set(init[c], ci * group.size + local);
      });
      local += n;
    }
  });

  // State probes: indices into the group's state columns.
  let stateSlots = 0;
  const stateProbes: StateProbe[] = (spec.record?.state ?? []).map((r) => {
    const pop = popByName.get(r.pop)!;
    const group = groups[pop.group];
    const ids = r.ids ? Uint32Array.from(r.ids) : Uint32Array.from({ length: pop.size }, (_, i) => i);
    const column = group.columns.state.indexOf(r.var);
    const stateIndex = ids.map((id) => column * group.size + (pop.offset - group.offset) + id);
    const probe = {
      population: r.pop,
      variable: r.var,
      ids,
      everyTicks: Math.max(1, Math.round((r.every ?? dt) / dt)),
      group: pop.group,
      stateIndex,
      slot: stateSlots,
    };
    stateSlots += ids.length;
    return probe;
  });

  const weightRecords = (spec.record?.weights ?? []).map((r) => {
    const k = plastic.findIndex((p) => p.name === r.projection);
    return { projection: r.projection, plastic: k, everyTicks: Math.max(1, Math.round(r.every / dt)) };
  });

  const recordedCount = populations.reduce((a, p) => a + (p.recordIds === null ? p.size : p.recordIds.length), 0);
  const tableArray = Uint32Array.from(tables.length ? tables : [0]);
  const net: Omit<CompiledNetwork, 'buffers'> = {
    spec,
    name: spec.name ?? 'network',
    dt,
    seed,
    neuronCount: neuronOffset,
    synapseCount,
    populations,
    groups,
    channelCount,
    delaySlots,
    spikeSlots,
    synapses,
    procedural,
    plastic,
    tables: tableArray,
    scales,
    recordedCount,
    stateProbes,
    stateSlots,
    weightRecords,
  };
  // The buffer plan comes from the network's shape, as memory planning's estimate does.
  return { ...net, buffers: bufferPlan(networkShape(net)) };
}

interface PlasticInput {
  index: number;
  name: string;
  pre: CompiledPopulation;
  post: CompiledPopulation;
  channelBase: number;
  exponent: number;
  rule: PlasticProjection['rule'];
  bounds: PlasticProjection['bounds'];
  preIds: Uint32Array;
  postIds: Uint32Array;
  weights: Float64Array;
  delays: Uint32Array;
}

/** Rows by (pre, delay) and columns by post of one plastic projection (see PlasticProjection). */
function plasticLayout(p: PlasticInput): PlasticProjection {
  const n = p.preIds.length;
  const preSize = p.pre.size,
    postSize = p.post.size;
  const maxDelay = p.delays.reduce((a, d) => Math.max(a, d), 1);
  const delayBits = Math.max(1, Math.ceil(Math.log2(maxDelay + 1)));
  const preBits = 32 - delayBits;
  if (preSize > 2 ** preBits)
    throw new SpecError(
      at('projections', p.index),
      `plastic projection too large: ${preSize} presynaptic neurons with delays up to ${maxDelay} ticks (at most ${2 ** preBits})`,
    );
  // Counting sort by segment (pre, delay), stable in generation order.
  const segStart = new Uint32Array(preSize * maxDelay + 1);
  const segOf = (s: number) => p.preIds[s] * maxDelay + p.delays[s] - 1;
  for (let s = 0; s < n; s++) segStart[segOf(s) + 1]++;
  for (let k = 0; k < preSize * maxDelay; k++) segStart[k + 1] += segStart[k];
  const fill = segStart.slice(0, preSize * maxDelay);
  const synapsePost = new Uint32Array(n);
  const weight = new Float32Array(n);
  const rowPre = new Uint32Array(n),
    rowDelay = new Uint32Array(n);
  for (let s = 0; s < n; s++) {
    const k = fill[segOf(s)]++;
    synapsePost[k] = p.postIds[s];
    weight[k] = p.weights[s];
    rowPre[k] = p.preIds[s];
    rowDelay[k] = p.delays[s];
  }
  const colStart = new Uint32Array(postSize + 1);
  for (let k = 0; k < n; k++) colStart[synapsePost[k] + 1]++;
  for (let i = 0; i < postSize; i++) colStart[i + 1] += colStart[i];
  const colFill = colStart.slice(0, postSize);
  const colSynapse = new Uint32Array(n);
  const colPreDelay = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const c = colFill[synapsePost[k]]++;
    colSynapse[c] = k;
    colPreDelay[c] = (rowPre[k] | (rowDelay[k] << preBits)) >>> 0;
  }
  let nonEmpty = 0;
  for (let k = 0; k < preSize * maxDelay; k++) if (segStart[k + 1] > segStart[k]) nonEmpty++;
  const meanSegment = n / Math.max(1, nonEmpty);
  const arrivalLanes = Math.min(64, 2 ** Math.ceil(Math.log2(Math.max(1, meanSegment))));
  return {
    arrivalLanes,
    index: p.index,
    name: p.name,
    pre: p.pre.name,
    post: p.post.name,
    preOffset: p.pre.offset,
    preSize,
    postOffset: p.post.offset,
    postSize,
    channelBase: p.channelBase,
    exponent: p.exponent,
    rule: p.rule,
    bounds: p.bounds,
    maxDelay,
    segStart,
    synapsePost,
    weight,
    colStart,
    colSynapse,
    colPreDelay,
    preBits,
  };
}
