/**
 * End-of-tick bookkeeping, one thread: note where the tick's spikes end in the spike log,
 * size the next propagation dispatch, clear the next tick's spike counter and advance the
 * tick. This is what lets many ticks run per submission with no host work in between.
 */
import { Ctrl, LogMeta, MAX_WORKGROUPS_PER_DIM } from './common.ts';

/**
 * `fn endTick()` over the globals `ctrl`, `logMeta` (and `dispatchArgs` when
 * `sizeDispatch`: the fused kernel propagates in-kernel and needs no indirect dispatch).
 */
export function endTickFnWgsl(sizeDispatch: boolean): string {
  return /* wgsl */ `
fn endTick() {
  let tick = atomicLoad(&ctrl[${Ctrl.tick}]);
  let parity = tick & 1u;
  let windowTick = tick - atomicLoad(&logMeta[${LogMeta.windowStart}]);
  atomicStore(&logMeta[${LogMeta.offsets}u + windowTick + 1u], atomicLoad(&logMeta[${LogMeta.count}]));
  let spikes = atomicLoad(&ctrl[${Ctrl.spikeCount0}u + parity]);
  atomicAdd(&logMeta[${LogMeta.spikes}], spikes);
  ${sizeDispatch ? `dispatchArgs[0] = min(spikes, ${MAX_WORKGROUPS_PER_DIM}u);
  dispatchArgs[1] = 1u;
  dispatchArgs[2] = 1u;` : ''}
  atomicStore(&ctrl[${Ctrl.spikeCount0}u + (parity ^ 1u)], 0u);
  atomicStore(&ctrl[${Ctrl.tick}], tick + 1u);
}
`;
}

export function endTickWgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> ctrl: array<atomic<u32>, ${Ctrl.size}>;
@group(0) @binding(1) var<storage, read_write> logMeta: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> dispatchArgs: array<u32, 3>;
${endTickFnWgsl(true)}
@compute @workgroup_size(1)
fn main() {
  endTick();
}
`;
}
