/**
 * The stored (static, not procedural) synapses of all projections merged into one CSR by global
 * source neuron, so that a spike walks one contiguous row. Runs after the fixed-point scales
 * are known, since the rows hold quantised weights. Rows left to the device (`onDevice`) get
 * their place in the CSR here; the device, or `hostSynapseRows`, draws them.
 */
import { SpecError } from '../netspec/errors.ts';
import type { SynapseRows } from './compiled.ts';
import { forEachProceduralSynapse, proceduralRowLength, type DeviceRows } from './proceduralRows.ts';
import { fillRows, proceduralProjection, type BuiltProjection } from './projections.ts';

/** What the rows need besides the projections. */
export interface RowContext {
  seed: number;
  dt: number;
  neuronCount: number;
  channelCount: number;
  /** Largest delay of any projection, ticks. */
  maxDelay: number;
  /** The fixed-point exponent of a projection's (post, receptor). */
  exponentFor: (p: BuiltProjection) => number;
  /** A projection's name in messages and results. */
  nameOf: (p: BuiltProjection) => string;
}

/**
 * Rows by global source neuron; target packs channel and delay. Within a row, synapses keep
 * projection order, then generation order (a counting sort). Each projection's pairs are
 * released once written.
 */
export function buildSynapseRows(projections: BuiltProjection[], ctx: RowContext): SynapseRows {
  const { neuronCount, channelCount, maxDelay } = ctx;
  const delayBits = Math.max(1, Math.ceil(Math.log2(maxDelay + 1)));
  const channelBits = 32 - delayBits;
  if (channelCount > 2 ** channelBits)
    throw new SpecError('projections', `too many receptor inputs (${channelCount}) for delays up to ${maxDelay} ticks: at most ${2 ** channelBits}`);
  const storedProjections = projections.filter((p) => !p.spec.plasticity && (p.runs || p.onDevice));
  const staticCount = storedProjections.reduce((a, p) => a + p.count, 0);
  const rowStart = new Uint32Array(neuronCount + 1);
  // The device's rows, by projection.
  const deviceRowsOf = new Map<BuiltProjection, DeviceRows>(
    storedProjections
      .filter((p) => p.onDevice)
      .map((p) => [p, { projection: proceduralProjection(p, ctx.exponentFor(p), ctx.nameOf(p), ctx.dt), rowOffsets: new Uint32Array(p.pre.size) }]),
  );
  for (const p of storedProjections) {
    const off = p.pre.offset;
    const onDevice = deviceRowsOf.get(p);
    if (onDevice) {
      for (let x = 0; x < p.pre.size; x++) rowStart[off + x + 1] += proceduralRowLength(onDevice.projection, x);
      continue;
    }
    const runs = p.runs!;
    if (runs.by === 'pre') {
      const start = runs.start!;
      for (let x = 0; x + 1 < start.length; x++) rowStart[off + x + 1] += start[x + 1] - start[x];
    } else {
      const preIds = runs.pre!;
      for (let s = 0; s < p.count; s++) rowStart[off + preIds[s] + 1]++;
    }
  }
  for (let i = 0; i < neuronCount; i++) rowStart[i + 1] += rowStart[i];
  // Rows drawn on the device: all of them or none (compile decides), so the arrays stay empty.
  const arrays = deviceRowsOf.size ? 0 : staticCount;
  const rows = { fill: rowStart.slice(0, neuronCount), target: new Uint32Array(arrays), weight: new Int32Array(arrays), channelBits };
  for (const p of storedProjections) {
    const onDevice = deviceRowsOf.get(p);
    if (onDevice) {
      // Reserve this projection's part of each row; the device draws it there.
      const { projection, rowOffsets } = onDevice;
      for (let x = 0; x < p.pre.size; x++) {
        rowOffsets[x] = rows.fill[p.pre.offset + x];
        rows.fill[p.pre.offset + x] += proceduralRowLength(projection, x);
      }
      continue;
    }
    fillRows(p, ctx.seed, ctx.dt, rows, ctx.exponentFor(p));
    // This projection's pairs are in the rows now: let them go.
    p.runs = null;
  }
  return { rowStart, count: staticCount, target: rows.target, weight: rows.weight, channelBits, onDevice: [...deviceRowsOf.values()] };
}

/**
 * The rows with the device's part drawn on the host instead (the CPU reference, and checks of
 * the device's rows): the same keyed draws, at the same places.
 */
export function hostSynapseRows(rows: SynapseRows, seed: number): SynapseRows {
  if (!rows.onDevice.length) return rows;
  const target = new Uint32Array(rows.count),
    weight = new Int32Array(rows.count);
  for (const { projection: p, rowOffsets } of rows.onDevice) {
    for (let x = 0; x < p.preSize; x++) {
      let j = rowOffsets[x];
      forEachProceduralSynapse(p, seed, x, (post, w, d) => {
        target[j] = ((p.channelBase + post) | (d << rows.channelBits)) >>> 0;
        weight[j++] = w;
      });
    }
  }
  return { ...rows, target, weight, onDevice: [] };
}
