/**
 * Neurodata Without Borders 2.x spike files (`spikegpu run --out spikes.nwb`, the editor's
 * download): an HDF5 file with NWB's required root structure and a `units` table, one row per
 * recorded neuron, written with h5wasm (HDF5 compiled to WebAssembly). h5wasm is only a type
 * here: the CLI passes its Node build (which writes straight to disk), `spikesNwb` loads the
 * browser build on first use, so no other path pays for 4 MB of WebAssembly.
 */
import type * as H5wasm from 'h5wasm';
import { recordIds } from '../compile/compiled.ts';
import type { NetworkSpec } from '../netspec/types.ts';
import type { PopulationSpikes } from '../sim/spikeRecorder.ts';
import { roundTime } from './files.ts';

/** `import('h5wasm')` (in-memory file system) or `import('h5wasm/node')` (the host's), after `await h5wasm.ready`. */
export type H5wasmModule = typeof H5wasm;

/** The NWB schema version the files follow. */
export const NWB_VERSION = '2.7.0';

/** Spike times per write into the HDF5 dataset: the WebAssembly heap never holds a whole large file. */
const CHUNK_SPIKES = 1 << 20;
/** HDF5 chunk of `units/spike_times`, elements (512 KiB). */
const HDF5_CHUNK = 1 << 16;

/** What a spike file records of a run, besides the spikes. */
export interface NwbRun {
  /** Recorded spikes per population (ms, local ids, in time order); populations in this order make the units table. */
  spikes: Record<string, PopulationSpikes>;
  /** The network as simulated (`sim.network.spec`): stored whole; its `record.spikes` says which neurons are units. */
  spec: NetworkSpec;
  /** The seed the run used (`sim.network.seed`). */
  seed: number;
  /** spikegpu's version, e.g. '0.1.0'. */
  version: string;
  /** Simulated time the spikes cover, ms. */
  durationMs: number;
  /** false when the run was stopped before its end. Default true. */
  complete?: boolean;
  /** Where it ran, for the notes: 'WebGPU (NVIDIA H200)', 'the CPU reference'. */
  backend?: string;
  /** Name of the spec file, stored with it. Default `NAME.json`, NAME the spec's `name` or `network`. */
  specFileName?: string;
  /** Session start: when the run started (spike times count from it). Default now. */
  startTime?: Date;
}

/** A random (version 4) UUID from crypto.getRandomValues, which, unlike crypto.randomUUID, pages served over plain HTTP have too. */
function uuid4(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The attributes every NWB (or hdmf-common) object carries: its type, the type's namespace, a fresh object id. */
function typed(object: H5wasm.Group | H5wasm.Dataset, namespace: 'core' | 'hdmf-common', neurodataType: string, description?: string): void {
  object.create_attribute('namespace', namespace);
  object.create_attribute('neurodata_type', neurodataType);
  object.create_attribute('object_id', uuid4());
  if (description !== undefined) object.create_attribute('description', description);
}

/** One population's rows of the units table: the recorded neurons' local ids, ascending. */
function unitIds(spec: NetworkSpec, name: string, recorded: Map<string, Uint32Array | null>): Uint32Array {
  const population = spec.populations[name];
  if (!population) throw new Error(`spikes of population ${JSON.stringify(name)}, which the spec does not have`);
  const ids = recorded.get(name);
  if (ids === undefined) return new Uint32Array(0);
  if (ids === null) return Uint32Array.from({ length: population.size }, (_, i) => i);
  return ids;
}

/**
 * Write `run` as an NWB 2.x file at `path` in h5wasm's file system (the host's with
 * 'h5wasm/node', memory with 'h5wasm'); `h5wasm` must be ready (`await h5wasm.ready`). The file:
 *
 * - root: attributes `namespace` "core", `neurodata_type` "NWBFile", `nwb_version`, `object_id`;
 *   datasets `identifier` (a UUID), `session_description`, `session_start_time`,
 *   `timestamps_reference_time` (both `startTime`), `file_create_date` (now); groups
 *   `acquisition`, `analysis`, `processing`, `stimulus/presentation`, `stimulus/templates`;
 * - `general/source_script`: the spec as JSON, attribute `file_name`;
 * - `general/notes`: spikegpu's version, the seed, the backend and the duration in words, and
 *   as attributes `spikegpu_version`, `seed`, `dt_ms`, `duration_ms`, `complete` (0 or 1);
 * - `units` (Units, a DynamicTable): one row per recorded neuron, populations in the order of
 *   `run.spikes`, local ids ascending; `id` (int64, the row), `spike_times` (float64, s from the
 *   start, attribute `resolution` dt in s), `spike_times_index` (uint64, end of each row's spikes,
 *   `target` an object reference to spike_times), `population` (text), `local_id` (uint32).
 * @example
 *   const h5wasm = await import('h5wasm/node');
 *   await h5wasm.ready;
 *   writeSpikesNwb(h5wasm, '/tmp/spikes.nwb', { spikes, spec: sim.network.spec, seed: sim.network.seed, version: '0.1.0', durationMs: sim.timeMs });
 */
export function writeSpikesNwb(h5wasm: H5wasmModule, path: string, run: NwbRun): void {
  const { spec } = run;
  const now = new Date();
  const start = run.startTime ?? now;
  const networkName = spec.name ?? 'network';
  const complete = run.complete ?? true;
  const file = new h5wasm.File(path, 'w');
  try {
    file.create_attribute('namespace', 'core');
    file.create_attribute('neurodata_type', 'NWBFile');
    file.create_attribute('nwb_version', NWB_VERSION);
    file.create_attribute('object_id', uuid4());
    file.create_dataset({ name: 'identifier', data: uuid4() });
    file.create_dataset({
      name: 'session_description',
      data: `spikegpu simulation of ${networkName}: spikes of the recorded neurons, ${roundTime(run.durationMs)} ms${complete ? '' : ' (stopped early)'}`,
    });
    // NWB's isodatetime: ISO 8601 with a zone; UTC ends in "Z".
    file.create_dataset({ name: 'session_start_time', data: start.toISOString() });
    file.create_dataset({ name: 'timestamps_reference_time', data: start.toISOString() });
    file.create_dataset({ name: 'file_create_date', data: [now.toISOString()] });
    for (const group of ['acquisition', 'analysis', 'processing', 'stimulus', 'stimulus/presentation', 'stimulus/templates']) file.create_group(group);

    const general = file.create_group('general');
    const source = general.create_dataset({ name: 'source_script', data: JSON.stringify({ ...spec, seed: run.seed }) });
    source.create_attribute('file_name', run.specFileName ?? `${networkName}.json`);
    const notes = general.create_dataset({
      name: 'notes',
      data:
        `Simulated by spikegpu ${run.version}${run.backend ? ` on ${run.backend}` : ''}: network ${networkName}, seed ${run.seed}, dt ${spec.dt} ms, ` +
        `${roundTime(run.durationMs)} ms simulated${complete ? '' : ', stopped before the end of the run'}. ` +
        'general/source_script holds the spec (JSON); units/spike_times are seconds from the start of the simulation.',
    });
    notes.create_attribute('spikegpu_version', run.version);
    notes.create_attribute('seed', run.seed, null, '<q');
    notes.create_attribute('dt_ms', spec.dt, null, '<d');
    notes.create_attribute('duration_ms', roundTime(run.durationMs), null, '<d');
    notes.create_attribute('complete', complete ? 1 : 0, null, '<B');

    writeUnits(file.create_group('units'), run);
  } finally {
    file.close();
  }
}

/** The units table of `writeSpikesNwb`. */
function writeUnits(units: H5wasm.Group, run: NwbRun): void {
  const { spec, spikes } = run;
  const recorded = recordIds(spec);
  const names = Object.keys(spikes);
  const rows = names.map((name) => unitIds(spec, name, recorded));
  const unitCount = rows.reduce((total, ids) => total + ids.length, 0);
  const spikeCount = names.reduce((total, name) => total + spikes[name].ids.length, 0);
  typed(units, 'core', 'Units', `neurons of ${spec.name ?? 'the network'} whose spikes spikegpu recorded, one row each; population and local_id name them`);
  units.create_attribute('colnames', ['spike_times', 'population', 'local_id']);

  // Written in slices into a chunked dataset: h5wasm would copy one whole array into its heap.
  const spikeTimes = units.create_dataset({
    name: 'spike_times',
    data: new Float64Array(0),
    maxshape: [null],
    chunks: [Math.min(HDF5_CHUNK, Math.max(1, spikeCount))],
  });
  if (spikeCount) spikeTimes.resize([spikeCount]);
  typed(spikeTimes, 'hdmf-common', 'VectorData', 'spike times of each unit, s from the start of the simulation (the start of the tick of each spike)');
  spikeTimes.create_attribute('resolution', spec.dt / 1000, null, '<d');

  const index = new BigUint64Array(unitCount);
  const localIds = new Uint32Array(unitCount);
  const populations = new Array<string>(unitCount);
  let row = 0;
  let written = 0;
  for (const [p, name] of names.entries()) {
    const ids = rows[p];
    const { times, ids: spikeIds } = spikes[name];
    // Counting sort of the population's spikes by unit; stable, so each unit's stay in time order.
    const size = spec.populations[name].size;
    const rowOf = new Int32Array(size).fill(-1);
    for (const [r, id] of ids.entries()) rowOf[id] = r;
    const next = new Float64Array(ids.length + 1);
    for (const id of spikeIds) {
      const r = id < size ? rowOf[id] : -1;
      if (r < 0) throw new Error(`population ${name}: a spike of neuron ${id}, which is not recorded`);
      next[r + 1]++;
    }
    for (let r = 0; r < ids.length; r++) {
      next[r + 1] += next[r];
      index[row + r] = BigInt(written + next[r + 1]);
      localIds[row + r] = ids[r];
      populations[row + r] = name;
    }
    const sorted = new Float64Array(spikeIds.length);
    for (let k = 0; k < spikeIds.length; k++) sorted[next[rowOf[spikeIds[k]]]++] = roundTime(times[k]) / 1000;
    for (let at = 0; at < sorted.length; at += CHUNK_SPIKES) {
      const end = Math.min(sorted.length, at + CHUNK_SPIKES);
      spikeTimes.write_slice([[written + at, written + end]], sorted.subarray(at, end));
    }
    row += ids.length;
    written += sorted.length;
  }

  const spikeTimesIndex = units.create_dataset({ name: 'spike_times_index', data: index, dtype: '<Q' });
  typed(spikeTimesIndex, 'hdmf-common', 'VectorIndex', 'index into spike_times: the end of each unit’s spikes');
  spikeTimesIndex.create_attribute('target', spikeTimes.create_reference());
  const id = units.create_dataset({ name: 'id', data: BigInt64Array.from({ length: unitCount }, (_, i) => BigInt(i)), dtype: '<q' });
  typed(id, 'hdmf-common', 'ElementIdentifiers');
  // h5wasm writes variable-length strings only whole: one string per unit (units, not spikes).
  typed(units.create_dataset({ name: 'population', data: populations }), 'hdmf-common', 'VectorData', 'population of each unit (its name in the spec)');
  typed(units.create_dataset({ name: 'local_id', data: localIds, dtype: '<I' }), 'hdmf-common', 'VectorData', 'id of each unit within its population');
}

/**
 * `run` as the bytes of an NWB file (see `writeSpikesNwb`), through h5wasm's in-memory file
 * system; h5wasm is loaded on the first call (a separate chunk for bundlers), so nothing else
 * pays for it. For browser downloads and small files; the CLI writes large ones straight to disk.
 * @example
 *   const bytes = await spikesNwb({ spikes, spec: validateSpec(doc), seed: summary.seed, version: '0.1.0', durationMs: summary.durationMs });
 *   download(new Blob([bytes], { type: 'application/x-hdf5' }));
 */
export async function spikesNwb(run: NwbRun): Promise<Uint8Array<ArrayBuffer>> {
  const h5wasm = await import('h5wasm');
  const { FS } = await h5wasm.ready;
  const path = `/spikegpu-${uuid4()}.nwb`;
  try {
    writeSpikesNwb(h5wasm, path, run);
    // A copy out of the file system's memory, on a plain ArrayBuffer (so a Blob takes it).
    return FS.readFile(path) as Uint8Array<ArrayBuffer>;
  } finally {
    if (FS.analyzePath(path).exists) FS.unlink(path);
  }
}
