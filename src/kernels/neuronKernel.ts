/**
 * The neuron kernel of one merged group, generated from the model's WGSL snippet (docs/design.md, "A tick",
 * step 1): load columns, read and clear this tick's ring slot per receptor (drive code), run
 * the model, decay receptor values, store state, report state that is not finite
 * (nonFinite.ts), append spikes to the tick's spike list and, for recorded neurons, to the
 * spike log.
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { bindingsWgsl, type BindingTable } from '../gpu/bindings.ts';
import type { CompiledGroup } from '../compile/compiled.ts';
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
  const loads = [
    ...params.map((c, i) => `  let p_${c} = params[${i * n}u + i];`),
    ...u32Params.map((c, i) => `  let u_${c} = bitcast<u32>(params[${(params.length + i) * n}u + i]);`),
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
