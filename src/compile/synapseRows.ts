/**
 * The stored (static, not procedural) synapses of all projections merged into one CSR by global
 * source neuron, so that a spike walks one contiguous row. Runs after the fixed-point scales
 * are known, since the rows hold quantised weights.
 */
import { SpecError } from '../netspec/errors.ts';
import type { SynapseRows } from './compiled.ts';
import { fillRows, type BuiltProjection } from './projections.ts';

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
  const storedProjections = projections.filter((p) => !p.spec.plasticity && p.runs);
  const staticCount = storedProjections.reduce((a, p) => a + p.count, 0);
  const rowStart = new Uint32Array(neuronCount + 1);
  for (const p of storedProjections) {
    const runs = p.runs!;
    const off = p.pre.offset;
    if (runs.by === 'pre') {
      const start = runs.start!;
      for (let x = 0; x + 1 < start.length; x++) rowStart[off + x + 1] += start[x + 1] - start[x];
    } else {
      const preIds = runs.pre!;
      for (let s = 0; s < p.count; s++) rowStart[off + preIds[s] + 1]++;
    }
  }
  for (let i = 0; i < neuronCount; i++) rowStart[i + 1] += rowStart[i];
  const rows = { fill: rowStart.slice(0, neuronCount), target: new Uint32Array(staticCount), weight: new Int32Array(staticCount), channelBits };
  for (const p of storedProjections) {
    fillRows(p, ctx.seed, ctx.dt, rows, ctx.exponentFor(p));
    // This projection's pairs are in the rows now: let them go.
    p.runs = null;
  }
  return { rowStart, target: rows.target, weight: rows.weight, channelBits };
}
