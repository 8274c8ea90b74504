/**
 * End-of-tick bookkeeping, one thread: note where the tick's spikes end in the spike log,
 * size the next propagation dispatch, clear the next tick's spike counter and advance the
 * tick. This is what lets many ticks run per submission with no host work in between.
 */
import { Ctrl, LogMeta, MAX_WORKGROUPS_PER_DIM } from './common.ts';

export function endTickWgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> ctrl: array<u32, ${Ctrl.size}>;
@group(0) @binding(1) var<storage, read_write> logMeta: array<u32>;
@group(0) @binding(2) var<storage, read_write> dispatchArgs: array<u32, 3>;

@compute @workgroup_size(1)
fn main() {
  let tick = ctrl[${Ctrl.tick}];
  let parity = tick & 1u;
  let windowTick = tick - logMeta[${LogMeta.windowStart}];
  logMeta[${LogMeta.offsets}u + windowTick + 1u] = logMeta[${LogMeta.count}];
  let spikes = ctrl[${Ctrl.spikeCount0}u + parity];
  logMeta[${LogMeta.spikes}] = logMeta[${LogMeta.spikes}] + spikes;
  dispatchArgs[0] = min(spikes, ${MAX_WORKGROUPS_PER_DIM}u);
  dispatchArgs[1] = 1u;
  dispatchArgs[2] = 1u;
  ctrl[${Ctrl.spikeCount0}u + (parity ^ 1u)] = 0u;
  ctrl[${Ctrl.tick}] = tick + 1u;
}
`;
}
