/** The model registry: adding a model means one file here plus its entry below. */
import { adex } from './adex.ts';
import { equationModel, type NeuronEquations } from './equationModel.ts';
import { izhikevich } from './izhikevich.ts';
import { adaptiveLif, lif } from './lif.ts';
import type { NeuronModel } from './model.ts';
import { poisson } from './poisson.ts';
import { compileRule, type CompiledRule } from './plasticityRule.ts';
import { spikeSource } from './spikeSource.ts';
import { stdp, type PlasticityRuleFamily, type PlasticitySpec } from './stdp.ts';
import { rewardStdp } from './rewardStdp.ts';
import { triplet } from './tripletStdp.ts';

export const models: Record<string, NeuronModel> = { lif, adaptiveLif, izhikevich, adex, poisson, spikeSource };

/** The plasticity rules (spec: a projection's `plasticity.rule`): adding one means one file here plus its entry below. */
export const plasticityRules: Record<string, PlasticityRuleFamily> = { stdp, triplet, rstdp: rewardStdp };

/**
 * The rule of a (validated) plasticity spec at time step `dt` (ms): its definition for the
 * spec's options and its constants, parameters not given taking their defaults.
 * @example plasticityRuleOf({ rule: 'triplet', wMin: 0, wMax: 1 }, 0.1).fields // ['a2Plus', …, 'decay_o2']
 */
export function plasticityRuleOf(spec: PlasticitySpec, dt: number, modulatedBy: CompiledRule['modulatedBy'] = null): CompiledRule {
  const family = plasticityRules[spec.rule];
  const given = spec as unknown as Record<string, number | string | undefined>;
  const options = Object.fromEntries(Object.entries(family.options).map(([k, o]) => [k, (given[k] as string | undefined) ?? o.default]));
  const values = Object.fromEntries(Object.entries(family.params).map(([k, info]) => [k, (given[k] as number | undefined) ?? info.default!]));
  return compileRule(family.definition(options), values, dt, modulatedBy);
}

const userModels = new Map<string, NeuronModel>();

/**
 * The model of a population: a built-in by name, or one compiled from the spec's equations
 * (`receptors` are the population's receptor names, which the equations may read). Compiled
 * once per distinct definition.
 * @throws SpecError at `path` for an equation that does not compile.
 */
export function modelOf(model: string | NeuronEquations, receptors: string[], path: string): NeuronModel {
  if (typeof model === 'string') return models[model];
  const key = userModelKey(model, receptors);
  // One instance per path too: errors found later (for the receptors' kinds) name the population asking.
  const cacheKey = JSON.stringify([key, path]);
  let m = userModels.get(cacheKey);
  if (!m) {
    m = equationModel({ ...model, name: `equations#${fnv1a(key)}`, doc: 'a model given by its equations in the spec', params: {} }, path, receptors);
    userModels.set(cacheKey, m);
  }
  return m;
}

/** A short stable tag for a definition (names its buffers and messages). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Populations whose models share this key run the same code: the definition and the receptor names it may read. */
export const userModelKey = (model: NeuronEquations, receptors: string[]): string => JSON.stringify([model, receptors]);

export type { NeuronModel } from './model.ts';
export type { NeuronEquations } from './equationModel.ts';
