/**
 * The `spikegpu` command.
 *   spikegpu run <spec.json | builtin> [--duration ms] [--seed n] [--backend webgpu|cpu]
 *                [--set key=value]... [--out spikes.json|spikes.csv] [--json]
 *   spikegpu networks
 *   spikegpu export <builtin> [--set key=value]...
 *   spikegpu validate [--networks ...] [--seeds n] [--duration ms] [--size small|full]
 *   spikegpu bench [--networks ...] [--sizes ...] [--backends ...] [--repeats n]
 * Exit codes: 0 success, 2 invalid input (message on stderr), 1 runtime failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { builtinNetwork, builtinNetworks } from '../src/networks/index.ts';
import { SpecError } from '../src/netspec/errors.ts';
import { Simulator, type BackendName } from '../src/sim/simulator.ts';
import { runBench } from '../tools/bench/index.ts';
import type { BenchBackend } from '../tools/bench/matrix.ts';
import { brian2Available, validate, VALIDATION_CASES } from '../tools/validation/run.ts';
import { sparkline, weightHistogram } from '../src/analysis/weightStats.ts';
import { spikesCsv, spikesJson, weightsCsv, weightsJson } from '../src/results/files.ts';

const USAGE = `spikegpu — spiking neural networks on WebGPU

Usage:
  spikegpu run <spec.json | builtin> [options]   simulate and report
  spikegpu networks                              list built-in networks and their options
  spikegpu export <builtin> [--set key=value]    print a built-in network's spec JSON
  spikegpu validate [options]                    compare with Brian2 (rates, CV, silence, synchrony)
  spikegpu bench [options]                       benchmark matrix: networks × backends, floor, bound

Run options:
  --duration <ms>        simulated time (default 1000)
  --seed <n>             replace the spec's seed
  --backend <name>       webgpu (default) or cpu (the reference implementation)
  --set key=value        built-in network option, repeatable (see 'spikegpu networks')
  --out <file>           write recorded spikes (and record.state traces, in .json): .json or .csv
  --weights-out <file>   write the final weights of plastic projections (and record.weights
                         snapshots, in .json): .json or .csv
  --ticks-per-submit <n> ticks per GPU submission / readback window (default 100)
  --fused <auto|on|off>  run each window in one single-workgroup dispatch (default auto: small
                         single-group networks)
  --json                 print one JSON summary object on stdout
  -h, --help             this help

Validate options:
  --networks a,b,...     cases (default all: ${VALIDATION_CASES.map((c) => c.name).join(', ')})
  --seeds <n>            seeds per simulator (default 3)
  --duration <ms>        simulated time per run (default 1000; song2000 cases 10 s, full 100 s)
  --size small|full      small (default; CI) or the published sizes
  --backend <name>       webgpu (default) or cpu
  --json                 print the comparisons as JSON
  Passes when, for every population and statistic, |mean difference| ≤ 3·√(sd₁² + sd₂²) + a
  small floor (seed-to-seed spread); exits 1 when any comparison fails.

Bench options:
  --networks a,b,...     built-in networks (default cuba, brunel, izhikevich2003)
  --sizes n,n,...        neurons, for every network (default per network; cuba 4000 … 200000)
  --backends a,b,...     webgpu, cpu, brian2 (default all; brian2 = cpp_standalone run phase)
  --duration <ms>        simulated time per timed repeat (default per network)
  --repeats <n>          timed repeats per point, median reported (default 3)
  --out-dir <dir>        where <date>-<adapter>.json and .svg go (default bench/results)
  --fused <auto|on|off>  the webgpu path (default auto)
  --no-floor             skip the adapter floor and the lower bound
`;

/** Invalid input: exit 2 with the message alone. */
class UsageError extends Error {}

function parseSets(sets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got ${JSON.stringify(s)}`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (!Number.isFinite(x) || x < 0) throw new UsageError(`${name} must be a number ≥ 0, got ${JSON.stringify(value)}`);
  return x;
}

/** `--backend webgpu|cpu` (default webgpu). */
function parseBackend(flag: unknown): BackendName {
  const backend = String(flag ?? 'webgpu');
  if (backend !== 'webgpu' && backend !== 'cpu') throw new UsageError(`--backend must be webgpu or cpu, got ${JSON.stringify(backend)}`);
  return backend;
}

/** `--fused auto|on|off` → SimulatorOptions.fused. */
function parseFused(flag: unknown): boolean | 'auto' {
  const fused = ({ auto: 'auto', on: true, off: false } as const)[String(flag ?? 'auto') as 'auto' | 'on' | 'off'];
  if (fused === undefined) throw new UsageError(`--fused must be auto, on or off, got ${JSON.stringify(flag)}`);
  return fused;
}

/** A spec from a file path or a built-in network name. */
function loadSpec(target: string, sets: Record<string, string>, seed: number | undefined): unknown {
  if (Object.hasOwn(builtinNetworks, target)) {
    const withSeed = seed !== undefined && 'seed' in builtinNetworks[target].options ? { ...sets, seed: String(seed) } : sets;
    return builtinNetwork(target, withSeed);
  }
  if (Object.keys(sets).length) throw new UsageError(`--set applies to built-in networks only (${Object.keys(builtinNetworks).join(', ')})`);
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch {
    throw new UsageError(`${target}: no such built-in network or readable file (built-ins: ${Object.keys(builtinNetworks).join(', ')})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${target}: not valid JSON (${(e as Error).message})`);
  }
}

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

async function run(positionals: string[], values: Record<string, unknown>): Promise<void> {
  const target = positionals[1];
  if (!target) throw new UsageError('run needs a spec file or a built-in network name\n\n' + USAGE);
  const backend = parseBackend(values.backend);
  const duration = number(values.duration as string | undefined, '--duration', 1000);
  const seed = values.seed === undefined ? undefined : number(values.seed as string, '--seed', 0);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
  const out = values.out as string | undefined;
  if (out && !/\.(json|csv)$/i.test(out)) throw new UsageError(`--out must end in .json or .csv, got ${JSON.stringify(out)}`);
  const weightsOut = values['weights-out'] as string | undefined;
  if (weightsOut && !/\.(json|csv)$/i.test(weightsOut)) throw new UsageError(`--weights-out must end in .json or .csv, got ${JSON.stringify(weightsOut)}`);
  const ticksPerSubmit = values['ticks-per-submit'] === undefined ? undefined : number(values['ticks-per-submit'] as string, '--ticks-per-submit', 100);
  const fused = parseFused(values.fused);
  const spec = loadSpec(target, parseSets((values.set as string[] | undefined) ?? []), seed);

  const sim = await Simulator.create(spec, { backend, seed, ticksPerSubmit, fused });
  if (weightsOut && !sim.network.plastic.length) {
    sim.dispose();
    throw new UsageError(`--weights-out: ${sim.network.name} has no plastic projections`);
  }
  const json = values.json === true;
  const progress = progressReporter(!(json && !process.stdout.isTTY));
  try {
    await sim.run(duration, (d, t) => progress.update(d, t));
    progress.done();
    const summary = sim.summary();
    if (out) {
      const spikes = Object.fromEntries(sim.network.populations.map((p) => [p.name, sim.spikes(p.name)]));
      const state = sim.network.stateProbes.map((p) => ({ pop: p.population, var: p.variable, ...sim.state(p.population, p.variable) }));
      writeFileSync(out, out.toLowerCase().endsWith('.csv') ? spikesCsv(spikes) : spikesJson(sim.network.dt, spikes, state));
    }
    const weights = await Promise.all(sim.network.plastic.map(async (p) => ({
      ...(await sim.weights(p.name)),
      ...(sim.network.weightRecords.some((r) => r.projection === p.name) ? { history: sim.weightHistory(p.name) } : {}),
    })));
    if (weightsOut) writeFileSync(weightsOut, weightsOut.toLowerCase().endsWith('.csv') ? weightsCsv(weights) : weightsJson(sim.network.dt, sim.timeMs, weights));
    if (json) {
      process.stdout.write(JSON.stringify(summary) + '\n');
      return;
    }
    const s = summary;
    const lines = [
      `${s.network}: ${s.neurons} neurons, ${s.synapses} synapses, ${s.durationMs} ms at dt ${s.dt} ms (${s.ticks} ticks), seed ${s.seed}`,
      `backend ${s.backend} on ${s.adapter}${s.gpuBytes ? `, ${(s.gpuBytes / 2 ** 20).toFixed(1)} MiB of GPU buffers` : ''}${s.fused ? ', fused ticks' : ''}`,
      `build ${s.buildMs.toFixed(0)} ms, simulation ${s.wallMs.toFixed(0)} ms wall (real-time factor ${s.realTimeFactor.toFixed(2)}), ${(s.eventsPerSecond / 1e6).toFixed(2)} M synaptic events/s`,
      '',
      'population      size    spikes   rate (Hz)',
      ...Object.entries(s.populations).map(([name, p]) => `${name.padEnd(12)} ${String(p.size).padStart(7)} ${String(p.spikes).padStart(9)} ${p.rateHz.toFixed(2).padStart(11)}`),
    ];
    if (weights.length) lines.push('', 'plastic projection  synapses   weights: mean   histogram over [wMin, wMax]');
    for (const [k, w] of weights.entries()) {
      const { wMin, wMax } = sim.network.plastic[k].bounds;
      const mean = w.weights.reduce((a, x) => a + x, 0) / Math.max(1, w.weights.length);
      lines.push(`${w.projection.padEnd(18)} ${String(w.weights.length).padStart(9)} ${mean.toPrecision(4).padStart(15)}   ${wMin} |${sparkline(weightHistogram(w.weights, wMin, wMax, 20))}| ${wMax}`);
    }
    if (out) lines.push('', `spikes written to ${out}`);
    if (weightsOut) lines.push(`weights written to ${weightsOut}`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    sim.dispose();
  }
}

/** A comma-separated option as a list (undefined when absent). */
const list = (x: unknown) => (x === undefined ? undefined : String(x).split(',').map((v) => v.trim()).filter(Boolean));

async function runValidate(values: Record<string, unknown>): Promise<number> {
  const cases = list(values.networks);
  for (const c of cases ?? []) if (!VALIDATION_CASES.some((x) => x.name === c)) throw new UsageError(`--networks: unknown case ${JSON.stringify(c)}; known: ${VALIDATION_CASES.map((x) => x.name).join(', ')}`);
  const size = (values.size as string | undefined) ?? 'small';
  if (size !== 'small' && size !== 'full') throw new UsageError(`--size must be small or full, got ${JSON.stringify(size)}`);
  const backend = parseBackend(values.backend);
  const seeds = number(values.seeds as string | undefined, '--seeds', 3);
  if (!Number.isInteger(seeds) || seeds < 2) throw new UsageError('--seeds must be an integer ≥ 2 (the rule needs a spread)');
  if (!(await brian2Available())) throw new Error('Brian2 is not available to /usr/bin/python3 (Debian: apt-get install python3-brian; or set SPIKEGPU_PYTHON)');
  const json = values.json === true;
  const result = await validate({
    cases, seeds, size, backend,
    durationMs: values.duration === undefined ? undefined : number(values.duration as string, '--duration', 1000),
    onProgress: (line) => process.stderr.write(`spikegpu: ${line}\n`),
  });
  process.stdout.write(json ? JSON.stringify({ pass: result.pass, comparisons: result.rows }) + '\n' : `${result.table}\n\n${result.pass ? 'PASS' : 'FAIL'}: ${result.rows.filter((r) => r.pass).length} of ${result.rows.length} comparisons within the seed-to-seed spread\n`);
  return result.pass ? 0 : 1;
}

async function runBenchCommand(values: Record<string, unknown>): Promise<number> {
  const sizes = list(values.sizes)?.map((v) => number(v, '--sizes', 0));
  const fused = parseFused(values.fused);
  const result = await runBench({
    networks: list(values.networks),
    sizes,
    backends: list(values.backends) as BenchBackend[] | undefined,
    durationMs: values.duration === undefined ? undefined : number(values.duration as string, '--duration', 100),
    repeats: values.repeats === undefined ? undefined : number(values.repeats as string, '--repeats', 3),
    outDir: values['out-dir'] as string | undefined,
    floor: values['no-floor'] === true ? false : undefined,
    fused,
    onProgress: (line) => process.stderr.write(`spikegpu: ${line}\n`),
  });
  process.stdout.write(`${result.table}\n\nwritten: ${result.jsonPath}\n         ${result.svgPath}\n`);
  return 0;
}

function listNetworks(): void {
  const lines: string[] = [];
  for (const n of Object.values(builtinNetworks)) {
    lines.push(`${n.name}: ${n.doc}`);
    for (const [k, o] of Object.entries(n.options)) lines.push(`  --set ${k}=<${o.choices ? o.choices.join('|') : 'number'}>  default ${o.default}. ${o.doc}`);
    lines.push('');
  }
  process.stdout.write(lines.join('\n'));
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        duration: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' },
        set: { type: 'string', multiple: true }, out: { type: 'string' }, 'weights-out': { type: 'string' }, json: { type: 'boolean' },
        'ticks-per-submit': { type: 'string' }, fused: { type: 'string' }, help: { type: 'boolean', short: 'h' },
        networks: { type: 'string' }, seeds: { type: 'string' }, size: { type: 'string' },
        sizes: { type: 'string' }, backends: { type: 'string' }, repeats: { type: 'string' }, 'out-dir': { type: 'string' }, 'no-floor': { type: 'boolean' },
      },
    }).valueOf() as { values: Record<string, unknown>; positionals: string[] };
    const command = positionals[0];
    if (values.help || !command || command === 'help') {
      process.stdout.write(USAGE);
      return command || values.help ? 0 : 2;
    }
    switch (command) {
      case 'run':
        await run(positionals, values);
        return 0;
      case 'networks':
        listNetworks();
        return 0;
      case 'validate':
        return await runValidate(values);
      case 'bench':
        return await runBenchCommand(values);
      case 'export': {
        const name = positionals[1];
        if (!name) throw new UsageError('export needs a built-in network name');
        process.stdout.write(JSON.stringify(builtinNetwork(name, parseSets((values.set as string[] | undefined) ?? [])), null, 2) + '\n');
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    if (e instanceof SpecError || e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`spikegpu: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`spikegpu: ${err.message}\n`);
    if (process.env.SPIKEGPU_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
