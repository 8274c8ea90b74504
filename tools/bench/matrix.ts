/**
 * The benchmark matrix: network points × backends, measured side by side in one process.
 * For each point and backend: build with `Simulator.create` (spike recording off), a short
 * warm-up run, then `repeats` timed `sim.run(durationMs)` calls on the same simulator (the
 * network keeps running), median wall time. Brian2 runs `tools/validation/brian2/run.py` with
 * `--device cpp_standalone` once per repeat (one build directory per network, so only the
 * first run of a network compiles) and reports its `runS`, the simulation alone.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../packagePath.ts';
import { REFERENCE_PYTHON } from '../referencePython.ts';
import type { CompiledNetwork } from '../../src/compile/compiled.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import { DEFAULT_TICKS_PER_SUBMIT } from '../../src/gpu/readback.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { lowerBound, memoryPerElement, type FloorNumbers, type LowerBound } from './bound.ts';
import { median } from './floor.ts';

export type BenchBackend = 'webgpu' | 'cpu' | 'brian2';
export const BENCH_BACKENDS: readonly BenchBackend[] = ['webgpu', 'cpu', 'brian2'];

/** One network configuration to measure. */
export interface BenchPoint {
  network: string;
  /** Built-in network options (`n` included). */
  options: Record<string, string | number>;
  n: number;
  /** Simulated time per timed repeat, ms. */
  durationMs: number;
  /**
   * Networks with plastic projections run twice: `'stdp'` as built, `'static'` with the same
   * initial weights frozen (the cost of plasticity is the ratio). null: no plastic projections.
   */
  plasticity: 'stdp' | 'static' | null;
  /** e.g. "cuba n=20000", "song2000 n=1000 (stdp)". */
  label: string;
}

/** The spec a point runs: the built-in, spike recording off, plasticity removed for `'static'`. */
export function pointSpec(point: BenchPoint): NetworkSpec {
  const spec = builtinNetwork(point.network, point.options);
  const projections = point.plasticity === 'static' ? spec.projections?.map(({ plasticity: _, ...p }) => p) : spec.projections;
  return { ...spec, projections, record: {} };
}

/** The measurements of one point on one backend. */
export interface BenchRow {
  network: string;
  label: string;
  options: Record<string, string | number>;
  neurons: number;
  synapses: number | null;
  backend: BenchBackend;
  /** Where it ran: the adapter, "cpu (reference)", "cpp_standalone" or "numpy". */
  device: string;
  /** webgpu: whether windows ran as one fused single-workgroup dispatch (`RunSummary.fused`); null otherwise. */
  fused: boolean | null;
  status: 'ok' | 'skipped' | 'failed';
  /** Why skipped or failed, or a caveat. */
  note: string | null;
  dt: number | null;
  /** Simulated time per timed repeat, ms. */
  durationMs: number;
  ticks: number | null;
  warmupMs: number;
  repeats: number;
  /** Median wall time of one timed run, ms (simulation alone). */
  wallMs: number | null;
  wallMsSamples: number[];
  /** wall / simulated time (< 1: faster than real time). */
  realTimeFactor: number | null;
  ticksPerS: number | null;
  /** Spikes of all neurons per timed run (mean over repeats). */
  spikes: number | null;
  /** Synaptic events per timed run (mean over repeats). */
  synapticEvents: number | null;
  /** True when the events were not counted but estimated as spikes × synapses / neurons (Brian2). */
  eventsEstimated: boolean;
  eventsPerS: number | null;
  /** Build time, ms: compile + backend setup; Brian2: code generation + compilation of its first run. */
  buildMs: number | null;
  /** GPU memory of the network's buffers (webgpu only). */
  gpuBytes: number | null;
  bytesPerSynapse: number | null;
  bytesPerNeuron: number | null;
  /**
   * Peak resident memory of the bench process so far, bytes (spikegpu backends; points run
   * smallest first, so it is this point's peak unless an earlier point's was higher).
   */
  peakRssBytes: number | null;
  /** wallMs ÷ Brian2's wallMs at the same point (> 1: slower than Brian2). */
  vsBrian2: number | null;
  /** webgpu: the lower bound for one timed run from the adapter floor. */
  bound: LowerBound | null;
  /**
   * webgpu, where the adapter has timestamp queries: one extra run of the same length with
   * each phase in its own pass (per-tick kernels, so a little slower than the timed runs):
   * GPU ms of propagation and of the neuron kernels, and its wall ms.
   */
  phases: { propagateMs: number; plasticityMs: number; neuronsMs: number; wallMs: number } | null;
  /** wallMs ÷ bound.totalMs. */
  actualOverBound: number | null;
}

export interface MatrixOptions {
  points: BenchPoint[];
  backends: BenchBackend[];
  repeats: number;
  /** Warm-up before the timed repeats, ms; default max(20 ms, 100 ticks). */
  warmupMs?: number;
  /** The cpu reference is skipped above this many neurons. */
  cpuMaxNeurons: number;
  /** Shared device for every webgpu point (null: webgpu rows are skipped with `gpuNote`). */
  gpu: GpuContext | null;
  gpuNote?: string;
  floor: FloorNumbers | null;
  /** Interpreter with Brian2 (default SPIKEGPU_PYTHON, else /usr/bin/python3). */
  python?: string;
  /** webgpu: the fused single-workgroup path, `SimulatorOptions.fused` (default 'auto'). */
  fused?: boolean | 'auto';
  onProgress?: (line: string) => void;
}

export interface MatrixResult {
  rows: BenchRow[];
  notes: string[];
  brian2Version: string | null;
}

const RUN_PY = packagePath('tools/validation/brian2/run.py');

/** Networks `tools/validation/brian2/run.py` knows, and the arguments for a point. */
function brian2Args(point: BenchPoint): string[] | null {
  const o = point.options;
  const common = ['--n', String(point.n), '--duration', String(point.durationMs), '--seed', '1'];
  if (point.plasticity === 'static') return null;
  switch (point.network) {
    case 'cuba':
    case 'coba':
    case 'izhikevich2003':
      return ['--network', point.network, ...common];
    case 'song2000':
      // STDP.py's fixed driving force is our current synapse; the conductance form is run.py's 'conductance'.
      return ['--network', 'song2000', ...common, '--song-model', o.synapse === 'current' ? 'example' : 'conductance'];
    case 'brunel': {
      // spikegpu's delay d (a spike of tick t acts in tick t + d/dt) is Brian2's d − dt.
      const delay = Math.round(((o.delay as number | undefined) ?? 1.5) * 10 - 1) / 10;
      return [
        '--network',
        'brunel',
        ...common,
        '--regime',
        String(o.regime ?? 'C'),
        '--connect',
        String(o.connect ?? 'fixedInDegree'),
        '--delay',
        String(delay),
      ];
    }
    case 'microcircuit':
      // Sized by scale, not n. run.py gives Brian2 the delays spikegpu's ticks mean (d − dt, as
      // brunel). Brian2 has one connectivity mode: it runs with the stored points only.
      if (o.connectivity === 'procedural') return null;
      return [
        '--network',
        'microcircuit',
        '--scale',
        String(o.scale ?? 1),
        '--drive',
        String(o.drive ?? 'poisson'),
        '--duration',
        String(point.durationMs),
        '--seed',
        '1',
      ];
    default:
      return null;
  }
}

/** `brian2.__version__` from `python`, or null when it cannot import Brian2. */
export function brian2Version(python = REFERENCE_PYTHON): string | null {
  try {
    const r = spawnSync(python, ['-c', 'import brian2, sys; sys.stdout.write(brian2.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    return r.status === 0 && r.stdout ? r.stdout.trim() : null;
  } catch {
    return null;
  }
}

function execJson(file: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 * 2 ** 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const tail = String(stderr).trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`${err.message.split('\n')[0]}${tail ? `: ${tail}` : ''}`));
        return;
      }
      try {
        resolve(JSON.parse(String(stdout).trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`run.py printed no JSON: ${String(stdout).slice(0, 200)}`));
      }
    });
  });
}

const fmtS = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

function emptyRow(point: BenchPoint, backend: BenchBackend, repeats: number): BenchRow {
  return {
    network: point.network,
    label: point.label,
    options: point.options,
    neurons: point.n,
    synapses: null,
    backend,
    device: backend === 'cpu' ? 'cpu (reference)' : '',
    fused: null,
    status: 'ok',
    note: null,
    dt: null,
    durationMs: point.durationMs,
    ticks: null,
    warmupMs: 0,
    repeats,
    wallMs: null,
    wallMsSamples: [],
    realTimeFactor: null,
    ticksPerS: null,
    spikes: null,
    synapticEvents: null,
    eventsEstimated: false,
    eventsPerS: null,
    buildMs: null,
    gpuBytes: null,
    bytesPerSynapse: null,
    bytesPerNeuron: null,
    peakRssBytes: null,
    vsBrian2: null,
    bound: null,
    phases: null,
    actualOverBound: null,
  };
}

/** Fill the derived rates of a row from wallMs, ticks, counts. */
function derive(row: BenchRow): void {
  if (row.wallMs === null || !(row.wallMs > 0)) return;
  row.realTimeFactor = row.wallMs / row.durationMs;
  if (row.ticks !== null) row.ticksPerS = row.ticks / (row.wallMs / 1000);
  if (row.synapticEvents !== null) row.eventsPerS = row.synapticEvents / (row.wallMs / 1000);
}

async function runSpikegpu(point: BenchPoint, backend: 'webgpu' | 'cpu', opts: MatrixOptions, progress: (s: string) => void): Promise<BenchRow> {
  const row = emptyRow(point, backend, opts.repeats);
  const spec = pointSpec(point);
  const sim = await Simulator.create(spec, {
    backend,
    ...(backend === 'webgpu' ? { device: opts.gpu!, fused: opts.fused ?? 'auto', ticksPerSubmit: DEFAULT_TICKS_PER_SUBMIT } : {}),
  });
  try {
    const net: CompiledNetwork = sim.network;
    row.device = sim.adapter;
    row.neurons = net.neuronCount;
    row.synapses = net.synapseCount;
    row.dt = net.dt;
    row.buildMs = sim.buildMs;
    row.ticks = Math.round(point.durationMs / net.dt);
    row.warmupMs = opts.warmupMs ?? Math.max(20, 100 * net.dt);
    if (backend === 'webgpu') {
      row.fused = sim.summary().fused;
      const mem = memoryPerElement(net);
      row.gpuBytes = mem.totalBytes;
      row.bytesPerSynapse = mem.bytesPerSynapse;
      row.bytesPerNeuron = mem.bytesPerNeuron;
    }
    progress(
      `built in ${fmtS(sim.buildMs)}: ${net.neuronCount} neurons, ${net.synapseCount} synapses${row.fused ? ', fused ticks' : ''}; warm-up ${row.warmupMs} ms`,
    );
    await sim.run(row.warmupMs);
    let spikes = 0,
      events = 0;
    for (let r = 0; r < opts.repeats; r++) {
      const before = sim.summary();
      let lastNote = performance.now();
      const t0 = performance.now();
      await sim.run(point.durationMs, (done, total) => {
        const now = performance.now();
        if (now - lastNote > 15_000) {
          lastNote = now;
          progress(`  repeat ${r + 1}: ${done.toFixed(0)}/${total.toFixed(0)} ms simulated, ${fmtS(now - t0)}`);
        }
      });
      const wall = performance.now() - t0;
      const after = sim.summary();
      spikes += after.spikes - before.spikes;
      events += after.synapticEvents - before.synapticEvents;
      row.wallMsSamples.push(wall);
      progress(`repeat ${r + 1}/${opts.repeats}: ${fmtS(wall)} for ${point.durationMs} ms simulated`);
    }
    row.wallMs = median(row.wallMsSamples);
    row.spikes = spikes / opts.repeats;
    row.synapticEvents = events / opts.repeats;
    derive(row);
    row.peakRssBytes = process.resourceUsage().maxRSS * 1024;
    // Profiling builds the network again: skipped where a build takes long.
    if (backend === 'webgpu' && sim.buildMs < PROFILE_MAX_BUILD_MS) row.phases = await profilePhases(spec, point.durationMs, row.warmupMs, opts);
    if (backend === 'webgpu' && opts.floor) {
      row.bound = lowerBound(net, { ticks: row.ticks, spikes: row.spikes, synapticEvents: row.synapticEvents }, opts.floor, {
        fused: row.fused === true,
        ticksPerSubmit: sim.summary().ticksPerSubmit,
      });
      row.actualOverBound = row.bound.totalMs > 0 ? row.wallMs / row.bound.totalMs : null;
    }
    return row;
  } finally {
    sim.dispose();
  }
}

/** Networks that take longer than this to build are not built again for the phase profile. */
const PROFILE_MAX_BUILD_MS = 10_000;

/** One profiled run (timestamp queries per phase); null where the adapter has none. */
async function profilePhases(spec: unknown, durationMs: number, warmupMs: number, opts: MatrixOptions): Promise<BenchRow['phases']> {
  if (!opts.gpu?.hasTimestampQuery) return null;
  const sim = await Simulator.create(spec, { device: opts.gpu, profilePhases: true, ticksPerSubmit: DEFAULT_TICKS_PER_SUBMIT });
  try {
    await sim.run(warmupMs);
    const before = sim.summary();
    await sim.run(durationMs);
    const after = sim.summary();
    if (!before.phases || !after.phases) return null;
    return {
      propagateMs: after.phases.propagateMs - before.phases.propagateMs,
      plasticityMs: after.phases.plasticityMs - before.phases.plasticityMs,
      neuronsMs: after.phases.neuronsMs - before.phases.neuronsMs,
      wallMs: after.wallMs - before.wallMs,
    };
  } finally {
    sim.dispose();
  }
}

async function runBrian2(point: BenchPoint, args: string[], buildDir: string, opts: MatrixOptions, progress: (s: string) => void): Promise<BenchRow> {
  const row = emptyRow(point, 'brian2', opts.repeats);
  row.warmupMs = 0;
  const python = opts.python ?? REFERENCE_PYTHON;
  const spikes: number[] = [];
  for (let r = 0; r < opts.repeats; r++) {
    const out = await execJson(python, [RUN_PY, ...args, '--device', 'cpp_standalone', '--build-dir', buildDir]);
    const runMs = Number(out.runS) * 1000;
    if (!Number.isFinite(runMs)) throw new Error(`run.py gave no runS: ${JSON.stringify(out).slice(0, 200)}`);
    row.wallMsSamples.push(runMs);
    const pops = (out.populations ?? {}) as Record<string, { size?: number; spikes?: number }>;
    spikes.push(Object.values(pops).reduce((a, p) => a + (p.spikes ?? 0), 0));
    row.neurons = Object.values(pops).reduce((a, p) => a + (p.size ?? 0), 0) || point.n;
    row.device = String(out.device ?? 'cpp_standalone');
    const extra = (out.extra ?? {}) as { dt?: number };
    row.dt = extra.dt ?? null;
    if (r === 0) row.buildMs = Number(out.buildS) * 1000;
    progress(`repeat ${r + 1}/${opts.repeats}: run phase ${fmtS(runMs)} (${row.device}${r === 0 ? `, build ${fmtS(row.buildMs ?? 0)}` : ''})`);
  }
  row.ticks = row.dt ? Math.round(point.durationMs / row.dt) : null;
  row.wallMs = median(row.wallMsSamples);
  row.spikes = median(spikes);
  if (row.device === 'numpy') row.note = 'numpy port of net.m (tools/validation/brian2/run.py), not Brian2';
  else row.note = 'run phase only (Network::run in the binary); starts at t = 0, no warm-up';
  derive(row);
  return row;
}

/**
 * Measure every point on every backend, in order (point by point, backends side by side).
 * Failures are recorded in the row (status `failed`, note) and the matrix goes on.
 */
export async function runMatrix(opts: MatrixOptions): Promise<MatrixResult> {
  const say = opts.onProgress ?? (() => {});
  const notes: string[] = [];
  const rows: BenchRow[] = [];
  const wantBrian2 = opts.backends.includes('brian2');
  let b2Version: string | null = null;
  let b2Skip: string | null = null;
  if (wantBrian2) {
    if (!existsSync(RUN_PY)) b2Skip = `tools/validation/brian2/run.py not found (${RUN_PY})`;
    else {
      b2Version = brian2Version(opts.python);
      if (!b2Version) b2Skip = `Brian2 not installed: \`${opts.python ?? REFERENCE_PYTHON} -c 'import brian2'\` failed`;
    }
    if (b2Skip) {
      notes.push(`brian2 skipped: ${b2Skip}`);
      say(`brian2 skipped: ${b2Skip}`);
    }
  }
  const buildDirs = new Map<string, string>();
  const total = opts.points.length * opts.backends.length;
  let k = 0;
  try {
    for (const point of opts.points) {
      for (const backend of opts.backends) {
        k++;
        const head = `[${k}/${total}] ${point.label} ${backend}`;
        const progress = (s: string) => say(`${head}: ${s}`);
        const skipped = (note: string): BenchRow => ({ ...emptyRow(point, backend, opts.repeats), status: 'skipped', note });
        let row: BenchRow;
        try {
          if (backend === 'webgpu' && !opts.gpu) row = skipped(opts.gpuNote ?? 'no WebGPU device');
          else if (backend === 'cpu' && point.n > opts.cpuMaxNeurons) row = skipped(`cpu reference capped at n ≤ ${opts.cpuMaxNeurons}`);
          else if (backend === 'brian2' && b2Skip) row = skipped(b2Skip);
          else if (backend === 'brian2') {
            const args = brian2Args(point);
            if (!args) row = skipped(`no Brian2 script for ${point.network}`);
            else {
              let dir = buildDirs.get(point.network);
              if (!dir) buildDirs.set(point.network, (dir = mkdtempSync(join(tmpdir(), `spikegpu-bench-${point.network}-`))));
              row = await runBrian2(point, args, dir, opts, progress);
            }
          } else row = await runSpikegpu(point, backend, opts, progress);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          row = { ...emptyRow(point, backend, opts.repeats), status: 'failed', note: msg.split('\n')[0].slice(0, 300) };
        }
        if (row.status !== 'ok') progress(`${row.status}: ${row.note}`);
        else progress(`median ${fmtS(row.wallMs!)} (real-time factor ${row.realTimeFactor!.toPrecision(3)})`);
        rows.push(row);
      }
    }
  } finally {
    for (const dir of buildDirs.values()) rmSync(dir, { recursive: true, force: true });
  }
  // Ratios to Brian2 at the same point; Brian2's event counts estimated from the spikegpu build.
  for (const row of rows) {
    const b2 = rows.find((r) => r.backend === 'brian2' && r.label === row.label && r.status === 'ok');
    if (!b2) continue;
    if (row !== b2 && row.status === 'ok' && row.wallMs !== null && b2.wallMs) row.vsBrian2 = row.wallMs / b2.wallMs;
    const ours = rows.find((r) => r.label === row.label && r.backend !== 'brian2' && r.synapses !== null);
    if (row === b2 && ours && b2.spikes !== null && ours.synapses !== null) {
      b2.synapses = ours.synapses;
      b2.synapticEvents = (b2.spikes * ours.synapses) / ours.neurons;
      b2.eventsEstimated = true;
      derive(b2);
    }
  }
  notes.push(...plasticityCosts(rows));
  return { rows, notes, brian2Version: b2Version };
}

/** "song2000 n=1000 webgpu: STDP costs ×2.1 wall time (…)" for each point measured both ways. */
export function plasticityCosts(rows: BenchRow[]): string[] {
  const out: string[] = [];
  for (const stdp of rows) {
    if (stdp.status !== 'ok' || !stdp.label.endsWith(' (stdp)')) continue;
    const base = stdp.label.slice(0, -' (stdp)'.length);
    const frozen = rows.find((r) => r.backend === stdp.backend && r.label === `${base} (static)` && r.status === 'ok');
    if (!frozen?.wallMs || !stdp.wallMs) continue;
    out.push(
      `cost of plasticity, ${base} ${stdp.backend}: ×${(stdp.wallMs / frozen.wallMs).toFixed(2)} wall time (STDP ${fmtS(stdp.wallMs)}, same network with frozen weights ${fmtS(frozen.wallMs)}, per ${stdp.durationMs} ms simulated)`,
    );
  }
  return out;
}
