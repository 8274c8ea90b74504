/**
 * spec → CompiledNetwork (pure, no GPU), in stages, each in its own module: populations merged
 * into neuron groups in the global neuron order (groups.ts); projections connected with a bound
 * on each receptor channel's input (projections.ts); a fixed-point scale per receptor proven
 * free of overflow (receptorScales.ts); stored synapses merged into rows by source with delays
 * in ticks (synapseRows.ts), procedural ones described (projections.ts), plastic ones laid out
 * (plasticLayout.ts); the groups' parameter and state columns (neuronColumns.ts); state probes
 * and weight records (probes.ts); and a buffer plan (compiled.ts).
 */
import { projectionName, regenerableRowsRefusal, validateSpec } from '../netspec/validateSpec.ts';
import type { NetworkSpec } from '../netspec/types.ts';
import { bufferPlan, networkShape, spikeHistorySlots, type CompiledNetwork } from './compiled.ts';
import { mergeNeuronGroups, receptorChannelBase, type NeuronGroups } from './groups.ts';
import { fillNeuronColumns } from './neuronColumns.ts';
import { plasticProjection } from './plasticLayout.ts';
import { stateProbes, weightRecords } from './probes.ts';
import { connectProjection, proceduralProjection, zeroedWeightWarnings, type BuiltProjection, type ChannelLoad } from './projections.ts';
import { receptorScales } from './receptorScales.ts';
import { buildSynapseRows } from './synapseRows.ts';

/** Default seed when the spec gives none. */
export const DEFAULT_SEED = 1;

export interface CompileOptions {
  /**
   * Leave the stored rows for the device to draw (the GPU backend does, with the same keyed
   * draws), so the host neither draws nor holds them. Taken only when every static stored
   * projection's rows can be drawn one at a time (as procedural ones); otherwise the host
   * builds all rows. Default false.
   */
  rowsOnDevice?: boolean;
}

/** Whether every static stored projection's rows come from keyed draws (and there is one): then a device can draw them. */
export function rowsCanBeDrawnOnDevice(spec: NetworkSpec): boolean {
  const stored = (spec.projections ?? []).filter((p) => !p.plasticity && p.storage !== 'procedural');
  return stored.length > 0 && stored.every((p) => regenerableRowsRefusal(p) === null);
}

/**
 * Compile a network document. Validates first, so any problem surfaces as one SpecError
 * naming the JSON path, before anything is allocated. With `rowsOnDevice` the stored rows may
 * be left for the device to draw (see CompileOptions).
 * @example const net = compileNetwork(builtinNetwork('cuba', { n: 1000 }));
 */
export function compileNetwork(doc: unknown, options: CompileOptions = {}): CompiledNetwork {
  const spec = validateSpec(doc);
  const dt = spec.dt;
  const seed = spec.seed ?? DEFAULT_SEED;

  const neurons = mergeNeuronGroups(spec);
  const { populations, groups, neuronCount, channelCount } = neurons;

  const { projections, load } = connectProjections(spec, neurons, seed, options.rowsOnDevice === true && rowsCanBeDrawnOnDevice(spec));
  const maxDelay = projections.reduce((a, p) => Math.max(a, p.maxDelay), 1);

  const { scales, exponentOf } = receptorScales(populations, groups, load, (name) => neurons.planByName.get(name)!.receptors);
  const exponentFor = (p: BuiltProjection) => exponentOf(p.post.name, p.receptor.name);

  const nameOf = (p: BuiltProjection) => projectionName(p.spec, p.index);
  const synapses = buildSynapseRows(projections, { seed, dt, neuronCount, channelCount, maxDelay, exponentFor, nameOf });
  const procedural = projections.filter((p) => p.rows && !p.onDevice).map((p) => proceduralProjection(p, exponentFor(p), projectionName(p.spec, p.index), dt));
  const plastic = projections
    .filter((p) => p.spec.plasticity)
    .map((p) => plasticProjection(p, exponentFor(p), seed, dt, (name) => neurons.populationByName.get(name)!));

  const tables = fillNeuronColumns(neurons, { seed, dt, exponentOf });

  const probes = stateProbes(spec, neurons.populationByName, groups);

  const net: Omit<CompiledNetwork, 'buffers'> = {
    spec,
    name: spec.name ?? 'network',
    dt,
    seed,
    neuronCount,
    synapseCount: projections.reduce((a, p) => a + p.count, 0),
    populations,
    groups,
    channelCount,
    delaySlots: maxDelay + 1,
    spikeSlots: spikeHistorySlots(plastic.map((p) => p.maxDelay)),
    synapses,
    procedural,
    warnings: zeroedWeightWarnings(projections, exponentFor),
    plastic,
    tables,
    scales,
    recordedCount: populations.reduce((a, p) => a + (p.recordIds === null ? p.size : p.recordIds.length), 0),
    stateProbes: probes.stateProbes,
    stateSlots: probes.stateSlots,
    weightRecords: weightRecords(spec, plastic),
  };
  // The buffer plan comes from the network's shape, as memory planning's estimate does.
  return { ...net, buffers: bufferPlan(networkShape(net)) };
}

/**
 * Each projection connected (or its procedural rows described), in spec order, with the load
 * it adds to each receptor channel: the bound the fixed-point scales are chosen from.
 */
function connectProjections(spec: NetworkSpec, neurons: NeuronGroups, seed: number, onDevice: boolean): { projections: BuiltProjection[]; load: ChannelLoad } {
  const load: ChannelLoad = { absSum: new Float64Array(neurons.channelCount), inCount: new Uint32Array(neurons.channelCount) };
  const projections = (spec.projections ?? []).map((pr, i) => {
    const pre = neurons.populationByName.get(pr.pre)!,
      post = neurons.populationByName.get(pr.post)!;
    const receptor = neurons.planByName.get(pr.post)!.receptors.find((r) => r.name === pr.receptor)!;
    const base = receptorChannelBase(neurons.groups[post.group], post, receptor.index);
    return connectProjection(pr, i, { seed, dt: spec.dt, pre, post, receptor, base, load, onDevice: onDevice && !pr.plasticity });
  });
  return { projections, load };
}
