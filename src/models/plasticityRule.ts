/**
 * Plasticity rules as definitions (GeNN's weight-update models): traces that decay and jump at
 * spikes, and two expressions for the new weight, one when a presynaptic spike arrives and one
 * when the postsynaptic neuron spikes. The WGSL functions and their CPU twins are generated
 * here from one parse (`src/equations`); where and when they run (which synapses, in which
 * tick) is the traversal's business: `src/kernels/plasticity.ts` on the GPU,
 * `src/reference/cpuPlasticity.ts` on the CPU.
 *
 * What the expressions see:
 * - `onPost` (postsynaptic spike in tick t): `w`; each presynaptic trace as the synapse sees it
 *   (spikes arriving up to and including tick t); each postsynaptic trace just before this
 *   spike (decayed to tick t).
 * - `onPre` (presynaptic spike arriving in tick t + 1, the weight it carries is the old one):
 *   `w`; each postsynaptic trace decayed to tick t + 1 (post spikes up to tick t count); each
 *   presynaptic trace just before this spike, as the synapse sees it.
 * - both: the rule's parameters. The new weight is clipped to [wMin, wMax].
 * - a trace's `onSpike`: the trace itself and the parameters.
 *
 * Traces decay every tick by exp(−dt/τ), computed on the host; parameters and decays live in
 * one uniform buffer (not WGSL constants: a compiler could fold products of constants and round
 * differently from the CPU).
 *
 * Reward-modulated rules add three things. Per-synapse variables (an eligibility trace c)
 * stored after the weights; `target` names the one `onPre` and `onPost` set instead of w. A
 * neuromodulator (dopamine d), one value per projection, decaying every tick and raised by the
 * spikes of a population (`plasticity.modulatedBy`) or set by `sim.setModulator`. And a
 * `periodic` update of every synapse (w and its variables, all from their old values), every
 * `every` ms, which sees the modulator. `derived` constants (such as exp(−every/τc)) are
 * computed once on the host with the CPU's f32 functions and stored in the uniform.
 */
import { compileJs, emitExpression, WGSL_RUNTIME, type Code } from '../equations/emit.ts';
import { ExpressionError, checkTypes, namesIn, parseExpression, type Expr } from '../equations/expression.ts';
import { f32 } from '../equations/f32.ts';
import { SpecError } from '../netspec/errors.ts';
import type { ParamInfo } from './model.ts';

/** One value per neuron that decays exponentially and changes at the neuron's spikes. */
export interface TraceDefinition {
  /** Its time constant: the name of a parameter of the rule (ms). */
  tau: string;
  /** Its value after a spike: an expression of the trace (by its name) and the parameters, e.g. "x + 1" or "1". */
  onSpike: string;
}

export interface PlasticityRuleDefinition {
  /** The spec's `plasticity.rule`. */
  name: string;
  doc: string;
  /** Parameters (constants of the rule); `wMin` and `wMax` bound the weight. */
  params: Record<string, ParamInfo>;
  preTraces: Record<string, TraceDefinition>;
  postTraces: Record<string, TraceDefinition>;
  /** The new weight (or `target`) when a presynaptic spike arrives. */
  onPre: string;
  /** The new weight (or `target`) when the postsynaptic neuron spikes. */
  onPost: string;
  /** Per-synapse variables besides w, zero at the start (an eligibility trace). */
  synapseVariables?: string[];
  /** The variable `onPre` and `onPost` set: `w` (default) or one of `synapseVariables` (then unclipped). */
  target?: string;
  /** Constants computed on the host from the parameters and `dt`: name → expression. */
  derived?: Record<string, string>;
  /** A neuromodulator shared by the projection's synapses, decaying with the parameter `tau` (ms). */
  modulator?: { name: string; tau: string };
  /** Every `every` ms (a parameter), each synapse's w and variables: name → new value (w clipped). */
  periodic?: { every: string; update: Record<string, string> };
}

/** A rule as compiled into a projection: its definition and the f32 words of its uniform buffer. */
export interface CompiledRule {
  definition: PlasticityRuleDefinition;
  /** Names of the uniform's words: the parameters, then `decay_<trace>` of each pre and post trace. */
  fields: string[];
  /** The uniform's f32 values, padded to a multiple of 4 words. */
  constants: Float32Array;
  /** Ticks between periodic updates (0: none). */
  periodTicks: number;
  /** Population whose spikes raise the modulator, as global neuron ids [offset, offset + size), and by how much; or null. */
  modulatedBy: { offset: number; size: number; amount: number } | null;
}

const UNIFORM_ALIGN_WORDS = 4;

/**
 * The fields of a definition's uniform, in order: the parameters but the traces' time
 * constants (the kernels use their decays), then each pre and post trace's decay per tick.
 * Pair STDP's is the layout checkpoints have always held: aPlus, aMinus, wMin, wMax, the two decays.
 */
export function ruleFields(def: PlasticityRuleDefinition): string[] {
  const taus = new Set(Object.values({ ...def.preTraces, ...def.postTraces }).map((t) => t.tau));
  return [
    ...Object.keys(def.params).filter((p) => !taus.has(p)),
    ...Object.keys(def.preTraces).map((t) => `decay_${t}`),
    ...Object.keys(def.postTraces).map((t) => `decay_${t}`),
    ...Object.keys(def.derived ?? {}),
    ...(def.modulator ? [`decay_${def.modulator.name}`, 'modulatorStep'] : []),
  ];
}

/**
 * A rule's constants at time step `dt` (ms): its parameters as given (f32) and each trace's
 * decay per tick, exp(−dt/τ).
 * @example compileRule(stdpDefinition(spec), { tauPlus: 20, ... }, 0.1)
 */
export function compileRule(
  definition: PlasticityRuleDefinition,
  values: Record<string, number>,
  dt: number,
  modulatedBy: CompiledRule['modulatedBy'] = null,
): CompiledRule {
  const fields = ruleFields(definition);
  const constants = new Float32Array(Math.ceil(fields.length / UNIFORM_ALIGN_WORDS) * UNIFORM_ALIGN_WORDS);
  const traces = { ...definition.preTraces, ...definition.postTraces };
  const derived = derivedConstants(definition, values, dt);
  fields.forEach((field, k) => {
    if (field === 'modulatorStep') constants[k] = modulatedBy?.amount ?? 0;
    else if (definition.modulator && field === `decay_${definition.modulator.name}`) constants[k] = Math.exp(-dt / values[definition.modulator.tau]);
    else if (field.startsWith('decay_')) constants[k] = Math.exp(-dt / values[traces[field.slice(6)].tau]);
    else if (field in derived) constants[k] = derived[field];
    else constants[k] = values[field];
  });
  // At most a u32: the kernels test tick % periodTicks.
  const periodTicks = definition.periodic ? Math.min(2 ** 32 - 1, Math.max(1, Math.round(values[definition.periodic.every] / dt))) : 0;
  return { definition, fields, constants, periodTicks, modulatedBy };
}

/** The `derived` constants of a definition, computed with the CPU's f32 functions (the GPU reads them from the uniform). */
function derivedConstants(def: PlasticityRuleDefinition, values: Record<string, number>, dt: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, source] of Object.entries(def.derived ?? {})) {
    const { js } = emitExpression(parseHook(source, '', `derived ${name}`), (n, pos) => {
      if (n === 'dt') return f32(dt);
      if (Object.hasOwn(values, n)) return f32(values[n]);
      if (Object.hasOwn(out, n)) return out[n];
      throw new SpecError('', `derived ${name}: unknown name ${n} (character ${pos + 1} of "${source}")`);
    });
    out[name] = compileJs<number>(`return ${js};`);
  }
  return out;
}

/** Which trace values a weight expression reads, by side. */
export interface WeightHookInputs {
  pre: string[];
  post: string[];
}

/** The generated code of a rule (cached per definition). */
export interface RuleCode {
  /**
   * WGSL: `struct RuleConstants`, `rulePreSpike_<trace>`, `rulePostSpike_<trace>`, `ruleOnPre`,
   * `ruleOnPost`, `rulePeriodic_<variable>` and the math runtime.
   */
  wgsl: string;
  /** Traces each hook reads, in the order its function takes them (after the target's value). */
  onPre: WeightHookInputs;
  onPost: WeightHookInputs;
  /** The per-synapse variable the hooks set: `w` or a synapse variable. */
  target: string;
  /** Per-synapse values in the weight buffer, in order: w, then the synapse variables. */
  synapseValues: string[];
  /** Periodic update: the variables it sets, each a function of all `synapseValues` and then the modulator. */
  periodic: string[];
  /** CPU twins; `k` is the uniform's words (so constants changed between runs apply at once). */
  cpu: {
    preSpike: ((k: Float32Array, v: number) => number)[];
    postSpike: ((k: Float32Array, v: number) => number)[];
    onPre: (k: Float32Array, target: number, ...traces: number[]) => number;
    onPost: (k: Float32Array, target: number, ...traces: number[]) => number;
    /** The periodic update of every synapse, in place (`values` as the weight buffer: w, then each synapse variable). */
    periodic: (k: Float32Array, values: Float32Array, synapses: number, modulator: number) => void;
  };
}

const codeCache = new Map<string, RuleCode>();

/** The rule's code; `path` names the spec's `plasticity` in errors. */
export function ruleCode(def: PlasticityRuleDefinition, path = ''): RuleCode {
  const key = JSON.stringify(def);
  let code = codeCache.get(key);
  if (!code) {
    code = generateRule(def, path);
    codeCache.set(key, code);
  }
  return code;
}

function parseHook(source: string, path: string, what: string): Expr {
  try {
    const e = parseExpression(source);
    checkTypes(e, 'number');
    return e;
  } catch (err) {
    if (err instanceof ExpressionError) throw new SpecError(path, `${what}: ${err.problem} (character ${err.pos + 1} of "${source}")`);
    throw err;
  }
}

function generateRule(def: PlasticityRuleDefinition, path: string): RuleCode {
  const fields = ruleFields(def);
  const constants = new Set([...Object.keys(def.params).filter((p) => fields.includes(p)), ...Object.keys(def.derived ?? {})]);
  const preNames = Object.keys(def.preTraces);
  const postNames = Object.keys(def.postTraces);
  const target = def.target ?? 'w';
  const synapseValues = ['w', ...(def.synapseVariables ?? [])];
  if (!synapseValues.includes(target)) throw new SpecError(path, `target ${target} is neither w nor a synapse variable`);
  const constant = (name: string): Code => ({ wgsl: `rule.${name}`, js: `k[${fields.indexOf(name)}]` });
  const resolver = (locals: string[], source: string, what: string) => (name: string, pos: number) => {
    if (locals.includes(name)) return { wgsl: `v_${name}`, js: `v_${name}` };
    if (constants.has(name)) return constant(name);
    throw new SpecError(
      path,
      `${what}: unknown name ${name} (character ${pos + 1} of "${source}"): not a parameter of the rule${locals.length ? ` nor one of ${locals.join(', ')}` : ''}`,
    );
  };
  const wgsl: string[] = [
    `struct RuleConstants { ${Array.from({ length: Math.ceil(fields.length / UNIFORM_ALIGN_WORDS) * UNIFORM_ALIGN_WORDS }, (_, k) => `${fields[k] ?? `pad${k}`}: f32`).join(', ')} }`,
    WGSL_RUNTIME,
  ];
  const build = (args: string[], body: Code) => compileJs(`return (k, ${args.join(', ')}) => ${body.js};`);
  /** The value of `name` after an update: clipped to the weight bounds when it is the weight. */
  const bounded = (name: string, c: Code): Code =>
    name === 'w' ? { wgsl: `clamp(${c.wgsl}, rule.wMin, rule.wMax)`, js: `Math.min(Math.max(${c.js}, ${constant('wMin').js}), ${constant('wMax').js})` } : c;

  const spikeFunctions = (side: 'pre' | 'post', traces: Record<string, TraceDefinition>) =>
    Object.entries(traces).map(([name, t]) => {
      const what = `${side}synaptic trace ${name} onSpike`;
      const c = emitExpression(parseHook(t.onSpike, path, what), resolver([name], t.onSpike, what));
      wgsl.push(`fn rule${side === 'pre' ? 'Pre' : 'Post'}Spike_${name}(v_${name}: f32) -> f32 { return ${c.wgsl}; }`);
      return build([`v_${name}`], c) as (k: Float32Array, v: number) => number;
    });
  const preSpike = spikeFunctions('pre', def.preTraces);
  const postSpike = spikeFunctions('post', def.postTraces);

  const hook = (which: 'onPre' | 'onPost') => {
    const source = def[which];
    const e = parseHook(source, path, which);
    const read = new Set(namesIn(e).keys());
    const inputs = { pre: preNames.filter((n) => read.has(n)), post: postNames.filter((n) => read.has(n)) };
    const locals = [target, ...inputs.pre, ...inputs.post];
    const c = bounded(target, emitExpression(e, resolver(locals, source, which)));
    const args = locals.map((n) => `v_${n}`);
    wgsl.push(`fn rule${which === 'onPre' ? 'OnPre' : 'OnPost'}(${args.map((a) => `${a}: f32`).join(', ')}) -> f32 { return ${c.wgsl}; }`);
    return { inputs, fn: build(args, c) as (k: Float32Array, target: number, ...traces: number[]) => number };
  };
  const onPre = hook('onPre');
  const onPost = hook('onPost');

  const periodicLocals = [...synapseValues, ...(def.modulator ? [def.modulator.name] : [])];
  const periodic = Object.entries(def.periodic?.update ?? {}).map(([name, source]) => {
    const what = `periodic ${name}`;
    if (!synapseValues.includes(name)) throw new SpecError(path, `${what}: ${name} is neither w nor a synapse variable`);
    const c = bounded(name, emitExpression(parseHook(source, path, what), resolver(periodicLocals, source, what)));
    const args = periodicLocals.map((n) => `v_${n}`);
    wgsl.push(`fn rulePeriodic_${name}(${args.map((a) => `${a}: f32`).join(', ')}) -> f32 { return ${c.wgsl}; }`);
    return { name, js: c.js };
  });
  // The CPU twin loops over the synapses in one generated function: all new values from the old ones, then stored.
  const periodicLoop = compileJs<RuleCode['cpu']['periodic']>(
    `return (k, values, synapses, v_${def.modulator?.name ?? 'modulator'}) => {
  for (let s = 0; s < synapses; s++) {
${synapseValues.map((n, j) => `    const v_${n} = values[s + ${j} * synapses];`).join('\n')}
${periodic.map((x, u) => `    const next${u} = ${x.js};`).join('\n')}
${periodic.map((x, u) => `    values[s + ${synapseValues.indexOf(x.name)} * synapses] = next${u};`).join('\n')}
  }
};`,
  );
  for (const [name, t] of Object.entries({ ...def.preTraces, ...def.postTraces }))
    if (!Object.hasOwn(def.params, t.tau)) throw new SpecError(path, `trace ${name}: tau names ${JSON.stringify(t.tau)}, which is not a parameter of the rule`);
  return {
    wgsl: wgsl.join('\n'),
    onPre: onPre.inputs,
    onPost: onPost.inputs,
    target,
    synapseValues,
    periodic: periodic.map((x) => x.name),
    cpu: { preSpike, postSpike, onPre: onPre.fn, onPost: onPost.fn, periodic: periodicLoop },
  };
}

/** Word offset in a rule's uniform of each parameter `sim.setPlasticity` may change. */
export function settableRuleWords(rule: CompiledRule): Record<string, number> {
  return Object.fromEntries(Object.entries(rule.definition.params).flatMap(([name, info]) => (info.settable ? [[name, rule.fields.indexOf(name)]] : [])));
}
