/**
 * STDP on the GPU (docs/design.md, "A tick"), three kernels per plastic projection. Like propagation,
 * the plasticity of tick t runs as tick t + 1 begins (so below, `spikeTick` = t and the
 * arrivals are those due in tick t + 1), after the static propagation and before the neurons:
 *
 *   0. normalize (projections with `normalize` only, in ticks that are multiples of its period):
 *               one thread per post neuron sums its column's weights in column order and scales
 *               them to the total (exactly rounded division, `exactDivideWgsl`), clipped.
 *
 *   1. decay:   x(t) = x(t − 1)·exp(−dt/τ+) for every pre neuron (kept for maxDelay + 1 ticks,
 *               as delayed arrivals need old values); y ← y·exp(−dt/τ−) for every post neuron.
 *   2. spikes:  one workgroup per spike of tick t. Its first thread grows (or, `nearest`,
 *               resets) the neuron's x(t) and y; then, if it is a post neuron, the threads walk
 *               its column: each incoming synapse (pre j, delay d) is potentiated by x_j(t − d),
 *               the presynaptic trace as the synapse sees it (arrivals up to and including
 *               tick t). x(t) is written and x(t − d), d ≥ 1, read: no race.
 *   3. arrive:  one workgroup per (pre spike, delay d) arriving in tick t + 1, threads along
 *               that row segment: add the current weight to the target's ring slot for tick
 *               t + 1, then depress it by y decayed to t + 1 (post spikes up to tick t).
 *
 * Each weight is written by at most one thread per kernel, so learning is deterministic, and a
 * pre spike arriving in the tick of a post spike counts as causal (potentiation, Δt = 0).
 * The rule's arithmetic is `src/models/stdp.ts`; the CPU reference mirrors this traversal.
 */
import type { PlasticProjection } from '../compile/compiled.ts';
import { fixedFromF32Wgsl, NORMALIZE_MIN_SUM, stdpWgsl, type WeightNormalization } from '../models/stdp.ts';
import { exactDivideWgsl } from '../models/exactDivision.ts';
import { f32Literal } from '../models/model.ts';
import { bindingsWgsl, type BindingTable } from '../gpu/bindings.ts';
import { Ctrl, flatIndexWgsl, LogMeta, WORKGROUP_SIZE } from './common.ts';

export interface PlasticityConstants {
  neuronCount: number;
  spikeSlots: number;
  delaySlots: number;
  channelCount: number;
}

/** Kernels per plastic projection per tick (one more with normalisation). */
export const PLASTICITY_KERNELS = 3;

/** The rule's constants (a uniform buffer filled from `stdpUniform`), every kernel's last binding. */
const STDP_BINDING = { name: 'stdp', access: 'uniform', type: 'StdpConstants' } as const;

/** Bindings of the kernels. */
export const PLASTICITY_BINDINGS = {
  normalize: [
    { name: 'ctrl', access: 'read', type: 'array<u32>' },
    { name: 'colStart', access: 'read', type: 'array<u32>' },
    { name: 'colSynapse', access: 'read', type: 'array<u32>' },
    { name: 'weight', access: 'read_write', type: 'array<f32>' },
    STDP_BINDING,
  ],
  decay: [
    { name: 'ctrl', access: 'read', type: 'array<u32>' },
    { name: 'preTrace', access: 'read_write', type: 'array<f32>' },
    { name: 'postTrace', access: 'read_write', type: 'array<f32>' },
    STDP_BINDING,
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
    STDP_BINDING,
  ],
  arrive: [
    { name: 'ctrl', access: 'read', type: 'array<u32>' },
    { name: 'tickSpikes', access: 'read', type: 'array<u32>' },
    { name: 'segStart', access: 'read', type: 'array<u32>' },
    { name: 'synapsePost', access: 'read', type: 'array<u32>' },
    { name: 'weight', access: 'read_write', type: 'array<f32>' },
    { name: 'postTrace', access: 'read', type: 'array<f32>' },
    { name: 'ring', access: 'read_write', type: 'array<atomic<i32>>' },
    { name: 'logMeta', access: 'read_write', type: 'array<atomic<u32>>' },
    STDP_BINDING,
  ],
} as const satisfies Record<string, BindingTable>;

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
${stdpWgsl(p.rule)}
${flatIndexWgsl}
`;
}

/** Kernel 0: each post neuron's incoming weights scaled to sum to the total (ticks that are multiples of the period). */
export function plasticNormalizeWgsl(p: PlasticProjection, n: WeightNormalization, k: PlasticityConstants): string {
  return /* wgsl */ `
${header(p, k, 'normalize')}
${exactDivideWgsl}
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
  let factor = exactDivide(${f32Literal(n.total)}, sum);
  for (var c = start; c < end; c++) {
    let s = colSynapse[c];
    weight[s] = clamp(weight[s] * factor, stdp.wMin, stdp.wMax);
  }
}
`;
}

/** Kernel 1: decay every trace by one tick. */
export function plasticDecayWgsl(p: PlasticProjection, k: PlasticityConstants): string {
  return /* wgsl */ `
${header(p, k, 'decay')}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tick = ctrl[${Ctrl.tick}];
  if (tick == 0u) { return; }
  let spikeTick = tick - 1u;
  let i = flatIndex(wid, nwg, lid);
  if (i < preSize) {
    preTrace[(spikeTick % traceSlots) * preSize + i] = preTrace[((spikeTick + traceSlots - 1u) % traceSlots) * preSize + i] * stdp.decayPlus;
  }
  if (i < postSize) { postTrace[i] = postTrace[i] * stdp.decayMinus; }
}
`;
}

/**
 * Kernel 2: traces of the neurons that spiked, and potentiation.
 */
export function plasticSpikesWgsl(p: PlasticProjection, k: PlasticityConstants): string {
  const preMask = p.preBits >= 32 ? 0xffffffff : 2 ** p.preBits - 1;
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
    if (lid == 0u) {
      if (pre < preSize) {
        let x = (spikeTick % traceSlots) * preSize + pre;
        preTrace[x] = stdpOnSpike(preTrace[x]);
      }
      if (post < postSize) { postTrace[post] = stdpOnSpike(postTrace[post]); }
    }
    if (post >= postSize) { continue; }
    let end = colStart[post + 1u];
    for (var c = colStart[post] + lid; c < end; c += ${WORKGROUP_SIZE}u) {
      let packed = colPreDelay[c];
      let delay = packed >> ${p.preBits}u;
      let x = preTrace[((spikeTick + traceSlots - delay) % traceSlots) * preSize + (packed & ${preMask}u)];
      let syn = colSynapse[c];
      weight[syn] = stdpPotentiate(weight[syn], x);
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
  return /* wgsl */ `
${header(p, k, 'arrive')}
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
    for (var s = segStart[segment] + lane; s < end; s += ${lanes}u) {
      let post = synapsePost[s];
      let w = weight[s];
      atomicAdd(&ring[ringBase + post], fixedFromF32(w));
      weight[s] = stdpDepress(w, postTrace[post] * stdp.decayMinus);
    }
  }
}
`;
}
