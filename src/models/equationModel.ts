/**
 * Neuron models written as equations, compiled to the WGSL snippet and its CPU twin from one
 * parse (`src/equations`). A definition says what the model is; this file says how every
 * definition is stepped, once for all of them:
 *
 * 1. Refractoriness (when the definition has `refractory`): a counter set to
 *    round(refractory / dt) ticks at a spike; while it counts down the threshold is not
 *    tested, variables whose equation ends `(unless refractory)` are held, and delta inputs are
 *    discarded (docs/design.md, "A tick").
 * 2. Delta receptor inputs jump the membrane, the first differential variable.
 * 3. Every differential variable takes one step of its method (`euler`, `rk2`, `exact`,
 *    `implicit`; with a list, the first that applies to the equation), all from the values at
 *    the start of the tick.
 * 4. The threshold condition is tested on the new values; on a spike the reset statements run
 *    in order.
 *
 * Names inside the expressions: the state variables, the parameters, subexpressions
 * (`name = expr` lines), `iExt` (the population's iExt plus noise plus pulse receptors),
 * receptors with a value (current, conductance) by their names (their value g), `Isyn` (the
 * sum of the receptors' terms, `receptors.ts`: g, g·(eRev − membrane); `x + Isyn` adds them to
 * x one by one, in receptor order), `t` (ms, the time at the start of the tick, held over
 * it), `dt` (ms), and the constants `pi`, `e`.
 *
 * Parameter-only subexpressions that are costly (a division, exp, log, sqrt or pow), the
 * step dt/τ of an equation f = X/τ, and the exact method's propagators are computed once
 * per neuron on the host in double precision, rounded once into kernel columns `h_<k>`: the
 * kernels never repeat them, and only the parameters the kernel code reads get a column.
 */
import { WGSL_RUNTIME, compileJs, emitExpression, type Code, type Resolve } from '../equations/emit.ts';
import {
  CONSTANTS,
  ExpressionError,
  FUNCTIONS,
  KEYWORDS,
  checkTypes,
  isBoolean,
  mapExpr,
  namesIn,
  parseExpression,
  type BinaryOp,
  type Expr,
} from '../equations/expression.ts';
import { evaluateF64 } from '../equations/evaluate.ts';
import { hasValue, receptorColumn, receptorKindOf, receptorTau, receptorTerm, receptorTermParams } from './receptors.ts';
import { at, SpecError } from '../netspec/errors.ts';
import type { CpuColumns, CpuDrive, NeuronModel, ParamInfo, ReceptorSlot, StateInfo } from './model.ts';

/** Integration methods: see docs/models.md, "Integration methods". */
export const METHODS = ['euler', 'rk2', 'exact', 'implicit'] as const;
export type IntegrationMethod = (typeof METHODS)[number];

/** A neuron model as equations: a population's `model` object in the spec, and every built-in definition. */
export interface NeuronEquations {
  /** `dX/dt = expr` (add `(unless refractory)` to hold X while refractory) or `name = expr` (a subexpression). */
  equations: string[];
  /** The spike condition, e.g. `v > vThresh`. */
  threshold: string;
  /** Statements run in order at a spike: `X = expr`, `X += expr`, `X -= expr`, `X *= expr`. */
  reset: string[];
  /** Refractory period: ms, or the name of a parameter in ms. Default none. */
  refractory?: number | string;
  /**
   * Default `euler`. A list (Brian2's convention) gives each equation the first method that
   * applies to it with the population's receptors: `["exact", "euler"]` integrates a linear
   * equation exactly and falls back to Euler where a conductance makes it nonlinear.
   */
  method?: IntegrationMethod | IntegrationMethod[];
  /**
   * Sub-steps (Izhikevich 2003's net.m; `euler` only): the `variables` take `count` (a
   * parameter, an integer) Euler steps of dt/count while the others stay at their values of
   * the tick's start; then the other variables take their step from the new values.
   */
  substeps?: { variables: string[]; count: string };
}

/** A named definition with documented parameters and state: the built-ins. */
export interface NeuronDefinition extends NeuronEquations {
  name: string;
  doc: string;
  params: Record<string, ParamInfo>;
  /** Units, docs and initial values of the differential variables (default: init 0). */
  state?: Record<string, Partial<StateInfo>>;
}

/** Names the framework gives meaning to, which parameters and variables cannot take. */
export const RESERVED_NAMES = [
  'iExt',
  'Isyn',
  'dt',
  't',
  'refractory',
  'refractoryTicks',
  'noiseSd',
  'record',
  ...Object.keys(CONSTANTS),
  ...Object.keys(FUNCTIONS),
  ...KEYWORDS,
];

/** Kernel column names with an index suffix (receptor columns, hoisted values) belong to the framework too. */
const INDEXED_NAME = /_\d+$/;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DIFFERENTIAL = /^\s*d\s*([A-Za-z_][A-Za-z0-9_]*)\s*\/\s*dt\s*=(.*?)(\(\s*unless\s+refractory\s*\))?\s*$/;
const ASSIGNMENT = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*([-+*]?=)(.*)$/;

interface Differential {
  variable: string;
  rhs: Expr;
  unlessRefractory: boolean;
  path: string;
}

interface ResetStatement {
  variable: string;
  op: '=' | '+=' | '-=' | '*=';
  rhs: Expr;
}

/** A definition parsed and checked, independent of receptors. */
interface ParsedModel {
  differentials: Differential[];
  subexpressions: Map<string, Expr>;
  threshold: Expr;
  reset: ResetStatement[];
  /** Parameters the expressions read, with where each is first used. */
  used: Map<string, string>;
}

/**
 * Parse one expression of a definition: `source` starts at character `offset` of the line
 * `whole`, and positions (in the tree and in errors, which become spec errors at `path`)
 * count from the start of the line.
 */
function parseAt(source: string, offset: number, path: string, whole: string): Expr {
  try {
    return parseExpression(' '.repeat(offset) + source);
  } catch (err) {
    if (err instanceof ExpressionError) throw new SpecError(path, problemAt(whole, err.pos, err.problem));
    throw err;
  }
}

/** A problem at a character of a line of the definition, quoting the line. */
function problemAt(source: string, pos: number, problem: string): string {
  return `${problem} (character ${pos + 1} of "${source}")`;
}

function checkName(name: string, path: string, what: string): void {
  if (RESERVED_NAMES.includes(name) || INDEXED_NAME.test(name) || name.startsWith('__'))
    throw new SpecError(
      path,
      `${what} ${JSON.stringify(name)} is reserved${RESERVED_NAMES.includes(name) ? '' : ' (names ending _<digits> are kernel columns)'}; rename it`,
    );
}

/** The definition's methods as a list, checked: known names, rk2 alone. */
function methodsOf(def: NeuronEquations, path: string): IntegrationMethod[] {
  const given = def.method ?? 'euler';
  const list = Array.isArray(given) ? given : [given];
  list.forEach((m, k) => {
    if (!METHODS.includes(m))
      throw new SpecError(
        Array.isArray(given) ? at(at(path, 'method'), k) : at(path, 'method'),
        `must be one of ${METHODS.join(', ')}; got ${JSON.stringify(m)}`,
      );
  });
  if (!list.length) throw new SpecError(at(path, 'method'), `must name a method (${METHODS.join(', ')}) or list some`);
  if (list.length > 1 && list.includes('rk2'))
    throw new SpecError(at(path, 'method'), 'rk2 steps all equations together from a midpoint: give it alone, not in a list');
  return list;
}

/**
 * Parse a definition's text. `inputs` are the names the population supplies besides
 * parameters (its receptors); everything else an expression reads is a parameter.
 */
function parseDefinition(def: NeuronEquations, path: string, inputs: string[]): ParsedModel {
  const eqPath = at(path, 'equations');
  if (!Array.isArray(def.equations) || def.equations.length === 0)
    throw new SpecError(eqPath, 'must be a non-empty array of equations such as "dv/dt = (vRest - v) / tau"');
  const differentials: Differential[] = [];
  const subexpressions = new Map<string, Expr>();
  const subexpressionPaths = new Map<string, string>();
  const subexpressionLines = new Map<string, string>();
  def.equations.forEach((line, k) => {
    const p = at(eqPath, k);
    if (typeof line !== 'string') throw new SpecError(p, 'must be a string');
    const d = DIFFERENTIAL.exec(line);
    if (d) {
      checkName(d[1], p, 'variable');
      if (differentials.some((x) => x.variable === d[1])) throw new SpecError(p, `${d[1]} has two equations`);
      differentials.push({ variable: d[1], rhs: parseAt(d[2], line.indexOf('=') + 1, p, line), unlessRefractory: Boolean(d[3]), path: p });
      return;
    }
    const s = ASSIGNMENT.exec(line);
    if (s && s[2] === '=') {
      checkName(s[1], p, 'subexpression');
      if (subexpressions.has(s[1])) throw new SpecError(p, `${s[1]} is defined twice`);
      subexpressions.set(s[1], parseAt(s[3], line.indexOf('=') + 1, p, line));
      subexpressionPaths.set(s[1], p);
      subexpressionLines.set(s[1], line);
      return;
    }
    throw new SpecError(p, `must be "dX/dt = expression" (a differential equation) or "name = expression" (a subexpression); got ${JSON.stringify(line)}`);
  });
  const variables = differentials.map((d) => d.variable);
  if (!variables.length) throw new SpecError(eqPath, 'has no differential equation "dX/dt = …": a model needs at least one state variable');
  for (const name of subexpressions.keys())
    if (variables.includes(name)) throw new SpecError(subexpressionPaths.get(name)!, `${name} is both a state variable and a subexpression`);

  if (typeof def.threshold !== 'string') throw new SpecError(at(path, 'threshold'), 'must be a condition such as "v > vThresh"');
  const threshold = parseAt(def.threshold, 0, at(path, 'threshold'), def.threshold);
  if (!Array.isArray(def.reset)) throw new SpecError(at(path, 'reset'), 'must be an array of statements such as "v = vReset" (may be empty)');
  const reset = def.reset.map((line, k): ResetStatement => {
    const p = at(at(path, 'reset'), k);
    const s = typeof line === 'string' ? ASSIGNMENT.exec(line) : null;
    if (!s) throw new SpecError(p, `must be a statement "X = expression" (or +=, -=, *=); got ${JSON.stringify(line)}`);
    if (!variables.includes(s[1]))
      throw new SpecError(p, `${s[1]} is not a state variable: the state variables are those with an equation dX/dt (${variables.join(', ')})`);
    return { variable: s[1], op: s[2] as ResetStatement['op'], rhs: parseAt(s[3], line.indexOf('=') + 1, p, line) };
  });

  // Types, and which names are parameters.
  const used = new Map<string, string>();
  const known = new Set([...variables, ...subexpressions.keys(), ...inputs, 'iExt', 'Isyn', 'dt', 't', ...Object.keys(CONSTANTS)]);
  const check = (e: Expr, want: 'number' | 'boolean', p: string, source: string) => {
    try {
      checkTypes(e, want);
    } catch (err) {
      if (err instanceof ExpressionError) throw new SpecError(p, problemAt(source, err.pos, err.problem));
      throw err;
    }
    for (const name of namesIn(e).keys()) {
      if (known.has(name) || used.has(name)) continue;
      checkName(name, p, 'parameter');
      used.set(name, p);
    }
  };
  differentials.forEach((d, k) => check(d.rhs, 'number', d.path, def.equations[k]));
  for (const [name, e] of subexpressions) check(e, 'number', subexpressionPaths.get(name)!, subexpressionLines.get(name)!);
  check(threshold, 'boolean', at(path, 'threshold'), def.threshold);
  reset.forEach((r, k) => check(r.rhs, 'number', at(at(path, 'reset'), k), def.reset[k]));
  if (typeof def.refractory === 'string') {
    if (!IDENTIFIER.test(def.refractory))
      throw new SpecError(at(path, 'refractory'), `must be a duration in ms or the name of a parameter; got ${JSON.stringify(def.refractory)}`);
    checkName(def.refractory, at(path, 'refractory'), 'parameter');
    used.set(def.refractory, at(path, 'refractory'));
  } else if (def.refractory !== undefined && !(typeof def.refractory === 'number' && def.refractory >= 0))
    throw new SpecError(at(path, 'refractory'), `must be a duration in ms (≥ 0) or the name of a parameter; got ${JSON.stringify(def.refractory)}`);
  methodsOf(def, path);
  if (def.substeps !== undefined) {
    const sp = at(path, 'substeps');
    const given = def.substeps as unknown;
    if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new SpecError(sp, 'must be {variables, count}');
    const extra = Object.keys(given).filter((k) => k !== 'variables' && k !== 'count');
    if (extra.length) throw new SpecError(at(sp, extra[0]), 'unknown key; expected variables, count');
    if (typeof def.substeps.count !== 'string' || !IDENTIFIER.test(def.substeps.count))
      throw new SpecError(at(sp, 'count'), `must name a parameter; got ${JSON.stringify(def.substeps.count)}`);
    if (methodsOf(def, path).join() !== 'euler') throw new SpecError(sp, 'sub-steps are Euler steps: use method "euler"');
    if (!Array.isArray(def.substeps.variables) || !def.substeps.variables.length || def.substeps.variables.some((v) => !variables.includes(v)))
      throw new SpecError(at(sp, 'variables'), `must list state variables (${variables.join(', ')})`);
    checkName(def.substeps.count, at(sp, 'count'), 'parameter');
    used.set(def.substeps.count, at(sp, 'count'));
  }

  // Subexpressions may use each other, not themselves.
  const expanding: string[] = [];
  const visit = (name: string) => {
    if (expanding.includes(name))
      throw new SpecError(subexpressionPaths.get(name)!, `subexpressions refer to each other in a cycle: ${[...expanding, name].join(' → ')}`);
    expanding.push(name);
    for (const n of namesIn(subexpressions.get(name)!).keys()) if (subexpressions.has(n)) visit(n);
    expanding.pop();
  };
  for (const name of subexpressions.keys()) visit(name);
  return { differentials, subexpressions, threshold, reset, used };
}

/** Replace subexpression names by their trees (they are macros: evaluated where used). */
function inline(e: Expr, subs: Map<string, Expr>): Expr {
  return mapExpr(e, (n) => (n.kind === 'name' && subs.has(n.name) ? inline(subs.get(n.name)!, subs) : undefined));
}

const num = (value: number, pos: number): Expr => ({ kind: 'number', value, pos });
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, pos: left.pos });

/**
 * f as a + b·x with a and b free of the names `isState` marks (for `exact`: every state variable;
 * for `implicit`: x alone; for splitting off a receptor value: it and the state); null when f is not of that
 * form (b undefined means 0).
 */
export function linearIn(f: Expr, x: string, isState: (name: string) => boolean): { a?: Expr; b?: Expr } | null {
  const free = (e: Expr) => ![...namesIn(e).keys()].some(isState);
  if (free(f)) return { a: f };
  switch (f.kind) {
    case 'name':
      return f.name === x ? { b: num(1, f.pos) } : null;
    case 'unary': {
      if (f.op !== '-') return null;
      const inner = linearIn(f.arg, x, isState);
      const neg = (e?: Expr) => (e ? ({ kind: 'unary', op: '-', arg: e, pos: e.pos } as Expr) : undefined);
      return inner && { a: neg(inner.a), b: neg(inner.b) };
    }
    case 'binary': {
      const l = linearIn(f.left, x, isState);
      const r = linearIn(f.right, x, isState);
      if (!l || !r) return null;
      const add = (op: '+' | '-', u?: Expr, v?: Expr) =>
        u && v ? bin(op, u, v) : u ? u : v && op === '-' ? ({ kind: 'unary', op: '-', arg: v, pos: v.pos } as Expr) : v;
      if (f.op === '+' || f.op === '-') return { a: add(f.op, l.a, r.a), b: add(f.op, l.b, r.b) };
      const scale = (op: '*' | '/', e: Expr | undefined, k: Expr) => (e ? bin(op, e, k) : undefined);
      if (f.op === '*' && !l.b) return { a: r.a && l.a && bin('*', l.a, r.a), b: l.a && scale('*', r.b, l.a) };
      if (f.op === '*' && !r.b) return { a: l.a && r.a && bin('*', l.a, r.a), b: r.a && scale('*', l.b, r.a) };
      if (f.op === '/' && !r.b && r.a) return { a: scale('/', l.a, r.a), b: scale('/', l.b, r.a) };
      return null;
    }
    default:
      return null;
  }
}

/** A per-neuron constant computed on the host in double precision from the neuron's parameters (and `dt`). */
type HostColumn = (value: (name: string) => number) => number;

/** The code of one receptor-dependent model: WGSL statements and the CPU function's body. */
interface ModelCode {
  wgsl: string[];
  js: string[];
  /** Columns computed on the host (parameter-only subexpressions, propagators), by name. */
  hoisted: Map<string, HostColumn>;
  /** Parameters (and `dt`) the code reads from kernel columns. */
  read: Set<string>;
}

/**
 * Build a NeuronModel from a definition.
 * @example
 * const model = equationModel({ name: 'leaky', doc: 'a leaky integrator', params: { tau: { default: 10, unit: 'ms', doc: 'time constant' } },
 *   equations: ['dv/dt = (iExt - v) / tau'], threshold: 'v > 1', reset: ['v = 0'] });
 * @throws SpecError naming the equation and the character at fault.
 */
export function equationModel(def: NeuronDefinition, path = '', inputs: string[] = []): NeuronModel {
  const parsed = parseDefinition(def, path, inputs);
  // A documented definition (a built-in) lists its parameters in its own order; a spec's model reads them from its equations.
  const documented = Object.keys(def.params).length > 0;
  for (const [name, usedAt] of parsed.used)
    if (documented && !Object.hasOwn(def.params, name))
      throw new SpecError(usedAt, `unknown name ${JSON.stringify(name)}: ${def.name} has no such parameter or variable`);
  const params: Record<string, ParamInfo> = documented
    ? Object.fromEntries(Object.entries(def.params).filter(([name]) => parsed.used.has(name)))
    : Object.fromEntries([...parsed.used].map(([name, usedAt]) => [name, { unit: '', doc: `read by ${usedAt}` }]));
  if (typeof def.refractory === 'string') params[def.refractory] = { ...params[def.refractory], range: params[def.refractory].range ?? { min: 0 } };
  if (def.substeps) params[def.substeps.count] = { ...params[def.substeps.count], range: params[def.substeps.count].range ?? { min: 1, max: 1000, int: true } };
  const variables = parsed.differentials.map((d) => d.variable);
  const membrane = variables[0];
  const methods = methodsOf(def, path);
  const settable = new Set(Object.keys(params).filter((k) => params[k].settable));
  const refractory = def.refractory !== undefined && def.refractory !== 0;
  const state: Record<string, StateInfo> = {};
  for (const v of variables) {
    const given = def.state?.[v] ?? {};
    state[v] = { init: given.init ?? 0, unit: given.unit ?? '', doc: given.doc ?? `state variable (d${v}/dt = …)`, ...(given.kept ? { kept: true } : {}) };
  }
  if (refractory) state.refractory = { init: 0, unit: 'ticks', doc: 'ticks until the threshold is tested again', internal: true };

  const readNames = new Set(
    [...parsed.differentials.map((d) => d.rhs), parsed.threshold, ...parsed.reset.map((r) => r.rhs)].flatMap((e) => [
      ...namesIn(inline(e, parsed.subexpressions)).keys(),
    ]),
  );
  const cache = new Map<string, ModelCode>();
  const codeFor = (receptors: ReceptorSlot[]): ModelCode => {
    const key = receptors.map((r) => `${r.name}:${r.spec.kind}`).join(',');
    if (!cache.has(key)) cache.set(key, generate(parsed, receptors, { membrane, settable, methods, refractory, variables, path, def }));
    return cache.get(key)!;
  };

  return {
    name: def.name,
    doc: def.doc,
    isSource: false,
    params,
    state,
    columns(receptors) {
      const { read, hoisted } = codeFor(receptors);
      return {
        params: [
          // Settable parameters keep a column even where no equation reads them, so sim.setParams finds it.
          ...Object.keys(params).filter((k) => read.has(k) || params[k].settable),
          ...(read.has('dt') ? ['dt'] : []),
          ...(refractory ? ['refractoryTicks'] : []),
          ...hoisted.keys(),
        ],
        u32Params: [],
        state: [...variables, ...(refractory ? ['refractory'] : [])],
      };
    },
    deriveParams(p, { dt, n, receptors }) {
      const out: Record<string, Float64Array> = { ...p, dt: new Float64Array(n).fill(dt) };
      if (refractory) {
        const ms = typeof def.refractory === 'number' ? new Float64Array(n).fill(def.refractory) : p[def.refractory as string];
        out.refractoryTicks = ms.map((t) => Math.round(t / dt));
      }
      const receptorTaus: Record<string, number> = Object.fromEntries(receptors.filter(hasValue).map((r) => [receptorTauName(r.index), receptorTau(r)!]));
      for (const [column, value] of codeFor(receptors).hoisted) {
        // Computed once where every parameter it reads is the same for all neurons (the usual case).
        const read = new Set<string>();
        const at = (i: number) => value((name) => (read.add(name), name === 'dt' ? dt : name in receptorTaus ? receptorTaus[name] : p[name][i]));
        const first = at(0);
        const uniform = [...read].every((name) => name === 'dt' || name in receptorTaus || p[name].every((x) => x === p[name][0]));
        out[column] = uniform ? new Float64Array(n).fill(first) : Float64Array.from({ length: n }, (_, i) => at(i));
      }
      return out;
    },
    reads: (input) => readNames.has(input),
    wgsl: (receptors) => codeFor(receptors).wgsl.join('\n'),
    wgslFunctions: () => WGSL_RUNTIME,
    cpu(receptors) {
      const { js } = codeFor(receptors);
      return compileJs<(c: CpuColumns, i: number, d: CpuDrive) => boolean>(`return (c, i, d) => {\n${js.join('\n')}\n};`);
    },
  };
}

interface GenerateOptions {
  membrane: string;
  /** Parameters `sim.setParams` may change. */
  settable: Set<string>;
  methods: IntegrationMethod[];
  refractory: boolean;
  variables: string[];
  path: string;
  /** The definition's text, quoted in errors. */
  def: NeuronEquations;
}

/** Both programs of one model for one set of receptors. */
function generate(parsed: ParsedModel, receptors: ReceptorSlot[], o: GenerateOptions): ModelCode {
  const hoisted = new Map<string, HostColumn>();
  const hoistedKeys = new Map<string, string>();
  /** Parameters (and dt) the kernel code reads; the others live only on the host. */
  const read = new Set<string>();
  const isState = (n: string) => o.variables.includes(n);
  const paramNames = new Set(parsed.used.keys());
  const receptorByName = new Map(receptors.map((r) => [r.name, r]));
  /** Receptors with a value g, under the one name the analysis uses (`__g_<index>`). */
  const valued = receptors.filter(hasValue);
  const gName = (r: ReceptorSlot) => `__g_${r.index}`;
  const termParam = (r: ReceptorSlot) => (p: string) => `__${p}_${r.index}`;
  const termParamColumns = new Map(valued.flatMap((r) => receptorTermParams(r).map((p) => [termParam(r)(p), receptorColumn(p, r)])));
  const isInput = (n: string) => n.startsWith('__g_');

  /** Whether a tree reads parameters and constants only, none that sim.setParams may change (their columns are read as they are). */
  const paramOnly = (e: Expr) => [...namesIn(e).keys()].every((n) => (paramNames.has(n) && !o.settable.has(n)) || n === 'dt' || n in CONSTANTS);
  const costly = (e: Expr): boolean =>
    e.kind === 'call' || (e.kind === 'binary' && (e.op === '/' || e.op === '**' || costly(e.left) || costly(e.right))) || (e.kind === 'unary' && costly(e.arg));
  /** A host column computed by `value`, shared by equal keys. */
  const hostColumn = (key: string, value: HostColumn): string => {
    if (!hoistedKeys.has(key)) {
      const column = `h_${hoistedKeys.size}`;
      hoistedKeys.set(key, column);
      hoisted.set(column, value);
    }
    return hoistedKeys.get(key)!;
  };
  /** Costly parameter-only subtrees replaced by host columns (evaluated in double precision). */
  const hoist = (e: Expr): Expr =>
    mapExpr(e, (n) =>
      n.kind !== 'number' && n.kind !== 'name' && !isBoolean(n) && paramOnly(n) && costly(n) && namesIn(n).size > 0
        ? { kind: 'name', name: hostColumn(treeKey(n), (value) => evaluateF64(n, value)), pos: n.pos }
        : undefined,
    );

  /**
   * Subexpressions inlined, receptor names made canonical and Isyn expanded into its terms in
   * receptor order; `x + Isyn` adds them one by one to x, as a hand-written sum would.
   */
  const expand = (e: Expr): Expr => {
    const terms = () => valued.map((r) => receptorTerm(r, o.membrane, gName(r), termParam(r))).filter((t): t is Expr => t !== null);
    const walk = (x: Expr): Expr =>
      mapExpr(x, (n) => {
        if (n.kind === 'binary' && n.op === '+' && n.right.kind === 'name' && n.right.name === 'Isyn')
          return terms().reduce((sum, t) => bin('+', sum, t), walk(n.left));
        if (n.kind !== 'name') return undefined;
        if (n.name === 'Isyn') {
          const all = terms();
          return all.length ? all.reduce((sum, t) => bin('+', sum, t)) : num(0, n.pos);
        }
        const r = receptorByName.get(n.name);
        return r && hasValue(r) ? { ...n, name: gName(r) } : undefined;
      });
    return walk(inline(e, parsed.subexpressions));
  };

  /** Names → code; `values` maps state variables to the locals holding the stage's values. */
  const resolver =
    (values: Record<string, string>): Resolve =>
    (name, pos) => {
      if (name in values) return { wgsl: values[name], js: values[name] };
      if (hoisted.has(name) || paramNames.has(name) || name === 'dt') {
        if (!hoisted.has(name)) read.add(name);
        return { wgsl: `p_${name}`, js: `p_${name}` };
      }
      if (name === 'iExt') return { wgsl: 'iConst', js: 'iConst' };
      if (name === 't') {
        // tick·dt, the tick split in two halves that convert exactly, so the one rounding of their sum is the same on every device.
        read.add('dt');
        return {
          wgsl: '((f32(tick >> 12u) * 4096.0f + f32(tick & 0xfffu)) * p_dt)',
          js: 'f(f(f((d.tick >>> 12) * 4096) + (d.tick & 0xfff)) * p_dt)',
        };
      }
      if (name in CONSTANTS) return CONSTANTS[name];
      if (isInput(name)) return { wgsl: `g_${name.slice(4)}`, js: `g_${name.slice(4)}` };
      if (termParamColumns.has(name)) return { wgsl: `p_${termParamColumns.get(name)}`, js: `p_${termParamColumns.get(name)}` };
      const r = receptorByName.get(name);
      if (r)
        throw new ExpressionError(
          pos,
          `${name} is a ${r.spec.kind} receptor: ${receptorKindOf(r.spec).input === 'membrane' ? `its input jumps ${o.membrane} directly` : 'its input is part of iExt'}; only receptors with a value (current, conductance) are variables`,
        );
      throw new ExpressionError(pos, `unknown name ${name}`);
    };
  /** An expanded tree as code; errors name `path` and quote `source`. */
  const emitAt = (e: Expr, values: Record<string, string>, path: string, source: string): Code => {
    try {
      return emitExpression(hoist(e), resolver(values));
    } catch (err) {
      if (err instanceof ExpressionError) throw new SpecError(path, problemAt(source, err.pos, err.problem));
      throw err;
    }
  };

  const wgsl: string[] = [];
  const js: string[] = [];
  /** A statement on both sides: WGSL `let`/assignment and the JavaScript equivalent. */
  const define = (name: string, c: Code) => {
    wgsl.push(`  let ${name} = ${c.wgsl};`);
    js.push(`  const ${name} = ${c.js};`);
  };
  const assign = (name: string, c: Code, indent = '  ') => {
    wgsl.push(`${indent}${name} = ${c.wgsl};`);
    js.push(`${indent}${name} = ${c.js};`);
  };

  // CPU preamble: columns and drive as locals, with the names the WGSL kernel gives them.
  js.push(`  const iConst = d.iConst, delta = d.delta;`);
  for (const r of valued) js.push(`  const g_${r.index} = d.g[${r.index}];`);
  for (const column of termParamColumns.values()) js.push(`  const p_${column} = c.p.${column}[i];`);
  for (const v of [...o.variables, ...(o.refractory ? ['refractory'] : [])]) js.push(`  let s_${v} = c.s.${v}[i];`);
  js.push('  let spiked = false;');
  // Parameter and host columns are loaded last: which are read is known once the expressions are emitted.
  const columnLoadAt = js.length;

  // 1–2. Refractoriness and delta inputs.
  if (o.refractory) {
    wgsl.push('  var held = false;', '  if (s_refractory > 0.0) {', '    s_refractory = s_refractory - 1.0;', '    held = s_refractory > 0.0;', '  } else {');
    wgsl.push(`    s_${o.membrane} = s_${o.membrane} + delta;`, '  }');
    js.push('  let held = false;', '  if (s_refractory > 0) {', '    s_refractory = f(s_refractory - 1);', '    held = s_refractory > 0;', '  } else {');
    js.push(`    s_${o.membrane} = f(s_${o.membrane} + delta);`, '  }');
  } else {
    wgsl.push('  let held = false;', `  s_${o.membrane} = s_${o.membrane} + delta;`);
    js.push('  const held = false;', `  s_${o.membrane} = f(s_${o.membrane} + delta);`);
  }

  const current = Object.fromEntries(o.variables.map((v) => [v, `s_${v}`]));
  const dt: Expr = { kind: 'name', name: 'dt', pos: 0 };
  const source = (d: Differential) => o.def.equations[parsed.differentials.indexOf(d)];
  /** `c` where the variable is not held, its value where `(unless refractory)` holds it. */
  const unlessHeld = (d: Differential, c: Code): Code =>
    d.unlessRefractory ? { wgsl: `select(${c.wgsl}, s_${d.variable}, held)`, js: `(held ? s_${d.variable} : ${c.js})` } : c;
  /** dt·f, with dt/k taken on the host when f = X/k for parameters k (no division per tick). */
  const timesDt = (f: Expr): Expr => (f.kind === 'binary' && f.op === '/' && paramOnly(f.right) ? bin('*', bin('/', dt, f.right), f.left) : bin('*', dt, f));

  // 3. One step of the method, every equation from the values at the start of the tick.
  if (o.methods[0] === 'rk2') {
    // Brian2's rk2 (midpoint): k = dt·f(x); x ← x + dt·f(x + k/2).
    read.add('dt');
    const derivative = (d: Differential, values: Record<string, string>): Code => {
      const c = emitAt(expand(d.rhs), values, d.path, source(d));
      return d.unlessRefractory ? { wgsl: `select(${c.wgsl}, 0.0f, held)`, js: `(held ? 0 : ${c.js})` } : c;
    };
    for (const d of parsed.differentials) {
      const f = derivative(d, current);
      define(`k_${d.variable}`, { wgsl: `p_dt * ${f.wgsl}`, js: `f(p_dt * ${f.js})` });
    }
    for (const d of parsed.differentials)
      define(`m_${d.variable}`, { wgsl: `s_${d.variable} + 0.5f * k_${d.variable}`, js: `f(s_${d.variable} + f(0.5 * k_${d.variable}))` });
    const mid = Object.fromEntries(o.variables.map((v) => [v, `m_${v}`]));
    for (const d of parsed.differentials) define(`n_${d.variable}`, derivative(d, mid));
    for (const d of parsed.differentials)
      assign(`s_${d.variable}`, { wgsl: `s_${d.variable} + p_dt * n_${d.variable}`, js: `f(s_${d.variable} + f(p_dt * n_${d.variable}))` });
  } else if (o.def.substeps) {
    // Euler sub-steps: the listed variables take `count` steps of dt/count, then the others one step from the new values.
    const { variables: stepped, count } = o.def.substeps;
    const eulerStep = (equations: Differential[], step: Expr) => {
      equations.forEach((d) => define(`k_${d.variable}`, emitAt(bin('*', step, expand(d.rhs)), current, d.path, source(d))));
      for (const d of equations)
        assign(`s_${d.variable}`, unlessHeld(d, { wgsl: `s_${d.variable} + k_${d.variable}`, js: `f(s_${d.variable} + k_${d.variable})` }));
    };
    read.add(count);
    wgsl.push(`  for (var step = 0u; step < u32(p_${count}); step++) {`);
    js.push(`  for (let step = 0; step < p_${count}; step++) {`);
    eulerStep(
      parsed.differentials.filter((d) => stepped.includes(d.variable)),
      bin('/', dt, { kind: 'name', name: count, pos: 0 }),
    );
    wgsl.push('  }');
    js.push('  }');
    eulerStep(
      parsed.differentials.filter((d) => !stepped.includes(d.variable)),
      dt,
    );
  } else {
    const reasons: string[] = [];
    for (const d of parsed.differentials) {
      const f = expand(d.rhs);
      let step: Code | null = null;
      for (const method of o.methods) {
        const attempt =
          method === 'exact'
            ? exactStep(d, f)
            : method === 'implicit'
              ? implicitStep(d, f)
              : emitAt(bin('+', name(d.variable), timesDt(f)), current, d.path, source(d));
        if (typeof attempt === 'string') reasons.push(attempt);
        else {
          step = attempt;
          break;
        }
      }
      if (!step)
        throw new SpecError(
          d.path,
          `${reasons.join('; ')}${o.methods.length > 1 ? '' : `; use ${alternatives(o.methods[0]).join(' or ')}, or a list such as ["${o.methods[0]}", "euler"]`}`,
        );
      define(`n_${d.variable}`, unlessHeld(d, step));
      reasons.length = 0;
    }
    for (const d of parsed.differentials) assign(`s_${d.variable}`, { wgsl: `n_${d.variable}`, js: `n_${d.variable}` });
  }

  /**
   * exact: dx/dt = a + b·x + Σ c_r·g_r with a, b, c_r constant over the tick and g_r the
   * receptors' exponentially decaying values, integrated exactly:
   *   x ← x∞ + (x − x∞)·e^(b·dt) + Σ g_r·P_r,   x∞ = −a/b   (x + a·dt where e^(b·dt) rounds to 1),
   *   P_r = c_r·(e^(b·dt) − e^(−dt/τ_r)) / (b + 1/τ_r),
   * the propagators computed on the host in double precision. Why not, as a message, otherwise.
   */
  function exactStep(d: Differential, f: Expr): Code | string {
    const x = d.variable;
    const notApplicable = (why: string) => `method "exact" needs d${x}/dt = a + b·${x}${valued.length ? ' + c·g (g a receptor)' : ''} ${why}`;
    const linear = linearIn(f, x, isState);
    if (!linear) return notApplicable('with a and b free of state variables (a linear equation on its own)');
    const b = linear.b;
    if (b && [...namesIn(b).keys()].some(isInput)) return notApplicable('with b free of receptor values: a conductance makes the equation nonlinear');
    // Split a into the part free of receptors and a factor per receptor.
    let rest = linear.a;
    const coefficients: [ReceptorSlot, Expr][] = [];
    for (const r of valued) {
      if (!rest || !namesIn(rest).has(gName(r))) continue;
      const split = linearIn(rest, gName(r), (n) => n === gName(r) || isState(n));
      if (!split || (split.b && [...namesIn(split.b).keys()].some(isInput))) return notApplicable(`with ${r.name} entering linearly, times parameters`);
      rest = split.a;
      if (split.b) coefficients.push([r, split.b]);
    }
    if (rest && [...namesIn(rest).keys()].some(isInput)) return notApplicable('with the receptor values entering linearly');
    if (coefficients.length && b && !paramOnly(b))
      return notApplicable('with b made of parameters (not ones sim.setParams may change) when receptor values enter');
    for (const [r, c] of coefficients)
      if (!paramOnly(c)) return notApplicable(`with the factor of ${r.name} made of parameters (not ones sim.setParams may change)`);
    const xs = `s_${x}`;
    const code = (e: Expr) => emitAt(e, current, d.path, source(d));
    let update: Code;
    if (!b) update = rest ? code(bin('+', name(x), timesDt(rest))) : { wgsl: xs, js: xs };
    else {
      const growth = code(call('exp', [timesDt(b)]));
      if (!rest) update = { wgsl: `${xs} * ${growth.wgsl}`, js: `f(${xs} * ${growth.js})` };
      else {
        const fixed = code(negate(ratio(rest, b)));
        define(`i_${x}`, fixed);
        define(`e_${x}`, growth);
        // e^(b·dt) = 1 where b = 0 (x∞ undefined), or b·dt is below f32's resolution: then the drift x + dt·a is the better step.
        define(`z_${x}`, { wgsl: `e_${x} == 1.0f`, js: `e_${x} === 1` });
        const drift = code(bin('+', name(x), timesDt(rest)));
        update = {
          wgsl: `select(i_${x} + (${xs} - i_${x}) * e_${x}, ${drift.wgsl}, z_${x})`,
          js: `(z_${x} ? ${drift.js} : f(i_${x} + f(f(${xs} - i_${x}) * e_${x})))`,
        };
      }
    }
    for (const [r, c] of coefficients) {
      const bDt = b ? timesDt(b) : num(0, 0);
      // τ is the population's (read when the columns are derived): populations sharing this code may differ in it.
      const column = hostColumn(`propagator ${treeKey(b ?? num(0, 0))} ${treeKey(c)} ${r.index}`, (value) => {
        const tau = value(receptorTauName(r.index));
        const dtMs = value('dt');
        // P = c·(e^(b·dt) − e^(−dt/τ))/δ = c·e^(b·dt)·(1 − e^(−δ·dt))/δ, δ = b + 1/τ: expm1 keeps it accurate as δ → 0.
        const delta = (b ? evaluateF64(b, value) : 0) + 1 / tau;
        const growth = Math.exp(evaluateF64(bDt, value));
        return evaluateF64(c, value) * growth * (delta === 0 ? dtMs : -Math.expm1(-delta * dtMs) / delta);
      });
      update = { wgsl: `${update.wgsl} + g_${r.index} * p_${column}`, js: `f(${update.js} + f(g_${r.index} * p_${column}))` };
    }
    return update;
  }

  /**
   * implicit (backward Euler) for dx/dt = a + b·x, a and b taken at the start of the tick:
   * x ← (x + dt·a) / (1 − dt·b), stable for any b ≤ 0 (a conductance of any size).
   */
  function implicitStep(d: Differential, f: Expr): Code | string {
    const x = d.variable;
    const linear = linearIn(f, x, (n) => n === x);
    if (!linear) return `method "implicit" needs d${x}/dt = a + b·${x} with a and b free of ${x}`;
    let { a, b } = linear;
    let step: Expr = dt;
    // A divisor common to a and b (…/τ) goes into dt/τ, taken on the host.
    if (a && b && a.kind === 'binary' && a.op === '/' && b.kind === 'binary' && b.op === '/' && treeKey(a.right) === treeKey(b.right) && paramOnly(a.right)) {
      step = bin('/', dt, a.right);
      a = a.left;
      b = b.left;
    } else if (!a && b) ({ step, b } = b.kind === 'binary' && b.op === '/' && paramOnly(b.right) ? { step: bin('/', dt, b.right), b: b.left } : { step, b });
    const numerator = a ? bin('+', name(x), bin('*', step, a)) : name(x);
    return emitAt(b ? bin('/', numerator, bin('-', num(1, 0), bin('*', step, b))) : numerator, current, d.path, source(d));
  }

  // 4. Threshold and reset, on the new values.
  const thresholdCode = emitAt(expand(parsed.threshold), current, at(o.path, 'threshold'), o.def.threshold);
  wgsl.push(`  if (!held && ${thresholdCode.wgsl}) {`, '    spiked = true;');
  js.push(`  if (!held && ${thresholdCode.js}) {`, '    spiked = true;');
  parsed.reset.forEach((r, k) => {
    const rhs = emitAt(expand(r.rhs), current, at(at(o.path, 'reset'), k), o.def.reset[k]);
    const x = `s_${r.variable}`;
    const value: Code = r.op === '=' ? rhs : { wgsl: `${x} ${r.op[0]} ${rhs.wgsl}`, js: `f(${x} ${r.op[0]} ${rhs.js})` };
    assign(x, value, '    ');
  });
  if (o.refractory) assign('s_refractory', { wgsl: 'p_refractoryTicks', js: 'p_refractoryTicks' }, '    ');
  wgsl.push('  }');
  js.push('  }');

  // CPU epilogue: store the state, report the spike; columns loaded after the preamble.
  const columns = [...read, ...(o.refractory ? ['refractoryTicks'] : []), ...hoisted.keys()];
  js.splice(columnLoadAt, 0, ...columns.map((c) => `  const p_${c} = c.p.${c}[i];`));
  for (const v of [...o.variables, ...(o.refractory ? ['refractory'] : [])]) js.push(`  c.s.${v}[i] = s_${v};`);
  js.push('  return spiked;');
  return { wgsl, js, hoisted, read };
}

const name = (n: string): Expr => ({ kind: 'name', name: n, pos: 0 });
/** Methods to suggest where `failed` does not apply: the ones that apply more widely (exact ⊂ implicit ⊂ euler, rk2). */
const alternatives = (failed: IntegrationMethod): IntegrationMethod[] => (failed === 'exact' ? ['euler', 'implicit', 'rk2'] : ['euler', 'rk2']);
/** The host-side name of receptor r's decay time constant (ms), resolved per population when columns are derived. */
const receptorTauName = (index: number) => `__tau_${index}`;
/** A tree as text without positions: equal keys, equal trees. */
const treeKey = (e: Expr) => JSON.stringify(e, (k, v) => (k === 'pos' ? undefined : v));
const call = (fn: string, args: Expr[]): Expr => ({ kind: 'call', fn, args, pos: args[0]?.pos ?? 0 });
const isOne = (e: Expr) => e.kind === 'number' && e.value === 1;
/** −e, cancelling a negation. */
function negate(e: Expr): Expr {
  return e.kind === 'unary' && e.op === '-' ? e.arg : { kind: 'unary', op: '-', arg: e, pos: e.pos };
}
/** a/b, cancelling a common divisor and a divisor of ±1 (so (E − v)/τ has the fixed point E, computed as written). */
function ratio(a: Expr, b: Expr): Expr {
  if (a.kind === 'binary' && a.op === '/' && b.kind === 'binary' && b.op === '/' && treeKey(a.right) === treeKey(b.right)) return ratio(a.left, b.left);
  if (isOne(b)) return a;
  if (b.kind === 'unary' && b.op === '-' && isOne(b.arg)) return negate(a);
  return bin('/', a, b);
}
