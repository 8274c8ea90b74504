/**
 * What `record` asks for beyond spikes, resolved against the compiled layout: state probes as
 * indices into their group's state columns, weight records as indices into the plastic
 * projections, both with their sampling period in ticks.
 */
import type { NetworkSpec } from '../netspec/types.ts';
import type { CompiledGroup, CompiledPopulation, PlasticProjection, StateProbe, WeightRecord } from './compiled.ts';

/** A sampling period in ms as whole ticks, at least one. */
const everyTicks = (everyMs: number, dt: number): number => Math.max(1, Math.round(everyMs / dt));

/**
 * `record.state` → probes, each with its slot in a tick's row of samples; `stateSlots` is the
 * row's length. A probe without `ids` samples the whole population; without `every`, each tick.
 */
export function stateProbes(
  spec: NetworkSpec,
  populationByName: Map<string, CompiledPopulation>,
  groups: CompiledGroup[],
): { stateProbes: StateProbe[]; stateSlots: number } {
  const dt = spec.dt;
  let stateSlots = 0;
  const probes = (spec.record?.state ?? []).map((r): StateProbe => {
    const pop = populationByName.get(r.pop)!;
    const group = groups[pop.group];
    const ids = r.ids ? Uint32Array.from(r.ids) : Uint32Array.from({ length: pop.size }, (_, i) => i);
    const column = group.columns.state.indexOf(r.var);
    const stateIndex = ids.map((id) => column * group.size + (pop.offset - group.offset) + id);
    const probe = {
      population: r.pop,
      variable: r.var,
      ids,
      everyTicks: everyTicks(r.every ?? dt, dt),
      group: pop.group,
      stateIndex,
      slot: stateSlots,
    };
    stateSlots += ids.length;
    return probe;
  });
  return { stateProbes: probes, stateSlots };
}

/** `record.weights` → records of plastic projections, by their index in `plastic`. */
export function weightRecords(spec: NetworkSpec, plastic: PlasticProjection[]): WeightRecord[] {
  return (spec.record?.weights ?? []).map((r) => {
    const k = plastic.findIndex((p) => p.name === r.projection);
    return { projection: r.projection, plastic: k, everyTicks: everyTicks(r.every, spec.dt) };
  });
}
