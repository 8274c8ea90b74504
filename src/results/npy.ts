/**
 * NumPy `.npy` spike files (`spikegpu run --out spikes.npy`): one structured array that
 * `numpy.load` reads as it is, with no pickle and no companion file.
 */
import type { PopulationSpikes } from '../sim/spikeRecorder.ts';
import { roundTime } from './files.ts';

/** Records per chunk of the streamed writer: about 1 MiB for short names, so no file of any size becomes one buffer. */
const CHUNK_RECORDS = 65536;

/** `.npy` files start with these bytes, then the format version (1.0: a u16 header length). */
const NPY_MAGIC = [0x93, ...new TextEncoder().encode('NUMPY')];

/** NumPy pads the header so that the data start at a multiple of 64 bytes (aligned for any dtype). */
const NPY_ALIGN = 64;

/**
 * The header of a format 1.0 `.npy` file: magic, version, header length (u16, little-endian),
 * then the Python dict literal NumPy parses, padded with spaces and ending in a newline.
 * @example npyHeader("'<f8'", 3) // a 1-D float64 array of 3 values
 */
export function npyHeader(descr: string, count: number): Uint8Array {
  const dict = `{'descr': ${descr}, 'fortran_order': False, 'shape': (${count},), }`;
  const unpaddedBytes = NPY_MAGIC.length + 4 + dict.length + 1;
  const paddedBytes = Math.ceil(unpaddedBytes / NPY_ALIGN) * NPY_ALIGN;
  const text = dict + ' '.repeat(paddedBytes - unpaddedBytes) + '\n';
  if (text.length > 0xffff) throw new RangeError(`an .npy 1.0 header holds at most 65535 bytes, this one needs ${text.length}`);
  const bytes = new Uint8Array(paddedBytes);
  bytes.set(NPY_MAGIC);
  bytes[6] = 1; // format version 1.0
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, text.length, true);
  // The dict is ASCII: field names are fixed here, and population names are in the data, not the header.
  for (let i = 0; i < text.length; i++) bytes[10 + i] = text.charCodeAt(i);
  return bytes;
}

/** A name as NumPy's fixed-width unicode (`<U{width}`) stores it: one u32 (little-endian) per code point, NUL-padded. */
function ucs4(name: string, width: number): Uint8Array {
  const bytes = new Uint8Array(4 * width);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const char of name) {
    view.setUint32(at, char.codePointAt(0)!, true);
    at += 4;
  }
  return bytes;
}

/**
 * Spikes as a NumPy `.npy` file (format 1.0, little-endian), in chunks of bytes: one
 * structured array, a record per spike, in the order of the other spike files (populations
 * in the order of `spikes`, each in time order), with the fields
 *
 * - `population` `<U{w}`: the population's name (fixed-width unicode, `w` the longest name's
 *   length in code points, at least 1);
 * - `time_ms` `<f8`: the spike time in ms, as the JSON and CSV files write it;
 * - `id` `<u4`: the neuron's id, local to its population.
 *
 * Records are packed (`4w + 12` bytes each). The names are in the data, so the file needs
 * nothing beside it: `a = numpy.load('spikes.npy'); e = a[a['population'] == 'E']`.
 * @example writeFileAtomic('spikes.npy', spikesNpyChunks({ E: sim.spikes('E') }))
 */
export function* spikesNpyChunks(spikes: Record<string, PopulationSpikes>): Generator<Uint8Array> {
  const names = Object.keys(spikes);
  const widthChars = names.reduce((width, name) => Math.max(width, [...name].length), 1);
  const nameBytes = 4 * widthChars;
  const recordBytes = nameBytes + 12;
  const count = names.reduce((total, name) => total + spikes[name].ids.length, 0);
  yield npyHeader(`[('population', '<U${widthChars}'), ('time_ms', '<f8'), ('id', '<u4')]`, count);
  for (const name of names) {
    const { times, ids } = spikes[name];
    const encodedName = ucs4(name, widthChars);
    for (let start = 0; start < ids.length; start += CHUNK_RECORDS) {
      const end = Math.min(ids.length, start + CHUNK_RECORDS);
      const chunk = new Uint8Array((end - start) * recordBytes);
      const view = new DataView(chunk.buffer);
      for (let k = start, at = 0; k < end; k++, at += recordBytes) {
        chunk.set(encodedName, at);
        view.setFloat64(at + nameBytes, roundTime(times[k]), true);
        view.setUint32(at + nameBytes + 8, ids[k], true);
      }
      yield chunk;
    }
  }
}

/**
 * spikesNpyChunks as one buffer (small results, browser downloads).
 * @example new Blob([spikesNpy(recorded)], { type: 'application/octet-stream' })
 */
export function spikesNpy(spikes: Record<string, PopulationSpikes>): Uint8Array {
  const chunks = [...spikesNpyChunks(spikes)];
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
