/**
 * PyNN as a `spikegpu validate` reference (`--against pynn-neuron | pynn-brian2 | pynn-nest`):
 * each case's spec exported with `exportPynn`, then run by PyNN with the same seed; NEURON and
 * NEST under `mpirun -np 2`, as a cluster would run them, Brian2 in one process. Needs
 * Debian's python3-pynn (and, for NEURON, its mechanisms compiled once:
 * tools/pynn/setup-neuron.sh; for MPI, python3-mpi4py and openmpi-bin).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportPynn, type PynnSimulator } from '../../src/export/pynn.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import { PYNN_NEURON_CHECK_ARGS, REFERENCE_PYTHON } from '../referencePython.ts';

const run = promisify(execFile);

/** MPI processes for the simulators that run under mpirun. */
export const PYNN_MPI_PROCESSES = 2;

/** The longest one reference run may take. */
const RUN_TIMEOUT_MS = 20 * 60_000;

/** The command line that runs an exported script: mpirun for NEST and NEURON. */
export function pynnCommand(simulator: PynnSimulator, script: string, args: string[]): { command: string; args: string[] } {
  const python = [REFERENCE_PYTHON, script, '--simulator', simulator, ...args];
  if (simulator === 'brian2') return { command: python[0], args: python.slice(1) };
  // --oversubscribe: two ranks even on a one-core machine.
  return { command: 'mpirun', args: ['--oversubscribe', '-np', String(PYNN_MPI_PROCESSES), ...python] };
}

/** Open MPI refuses root unless told; CI runs as root. */
const mpiEnv = () => ({ ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1', PYTHONUNBUFFERED: '1' });

export interface PynnRun {
  /** spikegpu's spike JSON, as the script wrote it. */
  spikes: { populations: Record<string, { times: number[]; ids: number[] }> };
  /** spikegpu's weights JSON, when asked for. */
  weights?: { projections: Record<string, { weights: number[] }> };
}

/**
 * Export `spec` and run it on `simulator` with `seed` for `durationMs`.
 * @example const { spikes } = await runPynn(builtinNetwork('cuba', { n: 1000 }), 'neuron', 1, 500);
 */
export async function runPynn(spec: NetworkSpec, simulator: PynnSimulator, seed: number, durationMs: number, withWeights = false): Promise<PynnRun> {
  const dir = mkdtempSync(join(tmpdir(), 'spikegpu-pynn-'));
  try {
    const script = join(dir, 'model.py');
    writeFileSync(script, exportPynn(spec).script);
    const out = join(dir, 'spikes.json'),
      weightsOut = join(dir, 'weights.json');
    const extra = withWeights ? ['--weights-out', weightsOut] : [];
    const { command, args } = pynnCommand(simulator, script, ['--seed', String(seed), '--duration', String(durationMs), '--out', out, ...extra]);
    // A rank that fails leaves the others waiting in MPI: a timeout ends the run instead of hanging.
    await run(command, args, { maxBuffer: 1 << 26, env: mpiEnv(), cwd: dir, timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' });
    return {
      spikes: JSON.parse(readFileSync(out, 'utf8')) as PynnRun['spikes'],
      weights: withWeights ? (JSON.parse(readFileSync(weightsOut, 'utf8')) as PynnRun['weights']) : undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why `simulator` cannot run `spec` (the export's refusal or a simulator gap), or null. */
export function pynnRefusal(spec: NetworkSpec, simulator: PynnSimulator): string | null {
  try {
    const gap = exportPynn(spec).gaps.find((g) => g.simulator === simulator);
    return gap ? `${gap.path}: ${gap.problem} on pyNN.${simulator}` : null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Whether PyNN with `simulator` can be imported (and, for NEURON, its mechanisms are compiled). */
export async function pynnAvailable(simulator: PynnSimulator): Promise<string | null> {
  // NEURON's Izhikevich cell needs the compiled mechanisms; MPI runs need mpi4py and mpirun.
  const check = simulator === 'neuron' ? PYNN_NEURON_CHECK_ARGS : ['-c', `import pyNN.${simulator}`];
  try {
    await run(REFERENCE_PYTHON, check, { env: mpiEnv() });
    if (simulator !== 'brian2') await run('mpirun', ['--version']);
    return null;
  } catch (e) {
    const err = e as { stderr?: string; code?: string | number };
    const last = String(err.stderr ?? '')
      .trim()
      .split('\n')
      .pop();
    return err.code === 'ENOENT' ? 'mpirun was not found (Debian: openmpi-bin)' : `pyNN.${simulator} cannot run: ${last || `exit ${err.code}`}`;
  }
}
