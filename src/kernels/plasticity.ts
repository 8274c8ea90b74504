/**
 * STDP on the GPU (docs/design.md, "A tick"), three kernels per plastic projection. Like propagation,
 * the plasticity of tick t runs as tick t + 1 begins (so below, `spikeTick` = t and the
 * arrivals are those due in tick t + 1), after the static propagation and before the neurons:
 *
 *   0. normalize (projections with `normalize` only, in ticks that are multiples of its period):
 *               one thread per post neuron sums its column's weights in column order and scales
 *               them to the total (exactly rounded division, `divideF32`, which the rule's
 *               code brings), clipped.
 *
 *   1. decay:   every trace decays by one tick: each presynaptic trace x(t) = x(t − 1)·exp(−dt/τ)
 *               (kept for maxDelay + 1 ticks, as delayed arrivals need old values), each
 *               postsynaptic trace y ← y·exp(−dt/τ).
 *   2. spikes:  one workgroup per spike of tick t. If the rule's `onPost` reads postsynaptic
 *               traces, every thread first reads the neuron's (their values just before this
 *               spike) and a storage barrier follows. Its first thread applies `onSpike` to the
 *               neuron's x(t) and y; then, if it is a post neuron, the threads walk its column:
 *               each incoming synapse (pre j, delay d) gets `onPost` with x_j(t − d), the
 *               presynaptic traces as the synapse sees them (arrivals up to and including tick
 *               t). x(t) is written and x(t − d), d ≥ 1, read: no race.
 *   3. arrive:  one workgroup per (pre spike, delay d) arriving in tick t + 1, threads along
 *               that row segment: add the current weight to the target's ring slot for tick
 *               t + 1, then apply `onPre` with the postsynaptic traces decayed to t + 1 (post
 *               spikes up to tick t) and the presynaptic traces just before the spike,
 *               x_j(t − d)·exp(−dt/τ) one tick older.
 *
 * Each weight is written by at most one thread per kernel, so learning is deterministic, and a
 * pre spike arriving in the tick of a post spike counts as causal (potentiation, Δt = 0).
 * Trace k of pre neuron i at tick slot s is preTrace[(k·traceSlots + s)·preSize + i]; post
 * trace k of post neuron i is postTrace[k·postSize + i]. The rule's arithmetic is generated from
 * its definition (`src/models/plasticityRule.ts`); the CPU reference mirrors this traversal.
 */
import { modulatorWord, type PlasticProjection } from '../compile/compiled.ts';
import { fixedFromF32Wgsl, NORMALIZE_MIN_SUM, type WeightNormalization } from '../models/stdp.ts';
import { ruleCode } from '../models/plasticityRule.ts';
import { f32Literal } from '../equations/f32.ts';
import { bindingsWgsl, type BindingTable } from '../gpu/bindings.ts';
import { Ctrl, flatIndexWgsl, LogMeta, WORKGROUP_SIZE } from './common.ts';

export interface PlasticityConstants {
  neuronCount: number;
  spikeSlots: number;
  delaySlots: number;
  channelCount: number;
}

/** Kernels a plastic projection dispatches per tick: decay, spikes, arrive, and normalize and periodic where it has them. */
export const plasticityKernelCount = (p: PlasticProjection): number => 3 + (p.normalize ? 1 : 0) + (p.rule.periodTicks ? 1 : 0);

/** The rule's constants (a uniform buffer holding `CompiledRule.constants`), every kernel's last binding. */
const RULE_BINDING = { name: 'rule', access: 'uniform', type: 'RuleConstants' } as const;

/** The arrival kernel's bindings, before and after where a rule reading presynaptic traces adds them. */
const ARRIVE_READS = [
  { name: 'ctrl', access: 'read', type: 'array<u32>' },
  { name: 'tickSpikes', access: 'read', type: 'array<u32>' },
  { name: 'segStart', access: 'read', type: 'array<u32>' },
  { name: 'synapsePost', access: 'read', type: 'array<u32>' },
  { name: 'weight', access: 'read_write', type: 'array<f32>' },
  { name: 'postTrace', access: 'read', type: 'array<f32>' },
] as const;
const ARRIVE_WRITES = [
  { name: 'ring', access: 'read_write', type: 'array<atomic<i32>>' },
  { name: 'logMeta', access: 'read_write', type: 'array<atomic<u32>>' },
  RULE_BINDING,
] as const;

/** Bindings of the kernels. */
export const PLASTICITY_BINDINGS = {
  normalize: [
    { name: 'ctrl', access: 'read', type: 'array<u32>' },
    { name: 'colStart', access: 'read', type: 'array<u32>' },
    { name: 'colSynapse', access: 'read', type: 'array<u32>' },
    { name: 'weight', access: 'read_write', type: 'array<f32>' },
    RULE_BINDING,
  ],
  decay: [
    { name: 'ctrl', access: 'read', type: 'array<u32>' },
    { name: 'tickSpikes', access: 'read', type: 'array<u32>' },
    { name: 'preTrace', access: 'read_write', type: 'array<f32>' },
    { name: 'postTrace', access: 'read_write', type: 'array<f32>' },
    RULE_BINDING,
  ],
  spikes: [
    { name: 'ctrl', access: 'read', type: 'array<u32>' },
    { name: 'tickSpikes', access: 'read', type: 'array<u32>' },
    { name: 'colStart', access: 'read', type: 'array<u32>' },
    { name: 'colSynapse', access: 'read', type: 'array<u32>' },
    { name: 'colPreDelay', access: 'read', type: 'array<u32>' },
    { name: 'preTrace', access: 'read_write', type: 'array<f32>' },
    { name: 'postTrace', access: 'read_write', type: 'array<f32>' },
    { name: 'weight', access: 'read_write', type: 'array<f32>' },
    RULE_BINDING,
  ],
  arrive: [...ARRIVE_READS, ...ARRIVE_WRITES],
  periodic: [
    { name: 'ctrl', access: 'read', type: 'array<u32>' },
    { name: 'weight', access: 'read_write', type: 'array<f32>' },
    { name: 'postTrace', access: 'read', type: 'array<f32>' },
    RULE_BINDING,
  ],
  /** Arrivals for rules whose `onPre` reads presynaptic traces (one storage binding more). */
  arriveReadingPreTraces: [...ARRIVE_READS, { name: 'preTrace', access: 'read', type: 'array<f32>' }, ...ARRIVE_WRITES],
} as const satisfies Record<string, BindingTable>;

/** The arrival kernel's bindings for a projection's rule. */
export const arriveBindings = (p: PlasticProjection) =>
  ruleCode(p.rule.definition).onPre.pre.length ? PLASTICITY_BINDINGS.arriveReadingPreTraces : PLASTICITY_BINDINGS.arrive;

/** The bindings, constants and helpers of one of the kernels. */
function header(p: PlasticProjection, k: PlasticityConstants, kind: keyof typeof PLASTICITY_BINDINGS): string {
  return /* wgsl */ `
${bindingsWgsl(PLASTICITY_BINDINGS[kind])}
const neuronCount = ${k.neuronCount}u;
const spikeSlots = ${k.spikeSlots}u;
const preOffset = ${p.preOffset}u;
const preSize = ${p.preSize}u;
const postOffset = ${p.postOffset}u;
const postSize = ${p.postSize}u;
/** Ticks of presynaptic trace kept: x(t − d) for every delay d of the projection. */
const traceSlots = ${p.maxDelay + 1}u;
const maxDelay = ${p.maxDelay}u;
/** Synapses: the weights fill the first synapseCount words of \`weight\`, each synapse variable the next. */
const synapseCount = ${p.synapsePost.length}u;
/** The neuromodulator's word in \`postTrace\`, after the postsynaptic traces. */
const modulatorIndex = ${modulatorWord(p)}u;
${ruleCode(p.rule.definition).wgsl}
${flatIndexWgsl}
`;
}

/** Kernel 0: each post neuron's incoming weights scaled to sum to the total (ticks that are multiples of the period). */
export function plasticNormalizeWgsl(p: PlasticProjection, n: WeightNormalization, k: PlasticityConstants): string {
  return /* wgsl */ `
${header(p, k, 'normalize')}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  if (ctrl[${Ctrl.tick}] % ${n.everyTicks}u != 0u) { return; }
  let post = flatIndex(wid, nwg, lid);
  if (post >= postSize) { return; }
  let start = colStart[post];
  let end = colStart[post + 1u];
  var sum = 0.0;
  for (var c = start; c < end; c++) { sum = sum + weight[colSynapse[c]]; }
  if (sum < ${f32Literal(NORMALIZE_MIN_SUM)}) { return; }
  let factor = divideF32(${f32Literal(n.total)}, sum);
  for (var c = start; c < end; c++) {
    let s = colSynapse[c];
    weight[s] = clamp(weight[s] * factor, rule.wMin, rule.wMax);
  }
}
`;
}

/** Kernel 1: decay every trace by one tick. */
export function plasticDecayWgsl(p: PlasticProjection, k: PlasticityConstants): string {
  const { preTraces, postTraces } = p.rule.definition;
  const pre = Object.keys(preTraces).map(
    (name, t) =>
      `    preTrace[(${t}u * traceSlots + spikeTick % traceSlots) * preSize + i] = preTrace[(${t}u * traceSlots + (spikeTick + traceSlots - 1u) % traceSlots) * preSize + i] * rule.decay_${name};`,
  );
  const post = Object.keys(postTraces).map((name, t) => `    postTrace[${t}u * postSize + i] = postTrace[${t}u * postSize + i] * rule.decay_${name};`);
  const m = p.rule.definition.modulator;
  const source = p.rule.modulatedBy;
  // The modulator decays, then rises by its step for each spike of its source population in tick t (one thread scans the tick's spikes).
  const modulator = !m
    ? ''
    : `  if (i == 0u) {
    var d = postTrace[modulatorIndex] * rule.decay_${m.name};
${
  source
    ? `    let history = spikeTick % spikeSlots;
    let count = ctrl[${Ctrl.spikeCount}u + history];
    for (var s = 0u; s < count; s++) {
      if (tickSpikes[history * neuronCount + s] - ${source.offset}u < ${source.size}u) { d = d + rule.modulatorStep; }
    }`
    : ''
}
    postTrace[modulatorIndex] = d;
  }`;
  return /* wgsl */ `
${header(p, k, 'decay')}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tick = ctrl[${Ctrl.tick}];
  if (tick == 0u) { return; }
  let spikeTick = tick - 1u;
  let i = flatIndex(wid, nwg, lid);
  if (i < preSize) {
${pre.join('\n')}
  }
  if (i < postSize) {
${post.join('\n')}
  }
${modulator}
}
`;
}

/**
 * Kernel 2: traces of the neurons that spiked, and `onPost` along the columns of post spikes.
 */
export function plasticSpikesWgsl(p: PlasticProjection, k: PlasticityConstants): string {
  const preMask = p.preBits >= 32 ? 0xffffffff : 2 ** p.preBits - 1;
  const { preTraces, postTraces } = p.rule.definition;
  const code = ruleCode(p.rule.definition);
  const preNames = Object.keys(preTraces);
  const postNames = Object.keys(postTraces);
  // onPost reads post traces as they were before this spike: every thread reads them, then a storage barrier, then thread 0 writes.
  const readsPost = code.onPost.post.length > 0;
  const before = code.onPost.post.map((name) => `    let v_${name} = postTrace[${postNames.indexOf(name)}u * postSize + min(post, postSize - 1u)];`);
  const seen = code.onPost.pre.map(
    (name) =>
      `      let v_${name} = preTrace[(${preNames.indexOf(name)}u * traceSlots + (spikeTick + traceSlots - delay) % traceSlots) * preSize + (packed & ${preMask}u)];`,
  );
  return /* wgsl */ `
${header(p, k, 'spikes')}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tick = ctrl[${Ctrl.tick}];
  if (tick == 0u) { return; }
  let spikeTick = tick - 1u;
  let history = spikeTick % spikeSlots;
  let count = ctrl[${Ctrl.spikeCount}u + history];
  for (var s = wid.x; s < count; s += nwg.x) {
    let neuron = tickSpikes[history * neuronCount + s];
    let pre = neuron - preOffset;
    let post = neuron - postOffset;
${before.join('\n')}
${readsPost ? '    storageBarrier();' : ''}
    if (lid == 0u) {
      if (pre < preSize) {
${preNames.map((name, t) => `        let x${t} = (${t}u * traceSlots + spikeTick % traceSlots) * preSize + pre;\n        preTrace[x${t}] = rulePreSpike_${name}(preTrace[x${t}]);`).join('\n')}
      }
      if (post < postSize) {
${postNames.map((name, t) => `        postTrace[${t}u * postSize + post] = rulePostSpike_${name}(postTrace[${t}u * postSize + post]);`).join('\n')}
      }
    }
    if (post >= postSize) { continue; }
    let end = colStart[post + 1u];
    for (var c = colStart[post] + lid; c < end; c += ${WORKGROUP_SIZE}u) {
      let packed = colPreDelay[c];
      let delay = packed >> ${p.preBits}u;
${seen.join('\n')}
      let syn = colSynapse[c] + ${code.synapseValues.indexOf(code.target)}u * synapseCount;
      weight[syn] = ruleOnPost(${['weight[syn]', ...code.onPost.pre.map((n) => `v_${n}`), ...code.onPost.post.map((n) => `v_${n}`)].join(', ')});
    }
  }
}
`;
}

/**
 * Kernel 3: arrivals. Workgroups (·, y) take the spikes of tick t − y (delay d = y + 1), each
 * walking its row segment of delay d with `arrivalLanes` threads (so a workgroup takes
 * 64 / arrivalLanes spikes at a time: short segments, as with spread delays, do not leave most
 * threads idle).
 */
export function plasticArriveWgsl(p: PlasticProjection, k: PlasticityConstants): string {
  const lanes = p.arrivalLanes;
  const perGroup = WORKGROUP_SIZE / lanes;
  const code = ruleCode(p.rule.definition);
  const preNames = Object.keys(p.rule.definition.preTraces);
  const postNames = Object.keys(p.rule.definition.postTraces);
  // Pre traces just before the spike of tick − d: their slot of tick − d − 1, one tick decayed.
  const beforeSpike = code.onPre.pre.map(
    (name) =>
      `    let v_${name} = preTrace[(${preNames.indexOf(name)}u * traceSlots + (tick + traceSlots - d - 1u) % traceSlots) * preSize + pre] * rule.decay_${name};`,
  );
  const atArrival = code.onPre.post.map((name) => `      let v_${name} = postTrace[${postNames.indexOf(name)}u * postSize + post] * rule.decay_${name};`);
  return /* wgsl */ `
${header(p, k, arriveBindings(p) === PLASTICITY_BINDINGS.arrive ? 'arrive' : 'arriveReadingPreTraces')}
${fixedFromF32Wgsl(p.exponent)}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tick = ctrl[${Ctrl.tick}];
  let d = wid.y + 1u;
  if (d > tick || d > maxDelay) { return; }
  let history = (tick - d) % spikeSlots;
  let count = ctrl[${Ctrl.spikeCount}u + history];
  let ringBase = (tick % ${k.delaySlots}u) * ${k.channelCount}u + ${p.channelBase}u;
  let lane = lid % ${lanes}u;
  for (var r = wid.x * ${perGroup}u + lid / ${lanes}u; r < count; r += nwg.x * ${perGroup}u) {
    let pre = tickSpikes[history * neuronCount + r] - preOffset;
    if (pre >= preSize) { continue; }
    let segment = pre * maxDelay + d - 1u;
    let end = segStart[segment + 1u];
    if (lane == 0u) { atomicAdd(&logMeta[${LogMeta.events}], end - segStart[segment]); }
${beforeSpike.join('\n')}
    for (var s = segStart[segment] + lane; s < end; s += ${lanes}u) {
      let post = synapsePost[s];
      let w = weight[s];
      atomicAdd(&ring[ringBase + post], fixedFromF32(w));
${atArrival.join('\n')}
${
  code.target === 'w'
    ? `      weight[s] = ruleOnPre(${['w', ...code.onPre.pre.map((n) => `v_${n}`), ...code.onPre.post.map((n) => `v_${n}`)].join(', ')});`
    : `      let slot = s + ${code.synapseValues.indexOf(code.target)}u * synapseCount;
      weight[slot] = ruleOnPre(${['weight[slot]', ...code.onPre.pre.map((n) => `v_${n}`), ...code.onPre.post.map((n) => `v_${n}`)].join(', ')});`
}
    }
  }
}
`;
}

/**
 * Kernel 4 (rules with a `periodic` update, in ticks that are positive multiples of its period): every
 * synapse's weight and variables from their old values and the modulator, one thread each.
 */
export function plasticPeriodicWgsl(p: PlasticProjection, k: PlasticityConstants): string {
  const code = ruleCode(p.rule.definition);
  const m = p.rule.definition.modulator;
  const values = code.synapseValues.map((name, j) => `  let v_${name} = weight[s + ${j}u * synapseCount];`);
  const args = [...code.synapseValues.map((n) => `v_${n}`), ...(m ? ['postTrace[modulatorIndex]'] : [])].join(', ');
  return /* wgsl */ `
${header(p, k, 'periodic')}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tick = ctrl[${Ctrl.tick}];
  if (tick == 0u || tick % ${p.rule.periodTicks}u != 0u) { return; }
  let s = flatIndex(wid, nwg, lid);
  if (s >= synapseCount) { return; }
${values.join('\n')}
${code.periodic.map((name) => `  weight[s + ${code.synapseValues.indexOf(name)}u * synapseCount] = rulePeriodic_${name}(${args});`).join('\n')}
}
`;
}
