/**
 * Triplet STDP (Pfister & Gerstner 2006, `rule: 'triplet'`) on the pairing-frequency protocol
 * (Sjöström et al. 2001) in spikegpu and in Brian2 (`tools/validation/brian2/triplet.py`,
 * event-driven traces, the same dt), weight change for weight change. Per frequency f, 60
 * pre/post pairings from 100 ms with post Δ = +10 ms and −10 ms after pre, every spike time
 * rounded to the nearest tick as triplet.py rounds it. Both start at w = 0.5 with bounds
 * [−5, 5], wide enough that no row is clipped. A row (f, Δ) passes when
 *   |dw_spikegpu − dw_brian2| ≤ 1e-4 + 1e-3 · |dw_brian2|
 * (spikegpu keeps weights and traces in f32, Brian2 in f64).
 *   npx tsx tools/validation/tripletPairing.ts [--backend cpu|webgpu] [--pairing all|nearest]
 * prints the table and exits 1 if a row fails. Node only: it starts Python.
 */
import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { plasticityRules } from '../../src/models/index.ts';
import type { TripletSpec } from '../../src/models/stdp.ts';
import type { NetworkSpec } from '../../src/netspec/types.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { packagePath } from '../packagePath.ts';
import { REFERENCE_PYTHON } from '../referencePython.ts';
import { isMainModule } from '../isMain.ts';

const run = promisify(execFile);

const TRIPLET_SCRIPT = packagePath('tools/validation/brian2/triplet.py');

/** Time step of the protocol network, ms (both simulators). */
export const TRIPLET_DT = 0.1;
/** Initial weight of every plastic synapse: triplet.py's `W0`. */
export const TRIPLET_W0 = 0.5;
/** Absolute part of the pass rule. */
export const ABS_TOLERANCE = 1e-4;
/** Relative part of the pass rule (of |dw_brian2|). */
export const REL_TOLERANCE = 1e-3;
/** Offsets Δ = t_post − t_pre (arrival), ms. */
const OFFSETS = [10, -10];
/** First pre spike, ms (triplet.py's `T0_MS`). */
const T0_MS = 100;

/** One synapse's protocol: presynaptic arrival ticks and postsynaptic spike ticks. */
export interface TripletProtocol {
  arrivals: number[];
  posts: number[];
}

/**
 * Independent synapses, one per protocol: pre k (a spike source) reaches post k through a
 * plastic synapse of `delayTicks`; a driver's delta kick makes post k fire exactly in its
 * spike ticks (post is a lif that the kick takes from rest to far above threshold).
 * The plastic projection is named `triplet`; every weight starts at `TRIPLET_W0`.
 */
export function protocolNetwork(protocols: TripletProtocol[], rule: TripletSpec, delayTicks: number, dt = TRIPLET_DT): NetworkSpec {
  const atTick = (tick: number) => (tick + 0.5) * dt;
  const events = (ticksOf: (p: TripletProtocol) => number[], shift: number) => {
    const pairs = protocols.flatMap((p, k) => ticksOf(p).map((t) => [t - shift, k] as const)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return { times: pairs.map(([t]) => atTick(t)), ids: pairs.map(([, k]) => k) };
  };
  const n = protocols.length;
  return {
    version: 1,
    dt,
    populations: {
      pre: { size: n, model: 'spikeSource', ...events((p) => p.arrivals, delayTicks) },
      driver: { size: n, model: 'spikeSource', ...events((p) => p.posts, 1) },
      post: {
        size: n,
        model: 'lif',
        params: { vRest: -70, vThresh: -50, vReset: -70, tRef: 0, receptors: { kick: { kind: 'delta' }, plastic: { kind: 'current', tau: 1 } } },
      },
    },
    projections: [
      { name: 'drive', pre: 'driver', post: 'post', connect: { rule: 'oneToOne' }, weight: 60, delay: dt, receptor: 'kick' },
      {
        name: 'triplet',
        pre: 'pre',
        post: 'post',
        connect: { rule: 'oneToOne' },
        weight: TRIPLET_W0,
        delay: delayTicks * dt,
        receptor: 'plastic',
        plasticity: rule,
      },
    ],
  };
}

/** Python's round(): half to even (triplet.py rounds spike times with it). */
function pyRound(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The protocol at `hz` exactly as triplet.py builds it: pre k at 100 ms + k·1000/f, post Δ
 * later, each time rounded to the nearest tick separately (same float operations, so the same
 * ticks). In spikegpu the pre ticks are *arrival* ticks (Brian2's synapse has no delay).
 */
export function pairingTicks(hz: number, offsetMs: number, pairings: number, dt = TRIPLET_DT): TripletProtocol {
  const period = 1000 / hz;
  const ks = Array.from({ length: pairings }, (_, k) => k);
  return { arrivals: ks.map((k) => pyRound((T0_MS + k * period) / dt)), posts: ks.map((k) => pyRound((T0_MS + k * period + offsetMs) / dt)) };
}

export interface TripletPairingRow {
  frequency: number;
  /** Δ = t_post − t_pre(arrival), ms. */
  offset: number;
  spikegpu: number;
  brian2: number;
  /** |spikegpu − brian2|. */
  diff: number;
  pass: boolean;
}

export interface TripletPairingOptions {
  /** spikegpu's backend (default 'cpu'). */
  backend?: 'cpu' | 'webgpu';
  device?: GpuContext;
  /** Trace pairing (default 'all'). */
  pairing?: 'all' | 'nearest';
  /** Pairing frequencies, Hz (default 1, 5, 10, 20, 30, 40, 50). */
  frequencies?: number[];
  /** Pairings per frequency (default 60). */
  pairings?: number;
  /** [wMin, wMax] in both simulators (default [−5, 5]; must hold 0.5). */
  bounds?: [number, number];
  /** Rule parameters (a2Plus … tauY); those not given take the rule's defaults. */
  params?: Partial<Record<'a2Plus' | 'a3Plus' | 'a2Minus' | 'a3Minus' | 'tauPlus' | 'tauMinus' | 'tauX' | 'tauY', number>>;
  /** Synaptic delay in spikegpu, ticks (default 3; the pre spikes are shifted back by it). */
  delayTicks?: number;
}

export interface TripletPairingResult {
  rows: TripletPairingRow[];
  pass: boolean;
  table: string;
  /** Brian2's version. */
  brian2: string;
}

/** triplet.py's answer. */
interface Brian2Output {
  brian2: string;
  results: { frequency: number; offset: number; dw: number }[];
}

const PARAM_KEYS = ['a2Plus', 'a3Plus', 'a2Minus', 'a3Minus', 'tauPlus', 'tauMinus', 'tauX', 'tauY'] as const;

/** The rule's defaults for the eight parameters triplet.py needs, overridden by `given`. */
function ruleParams(given: TripletPairingOptions['params'] = {}): Record<(typeof PARAM_KEYS)[number], number> {
  const info = plasticityRules.triplet.params;
  return Object.fromEntries(
    PARAM_KEYS.map((k) => {
      const v = given[k] ?? info[k].default;
      if (typeof v !== 'number') throw new Error(`triplet parameter ${k} has no default`);
      return [k, v];
    }),
  ) as Record<(typeof PARAM_KEYS)[number], number>;
}

async function brian2Pairing(input: object): Promise<Brian2Output> {
  const call = run(REFERENCE_PYTHON, [TRIPLET_SCRIPT], { maxBuffer: 1 << 26, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  call.child.stdin!.end(JSON.stringify(input));
  const { stdout } = await call;
  return JSON.parse(stdout) as Brian2Output;
}

const signed = (x: number) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(5);

function pairingTable(rows: TripletPairingRow[]): string {
  return [
    '| f (Hz) | Δ (ms) | dw spikegpu | dw Brian2 | \\|Δ\\| | verdict |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.frequency} | ${r.offset > 0 ? '+' : '−'}${Math.abs(r.offset)} | ${signed(r.spikegpu)} | ${signed(r.brian2)} | ${r.diff.toExponential(1)} | ${
          r.pass ? 'pass' : 'FAIL'
        } |`,
    ),
  ].join('\n');
}

/**
 * Run the protocol in both simulators and compare dw per (frequency, offset).
 * @example const { pass, table } = await compareTripletPairing({ pairing: 'nearest' });
 */
export async function compareTripletPairing(options: TripletPairingOptions = {}): Promise<TripletPairingResult> {
  const backend = options.backend ?? 'cpu';
  const pairing = options.pairing ?? 'all';
  const frequencies = options.frequencies ?? [1, 5, 10, 20, 30, 40, 50];
  const pairings = options.pairings ?? 60;
  const bounds = options.bounds ?? [-5, 5];
  const delayTicks = options.delayTicks ?? 3;
  const params = ruleParams(options.params);
  if (!(bounds[0] <= TRIPLET_W0 && TRIPLET_W0 <= bounds[1])) throw new Error(`bounds [${bounds}] must hold the initial weight ${TRIPLET_W0}`);

  // Brian2 in the background while spikegpu runs here.
  const reference = brian2Pairing({ dt: TRIPLET_DT, pairings, frequencies, offsets: OFFSETS, pairing, params, bounds });
  reference.catch(() => {}); // handled below, after our run

  const cases = frequencies.flatMap((frequency) => OFFSETS.map((offset) => ({ frequency, offset })));
  const protocols = cases.map((c) => pairingTicks(c.frequency, c.offset, pairings));
  const rule: TripletSpec = { rule: 'triplet', pairing, wMin: bounds[0], wMax: bounds[1], ...params };
  const last = Math.max(...protocols.flatMap((p) => [...p.arrivals, ...p.posts]));
  const sim = await Simulator.create(protocolNetwork(protocols, rule, delayTicks), { backend, device: options.device });
  const ours = new Float64Array(protocols.length);
  try {
    await sim.run((last + 10) * TRIPLET_DT);
    const posts = sim.spikes('post').ids.length;
    const expected = protocols.reduce((a, p) => a + p.posts.length, 0);
    if (posts !== expected) throw new Error(`the protocol's posts fired ${posts} times, not ${expected}`);
    const { pre, weights } = await sim.weights('triplet');
    pre.forEach((k, s) => (ours[k] = weights[s] - TRIPLET_W0));
  } finally {
    sim.dispose();
  }

  const theirs = await reference;
  const rows = cases.map(({ frequency, offset }, k): TripletPairingRow => {
    const b = theirs.results.find((r) => r.frequency === frequency && r.offset === offset);
    if (!b) throw new Error(`triplet.py gave no row for f ${frequency} Hz, Δ ${offset} ms`);
    const diff = Math.abs(ours[k] - b.dw);
    return { frequency, offset, spikegpu: ours[k], brian2: b.dw, diff, pass: diff <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(b.dw) };
  });
  return { rows, pass: rows.every((r) => r.pass), table: pairingTable(rows), brian2: theirs.brian2 };
}

if (isMainModule(import.meta.url)) {
  const { values } = parseArgs({ options: { backend: { type: 'string', default: 'cpu' }, pairing: { type: 'string', default: 'all' } } });
  const { backend, pairing } = values;
  if (backend !== 'cpu' && backend !== 'webgpu') throw new Error(`--backend must be cpu or webgpu, not "${backend}"`);
  if (pairing !== 'all' && pairing !== 'nearest') throw new Error(`--pairing must be all or nearest, not "${pairing}"`);
  const result = await compareTripletPairing({ backend, pairing });
  console.log(
    `Triplet STDP, pairing-frequency protocol (60 pairings, dt ${TRIPLET_DT} ms, bounds [−5, 5]), pairing ${pairing}: ` +
      `spikegpu (${backend}) vs Brian2 ${result.brian2}; pass: |Δ| ≤ ${ABS_TOLERANCE} + ${REL_TOLERANCE}·|dw Brian2|\n`,
  );
  console.log(result.table);
  process.exitCode = result.pass ? 0 : 1;
}
