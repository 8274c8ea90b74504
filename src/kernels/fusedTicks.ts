/**
 * The fused path for small networks: one workgroup runs a whole window of ticks in a single
 * dispatch, with workgroup-wide storage barriers between the phases of each tick, so the
 * per-dispatch cost (three or more dispatches per tick otherwise) disappears. The phases are
 * the very functions the separate kernels call, so results are identical bit for bit.
 * Needs one neuron group and no state probes (the GPU backend checks).
 */
import type { CompiledGroup } from '../compile/compiled.ts';
import { endTickFnWgsl } from './endTick.ts';
import { bindingsWgsl, storageBindingCount, type BindingTable } from '../gpu/bindings.ts';
import { NEURON_BINDINGS, neuronStepWgsl, type NeuronKernelConstants } from './neuronKernel.ts';
import { propagateFnWgsl, synapseBindings, type SynapseSharding } from './propagate.ts';

/** Threads of the one workgroup: 64 measured faster than 256 on SwiftShader (cheaper barriers). */
export const FUSED_WORKGROUP_SIZE = 64;
/** Bindings of the fused kernel: the neuron kernel's, then the synapses' in one shard. */
export const FUSED_BINDINGS = [
  ...NEURON_BINDINGS,
  ...synapseBindings(1),
  /** Ticks in this window (x; the host writes it once per window). */
  { name: 'window', access: 'uniform', type: 'vec4u' },
] satisfies BindingTable;

/** Storage bindings the fused kernel needs (adapters limit them per stage). */
export const FUSED_STORAGE_BINDINGS = storageBindingCount(FUSED_BINDINGS);

export function fusedTicksWgsl(group: CompiledGroup, k: NeuronKernelConstants & { channelBits: number; sharding: SynapseSharding }): string {
  if (k.sharding.shards !== 1) throw new Error('the fused kernel binds the synapses in one shard');
  return /* wgsl */ `${bindingsWgsl(FUSED_BINDINGS)}

${neuronStepWgsl(group, k)}
${propagateFnWgsl(k)}
${endTickFnWgsl({ spikeSlots: k.spikeSlots, sizeDispatch: false, arrivalTicks: 0 })}

@compute @workgroup_size(${FUSED_WORKGROUP_SIZE})
fn main(@builtin(local_invocation_index) lid: u32) {
  for (var t = 0u; t < window.x; t++) {
    propagateSpikes(0u, 1u, lid, ${FUSED_WORKGROUP_SIZE}u, 0u, 1u);
    storageBarrier();
    for (var i = lid; i < groupSize; i += ${FUSED_WORKGROUP_SIZE}u) { neuronStep(i); }
    storageBarrier();
    if (lid == 0u) { endTick(); }
    storageBarrier();
  }
}
`;
}
