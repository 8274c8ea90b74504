/** `spikegpu networks` and `spikegpu export`: the built-in networks, and a spec as JSON or as a PyNN script. */
import { exportPynn } from '../src/export/pynn.ts';
import { validateSpec } from '../src/netspec/validateSpec.ts';
import { builtinNetworks } from '../src/networks/index.ts';
import { defineCommand } from './args.ts';
import { loadSpec, parseSets, SET_OPTION, spikegpuVersion } from './shared.ts';

export const networksCommand = defineCommand({
  name: 'networks',
  summary: 'list the built-in networks and their --set options',
  operands: [],
  options: {},
  async run() {
    const lines: string[] = [];
    for (const n of Object.values(builtinNetworks)) {
      lines.push(`${n.name}: ${n.doc}`);
      for (const [k, o] of Object.entries(n.options))
        lines.push(`  --set ${k}=<${o.choices ? o.choices.join('|') : 'number'}>  default ${o.default}. ${o.doc}`);
      lines.push('');
    }
    process.stdout.write(lines.join('\n'));
    return 0;
  },
});

export const exportCommand = defineCommand({
  name: 'export',
  summary: "print a network's spec JSON (a start for your own spec file), or a PyNN script that runs it on NEST, NEURON or Brian2",
  operands: [{ name: '<spec.json | builtin>', missing: 'a spec file or a built-in network name' }],
  options: {
    to: {
      type: 'choice',
      choices: ['spec', 'pynn'] as const,
      default: 'spec',
      help: 'spec: the spec JSON; pynn: a standalone PyNN 0.10 script (--simulator nest|neuron|brian2, --out spikes.json, runs under mpirun)',
    },
    set: SET_OPTION,
  },
  notes:
    'What PyNN cannot express (a pulse receptor on lif, nearest-spike STDP, per-synapse arrays outside a list rule, …) is refused with exit 2 and the JSON path; the script itself refuses what one simulator lacks (delta synapses on NEURON). Units and mappings: docs/pynn.md.',
  async run(o, [target]) {
    const doc = loadSpec(target, parseSets(o.set), undefined);
    if (o.to === 'spec') {
      process.stdout.write(JSON.stringify(validateSpec(doc), null, 2) + '\n');
      return 0;
    }
    const command = ['spikegpu export', target, ...o.set.map((s) => `--set ${s}`), '--to pynn'].join(' ');
    const { script, gaps, notes } = exportPynn(doc, { source: command, version: spikegpuVersion() });
    process.stdout.write(script);
    for (const g of gaps) process.stderr.write(`spikegpu: note: ${g.path}: ${g.problem} on pyNN.${g.simulator}; the script refuses to run there\n`);
    for (const n of notes) process.stderr.write(`spikegpu: note: ${n}\n`);
    return 0;
  },
});
