/**
 * `spikegpu bench`: the benchmark matrix (networks × backends, side by side in one process),
 * the adapter's own floor, a lower bound per network, and the report (JSON, table, SVG).
 * Benchmarks are not tests: on a software adapter only the ratios measured in one run mean
 * anything.
 *
 * @example
 *   const { table, jsonPath } = await runBench({ onProgress: (l) => console.error(l) });
 *   console.log(table);
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../packagePath.ts';
import { acquireDevice, type GpuContext } from '../../src/gpu/device.ts';
import { builtinNetwork, builtinNetworks } from '../../src/networks/index.ts';
import { SpecError } from '../../src/netspec/errors.ts';
import { measureFloor, type AdapterFloor, type FloorOptions } from './floor.ts';
import { BENCH_BACKENDS, runMatrix, type BenchBackend, type BenchPoint } from './matrix.ts';
import { formatTable, makeReport, renderSvg, type BenchReport, type MachineInfo } from './report.ts';

export type { BenchReport, MachineInfo, AdapterInfo, BenchSettings } from './report.ts';
export type { BenchRow, BenchBackend, BenchPoint } from './matrix.ts';
export type { AdapterFloor, FloorFigure, FloorOptions } from './floor.ts';
export type { LowerBound, FloorNumbers, RunCounts, TickBytes, MemoryPerElement, Schedule } from './bound.ts';
export { formatTable, renderSvg, makeReport } from './report.ts';
export { lowerBound, tickBytes, dispatchesPerTick, dispatchesPerRun, memoryPerElement, bandwidthFor } from './bound.ts';
export { measureFloor } from './floor.ts';

export interface BenchOptions {
  /** Built-in networks; default cuba, brunel (regime C), izhikevich2003. */
  networks?: string[];
  /** Sizes (neurons) for every selected network; default per network (cuba 4000 … 200 000). */
  sizes?: number[];
  /** Default all three; brian2 is skipped with a note where `/usr/bin/python3` lacks Brian2. */
  backends?: BenchBackend[];
  /** Simulated ms per timed repeat, for every point; default per network (100 ms; izhikevich2003 1000 ms). */
  durationMs?: number;
  /** Timed repeats per point (median); at least 3, default 3. */
  repeats?: number;
  /** Where the JSON and SVG go; default `bench-results` (relative to the working directory). */
  outDir?: string;
  onProgress?: (line: string) => void;
  /** Warm-up before the timed repeats, ms; default max(20 ms, 100 ticks). */
  warmupMs?: number;
  /** The cpu reference is skipped above this many neurons (default 50 000: it is slow). */
  cpuMaxNeurons?: number;
  /** A device to use (not released); default: acquire one and release it at the end. */
  device?: GpuContext;
  /** Floor microbenchmark settings, or false to skip the floor (and the bound). */
  floor?: FloorOptions | false;
  /** webgpu: the fused single-workgroup path (`SimulatorOptions.fused`); default 'auto' (small networks). */
  fused?: boolean | 'auto';
}

export interface BenchResult {
  report: BenchReport;
  jsonPath: string;
  svgPath: string;
  table: string;
}

/**
 * Per-network defaults: sizes (values of the network's size option, `n` or `scale`; none for
 * fixed-size networks), simulated time per repeat, fixed options.
 */
export const BENCH_DEFAULTS: Record<
  string,
  { sizes?: number[]; durationMs: number; options?: Record<string, string | number>; variants?: Record<string, string | number>[] }
> = {
  cuba: { sizes: [4000, 20000, 50000, 200000], durationMs: 100 },
  coba: { sizes: [4000], durationMs: 100 },
  brunel: { sizes: [12500], durationMs: 100, options: { regime: 'C' } },
  izhikevich2003: { sizes: [1000], durationMs: 1000 },
  song2000: { sizes: [1000], durationMs: 1000 },
  polychronization: { durationMs: 1000 },
  microcircuit: { sizes: [0.1, 0.25, 0.5, 1], durationMs: 100, variants: [{ connectivity: 'stored' }, { connectivity: 'procedural' }] },
};
export const DEFAULT_BENCH_NETWORKS = ['cuba', 'brunel', 'izhikevich2003', 'song2000', 'polychronization'];
const DEFAULT_CPU_MAX_NEURONS = 50_000;

/** The points of a run, checked up front (an invalid network or size throws before anything runs). */
export function benchPoints(networks: string[], sizes?: number[], durationMs?: number): BenchPoint[] {
  const points: BenchPoint[] = [];
  for (const network of networks) {
    if (!Object.hasOwn(builtinNetworks, network)) builtinNetwork(network); // throws SpecError naming the choices
    const networkOptions = builtinNetworks[network].options;
    // The option that sizes the network: neurons (`n`, which --sizes sets) or a scale factor.
    const sizeOption = 'n' in networkOptions ? 'n' : 'scale' in networkOptions ? 'scale' : null;
    const d = BENCH_DEFAULTS[network] ?? { sizes: sizeOption ? [Number(networkOptions[sizeOption].default)] : undefined, durationMs: 100 };
    const ns = sizeOption ? ((sizeOption === 'n' ? sizes : undefined) ?? d.sizes ?? []) : [null];
    for (const n of ns) {
      if (sizeOption === 'n' && n !== null && !(Number.isInteger(n) && n > 0)) throw new SpecError('sizes', `sizes must be positive integers, got ${n}`);
      for (const variant of d.variants ?? [{}]) {
        const options: Record<string, string | number> = { ...(d.options ?? {}), ...variant, ...(n === null || !sizeOption ? {} : { [sizeOption]: n }) };
        const spec = builtinNetwork(network, options);
        const dur = durationMs ?? d.durationMs;
        if (!(dur > 0)) throw new SpecError('durationMs', `must be > 0, got ${dur}`);
        const size = sizeOption === 'n' && n !== null ? n : Object.values(spec.populations).reduce((a, p) => a + p.size, 0);
        const variantLabel = Object.values(variant).filter((v) => v !== 'stored');
        const label = `${network}${options.regime ? ` ${options.regime}` : ''}${sizeOption === 'scale' ? ` scale=${n}` : ''}${variantLabel.map((v) => ` ${v}`).join('')} n=${size}`;
        const plastic = spec.projections?.some((p) => p.plasticity) ?? false;
        for (const plasticity of plastic ? (['stdp', 'static'] as const) : [null]) {
          points.push({ network, options, n: size, durationMs: dur, plasticity, label: plasticity ? `${label} (${plasticity})` : label });
        }
      }
    }
  }
  return points;
}

function machineInfo(brian2: string | null): MachineInfo {
  const root = packageRoot();
  let commit: string | null = null;
  try {
    const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) commit = r.stdout.trim() || null;
  } catch {
    commit = null;
  }
  const c = cpus();
  return {
    cpu: c[0]?.model?.trim() || 'unknown CPU',
    cores: typeof availableParallelism === 'function' ? availableParallelism() : c.length,
    memoryBytes: totalmem(),
    platform: process.platform,
    arch: process.arch,
    osRelease: release(),
    node: process.version,
    commit,
    brian2,
  };
}

/** `2025-01-31` in local time. */
function localDate(d: Date): string {
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** File-name-safe adapter name: "SwiftShader driver 5.0.0 (google) [software]" → "swiftshader-driver-5-0-0-google-software". */
export function adapterSlug(adapter: string | null): string {
  const s = (adapter ?? 'no-gpu')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 60).replace(/-+$/, '') || 'adapter';
}

/**
 * Run the benchmark: adapter floor, then every point × backend, then write
 * `<outDir>/<date>-<adapter>.json` and `.svg`. Returns the report, the paths and the table.
 * A default run takes about 5 minutes on a 2-core machine with SwiftShader (Brian2 included).
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const t0 = performance.now();
  const started = new Date();
  const say = options.onProgress ?? (() => {});
  const backends = [...new Set(options.backends ?? [...BENCH_BACKENDS])];
  for (const b of backends)
    if (!BENCH_BACKENDS.includes(b)) throw new SpecError('backends', `unknown backend ${JSON.stringify(b)}; choose from ${BENCH_BACKENDS.join(', ')}`);
  const repeats = Math.max(3, Math.floor(options.repeats ?? 3));
  const points = benchPoints(options.networks ?? DEFAULT_BENCH_NETWORKS, options.sizes, options.durationMs);
  const cpuMaxNeurons = options.cpuMaxNeurons ?? DEFAULT_CPU_MAX_NEURONS;
  const notes: string[] = [];

  let gpu: GpuContext | null = null;
  let gpuNote: string | undefined;
  const owned = !options.device;
  let floor: AdapterFloor | null = null;
  if (backends.includes('webgpu')) {
    try {
      gpu = options.device ?? (await acquireDevice());
    } catch (e) {
      gpuNote = e instanceof Error ? e.message : String(e);
      notes.push(`webgpu skipped: ${gpuNote}`);
      say(`webgpu skipped: ${gpuNote}`);
    }
  }
  try {
    if (gpu) {
      say(`adapter: ${gpu.adapter}`);
      if (gpu.isSoftware) notes.push('software adapter: its absolute times say nothing about GPU speed; only ratios measured in this run mean anything');
      if (options.floor !== false) {
        say('floor: measuring empty dispatch, streaming bandwidth, scattered atomicAdd …');
        floor = await measureFloor(gpu.device, options.floor || {});
        say(
          `floor: dispatch ${floor.dispatchUs.value.toPrecision(3)} µs, streaming ${(floor.streamBytesPerS.value / 1e9).toPrecision(3)} GB/s, atomicAdd ${(floor.atomicAddsPerS.value / 1e6).toPrecision(3)} M/s (${(floor.measureMs / 1000).toFixed(1)} s)`,
        );
      }
    }
    const matrix = await runMatrix({
      points,
      backends,
      repeats,
      warmupMs: options.warmupMs,
      cpuMaxNeurons,
      gpu,
      gpuNote,
      fused: options.fused ?? 'auto',
      floor: floor && {
        dispatchUs: floor.dispatchUs.value,
        streamBytesPerS: floor.streamBytesPerS.value,
        atomicAddsPerS: floor.atomicAddsPerS.value,
        streamCurve: floor.streamCurve.map((p) => ({ footprintBytes: p.footprintBytes, bytesPerS: p.bytesPerS.value })),
      },
      onProgress: say,
    });
    notes.push(...matrix.notes);
    if (backends.includes('cpu') && points.some((p) => p.n > cpuMaxNeurons)) notes.push(`cpu reference run only for n ≤ ${cpuMaxNeurons} (it is slow)`);
    if (floor)
      notes.push(
        'lower bound = ticks × dispatches/tick × dispatch cost + bytes / streaming bandwidth at their working set + events / atomicAdd rate (tools/bench/bound.ts); per-window submission and readback are not in it. ÷ bound < 1 means the model or the floor is off (e.g. other load on the machine while the floor was measured)',
      );
    const report = makeReport({
      date: started.toISOString(),
      adapter: gpu ? { description: gpu.adapter, isSoftware: gpu.isSoftware, hasTimestampQuery: gpu.hasTimestampQuery } : null,
      machine: machineInfo(matrix.brian2Version),
      settings: { repeats, backends, cpuMaxNeurons, warmupMs: options.warmupMs ?? null, fused: options.fused ?? 'auto' },
      floor,
      notes,
      points: matrix.rows,
      totalMs: performance.now() - t0,
    });
    const dir = resolve(options.outDir ?? 'bench-results');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `${localDate(started)}-${adapterSlug(gpu?.adapter ?? (backends.includes('webgpu') ? null : 'cpu'))}`);
    const jsonPath = `${base}.json`,
      svgPath = `${base}.svg`;
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(svgPath, renderSvg(report));
    return { report, jsonPath, svgPath, table: formatTable(report) };
  } finally {
    if (gpu && owned) gpu.release();
  }
}
