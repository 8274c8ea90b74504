/**
 * The expression language of model definitions: numbers, names, `+ - * / **`, comparisons,
 * `and or not`, parentheses and the functions in `FUNCTIONS`. Parsed once into a tree that
 * `emit.ts` turns into WGSL and into the CPU twin, so the two backends evaluate the same
 * operations in the same order.
 *
 * Precedence, loosest first (as Python, which Brian2's equations follow):
 * `or`, `and`, `not`, comparisons, `+ -`, `* /`, unary `-`, `**` (right-associative, so
 * `-x**2` is `-(x**2)` and `2**3**2` is `2**9`).
 */

/** Where in the expression a node starts (0-based character offset). */
export interface Located {
  pos: number;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '**' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';

export type Expr =
  | ({ kind: 'number'; value: number } & Located)
  | ({ kind: 'name'; name: string } & Located)
  | ({ kind: 'unary'; op: '-' | 'not'; arg: Expr } & Located)
  | ({ kind: 'binary'; op: BinaryOp; left: Expr; right: Expr } & Located)
  | ({ kind: 'call'; fn: string; args: Expr[] } & Located);

/** Functions of the language and how many arguments each takes. */
export const FUNCTIONS: Record<string, { args: number; doc: string }> = {
  exp: { args: 1, doc: 'e to the power x' },
  log: { args: 1, doc: 'natural logarithm' },
  sqrt: { args: 1, doc: 'square root' },
  abs: { args: 1, doc: 'absolute value' },
  floor: { args: 1, doc: 'largest integer ≤ x' },
  min: { args: 2, doc: 'smaller of two' },
  max: { args: 2, doc: 'larger of two' },
  clip: { args: 3, doc: 'clip(x, lo, hi) = min(max(x, lo), hi)' },
  pow: { args: 2, doc: 'pow(a, b) = a ** b' },
};

/** Named constants every expression may use. */
export const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

/** Words that cannot name a variable or parameter. */
export const KEYWORDS = ['and', 'or', 'not'];

/** A problem at a character offset of an expression; callers add the JSON path (`SpecError`). */
export class ExpressionError extends Error {
  constructor(
    readonly pos: number,
    readonly problem: string,
  ) {
    super(`at character ${pos + 1}: ${problem}`);
    this.name = 'ExpressionError';
  }
}

interface Token {
  kind: 'number' | 'name' | 'op' | 'end';
  text: string;
  pos: number;
}

const OPERATORS = ['**', '<=', '>=', '==', '!=', '+', '-', '*', '/', '<', '>', '(', ')', ','];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], pos: i });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) {
      const hint = ch === '^' ? ' (powers are written **)' : ch === '&' || ch === '|' || ch === '!' ? ' (write and, or, not)' : '';
      throw new ExpressionError(i, `unexpected ${JSON.stringify(ch)}${hint}`);
    }
    tokens.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', pos: source.length });
  return tokens;
}

/**
 * Parse an expression.
 * @example parseExpression('(-gL*(v - EL) + I) / C')
 * @throws ExpressionError naming the character where it went wrong.
 */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let k = 0;
  const peek = () => tokens[k];
  const isOp = (...ops: string[]) => (peek().kind === 'op' || peek().kind === 'name') && ops.includes(peek().text);
  const expect = (text: string) => {
    if (peek().text !== text || peek().kind === 'end') throw new ExpressionError(peek().pos, `expected ${JSON.stringify(text)}${found()}`);
    k++;
  };
  const found = () => (peek().kind === 'end' ? ' before the end' : `, found ${JSON.stringify(peek().text)}`);

  const binaryLevel = (ops: string[], next: () => Expr) => (): Expr => {
    let left = next();
    while (isOp(...ops)) {
      const t = tokens[k++];
      left = { kind: 'binary', op: t.text as BinaryOp, left, right: next(), pos: t.pos };
    }
    return left;
  };
  const power = (): Expr => {
    const base = primary();
    if (!isOp('**')) return base;
    const t = tokens[k++];
    return { kind: 'binary', op: '**', left: base, right: unary(), pos: t.pos };
  };
  const unary = (): Expr => {
    if (isOp('-')) {
      const t = tokens[k++];
      return { kind: 'unary', op: '-', arg: unary(), pos: t.pos };
    }
    if (isOp('+')) {
      k++;
      return unary();
    }
    return power();
  };
  const product = binaryLevel(['*', '/'], unary);
  const sum = binaryLevel(['+', '-'], product);
  const comparison = (): Expr => {
    const left = sum();
    if (!isOp('<', '<=', '>', '>=', '==', '!=')) return left;
    const t = tokens[k++];
    const node: Expr = { kind: 'binary', op: t.text as BinaryOp, left, right: sum(), pos: t.pos };
    if (isOp('<', '<=', '>', '>=', '==', '!=')) throw new ExpressionError(peek().pos, 'comparisons do not chain: write a < b and b < c');
    return node;
  };
  const negation = (): Expr => {
    if (isOp('not')) {
      const t = tokens[k++];
      return { kind: 'unary', op: 'not', arg: negation(), pos: t.pos };
    }
    return comparison();
  };
  const conjunction = binaryLevel(['and'], negation);
  const disjunction = binaryLevel(['or'], conjunction);

  function primary(): Expr {
    const t = peek();
    if (t.kind === 'number') {
      k++;
      return { kind: 'number', value: Number(t.text), pos: t.pos };
    }
    if (t.kind === 'name' && !KEYWORDS.includes(t.text)) {
      k++;
      if (!isOp('(')) return { kind: 'name', name: t.text, pos: t.pos };
      k++;
      const args: Expr[] = [];
      if (!isOp(')')) {
        args.push(disjunction());
        while (isOp(',')) {
          k++;
          args.push(disjunction());
        }
      }
      expect(')');
      const fn = FUNCTIONS[t.text];
      if (!Object.hasOwn(FUNCTIONS, t.text))
        throw new ExpressionError(t.pos, `unknown function ${t.text}; the functions are ${Object.keys(FUNCTIONS).join(', ')}`);
      if (args.length !== fn.args) throw new ExpressionError(t.pos, `${t.text} takes ${fn.args} argument${fn.args > 1 ? 's' : ''}, got ${args.length}`);
      return { kind: 'call', fn: t.text, args, pos: t.pos };
    }
    if (isOp('(')) {
      k++;
      const inner = disjunction();
      expect(')');
      return inner;
    }
    throw new ExpressionError(t.pos, `expected a number, a name or "("${found()}`);
  }

  const tree = disjunction();
  if (peek().kind !== 'end') throw new ExpressionError(peek().pos, `unexpected ${JSON.stringify(peek().text)} after a complete expression`);
  return tree;
}

/** The names an expression reads, in order of first use, with where each first appears. */
export function namesIn(e: Expr, out = new Map<string, number>()): Map<string, number> {
  if (e.kind === 'name') {
    if (!out.has(e.name)) out.set(e.name, e.pos);
  } else if (e.kind === 'unary') namesIn(e.arg, out);
  else if (e.kind === 'binary') {
    namesIn(e.left, out);
    namesIn(e.right, out);
  } else if (e.kind === 'call') for (const a of e.args) namesIn(a, out);
  return out;
}

/**
 * A copy of the tree in which `replace` may substitute any node; where it returns undefined,
 * the node is kept and its children are mapped.
 * @example mapExpr(parseExpression('a + b'), (n) => (n.kind === 'name' && n.name === 'a' ? parseExpression('2') : undefined)) // 2 + b
 */
export function mapExpr(e: Expr, replace: (node: Expr) => Expr | undefined): Expr {
  const replaced = replace(e);
  if (replaced) return replaced;
  switch (e.kind) {
    case 'unary':
      return { ...e, arg: mapExpr(e.arg, replace) };
    case 'binary':
      return { ...e, left: mapExpr(e.left, replace), right: mapExpr(e.right, replace) };
    case 'call':
      return { ...e, args: e.args.map((a) => mapExpr(a, replace)) };
    default:
      return e;
  }
}

/** Whether an expression is a truth value (a comparison, `and`, `or`, `not`) rather than a number. */
export function isBoolean(e: Expr): boolean {
  return (e.kind === 'binary' && ['<', '<=', '>', '>=', '==', '!=', 'and', 'or'].includes(e.op)) || (e.kind === 'unary' && e.op === 'not');
}

/** Check that numbers and truth values are used where each belongs; `want` is what the whole must be. */
export function checkTypes(e: Expr, want: 'number' | 'boolean'): void {
  const got = isBoolean(e) ? 'boolean' : 'number';
  if (got !== want)
    throw new ExpressionError(e.pos, want === 'boolean' ? 'expected a condition (a comparison such as v > vT)' : 'expected a number, found a condition');
  if (e.kind === 'unary') checkTypes(e.arg, e.op === 'not' ? 'boolean' : 'number');
  else if (e.kind === 'binary') {
    const logical = e.op === 'and' || e.op === 'or';
    checkTypes(e.left, logical ? 'boolean' : 'number');
    checkTypes(e.right, logical ? 'boolean' : 'number');
  } else if (e.kind === 'call') for (const a of e.args) checkTypes(a, 'number');
}
