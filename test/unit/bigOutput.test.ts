/**
 * A spike file far beyond V8's largest string: 5·10⁷ spikes through `spikegpu run --out` (on
 * the CPU reference: 1000 Poisson neurons firing every tick for 5 s), written in chunks and
 * read back row by row.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-big-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NEURONS = 1000;
const TICKS = 50_000;

describe('a spike file of 5·10⁷ spikes', () => {
  it('is written whole and reads back spike for spike', () => {
    const spec = join(tmp, 'every-tick.json');
    // rate · dt = 1: every neuron spikes in every tick.
    writeFileSync(spec, JSON.stringify({ version: 1, dt: 0.1, populations: { P: { size: NEURONS, model: 'poisson', params: { rate: 10000 } } } }));
    const out = join(tmp, 'spikes.csv');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'cli/spikegpu.ts', 'run', spec, '--backend', 'cpu', '--duration', String(TICKS / 10), '--out', out, '--json'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ spikes: NEURONS * TICKS, complete: true });

    const file = readFileSync(out);
    const header = 'population,time_ms,id\n';
    expect(file.subarray(0, header.length).toString()).toBe(header);
    // Row k: tick ⌊k / 1000⌋, neuron k mod 1000, in order; compared a tick's rows at a time.
    let at = header.length;
    for (let tick = 0; tick < TICKS; tick++) {
      const time = String(Math.round(tick * 0.1 * 1e6) / 1e6);
      let rows = '';
      for (let id = 0; id < NEURONS; id++) rows += `P,${time},${id}\n`;
      const expected = Buffer.from(rows);
      if (!file.subarray(at, at + expected.length).equals(expected)) expect.fail(`the rows of tick ${tick} differ`);
      at += expected.length;
    }
    expect(at).toBe(file.length);
  });
});
