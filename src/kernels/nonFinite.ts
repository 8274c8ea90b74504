/**
 * The run-time check for state that is no longer a number: every neuron kernel tests each state
 * variable it stores, and the first non-finite one (lowest tick, then lowest neuron, then lowest
 * variable) is kept in two control words the host reads back with each window. The CPU
 * reference keeps the same first one (`firstNonFinite`), so both backends name the same neuron.
 * A report costs atomics only where a value is bad; the test itself is a mask and a compare.
 */
import type { CompiledNetwork } from '../compile/compiled.ts';
import { ALL_FINITE, Ctrl } from './common.ts';

/**
 * Variables per neuron in a report key (`globalId · stride + variable`): the most state
 * variables of any group, or 1 where the keys would overflow u32 (the variable is then not named).
 */
export function nonFiniteKeyStride(net: Pick<CompiledNetwork, 'groups' | 'neuronCount'>): number {
  const stride = Math.max(1, ...net.groups.map((g) => g.columns.state.length));
  return net.neuronCount * stride <= ALL_FINITE ? stride : 1;
}

/** WGSL: `isFinite32(x)` and `reportNonFinite(tick, key)` over the global `ctrl`. */
export const nonFiniteWgsl = /* wgsl */ `
// NaN and ±Inf have every exponent bit set; tested on the bits, which no compiler folds away.
fn isFinite32(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

fn reportNonFinite(tick: u32, key: u32) {
  // Ticks run in order: only reports of the first bad tick compete for the lowest key.
  if (atomicMin(&ctrl[${Ctrl.nonFiniteTick}], tick) >= tick) { atomicMin(&ctrl[${Ctrl.nonFiniteKey}], key); }
}
`;

/** WGSL statements checking the state variables `names` (as `s_NAME`) of neuron `globalId`. */
export function checkStateWgsl(names: string[], stride: number): string {
  return names.map((c, v) => `  if (!isFinite32(s_${c})) { reportNonFinite(tick, globalId * ${stride}u + ${stride > 1 ? v : 0}u); }`).join('\n');
}

/** The first non-finite state: its tick and key (see `nonFiniteKeyStride`). */
export interface NonFinite {
  tick: number;
  key: number;
}

/** The CPU twin of `reportNonFinite`: keep the lower report (earlier tick, then lower key). */
export function firstNonFinite(a: NonFinite | null, b: NonFinite): NonFinite {
  return a && (a.tick < b.tick || (a.tick === b.tick && a.key <= b.key)) ? a : b;
}
