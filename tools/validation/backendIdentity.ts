/**
 * Whether the WebGPU backend on this machine's adapter gives the CPU reference's spike trains
 * bit for bit, network by network, and where they first part when they do not (a driver that
 * fuses multiply-adds rounds differently in the last bit; see docs/design.md).
 *   npx tsx tools/validation/backendIdentity.ts [durationMs]     (or node dist/tools/…/backendIdentity.js)
 */
import { builtinNetwork, builtinNetworks, Simulator } from '../../src/index.ts';

/** Small sizes, so the CPU reference finishes in seconds. */
const CASES: { network: string; options: Record<string, string | number> }[] = [
  { network: 'cuba', options: { n: 4000 } },
  { network: 'coba', options: { n: 4000 } },
  { network: 'brunel', options: { n: 2500, regime: 'C' } },
  { network: 'izhikevich2003', options: {} },
  { network: 'song2000', options: {} },
  { network: 'polychronization', options: {} },
];

interface Train {
  spikes: number;
  /** Every population's spikes as "population time id" lines in order. */
  events: string[];
}

async function train(
  network: string,
  options: Record<string, string | number>,
  durationMs: number,
  backend: 'webgpu' | 'cpu',
): Promise<Train & { adapter: string }> {
  const sim = await Simulator.create(builtinNetwork(network, options), { backend });
  await sim.run(durationMs);
  const events: string[] = [];
  for (const pop of Object.keys(sim.summary().populations)) {
    const { times, ids } = sim.spikes(pop);
    times.forEach((t, i) => events.push(`${t.toFixed(4)} ${pop} ${ids[i]}`));
  }
  events.sort((a, b) => parseFloat(a) - parseFloat(b) || (a < b ? -1 : 1));
  const result = { spikes: sim.summary().spikes, events, adapter: sim.summary().adapter };
  sim.dispose();
  return result;
}

const durationMs = Number(process.argv[2] ?? 1000);
for (const { network, options } of CASES) {
  if (!Object.hasOwn(builtinNetworks, network)) continue;
  const gpu = await train(network, options, durationMs, 'webgpu');
  const cpu = await train(network, options, durationMs, 'cpu');
  const first = gpu.events.findIndex((e, i) => e !== cpu.events[i]);
  const same = first < 0 && gpu.events.length === cpu.events.length;
  const where = same
    ? ''
    : `; first difference at ${(gpu.events[first] ?? cpu.events[first] ?? '?').split(' ')[0]} ms (webgpu "${gpu.events[first] ?? '—'}", cpu "${cpu.events[first] ?? '—'}")`;
  console.log(
    `${network} ${JSON.stringify(options)} ${durationMs} ms on ${gpu.adapter}: ${same ? 'identical' : 'DIFFERENT'}, spikes webgpu ${gpu.spikes}, cpu ${cpu.spikes}${where}`,
  );
}
