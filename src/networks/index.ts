/** Built-in networks (sources and parameters: docs/networks.md), and `--set key=value` option parsing. */
import { SpecError } from '../netspec/errors.ts';
import type { NetworkSpec } from '../netspec/types.ts';
import { suggest } from '../netspec/validateSpec.ts';
import { adexPatterns } from './adexPatterns.ts';
import { brunel } from './brunel.ts';
import { izhikevich2003 } from './izhikevich2003.ts';
import { izhikevich2007 } from './izhikevich2007.ts';
import { microcircuit } from './microcircuit.ts';
import type { BuiltinNetwork } from './network.ts';
import { polychronization } from './polychronization.ts';
import { song2000 } from './song2000.ts';
import { coba, cuba } from './vogelsAbbott.ts';

export const builtinNetworks: Record<string, BuiltinNetwork> = {
  cuba,
  coba,
  brunel,
  izhikevich2003,
  song2000,
  polychronization,
  microcircuit,
  adexPatterns,
  izhikevich2007,
};

/** Parse and check option values (strings from `--set`, or already typed). */
export function resolveOptions(network: BuiltinNetwork, given: Record<string, string | number>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const key of Object.keys(given)) {
    if (!(key in network.options))
      throw new SpecError(`--set ${key}`, `network ${network.name} has no option ${JSON.stringify(key)}${suggest(key, Object.keys(network.options))}`);
  }
  for (const [key, opt] of Object.entries(network.options)) {
    const raw = given[key] ?? opt.default;
    if (typeof opt.default === 'number') {
      const x = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(x)) throw new SpecError(`--set ${key}`, `must be a number, got ${JSON.stringify(raw)}`);
      if (opt.min !== undefined && x < opt.min) throw new SpecError(`--set ${key}`, `must be ≥ ${opt.min}, got ${x}`);
      out[key] = x;
    } else {
      const s = String(raw);
      if (opt.choices && !opt.choices.includes(s)) throw new SpecError(`--set ${key}`, `must be one of ${opt.choices.join(', ')}; got ${JSON.stringify(s)}`);
      out[key] = s;
    }
  }
  return out;
}

/**
 * The spec of a built-in network.
 * @example builtinNetwork('brunel', { regime: 'A', n: 2500 })
 */
export function builtinNetwork(name: string, options: Record<string, string | number> = {}): NetworkSpec {
  const network = Object.hasOwn(builtinNetworks, name) ? builtinNetworks[name] : undefined;
  if (!network) throw new SpecError('', `unknown network ${JSON.stringify(name)}${suggest(name, Object.keys(builtinNetworks))}`);
  return network.build(resolveOptions(network, options));
}
