/**
 * Receptor kinds as postsynaptic definitions (GeNN's postsynaptic models): where a tick's
 * synaptic input goes, how the receptor's value g decays, and the term it adds to `Isyn`.
 * The drive code (`drive.ts`), the kernel columns (`src/compile/neuronColumns.ts`), spec
 * validation and every neuron model read these entries; adding a kind is one entry here
 * (and its spec type, `ReceptorSpec` in `model.ts`).
 */
import { mapExpr, namesIn, parseExpression, type Expr } from '../equations/expression.ts';
import type { ParamInfo, ReceptorKind, ReceptorSlot, ReceptorSpec } from './model.ts';

export interface ReceptorKindDefinition {
  doc: string;
  /**
   * Where a tick's input x (the summed weights arriving, plus Poisson input) goes:
   * - `membrane`: the membrane jumps by x (discarded while refractory);
   * - `iExt`: added to iExt for this tick only;
   * - `g`: added to the receptor's value g, which then decays.
   */
  input: 'membrane' | 'iExt' | 'g';
  /** The spec's keys besides `kind`: units, docs and allowed values. */
  params: Record<string, ParamInfo>;
  /** Input `g`: the parameter τ (ms) of g's decay, dg/dt = −g/τ, taken exactly: g ← g·exp(−dt/τ) after each tick. */
  decayTau?: string;
  /** Input `g`: its term of Isyn, in `g`, `V` (the membrane, the model's first variable) and its parameters. */
  current?: string;
  /** Weights onto it must be ≥ 0 (a negative conductance is not physical). */
  nonNegativeWeights?: boolean;
}

export const receptorKinds: Record<ReceptorKind, ReceptorKindDefinition> = {
  delta: { doc: 'the membrane jumps by the weight (mV), discarded while refractory', input: 'membrane', params: {} },
  pulse: { doc: 'the weight is added to iExt for exactly one tick', input: 'iExt', params: {} },
  current: {
    doc: 'an exponentially decaying current g (mV, as iExt), adding g to Isyn',
    input: 'g',
    params: { tau: { unit: 'ms', doc: 'decay time constant', range: { min: 0, exclusiveMin: true } } },
    decayTau: 'tau',
    current: 'g',
  },
  conductance: {
    doc: 'an exponentially decaying conductance g (dimensionless, relative to the leak), adding g·(eRev − V) to Isyn',
    input: 'g',
    params: {
      tau: { unit: 'ms', doc: 'decay time constant', range: { min: 0, exclusiveMin: true } },
      eRev: { unit: 'mV', doc: 'reversal potential' },
    },
    decayTau: 'tau',
    current: 'g * (eRev - V)',
    nonNegativeWeights: true,
  },
};

/** The definition of a receptor's kind. */
export const receptorKindOf = (spec: ReceptorSpec): ReceptorKindDefinition => receptorKinds[spec.kind];

/** Whether the receptor keeps a decaying value g (a state column `g_<r>`). */
export const hasValue = (r: ReceptorSlot): boolean => receptorKindOf(r.spec).input === 'g';

/** The decay time constant τ (ms) of a receptor with a value; undefined for the others. */
export function receptorTau(r: ReceptorSlot): number | undefined {
  const tau = receptorKindOf(r.spec).decayTau;
  return tau === undefined ? undefined : (r.spec as unknown as Record<string, number>)[tau];
}

/** Kernel column of a receptor parameter: `<param>_<r>` (e.g. `eRev_1`). */
export const receptorColumn = (param: string, r: ReceptorSlot): string => `${param}_${r.index}`;

/** The receptor's parameters that its Isyn term reads, each a per-neuron kernel column. */
export function receptorTermParams(r: ReceptorSlot): string[] {
  const def = receptorKindOf(r.spec);
  return Object.keys(def.params).filter((p) => p !== def.decayTau && termOf(def)?.names.has(p));
}

const parsedTerms = new Map<string, { tree: Expr; names: Set<string> }>();
function termOf(def: ReceptorKindDefinition): { tree: Expr; names: Set<string> } | null {
  if (!def.current) return null;
  if (!parsedTerms.has(def.current)) {
    const tree = parseExpression(def.current);
    parsedTerms.set(def.current, { tree, names: new Set(namesIn(tree).keys()) });
  }
  return parsedTerms.get(def.current)!;
}

/**
 * A receptor's term of Isyn as a tree, its names renamed: `g` → `gName`, `V` → `membrane`,
 * a parameter p → `paramName(p)`. Null for kinds that add nothing to Isyn.
 * @example
 * const inh = { name: 'inh', index: 1, spec: { kind: 'conductance', tau: 10, eRev: -80 } };
 * receptorTerm(inh, 'v', '__g_1', (p) => `__${p}_1`) // g·(eRev − V) as __g_1 * (__eRev_1 - v)
 */
export function receptorTerm(r: ReceptorSlot, membrane: string, gName: string, paramName: (p: string) => string): Expr | null {
  const term = termOf(receptorKindOf(r.spec));
  if (!term) return null;
  return mapExpr(term.tree, (e) => (e.kind === 'name' ? { ...e, name: e.name === 'g' ? gName : e.name === 'V' ? membrane : paramName(e.name) } : undefined));
}
