import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `spikegpu ...args` (the CLI's sources, through tsx) in the repository root; never touches a GPU in these tests. */
function cli(...args: string[]): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/spikegpu.ts', ...args], { cwd: ROOT, env: { ...process.env, SPIKEGPU_DEBUG: '' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const SUMMARY_KEYS = ['network', 'backend', 'adapter', 'dt', 'durationMs', 'ticks', 'seed', 'neurons', 'synapses', 'spikes', 'synapticEvents', 'buildMs', 'wallMs', 'eventsPerSecond', 'populations'];

describe('spikegpu networks / export', () => {
  it('networks lists every built-in', async () => {
    const r = await cli('networks');
    expect(r.code).toBe(0);
    for (const name of ['cuba', 'coba', 'brunel', 'izhikevich2003']) expect(r.stdout).toMatch(new RegExp(`^${name}: `, 'm'));
    expect(r.stdout).toContain('--set regime=<A|B|C|D>');
    expect(r.stderr).toBe('');
  });

  it('export prints a spec that validates and matches builtinNetwork', async () => {
    const r = await cli('export', 'cuba', '--set', 'n=1000');
    expect(r.code).toBe(0);
    const spec = JSON.parse(r.stdout);
    expect(validateSpec(spec)).toBe(spec);
    expect(spec).toEqual(JSON.parse(JSON.stringify(builtinNetwork('cuba', { n: 1000 }))));
    expect([spec.populations.E.size, spec.populations.I.size]).toEqual([800, 200]);
    expect(spec.projections[0].connect).toEqual({ rule: 'fixedProbability', p: 0.08 });
  });
});

describe('spikegpu run --backend cpu', () => {
  let summary: Record<string, unknown> & { populations: Record<string, { size: number; spikes: number; rateHz: number }> };

  it('--json prints one summary object', async () => {
    const r = await cli('run', 'cuba', '--set', 'n=400', '--duration', '50', '--backend', 'cpu', '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(1);
    summary = JSON.parse(lines[0]);
    for (const k of SUMMARY_KEYS) expect(summary).toHaveProperty(k);
    expect(summary).toMatchObject({ network: 'cuba', backend: 'cpu', adapter: 'cpu (reference)', dt: 0.1, durationMs: 50, ticks: 500, seed: 1, neurons: 400 });
    for (const k of ['synapses', 'spikes', 'synapticEvents', 'buildMs', 'wallMs', 'eventsPerSecond']) expect(typeof summary[k]).toBe('number');
    expect(Object.keys(summary.populations)).toEqual(['E', 'I']);
    expect(summary.populations.E.size).toBe(320);
    expect(summary.populations.I.size).toBe(80);
    for (const p of Object.values(summary.populations)) expect(p.rateHz).toBeCloseTo(p.spikes / p.size / 0.05, 9);
    expect(summary.spikes).toBe(summary.populations.E.spikes + summary.populations.I.spikes);
    expect(summary.populations.E.spikes).toBeGreaterThan(0);
  });

  it('--out writes JSON and CSV spike files consistent with the summary', async () => {
    const jsonPath = join(tmp, 'spikes.json'), csvPath = join(tmp, 'spikes.csv');
    const [a, b] = await Promise.all([
      cli('run', 'cuba', '--set', 'n=400', '--duration', '50', '--backend', 'cpu', '--json', '--out', jsonPath),
      cli('run', 'cuba', '--set', 'n=400', '--duration', '50', '--backend', 'cpu', '--out', csvPath),
    ]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const s = JSON.parse(a.stdout);
    expect(b.stdout).toContain(`spikes written to ${csvPath}`);

    const file = JSON.parse(readFileSync(jsonPath, 'utf8'));
    expect(Object.keys(file)).toEqual(['dt', 'populations']);
    expect(file.dt).toBe(0.1);
    expect(Object.keys(file.populations)).toEqual(['E', 'I']);
    for (const [name, { times, ids }] of Object.entries(file.populations as Record<string, { times: number[]; ids: number[] }>)) {
      expect(times.length).toBe(s.populations[name].spikes);
      expect(ids.length).toBe(times.length);
      for (let k = 0; k < times.length; k++) {
        expect(Number.isInteger(ids[k]) && ids[k] >= 0 && ids[k] < s.populations[name].size).toBe(true);
        expect(times[k]).toBe(Math.round(times[k] * 10) / 10); // printed as multiples of dt, no 0.30000000000000004
        expect(times[k] >= 0 && times[k] < 50).toBe(true);
        if (k) expect(times[k]).toBeGreaterThanOrEqual(times[k - 1]);
      }
    }
    // the same deterministic run, as CSV rows
    const rows = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('population,time_ms,id');
    expect(rows.length - 1).toBe(s.spikes);
    const expected = Object.entries(file.populations as Record<string, { times: number[]; ids: number[] }>).flatMap(([name, { times, ids }]) => times.map((t, k) => `${name},${t},${ids[k]}`));
    expect(rows.slice(1)).toEqual(expected);
    if (summary) expect(s.spikes).toBe(summary.spikes);
  });

  it('--weights-out writes the final weights of plastic projections (JSON with snapshots, CSV), and the summary shows them', async () => {
    const spec = builtinNetwork('song2000');
    spec.record = { spikes: ['neuron'], weights: [{ projection: 'inputs', every: 100 }] };
    const path = join(tmp, 'song.json'), json = join(tmp, 'w.json'), csv = join(tmp, 'w.csv');
    writeFileSync(path, JSON.stringify(spec));
    const [a, b] = await Promise.all([cli('run', path, '--backend', 'cpu', '--duration', '300', '--weights-out', json), cli('run', path, '--backend', 'cpu', '--duration', '300', '--weights-out', csv)]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stdout).toMatch(/^inputs\s+1000\s+\S+\s+0 \|.{20}\| 0\.01$/m);
    expect(a.stdout).toContain(`weights written to ${json}`);
    const file = JSON.parse(readFileSync(json, 'utf8'));
    expect(file.timeMs).toBe(300);
    const w = file.projections.inputs;
    expect(w.pre).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(w.post).toEqual(new Array(1000).fill(0));
    expect(w.delayMs).toEqual(new Array(1000).fill(0.1));
    expect(w.weights.every((x: number) => x >= 0 && x <= 0.01)).toBe(true);
    expect(w.history.times).toEqual([0, 100, 200, 300]);
    expect(w.history.weights[3]).toEqual(w.weights);
    expect(w.history.weights[0]).not.toEqual(w.weights); // it learned
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('projection,pre,post,delay_ms,weight');
    expect(rows.slice(1)).toEqual(w.pre.map((p: number, s: number) => `inputs,${p},0,0.1,${w.weights[s]}`));
  });

  it('runs a spec file, and --seed replaces its seed', async () => {
    const path = join(tmp, 'net.json');
    writeFileSync(path, JSON.stringify({ version: 1, dt: 0.1, seed: 3, populations: { P: { size: 20, model: 'poisson', params: { rate: 50 } } } }));
    const [a, b] = await Promise.all([cli('run', path, '--backend', 'cpu', '--duration', '100', '--json'), cli('run', path, '--backend', 'cpu', '--duration', '100', '--json', '--seed', '8')]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const sa = JSON.parse(a.stdout), sb = JSON.parse(b.stdout);
    expect([sa.seed, sb.seed]).toEqual([3, 8]);
    expect(sa.network).toBe('network');
    // 20 neurons · 1000 ticks · p = 0.005 = 100 expected spikes
    for (const s of [sa, sb]) expect(Math.abs(s.spikes - 100)).toBeLessThan(4 * Math.sqrt(100));
  });
});

describe('invalid input: exit 2, one line on stderr, no stack trace', () => {
  const badSpec = join(tmp, 'bad.json'), notJson = join(tmp, 'not.json');
  const spec = builtinNetwork('cuba', { n: 100 }) as unknown as { populations: { E: { size: number } } };
  spec.populations.E.size = -1;
  writeFileSync(badSpec, JSON.stringify(spec));
  writeFileSync(notJson, 'this is { not json');

  const cases: [string, string[], string | RegExp][] = [
    ['a spec file with populations.E.size = -1', ['run', badSpec, '--backend', 'cpu'], 'spikegpu: populations.E.size: must be ≥ 1, got -1'],
    ['an unknown network', ['run', 'cubaa', '--backend', 'cpu'], 'spikegpu: cubaa: no such built-in network or readable file (built-ins: cuba, coba, brunel, izhikevich2003, song2000, polychronization)'],
    ['export of an unknown network', ['export', 'cubaa'], 'spikegpu: unknown network "cubaa" (did you mean "cuba"?); expected one of: cuba, coba, brunel, izhikevich2003, song2000, polychronization'],
    ['--set bogus=1', ['run', 'cuba', '--set', 'bogus=1', '--backend', 'cpu'], 'spikegpu: --set bogus: network cuba has no option "bogus"; expected one of: n'],
    ['--set without =', ['run', 'cuba', '--set', 'n', '--backend', 'cpu'], 'spikegpu: --set expects key=value, got "n"'],
    ['--set on a spec file', ['run', badSpec, '--set', 'n=5', '--backend', 'cpu'], 'spikegpu: --set applies to built-in networks only (cuba, coba, brunel, izhikevich2003, song2000, polychronization)'],
    ['--backend foo', ['run', 'cuba', '--backend', 'foo'], 'spikegpu: --backend must be webgpu or cpu, got "foo"'],
    ['--duration abc', ['run', 'cuba', '--backend', 'cpu', '--duration', 'abc'], 'spikegpu: --duration must be a number ≥ 0, got "abc"'],
    ['--duration=-5', ['run', 'cuba', '--backend', 'cpu', '--duration=-5'], 'spikegpu: --duration must be a number ≥ 0, got "-5"'],
    ['--seed 1.5', ['run', 'cuba', '--backend', 'cpu', '--seed', '1.5'], 'spikegpu: --seed must be an integer'],
    ['--out with another extension', ['run', 'cuba', '--backend', 'cpu', '--out', 'x.txt'], 'spikegpu: --out must end in .json or .csv, got "x.txt"'],
    ['--weights-out with another extension', ['run', 'song2000', '--backend', 'cpu', '--weights-out', 'w.txt'], 'spikegpu: --weights-out must end in .json or .csv, got "w.txt"'],
    ['--weights-out of a static network', ['run', 'cuba', '--set', 'n=100', '--backend', 'cpu', '--weights-out', join(tmp, 'w.json')], 'spikegpu: --weights-out: cuba has no plastic projections'],
    ['a non-JSON file', ['run', notJson, '--backend', 'cpu'], new RegExp(`^spikegpu: ${notJson.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON \\(.+\\)$`)],
    ['an unknown option', ['run', 'cuba', '--backend', 'cpu', '--frobnicate'], /^spikegpu: Unknown option '--frobnicate'/],
    ['--fused maybe', ['run', 'cuba', '--backend', 'cpu', '--fused', 'maybe'], 'spikegpu: --fused must be auto, on or off, got "maybe"'],
    ['validate of an unknown case', ['validate', '--networks', 'cuba,nope'], 'spikegpu: --networks: unknown case "nope"; known: cuba, coba, brunelA, brunelC, izhikevich2003, song2000, song2000cond'],
    ['validate with one seed', ['validate', '--seeds', '1'], 'spikegpu: --seeds must be an integer ≥ 2 (the rule needs a spread)'],
    ['bench of an unknown network', ['bench', '--networks', 'cubaa'], /^spikegpu: unknown network "cubaa" \(did you mean "cuba"\?\)/],
  ];

  it.concurrent.each(cases)('%s', async (_label, args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBe(1);
    if (typeof message === 'string') expect(lines[0]).toBe(message);
    else expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
