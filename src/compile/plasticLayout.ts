/**
 * A plastic projection's synapses laid out twice, rows by (pre, delay) for spike arrival and
 * columns by post for potentiation (see PlasticProjection), with real (f32) weights the STDP
 * kernels update. Apart from the static rows, which hold fixed-point weights that never change.
 */
import { weightNormalization } from '../models/stdp.ts';
import { plasticityRuleOf } from '../models/index.ts';
import { at, SpecError } from '../netspec/errors.ts';
import { projectionName } from '../netspec/validateSpec.ts';
import type { CompiledPopulation, PlasticProjection } from './compiled.ts';
import { plasticSynapses, type BuiltProjection } from './projections.ts';

/** What plasticLayout needs: the projection's facts and its synapses as parallel arrays. */
interface PlasticInput {
  index: number;
  name: string;
  pre: CompiledPopulation;
  post: CompiledPopulation;
  channelBase: number;
  exponent: number;
  rule: PlasticProjection['rule'];
  normalize: PlasticProjection['normalize'];
  bounds: PlasticProjection['bounds'];
  preIds: Uint32Array;
  postIds: Uint32Array;
  weights: Float64Array;
  delays: Uint32Array;
}

/**
 * A connected plastic projection, laid out at its receptor's fixed-point exponent; its pairs
 * are released once drawn.
 */
export function plasticProjection(
  p: BuiltProjection,
  exponent: number,
  seed: number,
  dt: number,
  populationNamed: (name: string) => { offset: number; size: number },
): PlasticProjection {
  const spec = p.spec.plasticity!;
  const source = 'modulatedBy' in spec && spec.modulatedBy ? populationNamed(spec.modulatedBy.population) : null;
  const modulatedBy =
    source && 'modulatedBy' in spec && spec.modulatedBy ? { offset: source.offset, size: source.size, amount: spec.modulatedBy.amount } : null;
  const ids = plasticSynapses(p, seed, dt);
  p.runs = null;
  return plasticLayout({
    index: p.index,
    name: projectionName(p.spec, p.index),
    pre: p.pre,
    post: p.post,
    channelBase: p.base,
    exponent,
    rule: plasticityRuleOf(spec, dt, modulatedBy),
    normalize: weightNormalization(p.spec.plasticity!, dt),
    bounds: { wMin: p.spec.plasticity!.wMin, wMax: p.spec.plasticity!.wMax },
    ...ids,
  });
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
    normalize: p.normalize,
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
