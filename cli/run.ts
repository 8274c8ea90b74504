/** `spikegpu run <spec.json | builtin>`: simulate a network and report spikes, rates and weights. */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { totalmem } from 'node:os';
import { sparkline, weightHistogram } from '../src/analysis/weightStats.ts';
import { formatBytes, HOST_BYTES, MemoryPlanError, planMemory, type MemoryLimits, type MemoryPlan } from '../src/sim/memoryPlan.ts';
import { acquireDevice, NoAdapterError } from '../src/gpu/device.ts';
import { validateSpec } from '../src/netspec/validateSpec.ts';
import { builtinNetworks } from '../src/networks/index.ts';
import { spikesCsvChunks, spikesJsonChunks, weightsCsvChunks, weightsJsonChunks } from '../src/results/files.ts';
import { spikesNpyChunks } from '../src/results/npy.ts';
import { writeSpikesNwb, type NwbRun } from '../src/results/nwb.ts';
import { checkDuration, Simulator, type RunSummary } from '../src/sim/simulator.ts';
import { CheckpointError, decodeCheckpoint, type SimulatorSnapshot } from '../src/sim/checkpoint.ts';
import { defineCommand, UsageError } from './args.ts';
import { checkOutputPath, writeFileAtomic, writeFileAtomicWith } from './outputFiles.ts';
import {
  BACKEND_OPTION,
  FUSED_OPTION,
  FUSED_SETTING,
  loadSpec,
  parseSets,
  reportCpuFallback,
  SET_OPTION,
  SIGNAL_EXIT,
  spikegpuVersion,
  stopOnSignal,
} from './shared.ts';

/** Progress on stderr for runs longer than a couple of seconds. */
function progressReporter(enabled: boolean) {
  const start = performance.now();
  let last = 0;
  const tty = process.stderr.isTTY;
  return {
    update(doneMs: number, totalMs: number) {
      const now = performance.now();
      if (!enabled || now - start < 2000 || now - last < (tty ? 250 : 5000)) return;
      last = now;
      const pct = totalMs ? (100 * doneMs) / totalMs : 100;
      const line = `spikegpu: ${doneMs.toFixed(0)} / ${totalMs.toFixed(0)} ms simulated (${pct.toFixed(0)} %), ${((now - start) / 1000).toFixed(1)} s`;
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    },
    done() {
      if (enabled && tty && last) process.stderr.write('\n');
    },
  };
}

/** Formats of `--out` (spikes) and `--weights-out`, by file extension. */
const SPIKE_FORMATS = ['json', 'csv', 'npy', 'nwb'] as const;
const WEIGHT_FORMATS = ['json', 'csv'] as const;

/** The format of an output path: its extension, lower case (checked by `checkFileFormat`). */
const formatOf = (path: string): string => path.slice(path.lastIndexOf('.') + 1).toLowerCase();

/**
 * `--out`-style paths: the extension picks the format, one of `formats`.
 * @example checkFileFormat('w.npy', '--weights-out', WEIGHT_FORMATS) // UsageError: --weights-out must end in .json or .csv, got "w.npy"
 */
function checkFileFormat(path: string | undefined, option: string, formats: readonly string[]): void {
  if (path && !(path.includes('.') && formats.includes(formatOf(path)))) {
    const listed = formats.map((f) => `.${f}`);
    throw new UsageError(`${option} must end in ${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}, got ${JSON.stringify(path)}`);
  }
}

type Weights = Awaited<ReturnType<Simulator['weights']>>;

/** The human-readable report: network, backend, timing, populations, plastic weights, files. */
function report(s: RunSummary, sim: Simulator, weights: Weights[], files: string[]): string {
  const lines = [
    `${s.network}: ${s.neurons} neurons, ${s.synapses} synapses, ${s.durationMs} ms at dt ${s.dt} ms (${s.ticks} ticks), seed ${s.seed}`,
    `backend ${s.backend} on ${s.adapter}${s.gpuBytes ? `, ${(s.gpuBytes / 2 ** 20).toFixed(1)} MiB of GPU buffers` : ''}${s.fused ? ', fused ticks' : ''}`,
    `build ${s.buildMs.toFixed(0)} ms, simulation ${s.wallMs.toFixed(0)} ms wall (real-time factor ${s.realTimeFactor.toFixed(2)}), ${(s.eventsPerSecond / 1e6).toFixed(2)} M synaptic events/s`,
    '',
    'population      size    spikes   rate (Hz)',
    ...Object.entries(s.populations).map(
      ([name, p]) => `${name.padEnd(12)} ${String(p.size).padStart(7)} ${String(p.spikes).padStart(9)} ${p.rateHz.toFixed(2).padStart(11)}`,
    ),
  ];
  if (weights.length) lines.push('', 'plastic projection  synapses   weights: mean   histogram over [wMin, wMax]');
  for (const [k, w] of weights.entries()) {
    const { wMin, wMax } = sim.network.plastic[k].bounds;
    const mean = w.weights.reduce((a, x) => a + x, 0) / Math.max(1, w.weights.length);
    lines.push(
      `${w.projection.padEnd(18)} ${String(w.weights.length).padStart(9)} ${mean.toPrecision(4).padStart(15)}   ${wMin} |${sparkline(weightHistogram(w.weights, wMin, wMax, 20))}| ${wMax}`,
    );
  }
  if (files.length) lines.push('', ...files);
  return lines.join('\n') + '\n';
}

/** The adapter a dry run found: its name and the limits the plan checks. */
interface DryRunTarget {
  backend: 'webgpu' | 'cpu';
  /** Adapter description, or why the CPU reference runs. */
  adapter: string;
  device?: Required<NonNullable<MemoryLimits['device']>>;
}

/** Where the network would run: the adapter's limits, read from a device released at once. */
async function dryRunTarget(backend: 'auto' | 'webgpu' | 'cpu'): Promise<DryRunTarget> {
  if (backend === 'cpu') return { backend: 'cpu', adapter: 'CPU reference (--backend cpu)' };
  try {
    const gpu = await acquireDevice();
    const { maxStorageBufferBindingSize, maxBufferSize, maxStorageBuffersPerShaderStage } = gpu.device.limits;
    gpu.release();
    return { backend: 'webgpu', adapter: gpu.adapter, device: { maxStorageBufferBindingSize, maxBufferSize, maxStorageBuffersPerShaderStage } };
  } catch (e) {
    if (backend === 'auto' && e instanceof NoAdapterError) return { backend: 'cpu', adapter: `no adapter: CPU reference (${e.message})` };
    throw e;
  }
}

/** Columns padded to their widths: `align` has an 'l' or 'r' per column. */
function table(header: string[], rows: (string | number)[][], align: string): string[] {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells.map((r) =>
    r
      .map((x, c) => (align[c] === 'r' ? x.padStart(widths[c]) : x.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

/** The human-readable plan of `--dry-run`. */
function planReport(plan: MemoryPlan, target: DryRunTarget, planMs: number): string {
  const approx = (exact: boolean) => (exact ? '' : '~');
  const { limits } = plan;
  const lines = [
    `${plan.network}: ${plan.neurons} neurons, ${approx(plan.synapsesExact)}${plan.synapses} synapses, dt ${plan.dt} ms; dry run, nothing built (planned in ${planMs.toFixed(1)} ms)`,
    ...(plan.exact ? [] : ['(~: expected, from fixedProbability or a delay distribution; the other sizes are exact)']),
    '',
    ...table(
      ['population', 'size', 'model'],
      plan.populations.map((p) => [p.name, p.size, p.model]),
      'lrl',
    ),
    '',
    ...table(
      ['projection', 'pre → post', 'rule', 'synapses', 'max delay', 'host build'],
      [
        ...plan.projections.map((p) => [
          `${p.name}${p.plastic ? ' (plastic)' : p.procedural ? ' (procedural)' : ''}`,
          `${p.pre} → ${p.post}`,
          p.rule,
          `${approx(p.exact)}${p.synapses}`,
          `${p.maxDelayTicks} ticks`,
          `${formatBytes(p.hostBytes)}${p.synapses ? ` (${Math.round(p.hostBytes / p.synapses)} B/synapse)` : ''}`,
        ]),
        ['total', '', '', `${approx(plan.synapsesExact)}${plan.synapses}`, '', formatBytes(plan.projections.reduce((a, p) => a + p.hostBytes, 0))],
      ],
      'lllrrr',
    ),
    '',
    ...table(
      ['GPU buffer', 'role', 'bytes', ''],
      [
        ...plan.gpu.buffers.filter((b) => b.role !== 'logs').map((b) => [b.name, b.role, b.bytes, formatBytes(b.bytes)]),
        ['network buffers', '', `${approx(plan.exact)}${plan.gpu.networkBytes}`, formatBytes(plan.gpu.networkBytes)],
        ...plan.gpu.buffers.filter((b) => b.role === 'logs').map((b) => [b.name, b.role, b.bytes, formatBytes(b.bytes)]),
        ['total', '', `${approx(plan.exact)}${plan.gpu.bytes}`, formatBytes(plan.gpu.bytes)],
      ],
      'llrr',
    ),
    `(network buffers: ${plan.synapses ? (plan.gpu.networkBytes / plan.synapses).toFixed(2) : '-'} B per synapse; logs sized for ${plan.gpu.ticksPerSubmit} ticks per submission)`,
    '',
    `host memory: about ${formatBytes(plan.host.bytes)} at peak: ${formatBytes(plan.host.buildBytes)} to compile (the projections' host build above, ${HOST_BYTES.neuronColumn} B per neuron and kernel column), ${formatBytes(plan.host.backendBytes)} for the ${plan.host.backend} backend${plan.host.backend === 'webgpu' ? ` (${HOST_BYTES.gpuUploadFactor} × network buffers while uploading, static synapses and logs once)` : ''}; this machine has ${limits.hostMemoryBytes === undefined ? 'unknown' : formatBytes(limits.hostMemoryBytes)}`,
    `adapter: ${target.adapter}`,
    target.device
      ? `  buffers bound up to ${formatBytes(Math.min(target.device.maxStorageBufferBindingSize, target.device.maxBufferSize))} each (static synapses split into shards), ${target.device.maxStorageBuffersPerShaderStage} storage buffers per shader stage`
      : '  GPU limits do not apply; host memory does',
    `GPU memory: ${limits.gpuMemoryBytes === undefined ? 'not checked (WebGPU does not report it; --gpu-memory sets a budget)' : `budget ${formatBytes(limits.gpuMemoryBytes)}${target.device ? '' : ', not used on the CPU'}`}`,
    plan.fits ? 'fits: yes' : `fits: no: ${plan.problems.map((p) => (p.path ? `${p.path}: ${p.problem}` : p.problem)).join('; ')}`,
  ];
  return lines.join('\n') + '\n';
}

/** `--dry-run`: plan the network's memory for the adapter found, print it, build nothing. */
async function dryRun(
  spec: unknown,
  o: { backend: 'auto' | 'webgpu' | 'cpu'; json: boolean; 'ticks-per-submit': number },
  gpuMemoryBytes: number | undefined,
): Promise<number> {
  validateSpec(spec); // an invalid document fails before the adapter is looked for
  const target = await dryRunTarget(o.backend);
  const t0 = performance.now();
  const plan = planMemory(spec, {
    backend: target.backend,
    device: target.device,
    gpuMemoryBytes,
    hostMemoryBytes: totalmem(),
    ticksPerSubmit: o['ticks-per-submit'],
  });
  const planMs = performance.now() - t0;
  process.stdout.write(
    o.json ? JSON.stringify({ dryRun: true, ...plan, backend: target.backend, adapter: target.adapter, planMs }) + '\n' : planReport(plan, target, planMs),
  );
  if (!plan.fits) throw new MemoryPlanError(plan.problems[0], plan);
  return 0;
}

/** Simulated ms between checkpoints when `--checkpoint` is given without `--checkpoint-every`. */
const DEFAULT_CHECKPOINT_EVERY_MS = 1000;
/** Simulated ms of a run without `--duration`. */
const DEFAULT_DURATION_MS = 1000;

/** A run's own options, which `spikegpu run --checkpoint` keeps in the checkpoint so that `--resume` needs none. */
interface CliRun {
  /** The spec file or built-in network the run started from (for messages). */
  target: string;
  /** Simulated time of the whole run, ms. */
  durationMs: number;
  /** Absolute paths: a resumed run may start in another directory. */
  out?: string;
  weightsOut?: string;
  checkpoint?: string;
  checkpointEveryMs: number;
}

/** Where the CLI's options sit in a checkpoint's `meta`. */
const CLI_META_KEY = 'spikegpu run';

/** Options that fix what a run computes or writes: a resumed run keeps those it was started with. */
const FIXED_ON_RESUME = ['seed', 'set', 'out', 'weights-out', 'checkpoint', 'checkpoint-every', 'dry-run'] as const;

/** The checkpoint of `--resume` and the run it continues; exit 2 for a missing, damaged or foreign file. */
function readResume(path: string): { snapshot: SimulatorSnapshot; run: CliRun } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`--resume ${JSON.stringify(path)}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let snapshot: SimulatorSnapshot;
  try {
    snapshot = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch (e) {
    if (e instanceof CheckpointError) throw new UsageError(`--resume ${JSON.stringify(path)}: ${e.message}`);
    throw e;
  }
  const run = (snapshot.meta as Record<string, CliRun> | null)?.[CLI_META_KEY];
  if (!run)
    throw new UsageError(
      `--resume ${JSON.stringify(path)}: saved by the API (sim.checkpoint()), not 'spikegpu run --checkpoint'; Simulator.restore() resumes it`,
    );
  return { snapshot, run };
}

/** A run's whole duration, checked as the simulator will (`checkDuration`), before anything is built: exit 2. */
function checkRunDuration(durationMs: number, dt: number): void {
  try {
    checkDuration(durationMs, dt);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`--duration: ${e.message}`);
    throw e;
  }
}

/** Save a checkpoint atomically; a failed write is a warning (the previous checkpoint stays), not the end of the run. */
async function saveCheckpoint(sim: Simulator, run: CliRun): Promise<boolean> {
  try {
    writeFileAtomic(run.checkpoint!, [await sim.checkpoint({ [CLI_META_KEY]: run })]);
    return true;
  } catch (e) {
    process.stderr.write(`spikegpu: warning: ${(e as Error).message}; the run goes on\n`);
    return false;
  }
}

export const runCommand = defineCommand({
  name: 'run',
  summary: 'simulate a network (a spec v1 JSON file or a built-in) and report spikes and rates',
  operands: [{ name: '<spec.json | builtin>', missing: 'a spec file or a built-in network name (or --resume run.ckpt)', replacedBy: 'resume' }],
  options: {
    duration: { type: 'number', value: 'ms', min: 0, help: `simulated time; default ${DEFAULT_DURATION_MS}, or with --resume the resumed run's` },
    seed: { type: 'number', value: 'n', min: 0, integer: true, help: "replace the spec's seed" },
    backend: BACKEND_OPTION,
    set: SET_OPTION,
    out: {
      type: 'string',
      value: 'file',
      help: 'write recorded spikes (and record.state traces, in .json only): .json, .csv, .npy (a NumPy structured array) or .nwb (Neurodata Without Borders 2.x)',
    },
    'weights-out': {
      type: 'string',
      value: 'file',
      help: 'write the final weights of plastic projections (and record.weights snapshots, in .json): .json or .csv',
    },
    checkpoint: {
      type: 'string',
      value: 'file',
      help: 'save everything the run needs to go on (atomically) every --checkpoint-every ms of simulated time, at the end, and when a signal stops it',
    },
    'checkpoint-every': {
      type: 'number',
      value: 'ms',
      min: 0,
      help: `simulated time between checkpoints (whole ticks, at least one); default ${DEFAULT_CHECKPOINT_EVERY_MS}`,
    },
    resume: {
      type: 'string',
      value: 'file',
      help: 'continue the run saved in this checkpoint to its --duration, with its outputs and checkpoint: the same bytes as a run never stopped',
    },
    'ticks-per-submit': { type: 'number', value: 'n', min: 1, integer: true, default: 100, help: 'WebGPU: ticks per GPU submission and spike readback window' },
    fused: FUSED_OPTION,
    'gpu-memory': {
      type: 'number',
      value: 'GiB',
      min: 0,
      help: 'GPU memory budget: refuse (exit 2) a network whose buffers need more; WebGPU does not report device memory, so unchecked without it',
    },
    'dry-run': {
      type: 'flag',
      help: 'plan memory without building anything: neurons, synapses, GPU buffer bytes, host estimate, and whether it fits the adapter found; exit 0 if it fits, 2 if not',
    },
    json: { type: 'flag', help: 'print one JSON summary object on stdout (with --dry-run: the plan)' },
  },
  notes: `Built-in networks: ${Object.keys(builtinNetworks).join(', ')} (options: 'spikegpu networks'). A run killed at any point and resumed with 'spikegpu run --resume FILE' from its last checkpoint writes the same outputs, byte for byte, as one never stopped; --backend, --duration (a longer run), --ticks-per-submit, --fused, --gpu-memory and --json may change on resume.`,
  async run(o, [target]) {
    const gpuMemoryBytes = o['gpu-memory'] === undefined ? undefined : o['gpu-memory'] * 2 ** 30;
    let plan: CliRun;
    let sim: Simulator;
    if (o.resume !== undefined) {
      if (target !== undefined)
        throw new UsageError(`--resume continues the network saved in the checkpoint: give no spec or built-in (got ${JSON.stringify(target)})`);
      for (const name of FIXED_ON_RESUME) {
        const value = o[name];
        if (value !== undefined && value !== false && !(Array.isArray(value) && !value.length))
          throw new UsageError(`--${name} cannot change a resumed run: it goes on with the options it was started with`);
      }
      const saved = readResume(o.resume);
      plan = { ...saved.run, durationMs: o.duration ?? saved.run.durationMs };
      const inputs = [o.resume];
      if (plan.out) checkOutputPath(plan.out, '--out', inputs);
      if (plan.weightsOut) checkOutputPath(plan.weightsOut, '--weights-out', inputs);
      // Checked before the network is built, as for a fresh run.
      const dt = validateSpec(saved.snapshot.spec).dt;
      const atMs = saved.snapshot.backend.tick * dt;
      if (plan.durationMs < atMs) throw new UsageError(`--duration ${plan.durationMs} ms: the checkpoint is already at ${atMs} ms`);
      checkRunDuration(plan.durationMs, dt);
      sim = await Simulator.restore(saved.snapshot, {
        backend: o.backend,
        ticksPerSubmit: o['ticks-per-submit'],
        fused: FUSED_SETTING[o.fused],
        gpuMemoryBytes,
      });
    } else {
      const out = o.out,
        weightsOut = o['weights-out'];
      checkFileFormat(out, '--out', SPIKE_FORMATS);
      checkFileFormat(weightsOut, '--weights-out', WEIGHT_FORMATS);
      if (o['checkpoint-every'] !== undefined && o.checkpoint === undefined) throw new UsageError('--checkpoint-every needs --checkpoint FILE');
      // Output paths are checked before anything runs; the spec file is an input, never an output.
      const inputs = Object.hasOwn(builtinNetworks, target) ? [] : [target];
      if (out) checkOutputPath(out, '--out', inputs);
      if (weightsOut) checkOutputPath(weightsOut, '--weights-out', [...inputs, ...(out ? [out] : [])]);
      if (o.checkpoint) checkOutputPath(o.checkpoint, '--checkpoint', [...inputs, ...(out ? [out] : []), ...(weightsOut ? [weightsOut] : [])]);
      const spec = loadSpec(target, parseSets(o.set), o.seed);
      const durationMs = o.duration ?? DEFAULT_DURATION_MS;
      checkRunDuration(durationMs, validateSpec(spec).dt);
      if (o['dry-run']) return dryRun(o.seed === undefined ? spec : { ...(spec as object), seed: o.seed }, o, gpuMemoryBytes);
      const absolute = (path: string | undefined) => (path === undefined ? undefined : resolve(path));
      plan = {
        target,
        durationMs,
        out: absolute(out),
        weightsOut: absolute(weightsOut),
        checkpoint: absolute(o.checkpoint),
        checkpointEveryMs: o['checkpoint-every'] ?? DEFAULT_CHECKPOINT_EVERY_MS,
      };
      sim = await Simulator.create(spec, {
        backend: o.backend,
        seed: o.seed,
        ticksPerSubmit: o['ticks-per-submit'],
        fused: FUSED_SETTING[o.fused],
        gpuMemoryBytes,
      });
    }
    return simulate(sim, plan, o.json);
  },
});

/** Run `sim` on to the plan's duration (checkpointing as it goes), write the outputs and report; resolves to the exit code. */
async function simulate(sim: Simulator, plan: CliRun, json: boolean): Promise<number> {
  const startTime = new Date();
  const interrupt = stopOnSignal();
  try {
    if (sim.fallback) reportCpuFallback(sim.fallback);
    for (const warning of sim.network.warnings) process.stderr.write(`spikegpu: warning: ${warning}\n`);
    const { out, weightsOut } = plan;
    if (weightsOut && !sim.network.plastic.length) throw new UsageError(`--weights-out: ${sim.network.name} has no plastic projections`);
    // State traces have a place in the JSON form only; the run goes on, the file holds the spikes.
    if (out && (formatOf(out) === 'npy' || formatOf(out) === 'nwb') && sim.network.stateProbes.length)
      process.stderr.write(`spikegpu: warning: record.state traces are written to .json files only; ${out} holds the spikes alone\n`);
    const progress = progressReporter(!(json && !process.stdout.isTTY));
    const dt = sim.network.dt;
    const endTick = Math.round(plan.durationMs / dt);
    const everyTicks = Math.max(1, Math.round(plan.checkpointEveryMs / dt));
    const startMs = sim.timeMs;
    let complete = true;
    let checkpointMs: number | null = null;
    // Signals are handled until the outputs are written: a first one during writing lets it finish.
    for (let tick = Math.round(startMs / dt); tick < endTick; tick = Math.round(sim.timeMs / dt)) {
      // Without checkpoints, one run to the end; with them, runs that end where one is due.
      const next = plan.checkpoint ? Math.min(endTick, (Math.floor(tick / everyTicks) + 1) * everyTicks) : endTick;
      const chunkStartMs = sim.timeMs;
      const result = await sim.run((next - tick) * dt, (done) => progress.update(chunkStartMs + done, plan.durationMs), { signal: interrupt.signal });
      if (plan.checkpoint && (await saveCheckpoint(sim, plan))) checkpointMs = sim.timeMs;
      if (!result.complete) {
        complete = false;
        break;
      }
    }
    progress.done();
    const extent = { complete, durationMs: sim.timeMs };
    const files: string[] = [];
    if (out) {
      const spikes = Object.fromEntries(sim.network.populations.map((p) => [p.name, sim.spikes(p.name)]));
      const format = formatOf(out);
      if (format === 'nwb') {
        const summary = sim.summary();
        const nwb: NwbRun = {
          spikes,
          spec: sim.network.spec,
          seed: sim.network.seed,
          version: spikegpuVersion(),
          durationMs: sim.timeMs,
          complete,
          backend: summary.backend === 'webgpu' ? `WebGPU (${summary.adapter})` : 'the CPU reference',
          specFileName: Object.hasOwn(builtinNetworks, plan.target) ? `${plan.target}.json` : basename(plan.target),
          startTime,
        };
        // Loaded only for this format: the other paths never load HDF5's WebAssembly. Its Node build writes to the host's files.
        const h5wasm = await import('h5wasm/node');
        await h5wasm.ready;
        writeFileAtomicWith(out, (tempPath) => writeSpikesNwb(h5wasm, tempPath, nwb));
      } else if (format === 'npy') writeFileAtomic(out, spikesNpyChunks(spikes));
      else if (format === 'csv') writeFileAtomic(out, spikesCsvChunks(spikes));
      else {
        const state = sim.network.stateProbes.map((p) => ({ pop: p.population, var: p.variable, ...sim.state(p.population, p.variable) }));
        writeFileAtomic(out, spikesJsonChunks(dt, spikes, state, extent));
      }
      files.push(`spikes written to ${out}`);
    }
    const weights = await Promise.all(
      sim.network.plastic.map(async (p) => ({
        ...(await sim.weights(p.name)),
        ...(sim.network.weightRecords.some((r) => r.projection === p.name) ? { history: sim.weightHistory(p.name) } : {}),
      })),
    );
    if (weightsOut) {
      writeFileAtomic(weightsOut, formatOf(weightsOut) === 'csv' ? weightsCsvChunks(weights) : weightsJsonChunks(dt, sim.timeMs, weights, complete));
      files.push(`weights written to ${weightsOut}`);
    }
    if (checkpointMs !== null) files.push(`checkpoint at ${+checkpointMs.toFixed(6)} ms written to ${plan.checkpoint}`);
    if (interrupt.received) {
      files.push(
        `stopped by ${interrupt.received} after ${+(sim.timeMs - startMs).toFixed(6)} of ${+(plan.durationMs - startMs).toFixed(6)} ms: the outputs cover the time simulated`,
      );
      if (checkpointMs !== null) files.push(`go on with: spikegpu run --resume ${plan.checkpoint}`);
    }
    process.stdout.write(json ? JSON.stringify({ ...sim.summary(), complete }) + '\n' : report(sim.summary(), sim, weights, files));
    return interrupt.received ? SIGNAL_EXIT[interrupt.received] : 0;
  } finally {
    interrupt.release();
    sim.dispose();
  }
}
