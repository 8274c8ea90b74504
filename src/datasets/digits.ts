/**
 * The UCI optical recognition of handwritten digits set (Alpaydin & Kaynak 1998; the copy
 * scikit-learn ships, 1797 images): 8×8 images of 0–16 counts, one label 0–9 each. spikegpu
 * ships it as `data/digits.csv.gz` (see data/README.md). Pure: parsing and splitting only; the
 * CLI reads and unzips the file, the browser fetches it.
 */

/** Labelled grey-level images, row-major, 0–255. */
export interface ImageDataset {
  name: string;
  width: number;
  height: number;
  /** One label per image, 0 … classes − 1. */
  labels: number[];
  images: Uint8Array[];
  classes: number;
}

/**
 * Parse digits.csv (64 pixel counts 0–16, then the label, per line) into 8-bit images
 * (count · 255 / 16, rounded).
 * @example parseDigitsCsv('0,16,…,3\n…').images[0][1] // 255
 */
export function parseDigitsCsv(text: string): ImageDataset {
  const labels: number[] = [];
  const images: Uint8Array[] = [];
  text.split('\n').forEach((line, k) => {
    if (!line.trim()) return;
    const values = line.split(',').map(Number);
    if (values.length !== 65 || values.some((x) => !Number.isInteger(x) || x < 0 || x > 16))
      throw new Error(`digits.csv line ${k + 1}: expected 64 pixel counts 0–16 and a label 0–9, got ${JSON.stringify(line.slice(0, 60))}`);
    images.push(Uint8Array.from(values.slice(0, 64), (x) => Math.round((x * 255) / 16)));
    labels.push(values[64]);
  });
  return { name: 'digits', width: 8, height: 8, labels, images, classes: 10 };
}

/** The digits' fixed split: this many images train (and label), the other 500 of the 1797 test. */
export const DIGITS_TRAIN_IMAGES = 1297;

/** A train/test split of a dataset. */
export interface DatasetSplit {
  train: ImageDataset;
  test: ImageDataset;
}

/**
 * A fixed split by seed: the images shuffled (Fisher–Yates with a 32-bit xorshift generator
 * seeded by `seed`), the first `trainCount` for training and the rest for testing.
 * @example splitDataset(digits, DIGITS_TRAIN_IMAGES, 1) // 1297 training and 500 test images
 */
export function splitDataset(data: ImageDataset, trainCount: number, seed: number): DatasetSplit {
  const n = data.images.length;
  if (!Number.isInteger(trainCount) || trainCount < 1 || trainCount >= n)
    throw new Error(`splitDataset: trainCount must be an integer in [1, ${n - 1}], got ${trainCount}`);
  const order = Array.from({ length: n }, (_, i) => i);
  let state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>>= 0);
  };
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const pick = (ids: number[]): ImageDataset => ({ ...data, labels: ids.map((i) => data.labels[i]), images: ids.map((i) => data.images[i]) });
  return { train: pick(order.slice(0, trainCount)), test: pick(order.slice(trainCount)) };
}
