/** `spikegpu …` from the sources (through tsx), for tests of the command line. */
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI runs there. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `spikegpu ...args` with `env` over the test's environment (an undefined value removes the variable). */
export function cliWithEnv(env: Record<string, string | undefined>, ...args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'cli/spikegpu.ts', ...args],
      { cwd: ROOT, env: { ...process.env, SPIKEGPU_DEBUG: '', ...env }, maxBuffer: 1 << 28 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** `spikegpu ...args` in the repository root. */
export const cli = (...args: string[]): Promise<CliResult> => cliWithEnv({}, ...args);
