/** `spikegpu learn digits`: unsupervised STDP learning of the 8×8 digits (Diehl & Cook 2015), tested on held-out images. */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { packagePath } from '../tools/packagePath.ts';
import { DIGITS_TRAIN_IMAGES, parseDigitsCsv, splitDataset, type DatasetSplit, type ImageDataset } from '../src/datasets/digits.ts';
import { idxDataset, parseIdx } from '../src/datasets/idx.ts';
import { diehlCookNetwork, ImageLearner, learnImages, type DiehlCookOptions, type LearningPhase } from '../src/learning/diehlCook.ts';
import { suggest } from '../src/netspec/validateSpec.ts';
import { Simulator } from '../src/sim/simulator.ts';
import { defineCommand, UsageError } from './args.ts';
import { BACKEND_OPTION, reportCpuFallback, SIGNAL_EXIT, stopOnSignal } from './shared.ts';

/** Where Debian's dataset-fashion-mnist installs Fashion-MNIST (IDX files). */
const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

const readGzip = (path: string) => gunzipSync(readFileSync(path));

interface LoadedDataset {
  split: DatasetSplit;
  /** The network's options for these images (inputs, rates, weight total, θ growth). */
  network: DiehlCookOptions;
}

/** The datasets `learn` knows: each loads its images, split by seed, and picks the network's options. */
const DATASETS: Record<string, { summary: string; load(seed: number, trainImages?: number, testImages?: number): LoadedDataset }> = {
  digits: {
    summary: '8×8 handwritten digits (UCI, 1797 images, shipped): 1297 train, 500 test',
    load(seed, trainImages, testImages) {
      const split = splitDataset(parseDigitsCsv(readGzip(packagePath('data/digits.csv.gz')).toString('utf8')), DIGITS_TRAIN_IMAGES, seed);
      return { split: { train: firstImages(split.train, trainImages), test: firstImages(split.test, testImages) }, network: {} };
    },
  },
  fashion: {
    summary: `Fashion-MNIST 28×28 (Debian's dataset-fashion-mnist, ${FASHION_DIR}): 1000 train and 500 test images drawn by seed unless given`,
    load(seed, trainImages = 1000, testImages = 500) {
      if (!existsSync(FASHION_DIR)) throw new UsageError(`fashion: Fashion-MNIST not found in ${FASHION_DIR} (apt-get install dataset-fashion-mnist)`);
      const read = (set: 'train' | 't10k') =>
        idxDataset(
          'fashion',
          parseIdx(readGzip(`${FASHION_DIR}/${set}-images-idx3-ubyte.gz`)),
          parseIdx(readGzip(`${FASHION_DIR}/${set}-labels-idx1-ubyte.gz`)),
          10,
        );
      const sample = (data: ImageDataset, n: number) => (n >= data.images.length ? data : splitDataset(data, n, seed).train);
      // Diehl & Cook's MNIST values: 784 inputs at up to 63.75 Hz, weights summing to 78, θ growing 0.05 mV a spike, inhibition 17.
      return {
        split: { train: sample(read('train'), trainImages), test: sample(read('t10k'), testImages) },
        network: { inputs: 784, maxRateHz: 63.75, weightTotal: 78, thetaPlusMv: 0.05, inhibition: 17 },
      };
    },
  },
};

/** The first n images of a dataset (all when n is undefined). */
const firstImages = (data: ImageDataset, n: number | undefined): ImageDataset =>
  n === undefined ? data : { ...data, images: data.images.slice(0, n), labels: data.labels.slice(0, n) };

/** A confusion matrix as aligned text, truth in rows, predictions in columns. */
function confusionText(matrix: number[][]): string {
  const width = Math.max(3, ...matrix.flat().map((x) => String(x).length + 1));
  const cell = (x: string | number) => String(x).padStart(width);
  const header = `truth\\predicted ${matrix.map((_, c) => cell(c)).join('')}`;
  return [header, ...matrix.map((row, t) => `${String(t).padStart(15)} ${row.map(cell).join('')}`)].join('\n');
}

export const learnCommand = defineCommand({
  name: 'learn',
  summary: 'unsupervised STDP learning of handwritten digits (Diehl & Cook 2015): test accuracy',
  operands: [{ name: '<digits | fashion>', missing: `a dataset: ${Object.keys(DATASETS).join(', ')}` }],
  options: {
    neurons: { type: 'number', value: 'n', min: 2, integer: true, default: 100, help: 'excitatory neurons (as many inhibitory)' },
    epochs: { type: 'number', value: 'n', min: 1, integer: true, default: 1, help: 'passes over the training images' },
    seed: { type: 'number', value: 'n', min: 0, integer: true, default: 1, help: 'seed of the train/test split, initial weights and Poisson inputs' },
    'train-images': { type: 'number', value: 'n', min: 1, integer: true, help: 'train on n training images only (default: digits all 1297, fashion 1000)' },
    'test-images': { type: 'number', value: 'n', min: 1, integer: true, help: 'test on n test images only (default: digits all 500, fashion 500)' },
    backend: BACKEND_OPTION,
    json: { type: 'flag', help: 'print one JSON object: accuracy, testImages, trainImages, neurons, epochs, wallMs, confusion, backend' },
  },
  notes:
    `Datasets: ${Object.entries(DATASETS)
      .map(([name, d]) => `${name}, ${d.summary}`)
      .join('; ')}. ` +
    "Each image is shown for 350 ms as Poisson inputs (255 Hz for a white pixel), then 150 ms of rest. After training, learning is switched off, each neuron is labelled with the class it answered most on the training images, and each test image is predicted as the class whose neurons answered it most. Digits: UCI optical recognition of handwritten digits (Alpaydin & Kaynak 1998, CC BY 4.0), shipped with spikegpu; fashion uses Diehl & Cook's MNIST parameters (784 inputs up to 63.75 Hz).",
  async run(o, [dataset]) {
    if (!Object.hasOwn(DATASETS, dataset)) throw new UsageError(`unknown dataset ${JSON.stringify(dataset)}${suggest(dataset, Object.keys(DATASETS))}`);
    const { split, network } = DATASETS[dataset].load(o.seed, o['train-images'], o['test-images']);
    const options = { ...network, neurons: o.neurons, seed: o.seed };
    const start = performance.now();
    const sim = await Simulator.create(diehlCookNetwork(options), { backend: o.backend });
    const interrupt = stopOnSignal('after this image');
    try {
      if (sim.fallback) reportCpuFallback(sim.fallback);
      const tty = process.stderr.isTTY;
      let last = 0;
      const onProgress = (phase: LearningPhase, done: number, total: number) => {
        const now = performance.now();
        if (done < total && now - last < (tty ? 250 : 10000)) return;
        last = now;
        const line = `spikegpu: ${phase} ${done} / ${total} images, ${((now - start) / 1000).toFixed(1)} s`;
        process.stderr.write(tty ? `\r${line}${done === total ? '\n' : ''}` : `${line}\n`);
      };
      let result;
      try {
        result = await learnImages(new ImageLearner(sim, options), split, { epochs: o.epochs, onProgress, signal: interrupt.signal });
      } catch (e) {
        // Interrupted: nothing to report but that (the network learned only part of the way).
        if (interrupt.received && interrupt.signal.aborted) {
          process.stderr.write(`spikegpu: ${interrupt.received}: stopped before the test accuracy\n`);
          return SIGNAL_EXIT[interrupt.received];
        }
        throw e;
      }
      const wallMs = performance.now() - start;
      const backend = sim.backendName === 'webgpu' ? `webgpu (${sim.adapter})` : 'cpu';
      if (o.json) {
        const { accuracy, testImages, trainImages, neurons, epochs, confusion } = result;
        process.stdout.write(
          `${JSON.stringify({ dataset, accuracy, testImages, trainImages, neurons, epochs, wallMs: Math.round(wallMs), confusion, backend })}\n`,
        );
      } else {
        const unlabelled = result.assignments.filter((c) => c < 0).length;
        process.stdout.write(
          [
            `${dataset}: ${result.neurons} excitatory neurons, ${result.epochs} epoch(s) over ${result.trainImages} training images, tested on ${result.testImages}`,
            `test accuracy ${(100 * result.accuracy).toFixed(1)} %${unlabelled ? ` (${unlabelled} neurons never answered)` : ''}`,
            `wall time ${(wallMs / 1000).toFixed(1)} s on ${backend}`,
            '',
            confusionText(result.confusion),
          ].join('\n') + '\n',
        );
      }
      return 0;
    } finally {
      interrupt.release();
      sim.dispose();
    }
  },
});
