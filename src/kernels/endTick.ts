/**
 * End-of-tick bookkeeping, one thread: note where the tick's spikes end in the spike log,
 * size the next tick's indirect dispatches, clear the spike counter of the history slot the
 * next tick will fill and advance the tick. This is what lets many ticks run per submission
 * with no host work in between.
 */
import { bindingsWgsl, type BindingTable } from '../gpu/bindings.ts';
import { Ctrl, LogMeta, MAX_WORKGROUPS_PER_DIM, WORKGROUP_SIZE } from './common.ts';

/** Indirect dispatch arguments (x, y, z triples, u32) that the end-of-tick kernel writes. */
export const DispatchArgs = {
  /** One workgroup per spike of the tick just ended: propagation, STDP traces and potentiation. */
  perSpike: 0,
  /**
   * Spikes reaching plastic synapses in the next tick: y = the spike's age d − 1 (d = 1 …
   * `arrivalTicks`), x enough workgroups for `arrivalLanes` threads per spike of the busiest
   * of those ticks (the kernel grid-strides, so fewer would do, more slowly).
   */
  arrivals: 3,
  words: 6,
} as const;

export interface EndTickOptions {
  /** Ticks of spike history (tick t's spikes are in slot t mod spikeSlots). */
  spikeSlots: number;
  /** Write the indirect dispatch arguments (the fused kernel propagates in-kernel and needs none). */
  sizeDispatch: boolean;
  /** Largest plastic delay in ticks (0: no plasticity, no arrival dispatch). */
  arrivalTicks: number;
  /** Threads per arriving spike: the largest `arrivalLanes` of the plastic projections. */
  arrivalLanes?: number;
}

/** `fn endTick()` over the globals `ctrl`, `logMeta` (and `dispatchArgs` when `sizeDispatch`). */
export function endTickFnWgsl(o: EndTickOptions): string {
  const args = (at: number, x: string, y = '1u') => `dispatchArgs[${at}] = ${x};
  dispatchArgs[${at + 1}] = ${y};
  dispatchArgs[${at + 2}] = 1u;`;
  const plastic = o.sizeDispatch && o.arrivalTicks > 0;
  return /* wgsl */ `
fn endTick() {
  let tick = atomicLoad(&ctrl[${Ctrl.tick}]);
  let history = tick % ${o.spikeSlots}u;
  let windowTick = tick - atomicLoad(&logMeta[${LogMeta.windowStart}]);
  atomicStore(&logMeta[${LogMeta.offsets}u + windowTick + 1u], atomicLoad(&logMeta[${LogMeta.count}]));
  let spikes = atomicLoad(&ctrl[${Ctrl.spikeCount}u + history]);
  atomicAdd(&logMeta[${LogMeta.spikes}], spikes);
  ${o.sizeDispatch ? args(DispatchArgs.perSpike, `min(spikes, ${MAX_WORKGROUPS_PER_DIM}u)`) : ''}
  ${
    plastic
      ? `// Spikes of ticks tick, tick − 1, …, tick + 1 − arrivalTicks reach plastic synapses in tick + 1.
  var busiest = 0u;
  for (var d = 0u; d < ${o.arrivalTicks}u; d++) {
    busiest = max(busiest, atomicLoad(&ctrl[${Ctrl.spikeCount}u + (tick + ${o.spikeSlots}u - d) % ${o.spikeSlots}u]));
  }
  ${args(DispatchArgs.arrivals, `min((busiest * ${o.arrivalLanes ?? 1}u + ${WORKGROUP_SIZE - 1}u) / ${WORKGROUP_SIZE}u, ${MAX_WORKGROUPS_PER_DIM}u)`, `${o.arrivalTicks}u`)}`
      : ''
  }
  atomicStore(&ctrl[${Ctrl.spikeCount}u + (tick + 1u) % ${o.spikeSlots}u], 0u);
  atomicStore(&ctrl[${Ctrl.tick}], tick + 1u);
}
`;
}

export const END_TICK_BINDINGS = [
  { name: 'ctrl', access: 'read_write', type: 'array<atomic<u32>>' },
  { name: 'logMeta', access: 'read_write', type: 'array<atomic<u32>>' },
  { name: 'dispatchArgs', access: 'read_write', type: `array<u32, ${DispatchArgs.words}>` },
] as const satisfies BindingTable;

export function endTickWgsl(o: Omit<EndTickOptions, 'sizeDispatch'>): string {
  return /* wgsl */ `
${bindingsWgsl(END_TICK_BINDINGS)}
${endTickFnWgsl({ ...o, sizeDispatch: true })}
@compute @workgroup_size(1)
fn main() {
  endTick();
}
`;
}
