/**
 * Neuron models written as equations, compiled to the WGSL snippet and its CPU twin from one
 * parse (`src/equations`). A definition says what the model is; this file says how every
 * definition is stepped, once for all of them:
 *
 * 1. Refractoriness (when the definition has `refractory`): a counter set to
 *    round(refractory / dt) ticks at a spike; while it counts down the threshold is not
 *    tested, variables whose equation ends `(unless refractory)` are held, and delta inputs are
 *    discarded (the same rule as `lif`: docs/design.md, "A tick").
 * 2. Delta receptor inputs jump the membrane, the first differential variable.
 * 3. Every differential variable takes one step of the method (`euler`, `rk2`, `exact`),
 *    all from the values at the start of the tick.
 * 4. The threshold condition is tested on the new values; on a spike the reset statements run
 *    in order.
 *
 * Names inside the expressions: the state variables, the parameters, subexpressions
 * (`name = expr` lines), `iExt` (the population's iExt plus noise plus pulse receptors),
 * receptors of kind current or conductance by their names (their value g), `Isyn` (the sum
 * of the current receptors' g and the conductance receptors' g·(eRev − membrane)), `dt` (ms),
 * and the constants `pi`, `e`.
 *
 * Parameter-only subexpressions that are costly (a division, exp, log, sqrt or pow) are
 * computed once per neuron on the host, with the same f32 functions, into kernel columns
 * `h_<k>`: the kernels never repeat them.
 */
import { JS_RUNTIME, WGSL_RUNTIME, emitExpression, type Code, type Resolve } from '../equations/emit.ts';
import { CONSTANTS, ExpressionError, FUNCTIONS, KEYWORDS, checkTypes, namesIn, parseExpression, type Expr } from '../equations/expression.ts';
import { at, SpecError } from '../netspec/errors.ts';
import type { CpuColumns, CpuDrive, NeuronModel, ParamInfo, ReceptorSlot, StateInfo } from './model.ts';

/** Integration methods: see docs/models.md, "Integration methods". */
export const METHODS = ['euler', 'rk2', 'exact'] as const;
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
  /** Default `euler`. */
  method?: IntegrationMethod;
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
  const known = new Set([...variables, ...subexpressions.keys(), ...inputs, 'iExt', 'Isyn', 'dt', ...Object.keys(CONSTANTS)]);
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
  if (def.method !== undefined && !METHODS.includes(def.method))
    throw new SpecError(at(path, 'method'), `must be one of ${METHODS.join(', ')}; got ${JSON.stringify(def.method)}`);
  if (def.substeps !== undefined) {
    const sp = at(path, 'substeps');
    const given = def.substeps as unknown;
    if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new SpecError(sp, 'must be {variables, count}');
    const extra = Object.keys(given).filter((k) => k !== 'variables' && k !== 'count');
    if (extra.length) throw new SpecError(at(sp, extra[0]), 'unknown key; expected variables, count');
    if (typeof def.substeps.count !== 'string' || !IDENTIFIER.test(def.substeps.count))
      throw new SpecError(at(sp, 'count'), `must name a parameter; got ${JSON.stringify(def.substeps.count)}`);
    if ((def.method ?? 'euler') !== 'euler') throw new SpecError(sp, 'sub-steps are Euler steps: use method "euler"');
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
  switch (e.kind) {
    case 'name':
      return subs.has(e.name) ? inline(subs.get(e.name)!, subs) : e;
    case 'unary':
      return { ...e, arg: inline(e.arg, subs) };
    case 'binary':
      return { ...e, left: inline(e.left, subs), right: inline(e.right, subs) };
    case 'call':
      return { ...e, args: e.args.map((a) => inline(a, subs)) };
    default:
      return e;
  }
}

const num = (value: number, pos: number): Expr => ({ kind: 'number', value, pos });
const bin = (op: '+' | '-' | '*' | '/', left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, pos: left.pos });

/**
 * f as a + b·x with a and b free of state variables, for `exact`; null when f is not of that
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

/** The code of one receptor-dependent model: WGSL statements and the CPU function's body. */
interface ModelCode {
  wgsl: string[];
  js: string[];
  /** Parameter-only subexpressions computed on the host, by column name. */
  hoisted: Map<string, Expr>;
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
  const method: IntegrationMethod = def.method ?? 'euler';
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
    if (!cache.has(key)) cache.set(key, generate(parsed, receptors, { membrane, method, refractory, variables, path, def }));
    return cache.get(key)!;
  };

  return {
    name: def.name,
    doc: def.doc,
    isSource: false,
    params,
    state,
    columns(receptors) {
      return {
        params: [...Object.keys(params), 'dt', ...(refractory ? ['refractoryTicks'] : []), ...codeFor(receptors).hoisted.keys()],
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
      for (const [column, e] of codeFor(receptors).hoisted) {
        const { js } = emitExpression(e, (name) => (name in CONSTANTS ? CONSTANTS[name] : { wgsl: '', js: name === 'dt' ? 'dt' : `p.${name}[i]` }));
        const evaluate = new Function('rt', 'p', 'dt', 'i', `const { f, divideF32, expF32, logF32, sqrtF32, powF32, powIntF32 } = rt; return ${js};`);
        const f32p = Object.fromEntries(Object.keys(params).map((k) => [k, Float32Array.from(p[k])]));
        out[column] = Float64Array.from({ length: n }, (_, i) => evaluate(JS_RUNTIME, f32p, Math.fround(dt), i));
      }
      return out;
    },
    reads: (input) => readNames.has(input),
    wgsl: (receptors) => codeFor(receptors).wgsl.join('\n'),
    wgslFunctions: () => WGSL_RUNTIME,
    cpu(receptors) {
      const { js } = codeFor(receptors);
      const make = new Function('rt', `const { f, divideF32, expF32, logF32, sqrtF32, powF32, powIntF32 } = rt;\nreturn (c, i, d) => {\n${js.join('\n')}\n};`);
      return make(JS_RUNTIME) as (c: CpuColumns, i: number, d: CpuDrive) => boolean;
    },
  };
}

interface GenerateOptions {
  membrane: string;
  method: IntegrationMethod;
  refractory: boolean;
  variables: string[];
  path: string;
  /** The definition's text, quoted in errors. */
  def: NeuronEquations;
}

/** Both programs of one model for one set of receptors. */
function generate(parsed: ParsedModel, receptors: ReceptorSlot[], o: GenerateOptions): ModelCode {
  const hoisted = new Map<string, Expr>();
  const hoistedKeys = new Map<string, string>();
  const isState = (n: string) => o.variables.includes(n);
  const paramNames = new Set(parsed.used.keys());
  const receptorByName = new Map(receptors.map((r) => [r.name, r]));

  /** Whether a tree reads parameters and constants only, and costs more than a few f32 operations. */
  const paramOnly = (e: Expr) => [...namesIn(e).keys()].every((n) => paramNames.has(n) || n === 'dt' || n in CONSTANTS);
  const costly = (e: Expr): boolean =>
    e.kind === 'call' || (e.kind === 'binary' && (e.op === '/' || e.op === '**' || costly(e.left) || costly(e.right))) || (e.kind === 'unary' && costly(e.arg));
  const hoist = (e: Expr): Expr => {
    if (e.kind !== 'number' && e.kind !== 'name' && paramOnly(e) && costly(e) && namesIn(e).size > 0) {
      const key = JSON.stringify(e, (k, v) => (k === 'pos' ? undefined : v));
      if (!hoistedKeys.has(key)) {
        const column = `h_${hoistedKeys.size}`;
        hoistedKeys.set(key, column);
        hoisted.set(column, e);
      }
      return { kind: 'name', name: hoistedKeys.get(key)!, pos: e.pos };
    }
    if (e.kind === 'unary') return { ...e, arg: hoist(e.arg) };
    if (e.kind === 'binary') return { ...e, left: hoist(e.left), right: hoist(e.right) };
    if (e.kind === 'call') return { ...e, args: e.args.map(hoist) };
    return e;
  };

  /** Names → code; `values` maps state variables to the locals holding the stage's values, `syn` names the stage's Isyn. */
  const resolver =
    (values: Record<string, string>, syn: string): Resolve =>
    (name, pos) => {
      if (name in values) return { wgsl: values[name], js: values[name] };
      if (hoisted.has(name) || paramNames.has(name) || name === 'dt') return { wgsl: `p_${name}`, js: `p_${name}` };
      if (name === 'iExt') return { wgsl: 'iConst', js: 'iConst' };
      if (name === 'Isyn') return { wgsl: syn, js: syn };
      if (name in CONSTANTS) return CONSTANTS[name];
      const r = receptorByName.get(name);
      if (r && (r.spec.kind === 'current' || r.spec.kind === 'conductance')) return { wgsl: `g_${r.index}`, js: `g_${r.index}` };
      if (r)
        throw new ExpressionError(
          pos,
          `${name} is a ${r.spec.kind} receptor: ${r.spec.kind === 'delta' ? `its input jumps ${o.membrane} directly` : 'its input is part of iExt'}; only current and conductance receptors are variables`,
        );
      throw new ExpressionError(pos, `unknown name ${name}`);
    };
  const emitAt = (e: Expr, values: Record<string, string>, path: string, source: string, syn = 'iSyn'): Code => {
    try {
      return emitExpression(hoist(inline(e, parsed.subexpressions)), resolver(values, syn));
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
  const paramColumns = [...paramNames, 'dt', ...(o.refractory ? ['refractoryTicks'] : [])];
  js.push(...paramColumns.map((c) => `  const p_${c} = c.p.${c}[i];`));
  js.push(`  const iConst = d.iConst, delta = d.delta;`);
  for (const r of receptors) {
    if (r.spec.kind === 'current' || r.spec.kind === 'conductance') js.push(`  const g_${r.index} = d.g[${r.index}];`);
    if (r.spec.kind === 'conductance') js.push(`  const p_eRev_${r.index} = c.p.eRev_${r.index}[i];`);
  }
  for (const v of [...o.variables, ...(o.refractory ? ['refractory'] : [])]) js.push(`  let s_${v} = c.s.${v}[i];`);
  js.push('  let spiked = false;');
  // Hoisted columns are read lazily: their names are known only once the expressions are emitted.
  const hoistedLoadAt = js.length;

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

  /** Isyn at the given membrane value. */
  const iSyn = (membraneValue: string): Code => {
    let w = '0.0f',
      j = '0';
    for (const r of receptors) {
      if (r.spec.kind === 'current') {
        w = `(${w} + g_${r.index})`;
        j = `f(${j} + g_${r.index})`;
      } else if (r.spec.kind === 'conductance') {
        w = `(${w} + (g_${r.index} * (p_eRev_${r.index} - ${membraneValue})))`;
        j = `f(${j} + f(g_${r.index} * f(p_eRev_${r.index} - ${membraneValue})))`;
      }
    }
    return { wgsl: w, js: j };
  };
  const usesIsyn = [...parsed.differentials.map((d) => d.rhs), parsed.threshold, ...parsed.reset.map((r) => r.rhs), ...parsed.subexpressions.values()].some(
    (e) => namesIn(inline(e, parsed.subexpressions)).has('Isyn'),
  );
  let iSynStage = 0;
  const defineIsyn = (membraneValue: string) => {
    if (!usesIsyn) return 'iSyn';
    const name = `iSyn${iSynStage++ || ''}`;
    define(name, iSyn(membraneValue));
    return name;
  };

  /** The derivative of d (0 while held, for `(unless refractory)` variables). */
  const derivative = (d: Differential, values: Record<string, string>, iSynName: string, k: number): Code => {
    const c = emitAt(d.rhs, values, d.path, o.def.equations[k], iSynName);
    return d.unlessRefractory ? { wgsl: `select(${c.wgsl}, 0.0f, held)`, js: `(held ? 0 : ${c.js})` } : c;
  };
  const current = Object.fromEntries(o.variables.map((v) => [v, `s_${v}`]));

  // 3. One step of the method.
  /** One Euler step of `equations` with step column `step`, each derivative from the values at the time of the call. */
  const eulerStep = (equations: Differential[], step: string) => {
    const syn = defineIsyn(`s_${o.membrane}`);
    equations.forEach((d) => define(`k_${d.variable}`, derivative(d, current, syn, parsed.differentials.indexOf(d))));
    for (const d of equations)
      assign(`s_${d.variable}`, { wgsl: `s_${d.variable} + ${step} * k_${d.variable}`, js: `f(s_${d.variable} + f(${step} * k_${d.variable}))` });
  };
  if (o.method === 'euler' && o.def.substeps) {
    const { variables: stepped, count } = o.def.substeps;
    const inner = parsed.differentials.filter((d) => stepped.includes(d.variable));
    const subDt = hoist({ kind: 'binary', op: '/', left: { kind: 'name', name: 'dt', pos: 0 }, right: { kind: 'name', name: count, pos: 0 }, pos: 0 });
    wgsl.push(`  for (var step = 0u; step < u32(p_${count}); step++) {`);
    js.push(`  for (let step = 0; step < p_${count}; step++) {`);
    eulerStep(inner, `p_${(subDt as { name: string }).name}`);
    wgsl.push('  }');
    js.push('  }');
    eulerStep(
      parsed.differentials.filter((d) => !stepped.includes(d.variable)),
      'p_dt',
    );
  } else if (o.method === 'euler') {
    eulerStep(parsed.differentials, 'p_dt');
  } else if (o.method === 'rk2') {
    // Brian2's rk2 (midpoint): k = dt·f(x); x ← x + dt·f(x + k/2).
    const syn = defineIsyn(`s_${o.membrane}`);
    parsed.differentials.forEach((d, k) => {
      const f = derivative(d, current, syn, k);
      define(`k_${d.variable}`, { wgsl: `p_dt * ${f.wgsl}`, js: `f(p_dt * ${f.js})` });
    });
    for (const d of parsed.differentials)
      define(`m_${d.variable}`, { wgsl: `s_${d.variable} + 0.5f * k_${d.variable}`, js: `f(s_${d.variable} + f(0.5 * k_${d.variable}))` });
    const mid = Object.fromEntries(o.variables.map((v) => [v, `m_${v}`]));
    const midSyn = defineIsyn(`m_${o.membrane}`);
    parsed.differentials.forEach((d, k) => define(`n_${d.variable}`, derivative(d, mid, midSyn, k)));
    for (const d of parsed.differentials)
      assign(`s_${d.variable}`, { wgsl: `s_${d.variable} + p_dt * n_${d.variable}`, js: `f(s_${d.variable} + f(p_dt * n_${d.variable}))` });
  } else {
    // exact: dx/dt = a + b·x with a, b constant over the tick: x ← (x + a/b)·exp(b·dt) − a/b, or x + a·dt when b = 0.
    const syn = defineIsyn(`s_${o.membrane}`);
    const updates: [string, Code][] = [];
    parsed.differentials.forEach((d, k) => {
      const linear = linearIn(inline(d.rhs, parsed.subexpressions), d.variable, isState);
      if (!linear)
        throw new SpecError(
          d.path,
          `method "exact" needs d${d.variable}/dt = a + b·${d.variable} with a and b free of state variables (a linear equation on its own); use "euler" or "rk2"`,
        );
      const x = `s_${d.variable}`;
      const a = linear.a ? emitAt(linear.a, current, d.path, o.def.equations[k], syn) : { wgsl: '0.0f', js: '0' };
      const held = (c: Code): Code => (d.unlessRefractory ? { wgsl: `select(${c.wgsl}, ${x}, held)`, js: `(held ? ${x} : ${c.js})` } : c);
      if (!linear.b) {
        updates.push([x, held({ wgsl: `${x} + p_dt * ${a.wgsl}`, js: `f(${x} + f(p_dt * ${a.js}))` })]);
        return;
      }
      const b = emitAt(linear.b, current, d.path, o.def.equations[k]);
      const growth = emitAt(
        { kind: 'call', fn: 'exp', args: [bin('*', linear.b, { kind: 'name', name: 'dt', pos: 0 })], pos: 0 },
        current,
        d.path,
        o.def.equations[k],
      );
      define(`a_${d.variable}`, a);
      define(`b_${d.variable}`, b);
      // a/b from the trees, so a ratio of parameters alone is computed once on the host.
      define(`r_${d.variable}`, linear.a ? emitAt(bin('/', linear.a, linear.b), current, d.path, o.def.equations[k], syn) : { wgsl: '0.0f', js: '0' });
      define(`e_${d.variable}`, growth);
      const v = d.variable;
      updates.push([
        x,
        held({
          wgsl: `select((${x} + r_${v}) * e_${v} - r_${v}, ${x} + p_dt * a_${v}, b_${v} == 0.0f)`,
          js: `(b_${v} === 0 ? f(${x} + f(p_dt * a_${v})) : f(f(f(${x} + r_${v}) * e_${v}) - r_${v}))`,
        }),
      ]);
    });
    for (const [x, c] of updates) assign(x, c);
  }

  // 4. Threshold and reset, on the new values.
  const syn = defineIsyn(`s_${o.membrane}`);
  const thresholdCode = emitAt(parsed.threshold, current, at(o.path, 'threshold'), o.def.threshold, syn);
  wgsl.push(`  if (!held && ${thresholdCode.wgsl}) {`, '    spiked = true;');
  js.push(`  if (!held && ${thresholdCode.js}) {`, '    spiked = true;');
  parsed.reset.forEach((r, k) => {
    const rhs = emitAt(r.rhs, current, at(at(o.path, 'reset'), k), o.def.reset[k], syn);
    const x = `s_${r.variable}`;
    const value: Code = r.op === '=' ? rhs : { wgsl: `${x} ${r.op[0]} ${rhs.wgsl}`, js: `f(${x} ${r.op[0]} ${rhs.js})` };
    assign(x, value, '    ');
  });
  if (o.refractory) assign('s_refractory', { wgsl: 'p_refractoryTicks', js: 'p_refractoryTicks' }, '    ');
  wgsl.push('  }');
  js.push('  }');

  // CPU epilogue: store the state, report the spike; hoisted columns loaded after the preamble.
  js.splice(hoistedLoadAt, 0, ...[...hoisted.keys()].map((c) => `  const p_${c} = c.p.${c}[i];`));
  for (const v of [...o.variables, ...(o.refractory ? ['refractory'] : [])]) js.push(`  c.s.${v}[i] = s_${v};`);
  js.push('  return spiked;');
  return { wgsl, js, hoisted };
}
