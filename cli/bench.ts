/** `spikegpu bench`: the benchmark matrix (networks × backends), adapter floor and lower bound. */
import { DEFAULT_BENCH_NETWORKS, runBench } from '../tools/bench/index.ts';
import { BENCH_BACKENDS, type BenchBackend } from '../tools/bench/matrix.ts';
import { suggest } from '../src/netspec/validateSpec.ts';
import { defineCommand, toNumber, UsageError } from './args.ts';
import { FUSED_OPTION, FUSED_SETTING } from './shared.ts';

const isBenchBackend = (name: string): name is BenchBackend => (BENCH_BACKENDS as readonly string[]).includes(name);

export const benchCommand = defineCommand({
  name: 'bench',
  summary: 'benchmark matrix: networks × backends, adapter floor, lower bound',
  operands: [],
  options: {
    networks: { type: 'list', value: 'a,b,...', help: `built-in networks (default ${DEFAULT_BENCH_NETWORKS.join(', ')})` },
    sizes: { type: 'list', value: 'n,n,...', help: 'neurons, for every network (default per network; cuba 4000 … 200000)' },
    backends: {
      type: 'list',
      value: 'a,b,...',
      help: `${BENCH_BACKENDS.join(', ')} (default all; webgpu is skipped with a note where no adapter exists; brian2 = cpp_standalone run phase)`,
    },
    duration: { type: 'number', value: 'ms', min: 0, help: 'simulated time per timed repeat (default per network)' },
    repeats: { type: 'number', value: 'n', min: 3, integer: true, default: 3, help: 'timed repeats per point, median reported' },
    'out-dir': { type: 'string', value: 'dir', default: 'bench-results', help: 'where <date>-<adapter>.json and .svg go' },
    fused: FUSED_OPTION,
    'no-floor': { type: 'flag', help: 'skip the adapter floor and the lower bound' },
  },
  async run(o) {
    const backends = o.backends?.map((b) => {
      if (!isBenchBackend(b)) throw new UsageError(`--backends: unknown backend ${JSON.stringify(b)}${suggest(b, [...BENCH_BACKENDS])}`);
      return b;
    });
    const result = await runBench({
      networks: o.networks,
      sizes: o.sizes?.map((n) => toNumber(n, '--sizes', { min: 1, integer: true })),
      backends,
      durationMs: o.duration,
      repeats: o.repeats,
      outDir: o['out-dir'],
      floor: o['no-floor'] ? false : undefined,
      fused: FUSED_SETTING[o.fused],
      onProgress: (line) => process.stderr.write(`spikegpu: ${line}\n`),
    });
    process.stdout.write(`${result.table}\n\nwritten: ${result.jsonPath}\n         ${result.svgPath}\n`);
    return 0;
  },
});
