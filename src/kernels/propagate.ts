/**
 * Spike propagation through the delay ring (docs/design.md, "A tick"), run at the start of tick t
 * for the spikes of tick t − 1: one workgroup per spike (grid-stride when there are more
 * spikes than workgroups), threads along the source's row so reads are coalesced. Each
 * synapse adds its fixed-point weight into slot (t − 1 + delay) mod D of its target channel.
 * Dispatched indirectly with the spike count the end-of-tick kernel wrote, so a silent tick
 * costs one empty dispatch.
 */
import { bindingsWgsl, type BindingTable } from '../gpu/bindings.ts';
import { Ctrl, LogMeta, WORKGROUP_SIZE } from './common.ts';

export interface PropagateConstants {
  neuronCount: number;
  /** Ticks of spike history kept (2 without plasticity). */
  spikeSlots: number;
  delaySlots: number;
  channelCount: number;
  channelBits: number;
}

/**
 * `fn propagateSpikes(first, stride, lane, lanes)`: spikes first, first + stride, … of the
 * previous tick, each row walked by `lanes` threads. Uses the globals `ctrl`, `tickSpikes`,
 * `rowStart`, `synTarget`, `synWeight`, `ring`, `logMeta` (shared by the standalone kernel
 * below and the fused kernel).
 */
export function propagateFnWgsl(k: PropagateConstants): string {
  const channelMask = k.channelBits >= 32 ? 0xffffffff : 2 ** k.channelBits - 1;
  return /* wgsl */ `
fn propagateSpikes(first: u32, stride: u32, lane: u32, lanes: u32) {
  let tick = atomicLoad(&ctrl[${Ctrl.tick}]);
  if (tick == 0u) { return; }
  let spikeTick = tick - 1u;
  let history = spikeTick % ${k.spikeSlots}u;
  let count = atomicLoad(&ctrl[${Ctrl.spikeCount}u + history]);
  for (var s = first; s < count; s += stride) {
    let source = tickSpikes[history * ${k.neuronCount}u + s];
    let end = rowStart[source + 1u];
    if (lane == 0u) { atomicAdd(&logMeta[${LogMeta.events}], end - rowStart[source]); }
    for (var j = rowStart[source] + lane; j < end; j += lanes) {
      let packed = synTarget[j];
      let slot = (spikeTick + (packed >> ${k.channelBits}u)) % ${k.delaySlots}u;
      atomicAdd(&ring[slot * ${k.channelCount}u + (packed & ${channelMask}u)], synWeight[j]);
    }
  }
}
`;
}

/** The static synapses, in rows by global source neuron (CSR). */
export const SYNAPSE_BINDINGS = [
  { name: 'rowStart', access: 'read', type: 'array<u32>' },
  /** Target channel (low `channelBits` bits) and delay in ticks (high bits). */
  { name: 'synTarget', access: 'read', type: 'array<u32>' },
  /** Fixed-point weight. */
  { name: 'synWeight', access: 'read', type: 'array<i32>' },
] as const satisfies BindingTable;

export const PROPAGATE_BINDINGS = [
  { name: 'ctrl', access: 'read_write', type: 'array<atomic<u32>>' },
  { name: 'tickSpikes', access: 'read', type: 'array<u32>' },
  ...SYNAPSE_BINDINGS,
  { name: 'ring', access: 'read_write', type: 'array<atomic<i32>>' },
  { name: 'logMeta', access: 'read_write', type: 'array<atomic<u32>>' },
] as const satisfies BindingTable;

export function propagateWgsl(k: PropagateConstants): string {
  return /* wgsl */ `
${bindingsWgsl(PROPAGATE_BINDINGS)}
${propagateFnWgsl(k)}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  propagateSpikes(wid.x, nwg.x, lid, ${WORKGROUP_SIZE}u);
}
`;
}
