/** The error that ends a run whose neuron state stopped being a number (see kernels/nonFinite.ts). */
import { populationIndexOf, type CompiledNetwork } from '../compile/compiled.ts';
import { nonFiniteKeyStride, type NonFinite } from '../kernels/nonFinite.ts';

/** A neuron's state became NaN or ±Inf: the run stopped rather than go on computing nothing. */
export class NonFiniteStateError extends Error {
  override name = 'NonFiniteStateError';
  constructor(
    message: string,
    /** Where: the population, its state variable (null where unnamed), the local neuron id and the time, ms. */
    readonly where: { population: string; variable: string | null; neuron: number; timeMs: number },
  ) {
    super(message);
  }
}

/** The error for the first non-finite report of a run, in the spec's names. */
export function nonFiniteStateError(net: CompiledNetwork, report: NonFinite): NonFiniteStateError {
  const stride = nonFiniteKeyStride(net);
  const globalId = Math.floor(report.key / stride);
  const population = net.populations[populationIndexOf(net.populations, globalId)];
  const variable = stride > 1 ? (net.groups[population.group].columns.state[report.key % stride] ?? null) : null;
  const neuron = globalId - population.offset;
  const timeMs = +(report.tick * net.dt).toFixed(6);
  return new NonFiniteStateError(
    `${population.name}${variable ? `.${variable}` : ' state'} of neuron ${neuron} became NaN or infinite in the tick at t = ${timeMs} ms (tick ${report.tick}); the run stopped there: check the parameters, weights and inputs that drive ${population.name}`,
    { population: population.name, variable, neuron, timeMs },
  );
}
