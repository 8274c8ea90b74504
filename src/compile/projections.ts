/**
 * The synapse stages of compiling: each projection connected (or, for procedural storage,
 * described by its rows), its synapses counted per receptor channel with a bound on their
 * weights (for the fixed-point scale); then, once the scale is known, its synapses written into
 * the rows by source or turned into a procedural description.
 *
 * Weights and delays given as forms (a number, uniform, clipped normal) are keyed draws
 * (synapseDraws.ts): synapse k of run x (the source's row, or the target's column for
 * `fixedInDegree`; x = 0 and k = the synapse's index for rules without runs) draws from
 * `(seed, projection, x, k)`. Per-synapse lists are taken as given.
 */
import type { ReceptorSlot } from '../models/model.ts';
import { at, SpecError } from '../netspec/errors.ts';
import type { Distribution, ProjectionSpec } from '../netspec/types.ts';
import { Stream, streamId } from '../rng/counterHash.ts';
import { delayTicks, type CompiledPopulation } from './compiled.ts';
import { connectRuns, keyedPartners, keyedRowCounts, type DrawKey, type PairRuns } from './connectivity.ts';
import { type ProceduralProjection, type ProceduralRows } from './proceduralRows.ts';
import { receptorKindOf } from '../models/receptors.ts';
import {
  delayTicksOf,
  drawAt,
  drawQuantized,
  drawReal,
  formBound,
  formMaxDelayTicks,
  formRange,
  MAX_DELAY_TICKS,
  quantizeDelay,
  quantizeForm,
  rowKey,
  type QuantizedForm,
} from './synapseDraws.ts';

/** A projection between connecting and writing its synapses. */
export interface BuiltProjection {
  index: number;
  spec: ProjectionSpec;
  pre: CompiledPopulation;
  post: CompiledPopulation;
  receptor: ReceptorSlot;
  /** Ring channel of post neuron 0 on the receptor. */
  base: number;
  count: number;
  /** Stored synapses (null once written into the rows, and for procedural ones). */
  runs: PairRuns | null;
  /** Rows drawn from keyed draws: procedural ones, or stored ones the device draws (`onDevice`); null otherwise. */
  rows: ProceduralRows | null;
  /** Stored synapses the device draws into the rows (not procedural, not built on the host). */
  onDevice: boolean;
  noSelf: boolean;
  /** The weight as a form, or null when given per synapse (`weightList`). */
  weightForm: number | Distribution | null;
  weightList: Float64Array | null;
  /** The delay (ms) as a form, or null when given per synapse (`delayList`, ticks). */
  delayForm: number | Distribution | null;
  delayList: Uint32Array | null;
  /** Largest delay any synapse can have, ticks. */
  maxDelay: number;
}

/** What connecting all projections accumulates per receptor channel. */
export interface ChannelLoad {
  /** Bound on Σ|w| into each channel. */
  absSum: Float64Array;
  /** Synapses into each channel. */
  inCount: Uint32Array;
}

/** The rows of a procedural projection (validateSpec admits only the rules with keyed rows). */
function proceduralRows(c: ProjectionSpec['connect'], key: DrawKey, nPre: number): ProceduralRows {
  if (c.rule === 'allToAll') return { kind: 'all' };
  if (c.rule === 'oneToOne') return { kind: 'one' };
  if (c.rule === 'fixedOutDegree') return { kind: 'fixed', length: c.k };
  if (c.rule === 'fixedTotal') return { kind: 'counts', counts: keyedRowCounts(key, c.n, nPre) };
  throw new Error(`procedural rows for ${c.rule}`);
}

/** Calls fn(x, k, s) for each synapse s of the runs: its run x and place k in it (and startRun(x) as each run begins). */
function forEachKey(runs: PairRuns, fn: (x: number, k: number, s: number) => void, startRun?: (x: number) => void): void {
  if (runs.by === null) {
    startRun?.(0);
    for (let s = 0; s < runs.count; s++) fn(0, s, s);
    return;
  }
  const start = runs.start!;
  for (let x = 0; x + 1 < start.length; x++) {
    startRun?.(x);
    for (let s = start[x]; s < start[x + 1]; s++) fn(x, s - start[x], s);
  }
}

/**
 * Connect projection i (or describe its procedural rows) and add its synapses to the channel
 * load. `plasticBound` bounds a plastic weight (it may grow to either bound).
 */
export function connectProjection(
  pr: ProjectionSpec,
  i: number,
  ctx: {
    seed: number;
    dt: number;
    pre: CompiledPopulation;
    post: CompiledPopulation;
    receptor: ReceptorSlot;
    base: number;
    load: ChannelLoad;
    /** Stored synapses drawn on the device (the caller checked the rule allows it). */
    onDevice?: boolean;
  },
): BuiltProjection {
  const path = at('projections', i);
  const { pre, post, receptor, base, seed, dt, load } = ctx;
  const samePopulation = pr.pre === pr.post;
  const c = pr.connect;
  const noSelf = samePopulation && 'allowSelf' in c && c.allowSelf === false;

  // Weights: conductances must stay ≥ 0 and plastic weights start within their bounds.
  const weightForm = Array.isArray(pr.weight) ? null : pr.weight;
  const weightList = Array.isArray(pr.weight) ? Float64Array.from(pr.weight) : null;
  const listRange = (xs: Float64Array): [number, number] => xs.reduce(([lo, hi], w) => [Math.min(lo, w), Math.max(hi, w)], [Infinity, -Infinity]);
  const [wLo, wHi] = weightForm !== null ? formRange(weightForm) : listRange(weightList!);
  if (receptorKindOf(receptor.spec).nonNegativeWeights && wLo < 0)
    throw new SpecError(
      at(path, 'weight'),
      weightForm !== null && typeof weightForm !== 'number'
        ? `${receptor.spec.kind} weights must be ≥ 0 (the distribution can produce negative values: clip it at 0)`
        : `${receptor.spec.kind} weights must be ≥ 0`,
    );
  if (!Number.isFinite(Math.fround(Math.max(Math.abs(wLo), Math.abs(wHi)))))
    throw new SpecError(
      at(path, 'weight'),
      `reaches ${Math.abs(wLo) > Math.abs(wHi) ? wLo : wHi}, beyond f32's range (±3.4·10³⁸): the kernels would compute NaN`,
    );
  const stdp = pr.plasticity;
  for (const bound of ['wMin', 'wMax'] as const)
    if (stdp && !Number.isFinite(Math.fround(stdp[bound])))
      throw new SpecError(at(at(path, 'plasticity'), bound), `is ${stdp[bound]}, beyond f32's range (±3.4·10³⁸): plastic weights are f32`);
  if (stdp && (wLo < stdp.wMin || wHi > stdp.wMax))
    throw new SpecError(at(path, 'weight'), `initial weights of a plastic projection must lie in [wMin, wMax] = [${stdp.wMin}, ${stdp.wMax}]`);

  const delayValue = pr.delay ?? dt;
  const longest = Array.isArray(delayValue) ? delayValue.reduce((a, d) => Math.max(a, d), 0) : formRange(delayValue)[1];
  if (delayTicks(longest, dt) > MAX_DELAY_TICKS)
    throw new SpecError(
      at(path, 'delay'),
      `reaches ${longest} ms, ${delayTicks(longest, dt)} ticks; delays are at most ${MAX_DELAY_TICKS} ticks (${+(MAX_DELAY_TICKS * dt).toPrecision(6)} ms at dt ${dt} ms)`,
    );
  const delayForm = Array.isArray(delayValue) ? null : delayValue;
  const delayList = Array.isArray(delayValue) ? Uint32Array.from(delayValue, (ms) => delayTicks(ms, dt)) : null;

  let runs: PairRuns | null = null;
  let rows: ProceduralRows | null = null;
  let count: number;
  const { absSum, inCount } = load;
  // A plastic weight may grow to either bound (as the kernels hold it, in f32).
  const constBound = stdp ? Math.max(Math.abs(Math.fround(stdp.wMin)), Math.abs(Math.fround(stdp.wMax))) : weightForm !== null ? formBound(weightForm) : 0;
  const perSynapseBound = weightList !== null && !stdp;
  const key = { seed, projection: i };
  // Synapses into each postsynaptic neuron; Σ|w| adds bound × count per projection, so stored
  // and procedural storage sum alike (the sums are f64: their order is part of the result).
  let inDegrees: Uint32Array;
  const onDevice = pr.storage !== 'procedural' && ctx.onDevice === true;
  if (pr.storage === 'procedural' || onDevice) {
    rows = proceduralRows(c, key, pre.size);
    inDegrees = proceduralInDegrees(rows, key, pre.size, post.size, noSelf);
    count = inDegrees.reduce((a, n) => a + n, 0);
  } else {
    try {
      runs = connectRuns(c, pre.size, post.size, samePopulation, key);
    } catch (e) {
      throw new SpecError(at(path, 'connect'), (e as Error).message);
    }
    count = runs.count;
    if (weightList && weightList.length !== count)
      throw new SpecError(at(path, 'weight'), `has ${weightList.length} values, expected ${count} (one per synapse)`);
    if (delayList && delayList.length !== count) throw new SpecError(at(path, 'delay'), `has ${delayList.length} values, expected ${count} (one per synapse)`);
    inDegrees = storedInDegrees(runs, post.size);
    if (perSynapseBound) {
      const stored = runs;
      forEachKey(stored, (x, _k, s) => (absSum[base + (stored.by === 'post' ? x : stored.post![s])] += Math.abs(weightList[s])));
    }
  }
  for (let j = 0; j < post.size; j++) {
    inCount[base + j] += inDegrees[j];
    if (!perSynapseBound) absSum[base + j] += constBound * inDegrees[j];
  }
  let maxDelay = 1;
  if (count > 0) maxDelay = delayList ? delayList.reduce((a, d) => Math.max(a, d), 1) : formMaxDelayTicks(delayForm!, dt);
  return { index: i, spec: pr, pre, post, receptor, base, count, runs, rows, onDevice, noSelf, weightForm, weightList, delayForm, delayList, maxDelay };
}

/** Synapses into each postsynaptic neuron of stored runs. */
function storedInDegrees(runs: PairRuns, nPost: number): Uint32Array {
  const inDegrees = new Uint32Array(nPost);
  if (runs.by === 'post') {
    const start = runs.start!;
    for (let j = 0; j < nPost; j++) inDegrees[j] = start[j + 1] - start[j];
  } else {
    const postIds = runs.post!;
    for (let s = 0; s < runs.count; s++) inDegrees[postIds[s]]++;
  }
  return inDegrees;
}

/** Synapses into each postsynaptic neuron of procedural rows, drawing partners without keeping them. */
function proceduralInDegrees(rows: ProceduralRows, key: DrawKey, nPre: number, nPost: number, noSelf: boolean): Uint32Array {
  const inDegrees = new Uint32Array(nPost);
  if (rows.kind === 'all') return inDegrees.fill(nPre - (noSelf ? 1 : 0));
  if (rows.kind === 'one') return inDegrees.fill(1, 0, Math.min(nPre, nPost));
  let scratch = new Uint32Array(0);
  for (let x = 0; x < nPre; x++) {
    const n = rows.kind === 'counts' ? rows.counts[x] : rows.length;
    if (scratch.length < n) scratch = new Uint32Array(n);
    keyedPartners(key, x, n, nPost, noSelf, scratch, 0);
    for (let k = 0; k < n; k++) inDegrees[scratch[k]]++;
  }
  return inDegrees;
}

/** A form quantised at a receptor's scale 2^exponent, with the projection named on failure. */
function quantizedWeight(p: BuiltProjection, exponent: number): QuantizedForm {
  try {
    return quantizeForm(p.weightForm!, 2 ** exponent);
  } catch (e) {
    throw new SpecError(at(at('projections', p.index), 'weight'), (e as Error).message);
  }
}

/** The procedural description of a projection once its receptor's fixed-point exponent is known. */
export function proceduralProjection(p: BuiltProjection, exponent: number, name: string, dt: number): ProceduralProjection {
  return {
    index: p.index,
    name,
    preOffset: p.pre.offset,
    preSize: p.pre.size,
    postSize: p.post.size,
    channelBase: p.base,
    rows: p.rows!,
    noSelf: p.noSelf,
    weight: quantizedWeight(p, exponent),
    delay: quantizeDelay(p.delayForm!, dt),
    count: p.count,
  };
}

/**
 * A static projection's synapses into the rows, in generation order: synapse s of row r goes
 * to `fill[r]++`, its target packing channel and delay, its weight quantised by 2^exponent.
 */
export function fillRows(
  p: BuiltProjection,
  seed: number,
  dt: number,
  rows: { fill: Uint32Array; target: Uint32Array; weight: Int32Array; channelBits: number },
  exponent: number,
): void {
  const { fill, target, weight, channelBits } = rows;
  const runs = p.runs!;
  const off = p.pre.offset;
  const scale = 2 ** exponent;
  const wForm = p.weightList ? null : quantizedWeight(p, exponent);
  const dForm = p.delayList ? null : quantizeDelay(p.delayForm!, dt);
  const wStream = streamId(Stream.weight, p.index),
    dStream = streamId(Stream.delay, p.index);
  // A constant weight or delay needs no draw (the common case, kept to a tight loop).
  const wConst = wForm?.kind === 0 ? wForm.a : null;
  const dConst = dForm?.kind === 0 ? delayTicksOf(dForm.a) : null;
  const start = runs.start;
  const groups = start ? start.length - 1 : 1;
  for (let x = 0; x < groups; x++) {
    const s0 = start ? start[x] : 0,
      s1 = start ? start[x + 1] : runs.count;
    const wKey = rowKey(seed, wStream, x),
      dKey = rowKey(seed, dStream, x);
    for (let s = s0; s < s1; s++) {
      const k = s - s0;
      const pre = runs.by === 'pre' ? x : runs.pre![s];
      const post = runs.by === 'post' ? x : runs.post![s];
      const d = dConst ?? (p.delayList ? p.delayList[s] : delayTicksOf(drawQuantized(dForm!, drawAt(dKey, k))));
      const j = fill[off + pre]++;
      target[j] = ((p.base + post) | (d << channelBits)) >>> 0;
      weight[j] = wConst ?? (p.weightList ? Math.round(p.weightList[s] * scale) : drawQuantized(wForm!, drawAt(wKey, k)));
    }
  }
}

/** A plastic projection's synapses as parallel arrays: ids, real weights (f32 later) and delays in ticks. */
export function plasticSynapses(
  p: BuiltProjection,
  seed: number,
  dt: number,
): { preIds: Uint32Array; postIds: Uint32Array; weights: Float64Array; delays: Uint32Array } {
  const runs = p.runs!;
  const n = p.count;
  const preIds = new Uint32Array(n),
    postIds = new Uint32Array(n),
    weights = new Float64Array(n),
    delays = new Uint32Array(n);
  const dForm = p.delayList ? null : quantizeDelay(p.delayForm!, dt);
  const wStream = streamId(Stream.weight, p.index),
    dStream = streamId(Stream.delay, p.index);
  const form = p.weightForm;
  let wKey = 0,
    dKey = 0;
  forEachKey(
    runs,
    (x, k, s) => {
      preIds[s] = runs.by === 'pre' ? x : runs.pre![s];
      postIds[s] = runs.by === 'post' ? x : runs.post![s];
      weights[s] = p.weightList ? p.weightList[s] : typeof form === 'number' ? form : drawReal(form!, drawAt(wKey, k));
      delays[s] = p.delayList ? p.delayList[s] : delayTicksOf(drawQuantized(dForm!, drawAt(dKey, k)));
    },
    // The run's keys, once per run rather than per synapse.
    (x) => {
      wKey = rowKey(seed, wStream, x);
      dKey = rowKey(seed, dStream, x);
    },
  );
  return { preIds, postIds, weights, delays };
}

/**
 * Static weights the fixed-point scale rounds to 0 although they are not: a constant or every
 * value of a distribution below half a unit of 2^−exponent, or such entries of a list. Their
 * synapses deliver nothing; a user would not guess it (the scale follows the largest input of
 * the receptor, so a tiny weight beside large ones vanishes).
 */
export function zeroedWeightWarnings(projections: BuiltProjection[], exponentFor: (p: BuiltProjection) => number): string[] {
  const warnings: string[] = [];
  for (const p of projections) {
    if (p.spec.plasticity || p.count === 0) continue;
    const k = exponentFor(p);
    const path = at(at('projections', p.index), 'weight');
    const vanishes = (w: number) => w !== 0 && Math.round(w * 2 ** k) === 0;
    const scale = `the receptor's fixed-point scale 2^${k} (set by the largest total input into ${p.post.name})`;
    if (p.weightList) {
      let zeroed = 0;
      for (const w of p.weightList) if (vanishes(w)) zeroed++;
      if (zeroed) warnings.push(`${path}: ${zeroed} of ${p.weightList.length} weights round to 0 at ${scale}; those synapses deliver nothing`);
    } else if (p.weightForm !== null && vanishes(formBound(p.weightForm)))
      warnings.push(`${path}: every weight rounds to 0 at ${scale}; the projection delivers nothing`);
  }
  return warnings;
}
