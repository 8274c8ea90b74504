/**
 * The IDX format of MNIST and Fashion-MNIST (Zalando, 2017; Debian's `dataset-fashion-mnist`
 * installs it in /usr/share/datasets/fashion-mnist): a magic number (0, 0, type 0x08 for
 * unsigned bytes, the number of dimensions), the dimensions as big-endian u32, then the data.
 * Pure: the CLI reads and unzips the files.
 */
import type { ImageDataset } from './digits.ts';

/** An IDX file of unsigned bytes: its dimensions and its data. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parse an (unzipped) IDX file of unsigned bytes.
 * @example parseIdx(bytes).dims // [10000, 28, 28]
 */
export function parseIdx(bytes: Uint8Array): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error('not an IDX file (it starts with two zero bytes)');
  if (bytes[2] !== 0x08) throw new Error(`IDX data type 0x${bytes[2].toString(16)}: only unsigned bytes (0x08) are read`);
  const rank = bytes[3];
  if (bytes.length < 4 + 4 * rank) throw new Error('IDX file shorter than its header');
  const dims = Array.from({ length: rank }, (_, k) => view.getUint32(4 + 4 * k));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (bytes.length !== start + count) throw new Error(`IDX file of ${bytes.length} bytes; its dimensions ${dims.join('×')} need ${start + count}`);
  return { dims, data: bytes.subarray(start) };
}

/**
 * Images and labels from IDX files (images n × height × width, labels n) as a dataset.
 * @example idxDataset('fashion', parseIdx(images), parseIdx(labels), 10)
 */
export function idxDataset(name: string, images: IdxArray, labels: IdxArray, classes: number): ImageDataset {
  if (images.dims.length !== 3) throw new Error(`${name}: images must be n × height × width, got ${images.dims.join('×')}`);
  const [n, height, width] = images.dims;
  if (labels.dims.length !== 1 || labels.dims[0] !== n) throw new Error(`${name}: ${n} images but labels of shape ${labels.dims.join('×')}`);
  const size = width * height;
  return {
    name,
    width,
    height,
    classes,
    labels: Array.from(labels.data),
    images: Array.from({ length: n }, (_, k) => images.data.slice(k * size, (k + 1) * size)),
  };
}
