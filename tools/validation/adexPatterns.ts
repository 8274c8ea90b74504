/**
 * The AdEx firing patterns (Naud et al. 2008, the built-in `adexPatterns`) in spikegpu and in
 * Brian2 (`tools/validation/brian2/adex.py`, forward Euler, the same dt), spike for spike. A
 * pattern passes when its spike count is within 10 % of Brian2's (a silent Brian2 neuron must
 * stay silent) and the first three spikes (as many as Brian2 has, up to three) lie within 0.5 ms.
 *   npx tsx tools/validation/adexPatterns.ts [--backend cpu|webgpu] [--duration MS] [--dt MS]
 * prints the table and exits 1 if a pattern fails. Node only: it starts Python.
 */
import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { builtinNetwork, Simulator, type GpuContext, type PopulationSpikes } from '../../src/index.ts';
import { ADEX_FIRING_PATTERNS } from '../../src/networks/adexPatterns.ts';
import { packagePath } from '../packagePath.ts';
import { REFERENCE_PYTHON } from '../referencePython.ts';
import { isMainModule } from '../isMain.ts';

const run = promisify(execFile);

const ADEX_SCRIPT = packagePath('tools/validation/brian2/adex.py');

/** Allowed spike-count difference, as a fraction of Brian2's count. */
export const COUNT_TOLERANCE = 0.1;
/** Allowed difference of each of the first three spike times, ms. */
export const TIME_TOLERANCE_MS = 0.5;
/** How many leading spikes are compared time by time. */
const FIRST = 3;

export interface AdexPatternRow {
  pattern: string;
  /** spikegpu's spikes of the pattern's one neuron (ids all 0). */
  spikegpu: PopulationSpikes;
  /** Brian2's spike times, ms. */
  brian2: number[];
  /** The largest |Δt| among the first min(3, n) spikes; NaN when their numbers differ, 0 when both have none. */
  maxDtMs: number;
  pass: boolean;
}

export interface AdexPatternsOptions {
  /** Simulated ms (default 500). */
  durationMs?: number;
  /** Time step, ms (default 0.1), in both simulators. */
  dt?: number;
  /** spikegpu's backend (default 'cpu'). */
  backend?: 'cpu' | 'webgpu';
  device?: GpuContext;
}

export interface AdexPatternsResult {
  rows: AdexPatternRow[];
  pass: boolean;
  table: string;
}

/** adex.py's answer. */
interface Brian2Output {
  brian2: string;
  patterns: Record<string, { times: number[]; count: number }>;
}

async function brian2Patterns(dt: number, durationMs: number): Promise<Brian2Output> {
  const call = run(REFERENCE_PYTHON, [ADEX_SCRIPT], { maxBuffer: 1 << 26, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  call.child.stdin!.end(JSON.stringify({ dt, durationMs, method: 'euler', patterns: ADEX_FIRING_PATTERNS }));
  const { stdout } = await call;
  return JSON.parse(stdout) as Brian2Output;
}

/** Whether one pattern agrees, and the largest difference among its first spikes. */
function judge(ours: ArrayLike<number>, theirs: number[]): { maxDtMs: number; pass: boolean } {
  const countOk = Math.abs(ours.length - theirs.length) <= COUNT_TOLERANCE * theirs.length;
  const k = Math.min(FIRST, theirs.length);
  if (Math.min(FIRST, ours.length) !== k) return { maxDtMs: NaN, pass: false };
  let maxDtMs = 0;
  for (let i = 0; i < k; i++) maxDtMs = Math.max(maxDtMs, Math.abs(ours[i] - theirs[i]));
  return { maxDtMs, pass: countOk && maxDtMs <= TIME_TOLERANCE_MS };
}

const firstSpikes = (times: ArrayLike<number>) =>
  Array.from(times)
    .slice(0, FIRST)
    .map((t) => t.toFixed(1))
    .join(', ') || '—';

function patternTable(rows: AdexPatternRow[]): string {
  const lines = [
    '| pattern | spikes spikegpu / Brian2 | first three spikes spikegpu (ms) | Brian2 (ms) | max \\|Δt\\| (ms) | verdict |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.pattern} | ${r.spikegpu.times.length} / ${r.brian2.length} | ${firstSpikes(r.spikegpu.times)} | ${firstSpikes(r.brian2)} | ${
          Number.isNaN(r.maxDtMs) ? '—' : r.maxDtMs.toFixed(2)
        } | ${r.pass ? 'pass' : 'FAIL'} |`,
    ),
  ];
  return lines.join('\n');
}

/**
 * Run the seven patterns in both simulators and compare them.
 * @example const { pass, table } = await compareAdexPatterns({ backend: 'cpu' });
 */
export async function compareAdexPatterns(options: AdexPatternsOptions = {}): Promise<AdexPatternsResult> {
  const durationMs = options.durationMs ?? 500;
  const dt = options.dt ?? 0.1;
  // Brian2 in the background while spikegpu runs here.
  const reference = brian2Patterns(dt, durationMs);
  reference.catch(() => {}); // handled below, after our run
  const sim = await Simulator.create(builtinNetwork('adexPatterns', { dt }), { backend: options.backend ?? 'cpu', device: options.device });
  const ours: Record<string, PopulationSpikes> = {};
  try {
    await sim.run(durationMs);
    for (const pattern of Object.keys(ADEX_FIRING_PATTERNS)) {
      const { times, ids } = sim.spikes(pattern);
      ours[pattern] = { times: times.slice(), ids: ids.slice() };
    }
  } finally {
    sim.dispose();
  }
  const theirs = await reference;
  const rows = Object.keys(ADEX_FIRING_PATTERNS).map((pattern): AdexPatternRow => {
    const brian2 = theirs.patterns[pattern]?.times;
    if (!brian2) throw new Error(`adex.py gave no spikes for pattern "${pattern}"`);
    return { pattern, spikegpu: ours[pattern], brian2, ...judge(ours[pattern].times, brian2) };
  });
  return { rows, pass: rows.every((r) => r.pass), table: patternTable(rows) };
}

if (isMainModule(import.meta.url)) {
  const { values } = parseArgs({
    options: { backend: { type: 'string', default: 'cpu' }, duration: { type: 'string', default: '500' }, dt: { type: 'string', default: '0.1' } },
  });
  const backend = values.backend;
  if (backend !== 'cpu' && backend !== 'webgpu') throw new Error(`--backend must be cpu or webgpu, not "${backend}"`);
  const durationMs = Number(values.duration);
  const dt = Number(values.dt);
  if (!(durationMs > 0) || !(dt > 0)) throw new Error('--duration and --dt must be positive numbers (ms)');
  const result = await compareAdexPatterns({ backend, durationMs, dt });
  console.log(`AdEx firing patterns, ${durationMs} ms at dt ${dt} ms: spikegpu (${backend}) vs Brian2 (euler)\n`);
  console.log(result.table);
  process.exitCode = result.pass ? 0 : 1;
}
