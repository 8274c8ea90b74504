/**
 * Files the tools read at run time (the Brian2 scripts, package.json), found from the package
 * root, so the same code works from the sources (tsx, vitest) and from the compiled `dist/`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding spikegpu's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`spikegpu's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return (root = dir);
}

/**
 * A path inside the package.
 * @example packagePath('tools/validation/brian2/run.py')
 */
export const packagePath = (...parts: string[]): string => join(packageRoot(), ...parts);
