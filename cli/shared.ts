/** Options and behaviour that several commands share. */
import { readFileSync } from 'node:fs';
import { packagePath } from '../tools/packagePath.ts';
import { didYouMean } from '../src/netspec/validateSpec.ts';
import { builtinNetwork, builtinNetworks } from '../src/networks/index.ts';
import { UsageError, type OptionSpec } from './args.ts';

/** spikegpu's version, from its package.json (for --version and the files that record it). */
export const spikegpuVersion = (): string => (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;

export const BACKEND_OPTION = {
  type: 'choice',
  choices: ['auto', 'webgpu', 'cpu'] as const,
  default: 'auto',
  help: 'auto: WebGPU where an adapter exists, else the CPU reference (same spikes, slower); webgpu: fail without an adapter; cpu: the reference',
} as const satisfies OptionSpec;

export const SET_OPTION = {
  type: 'string',
  value: 'key=value',
  repeatable: true,
  help: "built-in network option (see 'spikegpu networks')",
} as const satisfies OptionSpec;

export const FUSED_OPTION = {
  type: 'choice',
  choices: ['auto', 'on', 'off'] as const,
  default: 'auto',
  help: 'WebGPU: run each window in one single-workgroup dispatch (auto: small single-group networks)',
} as const satisfies OptionSpec;

/** `--fused` as `SimulatorOptions.fused`. */
export const FUSED_SETTING = { auto: 'auto', on: true, off: false } as const;

/** `--set key=value`... as built-in network options. */
export function parseSets(sets: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got ${JSON.stringify(s)}`);
    options[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return options;
}

/**
 * How to get WebGPU, for a NoAdapterError's message; empty where the message already says
 * (the library names the chromium package itself when SwiftShader is missing).
 */
export function webGpuHint(reason: string): string {
  return reason.includes('apt-get install chromium')
    ? ''
    : '; for WebGPU install a GPU driver, or on Debian `apt-get install chromium libvulkan1` (chromium ships SwiftShader)';
}

let fallbackReported = false;

/**
 * With `--backend auto` on the CPU: say so on stderr, once per process (validate creates many
 * simulators), with the reason (`Simulator.fallback`) and the way to WebGPU.
 */
export function reportCpuFallback(reason: string): void {
  if (fallbackReported) return;
  fallbackReported = true;
  process.stderr.write(`spikegpu: running on the CPU reference (same spikes, slower): ${reason}${webGpuHint(reason)}; --backend cpu silences this\n`);
}

const builtinNames = () => Object.keys(builtinNetworks).join(', ');

/**
 * A spec document from a file path or a built-in network name (with `--set` options, and the seed
 * for networks that draw from one); not yet validated. Unreadable or non-JSON files are UsageErrors.
 */
export function loadSpec(target: string, sets: Record<string, string>, seed: number | undefined): unknown {
  if (Object.hasOwn(builtinNetworks, target)) {
    const withSeed = seed !== undefined && 'seed' in builtinNetworks[target].options ? { ...sets, seed: String(seed) } : sets;
    return builtinNetwork(target, withSeed);
  }
  if (Object.keys(sets).length) throw new UsageError(`--set applies to built-in networks only (${builtinNames()})`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(target);
  } catch {
    throw new UsageError(
      `${target}: no such built-in network or readable file${didYouMean(target, Object.keys(builtinNetworks))} (built-ins: ${builtinNames()})`,
    );
  }
  let text: string;
  try {
    // JSON is UTF-8: invalid bytes are an error, not replacement characters; a BOM is allowed.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UsageError(`${target}: not valid UTF-8 (a JSON spec must be UTF-8 text)`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${target}: not valid JSON (${(e as Error).message})`);
  }
}
