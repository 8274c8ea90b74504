/**
 * Spike propagation through the delay ring (docs/design.md, "A tick"), run at the start of tick t
 * for the spikes of tick t − 1: one workgroup per spike (grid-stride when there are more
 * spikes than workgroups), threads along the source's row so reads are coalesced. Each
 * synapse adds its fixed-point weight into slot (t − 1 + delay) mod D of its target channel.
 * Dispatched indirectly with the spike count the end-of-tick kernel wrote, so a silent tick
 * costs one empty dispatch.
 */
import { bindingsWgsl, type BindingTable } from '../gpu/bindings.ts';
import { defaultShardBytes, maxBindingBytes, shardArray } from '../gpu/buffers.ts';
import { proceduralWgsl } from '../compile/proceduralRows.ts';
import { synapseDrawsWgsl } from '../compile/synapseDraws.ts';
import { rngWgsl } from '../rng/counterHash.ts';
import { Ctrl, LogMeta, WORKGROUP_SIZE } from './common.ts';

export interface PropagateConstants {
  neuronCount: number;
  /** Ticks of spike history kept (2 without plasticity). */
  spikeSlots: number;
  delaySlots: number;
  channelCount: number;
  channelBits: number;
  /** How the synapse arrays are split across bindings. */
  sharding: SynapseSharding;
  /** Procedural projections (rows regenerated per spike; 0: none, no procedural bindings). */
  procedural?: number;
  /** The network's seed (the key of procedural rows). */
  seed?: number;
}

/**
 * The static synapse arrays split across bindings, so that no binding exceeds the adapter's
 * `maxStorageBufferBindingSize`: `shards` bindings per array, each of `shardLength` synapses
 * (the last may be shorter). One shard is the usual case.
 */
export interface SynapseSharding {
  shards: number;
  shardLength: number;
}

/** Bindings of the static synapses: row starts (CSR by global source), then each array's shards. */
export function synapseBindings(shards: number): BindingTable {
  const shardsOf = (name: string, type: string) => Array.from({ length: shards }, (_, i) => ({ name: `${name}${i}`, access: 'read' as const, type }));
  return [
    { name: 'rowStart', access: 'read', type: 'array<u32>' },
    // Target channel (low `channelBits` bits) and delay in ticks (high bits).
    ...shardsOf('synTarget', 'array<u32>'),
    // Fixed-point weight.
    ...shardsOf('synWeight', 'array<i32>'),
  ];
}

/** `synTargetAt(j)` and `synWeightAt(j)`: synapse j, wherever its shard is. */
export function synapseAccessWgsl({ shards, shardLength }: SynapseSharding): string {
  const accessor = (fn: string, name: string, type: string) => {
    const lookups = Array.from(
      { length: shards - 1 },
      (_, i) => `  if (j < ${(i + 1) * shardLength}u) { return ${name}${i}[j - ${i * shardLength}u]; }\n`,
    ).join('');
    return `fn ${fn}(j: u32) -> ${type} {\n${lookups}  return ${name}${shards - 1}[j - ${(shards - 1) * shardLength}u];\n}`;
  };
  return `${accessor('synTargetAt', 'synTarget', 'u32')}\n${accessor('synWeightAt', 'synWeight', 'i32')}`;
}

/**
 * `fn propagateSpikes(first, stride, lane, lanes, part, parts)`: spikes first, first + stride,
 * … of the previous tick, each row walked by `lanes` threads. With procedural projections the
 * work of a spike splits into `parts`: part 0 walks the stored row and procedural projections
 * part, part + parts, …, so a grid `parts` high spreads a spike's rows over workgroups (one
 * part: one workgroup does all). Uses the globals `ctrl`, `tickSpikes`,
 * `rowStart`, the synapse shards, `ring`, `logMeta` (shared by the standalone kernel below and
 * the fused kernel).
 */
export function propagateFnWgsl(k: PropagateConstants): string {
  const channelMask = k.channelBits >= 32 ? 0xffffffff : 2 ** k.channelBits - 1;
  const procedural = k.procedural ?? 0;
  const proceduralCode = procedural
    ? `${rngWgsl}\n${synapseDrawsWgsl}\n${proceduralWgsl({ projections: procedural, seed: k.seed ?? 0, delaySlots: k.delaySlots, channelCount: k.channelCount, eventsIndex: LogMeta.events })}`
    : '';
  return /* wgsl */ `
${synapseAccessWgsl(k.sharding)}
${proceduralCode}

fn propagateSpikes(first: u32, stride: u32, lane: u32, lanes: u32, part: u32, parts: u32) {
  let tick = atomicLoad(&ctrl[${Ctrl.tick}]);
  if (tick == 0u) { return; }
  let spikeTick = tick - 1u;
  let history = spikeTick % ${k.spikeSlots}u;
  let count = atomicLoad(&ctrl[${Ctrl.spikeCount}u + history]);
  for (var s = first; s < count; s += stride) {
    let source = tickSpikes[history * ${k.neuronCount}u + s];
    let end = select(rowStart[source], rowStart[source + 1u], part == 0u);
    if (lane == 0u && part == 0u) { atomicAdd(&logMeta[${LogMeta.events}], end - rowStart[source]); }
    for (var j = rowStart[source] + lane; j < end; j += lanes) {
      let packed = synTargetAt(j);
      let slot = (spikeTick + (packed >> ${k.channelBits}u)) % ${k.delaySlots}u;
      atomicAdd(&ring[slot * ${k.channelCount}u + (packed & ${channelMask}u)], synWeightAt(j));
    }${procedural ? '\n    propagateProcedural(source, spikeTick, lane, lanes, part, parts);' : ''}
  }
}
`;
}

/** Bindings of procedural rows: the projections' table and the row lengths (proceduralTables). */
export const PROCEDURAL_BINDINGS: BindingTable = [
  { name: 'procTable', access: 'read', type: 'array<u32>' },
  { name: 'procRowCounts', access: 'read', type: 'array<u32>' },
];

export function propagateBindings(shards: number, procedural = false): BindingTable {
  return [
    { name: 'ctrl', access: 'read_write', type: 'array<atomic<u32>>' },
    { name: 'tickSpikes', access: 'read', type: 'array<u32>' },
    ...synapseBindings(shards),
    ...(procedural ? PROCEDURAL_BINDINGS : []),
    { name: 'ring', access: 'read_write', type: 'array<atomic<i32>>' },
    { name: 'logMeta', access: 'read_write', type: 'array<atomic<u32>>' },
  ];
}

/**
 * How `staticSynapses` synapses are split into shards on a device with `limits`, and the
 * storage bindings propagation then needs (which the device's
 * `maxStorageBuffersPerShaderStage` bounds). `maxShardBytes` (at most a binding) forces
 * smaller shards; by default a shard stays under `defaultShardBytes`. The GPU backend and the
 * memory plan both size the shards here.
 * @example synapseSharding(3e8, device.limits) → { shards: 2, shardLength: 150000000, storageBindings: 8 }
 */
export function synapseSharding(
  staticSynapses: number,
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number },
  maxShardBytes?: number,
  procedural = false,
): SynapseSharding & { storageBindings: number } {
  const shardBytes = maxShardBytes === undefined ? defaultShardBytes(limits) : Math.min(maxBindingBytes(limits), maxShardBytes);
  const sharding = shardArray(staticSynapses, shardBytes, 4);
  return { ...sharding, storageBindings: propagateBindings(sharding.shards, procedural).length };
}

export function propagateWgsl(k: PropagateConstants): string {
  return /* wgsl */ `
${bindingsWgsl(propagateBindings(k.sharding.shards, (k.procedural ?? 0) > 0))}
${propagateFnWgsl(k)}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  propagateSpikes(wid.x, nwg.x, lid, ${WORKGROUP_SIZE}u, wid.y, nwg.y);
}
`;
}
