/**
 * The one error users see for a bad network document: it names the JSON path
 * (`projections[2].connect.p: must be in [0, 1]`). The CLI prints `message` alone, with no
 * stack trace, and exits 2.
 */
export class SpecError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'SpecError';
  }
}

/** Append a key or index to a JSON path. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}
