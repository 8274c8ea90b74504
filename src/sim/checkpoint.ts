/**
 * Checkpoint files: everything a simulator needs to continue a run exactly where it was, in
 * one self-checking binary file (docs/design.md, "Checkpoints").
 *
 * Layout: the 8-byte magic `SPKGCKPT`, then four u32 (little-endian): format version, header
 * bytes, CRC-32 of everything after these 24 bytes, and 0. Then the header, UTF-8 JSON padded
 * with spaces to a multiple of 4 bytes, in which every typed array is a reference
 * `{ "$array": k, "type": "u32" | "i32" | "f32", "length": n }`; then the arrays' bytes, in order of k.
 * Arrays are copied byte for byte, so NaN payloads and f32 bits survive unchanged.
 */
import { plasticBufferLayout, plasticShape, type CompiledNetwork } from '../compile/compiled.ts';
import { MAX_TICKS, type BackendState } from './backend.ts';

/** What `sim.checkpoint()` saves. Counter-based random numbers need no saved generator state: they are a function of (seed, tick, neuron). */
export interface SimulatorSnapshot {
  /** The spec the network was compiled from, and its seed. */
  spec: unknown;
  seed: number;
  /** The backend's dynamic state at a tick boundary. */
  backend: BackendState;
  /** What the recorders hold, so a resumed run's outputs cover the whole run. */
  recordings: RecordingsState;
  /** Wall time spent in `run` so far, ms. */
  wallMs: number;
  /** Whatever the caller stored with the checkpoint (the CLI keeps its run's options here). */
  meta: unknown;
}

/** The recorders' contents (see SpikeRecorder, StateRecorder, WeightRecorder). */
export interface RecordingsState {
  /** Per population: spike ticks, local ids, and spikes dropped by `clearRecordings()`. */
  spikes: { ticks: Uint32Array; ids: Uint32Array; cleared: number }[];
  /** Per state probe: sample ticks and rows of values. */
  state: { ticks: Uint32Array; values: Float32Array }[];
  /** Per weight record: snapshot ticks, the snapshots end to end, and the tick of the latest (−1: none). */
  weights: { ticks: Uint32Array; weights: Float32Array; last: number }[];
}

/** A file that is not a checkpoint, is damaged, or does not fit the network it names. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

const MAGIC = 'SPKGCKPT';
/** Bump when the layout of the header or of any saved array changes. */
export const CHECKPOINT_FORMAT = 3;
const PREAMBLE_BYTES = 24;

const ARRAY_TYPES = { u32: Uint32Array, i32: Int32Array, f32: Float32Array } as const;
type ArrayType = keyof typeof ARRAY_TYPES;
type SavedArray = Uint32Array | Int32Array | Float32Array;

function arrayType(x: unknown): ArrayType | null {
  if (x instanceof Uint32Array) return 'u32';
  if (x instanceof Int32Array) return 'i32';
  if (x instanceof Float32Array) return 'f32';
  return null;
}

let crcTable: Uint32Array | null = null;

/**
 * CRC-32 (IEEE 802.3, as zlib and PNG compute it) of `bytes`, continuing from `crc`.
 * @example crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const bytesOf = (a: SavedArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * A snapshot as one checkpoint file's bytes.
 * @example writeFileSync('run.ckpt', encodeCheckpoint(snapshot))
 */
export function encodeCheckpoint(snapshot: SimulatorSnapshot): Uint8Array {
  const arrays: SavedArray[] = [];
  const header = JSON.stringify({ format: CHECKPOINT_FORMAT, ...snapshot }, (_key, value: unknown) => {
    const type = arrayType(value);
    if (!type) return value;
    arrays.push(value as SavedArray);
    return { $array: arrays.length - 1, type, length: (value as SavedArray).length };
  });
  const headerBytes = new TextEncoder().encode(header);
  const headerLength = Math.ceil(headerBytes.length / 4) * 4;
  const total = PREAMBLE_BYTES + headerLength + arrays.reduce((a, x) => a + x.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  out.set(headerBytes, PREAMBLE_BYTES);
  out.fill(0x20, PREAMBLE_BYTES + headerBytes.length, PREAMBLE_BYTES + headerLength);
  let at = PREAMBLE_BYTES + headerLength;
  for (const a of arrays) {
    out.set(bytesOf(a), at);
    at += a.byteLength;
  }
  const words = new DataView(out.buffer);
  words.setUint32(8, CHECKPOINT_FORMAT, true);
  words.setUint32(12, headerLength, true);
  words.setUint32(16, crc32(out.subarray(PREAMBLE_BYTES)), true);
  return out;
}

/**
 * The snapshot in a checkpoint file's bytes, checked: magic, format, length and CRC.
 * @throws CheckpointError saying what is wrong
 */
export function decodeCheckpoint(bytes: Uint8Array): SimulatorSnapshot {
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError('a checkpoint is a Uint8Array of the bytes sim.checkpoint() returned');
  if (bytes.length < PREAMBLE_BYTES || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new CheckpointError('not a spikegpu checkpoint (it does not begin with SPKGCKPT)');
  const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = words.getUint32(8, true);
  if (format !== CHECKPOINT_FORMAT) throw new CheckpointError(`checkpoint format ${format}; this spikegpu reads format ${CHECKPOINT_FORMAT}`);
  const headerLength = words.getUint32(12, true);
  if (PREAMBLE_BYTES + headerLength > bytes.length) throw new CheckpointError(`checkpoint truncated: ${bytes.length} bytes, shorter than its header`);
  if (crc32(bytes.subarray(PREAMBLE_BYTES)) !== words.getUint32(16, true))
    throw new CheckpointError('checkpoint damaged or truncated: its CRC-32 does not match (the file changed after it was written)');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)));
  } catch (e) {
    throw new CheckpointError(`checkpoint header is not valid JSON: ${(e as Error).message}`);
  }
  // The arrays follow the header in the order of their references (JSON.parse meets them in the order stringify wrote them).
  let at = PREAMBLE_BYTES + headerLength;
  let next = 0;
  const revive = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(revive);
    if (value === null || typeof value !== 'object') return value;
    const ref = value as { $array?: unknown; type?: unknown; length?: unknown };
    if (!('$array' in ref)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
    const type = ref.type as ArrayType;
    const length = ref.length as number;
    if (ref.$array !== next++ || !Object.hasOwn(ARRAY_TYPES, type) || !Number.isSafeInteger(length) || length < 0)
      throw new CheckpointError('checkpoint header has a malformed array reference');
    const end = at + 4 * length;
    if (end > bytes.length) throw new CheckpointError(`checkpoint truncated: its arrays need more than its ${bytes.length} bytes`);
    // A copy: aligned, and independent of the file's buffer.
    const array = new ARRAY_TYPES[type](length);
    bytesOf(array).set(bytes.subarray(at, end));
    at = end;
    return array;
  };
  const { format: _format, ...snapshot } = revive(header) as SimulatorSnapshot & { format: number };
  if (at !== bytes.length) throw new CheckpointError(`checkpoint has ${bytes.length - at} bytes after its last array`);
  return snapshot;
}

/**
 * Refuse a snapshot whose arrays do not match `net` (the network compiled from the snapshot's
 * own spec): the file passed its CRC, so it was written by a spikegpu that compiles the spec
 * differently.
 * @throws CheckpointError naming the first array that differs
 */
export function checkSnapshotFits(net: CompiledNetwork, snapshot: SimulatorSnapshot): void {
  const { backend: b, recordings: r } = snapshot;
  const problems: string[] = [];
  const expect = (what: string, actual: number | undefined, wanted: number) => {
    if (actual !== wanted) problems.push(`${what}: ${actual ?? 'missing'}, expected ${wanted}`);
  };
  expect('neuron groups', b.groups?.length, net.groups.length);
  net.groups.forEach((g, i) => {
    expect(`group ${i} parameters`, b.groups?.[i]?.params?.length, g.params.length);
    expect(`group ${i} state`, b.groups?.[i]?.state?.length, g.state.length);
  });
  expect('input ring', b.ring?.length, net.delaySlots * net.channelCount);
  expect('ticks of spike history', b.recentSpikes?.length, net.spikeSlots - 1);
  if (b.recentSpikes?.some((ids) => ids.some((id) => id >= net.neuronCount))) problems.push('spike history: a neuron id beyond the network');
  expect('table words', b.tables?.length, net.tables.length);
  expect('plastic projections', b.plastic?.length, net.plastic.length);
  net.plastic.forEach((p, k) => {
    const layout = plasticBufferLayout(plasticShape(p));
    expect(`${p.name} weights`, b.plastic?.[k]?.weight?.length, layout.weight.bytes / 4);
    expect(`${p.name} presynaptic traces`, b.plastic?.[k]?.preTrace?.length, layout.preTrace.bytes / 4);
    expect(`${p.name} postsynaptic traces`, b.plastic?.[k]?.postTrace?.length, layout.postTrace.bytes / 4);
    expect(`${p.name} rule constants`, b.plastic?.[k]?.rule?.length, p.rule.constants.length);
  });
  expect('recorded populations', r?.spikes?.length, net.populations.length);
  r?.spikes?.forEach((x, p) => expect(`${net.populations[p]?.name} spike ids`, x?.ids?.length, x?.ticks?.length ?? 0));
  expect('state probes', r?.state?.length, net.stateProbes.length);
  net.stateProbes.forEach((p, k) =>
    expect(`${p.population}.${p.variable} samples`, r?.state?.[k]?.values?.length, (r?.state?.[k]?.ticks?.length ?? 0) * p.ids.length),
  );
  expect('weight records', r?.weights?.length, net.weightRecords.length);
  net.weightRecords.forEach((w, k) =>
    expect(`${w.projection} weight snapshots`, r?.weights?.[k]?.weights?.length, (r?.weights?.[k]?.ticks?.length ?? 0) * net.plastic[w.plastic].weight.length),
  );
  if (!Number.isSafeInteger(b.tick) || b.tick < 0 || b.tick > MAX_TICKS) problems.push(`tick: ${b.tick}`);
  if (problems.length)
    throw new CheckpointError(
      `checkpoint does not fit ${net.name} as this spikegpu compiles it (${problems.slice(0, 3).join('; ')}); was it written by another version?`,
    );
}
