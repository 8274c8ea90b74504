/**
 * Hostile specs (test/hostile/*.json): inputs that once hung, crashed Node or silently computed
 * NaN. Each must be refused by `spikegpu run` with exit 2 and one stderr line naming a JSON
 * path, promptly (a generous bound: it catches a hang, not speed, which belongs in benchmarks),
 * and under 200 MiB of peak memory: refused before anything the input asks for is allocated.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const HOSTILE = join(ROOT, 'test', 'hostile');

const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-hostile-'));

/** Loaded before the CLI: writes the process's peak resident memory (KiB) to $PEAK_RSS_FILE at exit. */
const PEAK_RSS_HOOK =
  'data:text/javascript,import { writeFileSync } from "node:fs"; process.on("exit", () => writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));';

/** `spikegpu run FILE`: exit code, stderr, wall ms and peak resident memory (MiB). */
function run(file: string): Promise<{ code: number; stderr: string; ms: number; peakMiB: number }> {
  const t0 = performance.now();
  const peakFile = join(tmp, `${basename(file)}.rss`);
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', PEAK_RSS_HOOK, '--import', 'tsx', 'cli/spikegpu.ts', 'run', file, '--backend', 'cpu', '--duration', '10'],
      { cwd: ROOT, env: { ...process.env, PEAK_RSS_FILE: peakFile } },
      (err, _stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        done({ code, stderr, ms: performance.now() - t0, peakMiB: Number(readFileSync(peakFile, 'utf8')) / 1024 });
      },
    );
  });
}

/** Each file and the start of the one line it must be refused with. */
const EXPECTED: Record<string, string> = {
  'delay-1e9-ms.json': 'populations.A: the input ring buffer holds',
  'iext-1e39.json': "populations.A: iExt of neuron 0 is 1e+39, beyond f32's range",
  'izhikevich-substeps-1e9.json': 'populations.A.params.substeps: must be ≤ 1000, got 1000000000',
  'noise-sd-1e308.json': "populations.A: noiseSd of neuron 0 is 1e+308, beyond f32's range",
  'plastic-wmax-1e39.json': "projections[0].plasticity.wMax: is 1e+39, beyond f32's range",
  'poisson-input-count-1e12.json': 'populations.A.poissonInput[0]: count × rate × dt is 500000000 events per tick; at most 1000000',
  'population-size-1e12.json': 'populations.A: 1000000000000 neurons, but neuron ids are u32',
  'proto-population.json': 'populations.__proto__: "__proto__" is reserved',
  'weight-1e48.json': "projections[0].weight: reaches 1e+48, beyond f32's range",
  'weight-normal-1e48.json': "projections[0].weight: reaches 1e+48, beyond f32's range",
};

describe('hostile specs are refused: exit 2, one line with the path', () => {
  it('every file in test/hostile has its expected refusal', () => {
    expect(readdirSync(HOSTILE).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
  for (const [file, start] of Object.entries(EXPECTED)) {
    it(file, async () => {
      const r = await run(join(HOSTILE, file));
      expect(r.code).toBe(2);
      expect(r.stderr.startsWith(`spikegpu: ${start}`)).toBe(true);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.ms).toBeLessThan(20_000);
      // Refused before anything large is allocated: Node, tsx and the CLI take about 90 MiB.
      expect(r.peakMiB).toBeGreaterThan(10);
      expect(r.peakMiB).toBeLessThan(200);
    });
  }
});
