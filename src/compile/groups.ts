/**
 * The first stage of compiling: populations in the global neuron order, merged into neuron
 * groups (one kernel each; GeNN-style), with each group's ring channels placed after the
 * previous group's. Parameter and state columns are allocated here and filled later
 * (neuronColumns.ts), once the fixed-point scales are known.
 */
import type { NetworkSpec, PopulationSpec } from '../netspec/types.ts';
import { groupColumns, populationLayout, recordIds, type CompiledGroup, type CompiledPopulation, type PopulationLayout } from './compiled.ts';

/** A population's spec with its layout facts, its name and its place in the spec. */
export interface PopulationPlan extends PopulationLayout {
  name: string;
  /** Place in `spec.populations` (keys the population's parameter and init draws). */
  index: number;
  spec: PopulationSpec;
}

/** The neurons of a network: populations, the groups they merge into, and the ring's size. */
export interface NeuronGroups {
  populations: CompiledPopulation[];
  groups: CompiledGroup[];
  /** The member populations' plans of each group, in group order. */
  members: PopulationPlan[][];
  populationByName: Map<string, CompiledPopulation>;
  planByName: Map<string, PopulationPlan>;
  neuronCount: number;
  /** Ring channels: one per (neuron, receptor). */
  channelCount: number;
}

/**
 * Populations → merged groups, in order of first appearance; a group's populations are
 * contiguous in the neuron order, and so are their channels within each receptor.
 */
export function mergeNeuronGroups(spec: NetworkSpec): NeuronGroups {
  const plans: PopulationPlan[] = Object.entries(spec.populations).map(([name, p], index) => ({ name, index, spec: p, ...populationLayout(p) }));
  const groupKeys = [...new Set(plans.map((p) => p.key))];
  const recorded = recordIds(spec);

  const populations: CompiledPopulation[] = [];
  const groups: CompiledGroup[] = [];
  const members: PopulationPlan[][] = [];
  let neuronOffset = 0;
  let channelOffset = 0;
  for (const key of groupKeys) {
    const plansOfGroup = plans.filter((p) => p.key === key);
    const first = plansOfGroup[0];
    const size = plansOfGroup.reduce((a, p) => a + p.spec.size, 0);
    const columns = groupColumns(first);
    groups.push({
      key,
      model: first.model,
      receptors: first.receptors,
      drive: first.drive,
      size,
      offset: neuronOffset,
      channelBase: channelOffset,
      populations: plansOfGroup.map((m) => m.name),
      columns,
      params: new Float32Array((columns.params.length + columns.u32Params.length) * size),
      state: new Float32Array(columns.state.length * size),
    });
    let local = 0;
    for (const m of plansOfGroup) {
      populations.push({
        name: m.name,
        size: m.spec.size,
        model: m.model.name,
        offset: neuronOffset + local,
        group: groups.length - 1,
        recordIds: recorded.has(m.name) ? recorded.get(m.name)! : new Uint32Array(0),
        tableRegion: { offset: 0, words: 0 },
      });
      local += m.spec.size;
    }
    neuronOffset += size;
    channelOffset += first.receptors.length * size;
    members.push(plansOfGroup);
  }
  return {
    populations,
    groups,
    members,
    populationByName: new Map(populations.map((p) => [p.name, p])),
    planByName: new Map(plans.map((p) => [p.name, p])),
    neuronCount: neuronOffset,
    channelCount: channelOffset,
  };
}

/** Ring channel of a population's neuron 0 on receptor slot `receptorIndex` of its group. */
export function receptorChannelBase(group: CompiledGroup, pop: CompiledPopulation, receptorIndex: number): number {
  return group.channelBase + receptorIndex * group.size + (pop.offset - group.offset);
}
