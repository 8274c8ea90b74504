/** Options and behaviour that several commands share. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { packagePath } from '../tools/packagePath.ts';
import { resolveEncoders } from '../src/encoding/specEncoder.ts';
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
 * for networks that draw from one); not yet validated. Unreadable or non-JSON files are UsageErrors. A spec
 * file's encoder blocks are resolved (resolveEncoders), their data files read relative to the spec's folder.
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
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${target}: not valid JSON (${(e as Error).message})`);
  }
  // Encoder blocks name data files relative to the spec's folder; their problems are SpecErrors (exit 2, with the path).
  return resolveEncoders(doc, (path) => readFileSync(resolve(dirname(target), path)));
}

/** Exit codes after a signal, as shells report them (128 + the signal's number). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * The first SIGINT or SIGTERM aborts `signal` so that a command stops where it can (`run`: at
 * the end of its current window, writing the outputs for the time simulated); a second exits
 * at once. `release` restores the default. `stopping` says where the command stops, for the message.
 */
export function stopOnSignal(stopping = 'at the end of this window to write what was simulated'): {
  signal: AbortSignal;
  received: keyof typeof SIGNAL_EXIT | null;
  release: () => void;
} {
  const controller = new AbortController();
  const state = {
    signal: controller.signal,
    received: null as keyof typeof SIGNAL_EXIT | null,
    release: () => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
    },
  };
  const onInterrupt = () => onSignal('SIGINT');
  const onTerminate = () => onSignal('SIGTERM');
  function onSignal(sig: keyof typeof SIGNAL_EXIT) {
    if (state.received) process.exit(SIGNAL_EXIT[sig]);
    state.received = sig;
    process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}spikegpu: ${sig}: stopping ${stopping} (${sig} again quits at once)\n`);
    controller.abort();
  }
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  return state;
}
