/**
 * State sampling for `record.state`, one kernel per group with probes, run after propagation
 * and before the neuron kernels (so a sample is the value at the start of the tick). Each
 * thread copies one (neuron, variable) into the window's state log when its probe is due.
 * Entries are u32 triples: index into the group's state, sampling period in ticks, slot.
 */
import { bindingsWgsl, type BindingTable } from '../gpu/bindings.ts';
import { Ctrl, flatIndexWgsl, LogMeta, WORKGROUP_SIZE } from './common.ts';

export const SAMPLE_STATE_BINDINGS = [
  { name: 'ctrl', access: 'read', type: 'array<u32>' },
  { name: 'logMeta', access: 'read', type: 'array<u32>' },
  /** u32 triples: index into the group's state, sampling period in ticks, slot. */
  { name: 'entries', access: 'read', type: 'array<u32>' },
  { name: 'state', access: 'read', type: 'array<f32>' },
  { name: 'stateLog', access: 'read_write', type: 'array<f32>' },
] as const satisfies BindingTable;

export function sampleStateWgsl(entryCount: number, stateSlots: number): string {
  return /* wgsl */ `
${bindingsWgsl(SAMPLE_STATE_BINDINGS)}

${flatIndexWgsl}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let e = flatIndex(wid, nwg, lid);
  if (e >= ${entryCount}u) { return; }
  let tick = ctrl[${Ctrl.tick}];
  if (tick % entries[3u * e + 1u] != 0u) { return; }
  let row = tick - logMeta[${LogMeta.windowStart}];
  stateLog[row * ${stateSlots}u + entries[3u * e + 2u]] = state[entries[3u * e]];
}
`;
}
