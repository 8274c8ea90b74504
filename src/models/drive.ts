/**
 * Input shared by every non-source model, WGSL and CPU side by side: receptors read their
 * tick's slot of the delay ring (i32 fixed point → f32), Poisson input (Brian2's
 * PoissonInput: a summed Poisson count per neuron per tick) and Gaussian noise are added,
 * and each receptor's kind (`receptors.ts`) says where its input goes:
 * - `membrane`: summed into `delta` (the model jumps its membrane unless refractory);
 * - `iExt`: added to `iConst` for this tick only;
 * - `g`: added to `g_<r>`, which decays by `decay_<r>` = exp(−dt/τ) after the step.
 */
import { hash4, normalFromHashes, Stream, streamId } from '../rng/counterHash.ts';
import { type CpuColumns, type ModelColumns, type ReceptorSlot } from './model.ts';
import { hasValue, receptorColumn, receptorKindOf, receptorTermParams } from './receptors.ts';
import { f32 } from '../equations/f32.ts';

/** One Poisson input as the kernel sees it: which receptor it feeds. */
export interface PoissonInputSlot {
  index: number;
  receptor: number;
}

export interface DriveLayout {
  receptors: ReceptorSlot[];
  poissonInputs: PoissonInputSlot[];
  noise: boolean;
}

export const NOISE_STREAM = streamId(Stream.noise);
export const poissonInputStream = (j: number) => streamId(Stream.poissonInput, j);

/** Columns the drive code reads and writes. */
export function driveColumns(layout: DriveLayout): ModelColumns {
  const params = ['iExt'];
  if (layout.noise) params.push('noiseSd');
  for (const r of layout.receptors) {
    params.push(`invScale_${r.index}`);
    if (hasValue(r)) params.push(`decay_${r.index}`);
    params.push(...receptorTermParams(r).map((p) => receptorColumn(p, r)));
  }
  const u32Params: string[] = [];
  for (const j of layout.poissonInputs) {
    params.push(`pinWeight_${j.index}`);
    u32Params.push(`pinTable_${j.index}`, `pinLength_${j.index}`);
  }
  return { params, u32Params, state: layout.receptors.filter(hasValue).map((r) => `g_${r.index}`) };
}

/**
 * i32 fixed point → f32 scaled by a power of two, rounding once (correctly) on every device:
 * both halves convert exactly, and the sum rounds like any IEEE f32 addition.
 */
export function fixedToF32(x: number, invScale: number): number {
  const hi = x >> 12;
  const lo = x & 0xfff;
  return f32(f32(f32(hi * 4096) + lo) * invScale);
}

/**
 * Number of events from a Poisson CDF table (entry k = ⌊P(X ≤ k)·2^32⌋): the first k with
 * u < entry k, by binary search; at most length − 1 (the last entry closes the table).
 */
export function poissonCount(tables: Uint32Array, offset: number, length: number, u: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < tables[offset + mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** WGSL helpers the drive code uses (emitted once per kernel). */
export const driveHelpersWgsl = /* wgsl */ `
fn fixedToF32(x: i32, invScale: f32) -> f32 {
  let hi = x >> 12u;
  let lo = x & 0xfff;
  return (f32(hi) * 4096.0 + f32(lo)) * invScale;
}
fn poissonCount(offset: u32, length: u32, u: u32) -> u32 {
  var lo = 0u;
  var hi = length - 1u;
  while (lo < hi) {
    let mid = (lo + hi) >> 1u;
    if (u < tables[offset + mid]) { hi = mid; } else { lo = mid + 1u; }
  }
  return lo;
}
`;

/**
 * WGSL run before the model snippet. Expects `ringSlot(r)` (the ring index of receptor r of
 * this neuron), `seed`, `globalId`, `tick` and the columns as locals.
 */
export function driveInputWgsl(layout: DriveLayout): string {
  const lines = ['var iConst = p_iExt;', 'var delta = 0.0;'];
  if (layout.noise) lines.push(`iConst = iConst + p_noiseSd * normalFromHashes(seed, ${NOISE_STREAM}u, globalId, tick);`);
  for (const r of layout.receptors) {
    const x = `in_${r.index}`;
    lines.push(`var ${x} = fixedToF32(atomicExchange(&ring[ringSlot(${r.index}u)], 0), p_invScale_${r.index});`);
    for (const j of layout.poissonInputs.filter((p) => p.receptor === r.index)) {
      lines.push(
        `${x} = ${x} + f32(poissonCount(u_pinTable_${j.index}, u_pinLength_${j.index}, hash4(seed, ${poissonInputStream(j.index)}u, globalId, tick))) * p_pinWeight_${j.index};`,
      );
    }
    const input = receptorKindOf(r.spec).input;
    if (input === 'membrane') lines.push(`delta = delta + ${x};`);
    else if (input === 'iExt') lines.push(`iConst = iConst + ${x};`);
    else lines.push(`var g_${r.index} = s_g_${r.index} + ${x};`);
  }
  return lines.map((l) => `  ${l}`).join('\n');
}

/** WGSL run after the model snippet: receptor values decay exactly over one dt. */
export function driveDecayWgsl(layout: DriveLayout): string {
  return layout.receptors
    .filter(hasValue)
    .map((r) => `  s_g_${r.index} = g_${r.index} * p_decay_${r.index};`)
    .join('\n');
}

/** The CPU twin of `driveInputWgsl` + `driveDecayWgsl`. */
export function cpuDrive(layout: DriveLayout) {
  const receptors = layout.receptors.map((r) => ({
    index: r.index,
    input: receptorKindOf(r.spec).input,
    invScale: `invScale_${r.index}`,
    decay: `decay_${r.index}`,
    g: `g_${r.index}`,
    inputs: layout.poissonInputs
      .filter((p) => p.receptor === r.index)
      .map((p) => ({
        stream: poissonInputStream(p.index),
        weight: `pinWeight_${p.index}`,
        table: `pinTable_${p.index}`,
        length: `pinLength_${p.index}`,
      })),
  }));
  return {
    /** Fills `d.iConst`, `d.delta`, `d.g` for neuron i; `ring(r)` returns and clears its slot. */
    input(
      c: CpuColumns,
      i: number,
      d: { iConst: number; delta: number; g: Float32Array; seed: number; globalId: number; tick: number; tables: Uint32Array },
      takeRing: (r: number) => number,
    ) {
      let iConst = c.p.iExt[i];
      let delta = 0;
      if (layout.noise) iConst = f32(iConst + f32(c.p.noiseSd[i] * normalFromHashes(d.seed, NOISE_STREAM, d.globalId, d.tick)));
      for (const r of receptors) {
        let x = fixedToF32(takeRing(r.index), c.p[r.invScale][i]);
        for (const j of r.inputs) {
          const k = poissonCount(d.tables, c.u[j.table][i], c.u[j.length][i], hash4(d.seed, j.stream, d.globalId, d.tick));
          x = f32(x + f32(k * c.p[j.weight][i]));
        }
        if (r.input === 'membrane') delta = f32(delta + x);
        else if (r.input === 'iExt') iConst = f32(iConst + x);
        else d.g[r.index] = f32(c.s[r.g][i] + x);
      }
      d.iConst = iConst;
      d.delta = delta;
    },
    decay(c: CpuColumns, i: number, g: Float32Array) {
      for (const r of receptors) if (r.input === 'g') c.s[r.g][i] = f32(g[r.index] * c.p[r.decay][i]);
    },
  };
}
