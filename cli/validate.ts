/** `spikegpu validate`: spikegpu against Brian2 (or a PyNN simulator) on the built-in networks. */
import { existsSync } from 'node:fs';
import { suggest } from '../src/netspec/validateSpec.ts';
import { REFERENCE_PYTHON } from '../tools/referencePython.ts';
import { pynnAvailable } from '../tools/validation/pynn.ts';
import { brian2Available, pynnSimulatorOf, referenceLabel, REFERENCES, validate, VALIDATION_CASES, type ReferenceName } from '../tools/validation/run.ts';
import { defineCommand, UsageError } from './args.ts';
import { BACKEND_OPTION, reportCpuFallback } from './shared.ts';

const CASE_NAMES = VALIDATION_CASES.map((c) => c.name);

const INSTALL_HINT = 'install Brian2 (Debian: apt-get install python3-brian) or set SPIKEGPU_PYTHON to a Python that has it';

/** The reference run's failure, as the error of a child process reports it (`execFile`'s rejection). */
interface ProcessFailure extends Error {
  /** Exit status (a number), or the spawn error's code (e.g. 'ENOENT'). */
  code?: number | string | null;
  signal?: string | null;
  stderr?: string;
}

const isProcessFailure = (e: unknown): e is ProcessFailure => e instanceof Error && ('cmd' in e || 'spawnargs' in e);

/** One line saying why the reference interpreter failed, naming it, with what to install. */
function referenceFailure(e: ProcessFailure, reference: ReferenceName): Error {
  const lastStderrLine = String(e.stderr ?? '')
    .trim()
    .split('\n')
    .pop()
    ?.trim();
  const what =
    e.code === 'ENOENT'
      ? 'was not found'
      : typeof e.code === 'string'
        ? `could not be started (${e.code})`
        : e.signal
          ? `was killed by ${e.signal}`
          : `exited with status ${e.code}${lastStderrLine ? `: ${lastStderrLine}` : ''}`;
  return new Error(
    `the ${referenceLabel(reference)} reference run failed: ${REFERENCE_PYTHON} ${what}; ${reference === 'brian2' ? INSTALL_HINT : 'see docs/pynn.md'}`,
  );
}

export const validateCommand = defineCommand({
  name: 'validate',
  summary: 'compare with Brian2 or PyNN (NEURON, Brian2, NEST): rates, CV, silence, synchrony; plastic cases: weights',
  operands: [],
  options: {
    against: {
      type: 'choice',
      choices: REFERENCES,
      value: 'reference',
      default: 'brian2',
      help: "brian2: Brian2's own scripts; pynn-SIM: each case exported with 'export --to pynn' and run on that PyNN simulator (neuron and nest under mpirun -np 2)",
    },
    networks: { type: 'list', value: 'a,b,...', help: `cases (default all: ${CASE_NAMES.join(', ')})` },
    seeds: { type: 'number', value: 'n', min: 2, integer: true, default: 3, help: 'seeds per simulator (at least 2: the rule needs a spread)' },
    duration: { type: 'number', value: 'ms', min: 0, help: 'simulated time per run (default 1000; song2000 cases 10 s, full 100 s)' },
    size: { type: 'choice', choices: ['small', 'full'] as const, default: 'small', help: 'small (CI) or the published sizes' },
    backend: BACKEND_OPTION,
    json: { type: 'flag', help: 'print the comparisons as JSON' },
  },
  notes:
    "Statistics per population: rate, CV of inter-spike intervals, silent fraction and 1 ms Fano factor; plastic cases (song2000): the final weight distribution and the learning neuron's rate.\n" +
    'Passes when, for every population and statistic, |mean difference| ≤ 3·√(sd₁² + sd₂²) + a small floor (seed-to-seed spread); exits 1 when any comparison fails.\n' +
    "Brian2 runs in /usr/bin/python3 (Debian's python3-brian); SPIKEGPU_PYTHON names another interpreter.",
  async run(o) {
    for (const c of o.networks ?? [])
      if (!CASE_NAMES.includes(c)) throw new UsageError(`--networks: unknown case ${JSON.stringify(c)}${suggest(c, CASE_NAMES)}`);
    const simulator = pynnSimulatorOf(o.against);
    if (simulator) {
      const problem = await pynnAvailable(simulator);
      if (problem)
        throw new Error(`${o.against} is not available: ${problem}; see docs/pynn.md for the install (Debian: python3-pynn python3-mpi4py openmpi-bin)`);
    } else if (!(await brian2Available())) {
      const problem = REFERENCE_PYTHON.includes('/') && !existsSync(REFERENCE_PYTHON) ? 'does not exist' : 'cannot import brian2';
      throw new Error(`Brian2 is not available: ${REFERENCE_PYTHON} ${problem}; ${INSTALL_HINT}`);
    }
    const result = await validate({
      against: o.against,
      cases: o.networks,
      seeds: o.seeds,
      size: o.size,
      backend: o.backend,
      durationMs: o.duration,
      onProgress: (line) => process.stderr.write(`spikegpu: ${line}\n`),
      onFallback: reportCpuFallback,
    }).catch((e: unknown) => {
      throw isProcessFailure(e) ? referenceFailure(e, o.against) : e;
    });
    const passed = result.rows.filter((r) => r.pass).length;
    process.stdout.write(
      o.json
        ? JSON.stringify({ pass: result.pass, against: o.against, comparisons: result.rows, skipped: result.skipped }) + '\n'
        : `${result.table}\n\n${result.pass ? 'PASS' : 'FAIL'}: ${passed} of ${result.rows.length} comparisons within the seed-to-seed spread\n`,
    );
    return result.pass ? 0 : 1;
  },
});
