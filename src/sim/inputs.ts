/**
 * Inputs changed between runs, as words to write into the compiled network's columns and
 * tables (`Backend.write`): new Poisson rates, new spike-source events, and the state a
 * reset returns to. Pure functions of the compiled network, so both backends get the same
 * words and stay bit-identical.
 */
import { modulatorWord, type CompiledNetwork, type CompiledPopulation } from '../compile/compiled.ts';
import { rateThreshold } from '../models/poisson.ts';
import { settableRuleWords } from '../models/plasticityRule.ts';
import { layoutSpikeEvents } from '../models/spikeSource.ts';
import { didYouMean } from '../netspec/validateSpec.ts';
import { MAX_TICKS, wordsOf, type BackendState, type WordWrite } from './backend.ts';
import { describeRange, inRange } from '../models/model.ts';
import { projectionName } from '../netspec/validateSpec.ts';

/** The population named `name` (of model `model`, when given), or an error that lists the populations. */
function populationNamed(net: CompiledNetwork, name: string, method: string, model?: string): CompiledPopulation {
  const pop = net.populations.find((p) => p.name === name);
  const names = net.populations.map((p) => p.name);
  if (!pop) throw new Error(`${method}: no population ${JSON.stringify(name)}${didYouMean(name, names)}; populations: ${names.join(', ')}`);
  if (model !== undefined && pop.model !== model) {
    const fitting = net.populations.filter((p) => p.model === model).map((p) => p.name);
    throw new Error(
      `${method}: population ${name} is a ${pop.model}; it applies to ${model} populations (here: ${fitting.length ? fitting.join(', ') : 'none'})`,
    );
  }
  return pop;
}

/** Where column `column` of population `pop` starts, in words of its group's params or state array. */
function columnStart(net: CompiledNetwork, pop: CompiledPopulation, target: 'params' | 'state', column: string): number {
  const group = net.groups[pop.group];
  const { params, u32Params, state } = group.columns;
  // u32 parameter columns follow the f32 ones in the same array.
  const index = (target === 'state' ? state : [...params, ...u32Params]).indexOf(column);
  if (index < 0) throw new Error(`internal: ${group.model.name} has no ${target} column ${column}`);
  return index * group.size + (pop.offset - group.offset);
}

const columnWrite = (net: CompiledNetwork, pop: CompiledPopulation, target: 'params' | 'state', column: string, words: Uint32Array): WordWrite => ({
  target,
  group: pop.group,
  offset: columnStart(net, pop, target, column),
  words,
});

/**
 * The writes that give Poisson population `population` constant rates from the next tick:
 * one rate (Hz) for all its neurons or one per neuron. A rate table, if it had one, stops.
 * @example rateWrites(net, 'input', [0, 10, 50])
 */
export function rateWrites(net: CompiledNetwork, population: string, rates: number | ArrayLike<number>): WordWrite[] {
  const pop = populationNamed(net, population, 'setRates', 'poisson');
  const n = pop.size;
  if (typeof rates !== 'number' && rates.length !== n) throw new Error(`setRates: ${n} rates expected for ${population}, got ${rates.length}`);
  const threshold = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const r = typeof rates === 'number' ? rates : rates[i];
    if (!(r >= 0) || !Number.isFinite(r))
      throw new Error(`setRates: ${population} rate ${typeof rates === 'number' ? '' : `[${i}] `}is ${r}; rates are finite Hz ≥ 0`);
    threshold[i] = rateThreshold(r, net.dt);
  }
  return [columnWrite(net, pop, 'params', 'threshold', threshold), columnWrite(net, pop, 'params', 'rateRows', new Uint32Array(n))];
}

/**
 * The writes that give population `population` new values of parameters the model stores as
 * given (`ParamInfo.settable`, e.g. lif `vThresh`, adaptiveLif `thetaPlus`): one value for all
 * its neurons or one per neuron, checked against the parameter's range.
 * @example paramWrites(net, 'E', { thetaPlus: 0 })
 */
export function paramWrites(net: CompiledNetwork, population: string, params: Record<string, number | ArrayLike<number>>): WordWrite[] {
  const pop = populationNamed(net, population, 'setParams');
  const model = net.groups[pop.group].model;
  const settable = Object.keys(model.params).filter((k) => model.params[k].settable);
  return Object.entries(params).map(([name, values]) => {
    if (!model.params[name]?.settable)
      throw new Error(
        `setParams: ${population} (${model.name}) cannot change ${JSON.stringify(name)} between runs${didYouMean(name, settable)}; it can change: ${settable.length ? settable.join(', ') : 'nothing'}`,
      );
    const n = pop.size;
    if (typeof values !== 'number' && values.length !== n) throw new Error(`setParams: ${population}.${name}: ${n} values expected, got ${values.length}`);
    const range = model.params[name].range ?? {};
    const column = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const x = typeof values === 'number' ? values : values[i];
      if (!Number.isFinite(x) || !inRange(x, range))
        throw new Error(
          `setParams: ${population}.${name}${typeof values === 'number' ? '' : `[${i}]`} is ${x}; it must be finite${range.min !== undefined || range.max !== undefined ? ` and ${describeRange(range)}` : ''}`,
        );
      column[i] = x;
    }
    return columnWrite(net, pop, 'params', name, wordsOf(column));
  });
}

/**
 * The writes that replace spike source `population`'s pending events with `spikes`: neuron
 * `ids[k]` spikes `times[k]` ms after `nowTick` (the next tick to run), in the tick containing
 * that time; several in one tick make one spike. At most the population's capacity (spec
 * `capacity`) of distinct events.
 * @example spikeWrites(net, 'input', { times: [0, 5], ids: [3, 3] }, sim.tick)
 */
export function spikeWrites(
  net: CompiledNetwork,
  population: string,
  spikes: { times: ArrayLike<number>; ids: ArrayLike<number> },
  nowTick: number,
): WordWrite[] {
  const pop = populationNamed(net, population, 'setSpikes', 'spikeSource');
  const n = pop.size;
  const { times, ids } = spikes;
  if (times.length !== ids.length) throw new Error(`setSpikes: ${population}: ${times.length} times but ${ids.length} ids; they pair up`);
  for (let k = 0; k < times.length; k++) {
    if (!(times[k] >= 0) || !Number.isFinite(times[k]))
      throw new Error(`setSpikes: ${population}: times[${k}] is ${times[k]}; times are finite ms ≥ 0, from now`);
    if (!Number.isInteger(ids[k]) || ids[k] < 0 || ids[k] >= n)
      throw new Error(`setSpikes: ${population}: ids[${k}] is ${ids[k]}; local ids are integers in [0, ${n - 1}]`);
  }
  const layout = layoutSpikeEvents(Array.from(times), Array.from(ids), n, net.dt);
  const capacity = pop.tableRegion.words;
  if (layout.ticks.length > capacity)
    throw new Error(
      `setSpikes: ${population} holds at most ${capacity} events (one per neuron per tick) and was given ${layout.ticks.length}; raise populations.${population}.capacity in the spec`,
    );
  const ticks = layout.ticks.map((t) => t + nowTick);
  const last = nowTick + layout.ticks.reduce((a, t) => Math.max(a, t), 0);
  if (last > MAX_TICKS) throw new Error(`setSpikes: ${population}: a spike at tick ${last} is beyond the ${MAX_TICKS} ticks a simulator counts`);
  const { offset } = pop.tableRegion;
  return [
    { target: 'tables', group: pop.group, offset, words: ticks },
    columnWrite(
      net,
      pop,
      'params',
      'eventStart',
      layout.start.map((s) => s + offset),
    ),
    columnWrite(
      net,
      pop,
      'params',
      'eventEnd',
      layout.end.map((e) => e + offset),
    ),
    columnWrite(net, pop, 'state', 'cursor', new Uint32Array(n)),
  ];
}

/**
 * The index in `net.plastic` of plastic projection `name`, or an error (starting with
 * `prefix`) that says it is static or names the plastic projections.
 * @example plasticIndex(net, 'EE', '') // 0
 */
export function plasticIndex(net: CompiledNetwork, name: string, prefix: string): number {
  const k = net.plastic.findIndex((p) => p.name === name);
  if (k >= 0) return k;
  const names = net.plastic.map((p) => p.name);
  const isStatic = (net.spec.projections ?? []).some((p, i) => projectionName(p, i) === name);
  throw new Error(
    isStatic
      ? `${prefix}projection ${name} is static: its weights are the spec's; only plastic projections are read back`
      : `${prefix}no plastic projection ${JSON.stringify(name)}${didYouMean(name, names)}; plastic projections: ${names.length ? names.join(', ') : 'none'}`,
  );
}

/**
 * The writes that change plastic projection `projection`'s rule parameters from the next tick:
 * those its rule marks settable, its amplitudes (pair STDP: `aPlus` and `aMinus`, weight units,
 * ≥ 0; 0 and 0 freeze the weights while traces go on).
 * @example plasticityWrites(net, 'input', { aPlus: 0, aMinus: 0 })
 */
export function plasticityWrites(net: CompiledNetwork, projection: string, changes: Record<string, number | undefined>): WordWrite[] {
  const k = plasticIndex(net, projection, 'setPlasticity: ');
  const rule = net.plastic[k].rule;
  const words = settableRuleWords(rule);
  const writes: WordWrite[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (!Object.hasOwn(words, key))
      throw new Error(
        `setPlasticity: ${projection}: ${key} cannot be changed${didYouMean(key, Object.keys(words))}; ${rule.definition.name} can change ${Object.keys(words).join(', ')}`,
      );
    if (value === undefined) continue;
    const range = rule.definition.params[key].range;
    if (!Number.isFinite(value) || (range && !inRange(value, range)))
      throw new Error(`setPlasticity: ${projection}: ${key} is ${value}; it must be finite${range ? ` and ${describeRange(range)}` : ''}`);
    writes.push({ target: 'rule', group: k, offset: words[key], words: new Uint32Array(Float32Array.of(value).buffer) });
  }
  return writes;
}

/**
 * `state` with neurons, receptors, traces and pending input back to where the network started:
 * state columns as compiled (except variables a model keeps, such as an adaptive threshold),
 * an empty input ring and spike history, zero traces. Weights, parameters (rates set since),
 * tables (events set since), plasticity constants, the tick and the counters stay.
 * @example await backend.loadState(resetBackendState(net, await backend.saveState()))
 */
export function resetBackendState(net: CompiledNetwork, state: BackendState): BackendState {
  return {
    ...state,
    groups: net.groups.map((g, i) => {
      const initial = new Uint32Array(g.state.buffer, g.state.byteOffset, g.state.length).slice();
      g.columns.state.forEach((column, c) => {
        if (g.model.state[column]?.kept) initial.set(state.groups[i].state.subarray(c * g.size, (c + 1) * g.size), c * g.size);
      });
      return { params: state.groups[i].params, state: initial };
    }),
    ring: new Int32Array(state.ring.length),
    recentSpikes: state.recentSpikes.map(() => new Uint32Array(0)),
    plastic: state.plastic.map((p, k) => ({
      ...p,
      weight: weightsOnly(p.weight, net.plastic[k].weight.length),
      preTrace: new Float32Array(p.preTrace.length),
      postTrace: new Float32Array(p.postTrace.length),
    })),
  };
}

/** The weights stay; the rule's synapse variables after them (an eligibility trace) go back to 0. */
function weightsOnly(values: Float32Array, synapses: number): Float32Array {
  const out = new Float32Array(values.length);
  out.set(values.subarray(0, synapses));
  return out;
}

/**
 * The write that sets plastic projection `projection`'s neuromodulator (the dopamine of
 * reward-modulated STDP) to `value` from the next tick.
 * @example modulatorWrites(net, 'cortex', 0.5)
 */
export function modulatorWrites(net: CompiledNetwork, projection: string, value: number): WordWrite[] {
  const k = plasticIndex(net, projection, 'setModulator: ');
  const p = net.plastic[k];
  const m = p.rule.definition.modulator;
  if (!m) throw new Error(`setModulator: ${projection}: rule ${p.rule.definition.name} has no neuromodulator`);
  if (!Number.isFinite(value)) throw new Error(`setModulator: ${projection}: ${m.name} is ${value}; it must be finite`);
  return [{ target: 'postTrace', group: k, offset: modulatorWord(p), words: new Uint32Array(Float32Array.of(value).buffer) }];
}
