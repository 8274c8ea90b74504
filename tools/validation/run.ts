/**
 * `spikegpu validate`: each built-in network in spikegpu and in Brian2 (Debian's
 * `python3-brian`, run through `tools/validation/brian2/run.py`) with several seeds, compared per
 * population on rate, CV of ISIs, silent fraction and 1 ms Fano factor (`compare.ts` states
 * the rule). Plastic cases (song2000) compare the final weight distribution instead: mean,
 * fractions piled at the bounds, and the rate of the learning neuron. Node only: it starts Python processes. Brian2 runs in a child process while
 * spikegpu runs here, so the two use both cores.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../packagePath.ts';
import { BRIAN2_CHECK_ARGS, REFERENCE_PYTHON } from '../referencePython.ts';
import { promisify } from 'node:util';
import { spikeStats, type SpikeStats } from '../../src/analysis/spikeStats.ts';
import { sparkline, weightHistogram, weightStats, WEIGHT_STAT_NAMES, type WeightStats } from '../../src/analysis/weightStats.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { builtinNetwork, builtinNetworks } from '../../src/networks/index.ts';
import { Simulator, type BackendChoice } from '../../src/sim/simulator.ts';
import { compareStats, compareValues, comparisonTable, type Comparison } from './compare.ts';
import { pynnRefusal, runPynn } from './pynn.ts';
import type { PynnSimulator } from '../../src/export/pynn.ts';

const run = promisify(execFile);

const BRIAN2_SCRIPT = packagePath('tools/validation/brian2/run.py');

export interface ValidationCase {
  /** Name in tables and on the command line. */
  name: string;
  network: string;
  /** Built-in network options at the small (CI) and full (paper) sizes. */
  small: Record<string, string | number>;
  full: Record<string, string | number>;
  /** Arguments for run.py beyond --network/--n/--seed/--duration. */
  brian2Args: (options: Record<string, string | number>) => string[];
  /**
   * Plastic cases: compare the final weights of `projection` and the rate of its post
   * population, after `durationMs` (small / full) unless the caller gives a duration.
   */
  weights?: { projection: string; durationMs: { small: number; full: number } };
}

/**
 * Brian2's delay D first acts one tick later than ours (see tools/validation/brian2/README.md), so
 * our brunel's default 1.5 ms is Brian2's 1.4 ms.
 */
const brunelArgs = (regime: string) => (o: Record<string, string | number>) => [
  '--regime',
  regime,
  '--connect',
  String(o.connect ?? 'fixedInDegree'),
  '--delay',
  String(Number(o.delay ?? 1.5) - 0.1),
];

export const VALIDATION_CASES: ValidationCase[] = [
  { name: 'cuba', network: 'cuba', small: { n: 1000 }, full: { n: 4000 }, brian2Args: () => [] },
  { name: 'coba', network: 'coba', small: { n: 1000 }, full: { n: 4000 }, brian2Args: () => [] },
  { name: 'brunelA', network: 'brunel', small: { n: 2500, regime: 'A' }, full: { regime: 'A' }, brian2Args: brunelArgs('A') },
  { name: 'brunelC', network: 'brunel', small: { n: 2500, regime: 'C' }, full: { regime: 'C' }, brian2Args: brunelArgs('C') },
  { name: 'izhikevich2003', network: 'izhikevich2003', small: { n: 1000 }, full: { n: 1000 }, brian2Args: () => [] },
  // Brian2's STDP.py as written (a fixed driving force: our current synapse), and with a true conductance.
  {
    name: 'song2000',
    network: 'song2000',
    small: { synapse: 'current' },
    full: { synapse: 'current' },
    brian2Args: () => ['--song-model', 'example'],
    weights: { projection: 'inputs', durationMs: { small: 10_000, full: 100_000 } },
  },
  {
    name: 'song2000cond',
    network: 'song2000',
    small: { synapse: 'conductance' },
    full: { synapse: 'conductance' },
    brian2Args: () => ['--song-model', 'conductance'],
    weights: { projection: 'inputs', durationMs: { small: 10_000, full: 100_000 } },
  },
];

/** The simulator compared with: Brian2 (its own scripts, run.py) or a spec exported to PyNN and run on one of its simulators. */
export type ReferenceName = 'brian2' | 'pynn-neuron' | 'pynn-brian2' | 'pynn-nest';

export const REFERENCES: ReferenceName[] = ['brian2', 'pynn-neuron', 'pynn-brian2', 'pynn-nest'];

/** The PyNN simulator of a reference, or null for Brian2's own scripts. */
export const pynnSimulatorOf = (r: ReferenceName): PynnSimulator | null => (r.startsWith('pynn-') ? (r.slice(5) as PynnSimulator) : null);

/** The reference's name in tables. */
export const referenceLabel = (r: ReferenceName) => (r === 'brian2' ? 'Brian2' : `PyNN ${r.slice(5)}`);

export interface ValidateOptions {
  /** Default 'brian2'. */
  against?: ReferenceName;
  cases?: string[];
  seeds?: number;
  /** Simulated ms per run (default 1000; plastic cases: their own, 10 s small and 100 s full). */
  durationMs?: number;
  size?: 'small' | 'full';
  /** Default 'auto': WebGPU where an adapter exists, else the CPU reference (see `onFallback`). */
  backend?: BackendChoice;
  device?: GpuContext;
  onProgress?: (line: string) => void;
  /** Called with `Simulator.fallback` each time `auto` ran a simulator on the CPU reference. */
  onFallback?: (reason: string) => void;
}

export interface ValidationResult {
  rows: Comparison[];
  /** Cases the reference cannot run, with the reason (e.g. delta synapses on NEURON). */
  skipped: { network: string; reason: string }[];
  pass: boolean;
  table: string;
  /** Plastic cases: mean weight histograms (20 bins over [wMin, wMax]) of both simulators. */
  histograms: { network: string; projection: string; spikegpu: number[]; reference: number[] }[];
}

/** The final weights of one run, summarised; `histogram`: 20 bins over [wMin, wMax]. */
interface WeightRun {
  stats: WeightStats;
  histogram: number[];
  postRateHz: number;
}

const HISTOGRAM_BINS = 20;

function summariseWeights(weights: ArrayLike<number>, wMin: number, wMax: number, postRateHz: number): WeightRun {
  return { stats: weightStats(weights, wMin, wMax), histogram: weightHistogram(weights, wMin, wMax, HISTOGRAM_BINS), postRateHz };
}

/** One Brian2 run of a case: its stdout summary and the file it wrote with `outFlag`. */
interface Brian2Run {
  stdout: string;
  file: string;
}

async function runBrian2(
  c: ValidationCase,
  options: Record<string, string | number>,
  n: number,
  seed: number,
  durationMs: number,
  outFlag: string,
): Promise<Brian2Run> {
  const dir = mkdtempSync(join(tmpdir(), 'spikegpu-validate-'));
  try {
    const out = join(dir, 'out.json');
    const args = [
      BRIAN2_SCRIPT,
      '--network',
      c.network,
      '--n',
      String(n),
      '--seed',
      String(seed),
      '--duration',
      String(durationMs),
      outFlag,
      out,
      ...c.brian2Args(options),
    ];
    const { stdout } = await run(REFERENCE_PYTHON, args, { maxBuffer: 1 << 26, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    return { stdout, file: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function brian2Weights(c: ValidationCase, options: Record<string, string | number>, n: number, seed: number, durationMs: number): Promise<WeightRun> {
  const { stdout, file } = await runBrian2(c, options, n, seed, durationMs, '--weights-out');
  const summary = JSON.parse(stdout) as { postRateHz: number; weights: { gmax: number } };
  const doc = JSON.parse(file) as { weight: number[] };
  return summariseWeights(doc.weight, 0, summary.weights.gmax, summary.postRateHz);
}

/** A simulator for one seed of a case, on the backend `options` asks for. */
async function createSimulator(spec: unknown, seed: number, options: ValidateOptions): Promise<Simulator> {
  const sim = await Simulator.create(spec, { backend: options.backend ?? 'auto', device: options.device, seed });
  if (sim.fallback) options.onFallback?.(sim.fallback);
  return sim;
}

const mean = (rows: number[][]) => rows[0].map((_, k) => rows.reduce((a, r) => a + r[k], 0) / rows.length);

/** A plastic case: final weights and the post population's rate, per seed, in both simulators. */
async function validateWeights(
  c: ValidationCase,
  networkOptions: Record<string, string | number>,
  seeds: number[],
  durationMs: number,
  options: ValidateOptions,
  log: (line: string) => void,
): Promise<{ rows: Comparison[]; histogram: ValidationResult['histograms'][number] }> {
  const { projection } = c.weights!;
  const spec = builtinNetwork(c.network, networkOptions);
  const pr = spec.projections!.find((p) => p.name === projection)!;
  const { wMin, wMax } = pr.plasticity!;
  const n = spec.populations[pr.pre].size;
  const simulator = pynnSimulatorOf(options.against ?? 'brian2');
  const referenceRun = async (seed: number): Promise<WeightRun> => {
    if (!simulator) return brian2Weights(c, networkOptions, n, seed, durationMs);
    const r = await runPynn(builtinNetwork(c.network, { ...networkOptions, seed }), simulator, seed, durationMs, true);
    const postRateHz = r.spikes.populations[pr.post].times.length / (spec.populations[pr.post].size * (durationMs / 1000));
    return summariseWeights(r.weights!.projections[projection].weights, wMin, wMax, postRateHz);
  };
  const reference = seeds.reduce<Promise<WeightRun[]>>((prev, seed) => prev.then(async (acc) => [...acc, await referenceRun(seed)]), Promise.resolve([]));
  reference.catch(() => {});
  const ours: WeightRun[] = [];
  for (const seed of seeds) {
    const sim = await createSimulator(builtinNetwork(c.network, { ...networkOptions, seed }), seed, options);
    try {
      await sim.run(durationMs);
      ours.push(summariseWeights((await sim.weights(projection)).weights, wMin, wMax, sim.summary().populations[pr.post].rateHz));
    } finally {
      sim.dispose();
    }
    log(`${c.name}: spikegpu seed ${seed} done`);
  }
  const refs = await reference;
  log(`${c.name}: ${referenceLabel(options.against ?? 'brian2')} ${seeds.length} seeds done`);
  const rows = [
    ...WEIGHT_STAT_NAMES.map((stat) =>
      compareValues(
        c.name,
        projection,
        stat,
        ours.map((r) => r.stats[stat]),
        refs.map((r) => r.stats[stat]),
      ),
    ),
    compareValues(
      c.name,
      pr.post,
      'rateHz',
      ours.map((r) => r.postRateHz),
      refs.map((r) => r.postRateHz),
    ),
  ];
  return { rows, histogram: { network: c.name, projection, spikegpu: mean(ours.map((r) => r.histogram)), reference: mean(refs.map((r) => r.histogram)) } };
}

/** The mean histograms as bar charts, one line per simulator. */
function histogramLines(h: ValidationResult['histograms'], reference: string): string {
  return h
    .map((x) =>
      [
        `${x.network} ${x.projection}: final weights, ${HISTOGRAM_BINS} bins over [wMin, wMax] (mean over seeds)`,
        `  spikegpu  |${sparkline(x.spikegpu)}|  ${x.spikegpu.map((f) => f.toFixed(3)).join(' ')}`,
        `  ${reference.padEnd(9)} |${sparkline(x.reference)}|  ${x.reference.map((f) => f.toFixed(3)).join(' ')}`,
      ].join('\n'),
    )
    .join('\n');
}

/** Whether Brian2 can be imported by the reference Python. */
export async function brian2Available(): Promise<boolean> {
  try {
    await run(REFERENCE_PYTHON, BRIAN2_CHECK_ARGS);
    return true;
  } catch {
    return false;
  }
}

type Spikes = Record<string, { times: Float64Array; ids: Uint32Array }>;

async function brian2Spikes(c: ValidationCase, options: Record<string, string | number>, n: number, seed: number, durationMs: number): Promise<Spikes> {
  const { file } = await runBrian2(c, options, n, seed, durationMs, '--spikes-out');
  return spikesOf(JSON.parse(file) as SpikeFile);
}

/** spikegpu's spike JSON (what run.py and the PyNN scripts write). */
type SpikeFile = { populations: Record<string, { times: number[]; ids: number[] }> };

const spikesOf = (doc: SpikeFile): Spikes =>
  Object.fromEntries(Object.entries(doc.populations).map(([p, s]) => [p, { times: Float64Array.from(s.times), ids: Uint32Array.from(s.ids) }]));

/**
 * Run the comparison.
 * @example const { pass, table } = await validate({ cases: ['cuba'], seeds: 3 });
 */
export async function validate(options: ValidateOptions = {}): Promise<ValidationResult> {
  const names = options.cases ?? VALIDATION_CASES.map((c) => c.name);
  const cases = names.map((name) => {
    const c = VALIDATION_CASES.find((x) => x.name === name);
    if (!c) throw new Error(`unknown validation case "${name}"; known: ${VALIDATION_CASES.map((x) => x.name).join(', ')}`);
    return c;
  });
  const seeds = Array.from({ length: options.seeds ?? 3 }, (_, i) => i + 1);
  const log = options.onProgress ?? (() => {});
  const against = options.against ?? 'brian2';
  const rows: Comparison[] = [];
  const skipped: ValidationResult['skipped'] = [];
  const histograms: ValidationResult['histograms'] = [];
  for (const c of cases) {
    const networkOptions = options.size === 'full' ? c.full : c.small;
    if (c.weights) {
      const r = await validateWeights(c, networkOptions, seeds, options.durationMs ?? c.weights.durationMs[options.size ?? 'small'], options, log);
      rows.push(...r.rows);
      histograms.push(r.histogram);
      continue;
    }
    const durationMs = options.durationMs ?? 1000;
    const spec = builtinNetwork(c.network, networkOptions);
    const sizes = Object.fromEntries(Object.entries(spec.populations).map(([p, x]) => [p, x.size]));
    const n = Object.values(sizes).reduce((a, b) => a + b, 0);
    const simulator = pynnSimulatorOf(against);
    const refusal = simulator ? pynnRefusal(spec, simulator) : null;
    if (refusal) {
      skipped.push({ network: c.name, reason: refusal });
      log(`${c.name}: skipped, ${refusal}`);
      continue;
    }
    const referenceRun = async (seed: number): Promise<Spikes> => {
      if (!simulator) return brian2Spikes(c, networkOptions, n, seed, durationMs);
      const withSeed = 'seed' in builtinNetworks[c.network].options ? builtinNetwork(c.network, { ...networkOptions, seed }) : spec;
      return spikesOf((await runPynn(withSeed, simulator, seed, durationMs)).spikes);
    };
    // The reference in the background, one seed after another, while spikegpu runs here.
    const reference = seeds.reduce<Promise<Spikes[]>>((prev, seed) => prev.then(async (acc) => [...acc, await referenceRun(seed)]), Promise.resolve([]));
    reference.catch(() => {}); // handled below, after our runs
    const ours: Spikes[] = [];
    for (const seed of seeds) {
      // Networks that draw their own parameters from a seed option (izhikevich2003) get it too.
      const withSeed = 'seed' in builtinNetworks[c.network].options ? builtinNetwork(c.network, { ...networkOptions, seed }) : spec;
      const sim = await createSimulator(withSeed, seed, options);
      try {
        await sim.run(durationMs);
        ours.push(Object.fromEntries(Object.keys(sizes).map((p) => [p, sim.spikes(p)])));
      } finally {
        sim.dispose();
      }
      log(`${c.name}: spikegpu seed ${seed} done`);
    }
    const refs = await reference;
    log(`${c.name}: ${referenceLabel(against)} ${seeds.length} seeds done`);
    for (const [pop, size] of Object.entries(sizes)) {
      const stats = (runs: Spikes[]): SpikeStats[] => runs.map((r) => spikeStats(r[pop], size, durationMs));
      rows.push(...compareStats(c.name, pop, stats(ours), stats(refs)));
    }
  }
  const table =
    comparisonTable(rows, referenceLabel(against)) +
    (histograms.length ? `\n\n${histogramLines(histograms, referenceLabel(against))}` : '') +
    skipped.map((x) => `\n${x.network}: not run on ${referenceLabel(against)}: ${x.reason}`).join('');
  return { rows, skipped, pass: rows.every((r) => r.pass), table, histograms };
}
