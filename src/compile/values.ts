/** Expanding spec Values (number, array, distribution) into one number per element. */
import type { CounterRng } from '../rng/counterHash.ts';
import { SpecError } from '../netspec/errors.ts';
import type { Value } from '../netspec/types.ts';
import { describeRange, inRange, type ValueRange } from '../models/model.ts';
import { MAX_REDRAWS } from './synapseDraws.ts';

/**
 * One number per element. Distributions draw from `rng` in element order; a clipped normal
 * redraws values outside [lo, hi] (a truncated normal, as NEST's `normal_clipped`), clamping
 * after MAX_REDRAWS.
 * @example expandValue({ uniform: [-60, -50] }, 4000, rng, 'populations.E.init.v')
 */
export function expandValue(value: Value, count: number, rng: CounterRng, path: string): Float64Array {
  if (typeof value === 'number') return new Float64Array(count).fill(value);
  if (Array.isArray(value)) {
    if (value.length !== count) throw new SpecError(path, `has ${value.length} values, expected ${count} (one per element)`);
    return Float64Array.from(value);
  }
  const out = new Float64Array(count);
  if ('uniform' in value) {
    const [lo, hi] = value.uniform;
    for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * rng.uniform();
    return out;
  }
  const [mean, sd] = value.normal;
  const [lo, hi] = value.clip ?? [-Infinity, Infinity];
  for (let i = 0; i < count; i++) {
    let x = mean + sd * rng.normal();
    for (let k = 0; (x < lo || x > hi) && k < MAX_REDRAWS; k++) x = mean + sd * rng.normal();
    out[i] = Math.min(hi, Math.max(lo, x));
  }
  return out;
}

/** Check drawn values against a parameter's range (validation already checked the rest). */
export function checkRange(values: Float64Array, range: ValueRange | undefined, path: string): void {
  if (!range) return;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!inRange(x, range)) throw new SpecError(path, `must be ${describeRange(range)}, but neuron ${i} drew ${x} (clip the distribution)`);
  }
}
