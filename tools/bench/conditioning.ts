/**
 * The classical-conditioning experiment of Izhikevich (2007) (`izhikevich2007` network,
 * `runConditioning`): how far the conditioned synapse grows and how fast spikegpu runs it.
 *   npx tsx tools/bench/conditioning.ts [--duration-s 3600] [--backend cpu|webgpu] [--seed 1] [--out-dir bench-results]
 * prints progress every simulated minute and a summary, and writes
 * `conditioning-<backend>-<duration>s.json` and `.svg` (the weights over time) to the out dir.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtinNetwork, runConditioning, Simulator, type ConditioningResult } from '../../src/index.ts';
import { IZHIKEVICH2007_RULE } from '../../src/networks/izhikevich2007.ts';
import { escapeXml } from './report.ts';
import { isMainModule } from '../isMain.ts';

/** The weights over time as an SVG line plot: the conditioned synapse, and the others' mean and maximum. */
export function conditioningSvg(result: ConditioningResult, title: string): string {
  const width = 640,
    height = 320,
    left = 56,
    right = 16,
    top = 32,
    bottom = 40;
  const tMax = Math.max(1, ...result.samples.map((s) => s.timeMs));
  const wMax = IZHIKEVICH2007_RULE.wMax;
  const x = (t: number) => left + ((width - left - right) * t) / tMax;
  const y = (w: number) => top + (height - top - bottom) * (1 - w / wMax);
  // The legend sits bottom right, below the mean once learning has begun.
  const line = (values: number[], colour: string, label: string, k: number) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${result.samples.map((s, i) => `${x(s.timeMs).toFixed(1)},${y(values[i]).toFixed(1)}`).join(' ')}"/>` +
    `<text x="${width - right - 8}" y="${y(0) - 12 - 16 * (2 - k)}" fill="${colour}" font-size="12" text-anchor="end">${escapeXml(label)}</text>`;
  const minutes = tMax / 60000;
  const ticks = Array.from({ length: 5 }, (_, i) => (i * tMax) / 4);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${left}" y="18" font-size="13">${escapeXml(title)}</text>
<line x1="${left}" y1="${y(0)}" x2="${width - right}" y2="${y(0)}" stroke="#888"/>
<line x1="${left}" y1="${top}" x2="${left}" y2="${y(0)}" stroke="#888"/>
${[0, 1, 2, 3, 4].map((w) => `<text x="${left - 8}" y="${y(w) + 4}" font-size="11" text-anchor="end">${w}</text>`).join('\n')}
${ticks.map((t) => `<text x="${x(t)}" y="${height - bottom + 16}" font-size="11" text-anchor="middle">${(t / 60000).toFixed(minutes >= 4 ? 0 : 1)}</text>`).join('\n')}
<text x="${(left + width - right) / 2}" y="${height - 6}" font-size="12" text-anchor="middle">simulated time (min)</text>
<text x="14" y="${(top + height - bottom) / 2}" font-size="12" transform="rotate(-90 14 ${(top + height - bottom) / 2})" text-anchor="middle">weight</text>
${line(
  result.samples.map((s) => s.conditioned),
  '#d62728',
  'conditioned synapse (0 → 1)',
  0,
)}
${line(
  result.samples.map((s) => s.othersMax),
  '#7f7f7f',
  'largest other E → E weight',
  1,
)}
${line(
  result.samples.map((s) => s.othersMean),
  '#1f77b4',
  'mean E → E weight',
  2,
)}
</svg>
`;
}

if (isMainModule(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      'duration-s': { type: 'string', default: '3600' },
      backend: { type: 'string', default: 'cpu' },
      seed: { type: 'string', default: '1' },
      'out-dir': { type: 'string', default: 'bench-results' },
    },
  });
  const backend = values.backend;
  if (backend !== 'cpu' && backend !== 'webgpu') throw new Error(`--backend must be cpu or webgpu, not "${backend}"`);
  const seconds = Number(values['duration-s']);
  const seed = Number(values.seed);
  if (!(seconds > 0) || !Number.isInteger(seed)) throw new Error('--duration-s must be a positive number of seconds, --seed an integer');
  const sim = await Simulator.create(builtinNetwork('izhikevich2007', { seed }), { backend });
  console.log(`izhikevich2007 conditioning: ${seconds} s simulated on ${sim.adapter}, seed ${seed}`);
  let nextReport = 60_000;
  const result = await runConditioning(sim, {
    durationMs: seconds * 1000,
    seed,
    onProgress(done, _total, last) {
      if (done < nextReport) return;
      nextReport += 60_000;
      console.log(
        `${(done / 60000).toFixed(0).padStart(4)} min: conditioned ${last.conditioned.toFixed(3)}, others mean ${last.othersMean.toFixed(3)} (max ${last.othersMax.toFixed(3)}, ${(100 * last.othersAtBound).toFixed(2)} % at the bound), ${last.rewards} rewards`,
      );
    },
  });
  sim.dispose();
  const end = result.samples[result.samples.length - 1];
  console.log(
    `\nafter ${seconds} s: conditioned synapse ${end.conditioned.toFixed(3)} (bound ${IZHIKEVICH2007_RULE.wMax}), other E → E weights mean ${end.othersMean.toFixed(3)}, max ${end.othersMax.toFixed(3)}, ${(100 * end.othersAtBound).toFixed(2)} % at the bound; ${result.rewardedFirings} rewarded firings, ${result.rewards} rewards; wall ${(result.wallMs / 1000).toFixed(1)} s = ${result.timesRealTime.toFixed(2)} × real time`,
  );
  mkdirSync(values['out-dir'], { recursive: true });
  const base = join(values['out-dir'], `conditioning-${backend}-${seconds}s`);
  writeFileSync(`${base}.json`, JSON.stringify({ seconds, seed, backend, ...result }, null, 1));
  writeFileSync(`${base}.svg`, conditioningSvg(result, `Izhikevich (2007) conditioning, ${backend}: weights over ${seconds} s simulated`));
  console.log(`wrote ${base}.json and .svg`);
}
