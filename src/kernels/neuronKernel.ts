/**
 * The neuron kernel of one merged group, generated from the model's WGSL snippet (docs/design.md, "A tick",
 * step 1): load columns, read and clear this tick's ring slot per receptor (drive code), run
 * the model, decay receptor values, store state, report state that is not finite
 * (nonFinite.ts), append spikes to the tick's spike list and, for recorded neurons, to the
 * spike log.
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { bindingsWgsl, type BindingTable } from '../gpu/bindings.ts';
import { TEMPLATE_U32_COLUMNS, type CompiledGroup } from '../compile/compiled.ts';
import { driveDecayWgsl, driveHelpersWgsl, driveInputWgsl } from '../models/drive.ts';
import { rngWgsl } from '../rng/counterHash.ts';
import { Ctrl, flatIndexWgsl, LogMeta, WORKGROUP_SIZE } from './common.ts';
import { checkStateWgsl, nonFiniteWgsl } from './nonFinite.ts';

export interface NeuronKernelConstants {
  seed: number;
  /** Neurons in the whole network (tick spike list stride). */
  neuronCount: number;
  /** Ticks of spike history kept (2 without plasticity). */
  spikeSlots: number;
  delaySlots: number;
  channelCount: number;
  /** Variables per neuron in non-finite report keys (`nonFiniteKeyStride`). */
  nonFiniteStride: number;
}

/**
 * `fn neuronStep(i)` for group-local neuron i, plus the group's constants and the helpers it
 * needs. Uses the globals `params`, `state`, `ring`, `ctrl`, `tickSpikes`, `logIds`,
 * `logMeta`, `tables` (shared by the standalone kernel below and the fused kernel).
 */
export function neuronStepWgsl(group: CompiledGroup, k: NeuronKernelConstants): string {
  const { params, u32Params, state } = group.columns;
  const n = group.size;
  const source = group.model.isSource;
  const shared = sharedColumns(group);
  const loads = [
    ...params.map((c, i) => `  let p_${c} = params[${i * n}u${shared.has(c) ? '' : ' + i'}];`),
    ...u32Params.map((c, i) => (shared.has(c) ? `  let u_${c} = ${shared.get(c)}u;` : `  let u_${c} = bitcast<u32>(params[${(params.length + i) * n}u + i]);`)),
    ...state.map((c, i) => `  var s_${c} = state[${i * n}u + i];`),
  ].join('\n');
  const stores = state.map((c, i) => `  state[${i * n}u + i] = s_${c};`).join('\n');
  return wgsl`
const seed = ${k.seed >>> 0}u;
const groupSize = ${n}u;
const groupOffset = ${group.offset}u;
const channelBase = ${group.channelBase}u;
const channelCount = ${k.channelCount}u;
const delaySlots = ${k.delaySlots}u;
const neuronCount = ${k.neuronCount}u;

${rngWgsl}
${nonFiniteWgsl}
#if ${!source}
${driveHelpersWgsl}
#endif
${group.model.wgslFunctions?.(group.receptors) ?? ''}

fn neuronStep(i: u32) {
  let tick = atomicLoad(&ctrl[${Ctrl.tick}]);
  let globalId = groupOffset + i;
${loads}
#if ${!source}
  let slotBase = (tick % delaySlots) * channelCount + channelBase + i;
${driveInputWgsl(group.drive).replace(/ringSlot\((\d+)u\)/g, (_m, r) => `slotBase + ${Number(r) * n}u`)}
#endif
  var spiked = false;
${group.model.wgsl(group.receptors)}
#if ${!source}
${driveDecayWgsl(group.drive)}
#endif
${stores}
${checkStateWgsl(state, k.nonFiniteStride)}
  if (spiked) {
    let history = tick % ${k.spikeSlots}u;
    let k = atomicAdd(&ctrl[${Ctrl.spikeCount}u + history], 1u);
    tickSpikes[history * neuronCount + k] = globalId;
    if (u_record != 0u) {
      let j = atomicAdd(&logMeta[${LogMeta.count}], 1u);
      logIds[j] = globalId;
    }
  }
}
`;
}

/**
 * Columns whose value is the same for every neuron of the group and never changes between
 * runs, with that value's bits (GeNN's parameters that do not vary). The kernel reads an f32
 * one from its first neuron's word: every thread reads the same address, so the column costs
 * one cached word per workgroup instead of 4 B per neuron per tick. It is not written into the
 * WGSL as a literal: compilers fold products of literals (SwiftShader turns dt·(a·x) into
 * (dt·a)·x), which would round differently from the CPU reference. The template's u32 record
 * flag, only ever compared, is a literal. Kept per neuron: the columns `sim.setParams` may
 * change (a model's `settable` parameters) and the u32 columns models own (the input setters
 * rewrite source tables' pointers).
 * @example sharedColumns(cubaExcitatoryGroup).has('vRest') // false: settable, so per neuron; a host column of exp(−dt/τm) is shared
 */
export function sharedColumns(group: CompiledGroup): Map<string, number> {
  const { params, u32Params } = group.columns;
  const n = group.size;
  const words = new Uint32Array(group.params.buffer, group.params.byteOffset, group.params.length);
  const settable = new Set(Object.entries(group.model.params).flatMap(([name, info]) => (info.settable ? [name] : [])));
  const out = new Map<string, number>();
  const consider = (column: string, index: number) => {
    const first = words[index * n];
    for (let i = 1; i < n; i++) if (words[index * n + i] !== first) return;
    out.set(column, first);
  };
  params.forEach((c, i) => {
    if (!settable.has(c)) consider(c, i);
  });
  u32Params.forEach((c, i) => {
    if (TEMPLATE_U32_COLUMNS.includes(c)) consider(c, params.length + i);
  });
  return out;
}

/** Bindings of the neuron kernel; the fused kernel starts with the same. */
export const NEURON_BINDINGS = [
  /** The group's f32 (and bit-cast u32) parameter columns. */
  { name: 'params', access: 'read', type: 'array<f32>' },
  { name: 'state', access: 'read_write', type: 'array<f32>' },
  { name: 'ring', access: 'read_write', type: 'array<atomic<i32>>' },
  { name: 'ctrl', access: 'read_write', type: 'array<atomic<u32>>' },
  { name: 'tickSpikes', access: 'read_write', type: 'array<u32>' },
  { name: 'logIds', access: 'read_write', type: 'array<u32>' },
  { name: 'logMeta', access: 'read_write', type: 'array<atomic<u32>>' },
  /** The network's shared u32 tables (spike source events, Poisson CDFs). */
  { name: 'tables', access: 'read', type: 'array<u32>' },
] as const satisfies BindingTable;

/** WGSL source for a group's neuron kernel: one thread per neuron. */
export function neuronKernelWgsl(group: CompiledGroup, k: NeuronKernelConstants): string {
  return `${bindingsWgsl(NEURON_BINDINGS)}
${neuronStepWgsl(group, k)}
${flatIndexWgsl}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i < groupSize) { neuronStep(i); }
}
`;
}
