/**
 * One expression tree, two programs: WGSL for the GPU kernels and JavaScript for the CPU
 * reference, with the same f32 operations in the same order, so both give the same bits.
 *
 * - `+ - *` and comparisons are single IEEE f32 operations on both sides (the JavaScript
 *   rounds each result with `Math.fround`).
 * - `/`, `exp`, `log`, `sqrt` and `pow` call the deterministic functions of
 *   `deterministicMath.ts`, built from exactly rounded operations, never WGSL's built-ins
 *   (which may differ by a few ulp between GPUs).
 * - Integer powers `x**n` (|n| ≤ 16) are repeated multiplication; `x**0.5` is `sqrt`.
 * - Operations on constants alone are folded here, with the CPU's functions, so no compiler
 *   folds them at another precision.
 */
import { f32 } from './f32.ts';
import { deterministicMathWgsl, divideF32, expF32, logF32, powF32, sqrtF32 } from './deterministicMath.ts';
import { ExpressionError, type Expr } from './expression.ts';

/** An expression as code for each backend. */
export interface Code {
  wgsl: string;
  js: string;
}

/** What a name stands for: code (a variable) or a number (a constant, folded). */
export type Resolve = (name: string, pos: number) => Code | number;

/** A value while emitting: a folded constant or code. */
type Value = { constant: number | boolean } | Code;

const isConstant = (v: Value): v is { constant: number | boolean } => 'constant' in v;

/** An f32 constant as WGSL: the shortest decimal of the f32 value, typed f32, so it parses back to the same bits. */
export function wgslNumber(x: number): string {
  const v = f32(x);
  if (Number.isNaN(v) || !Number.isFinite(v)) throw new Error(`internal: ${x} is not a finite f32`);
  const text = Object.is(v, -0) ? '-0.0' : shortestF32Decimal(v);
  const literal = /[.e]/.test(text) ? `${text}f` : `${text}.0f`;
  return v < 0 || Object.is(v, -0) ? `(${literal})` : literal;
}

/** The shortest decimal that rounds to the f32 `v` (0.04, not 0.03999999910593033). */
function shortestF32Decimal(v: number): string {
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(v.toPrecision(digits)));
    if (f32(Number(text)) === v) return text;
  }
  return String(v);
}

const jsNumber = (x: number) => (Object.is(x, -0) ? '-0' : String(x));

function code(v: Value): Code {
  if (!isConstant(v)) return v;
  if (typeof v.constant === 'boolean') return { wgsl: String(v.constant), js: String(v.constant) };
  return { wgsl: wgslNumber(v.constant), js: jsNumber(v.constant) };
}

/** `x` multiplied by itself until there are n factors, left to right: the one order both backends use. */
export function powIntF32(x: number, n: number): number {
  let r = x;
  for (let k = 1; k < n; k++) r = f32(r * x);
  return r;
}

/** The largest integer exponent written as repeated multiplication. */
const MAX_INT_POWER = 16;

/** Functions the emitted JavaScript calls, by the names it uses. */
const JS_RUNTIME = { f: f32, divideF32, expF32, logF32, sqrtF32, powF32, powIntF32 };

/**
 * Emitted JavaScript as a function: `body` is a function body (ending in `return …`) that may
 * call the runtime's functions by their names. The CPU reference's code is built from parsed
 * expressions only, never from raw spec text.
 * @example compileJs<() => number>('return () => f(0.1 + 0.2);')() // 0.30000001192092896
 */
export function compileJs<T>(body: string): T {
  return new Function('rt', `const { ${Object.keys(JS_RUNTIME).join(', ')} } = rt;\n${body}`)(JS_RUNTIME) as T;
}

/** WGSL the emitted code calls: the deterministic functions and `powIntF32`. */
export const WGSL_RUNTIME = `${deterministicMathWgsl}
fn powIntF32(x: f32, n: u32) -> f32 {
  var r = x;
  for (var k = 1u; k < n; k++) { r = r * x; }
  return r;
}
`;

const binaryConstant: Record<string, (a: number, b: number) => number | boolean> = {
  '+': (a, b) => f32(a + b),
  '-': (a, b) => f32(a - b),
  '*': (a, b) => f32(a * b),
  '/': divideF32,
  '**': (a, b) => power(a, b),
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** The constant value of a ** b, as the emitted code would compute it. */
function power(a: number, b: number): number {
  if (Number.isInteger(b) && Math.abs(b) <= MAX_INT_POWER) {
    if (b === 0) return 1;
    const p = powIntF32(a, Math.abs(b));
    return b > 0 ? p : divideF32(1, p);
  }
  return b === 0.5 ? sqrtF32(a) : powF32(a, b);
}

const call = (name: string, args: Code[]): Code => ({
  wgsl: `${name}(${args.map((a) => a.wgsl).join(', ')})`,
  js: `${name}(${args.map((a) => a.js).join(', ')})`,
});

function emitPower(base: Value, exponent: Value): Value {
  if (isConstant(base) && isConstant(exponent)) return { constant: power(base.constant as number, exponent.constant as number) };
  if (isConstant(exponent)) {
    const n = exponent.constant as number;
    if (Number.isInteger(n) && Math.abs(n) <= MAX_INT_POWER) {
      if (n === 0) return { constant: 1 };
      const b = code(base);
      const p: Code = Math.abs(n) === 1 ? b : { wgsl: `powIntF32(${b.wgsl}, ${Math.abs(n)}u)`, js: `powIntF32(${b.js}, ${Math.abs(n)})` };
      return n > 0 ? p : call('divideF32', [code({ constant: 1 }), p]);
    }
    if (n === 0.5) return call('sqrtF32', [code(base)]);
  }
  return call('powF32', [code(base), code(exponent)]);
}

/** Whether x is a power of two whose reciprocal is a normal f32, so x / c = x * (1/c) exactly. */
function reciprocalIsExact(c: number): boolean {
  if (c === 0 || !Number.isFinite(c)) return false;
  const e = Math.log2(Math.abs(c));
  return Number.isInteger(e) && e > -127 && e < 126;
}

function emitValue(e: Expr, resolve: Resolve): Value {
  switch (e.kind) {
    case 'number':
      if (!Number.isFinite(f32(e.value))) throw new ExpressionError(e.pos, `${e.value} is beyond f32's range (±3.4·10³⁸)`);
      return { constant: f32(e.value) };
    case 'name': {
      const r = resolve(e.name, e.pos);
      return typeof r === 'number' ? { constant: f32(r) } : r;
    }
    case 'unary': {
      const a = emitValue(e.arg, resolve);
      if (isConstant(a)) return { constant: e.op === '-' ? -(a.constant as number) : !a.constant };
      return e.op === '-' ? { wgsl: `(-${a.wgsl})`, js: `(-${a.js})` } : { wgsl: `(!${a.wgsl})`, js: `(!${a.js})` };
    }
    case 'binary': {
      const l = emitValue(e.left, resolve);
      const r = emitValue(e.right, resolve);
      if (e.op === 'and' || e.op === 'or') {
        if (isConstant(l) && isConstant(r)) return { constant: e.op === 'and' ? Boolean(l.constant && r.constant) : Boolean(l.constant || r.constant) };
        const op = e.op === 'and' ? '&&' : '||';
        const a = code(l),
          b = code(r);
        return { wgsl: `(${a.wgsl} ${op} ${b.wgsl})`, js: `(${a.js} ${op} ${b.js})` };
      }
      if (e.op === '**') return emitPower(l, r);
      if (isConstant(l) && isConstant(r)) return { constant: binaryConstant[e.op](l.constant as number, r.constant as number) };
      if (e.op === '/') {
        if (isConstant(r) && reciprocalIsExact(r.constant as number)) return emitArithmetic('*', code(l), code({ constant: 1 / (r.constant as number) }));
        return call('divideF32', [code(l), code(r)]);
      }
      return emitArithmetic(e.op, code(l), code(r));
    }
    case 'call': {
      const args = e.args.map((a) => emitValue(a, resolve));
      const [a, b] = args;
      if (e.fn === 'pow') return emitPower(a, b);
      if (e.fn === 'clip')
        return emitValue(
          { kind: 'call', fn: 'min', pos: e.pos, args: [{ kind: 'call', fn: 'max', pos: e.pos, args: [e.args[0], e.args[1]] }, e.args[2]] },
          resolve,
        );
      const numbers = args.map((x) => (isConstant(x) ? (x.constant as number) : NaN));
      const allConstant = args.every(isConstant);
      switch (e.fn) {
        case 'exp':
        case 'log':
        case 'sqrt': {
          const fn = { exp: expF32, log: logF32, sqrt: sqrtF32 }[e.fn];
          return allConstant ? { constant: fn(numbers[0]) } : call(`${e.fn}F32`, [code(a)]);
        }
        case 'abs':
        case 'floor': {
          if (allConstant) return { constant: Math[e.fn](numbers[0]) };
          const x = code(a);
          return { wgsl: `${e.fn}(${x.wgsl})`, js: `Math.${e.fn}(${x.js})` };
        }
        case 'min':
        case 'max': {
          if (allConstant) return { constant: Math[e.fn](numbers[0], numbers[1]) };
          const x = code(a),
            y = code(b);
          return { wgsl: `${e.fn}(${x.wgsl}, ${y.wgsl})`, js: `Math.${e.fn}(${x.js}, ${y.js})` };
        }
      }
      throw new ExpressionError(e.pos, `internal: no code for ${e.fn}`);
    }
  }
}

function emitArithmetic(op: string, a: Code, b: Code): Code {
  if (['+', '-', '*'].includes(op)) return { wgsl: `(${a.wgsl} ${op} ${b.wgsl})`, js: `f(${a.js} ${op} ${b.js})` };
  const jsOp = op === '==' ? '===' : op === '!=' ? '!==' : op;
  return { wgsl: `(${a.wgsl} ${op} ${b.wgsl})`, js: `(${a.js} ${jsOp} ${b.js})` };
}

/**
 * An expression as WGSL and JavaScript. Names resolve through `resolve` (which throws
 * `ExpressionError` for names it does not know); constants fold.
 * @example emitExpression(parseExpression('v * 2'), () => ({ wgsl: 's_v', js: 's_v' })) // { wgsl: '(s_v * 2.0f)', js: 'f(s_v * 2)' }
 */
export function emitExpression(e: Expr, resolve: Resolve): Code {
  return code(emitValue(e, resolve));
}
