/**
 * Rate coding: each input becomes a Poisson neuron whose rate is linear in its intensity.
 * Also the option checks and the normalisation that the other encoders share.
 */

/**
 * A finite number option, with optional bounds; throws a RangeError naming the option.
 * @example checkNumber('rateCode', 'maxRateHz', 100, { min: 0 }) // 100
 */
export function checkNumber(
  fn: string,
  name: string,
  value: unknown,
  bounds: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean } = {},
): number {
  const shown = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${fn}: ${name} must be a finite number, got ${shown}`);
  if (bounds.integer && !Number.isInteger(value)) throw new RangeError(`${fn}: ${name} must be an integer, got ${shown}`);
  const { min, max, exclusiveMin } = bounds;
  if (min !== undefined && (exclusiveMin ? value <= min : value < min))
    throw new RangeError(`${fn}: ${name} must be ${exclusiveMin ? '>' : '≥'} ${min}, got ${shown}`);
  if (max !== undefined && value > max) throw new RangeError(`${fn}: ${name} must be ≤ ${max}, got ${shown}`);
  return value;
}

/** The `[min, max]` range of an encoder's options, checked: both finite, max > min. */
export function checkRange(fn: string, min: unknown, max: unknown): { min: number; max: number } {
  const lo = checkNumber(fn, 'min', min);
  const hi = checkNumber(fn, 'max', max);
  if (!(hi > lo)) throw new RangeError(`${fn}: max must be > min, got min ${lo} and max ${hi}`);
  return { min: lo, max: hi };
}

/**
 * Intensities normalised to x̂ = clip((x − min) / (max − min), 0, 1). A NaN or infinite
 * intensity is refused: it is a bug upstream, not a brightness.
 * @example normalise('rateCode', [0, 5, 20], 0, 10) // Float64Array [0, 0.5, 1]
 */
export function normalise(fn: string, intensities: ArrayLike<number>, min: number, max: number): Float64Array {
  checkIntensities(fn, intensities);
  const out = new Float64Array(intensities.length);
  for (let i = 0; i < intensities.length; i++) out[i] = Math.min(1, Math.max(0, (intensities[i] - min) / (max - min)));
  return out;
}

/** Throws a RangeError naming the first intensity that is not a finite number. */
export function checkIntensities(fn: string, intensities: ArrayLike<number>): void {
  if (intensities === null || typeof intensities !== 'object' || typeof intensities.length !== 'number')
    throw new RangeError(`${fn}: intensities must be an array of numbers`);
  for (let i = 0; i < intensities.length; i++) {
    const x = intensities[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${fn}: intensities[${i}] must be a finite number, got ${String(x)}`);
  }
}

export interface RateCodeOptions {
  /** Rate of an input at `max` (or above), Hz, ≥ 0. */
  maxRateHz: number;
  /** Intensity that maps to 0 Hz; lower intensities clip to it. Default 0. */
  min?: number;
  /** Intensity that maps to `maxRateHz`; higher intensities clip to it. Default 1. */
  max?: number;
}

/**
 * Rate coding: rate_i = maxRateHz · clip((x_i − min) / (max − min), 0, 1), in Hz, one per
 * input. The result is a plain array because that is what a spec value is (validateSpec and
 * JSON both need an Array): pass it as a `poisson` population's `params.rate`.
 * @example
 *   const rates = rateCode([0, 0.5, 1], { maxRateHz: 100 }); // [0, 50, 100]
 *   const pop = { model: 'poisson', size: rates.length, params: { rate: rates } };
 */
export function rateCode(intensities: ArrayLike<number>, options: RateCodeOptions): number[] {
  const maxRateHz = checkNumber('rateCode', 'maxRateHz', options.maxRateHz, { min: 0 });
  const { min, max } = checkRange('rateCode', options.min ?? 0, options.max ?? 1);
  return Array.from(normalise('rateCode', intensities, min, max), (x) => maxRateHz * x);
}
