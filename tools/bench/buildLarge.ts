/**
 * Build time, peak heap and fingerprint of one large built-in network:
 *   node --import tsx tools/bench/buildLarge.ts brunel n=100000 [connect=fixedProbability] [--hash]
 * `--hash` prints a sha256 of every array of the CompiledNetwork, to compare builds bit for bit.
 */
import { createHash } from 'node:crypto';
import { compileNetwork } from '../../src/compile/compile.ts';
import { builtinNetwork } from '../../src/networks/index.ts';

const args = process.argv.slice(2);
const name = args[0] ?? 'brunel';
const hash = args.includes('--hash');
const options = Object.fromEntries(
  args
    .slice(1)
    .filter((a) => a.includes('='))
    .map((a) => a.split('=') as [string, string]),
);
const spec = builtinNetwork(name, options);
const t0 = performance.now();
const net = compileNetwork(spec);
const ms = performance.now() - t0;
const sha = (a: ArrayBufferView) =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex')
    .slice(0, 24);
const out: Record<string, unknown> = {
  network: name,
  options,
  buildMs: Math.round(ms),
  synapses: net.synapseCount,
  rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
  maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
};
if (hash) {
  const arrays: Record<string, string> = {
    rowStart: sha(net.synapses.rowStart),
    target: sha(net.synapses.target),
    weight: sha(net.synapses.weight),
    channelBits: String(net.synapses.channelBits),
    scales: JSON.stringify(net.scales),
  };
  net.groups.forEach((g, i) => {
    arrays[`groups[${i}].params`] = sha(g.params);
    arrays[`groups[${i}].state`] = sha(g.state);
  });
  net.plastic.forEach((p, i) => {
    for (const k of ['segStart', 'synapsePost', 'weight', 'colStart', 'colSynapse', 'colPreDelay'] as const) arrays[`plastic[${i}].${k}`] = sha(p[k]);
  });
  out.hashes = arrays;
}
console.log(JSON.stringify(out, null, 1));
