/**
 * Reading NumPy `.npy` files (format 1.0, 2.0 and 3.0), for the encoders: the magic and
 * version, the header (a Python dict literal, parsed, not pattern-matched) and the scalar
 * dtypes read from a DataView. `parseDvsNpy` reads structured tonic event arrays with it and
 * the spec encoder blocks plain arrays of numbers. (Writing is `src/results/npy.ts`.)
 */

/** The first bytes of every .npy file: \x93NUMPY. */
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Whether `bytes` start like a .npy file. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * A .npy file's header dict, where its data start, and a view of its bytes. Errors start with
 * `fn: ` (the reader's name).
 * @example readNpyHeader(bytes, 'parseDvsNpy').header.shape // [1000]
 */
export function readNpyHeader(data: Uint8Array, fn: string): { header: { [key: string]: PyValue }; dataStart: number; view: DataView } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 10 || !isNpy(data)) throw new Error(`${fn}: not an .npy file (it does not start with \\x93NUMPY)`);
  const major = data[6];
  if (major < 1 || major > 3) throw new Error(`${fn}: .npy format version ${major}.${data[7]} is not supported (1.0, 2.0 and 3.0 are)`);
  // Version 1.0 has a u16 header length, 2.0 and 3.0 a u32 one; 3.0 allows UTF-8 in the header.
  const headerStart = major === 1 ? 10 : 12;
  if (data.length < headerStart) throw new Error(`${fn}: the file ends inside its .npy header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (data.length < dataStart) throw new Error(`${fn}: the file ends inside its .npy header`);
  const header = parsePython(new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(data.subarray(headerStart, dataStart)), fn);
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new Error(`${fn}: the .npy header is not a dict`);
  return { header, dataStart, view };
}

/** A Python literal as NumPy writes .npy headers: dict, list, tuple, str, int, bool, None. */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

function parsePython(text: string, fn: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${fn}: cannot read the .npy header at character ${i} (${what}): ${text.trim()}`);
  };
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (): PyValue => {
    skip();
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') {
      const close = c === '{' ? '}' : c === '[' ? ']' : ')';
      i++;
      const items: PyValue[] = [];
      const dict: Record<string, PyValue> = {};
      for (;;) {
        skip();
        if (text[i] === close) break;
        const item = value();
        if (c === '{') {
          skip();
          if (text[i++] !== ':' || typeof item !== 'string') fail('expected a string key and ":"');
          dict[item as string] = value();
        } else items.push(item);
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected "," or "${close}"`);
      }
      i++;
      return c === '{' ? dict : items;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const word = /^(True|False|None|-?\d+)/.exec(text.slice(i));
    if (!word) return fail('unexpected character');
    i += word[0].length;
    return word[0] === 'True' ? true : word[0] === 'False' ? false : word[0] === 'None' ? null : Number(word[0]);
  };
  const result = value();
  skip();
  if (i !== text.length) fail('trailing characters');
  return result;
}

/** A reader of one little-endian scalar: its size and how to read it from a DataView. */
export interface ScalarType {
  bytes: number;
  read: (view: DataView, at: number) => number;
}

/** Largest |integer| a double holds exactly: 8-byte integers beyond it are refused, not rounded. */
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function bigToNumber(v: bigint): number {
  if (v > SAFE || v < -SAFE) throw new RangeError(`.npy value ${v} is too large to hold exactly in a JavaScript number`);
  return Number(v);
}

/** The .npy dtypes read (an event field, or a plain array's values): little-endian (or single-byte) bools, integers and floats. */
export const NPY_SCALARS: Record<string, ScalarType> = {
  b1: { bytes: 1, read: (v, at) => v.getUint8(at) },
  i1: { bytes: 1, read: (v, at) => v.getInt8(at) },
  u1: { bytes: 1, read: (v, at) => v.getUint8(at) },
  i2: { bytes: 2, read: (v, at) => v.getInt16(at, true) },
  u2: { bytes: 2, read: (v, at) => v.getUint16(at, true) },
  i4: { bytes: 4, read: (v, at) => v.getInt32(at, true) },
  u4: { bytes: 4, read: (v, at) => v.getUint32(at, true) },
  i8: { bytes: 8, read: (v, at) => bigToNumber(v.getBigInt64(at, true)) },
  u8: { bytes: 8, read: (v, at) => bigToNumber(v.getBigUint64(at, true)) },
  f4: { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  f8: { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
};
