/**
 * Procedural synapses (as GeNN's procedural connectivity): a static projection with
 * `"storage": "procedural"` keeps no per-synapse arrays. At each spike of presynaptic neuron x
 * its row is regenerated from the keyed draws (synapseDraws.ts): synapse k's partner, weight
 * and delay come from `(seed, projection, x, k)`, so the row is the one stored mode builds.
 *
 * The TypeScript twin (`forEachProceduralSynapse`, used by the CPU reference) and the WGSL
 * twin (`proceduralWgsl`, used by propagation) sit side by side; the table that describes the
 * projections to the GPU is laid out here once (`PROCEDURAL_WORDS`, `proceduralTables`).
 */
import { Stream, streamId } from '../rng/counterHash.ts';
import { delayTicksOf, drawAt, drawPartner, drawQuantized, rowKey, type QuantizedForm } from './synapseDraws.ts';

/** How long the rows are: all partners, the one partner, k each, or one count per row. */
export type ProceduralRows = { kind: 'all' } | { kind: 'one' } | { kind: 'fixed'; length: number } | { kind: 'counts'; counts: Uint32Array };

export interface ProceduralProjection {
  /** Index in the spec's projections (the key of its draws). */
  index: number;
  name: string;
  /** Global id of presynaptic neuron 0. */
  preOffset: number;
  preSize: number;
  postSize: number;
  /** Ring channel of postsynaptic neuron 0 on the receptor. */
  channelBase: number;
  rows: ProceduralRows;
  /** Self-connections excluded (pre and post the same population, `allowSelf: false`). */
  noSelf: boolean;
  /** The weight form quantised at the receptor's fixed-point scale. */
  weight: QuantizedForm;
  /** The delay form quantised at 2^16 per tick. */
  delay: QuantizedForm;
  /** Synapses in all rows. */
  count: number;
}

/**
 * A stored projection whose rows the device draws (the same keyed draws as procedural rows),
 * and where in the stored arrays each source's part of its row starts.
 */
export interface DeviceRows {
  projection: ProceduralProjection;
  /** Per presynaptic neuron x: the index of its first synapse of this projection. */
  rowOffsets: Uint32Array;
}

const RowKind = { all: 0, one: 1, fixed: 2, counts: 3 } as const;

/** u32 words per projection in the table (see proceduralTables). */
export const PROCEDURAL_WORDS = 20;

/** Synapses in row x. */
export function proceduralRowLength(p: ProceduralProjection, x: number): number {
  switch (p.rows.kind) {
    case 'all':
      return p.postSize - (p.noSelf && x < p.postSize ? 1 : 0);
    case 'one':
      return x < p.postSize ? 1 : 0;
    case 'fixed':
      return p.rows.length;
    case 'counts':
      return p.rows.counts[x];
  }
}

/**
 * Synapse k of row x of a procedural projection: its postsynaptic neuron (local), fixed-point
 * weight and delay in ticks, calling `fn` for each k in order. The same numbers as stored mode.
 */
export function forEachProceduralSynapse(p: ProceduralProjection, seed: number, x: number, fn: (post: number, weight: number, delay: number) => void): void {
  const n = proceduralRowLength(p, x);
  const connectKey = rowKey(seed, streamId(Stream.connect, p.index), x);
  const weightKey = rowKey(seed, streamId(Stream.weight, p.index), x);
  const delayKey = rowKey(seed, streamId(Stream.delay, p.index), x);
  const exclude = p.noSelf ? x : -1;
  for (let k = 0; k < n; k++) {
    let post: number;
    if (p.rows.kind === 'all') post = exclude >= 0 && k >= exclude ? k + 1 : k;
    else if (p.rows.kind === 'one') post = x;
    else post = drawPartner(drawAt(connectKey, k), p.postSize, exclude);
    fn(post, drawQuantized(p.weight, drawAt(weightKey, k)), delayTicksOf(drawQuantized(p.delay, drawAt(delayKey, k))));
  }
}

/**
 * The GPU's description of the procedural projections: `table`, PROCEDURAL_WORDS u32 words
 * each (pre offset, pre size, post size, channel base, row kind, row length or offset of the
 * row counts, no-self flag, the three streams, weight form (kind, a, b, lo, hi), delay form),
 * and `rowCounts`, the row lengths of the 'counts' projections end to end (at least one word).
 */
export function proceduralTables(ps: ProceduralProjection[]): { table: Uint32Array; rowCounts: Uint32Array } {
  const table = new Uint32Array(Math.max(1, ps.length) * PROCEDURAL_WORDS);
  const countWords = ps.reduce((a, p) => a + (p.rows.kind === 'counts' ? p.preSize : 0), 0);
  const rowCounts = new Uint32Array(Math.max(1, countWords));
  let countOffset = 0;
  ps.forEach((p, i) => {
    let lengthOrOffset = 0;
    if (p.rows.kind === 'fixed') lengthOrOffset = p.rows.length;
    if (p.rows.kind === 'counts') {
      lengthOrOffset = countOffset;
      rowCounts.set(p.rows.counts, countOffset);
      countOffset += p.preSize;
    }
    const form = (f: QuantizedForm) => [f.kind, f.a >>> 0, f.b >>> 0, f.lo >>> 0, f.hi >>> 0];
    table.set(
      [
        p.preOffset,
        p.preSize,
        p.postSize,
        p.channelBase,
        RowKind[p.rows.kind],
        lengthOrOffset,
        p.noSelf ? 1 : 0,
        streamId(Stream.connect, p.index),
        streamId(Stream.weight, p.index),
        streamId(Stream.delay, p.index),
        ...form(p.weight),
        ...form(p.delay),
      ],
      i * PROCEDURAL_WORDS,
    );
  });
  return { table, rowCounts };
}

/**
 * WGSL twin of proceduralRowLength and forEachProceduralSynapse, for the projection whose table
 * words start at `t` (reading the globals `procTable` and `procRowCounts`; needs rngWgsl and
 * synapseDrawsWgsl): `procRowLength(t, x)`, `procRowKeys(t, x)` (the row's keys of partner,
 * weight and delay draws), then per synapse s `procPost`, `procWeight` (fixed point) and
 * `procDelay` (ticks).
 */
export function proceduralSynapseWgsl(seed: number): string {
  return /* wgsl */ `
fn procForm(base: u32, h: u32) -> i32 {
  return drawQuantized(procTable[base], bitcast<i32>(procTable[base + 1u]), procTable[base + 2u],
    bitcast<i32>(procTable[base + 3u]), bitcast<i32>(procTable[base + 4u]), h);
}
fn procExclude(t: u32, x: u32) -> u32 { return select(0xffffffffu, x, procTable[t + 6u] == 1u); }
fn procRowLength(t: u32, x: u32) -> u32 {
  let kind = procTable[t + 4u];
  let postSize = procTable[t + 2u];
  if (kind == ${RowKind.all}u) { return postSize - select(0u, 1u, procExclude(t, x) < postSize); }
  if (kind == ${RowKind.one}u) { return select(0u, 1u, x < postSize); }
  if (kind == ${RowKind.counts}u) { return procRowCounts[procTable[t + 5u] + x]; }
  return procTable[t + 5u];
}
fn procRowKeys(t: u32, x: u32) -> vec3u {
  return vec3u(rowKey(${seed >>> 0}u, procTable[t + 7u], x), rowKey(${seed >>> 0}u, procTable[t + 8u], x), rowKey(${seed >>> 0}u, procTable[t + 9u], x));
}
fn procPost(t: u32, x: u32, s: u32, keys: vec3u) -> u32 {
  let kind = procTable[t + 4u];
  if (kind == ${RowKind.all}u) { return select(s, s + 1u, s >= procExclude(t, x)); }
  if (kind == ${RowKind.one}u) { return x; }
  return drawPartner(drawAt(keys.x, s), procTable[t + 2u], procExclude(t, x));
}
fn procWeight(t: u32, s: u32, keys: vec3u) -> i32 { return procForm(t + 10u, drawAt(keys.y, s)); }
fn procDelay(t: u32, s: u32, keys: vec3u) -> u32 { return delayTicksOf(procForm(t + 15u, drawAt(keys.z, s))); }
`;
}

/**
 * `fn propagateProcedural(source, spikeTick, lane, lanes, first, stride)` adds the rows of
 * global neuron `source` in procedural projections first, first + stride, … into the ring,
 * `lanes` threads along each row. Uses proceduralSynapseWgsl and the globals `ring` and
 * `logMeta`.
 */
export function proceduralWgsl(k: { projections: number; seed: number; delaySlots: number; channelCount: number; eventsIndex: number }): string {
  const W = PROCEDURAL_WORDS;
  return /* wgsl */ `
${proceduralSynapseWgsl(k.seed)}
fn propagateProcedural(source: u32, spikeTick: u32, lane: u32, lanes: u32, first: u32, stride: u32) {
  for (var p = first; p < ${k.projections}u; p += stride) {
    let t = p * ${W}u;
    let preOffset = procTable[t];
    if (source < preOffset || source - preOffset >= procTable[t + 1u]) { continue; }
    let x = source - preOffset;
    let n = procRowLength(t, x);
    if (lane == 0u) { atomicAdd(&logMeta[${k.eventsIndex}], n); }
    let keys = procRowKeys(t, x);
    let channelBase = procTable[t + 3u];
    for (var s = lane; s < n; s += lanes) {
      let slot = (spikeTick + procDelay(t, s, keys)) % ${k.delaySlots}u;
      atomicAdd(&ring[slot * ${k.channelCount}u + channelBase + procPost(t, x, s, keys)], procWeight(t, s, keys));
    }
  }
}
`;
}
