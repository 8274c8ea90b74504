import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNetwork } from '../../src/networks/index.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';
import { ALL_TO_ALL, HUGE } from '../fixtures/oversized.ts';
import { cli, cliWithEnv, ROOT, type CliResult as Result } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'spikegpu-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SUMMARY_KEYS = [
  'network',
  'backend',
  'adapter',
  'dt',
  'durationMs',
  'ticks',
  'seed',
  'neurons',
  'synapses',
  'spikes',
  'synapticEvents',
  'buildMs',
  'wallMs',
  'eventsPerSecond',
  'populations',
];

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

  it('a spec file may start with a UTF-8 BOM; one that is not UTF-8 is refused (exit 2)', async () => {
    const bom = join(tmp, 'bom.json'),
      latin1 = join(tmp, 'latin1.json');
    writeFileSync(bom, '\ufeff' + JSON.stringify(builtinNetwork('cuba', { n: 400 })));
    writeFileSync(latin1, Buffer.concat([Buffer.from('{"version":1,"dt":0.1,"name":"'), Buffer.from([0xe9]), Buffer.from('","populations":{}}')]));
    const [a, b] = await Promise.all([cli('run', bom, '--backend', 'cpu', '--duration', '10', '--json'), cli('run', latin1, '--backend', 'cpu')]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).neurons).toBe(400);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`spikegpu: ${latin1}: not valid UTF-8 (a JSON spec must be UTF-8 text)\n`);
  });

  it('output paths are checked before the run: a missing directory, a directory, the spec itself (exit 2, one line)', async () => {
    const specPath = join(tmp, 'own-spec.json');
    writeFileSync(specPath, JSON.stringify(builtinNetwork('cuba', { n: 400 })));
    const before = readFileSync(specPath, 'utf8');
    const cases: [string[], string][] = [
      [
        ['run', 'cuba', '--backend', 'cpu', '--duration', '100000', '--out', join(tmp, 'nope', 'x.csv')],
        `--out "${join(tmp, 'nope', 'x.csv')}": directory ${join(tmp, 'nope')} does not exist`,
      ],
      [
        ['run', specPath, '--backend', 'cpu', '--duration', '100000', '--out', specPath],
        `--out "${specPath}": is an input of this run; it would be overwritten`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await timed(cli(...args));
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`spikegpu: ${message}\n`);
      expect(r.ms).toBeLessThan(10_000); // 100 s of simulation never started
    }
    expect(readFileSync(specPath, 'utf8')).toBe(before);
  });

  it('--out writes JSON and CSV spike files consistent with the summary', async () => {
    const jsonPath = join(tmp, 'spikes.json'),
      csvPath = join(tmp, 'spikes.csv');
    const [a, b] = await Promise.all([
      cli('run', 'cuba', '--set', 'n=400', '--duration', '50', '--backend', 'cpu', '--json', '--out', jsonPath),
      cli('run', 'cuba', '--set', 'n=400', '--duration', '50', '--backend', 'cpu', '--out', csvPath),
    ]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const s = JSON.parse(a.stdout);
    expect(b.stdout).toContain(`spikes written to ${csvPath}`);

    const file = JSON.parse(readFileSync(jsonPath, 'utf8'));
    expect(Object.keys(file)).toEqual(['dt', 'complete', 'durationMs', 'populations']);
    expect([file.complete, file.durationMs]).toEqual([true, 50]);
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
    const expected = Object.entries(file.populations as Record<string, { times: number[]; ids: number[] }>).flatMap(([name, { times, ids }]) =>
      times.map((t, k) => `${name},${t},${ids[k]}`),
    );
    expect(rows.slice(1)).toEqual(expected);
    if (summary) expect(s.spikes).toBe(summary.spikes);
  });

  it('--weights-out writes the final weights of plastic projections (JSON with snapshots, CSV), and the summary shows them', async () => {
    const spec = builtinNetwork('song2000');
    spec.record = { spikes: ['neuron'], weights: [{ projection: 'inputs', every: 100 }] };
    const path = join(tmp, 'song.json'),
      json = join(tmp, 'w.json'),
      csv = join(tmp, 'w.csv');
    writeFileSync(path, JSON.stringify(spec));
    const [a, b] = await Promise.all([
      cli('run', path, '--backend', 'cpu', '--duration', '300', '--weights-out', json),
      cli('run', path, '--backend', 'cpu', '--duration', '300', '--weights-out', csv),
    ]);
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
    const [a, b] = await Promise.all([
      cli('run', path, '--backend', 'cpu', '--duration', '100', '--json'),
      cli('run', path, '--backend', 'cpu', '--duration', '100', '--json', '--seed', '8'),
    ]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const sa = JSON.parse(a.stdout),
      sb = JSON.parse(b.stdout);
    expect([sa.seed, sb.seed]).toEqual([3, 8]);
    expect(sa.network).toBe('network');
    // 20 neurons · 1000 ticks · p = 0.005 = 100 expected spikes
    for (const s of [sa, sb]) expect(Math.abs(s.spikes - 100)).toBeLessThan(4 * Math.sqrt(100));
  });
});

describe('invalid input: exit 2, one line on stderr, no stack trace', () => {
  const badSpec = join(tmp, 'bad.json'),
    notJson = join(tmp, 'not.json');
  const spec = builtinNetwork('cuba', { n: 100 }) as unknown as { populations: { E: { size: number } } };
  spec.populations.E.size = -1;
  writeFileSync(badSpec, JSON.stringify(spec));
  writeFileSync(notJson, 'this is { not json');

  const cases: [string, string[], string | RegExp][] = [
    ['a spec file with populations.E.size = -1', ['run', badSpec, '--backend', 'cpu'], 'spikegpu: populations.E.size: must be ≥ 1, got -1'],
    [
      'an unknown network',
      ['run', 'cubaa', '--backend', 'cpu'],
      'spikegpu: cubaa: no such built-in network or readable file (did you mean "cuba"?) (built-ins: cuba, coba, brunel, izhikevich2003, song2000, polychronization, microcircuit, adexPatterns, izhikevich2007)',
    ],
    [
      'export of an unknown network',
      ['export', 'cubaa'],
      'spikegpu: cubaa: no such built-in network or readable file (did you mean "cuba"?) (built-ins: cuba, coba, brunel, izhikevich2003, song2000, polychronization, microcircuit, adexPatterns, izhikevich2007)',
    ],
    ['--set bogus=1', ['run', 'cuba', '--set', 'bogus=1', '--backend', 'cpu'], 'spikegpu: --set bogus: network cuba has no option "bogus"; expected one of: n'],
    ['--set without =', ['run', 'cuba', '--set', 'n', '--backend', 'cpu'], 'spikegpu: --set expects key=value, got "n"'],
    [
      '--set on a spec file',
      ['run', badSpec, '--set', 'n=5', '--backend', 'cpu'],
      'spikegpu: --set applies to built-in networks only (cuba, coba, brunel, izhikevich2003, song2000, polychronization, microcircuit, adexPatterns, izhikevich2007)',
    ],
    ['--backend foo', ['run', 'cuba', '--backend', 'foo'], 'spikegpu: --backend: unknown value "foo"; expected one of: auto, webgpu, cpu'],
    [
      '--backend gpu (close to cpu)',
      ['run', 'cuba', '--backend', 'gpu'],
      'spikegpu: --backend: unknown value "gpu" (did you mean "cpu"?); expected one of: auto, webgpu, cpu',
    ],
    ['--duration abc', ['run', 'cuba', '--backend', 'cpu', '--duration', 'abc'], 'spikegpu: --duration must be a number ≥ 0, got "abc"'],
    ['--duration=-5', ['run', 'cuba', '--backend', 'cpu', '--duration=-5'], 'spikegpu: --duration must be a number ≥ 0, got "-5"'],
    [
      '--duration 1e12',
      ['run', 'cuba', '--backend', 'cpu', '--duration', '1e12'],
      'spikegpu: --duration: duration 1000000000000 ms is too long: ticks are counted in 32 bits, so a simulator runs at most 4294967295 ticks (429497000 ms at dt 0.1 ms)',
    ],
    ['--seed 1.5', ['run', 'cuba', '--backend', 'cpu', '--seed', '1.5'], 'spikegpu: --seed must be an integer ≥ 0, got "1.5"'],
    [
      '--out with another extension',
      ['run', 'cuba', '--backend', 'cpu', '--out', 'x.txt'],
      'spikegpu: --out must end in .json, .csv, .npy or .nwb, got "x.txt"',
    ],
    [
      '--weights-out with another extension',
      ['run', 'song2000', '--backend', 'cpu', '--weights-out', 'w.txt'],
      'spikegpu: --weights-out must end in .json or .csv, got "w.txt"',
    ],
    [
      '--weights-out in a spike-only format',
      ['run', 'song2000', '--backend', 'cpu', '--weights-out', 'w.npy'],
      'spikegpu: --weights-out must end in .json or .csv, got "w.npy"',
    ],
    [
      '--weights-out of a static network',
      ['run', 'cuba', '--set', 'n=100', '--backend', 'cpu', '--weights-out', join(tmp, 'w.json')],
      'spikegpu: --weights-out: cuba has no plastic projections',
    ],
    [
      'a non-JSON file',
      ['run', notJson, '--backend', 'cpu'],
      new RegExp(`^spikegpu: ${notJson.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON \\(.+\\)$`),
    ],
    [
      'an unknown option',
      ['run', 'cuba', '--backend', 'cpu', '--frobnicate'],
      /^spikegpu: unknown option --frobnicate for 'spikegpu run'; expected one of: --duration, /,
    ],
    ['--fused maybe', ['run', 'cuba', '--backend', 'cpu', '--fused', 'maybe'], 'spikegpu: --fused: unknown value "maybe"; expected one of: auto, on, off'],
    [
      'validate of an unknown case',
      ['validate', '--networks', 'cuba,nope'],
      'spikegpu: --networks: unknown case "nope"; expected one of: cuba, coba, brunelA, brunelC, izhikevich2003, song2000, song2000cond',
    ],
    ['validate with one seed', ['validate', '--seeds', '1'], 'spikegpu: --seeds must be an integer ≥ 2, got "1"'],
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

/** Exit 2, nothing on stdout, exactly one line on stderr (no stack trace); returns that line. */
function usageErrorLine(r: Result): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

/** Every `--option` a help text lists, in order. */
const listedOptions = (help: string) => [...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]);

describe('help and version', () => {
  const COMMAND_OPTIONS: Record<string, string[]> = {
    run: [
      '--duration',
      '--seed',
      '--backend',
      '--set',
      '--out',
      '--weights-out',
      '--checkpoint',
      '--checkpoint-every',
      '--resume',
      '--ticks-per-submit',
      '--fused',
      '--gpu-memory',
      '--dry-run',
      '--json',
      '--help',
    ],
    networks: ['--help'],
    export: ['--to', '--set', '--help'],
    validate: ['--against', '--networks', '--seeds', '--duration', '--size', '--backend', '--json', '--help'],
    learn: ['--neurons', '--epochs', '--seed', '--train-images', '--test-images', '--backend', '--json', '--help'],
    bench: ['--networks', '--sizes', '--backends', '--duration', '--repeats', '--out-dir', '--fused', '--no-floor', '--help'],
  };

  it('spikegpu --help lists the commands and the global options only', async () => {
    const [long, short, viaHelp] = await Promise.all([cli('--help'), cli('-h'), cli('help')]);
    for (const r of [long, short, viaHelp]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(long.stdout);
    }
    expect(long.stdout).toContain('Usage: spikegpu <command> [options]');
    for (const command of Object.keys(COMMAND_OPTIONS)) expect(long.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'));
    expect(listedOptions(long.stdout)).toEqual(['--version', '--help']);
  });

  it.concurrent.each(Object.entries(COMMAND_OPTIONS))(
    "spikegpu %s --help and 'spikegpu help %s' print that command's usage and options only",
    async (command, options) => {
      const [flag, short, viaHelp] = await Promise.all([cli(command, '--help'), cli(command, '-h'), cli('help', command)]);
      for (const r of [flag, short, viaHelp]) {
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe(flag.stdout);
      }
      expect(flag.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: spikegpu ${command}\\b.*\\[options\\]$`));
      expect(listedOptions(flag.stdout)).toEqual(options);
    },
  );

  it('help texts state defaults and choices from the option descriptions', async () => {
    const [run, validate, bench] = await Promise.all([cli('run', '--help'), cli('validate', '--help'), cli('bench', '--help')]);
    expect(run.stdout).toMatch(/^ {2}--duration <ms> +simulated time; default 1000, or with --resume the resumed run's$/m);
    expect(run.stdout).toMatch(/^ {2}--backend <auto\|webgpu\|cpu> .*/m);
    expect(run.stdout).toMatch(/--set <key=value> .*; repeatable$/m);
    for (const r of [run, validate]) expect(r.stdout).toMatch(/default auto$/m);
    expect(validate.stdout).toMatch(/^ {2}--seeds <n> .*; default 3$/m);
    expect(validate.stdout).toContain('python3-brian');
    expect(bench.stdout).toMatch(/^ {2}--out-dir <dir> .*; default bench-results$/m);
  });

  it('help after an invalid option still prints the help', async () => {
    const r = await cli('run', '--frobnicate', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('Usage: spikegpu run ')).toBe(true);
  });

  it("--version and -V print package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const [long, short] = await Promise.all([cli('--version'), cli('-V')]);
    for (const r of [long, short]) expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('arguments that do not belong to a command: exit 2, one line on stderr', () => {
  const cases: [string, string[], string | RegExp][] = [
    [
      'run --duraton',
      ['run', 'cuba', '--duraton', '5'],
      /^spikegpu: unknown option --duraton for 'spikegpu run' \(did you mean "--duration"\?\); expected one of: --duration, --seed, /,
    ],
    ['run --repeats (a bench option)', ['run', 'cuba', '--repeats', '3'], /^spikegpu: unknown option --repeats for 'spikegpu run'; expected one of: /],
    ['validate --seed', ['validate', '--seed', '3'], /^spikegpu: unknown option --seed for 'spikegpu validate' \(did you mean "--seeds"\?\)/],
    ['bench --repeat', ['bench', '--repeat', '3'], /^spikegpu: unknown option --repeat for 'spikegpu bench' \(did you mean "--repeats"\?\)/],
    [
      'bench --weights-out (a run option)',
      ['bench', '--weights-out', 'w.json'],
      /^spikegpu: unknown option --weights-out for 'spikegpu bench'; expected one of: /,
    ],
    [
      'export --duration (a run option)',
      ['export', 'cuba', '--duration', '5'],
      "spikegpu: unknown option --duration for 'spikegpu export'; expected one of: --to, --set, --help",
    ],
    ['networks --json', ['networks', '--json'], "spikegpu: unknown option --json for 'spikegpu networks'; expected one of: --help"],
    ['networks extra', ['networks', 'extra'], 'spikegpu: unexpected argument "extra"; usage: spikegpu networks [options]'],
    ['run with two targets', ['run', 'cuba', 'coba'], 'spikegpu: unexpected argument "coba"; usage: spikegpu run <spec.json | builtin> [options]'],
    ['validate cuba (a positional)', ['validate', 'cuba'], 'spikegpu: unexpected argument "cuba"; usage: spikegpu validate [options]'],
    [
      'run without a target',
      ['run', '--backend', 'cpu'],
      'spikegpu: run needs a spec file or a built-in network name (or --resume run.ckpt); usage: spikegpu run <spec.json | builtin> [options]',
    ],
    [
      'export without a network',
      ['export'],
      'spikegpu: export needs a spec file or a built-in network name; usage: spikegpu export <spec.json | builtin> [options]',
    ],
    ['a flag with a value', ['run', 'cuba', '--json=yes'], 'spikegpu: --json takes no value, got "yes"'],
    ['an option without its value', ['run', 'cuba', '--duration'], 'spikegpu: --duration needs a value (--duration <ms>)'],
    ['an option followed by another option', ['run', 'cuba', '--out', '--json'], 'spikegpu: --out needs a value (--out <file>)'],
    ['--size medium', ['validate', '--size', 'medium'], 'spikegpu: --size: unknown value "medium"; expected one of: small, full'],
    [
      'bench --backends cpux',
      ['bench', '--backends', 'webgpu,cpux'],
      'spikegpu: --backends: unknown backend "cpux" (did you mean "cpu"?); expected one of: webgpu, cpu, brian2',
    ],
    ['bench --sizes 1.5', ['bench', '--sizes', '1000,1.5'], 'spikegpu: --sizes must be an integer ≥ 1, got "1.5"'],
    [
      'an unknown command',
      ['rn', 'cuba'],
      'spikegpu: unknown command "rn" (did you mean "run"?); expected one of: run, networks, export, validate, learn, bench, help',
    ],
    [
      'help for an unknown command',
      ['help', 'valdate'],
      'spikegpu: unknown command "valdate" (did you mean "validate"?); expected one of: run, networks, export, validate, learn, bench, help',
    ],
    ['no command', [], "spikegpu: no command given; one of: run, networks, export, validate, learn, bench (see 'spikegpu --help')"],
    [
      'a command option before the command',
      ['--json', 'run', 'cuba'],
      /^spikegpu: unknown option --json for 'spikegpu' \(a command's options go after it\); expected one of: --version, --help$/,
    ],
  ];

  it.concurrent.each(cases)('%s', async (_label, args, message) => {
    const line = usageErrorLine(await cli(...args));
    if (typeof message === 'string') expect(line).toBe(message);
    else expect(line).toMatch(message);
  });
});

describe('spikegpu validate: the Brian2 interpreter fails → exit 1, one line naming it, no stack', () => {
  /** Passes the `-c 'import brian2'` check, then fails in the reference run like a Python error. */
  const brokenPython = join(tmp, 'broken-python');
  writeFileSync(
    brokenPython,
    '#!/bin/sh\n[ "$1" = -c ] && exit 0\necho "Traceback (most recent call last):" >&2\necho "RuntimeError: reference run exploded" >&2\nexit 3\n',
  );
  chmodSync(brokenPython, 0o755);
  const validateArgs = ['validate', '--networks', 'cuba', '--seeds', '2', '--duration', '10', '--backend', 'cpu'];

  const cases: [string, string, RegExp][] = [
    [
      'an interpreter without Brian2',
      '/bin/false',
      /^spikegpu: Brian2 is not available: \/bin\/false cannot import brian2; install Brian2 \(Debian: apt-get install python3-brian\) or set SPIKEGPU_PYTHON/,
    ],
    [
      'a missing interpreter',
      '/nonexistent/python3',
      /^spikegpu: Brian2 is not available: \/nonexistent\/python3 does not exist; install Brian2 \(Debian: apt-get install python3-brian\)/,
    ],
    [
      'a failing reference script',
      brokenPython,
      new RegExp(
        `^spikegpu: the Brian2 reference run failed: ${brokenPython.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} exited with status 3: RuntimeError: reference run exploded; install Brian2 \\(Debian: apt-get install python3-brian\\)`,
      ),
    ],
  ];

  it.concurrent.each(cases)('%s', async (_label, python, message) => {
    const r = await cliWithEnv({ SPIKEGPU_PYTHON: python }, ...validateArgs);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // Progress lines ("cuba: spikegpu seed 1 done") may come first; the failure is one line, last.
    const lines = r.stderr
      .trimEnd()
      .split('\n')
      .filter((l) => !/^spikegpu: cuba: spikegpu seed \d+ done$/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at |TypeError/);
  });
});

/** No WebGPU adapter, as on a machine without a GPU or SwiftShader (see test/unit/device.test.ts for how that is detected). */
const NO_ADAPTER_ENV = { SPIKEGPU_ADAPTER: 'none' };

describe('no WebGPU adapter', () => {
  const FALLBACK_LINE =
    /^spikegpu: running on the CPU reference \(same spikes, slower\): no WebGPU adapter found: .*apt-get install chromium.*; --backend cpu silences this$/;

  it('--backend auto (the default) runs on the CPU reference and says so in one stderr line', async () => {
    const r = await cliWithEnv(NO_ADAPTER_ENV, 'run', 'cuba', '--set', 'n=100', '--duration', '10', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'cpu', adapter: 'cpu (reference)' });
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(FALLBACK_LINE);
  });

  it('validate says it once per process, not once per simulator', async () => {
    // The reference fails after spikegpu's two simulators ran: enough to count the fallback lines.
    const r = await cliWithEnv(
      { ...NO_ADAPTER_ENV, SPIKEGPU_PYTHON: join(tmp, 'broken-python') },
      'validate',
      '--networks',
      'cuba',
      '--seeds',
      '2',
      '--duration',
      '10',
    );
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => FALLBACK_LINE.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /spikegpu seed \d+ done/.test(l))).toHaveLength(2);
  });

  it('--backend webgpu fails: exit 1, one line; SPIKEGPU_DEBUG=1 adds the stack', async () => {
    const [plain, debug] = await Promise.all([
      cliWithEnv(NO_ADAPTER_ENV, 'run', 'cuba', '--set', 'n=100', '--duration', '10', '--backend', 'webgpu'),
      cliWithEnv({ ...NO_ADAPTER_ENV, SPIKEGPU_DEBUG: '1' }, 'run', 'cuba', '--set', 'n=100', '--duration', '10', '--backend', 'webgpu'),
    ]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe('');
    const lines = plain.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^spikegpu: no WebGPU adapter found: .*; --backend auto or cpu runs the CPU reference$/);
    expect(debug.code).toBe(1);
    expect(debug.stderr.startsWith(`${lines[0]}\n`)).toBe(true);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

/** Wall time of a CLI call, ms, with its result. */
async function timed(run: Promise<Result>): Promise<Result & { ms: number }> {
  const t0 = performance.now();
  const r = await run;
  return { ...r, ms: performance.now() - t0 };
}

describe('memory planned before anything is allocated', () => {
  const huge = join(tmp, 'huge.json'),
    allToAll = join(tmp, 'all-to-all.json');
  writeFileSync(huge, JSON.stringify(HUGE));
  writeFileSync(allToAll, JSON.stringify(ALL_TO_ALL));
  const HUGE_LINE = 'spikegpu: populations.huge: 1000000000000 neurons, but neuron ids are u32: a network holds at most 4294967295';
  /** The CLI's own start-up (tsx, imports), to subtract from wall times. */
  const startup = async () => (await timed(cli('--version'))).ms;

  it('a 10^12-neuron spec exits 2 within a second of start-up, naming the population, allocating nothing', async () => {
    const base = await startup();
    for (const args of [[], ['--backend', 'cpu']]) {
      const r = await timed(cli('run', huge, ...args));
      expect(usageErrorLine(r)).toBe(HUGE_LINE);
      expect(r.ms - base).toBeLessThan(1000);
    }
  });

  it('a projection of more than 2^32 − 1 synapses is refused naming it', async () => {
    const r = await cli('run', allToAll, '--backend', 'cpu');
    expect(usageErrorLine(r)).toBe(
      'spikegpu: projections[0]: projection AB: allToAll from A (100000) to B (100000) makes 10000000000 synapses, but synapse indices are u32: at most 4294967295',
    );
  });

  it('--dry-run prints the plan of brunel n=100000 in under a second, without building it', async () => {
    const base = await startup();
    const r = await timed(cli('run', 'brunel', '--set', 'n=100000', '--dry-run', '--backend', 'cpu'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.ms - base).toBeLessThan(1000);
    const planMs = Number(/planned in ([\d.]+) ms/.exec(r.stdout)![1]);
    expect(planMs).toBeLessThan(1000);
    expect(r.stdout).toMatch(/^brunel-C: 100000 neurons, 125000000 synapses, dt 0\.1 ms; dry run, nothing built/);
    expect(r.stdout).toMatch(/^projections\[0\]\s+E → E\s+fixedInDegree\s+80000000\s+15 ticks\s+915\.5 MiB \(12 B\/synapse\)$/m);
    expect(r.stdout).toMatch(/^synapse targets\s+synapses\s+500000000\s+476\.8 MiB$/m);
    expect(r.stdout).toMatch(/^network buffers\s+1020000140\s+972\.7 MiB$/m);
    expect(r.stdout).toContain('8.16 B per synapse');
    expect(r.stdout).toMatch(/^host memory: about [\d.]+ GiB at peak: .* for the cpu backend; this machine has [\d.]+ GiB$/m);
    expect(r.stdout).toContain('adapter: CPU reference (--backend cpu)\n  GPU limits do not apply; host memory does\n');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('fits: yes');
  });

  it('--dry-run of the procedural microcircuit: no synapse buffers, row lengths only', async () => {
    const r = await cli('run', 'microcircuit', '--set', 'connectivity=procedural', '--dry-run', '--backend', 'cpu');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^microcircuit: 77169 neurons, 298880968 synapses/);
    expect(r.stdout).toMatch(/^L23E->L23E \(procedural\)\s+L23E → L23E\s+fixedTotal\s+45499805\s+60 ticks\s+80\.8 KiB \(0 B\/synapse\)$/m);
    expect(r.stdout).toMatch(/^synapse targets\s+synapses\s+0\s+0 B$/m);
    expect(r.stdout).toMatch(/^procedural row lengths\s+procedural\s+\d+/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('fits: yes');
  });

  it('--dry-run without an adapter says so: the CPU reference, host memory only', async () => {
    const r = await cliWithEnv(NO_ADAPTER_ENV, 'run', 'cuba', '--dry-run', '--gpu-memory', '0.001');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^adapter: no adapter: CPU reference \(no WebGPU adapter found: .*\)$/m);
    expect(r.stdout).toContain('GPU memory: budget 1.0 MiB, not used on the CPU');
  });

  it('--dry-run --json prints the plan as one object', async () => {
    const r = await cli('run', 'song2000', '--dry-run', '--json', '--backend', 'cpu', '--ticks-per-submit', '50');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const plan = JSON.parse(lines[0]);
    expect(Object.keys(plan)).toEqual([
      'dryRun',
      'network',
      'dt',
      'neurons',
      'synapses',
      'synapsesExact',
      'exact',
      'populations',
      'projections',
      'gpu',
      'host',
      'limits',
      'problems',
      'fits',
      'backend',
      'adapter',
      'planMs',
    ]);
    expect(plan).toMatchObject({ dryRun: true, network: 'song2000', neurons: 1001, synapses: 1000, exact: true, fits: true, problems: [], backend: 'cpu' });
    expect(Object.keys(plan.gpu)).toEqual(['buffers', 'bytes', 'networkBytes', 'largest', 'ticksPerSubmit']);
    expect(Object.keys(plan.host)).toEqual(['bytes', 'buildBytes', 'backendBytes', 'backend']);
    expect(plan.gpu.ticksPerSubmit).toBe(50);
    expect(plan.projections).toEqual([
      {
        name: 'inputs',
        index: 0,
        pre: 'inputs',
        post: 'neuron',
        rule: 'allToAll',
        synapses: 1000,
        exact: true,
        plastic: true,
        maxDelayTicks: 1,
        procedural: false,
        hostBytes: 48 * 1000,
      },
    ]);
    expect(plan.gpu.buffers.find((b: { name: string }) => b.name === 'inputs weights')).toEqual({
      name: 'inputs weights',
      role: 'plasticSynapses',
      bytes: 4000,
    });
    expect(plan.limits.hostMemoryBytes).toBeGreaterThan(0);
  });

  it('--dry-run of a network that does not fit: the plan on stdout, exit 2 with the reason in one stderr line', async () => {
    const [text, json] = await Promise.all([cli('run', huge, '--dry-run', '--backend', 'cpu'), cli('run', huge, '--dry-run', '--json', '--backend', 'cpu')]);
    for (const r of [text, json]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`${HUGE_LINE}\n`);
    }
    expect(text.stdout).toMatch(/^huge\s+1000000000000\s+lif$/m);
    expect(text.stdout).toContain('fits: no: populations.huge: 1000000000000 neurons');
    expect(JSON.parse(json.stdout)).toMatchObject({ fits: false, neurons: 1e12, problems: [{ kind: 'ids', path: 'populations.huge' }] });
  });

  it('--gpu-memory is checked as a number option', async () => {
    const r = await cli('run', 'cuba', '--gpu-memory', 'lots', '--backend', 'cpu');
    expect(usageErrorLine(r)).toBe('spikegpu: --gpu-memory must be a number ≥ 0, got "lots"');
  });
});
