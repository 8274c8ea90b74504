/**
 * Population coding with Gaussian receptive fields (as Bohte, Kok and La Poutré 2002): a
 * scalar becomes the rates of a group of neurons, each tuned to a preferred value.
 */
import { checkNumber, checkRange } from './rate.ts';

export interface PopulationCodeOptions {
  /** Neurons per encoded value, integer ≥ 2. */
  neurons: number;
  /** Preferred value of the first neuron. */
  min: number;
  /** Preferred value of the last neuron; > min. */
  max: number;
  /** Width σ of each receptive field, in the value's units, > 0. Default: the spacing between centres, (max − min) / (neurons − 1). */
  sigma?: number;
  /** Rate of a neuron whose centre is exactly the value, Hz, ≥ 0. */
  maxRateHz: number;
}

function checkOptions(fn: string, options: PopulationCodeOptions): { neurons: number; min: number; spacing: number; sigma: number; maxRateHz: number } {
  const neurons = checkNumber(fn, 'neurons', options.neurons, { min: 2, integer: true });
  const { min, max } = checkRange(fn, options.min, options.max);
  const spacing = (max - min) / (neurons - 1);
  const sigma = options.sigma === undefined ? spacing : checkNumber(fn, 'sigma', options.sigma, { min: 0, exclusiveMin: true });
  const maxRateHz = checkNumber(fn, 'maxRateHz', options.maxRateHz, { min: 0 });
  return { neurons, min, spacing, sigma, maxRateHz };
}

function fill(out: number[], value: number, o: ReturnType<typeof checkOptions>): void {
  for (let j = 0; j < o.neurons; j++) {
    const d = value - (o.min + j * o.spacing);
    out.push(o.maxRateHz * Math.exp(-(d * d) / (2 * o.sigma * o.sigma)));
  }
}

/**
 * Population coding of one scalar: neuron j (j = 0 … neurons − 1) has its centre at
 * c_j = min + j · (max − min) / (neurons − 1) and fires at
 * rate_j = maxRateHz · exp(−(value − c_j)² / (2σ²)) Hz. A value outside [min, max] is encoded
 * as it is (not clipped): every rate then falls off beyond the edge neuron.
 * @example
 *   const rates = populationCode(0.5, { neurons: 5, min: 0, max: 1, maxRateHz: 100 }); // peak 100 Hz at neuron 2
 *   const pop = { model: 'poisson', size: 5, params: { rate: rates } };
 */
export function populationCode(value: number, options: PopulationCodeOptions): number[] {
  const o = checkOptions('populationCode', options);
  const v = checkNumber('populationCode', 'value', value);
  const out: number[] = [];
  fill(out, v, o);
  return out;
}

/**
 * populationCode of several scalars, concatenated: value i is encoded by neurons
 * i · neurons … (i + 1) · neurons − 1, one block of the same receptive fields per value.
 * @example
 *   const rates = populationCodeVector([0.1, 0.9], { neurons: 8, min: 0, max: 1, maxRateHz: 100 }); // 16 rates
 *   const pop = { model: 'poisson', size: rates.length, params: { rate: rates } };
 */
export function populationCodeVector(values: ArrayLike<number>, options: PopulationCodeOptions): number[] {
  const o = checkOptions('populationCodeVector', options);
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) fill(out, checkNumber('populationCodeVector', `values[${i}]`, values[i]), o);
  return out;
}
