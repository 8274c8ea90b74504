/**
 * Unsupervised learning of images after Diehl & Cook (2015): Poisson inputs at rates
 * proportional to pixel intensity drive adaptive-threshold excitatory neurons through STDP
 * with per-neuron weight normalisation; each excitatory neuron excites one inhibitory neuron,
 * which inhibits every other excitatory neuron (winner-take-all). Each image is shown for
 * 350 ms, then 150 ms of rest; the network learns from the training images, then, with
 * learning off (STDP amplitudes and threshold growth 0), each neuron is labelled with the
 * class it answered most and test images are classified by the mean response per class.
 *
 * The parameters are Diehl & Cook's (their Brian code) except where 8×8 images differ from
 * MNIST's 28×28: 64 inputs instead of 784, so input rates reach 255 Hz (not 63.75), each
 * neuron's input weights sum to 8 (not 78), the inhibition is 30 (not 17), and θ grows
 * 0.15 mV per spike with 100 neurons, in proportion to the neuron count (tuned on the digits
 * set; docs/learning.md).
 */
import type { NetworkSpec } from '../netspec/types.ts';
import type { Simulator } from '../sim/simulator.ts';
import type { DatasetSplit, ImageDataset } from '../datasets/digits.ts';
import { accuracyOf, assignLabels, confusionMatrix, predictClass } from './labels.ts';

/** The network's settings; every one has a default. */
export interface DiehlCookOptions {
  /** Excitatory (and inhibitory) neurons. Default 100. */
  neurons?: number;
  /** Input neurons: pixels per image. Default 64 (8×8). */
  inputs?: number;
  /** Time step, ms. Default 0.5. */
  dt?: number;
  /** Input rate of a white (255) pixel, Hz. Default 255. */
  maxRateHz?: number;
  /** How long an image is shown, ms. Default 350. */
  presentMs?: number;
  /** Rest after each image, no input, ms. Default 150. */
  restMs?: number;
  /** Threshold growth per spike, mV. Default 0.15 · neurons / 100. */
  thetaPlusMv?: number;
  /** Weight of the I → E inhibition (conductance, relative to the leak). Default 30. */
  inhibition?: number;
  /** Sum each excitatory neuron's input weights are scaled to before each image. Default 8. */
  weightTotal?: number;
  /** STDP potentiation amplitude. Default 0.001. */
  aPlus?: number;
  /** STDP depression amplitude. Default 0.0001. */
  aMinus?: number;
  /** Seed of the initial weights and the Poisson inputs. Default 1. */
  seed?: number;
}

/** The defaults, resolved for a neuron count. */
export function diehlCookDefaults(options: DiehlCookOptions = {}): Required<DiehlCookOptions> {
  const neurons = options.neurons ?? 100;
  return {
    neurons,
    inputs: 64,
    dt: 0.5,
    maxRateHz: 255,
    presentMs: 350,
    restMs: 150,
    thetaPlusMv: (0.15 * neurons) / 100,
    inhibition: 30,
    weightTotal: 8,
    aPlus: 0.001,
    aMinus: 0.0001,
    seed: 1,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
}

/**
 * The network as a spec: populations `input` (poisson, rates set per image), `E`
 * (adaptiveLif) and `I` (lif); projections `input` (plastic, normalised every image), `EI`, `IE`.
 * @example const sim = await Simulator.create(diehlCookNetwork({ neurons: 100 }));
 */
export function diehlCookNetwork(options: DiehlCookOptions = {}): NetworkSpec {
  const o = diehlCookDefaults(options);
  if (!Number.isInteger(o.neurons) || o.neurons < 2) throw new Error(`diehlCookNetwork: neurons must be an integer ≥ 2, got ${o.neurons}`);
  return {
    version: 1,
    name: `diehlCook2015-${o.neurons}`,
    dt: o.dt,
    seed: o.seed,
    populations: {
      input: { size: o.inputs, model: 'poisson', params: { rate: 0 } },
      E: {
        size: o.neurons,
        model: 'adaptiveLif',
        params: {
          tauM: 100,
          vRest: -65,
          vReset: -65,
          vThresh: -52,
          tRef: 5,
          thetaPlus: o.thetaPlusMv,
          tauTheta: 1e7,
          receptors: { exc: { kind: 'conductance', tau: 1, eRev: 0 }, inh: { kind: 'conductance', tau: 2, eRev: -100 } },
        },
      },
      I: {
        size: o.neurons,
        model: 'lif',
        params: { tauM: 10, vRest: -60, vReset: -45, vThresh: -40, tRef: 2, receptors: { exc: { kind: 'conductance', tau: 1, eRev: 0 } } },
      },
    },
    projections: [
      {
        name: 'input',
        pre: 'input',
        post: 'E',
        connect: { rule: 'allToAll' },
        weight: { uniform: [0, 0.3] },
        receptor: 'exc',
        delay: o.dt,
        plasticity: {
          rule: 'stdp',
          tauPlus: 40,
          tauMinus: 20,
          aPlus: o.aPlus,
          aMinus: o.aMinus,
          wMin: 0,
          wMax: 1,
          normalize: { total: o.weightTotal, every: o.presentMs + o.restMs },
        },
      },
      { name: 'EI', pre: 'E', post: 'I', connect: { rule: 'oneToOne' }, weight: 10.4, receptor: 'exc', delay: o.dt },
      { name: 'IE', pre: 'I', post: 'E', connect: { rule: 'allToAll', allowSelf: false }, weight: o.inhibition, receptor: 'inh', delay: o.dt },
    ],
    record: { spikes: ['E'] },
  };
}

/**
 * Shows images to a Diehl & Cook network built from `diehlCookNetwork` and reads its answers:
 * the building block of `learnImages` and of the learning demo.
 * @example
 *   const learner = new ImageLearner(await Simulator.create(diehlCookNetwork()));
 *   const counts = await learner.present(image, true); // spikes per E neuron
 */
export class ImageLearner {
  readonly options: Required<DiehlCookOptions>;
  private learning = true;

  constructor(
    readonly sim: Simulator,
    options: DiehlCookOptions = {},
  ) {
    this.options = diehlCookDefaults(options);
    if (sim.network.populations.find((p) => p.name === 'input')?.size !== this.options.inputs)
      throw new Error(`ImageLearner: the network's input population must have ${this.options.inputs} neurons (the options' inputs)`);
  }

  /** Learning on (STDP and threshold growth as built) or off (both 0: weights and θ frozen). */
  setLearning(on: boolean): void {
    if (on === this.learning) return;
    const o = this.options;
    this.sim.setPlasticity('input', on ? { aPlus: o.aPlus, aMinus: o.aMinus } : { aPlus: 0, aMinus: 0 });
    this.sim.setParams('E', { thetaPlus: on ? o.thetaPlusMv : 0 });
    this.learning = on;
  }

  /**
   * Show one image (8-bit, one value per input) for `presentMs`, then rest for `restMs`;
   * resolves to each excitatory neuron's spike count while it was shown.
   */
  async present(image: ArrayLike<number>, learn: boolean): Promise<Uint32Array> {
    const o = this.options;
    this.setLearning(learn);
    const start = this.sim.timeMs;
    this.sim.setRates(
      'input',
      Array.from(image, (x) => (x / 255) * o.maxRateHz),
    );
    await this.sim.run(o.presentMs);
    const counts = new Uint32Array(o.neurons);
    const spikes = this.sim.spikes('E');
    spikes.ids.forEach((id, k) => {
      if (spikes.times[k] >= start) counts[id]++;
    });
    this.sim.setRates('input', 0);
    await this.sim.run(o.restMs);
    this.sim.clearRecordings();
    return counts;
  }

  /** Each excitatory neuron's input weights (its receptive field): `neurons × inputs`, neuron-major. */
  async receptiveFields(): Promise<Float32Array> {
    const { pre, post, weights } = await this.sim.weights('input');
    const fields = new Float32Array(this.options.neurons * this.options.inputs);
    weights.forEach((w, s) => (fields[post[s] * this.options.inputs + pre[s]] = w));
    return fields;
  }
}

/** What `learnImages` reports. */
export interface LearningResult {
  /** Fraction of test images classified correctly. */
  accuracy: number;
  /** `confusion[truth][predicted]` over the test images. */
  confusion: number[][];
  /** Class of each excitatory neuron (−1: never answered). */
  assignments: number[];
  trainImages: number;
  testImages: number;
  neurons: number;
  epochs: number;
}

/** Where `learnImages` is: training, labelling (training images, learning off) or testing. */
export type LearningPhase = 'train' | 'label' | 'test';

/**
 * Diehl & Cook's protocol: `epochs` passes over the training images with learning on; one pass
 * with learning off to label the neurons; one over the test images to classify them.
 * @example
 *   const result = await learnImages(learner, splitDataset(digits, DIGITS_TRAIN_IMAGES, 1), { epochs: 1 });
 *   console.log(result.accuracy);
 */
export async function learnImages(
  learner: ImageLearner,
  data: DatasetSplit,
  options: { epochs?: number; onProgress?: (phase: LearningPhase, done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<LearningResult> {
  const epochs = options.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`learnImages: epochs must be an integer ≥ 1, got ${epochs}`);
  const pass = async (set: ImageDataset, phase: LearningPhase, learn: boolean): Promise<Uint32Array[]> => {
    const responses: Uint32Array[] = [];
    for (let k = 0; k < set.images.length; k++) {
      options.signal?.throwIfAborted();
      responses.push(await learner.present(set.images[k], learn));
      options.onProgress?.(phase, k + 1, set.images.length);
    }
    return responses;
  };
  for (let e = 0; e < epochs; e++) await pass(data.train, 'train', true);
  const classes = data.train.classes;
  const assignments = assignLabels(await pass(data.train, 'label', false), data.train.labels, classes);
  const predicted = (await pass(data.test, 'test', false)).map((r) => predictClass(r, assignments, classes));
  return {
    accuracy: accuracyOf(data.test.labels, predicted),
    confusion: confusionMatrix(data.test.labels, predicted, classes),
    assignments,
    trainImages: data.train.images.length,
    testImages: data.test.images.length,
    neurons: learner.options.neurons,
    epochs,
  };
}
