/**
 * Learning from data: the digits set and its split, the labelling read-out against its
 * definition, `sim.setParams`, and Diehl & Cook's network learning the digits well above chance
 * on the CPU reference (the full-size accuracy is `spikegpu learn digits`, in docs/learning.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseDigitsCsv, splitDataset } from '../../src/datasets/digits.ts';
import { idxDataset, parseIdx } from '../../src/datasets/idx.ts';
import { cli } from '../helpers/cli.ts';
import { diehlCookNetwork, ImageLearner, learnImages } from '../../src/learning/diehlCook.ts';
import { accuracyOf, assignLabels, confusionMatrix, predictClass } from '../../src/learning/labels.ts';
import { validateSpec } from '../../src/netspec/validateSpec.ts';
import { Simulator } from '../../src/sim/simulator.ts';

const digits = parseDigitsCsv(gunzipSync(readFileSync(new URL('../../data/digits.csv.gz', import.meta.url))).toString('utf8'));

describe('the digits set', () => {
  it('has 1797 labelled 8×8 images, counts 0–16 scaled to 0–255', () => {
    expect(digits.images.length).toBe(1797);
    expect(digits.labels.length).toBe(1797);
    expect(new Set(digits.labels)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(digits.images.every((im) => im.length === 64)).toBe(true);
    // The first line: 0,0,5,13,9,1,… label 0
    expect(Array.from(digits.images[0].slice(0, 4))).toEqual([0, 0, Math.round((5 * 255) / 16), Math.round((13 * 255) / 16)]);
    expect(digits.labels[0]).toBe(0);
    expect(parseDigitsCsv('16' + ',0'.repeat(63) + ',7\n').images[0][0]).toBe(255);
  });

  it('refuses a malformed line, naming it', () => {
    expect(() => parseDigitsCsv(`${'0,'.repeat(64)}1\n1,2,3\n`)).toThrow(/digits.csv line 2: expected 64 pixel counts 0–16 and a label 0–9/);
    expect(() => parseDigitsCsv(`17${',0'.repeat(63)},1\n`)).toThrow(/line 1/);
  });

  it('splits by seed: disjoint, complete, repeatable, different for another seed', () => {
    const a = splitDataset(digits, 1297, 1);
    expect(a.train.images.length).toBe(1297);
    expect(a.test.images.length).toBe(500);
    const all = new Set([...a.train.images, ...a.test.images]);
    expect(all.size).toBe(1797);
    expect(splitDataset(digits, 1297, 1).test.labels).toEqual(a.test.labels);
    expect(splitDataset(digits, 1297, 2).test.images).not.toEqual(a.test.images);
    // Every class is in both parts.
    expect(new Set(a.test.labels).size).toBe(10);
    expect(() => splitDataset(digits, 1797, 1)).toThrow(/trainCount must be an integer in \[1, 1796\]/);
  });
});

describe('labelling and prediction (Diehl & Cook): by mean response per class', () => {
  it('labels each neuron with the class of its highest mean response; −1 when silent', () => {
    // Neuron 0 answers class 1 more on average (4 per image vs 3), though its total for class 0 is larger.
    const responses = [
      [3, 0, 0],
      [3, 0, 0],
      [3, 0, 0],
      [4, 2, 0],
    ];
    expect(assignLabels(responses, [0, 0, 0, 1], 2)).toEqual([1, 1, -1]);
  });

  it('predicts the class whose neurons answered most on average', () => {
    // Class 0 has one neuron with 4 spikes (mean 4); class 1 two neurons with 5 and 1 (mean 3).
    expect(predictClass([4, 5, 1], [0, 1, 1], 2)).toBe(0);
    expect(predictClass([0, 0, 0], [0, 1, 1], 2)).toBe(-1);
    expect(predictClass([9, 1], [-1, 1], 2)).toBe(1);
  });

  it('confusion counts truth × prediction; accuracy is the diagonal share', () => {
    const truth = [0, 0, 1, 2, 2];
    const predicted = [0, 1, 1, 2, -1];
    expect(confusionMatrix(truth, predicted, 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(accuracyOf(truth, predicted)).toBe(0.6);
  });
});

describe('sim.setParams', () => {
  it('changes a settable parameter between runs and names what it cannot change', async () => {
    const spec = { version: 1, dt: 0.1, populations: { E: { size: 3, model: 'lif', params: { vRest: -65, vThresh: -40 }, iExt: 20 } } };
    const quiet = await Simulator.create(spec, { backend: 'cpu' });
    try {
      await quiet.run(100); // v → −45, below −40: silent
      expect(quiet.spikes('E').ids.length).toBe(0);
      quiet.setParams('E', { vThresh: [-40, -50, -40] });
      await quiet.run(100);
      expect(new Set(quiet.spikes('E').ids)).toEqual(new Set([1]));
      expect(() => quiet.setParams('E', { tauM: 10 })).toThrow(/E \(lif\) cannot change "tauM" between runs; it can change: vRest, vThresh, vReset/);
      expect(() => quiet.setParams('X', { vThresh: 1 })).toThrow(/no population "X"/);
      expect(() => quiet.setParams('E', { vThresh: [1, 2] })).toThrow(/3 values expected, got 2/);
      expect(() => quiet.setParams('E', { vThresh: NaN })).toThrow(/vThresh is NaN; it must be finite/);
    } finally {
      quiet.dispose();
    }
  });
});

describe('Diehl & Cook (2015) on the digits', () => {
  it('is a valid spec with the documented structure', () => {
    const spec = validateSpec(diehlCookNetwork({ neurons: 30 }));
    expect(spec.populations.E).toMatchObject({ size: 30, model: 'adaptiveLif' });
    expect(spec.populations.input.size).toBe(64);
    expect(spec.projections![0].plasticity!.normalize).toEqual({ total: 8, every: 500 });
    expect(() => diehlCookNetwork({ neurons: 1 })).toThrow(/neurons must be an integer ≥ 2/);
  });

  it('learns the digits far above chance from 300 images with 30 neurons (CPU)', async () => {
    const split = splitDataset(digits, 1297, 1);
    const small = {
      train: { ...split.train, images: split.train.images.slice(0, 300), labels: split.train.labels.slice(0, 300) },
      test: { ...split.test, images: split.test.images.slice(0, 100), labels: split.test.labels.slice(0, 100) },
    };
    const sim = await Simulator.create(diehlCookNetwork({ neurons: 30 }), { backend: 'cpu' });
    try {
      const learner = new ImageLearner(sim, { neurons: 30 });
      const before = await learner.receptiveFields();
      const phases = new Set<string>();
      const result = await learnImages(learner, small, { onProgress: (phase) => phases.add(phase) });
      expect(phases).toEqual(new Set(['train', 'label', 'test']));
      expect(result).toMatchObject({ trainImages: 300, testImages: 100, neurons: 30, epochs: 1 });
      // Chance is 10 %; this small run reaches about 46 %.
      expect(result.accuracy).toBeGreaterThan(0.3);
      expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100);
      // Fields learned; each neuron's input weights still sum to the normalisation total (8).
      const after = await learner.receptiveFields();
      expect(Array.from(after)).not.toEqual(Array.from(before));
      for (let i = 0; i < 30; i++) expect(after.slice(i * 64, (i + 1) * 64).reduce((a, b) => a + b, 0)).toBeCloseTo(8, 1);
    } finally {
      sim.dispose();
    }
  }, 120_000);
});

describe('IDX files (MNIST, Fashion-MNIST)', () => {
  /** An IDX file of unsigned bytes with these dimensions and data. */
  const idx = (dims: number[], data: number[]) => {
    const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
    header.setUint8(2, 0x08);
    header.setUint8(3, dims.length);
    dims.forEach((d, k) => header.setUint32(4 + 4 * k, d));
    return Uint8Array.from([...new Uint8Array(header.buffer), ...data]);
  };

  it('reads dimensions (big-endian) and data, and pairs images with labels', () => {
    const images = parseIdx(idx([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    expect(images.dims).toEqual([2, 2, 3]);
    const data = idxDataset('t', images, parseIdx(idx([2], [7, 3])), 10);
    expect(data).toMatchObject({ width: 3, height: 2, labels: [7, 3], classes: 10 });
    expect(Array.from(data.images[1])).toEqual([7, 8, 9, 10, 11, 12]);
  });

  it('refuses what is not an IDX file of bytes, or does not fit its header', () => {
    expect(() => parseIdx(Uint8Array.from([1, 2, 3, 4]))).toThrow(/not an IDX file/);
    const floats = idx([1], [0, 0, 0, 0]);
    floats[2] = 0x0d;
    expect(() => parseIdx(floats)).toThrow(/data type 0xd: only unsigned bytes/);
    expect(() => parseIdx(idx([2, 2], [1, 2, 3]))).toThrow(/IDX file of 15 bytes; its dimensions 2×2 need 16/);
    expect(() => idxDataset('t', parseIdx(idx([2, 1, 1], [1, 2])), parseIdx(idx([3], [1, 2, 3])), 10)).toThrow(/2 images but labels of shape 3/);
  });
});

describe('spikegpu learn', () => {
  it('digits --json: accuracy and the documented fields; a confusion matrix in the text form', async () => {
    const r = await cli('learn', 'digits', '--backend', 'cpu', '--neurons', '10', '--train-images', '40', '--test-images', '30', '--json');
    expect(r.stderr).toMatch(/spikegpu: test 30 \/ 30 images/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ dataset: 'digits', testImages: 30, trainImages: 40, neurons: 10, epochs: 1, backend: 'cpu' });
    expect(out.accuracy).toBeGreaterThanOrEqual(0);
    expect(out.accuracy).toBeLessThanOrEqual(1);
    expect(out.wallMs).toBeGreaterThan(0);
    expect(out.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBeLessThanOrEqual(30);
    const text = await cli('learn', 'digits', '--backend', 'cpu', '--neurons', '4', '--train-images', '5', '--test-images', '5');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^digits: 4 excitatory neurons, 1 epoch\(s\) over 5 training images, tested on 5$/m);
    expect(text.stdout).toMatch(/^test accuracy \d+\.\d %/m);
    expect(text.stdout).toMatch(/^truth\\predicted +0 +1 +2 +3 +4 +5 +6 +7 +8 +9$/m);
  }, 60_000);

  it('names an unknown dataset with a suggestion (exit 2); fashion runs where Debian installed it, else says how to get it', async () => {
    const r = await cli('learn', 'digts');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('spikegpu: unknown dataset "digts" (did you mean "digits"?); expected one of: digits, fashion\n');
    const fashion = await cli('learn', 'fashion', '--backend', 'cpu', '--neurons', '4', '--train-images', '5', '--test-images', '5', '--json');
    if (existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz')) {
      expect(fashion.code).toBe(0);
      expect(JSON.parse(fashion.stdout)).toMatchObject({ dataset: 'fashion', trainImages: 5, testImages: 5 });
    } else {
      expect(fashion.code).toBe(2);
      expect(fashion.stderr).toMatch(/Fashion-MNIST not found in \/usr\/share\/datasets\/fashion-mnist \(apt-get install dataset-fashion-mnist\)/);
    }
  }, 60_000);
});
