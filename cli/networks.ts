/** `spikegpu networks` and `spikegpu export <builtin>`: the built-in networks. */
import { builtinNetwork, builtinNetworks } from '../src/networks/index.ts';
import { defineCommand } from './args.ts';
import { parseSets, SET_OPTION } from './shared.ts';

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
  summary: "print a built-in network's spec JSON (a start for your own spec file)",
  operands: [{ name: '<builtin>', missing: 'a built-in network name' }],
  options: { set: SET_OPTION },
  async run(o, [name]) {
    process.stdout.write(JSON.stringify(builtinNetwork(name, parseSets(o.set)), null, 2) + '\n');
    return 0;
  },
});
