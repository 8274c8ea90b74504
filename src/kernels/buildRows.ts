/**
 * Stored rows drawn on the device (compileNetwork's `rowsOnDevice`): one workgroup per row of a
 * device-drawn projection, its threads along the row, each synapse's packed target and
 * fixed-point weight written where the host would have put it. The draws are procedural
 * propagation's (proceduralSynapseWgsl), so the rows are the host's bit for bit; the host
 * neither draws nor holds them. Run once, before the first tick, in dispatches of at most
 * `DRAW_ROWS_PER_DISPATCH` rows each submitted alone, so no single one runs long enough for
 * a GPU watchdog (browsers reset a device whose work takes seconds).
 */
import { PROCEDURAL_WORDS, proceduralSynapseWgsl, type DeviceRows } from '../compile/proceduralRows.ts';
import { synapseDrawsWgsl } from '../compile/synapseDraws.ts';
import { bindingsWgsl, type BindingTable } from '../gpu/bindings.ts';
import { rngWgsl } from '../rng/counterHash.ts';
import { MAX_WORKGROUPS_PER_DIM, WORKGROUP_SIZE } from './common.ts';
import type { SynapseSharding } from './propagate.ts';

/** Rows one dispatch draws: one grid dimension of workgroups. */
export const DRAW_ROWS_PER_DISPATCH = MAX_WORKGROUPS_PER_DIM;

/** Bindings: the dispatch's first row, the projections' table and row lengths (proceduralTables), the row plan, the synapse shards (written). */
export function buildRowsBindings(shards: number): BindingTable {
  const shardsOf = (name: string, type: string) => Array.from({ length: shards }, (_, i) => ({ name: `${name}${i}`, access: 'read_write' as const, type }));
  return [
    { name: 'chunk', access: 'uniform', type: 'vec4u' },
    { name: 'procTable', access: 'read', type: 'array<u32>' },
    { name: 'procRowCounts', access: 'read', type: 'array<u32>' },
    { name: 'rowPlan', access: 'read', type: 'array<u32>' },
    ...shardsOf('synTarget', 'array<u32>'),
    ...shardsOf('synWeight', 'array<i32>'),
  ];
}

/**
 * The row plan: per projection p, the global index of its first row and where its row offsets
 * start in the plan (2 words each), then each projection's row offsets.
 */
export function rowPlan(rows: DeviceRows[]): { plan: Uint32Array; totalRows: number } {
  const header = 2 * rows.length;
  const plan = new Uint32Array(header + rows.reduce((a, r) => a + r.rowOffsets.length, 0));
  let firstRow = 0,
    at = header;
  rows.forEach((r, p) => {
    plan[2 * p] = firstRow;
    plan[2 * p + 1] = at;
    plan.set(r.rowOffsets, at);
    firstRow += r.rowOffsets.length;
    at += r.rowOffsets.length;
  });
  return { plan, totalRows: firstRow };
}

/** The dispatches of the build: first row and rows of each (a workgroup per row). */
export function drawRowsDispatches(totalRows: number): { firstRow: number; rows: number }[] {
  const out: { firstRow: number; rows: number }[] = [];
  for (let firstRow = 0; firstRow < totalRows; firstRow += DRAW_ROWS_PER_DISPATCH)
    out.push({ firstRow, rows: Math.min(DRAW_ROWS_PER_DISPATCH, totalRows - firstRow) });
  return out;
}

export function buildRowsWgsl(k: { projections: number; totalRows: number; seed: number; channelBits: number; sharding: SynapseSharding }): string {
  const { shards, shardLength } = k.sharding;
  const writes = Array.from(
    { length: shards - 1 },
    (_, i) =>
      `  if (j < ${(i + 1) * shardLength}u) { synTarget${i}[j - ${i * shardLength}u] = packed; synWeight${i}[j - ${i * shardLength}u] = weight; return; }\n`,
  ).join('');
  const last = (shards - 1) * shardLength;
  return /* wgsl */ `
${bindingsWgsl(buildRowsBindings(shards))}
${rngWgsl}
${synapseDrawsWgsl}
${proceduralSynapseWgsl(k.seed)}
fn setSynapse(j: u32, packed: u32, weight: i32) {
${writes}  synTarget${shards - 1}[j - ${last}u] = packed;
  synWeight${shards - 1}[j - ${last}u] = weight;
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = chunk.x + wid.x;
  if (r >= ${k.totalRows}u) { return; }
  var p = 0u;
  for (var q = 1u; q < ${k.projections}u; q++) {
    if (r >= rowPlan[2u * q]) { p = q; }
  }
  let t = p * ${PROCEDURAL_WORDS}u;
  let x = r - rowPlan[2u * p];
  let n = procRowLength(t, x);
  let keys = procRowKeys(t, x);
  let first = rowPlan[rowPlan[2u * p + 1u] + x];
  let channelBase = procTable[t + 3u];
  for (var s = lid; s < n; s += ${WORKGROUP_SIZE}u) {
    setSynapse(first + s, (channelBase + procPost(t, x, s, keys)) | (procDelay(t, s, keys) << ${k.channelBits}u), procWeight(t, s, keys));
  }
}
`;
}
