/**
 * The fixed-point scale of each (population, receptor), from the channel load that connecting
 * the projections accumulated: the largest exponent at which no neuron's input on that
 * receptor can overflow an i32 (fixedPoint.ts). Weights are quantised with it afterwards.
 */
import type { ReceptorSlot } from '../models/model.ts';
import type { CompiledGroup, CompiledPopulation, ReceptorScale } from './compiled.ts';
import { fixedPointExponent } from './fixedPoint.ts';
import { receptorChannelBase } from './groups.ts';
import type { ChannelLoad } from './projections.ts';

/** The scales, and a lookup of the exponent by population and receptor name. */
export interface ReceptorScales {
  scales: ReceptorScale[];
  exponentOf: (population: string, receptor: string) => number;
}

/**
 * One exponent per receptor of each population, from the worst neuron's Σ|w| and input count.
 * `receptorsOf` gives a population's own receptors: populations merged into one group share
 * receptor kinds and slots, not necessarily names.
 */
export function receptorScales(
  populations: CompiledPopulation[],
  groups: CompiledGroup[],
  load: ChannelLoad,
  receptorsOf: (population: string) => ReceptorSlot[],
): ReceptorScales {
  const { absSum, inCount } = load;
  const scales: ReceptorScale[] = [];
  const exponents = new Map<string, number>();
  for (const pop of populations) {
    const group = groups[pop.group];
    for (const r of receptorsOf(pop.name)) {
      const base = receptorChannelBase(group, pop, r.index);
      let maxAbs = 0,
        maxN = 0;
      for (let i = 0; i < pop.size; i++) {
        maxAbs = Math.max(maxAbs, absSum[base + i]);
        maxN = Math.max(maxN, inCount[base + i]);
      }
      const exponent = fixedPointExponent(maxAbs, maxN);
      exponents.set(`${pop.name}\u0000${r.name}`, exponent);
      scales.push({ population: pop.name, receptor: r.name, exponent, maxAbsInput: maxAbs });
    }
  }
  return { scales, exponentOf: (population, receptor) => exponents.get(`${population}\u0000${receptor}`)! };
}
