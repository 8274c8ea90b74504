/**
 * Spike propagation through the delay ring (DESIGN §4, step 2), run at the start of tick t
 * for the spikes of tick t − 1: one workgroup per spike (grid-stride when there are more
 * spikes than workgroups), threads along the source's row so reads are coalesced. Each
 * synapse adds its fixed-point weight into slot (t − 1 + delay) mod D of its target channel.
 * Dispatched indirectly with the spike count the end-of-tick kernel wrote, so a silent tick
 * costs one empty dispatch.
 */
import { Ctrl, LogMeta, WORKGROUP_SIZE } from './common.ts';

export interface PropagateConstants {
  neuronCount: number;
  delaySlots: number;
  channelCount: number;
  channelBits: number;
}

export function propagateWgsl(k: PropagateConstants): string {
  const channelMask = k.channelBits >= 32 ? 0xffffffff : 2 ** k.channelBits - 1;
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> ctrl: array<u32, ${Ctrl.size}>;
@group(0) @binding(1) var<storage, read> tickSpikes: array<u32>;
@group(0) @binding(2) var<storage, read> rowStart: array<u32>;
@group(0) @binding(3) var<storage, read> synTarget: array<u32>;
@group(0) @binding(4) var<storage, read> synWeight: array<i32>;
@group(0) @binding(5) var<storage, read_write> ring: array<atomic<i32>>;
@group(0) @binding(6) var<storage, read_write> logMeta: array<atomic<u32>>;

const neuronCount = ${k.neuronCount}u;
const delaySlots = ${k.delaySlots}u;
const channelCount = ${k.channelCount}u;
const channelMask = ${channelMask}u;
const channelBits = ${k.channelBits}u;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tick = ctrl[${Ctrl.tick}];
  if (tick == 0u) { return; }
  let spikeTick = tick - 1u;
  let parity = spikeTick & 1u;
  let count = ctrl[${Ctrl.spikeCount0}u + parity];
  for (var s = wid.x; s < count; s += nwg.x) {
    let source = tickSpikes[parity * neuronCount + s];
    let end = rowStart[source + 1u];
    if (lid == 0u) { atomicAdd(&logMeta[${LogMeta.events}], end - rowStart[source]); }
    for (var j = rowStart[source] + lid; j < end; j += ${WORKGROUP_SIZE}u) {
      let packed = synTarget[j];
      let slot = (spikeTick + (packed >> channelBits)) % delaySlots;
      atomicAdd(&ring[slot * channelCount + (packed & channelMask)], synWeight[j]);
    }
  }
}
`;
}
