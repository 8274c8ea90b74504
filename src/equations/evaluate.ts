/**
 * An expression evaluated once on the host in double precision: the constants a model
 * derives from its parameters (exp(−dt/τ), dt/τ, …) before they are stored as f32 kernel
 * columns, rounded once. Both backends then read the same column, so this needs no f32
 * twin; double precision keeps them as close to exact as the stored f32 allows (Brian2
 * computes its constants in double precision too).
 */
import { CONSTANTS, ExpressionError, type Expr } from './expression.ts';

/**
 * The value of `e` in double precision; names resolve through `lookup` (or are `pi`, `e`).
 * @example evaluateF64(parseExpression('exp(-dt/tau)'), (n) => ({ dt: 0.1, tau: 20 })[n]!) // Math.exp(-0.005)
 */
export function evaluateF64(e: Expr, lookup: (name: string) => number): number {
  const ev = (x: Expr) => evaluateF64(x, lookup);
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'name':
      return e.name in CONSTANTS ? CONSTANTS[e.name] : lookup(e.name);
    case 'unary':
      return e.op === '-' ? -ev(e.arg) : Number(!ev(e.arg));
    case 'binary': {
      const a = ev(e.left),
        b = ev(e.right);
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '**':
          return a ** b;
        case '<':
          return Number(a < b);
        case '<=':
          return Number(a <= b);
        case '>':
          return Number(a > b);
        case '>=':
          return Number(a >= b);
        case '==':
          return Number(a === b);
        case '!=':
          return Number(a !== b);
        case 'and':
          return Number(Boolean(a) && Boolean(b));
        case 'or':
          return Number(Boolean(a) || Boolean(b));
      }
      break;
    }
    case 'call': {
      const args = e.args.map(ev);
      switch (e.fn) {
        case 'exp':
        case 'log':
        case 'sqrt':
        case 'abs':
        case 'floor':
          return Math[e.fn](args[0]);
        case 'min':
        case 'max':
          return Math[e.fn](args[0], args[1]);
        case 'clip':
          return Math.min(Math.max(args[0], args[1]), args[2]);
        case 'pow':
          return args[0] ** args[1];
      }
    }
  }
  throw new ExpressionError(e.pos, 'internal: cannot evaluate this expression on the host');
}
