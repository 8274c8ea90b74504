/**
 * `exportPynn` / `spikegpu export --to pynn`: the script's unit conversions, what it refuses
 * (with the JSON path), and that every exportable built-in network gives a script Python
 * compiles. Running the scripts on NEURON and Brian2 is test/validation/pynn.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportPynn } from '../../src/export/pynn.ts';
import { SpecError } from '../../src/netspec/errors.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import { builtinNetwork } from '../../src/networks/index.ts';
import { diehlCookNetwork } from '../../src/learning/diehlCook.ts';
import { REFERENCE_PYTHON } from '../../tools/referencePython.ts';
import { cli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'spikegpu-pynn-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The SpecError path and message of exporting `spec`. */
function refusal(spec: unknown): string {
  try {
    exportPynn(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as Error).message;
  }
  throw new Error('exported without a refusal');
}

const lifPair = (receptors: object, projections: object[]): NetworkSpec =>
  ({
    version: 1,
    dt: 0.1,
    populations: { A: { size: 4, model: 'lif', params: { receptors } }, B: { size: 4, model: 'lif', params: { tauM: 10, receptors } } },
    projections,
  }) as NetworkSpec;

describe('exportPynn: units', () => {
  it('cuba: mV current weights become nA for cm = 1 nF (w · cm / tauM), inhibitory ones negative', () => {
    const { script, gaps } = exportPynn(builtinNetwork('cuba', { n: 1000 }));
    expect(gaps).toEqual([]);
    expect(script).toContain('sim.IF_curr_exp(');
    expect(script).toContain('cm=1.0');
    // 1.62 mV · 1 nF / 20 ms = 0.081 nA; -9 mV → -0.45 nA
    expect(script).toContain('sim.StaticSynapse(weight=0.081, delay=0.1),\n        receptor_type="excitatory"');
    expect(script).toContain('sim.StaticSynapse(weight=-0.45, delay=0.1),\n        receptor_type="inhibitory"');
    expect(script).toContain("RandomDistribution('uniform', low=-60.0, high=-50.0, rng=rng)");
  });

  it('coba: conductances in units of the leak become µS (w / tauM), the higher reversal excitatory; iExt becomes nA', () => {
    const { script } = exportPynn(builtinNetwork('coba', { n: 1000 }));
    expect(script).toContain('sim.IF_cond_exp(');
    expect(script).toMatch(/tau_syn_E=5\.0,\s+e_rev_E=0\.0,\s+tau_syn_I=10\.0,\s+e_rev_I=-80\.0,\s+i_offset=1\.0/);
    expect(script).toContain('weight=0.03, delay=0.1),\n        receptor_type="excitatory"'); // 0.6 / 20
    expect(script).toContain('weight=0.335, delay=0.1),\n        receptor_type="inhibitory"'); // 6.7 / 20
  });

  it('izhikevich: pulse weights become jumps of w · dt mV, noise and iExt nA (÷ 1000), u starts at b · v', () => {
    const spec = builtinNetwork('izhikevich2003', {});
    const { script, notes } = exportPynn({ ...spec, dt: 0.5, populations: { ...spec.populations, E: { ...spec.populations.E, iExt: 4 } } });
    expect(script).toContain("RandomDistribution('uniform', low=0.0, high=0.25, rng=rng)"); // uniform [0, 0.5] · 0.5 ms
    expect(script).toContain("RandomDistribution('uniform', low=-0.5, high=0.0, rng=rng)");
    expect(script).toContain('i_offset=0.004');
    expect(script).toMatch(/inject_noise\(sim, E, 0\.005, 0\.5, args\.duration, \[args\.seed, 0\]\)/);
    expect(script).toContain("initial_values={'v': E_v, 'u': E_b * E_v}");
    expect(notes.join('\n')).toContain('populations.E.params.substeps');
  });

  it('STDP: additive amplitudes relative to w_max, bounds in PyNN units, all-pairs rule, no dendritic delay', () => {
    const { script } = exportPynn(builtinNetwork('song2000', {}));
    expect(script).toContain('sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.0105)'); // 1e-4 / 0.01
    expect(script).toContain('sim.AdditiveWeightDependence(w_min=0.0, w_max=0.001)'); // 0.01 / tauM 10
    expect(script).toContain('dendritic_delay_fraction=0');
    expect(script).toContain('plastic["inputs"] = (sim.Projection(');
  });

  it('poissonInput becomes one Poisson source of count · rate per neuron, one to one; fixedTotal a list drawn in the script', () => {
    const { script } = exportPynn(builtinNetwork('microcircuit', { scale: 0.02 }));
    // 32 sources of 8 Hz; the drive is split on Brian2, which fires a source at most once a step
    expect(script).toMatch(/poisson_drive\(sim, L23E, 256\.0, [\d.e-]+, 0\.1, "excitatory", "L23E poissonInput\[0\]"\)/);
    expect(script).toContain("if sim.__name__.endswith('brian2'):");
    expect(script).toContain('sim.OneToOneConnector()');
    expect(script).toMatch(/sim\.FromListConnector\(fixed_total_pairs\(\d+, \d+, \d+, True, True, (True|False), \[args\.seed, \d+\]\)\)/);
    expect(script).toContain("RandomDistribution('normal_clipped'");
  });

  it('delta synapses export for NEST and Brian2, with NEURON recorded as a gap the script refuses', () => {
    const { script, gaps } = exportPynn(builtinNetwork('brunel', { n: 2500 }));
    expect(script).toContain('sim.IF_curr_delta(');
    expect(gaps).toEqual([
      { simulator: 'neuron', path: 'populations.E.params.receptors', problem: 'delta synapses (IF_curr_delta) are not available' },
      { simulator: 'neuron', path: 'populations.I.params.receptors', problem: 'delta synapses (IF_curr_delta) are not available' },
    ]);
    expect(script).toContain('FixedNumberPreConnector(1000, allow_self_connections=True, with_replacement=False, rng=rng)');
  });
});

describe('exportPynn: what PyNN cannot express is refused with the JSON path', () => {
  const cases: [string, unknown, RegExp][] = [
    ['nearest-spike STDP', builtinNetwork('polychronization', {}), /^projections\[0\]\.plasticity\.pairing: "nearest" cannot be exported/],
    ['an adaptiveLif population (Diehl & Cook)', diehlCookNetwork({ neurons: 4 }), /^populations\.E\.model: adaptiveLif cannot be exported to PyNN/],
    [
      'a rateTable',
      { version: 1, dt: 0.1, populations: { P: { size: 2, model: 'poisson', rateTable: { every: 10, rates: [1, 2] } } } },
      /^populations\.P\.rateTable: cannot be exported: PyNN's SpikeSourcePoisson has one constant rate/,
    ],
    [
      'weight normalisation',
      (() => {
        const spec = diehlCookNetwork({ neurons: 4 });
        spec.populations.E = { ...spec.populations.E, model: 'lif', params: { ...spec.populations.E.params, thetaPlus: undefined, tauTheta: undefined } };
        return JSON.parse(JSON.stringify(spec));
      })(),
      /^projections\[0\]\.plasticity\.normalize: cannot be exported: PyNN has no weight normalisation/,
    ],
    [
      'a pulse receptor on lif',
      lifPair({ p: { kind: 'pulse' } }, [{ pre: 'A', post: 'B', connect: { rule: 'oneToOne' }, weight: 1, receptor: 'p' }]),
      /^populations\.A\.params\.receptors\.p\.kind: pulse receptors on lif cannot be exported/,
    ],
    [
      'two kinds of receptor on one population',
      lifPair({ c: { kind: 'current', tau: 5 }, d: { kind: 'delta' } }, []),
      /^populations\.A\.params\.receptors: receptors of kinds current and delta/,
    ],
    [
      'a current receptor taking both signs beside another',
      lifPair({ e: { kind: 'current', tau: 5 }, i: { kind: 'current', tau: 10 } }, [
        { pre: 'A', post: 'B', connect: { rule: 'oneToOne' }, weight: 1, receptor: 'e' },
        { pre: 'B', post: 'B', connect: { rule: 'oneToOne' }, weight: -1, receptor: 'e' },
      ]),
      /^populations\.B\.params\.receptors\.e: receives excitatory \(> 0\) and inhibitory \(< 0\) weights/,
    ],
    [
      'weights of both signs in one projection',
      lifPair({ d: { kind: 'delta' } }, [{ pre: 'A', post: 'B', connect: { rule: 'allToAll' }, weight: { uniform: [-1, 1] }, receptor: 'd' }]),
      /^projections\[0\]\.weight: weights of both signs \(-1\.0 … 1\.0\)/,
    ],
    [
      'per-synapse weights outside a list rule',
      lifPair({ d: { kind: 'delta' } }, [{ pre: 'A', post: 'B', connect: { rule: 'oneToOne' }, weight: [1, 1, 1, 1], receptor: 'd' }]),
      /^projections\[0\]\.weight: per-synapse arrays cannot be exported with the oneToOne rule/,
    ],
    [
      'multiplicative STDP with wMin ≠ 0',
      lifPair({ d: { kind: 'delta' } }, [
        {
          pre: 'A',
          post: 'B',
          connect: { rule: 'oneToOne' },
          weight: 1,
          receptor: 'd',
          plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.1, aMinus: 0.1, wMin: 0.5, wMax: 2, mode: 'multiplicative' },
        },
      ]),
      /^projections\[0\]\.plasticity\.wMin: must be 0 for multiplicative STDP/,
    ],
  ];
  it.each(cases)('%s', (_, spec, message) => {
    expect(refusal(spec)).toMatch(message);
  });

  it('an invalid spec is the validator’s SpecError, not an export error', () => {
    expect(refusal({ version: 1, dt: 0.1, populations: { A: { size: 0, model: 'lif' } } })).toMatch(/^populations\.A\.size: must be ≥ 1/);
  });
});

describe('spikegpu export --to pynn', () => {
  it('prints a script that Python compiles, for every built-in network PyNN can express', async () => {
    for (const [name, sets] of [
      ['cuba', []],
      ['coba', []],
      ['brunel', ['--set', 'n=2500']],
      ['izhikevich2003', []],
      ['song2000', []],
      ['microcircuit', ['--set', 'scale=0.01']],
    ] as const) {
      const r = await cli('export', name, ...sets, '--to', 'pynn');
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^#!\/usr\/bin\/env python3\n"""/);
      expect(r.stdout).toContain(`(spikegpu export ${name}`);
      const file = join(dir, `${name}.py`);
      writeFileSync(file, r.stdout);
      execFileSync(REFERENCE_PYTHON, ['-m', 'py_compile', file]);
    }
  }, 60_000);

  it('refuses what PyNN cannot express with exit 2 and one line naming the JSON path', async () => {
    const r = await cli('export', 'polychronization', '--to', 'pynn');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'spikegpu: projections[0].plasticity.pairing: "nearest" cannot be exported: PyNN\'s SpikePairRule pairs all spikes and it has no nearest-spike rule',
    ]);
  });

  it('exports a spec file too, and names a gap on stderr; the script refuses that simulator with exit 2 and the path', async () => {
    const specFile = join(dir, 'brunel.json');
    writeFileSync(specFile, JSON.stringify(builtinNetwork('brunel', { n: 1250 })));
    const r = await cli('export', specFile, '--to', 'pynn');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('spikegpu: note: populations.E.params.receptors: delta synapses (IF_curr_delta) are not available on pyNN.neuron');
    const script = join(dir, 'brunel.py');
    writeFileSync(script, r.stdout);
    // The refusal comes before PyNN is imported, so this needs Python only.
    const run = spawnSync(REFERENCE_PYTHON, [script, '--simulator', 'neuron'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('populations.E.params.receptors: delta synapses (IF_curr_delta) are not available on pyNN.neuron\n');
  });
});
