/**
 * A spec as a standalone PyNN 0.10 script (`spikegpu export <spec> --to pynn`), so a network
 * that outgrows one GPU runs on NEST or NEURON under MPI, or on Brian2, unchanged.
 *
 * How spikegpu's models map onto PyNN's standard ones (units there: ms, mV, nF, nA, µS):
 * - `lif` → `IF_curr_exp` (current receptors), `IF_cond_exp` (conductance) or `IF_curr_delta`
 *   (delta). spikegpu writes τm dv/dt = (vRest − v) + g + iExt with g in mV; PyNN writes
 *   cm dv/dt = gL (v_rest − v) + i with gL = cm / tau_m. So a current of g mV is g · gL nA, a
 *   conductance of g (in units of the leak) is g · gL µS, and `iExt` is iExt · gL nA. The
 *   export takes gL = 1 nF / τ̄ (τ̄: tauM, or its mean when it varies), so cm = gL · tauM,
 *   which is 1 nF for a uniform tauM. Delta weights stay mV.
 * - `izhikevich` → `Izhikevich`: delta weights are mV jumps there too; a `pulse` of w adds w to
 *   the input for one tick, which moves v by w · dt, so it becomes a jump of w · dt mV; iExt
 *   and noise (mV/ms) are i_offset in nA × 1000, so they are divided by 1000.
 * - PyNN has two synapse types per cell, `excitatory` and `inhibitory`; NEST routes current
 *   inputs by the sign of their weight, so PyNN requires inhibitory current weights < 0 and
 *   excitatory ones > 0. A spikegpu receptor takes the PyNN type its weights' sign asks for.
 * - `poisson` → `SpikeSourcePoisson`; `spikeSource` → `SpikeSourceArray`; `poissonInput`
 *   (count sources of rate r) → one `SpikeSourcePoisson` of rate count · r per neuron,
 *   connected one to one (on Brian2, which fires a source at most once a step, split into
 *   sources of at most 0.05 spikes a step); `noise` → a `NoisyCurrentSource` per neuron.
 * - Connect rules → the PyNN connector of the same name; `fixedTotal` and `list` →
 *   `FromListConnector` (PyNN's fixed-total connector ignores allow_self and multapses).
 * - STDP → `STDPMechanism(SpikePairRule, Additive/MultiplicativeWeightDependence)` with
 *   dendritic_delay_fraction 0 (spikegpu measures Δt from the arrival). PyNN's additive change
 *   is A · w_max, so A_plus = aPlus / wMax; the multiplicative one is A · (w_max − w) and
 *   A · w, as spikegpu's when wMin = 0.
 * What PyNN cannot express is refused with a `SpecError` naming the JSON path; what one
 * simulator lacks (IF_curr_delta on NEURON) is refused by the script on that simulator.
 */
import { SpecError } from '../netspec/errors.ts';
import type { Distribution, NetworkSpec, PopulationSpec, ProjectionSpec, ReceptorSpec, Value } from '../netspec/types.ts';
import { validateSpec } from '../netspec/validateSpec.ts';
import { models } from '../models/index.ts';
import { PYNN_MAIN, PYNN_PRELUDE } from './pynnRuntime.ts';

export type PynnSimulator = 'nest' | 'neuron' | 'brian2';

/** Something one PyNN simulator lacks: the script refuses to run there (exit 2). */
export interface PynnGap {
  simulator: PynnSimulator;
  /** JSON path of the spec feature. */
  path: string;
  problem: string;
}

export interface PynnExport {
  /** The script's text. */
  script: string;
  /** Features some simulators lack; the script refuses them on those simulators. */
  gaps: PynnGap[];
  /** What the script does not carry over (records other than spikes), one line each. */
  notes: string[];
}

export interface PynnExportOptions {
  /** Where the spec came from, for the script's header (e.g. "spikegpu export cuba --to pynn"). */
  source?: string;
  /** spikegpu's version, for the header. */
  version?: string;
}

/** PyNN's two synapse types of a cell. */
type SynapseType = 'excitatory' | 'inhibitory';

/** How one spikegpu receptor is delivered in PyNN. */
interface ReceptorPlan {
  /** spikegpu weight units → PyNN's (nA, µS or mV). */
  scale: number;
  /** The PyNN synapse type, or null when each projection picks it by its weights' sign (delta). */
  type: SynapseType | null;
}

interface PopulationPlan {
  name: string;
  /** Python variable. */
  variable: string;
  spec: PopulationSpec;
  receptors: Map<string, ReceptorPlan>;
  /** Input units (iExt, noise) → nA. */
  inputScale: number;
}

// ---------------------------------------------------------------- Python literals

/** A number as Python reads it back: the shortest of 15 significant digits (1.62 · 0.05 = 0.081). */
function num(x: number): string {
  const y = Number(x.toPrecision(15));
  return Number.isInteger(y) && Math.abs(y) < 1e15 ? `${y}.0` : String(y);
}

/** An integer literal. */
const int = (x: number) => String(Math.round(x));

/** A long list as a numpy array, 16 numbers a line. */
function array(values: readonly number[], format: (x: number) => string = num): string {
  const lines: string[] = [];
  for (let k = 0; k < values.length; k += 16)
    lines.push(
      values
        .slice(k, k + 16)
        .map(format)
        .join(', '),
    );
  return lines.length <= 1 ? `np.array([${lines.join('')}])` : `np.array([\n        ${lines.join(',\n        ')}])`;
}

const isDistribution = (v: Value): v is Distribution => typeof v === 'object' && !Array.isArray(v);

/** A spec value times `scale`, as a Python expression (a number, an array or a RandomDistribution). */
function value(v: Value, scale = 1): string {
  if (typeof v === 'number') return num(v * scale);
  if (Array.isArray(v)) return array(v.map((x) => x * scale));
  if ('uniform' in v) return `RandomDistribution('uniform', low=${num(v.uniform[0] * scale)}, high=${num(v.uniform[1] * scale)}, rng=rng)`;
  const [mu, sigma] = v.normal;
  return v.clip
    ? `RandomDistribution('normal_clipped', mu=${num(mu * scale)}, sigma=${num(sigma * scale)}, low=${num(v.clip[0] * scale)}, high=${num(v.clip[1] * scale)}, rng=rng)`
    : `RandomDistribution('normal', mu=${num(mu * scale)}, sigma=${num(sigma * scale)}, rng=rng)`;
}

/** The mean of a value (for choosing units). */
function meanOf(v: Value): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.reduce((a, b) => a + b, 0) / v.length;
  return 'uniform' in v ? (v.uniform[0] + v.uniform[1]) / 2 : v.normal[0];
}

/** Smallest and largest value a draw can take (a normal without clip: ±6 sd, its Irwin–Hall tails). */
function rangeOf(v: Value): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v)) return [Math.min(...v), Math.max(...v)];
  if ('uniform' in v) return v.uniform;
  const [mu, sd] = v.normal;
  return v.clip ? [Math.max(v.clip[0], mu - 6 * sd), Math.min(v.clip[1], mu + 6 * sd)] : [mu - 6 * sd, mu + 6 * sd];
}

/** A Python identifier for a population. */
function identifier(name: string, taken: Set<string>): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, 'p_');
  if (/^(sim|rng|np|args|recorded|RandomDistribution|build|draw)$/.test(id) || !id) id = `pop_${id}`;
  while (taken.has(id)) id += '_';
  taken.add(id);
  return id;
}

// ---------------------------------------------------------------- receptors

/** Every input of a receptor: the path of its weight and the weights it can take. */
interface ReceptorInput {
  path: string;
  range: [number, number];
}

/** The weights projection i can deliver (a plastic one: anywhere in its bounds too), and the path to blame. */
function weightRange(p: ProjectionSpec, i: number): ReceptorInput {
  const [lo, hi] = rangeOf(p.weight);
  if (!p.plasticity) return { path: `projections[${i}].weight`, range: [lo, hi] };
  return { path: `projections[${i}].plasticity`, range: [Math.min(lo, p.plasticity.wMin), Math.max(hi, p.plasticity.wMax)] };
}

function receptorInputs(spec: NetworkSpec, pop: string, receptor: string): ReceptorInput[] {
  const inputs: ReceptorInput[] = [];
  (spec.projections ?? []).forEach((p, i) => {
    if (p.post !== pop || p.receptor !== receptor) return;
    inputs.push(weightRange(p, i));
  });
  (spec.populations[pop].poissonInput ?? []).forEach((input, k) => {
    if (input.receptor === receptor) inputs.push({ path: `populations.${pop}.poissonInput[${k}].weight`, range: [input.weight, input.weight] });
  });
  return inputs;
}

/** The synapse type a sign of weights needs: excitatory ≥ 0, inhibitory ≤ 0, null for zero. */
function typeOfRange([lo, hi]: [number, number], path: string): SynapseType | null {
  if (lo >= 0 && hi > 0) return 'excitatory';
  if (hi <= 0 && lo < 0) return 'inhibitory';
  if (lo === 0 && hi === 0) return null;
  throw new SpecError(
    path,
    `weights of both signs (${num(lo)} … ${num(hi)}) cannot be exported to PyNN, whose synapse types need excitatory weights ≥ 0 and inhibitory ones ≤ 0: split the projection by sign`,
  );
}

/** How each receptor of a neuron population is delivered, and the units of its input. */
function planReceptors(spec: NetworkSpec, name: string, gaps: PynnGap[]): { receptors: Map<string, ReceptorPlan>; inputScale: number; cell: string } {
  const pop = spec.populations[name];
  const at = `populations.${name}`;
  const declared = Object.entries((pop.params?.receptors ?? {}) as Record<string, ReceptorSpec>);
  const receptors = new Map<string, ReceptorPlan>();
  if (pop.model === 'izhikevich') {
    for (const [r, s] of declared) {
      if (s.kind !== 'delta' && s.kind !== 'pulse')
        throw new SpecError(
          `${at}.params.receptors.${r}.kind`,
          `${s.kind} receptors on izhikevich cannot be exported: PyNN's Izhikevich cell takes only voltage jumps (delta or pulse)`,
        );
      receptors.set(r, { scale: s.kind === 'pulse' ? spec.dt : 1, type: null });
    }
    return { receptors, inputScale: 1e-3, cell: 'Izhikevich' };
  }
  const kinds = new Set(declared.map(([, s]) => s.kind));
  if (kinds.has('pulse')) {
    const r = declared.find(([, s]) => s.kind === 'pulse')![0];
    throw new SpecError(`${at}.params.receptors.${r}.kind`, 'pulse receptors on lif cannot be exported: PyNN has no one-tick current input');
  }
  if (kinds.size > 1)
    throw new SpecError(
      `${at}.params.receptors`,
      `receptors of kinds ${[...kinds].join(' and ')} on one population cannot be exported: each PyNN cell type has one synapse kind`,
    );
  const tauM = (pop.params?.tauM as Value | undefined) ?? models.lif.params.tauM.default!;
  const leak = 1 / meanOf(tauM); // gL, µS, for cm = 1 nF at the mean tauM
  const kind = [...kinds][0] ?? 'current';
  if (kind === 'delta') {
    for (const [r] of declared) receptors.set(r, { scale: 1, type: null });
    gaps.push({ simulator: 'neuron', path: `${at}.params.receptors`, problem: 'delta synapses (IF_curr_delta) are not available' });
    return { receptors, inputScale: leak, cell: 'IF_curr_delta' };
  }
  if (declared.length > 2)
    throw new SpecError(
      `${at}.params.receptors`,
      `${declared.length} ${kind} receptors cannot be exported: PyNN's cells have one excitatory and one inhibitory synapse`,
    );
  const types = new Map<string, SynapseType | null>();
  if (kind === 'conductance') {
    // The receptor with the higher reversal potential is the excitatory one.
    const byReversal = [...declared].sort((a, b) => (b[1] as { eRev: number }).eRev - (a[1] as { eRev: number }).eRev);
    byReversal.forEach(([r], k) => types.set(r, k === 0 ? 'excitatory' : 'inhibitory'));
  } else if (declared.length === 1) {
    // One current receptor: both PyNN synapse types get its tau, each projection the type of its sign.
    types.set(declared[0][0], null);
  } else {
    for (const [r] of declared) {
      const signs = receptorInputs(spec, name, r).map((input) => typeOfRange(input.range, input.path));
      const wanted = new Set(signs.filter((s) => s !== null));
      if (wanted.size > 1)
        throw new SpecError(
          `${at}.params.receptors.${r}`,
          'receives excitatory (> 0) and inhibitory (< 0) weights: PyNN routes current inputs by sign, so one receptor cannot take both',
        );
      types.set(r, [...wanted][0] ?? null);
    }
    const chosen = [...types.values()].filter((t) => t !== null);
    if (chosen.length === 2 && chosen[0] === chosen[1])
      throw new SpecError(`${at}.params.receptors`, `both current receptors receive ${chosen[0]} weights: PyNN's IF_curr_exp has one synapse of each sign`);
    for (const [r, t] of types) if (t === null) types.set(r, chosen[0] === 'excitatory' ? 'inhibitory' : 'excitatory');
  }
  for (const [r] of declared) receptors.set(r, { scale: leak, type: types.get(r) ?? null });
  return { receptors, inputScale: leak, cell: kind === 'conductance' ? 'IF_cond_exp' : 'IF_curr_exp' };
}

// ---------------------------------------------------------------- populations

/** A model parameter as given, or its default (one source: the model's table). */
function param(pop: PopulationSpec, key: string): Value {
  const given = pop.params?.[key] as Value | undefined;
  return given ?? models[pop.model as string].params[key].default!;
}

/** Python lines creating a neuron or source population. */
function populationLines(spec: NetworkSpec, plan: PopulationPlan, cell: string): string[] {
  const { name, variable: v, spec: pop } = plan;
  const at = `populations.${name}`;
  const lines = [`    # ${name}: ${pop.size} ${pop.model}`];
  const params: string[] = [];
  const init: string[] = [];
  if (pop.model === 'lif') {
    const leak = plan.inputScale;
    const scaled = cell === 'IF_curr_delta' ? 'iExt times gL is nA (delta weights stay mV jumps)' : 'mV inputs and weights times gL are nA (conductances: uS)';
    lines.push(`    # gL = ${num(leak)} uS: spikegpu's ${scaled}`);
    const tauM = param(pop, 'tauM');
    if (isDistribution(tauM)) {
      lines.push(`    ${v}_tau_m = draw(${value(tauM)}, ${pop.size})`);
      params.push(`tau_m=${v}_tau_m`, `cm=${num(leak)} * ${v}_tau_m`);
    } else params.push(`tau_m=${value(tauM)}`, `cm=${value(tauM, leak)}`);
    params.push(`v_rest=${value(param(pop, 'vRest'))}`, `v_thresh=${value(param(pop, 'vThresh'))}`, `v_reset=${value(param(pop, 'vReset'))}`);
    params.push(`tau_refrac=${value(param(pop, 'tRef'))}`);
    for (const [r, s] of Object.entries((pop.params?.receptors ?? {}) as Record<string, ReceptorSpec>)) {
      const type = plan.receptors.get(r)!.type;
      const t = type === 'inhibitory' ? 'I' : 'E';
      if (s.kind === 'current' && type === null) params.push(`tau_syn_E=${num(s.tau)}`, `tau_syn_I=${num(s.tau)}`);
      else if (s.kind === 'current' || s.kind === 'conductance') params.push(`tau_syn_${t}=${num(s.tau)}`);
      if (s.kind === 'conductance') params.push(`e_rev_${t}=${num(s.eRev)}`);
    }
    if (pop.iExt !== undefined) params.push(`i_offset=${value(pop.iExt, leak)}`);
    init.push(`'v': ${value(pop.init?.v ?? param(pop, 'vRest'))}`);
  } else if (pop.model === 'izhikevich') {
    const vPeak = param(pop, 'vPeak');
    if (vPeak !== 30)
      throw new SpecError(`${at}.params.vPeak`, `must be 30 to be exported: PyNN's Izhikevich cell has a fixed 30 mV peak, got ${JSON.stringify(vPeak)}`);
    for (const k of ['a', 'b', 'c', 'd']) params.push(`${k}=${value(param(pop, k))}`);
    if (pop.iExt !== undefined) params.push(`i_offset=${value(pop.iExt, plan.inputScale)}`);
    const defaultV = models.izhikevich.state.v.init;
    if (typeof defaultV !== 'number') throw new Error('izhikevich: v has no numeric default');
    const v0 = pop.init?.v ?? defaultV;
    if (pop.init?.u !== undefined) init.push(`'v': ${value(v0)}`, `'u': ${value(pop.init.u)}`);
    else {
      // u starts at b · v(0) (spikegpu's default), from the same draws of v.
      lines.push(`    ${v}_v = draw(${value(v0)}, ${pop.size})`, `    ${v}_b = draw(${value(param(pop, 'b'))}, ${pop.size})`);
      init.push(`'v': ${v}_v`, `'u': ${v}_b * ${v}_v`);
    }
  } else if (pop.model === 'poisson') {
    if (pop.rateTable) throw new SpecError(`${at}.rateTable`, "cannot be exported: PyNN's SpikeSourcePoisson has one constant rate");
    params.push(`rate=${value(param(pop, 'rate'))}`);
  } else if (pop.model === 'spikeSource') {
    // spikegpu spikes in the tick that holds each time, at tick · dt.
    const perNeuron: number[][] = Array.from({ length: pop.size }, () => []);
    (pop.times ?? []).forEach((t, k) => perNeuron[pop.ids![k]].push(Math.floor(t / spec.dt + 1e-9) * spec.dt));
    const trains = perNeuron.map(
      (ts) =>
        `Sequence([${[...new Set(ts.map((t) => Number(t.toFixed(9))))]
          .sort((a, b) => a - b)
          .map(num)
          .join(', ')}])`,
    );
    params.push(`spike_times=[${trains.join(',\n            ')}]`);
  }
  const cellArgs = params.length > 2 ? `\n        ${params.join(',\n        ')}` : params.join(', ');
  lines.push(`    ${v} = sim.Population(${pop.size}, sim.${cell}(${cellArgs}),`);
  lines.push(`        ${init.length ? `initial_values={${init.join(', ')}}, ` : ''}label=${JSON.stringify(name)})`);
  // Each population's noise has a seed of its own: (run seed, population index).
  const index = Object.keys(spec.populations).indexOf(name);
  if (pop.noise) lines.push(`    inject_noise(sim, ${v}, ${num(pop.noise.sd * plan.inputScale)}, ${num(spec.dt)}, args.duration, [args.seed, ${index}])`);
  return lines;
}

// ---------------------------------------------------------------- projections

/** The connector of a projection, as Python. */
function connector(p: ProjectionSpec, i: number, spec: NetworkSpec): string {
  const c = p.connect;
  const self = p.pre === p.post;
  const allowSelf = 'allowSelf' in c ? c.allowSelf !== false : true;
  const selfArg = self ? `, allow_self_connections=${allowSelf ? 'True' : 'False'}` : '';
  const multiple = 'allowMultiple' in c ? c.allowMultiple !== false : true;
  switch (c.rule) {
    case 'allToAll':
      return `sim.AllToAllConnector(${selfArg.slice(2)})`;
    case 'oneToOne':
      return 'sim.OneToOneConnector()';
    case 'fixedProbability':
      return `sim.FixedProbabilityConnector(${num(c.p)}${selfArg}, rng=rng)`;
    case 'fixedInDegree':
      return `sim.FixedNumberPreConnector(${int(c.k)}${selfArg}, with_replacement=${multiple ? 'True' : 'False'}, rng=rng)`;
    case 'fixedOutDegree':
      return `sim.FixedNumberPostConnector(${int(c.k)}${selfArg}, with_replacement=${multiple ? 'True' : 'False'}, rng=rng)`;
    case 'fixedTotal': {
      const sizes = `${spec.populations[p.pre].size}, ${spec.populations[p.post].size}`;
      const flags = `${allowSelf ? 'True' : 'False'}, ${multiple ? 'True' : 'False'}, ${self ? 'True' : 'False'}`;
      return `sim.FromListConnector(fixed_total_pairs(${sizes}, ${int(c.n)}, ${flags}, [args.seed, ${i}]))`;
    }
    case 'list':
      return 'sim.FromListConnector(connections, column_names=columns)';
  }
}

/** The `connections` / `columns` lines of a list projection: pairs, with per-synapse weights and delays. */
function listLines(p: ProjectionSpec & { connect: { rule: 'list' } }, weightScale: number, dt: number): string[] {
  const columns: string[] = [];
  const stacked = [array(p.connect.pre, int), array(p.connect.post, int)];
  if (Array.isArray(p.weight)) {
    columns.push('weight');
    stacked.push(array(p.weight.map((w) => w * weightScale)));
  }
  if (Array.isArray(p.delay)) {
    columns.push('delay');
    stacked.push(array(p.delay.map((d) => tickDelay(d, dt))));
  }
  return [`    connections = np.column_stack([\n        ${stacked.join(',\n        ')}])`, `    columns = ${JSON.stringify(columns)}`];
}

/** A delay as spikegpu uses it: rounded to whole ticks, at least one. */
const tickDelay = (d: number, dt: number) => Math.max(1, Math.round(d / dt)) * dt;

function delayValue(p: ProjectionSpec, dt: number): string | null {
  const d = p.delay ?? dt;
  if (Array.isArray(d)) return null;
  return typeof d === 'number' ? num(tickDelay(d, dt)) : value(d);
}

/** The synapse of a projection: static, or STDP with the same parameters. */
function synapse(p: ProjectionSpec, i: number, weightScale: number, dt: number): string {
  const at = `projections[${i}]`;
  const args: string[] = [];
  if (!Array.isArray(p.weight)) args.push(`weight=${value(p.weight, weightScale)}`);
  const delay = delayValue(p, dt);
  if (delay !== null) args.push(`delay=${delay}`);
  if (!p.plasticity) return `sim.StaticSynapse(${args.join(', ')})`;
  if (p.plasticity.rule !== 'stdp')
    throw new SpecError(`${at}.plasticity.rule`, `${p.plasticity.rule} cannot be exported: PyNN's standard synapses have pair STDP only`);
  const s = p.plasticity;
  if (s.normalize) throw new SpecError(`${at}.plasticity.normalize`, 'cannot be exported: PyNN has no weight normalisation');
  if ((s.pairing ?? 'all') !== 'all')
    throw new SpecError(
      `${at}.plasticity.pairing`,
      `"${s.pairing}" cannot be exported: PyNN's SpikePairRule pairs all spikes and it has no nearest-spike rule`,
    );
  const multiplicative = s.mode === 'multiplicative';
  if (multiplicative && s.wMin !== 0)
    throw new SpecError(
      `${at}.plasticity.wMin`,
      `must be 0 for multiplicative STDP to be exported: PyNN's depression is A_minus · w, spikegpu's aMinus · (w − wMin); got ${s.wMin}`,
    );
  if (!multiplicative && !(s.wMax > 0))
    throw new SpecError(`${at}.plasticity.wMax`, `must be > 0 for additive STDP to be exported: PyNN's change is A · w_max; got ${s.wMax}`);
  // PyNN's additive change is A · w_max (spikegpu's is aPlus), its multiplicative one A · (w_max − w) (spikegpu's aPlus · (wMax − w)).
  const amplitude = (a: number) => num(multiplicative ? a : a / s.wMax);
  const dependence = `sim.${multiplicative ? 'Multiplicative' : 'Additive'}WeightDependence(w_min=${num(s.wMin * weightScale)}, w_max=${num(s.wMax * weightScale)})`;
  const timing = `sim.SpikePairRule(tau_plus=${num(s.tauPlus)}, tau_minus=${num(s.tauMinus)}, A_plus=${amplitude(s.aPlus)}, A_minus=${amplitude(s.aMinus)})`;
  return `sim.STDPMechanism(\n        timing_dependence=${timing},\n        weight_dependence=${dependence},\n        ${args.join(', ')}${args.length ? ', ' : ''}dendritic_delay_fraction=0)`;
}

/** The PyNN synapse type of a projection: its receptor's, or (delta) its weights' sign. */
function synapseType(p: ProjectionSpec, i: number, plan: ReceptorPlan): SynapseType {
  if (plan.type) return plan.type;
  const { path, range } = weightRange(p, i);
  return typeOfRange(range, path) ?? 'excitatory';
}

function projectionLines(spec: NetworkSpec, p: ProjectionSpec, i: number, plans: Map<string, PopulationPlan>, gaps: PynnGap[]): string[] {
  const at = `projections[${i}]`;
  const pre = plans.get(p.pre)!,
    post = plans.get(p.post)!;
  const receptor = post.receptors.get(p.receptor)!;
  if (p.connect.rule !== 'list') {
    if (Array.isArray(p.weight))
      throw new SpecError(
        `${at}.weight`,
        `per-synapse arrays cannot be exported with the ${p.connect.rule} rule (PyNN creates its synapses in another order); use a list rule`,
      );
    if (Array.isArray(p.delay))
      throw new SpecError(
        `${at}.delay`,
        `per-synapse arrays cannot be exported with the ${p.connect.rule} rule (PyNN creates its synapses in another order); use a list rule`,
      );
  }
  if (p.plasticity?.rule === 'stdp' && p.plasticity.mode === 'multiplicative')
    gaps.push({ simulator: 'brian2', path: `${at}.plasticity.mode`, problem: 'multiplicative STDP is run as additive' });
  const label = p.name ?? at;
  const lines = [`    # ${label}: ${p.pre} → ${p.post} (${p.receptor})`];
  if (p.connect.rule === 'list') lines.push(...listLines(p as ProjectionSpec & { connect: { rule: 'list' } }, receptor.scale, spec.dt));
  // Plastic projections are kept for --weights-out, with the scale back to spikegpu's units.
  const keep = p.plasticity ? `plastic[${JSON.stringify(label)}] = (` : '';
  lines.push(
    `    ${keep}sim.Projection(${pre.variable}, ${post.variable}, ${connector(p, i, spec)},`,
    `        ${synapse(p, i, receptor.scale, spec.dt)},`,
    `        receptor_type=${JSON.stringify(synapseType(p, i, receptor))}, label=${JSON.stringify(label)})${keep ? `, ${num(1 / receptor.scale)})` : ''}`,
  );
  return lines;
}

/** Poisson inputs: each as one Poisson source of count · rate per neuron, one to one (split on Brian2: `poisson_drive`). */
function poissonInputLines(plan: PopulationPlan, dt: number): string[] {
  const lines: string[] = [];
  (plan.spec.poissonInput ?? []).forEach((input, k) => {
    const at = `populations.${plan.name}.poissonInput[${k}]`;
    const receptor = plan.receptors.get(input.receptor)!;
    const type = receptor.type ?? typeOfRange([input.weight, input.weight], `${at}.weight`) ?? 'excitatory';
    lines.push(
      `    # ${at}: ${input.count} sources of ${num(input.rate)} Hz each, summed`,
      `    poisson_drive(sim, ${plan.variable}, ${num(input.count * input.rate)}, ${num(input.weight * receptor.scale)}, ${num(dt)}, ${JSON.stringify(type)}, ${JSON.stringify(`${plan.name} poissonInput[${k}]`)})`,
    );
  });
  return lines;
}

/** The recorded populations (whole, or chosen ids) as Python lines filling `recorded`. */
function recordLines(spec: NetworkSpec, plans: Map<string, PopulationPlan>): string[] {
  const entries = spec.record ? (spec.record.spikes ?? []) : Object.keys(spec.populations);
  const lines = ['    recorded = {}'];
  for (const e of entries) {
    const name = typeof e === 'string' ? e : e.pop;
    const v = plans.get(name)!.variable;
    const view = typeof e === 'string' ? v : `${v}[${JSON.stringify(e.ids)}]`;
    lines.push(`    recorded[${JSON.stringify(name)}] = (${v}, ${view})`, `    ${view}.record('spikes')`);
  }
  return lines;
}

/** Largest delay of any projection, ms (for PyNN's max_delay). */
function maxDelayMs(spec: NetworkSpec): number {
  let max = spec.dt;
  for (const p of spec.projections ?? []) max = Math.max(max, tickDelay(rangeOf(p.delay ?? spec.dt)[1], spec.dt));
  return max;
}

/**
 * The spec as a standalone PyNN 0.10 script. Throws `SpecError` (with the JSON path) for what
 * PyNN cannot express.
 * @example
 *   const { script } = exportPynn(builtinNetwork('cuba', { n: 1000 }), { source: 'cuba' });
 *   // python3 model.py --simulator nest --out spikes.json
 */
export function exportPynn(doc: unknown, options: PynnExportOptions = {}): PynnExport {
  const spec = validateSpec(doc);
  const gaps: PynnGap[] = [];
  const notes: string[] = [];
  const taken = new Set<string>();
  const plans = new Map<string, PopulationPlan>();
  const body: string[] = [];
  for (const [name, pop] of Object.entries(spec.populations)) {
    const isNeuron = pop.model === 'lif' || pop.model === 'izhikevich';
    const receptorPlan = isNeuron
      ? planReceptors(spec, name, gaps)
      : { receptors: new Map<string, ReceptorPlan>(), inputScale: 1, cell: pop.model === 'poisson' ? 'SpikeSourcePoisson' : 'SpikeSourceArray' };
    if (!isNeuron && pop.model !== 'poisson' && pop.model !== 'spikeSource')
      throw new SpecError(
        `populations.${name}.model`,
        typeof pop.model === 'string'
          ? `${pop.model} cannot be exported to PyNN`
          : 'a model given by its equations cannot be exported to PyNN (it has no PyNN cell type)',
      );
    const plan: PopulationPlan = { name, variable: identifier(name, taken), spec: pop, receptors: receptorPlan.receptors, inputScale: receptorPlan.inputScale };
    plans.set(name, plan);
    body.push(...populationLines(spec, plan, receptorPlan.cell), ...poissonInputLines(plan, spec.dt), '');
    if (pop.model === 'izhikevich' && param(pop, 'substeps') !== 1)
      notes.push(`populations.${name}.params.substeps: spikegpu's Euler sub-steps; each PyNN simulator integrates with its own method`);
  }
  (spec.projections ?? []).forEach((p, i) => body.push(...projectionLines(spec, p, i, plans, gaps), ''));
  body.push(...recordLines(spec, plans), '    return recorded, plastic');
  if (spec.record?.state?.length) notes.push('record.state: not exported (the script records spikes)');
  if (spec.record?.weights?.length) notes.push('record.weights: not exported (the script records spikes)');

  const name = spec.name ?? 'network';
  const header = [
    '#!/usr/bin/env python3',
    `"""${name}: a PyNN 0.10 script exported by spikegpu${options.version ? ` ${options.version}` : ''}${options.source ? ` (${options.source})` : ''}.`,
    '',
    'The same network on NEST, NEURON or Brian2, in one process or under MPI:',
    '    python3 model.py --simulator nest --duration 1000 --out spikes.json',
    '    mpirun -np 4 python3 model.py --simulator neuron --out spikes.csv',
    "--out writes spikegpu's spike formats (.json, .csv) from rank 0, after gathering every rank's spikes.",
    '',
    'Units: ms, mV, nF, nA (current weights), uS (conductance weights). spikegpu writes',
    'tau_m dv/dt = (v_rest - v) + g with g in mV (conductances in units of the leak); PyNN writes',
    'cm dv/dt = gL (v_rest - v) + i with gL = cm / tau_m, so weights and i_offset here are',
    "spikegpu's times gL (cm = gL * tau_m). Izhikevich weights are mV jumps, and its input in mV/ms",
    'is i_offset in nA x 1000. Each simulator integrates with its own method (NEURON at dt/2, at',
    'most 0.1 ms: see --timestep).',
    'Delays are rounded to whole time steps, at least one, as spikegpu does; a spike acts',
    "delay ms after it (NEST's convention, which spikegpu follows; Brian2 acts one step later).",
    ...(notes.length ? ['', 'Not carried over:', ...notes.map((n) => `- ${n}`)] : []),
    '"""',
  ];
  const constants = [
    `NAME = ${JSON.stringify(name)}`,
    `DT = ${num(spec.dt)}  # ms`,
    `SEED = ${int(spec.seed ?? 1)}`,
    `MAX_DELAY = ${num(Math.max(maxDelayMs(spec), 10))}  # ms`,
    '# What a simulator lacks: (simulator, JSON path in the spec, why); refused on that simulator.',
    `UNSUPPORTED = [${gaps.map((g) => `\n    (${JSON.stringify(g.simulator)}, ${JSON.stringify(g.path)}, ${JSON.stringify(g.problem)}),`).join('')}${gaps.length ? '\n' : ''}]`,
  ];
  const build = [
    'def build(sim, rng, args):',
    '    """Populations, inputs and projections.',
    '',
    '    Returns recorded {name: (population, recorded view)} and plastic {name: (projection, factor to spikegpu units)}.',
    '    """',
    '    from pyNN.random import RandomDistribution',
    '    from pyNN.parameters import Sequence',
    '    plastic = {}',
    '',
    ...body,
  ];
  const script = [...header, PYNN_PRELUDE, ...constants, '', '', ...build, '', '', PYNN_MAIN].join('\n');
  return { script, gaps, notes };
}
