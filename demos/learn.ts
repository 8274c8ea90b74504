/// <reference types="vite/client" />
/**
 * The digits demo: a Diehl & Cook (2015) network learning the 8×8 UCI digits without labels,
 * live. Training images stream in one at a time; after each, the receptive fields are read
 * back and drawn, the neurons are labelled from the last 200 responses, and the next image is
 * predicted from those labels before it is learned from (the running accuracy and confusion).
 * A drawing pad classifies a hand-drawn digit with learning off.
 * `?neurons=25|100&play=1` (and `?backend=cpu`).
 *
 * The simulator runs on the page's main thread, not in the demos' worker (lib/simWorker.ts),
 * for simplicity: ImageLearner drives the Simulator directly. Each image is one awaited
 * `present` (500 ms of simulated time): on WebGPU the page waits on the GPU; on the CPU
 * reference each image computes in one go (tens of ms at these sizes) and the page yields
 * between images, so it stays responsive.
 */
import {
  assignLabels,
  confusionMatrix,
  diehlCookNetwork,
  DIGITS_TRAIN_IMAGES,
  ImageLearner,
  parseDigitsCsv,
  predictClass,
  Simulator,
  splitDataset,
  accuracyOf,
  type DatasetSplit,
} from 'spikegpu';
// The dataset the CLI learns from too; Vite serves it in development and copies it (hashed) into the built site.
import digitsUrl from '../data/digits.csv.gz?url';
import { PALETTE } from './lib/plots.ts';
import type { Backend } from './lib/protocol.ts';
import { $, chooseBackend, demo, playControls, showError, type PlayState } from './lib/ui.ts';

const CLASSES = 10;
const SIDE = 8;
/** Training images whose responses label the neurons (a sliding window). */
const LABEL_WINDOW = 200;
/** Predictions the running accuracy and confusion cover. */
const ACCURACY_WINDOW = 200;
/** Labelled images needed before predictions count. */
const MIN_LABELLED = 10;
const BLUE = PALETTE[0],
  ORANGE = PALETTE[4];

const params = new URLSearchParams(location.search);
const errorBox = $('error');
const stats = $('stats');
const accuracyLine = $('accuracy');
const neuronsSelect = $<HTMLSelectElement>('neurons');
if (params.get('neurons') === '100' || params.get('neurons') === '25') neuronsSelect.value = params.get('neurons')!;

/** What the tests read: see the page's state below. */
Object.assign(demo, {
  state: 'building' as PlayState,
  neurons: 0,
  trainImages: 0,
  imagesSeen: 0,
  epoch: 0,
  fieldsVersion: 0,
  fieldsChecksum: 0,
  initialFieldsChecksum: 0,
  predictions: 0,
  accuracy: null as number | null,
  accuracyAll: null as number | null,
  assignments: [] as number[],
  msPerImage: 0,
  drawnInk: 0,
  classifyVersion: 0,
  classifyCounts: null as number[] | null,
  classifyAssignments: null as number[] | null,
  prediction: null as number | null,
});

// ---- canvases -------------------------------------------------------------------------

/** A canvas of a fixed CSS size, its backing store at the screen's pixel ratio; draw in CSS pixels. */
function fixedCanvas(id: string, width: number, height: number): CanvasRenderingContext2D {
  const canvas = $<HTMLCanvasElement>(id);
  const ratio = Math.max(1, devicePixelRatio || 1);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  return ctx;
}

/** Ink (0: paper, 1: black) as a grey. */
const grey = (ink: number) => {
  const g = Math.round(255 * (1 - Math.min(1, Math.max(0, ink))));
  return `rgb(${g},${g},${g})`;
};

/** An 8×8 image at (x, y), `cell` CSS pixels per pixel; `ink(i)` in [0, 1] for pixel i (row-major). */
function drawPixels(ctx: CanvasRenderingContext2D, x: number, y: number, cell: number, ink: (i: number) => number): void {
  for (let i = 0; i < SIDE * SIDE; i++) {
    ctx.fillStyle = grey(ink(i));
    ctx.fillRect(x + (i % SIDE) * cell, y + Math.floor(i / SIDE) * cell, cell, cell);
  }
}

const INPUT_CELL = 16;
const inputCtx = fixedCanvas('input', SIDE * INPUT_CELL, SIDE * INPUT_CELL);

function drawInput(image: Uint8Array, label: number, k: number): void {
  drawPixels(inputCtx, 0, 0, INPUT_CELL, (i) => image[i] / 255);
  $('input-caption').textContent = `training image ${k + 1}: a ${label}`;
}

/** Receptive-field grid geometry for a neuron count. */
function fieldsLayout(neurons: number) {
  const cols = Math.ceil(Math.sqrt(neurons));
  const rows = Math.ceil(neurons / cols);
  const gap = 6,
    labelH = 13;
  const cell = Math.max(2, Math.floor((400 - gap * (cols + 1)) / cols / SIDE));
  const tile = cell * SIDE;
  return {
    cols,
    cell,
    tile,
    width: cols * tile + (cols + 1) * gap,
    height: rows * (tile + labelH) + (rows + 1) * gap,
    origin: (n: number): [number, number] => [gap + (n % cols) * (tile + gap), gap + Math.floor(n / cols) * (tile + labelH + gap)],
    labelH,
  };
}

let fieldsCtx: CanvasRenderingContext2D | null = null;
let fields: Float32Array | null = null;
/** Spike counts of the last classified drawing, outlined on the fields. */
let answered: Uint32Array | null = null;

function drawFields(): void {
  if (!fields || !fieldsCtx) return;
  const n = fields.length / (SIDE * SIDE);
  const l = fieldsLayout(n);
  const ctx = fieldsCtx;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, l.width, l.height);
  const maxCount = answered ? Math.max(1, ...answered) : 1;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (let j = 0; j < n; j++) {
    const [x, y] = l.origin(j);
    let max = 0;
    for (let i = 0; i < SIDE * SIDE; i++) max = Math.max(max, fields[j * SIDE * SIDE + i]);
    drawPixels(ctx, x, y, l.cell, (i) => (max > 0 ? fields![j * SIDE * SIDE + i] / max : 0));
    if (answered?.[j]) {
      ctx.strokeStyle = ORANGE;
      ctx.lineWidth = 1 + (2 * answered[j]) / maxCount;
      ctx.strokeRect(x - 2, y - 2, l.tile + 4, l.tile + 4);
    }
    const label = assignments[j] ?? -1;
    ctx.fillStyle = label >= 0 ? BLUE : '#999';
    ctx.fillText(label >= 0 ? String(label) : '–', x, y + l.tile + 1);
  }
}

/** A number that changes with any weight (the tests compare it before and after learning). */
function checksum(w: Float32Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * (1 + (i % 97));
  return s;
}

const CONF_CELL = 24,
  CONF_LEFT = 40,
  CONF_TOP = 34;
const confusionCtx = fixedCanvas('confusion', CONF_LEFT + CLASSES * CONF_CELL + 6, CONF_TOP + CLASSES * CONF_CELL + 6);

function drawConfusion(matrix: number[][]): void {
  const ctx = confusionCtx;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, CONF_LEFT + CLASSES * CONF_CELL + 6, CONF_TOP + CLASSES * CONF_CELL + 6);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#333';
  ctx.fillText('predicted', CONF_LEFT + (CLASSES * CONF_CELL) / 2, 8);
  ctx.save();
  ctx.translate(9, CONF_TOP + (CLASSES * CONF_CELL) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('true', 0, 0);
  ctx.restore();
  const [r0, g0, b0] = [0x00, 0x72, 0xb2];
  for (let t = 0; t < CLASSES; t++) {
    ctx.fillStyle = '#333';
    ctx.fillText(String(t), CONF_LEFT - 10, CONF_TOP + (t + 0.5) * CONF_CELL);
    ctx.fillText(String(t), CONF_LEFT + (t + 0.5) * CONF_CELL, CONF_TOP - 10);
    const rowTotal = matrix[t].reduce((a, b) => a + b, 0);
    for (let p = 0; p < CLASSES; p++) {
      const f = rowTotal ? matrix[t][p] / rowTotal : 0;
      const mix = (c: number) => Math.round(255 + (c - 255) * f);
      ctx.fillStyle = `rgb(${mix(r0)},${mix(g0)},${mix(b0)})`;
      const x = CONF_LEFT + p * CONF_CELL,
        y = CONF_TOP + t * CONF_CELL;
      ctx.fillRect(x, y, CONF_CELL, CONF_CELL);
      ctx.strokeStyle = '#e4e4e4';
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, CONF_CELL - 1, CONF_CELL - 1);
      if (matrix[t][p]) {
        ctx.fillStyle = f > 0.5 ? '#fff' : '#222';
        ctx.fillText(String(matrix[t][p]), x + CONF_CELL / 2, y + CONF_CELL / 2);
      }
    }
  }
  ctx.strokeStyle = '#333';
  ctx.strokeRect(CONF_LEFT + 0.5, CONF_TOP + 0.5, CLASSES * CONF_CELL - 1, CLASSES * CONF_CELL - 1);
}
drawConfusion(Array.from({ length: CLASSES }, () => new Array<number>(CLASSES).fill(0)));

const VOTES_W = 320,
  VOTES_H = 190,
  VOTES_LEFT = 40,
  VOTES_BOTTOM = 24;
const votesCtx = fixedCanvas('votes', VOTES_W, VOTES_H);

/** Per class, the mean spike count of its neurons (what predictClass compares). */
function drawVotes(votes: number[] | null, predicted: number): void {
  const ctx = votesCtx;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, VOTES_W, VOTES_H);
  const plotH = VOTES_H - VOTES_BOTTOM - 10;
  const slot = (VOTES_W - VOTES_LEFT - 8) / CLASSES;
  const top = Math.max(1e-9, ...(votes ?? [0]));
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let c = 0; c < CLASSES; c++) {
    const v = votes?.[c] ?? 0;
    const h = votes ? (v / top) * plotH : 0;
    ctx.fillStyle = c === predicted ? ORANGE : BLUE;
    ctx.fillRect(VOTES_LEFT + c * slot + slot * 0.15, 10 + plotH - h, slot * 0.7, h);
    ctx.fillStyle = '#333';
    ctx.fillText(String(c), VOTES_LEFT + (c + 0.5) * slot, VOTES_H - VOTES_BOTTOM + 5);
  }
  ctx.strokeStyle = '#333';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(VOTES_LEFT + 0.5, 10);
  ctx.lineTo(VOTES_LEFT + 0.5, 10 + plotH + 0.5);
  ctx.lineTo(VOTES_W - 8, 10 + plotH + 0.5);
  ctx.stroke();
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(votes ? top.toPrecision(2) : '', VOTES_LEFT - 5, 10);
  ctx.fillText('0', VOTES_LEFT - 5, 10 + plotH);
}
drawVotes(null, -1);

// ---- the drawing pad --------------------------------------------------------------------

const PAD_CELL = 28;
const padCtx = fixedCanvas('draw', SIDE * PAD_CELL, SIDE * PAD_CELL);
/** The drawing, 0 (paper) … 1 (black) per pixel. */
const ink = new Float32Array(SIDE * SIDE);

function drawPad(): void {
  drawPixels(padCtx, 0, 0, PAD_CELL, (i) => ink[i]);
  padCtx.strokeStyle = '#e0e0e0';
  padCtx.lineWidth = 1;
  for (let k = 1; k < SIDE; k++) {
    padCtx.beginPath();
    padCtx.moveTo(k * PAD_CELL + 0.5, 0);
    padCtx.lineTo(k * PAD_CELL + 0.5, SIDE * PAD_CELL);
    padCtx.moveTo(0, k * PAD_CELL + 0.5);
    padCtx.lineTo(SIDE * PAD_CELL, k * PAD_CELL + 0.5);
    padCtx.stroke();
  }
  demo.drawnInk = ink.reduce((a, b) => a + b, 0);
}
drawPad();

/** A soft round brush about two pixels wide (the digits' strokes), at (fx, fy) in pixel units. */
function brush(fx: number, fy: number): void {
  for (let i = 0; i < SIDE * SIDE; i++) {
    const d = Math.hypot((i % SIDE) + 0.5 - fx, Math.floor(i / SIDE) + 0.5 - fy);
    ink[i] = Math.max(ink[i], Math.min(1, 1.3 - 0.85 * d));
  }
}

{
  const pad = $<HTMLCanvasElement>('draw');
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIDE, ((e.clientY - r.top) / r.height) * SIDE];
  };
  const stroke = (e: PointerEvent) => {
    const p = at(e);
    const from = last ?? p;
    const steps = Math.max(1, Math.ceil(Math.hypot(p[0] - from[0], p[1] - from[1]) / 0.25));
    for (let s = 1; s <= steps; s++) brush(from[0] + ((p[0] - from[0]) * s) / steps, from[1] + ((p[1] - from[1]) * s) / steps);
    last = p;
    drawPad();
  };
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture(e.pointerId);
    last = null;
    stroke(e);
  });
  pad.addEventListener('pointermove', (e) => {
    if (e.buttons & 1) stroke(e);
  });
  pad.addEventListener('pointerup', () => (last = null));
  $('clear').addEventListener('click', () => {
    ink.fill(0);
    drawPad();
  });
}

// ---- the network ------------------------------------------------------------------------

async function loadDigits(): Promise<DatasetSplit> {
  const response = await fetch(digitsUrl);
  if (!response.ok) throw new Error(`could not load the digits (${digitsUrl}): HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // The file is gzip. Vite's dev server sends it with Content-Encoding: gzip, so the browser has
  // unzipped it already; a plain static host sends the gzip bytes as they are: look at the bytes.
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const text = gzipped ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text() : new TextDecoder().decode(bytes);
  return splitDataset(parseDigitsCsv(text), DIGITS_TRAIN_IMAGES, 1);
}

let data: DatasetSplit | null = null;
let backend: Backend = 'webgpu';
let sim: Simulator | null = null;
let learner: ImageLearner | null = null;
/** Bumped by each build: work of an older network stops. */
let generation = 0;
let cursor = 0;
let assignments: number[] = [];
const responses: Uint32Array[] = [];
const responseLabels: number[] = [];
const recent: { truth: number; predicted: number }[] = [];
let predictedRight = 0;
let lastImageMs = 0;

/** Everything that touches the simulator runs one at a time: a training image, a classification, a rebuild. */
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const next = queue.then(task);
  queue = next.catch(() => {});
  return next;
}

const controls = playControls({ play: 'play', pause: 'pause' });
function setState(state: PlayState): void {
  demo.state = state;
  controls(state);
  $<HTMLButtonElement>('classify').disabled = state === 'building';
  $<HTMLButtonElement>('reset').disabled = state === 'building';
  neuronsSelect.disabled = state === 'building';
}

function showStats(): void {
  if (!sim || !data) return;
  stats.textContent = [
    `${demo.neurons} neurons on ${sim.backendName === 'webgpu' ? sim.adapter : 'the CPU reference'}`,
    `${demo.imagesSeen} training images seen${demo.epoch ? ` (epoch ${(demo.epoch as number) + 1})` : ''}`,
    `${(sim.timeMs / 1000).toFixed(1)} s simulated`,
    lastImageMs ? `${Math.round(lastImageMs)} ms per image` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  accuracyLine.textContent = recent.length
    ? `Running accuracy, predicting each image before learning from it: ${((demo.accuracy as number) * 100).toFixed(1)} % of the last ${recent.length} · ${((demo.accuracyAll as number) * 100).toFixed(1)} % of all ${demo.predictions}`
    : `Predictions start once ${MIN_LABELLED} images have labelled the neurons.`;
}

async function readFields(): Promise<void> {
  if (!learner) return;
  fields = await learner.receptiveFields();
  demo.fieldsChecksum = checksum(fields);
  demo.fieldsVersion = (demo.fieldsVersion as number) + 1;
  drawFields();
}

async function build(): Promise<void> {
  const gen = ++generation;
  playing = false;
  setState('building');
  showError(errorBox, null);
  const neurons = Number(neuronsSelect.value);
  stats.textContent = `Building a network of ${neurons} neurons…`;
  await exclusive(async () => {
    sim?.dispose();
    sim = learner = null;
    if (gen !== generation) return;
    const s = await Simulator.create(diehlCookNetwork({ neurons }), { backend });
    if (gen !== generation) return s.dispose();
    sim = s;
    learner = new ImageLearner(s, { neurons });
    Object.assign(demo, {
      neurons,
      imagesSeen: 0,
      epoch: 0,
      predictions: 0,
      accuracy: null,
      accuracyAll: null,
      classifyCounts: null,
      prediction: null,
      adapter: s.adapter,
      backend: s.backendName,
    });
    cursor = 0;
    assignments = [];
    demo.assignments = [];
    responses.length = responseLabels.length = recent.length = 0;
    predictedRight = 0;
    lastImageMs = 0;
    answered = null;
    const l = fieldsLayout(neurons);
    fieldsCtx = fixedCanvas('fields', l.width, l.height);
    await readFields();
    demo.initialFieldsChecksum = demo.fieldsChecksum;
    drawConfusion(confusionMatrix([], [], CLASSES));
    drawVotes(null, -1);
    $('prediction').textContent = 'Draw a digit with the mouse, then Classify (learning is off while it is shown).';
    setState('paused');
    showStats();
  });
}

/** Show the next training image with learning on; score the prediction its response makes with the labels so far. */
async function trainOne(gen: number): Promise<void> {
  if (gen !== generation || !learner || !data) return;
  const train = data.train;
  const k = cursor % train.images.length;
  const image = train.images[k],
    label = train.labels[k];
  drawInput(image, label, k);
  const t0 = performance.now();
  const counts = await learner.present(image, true);
  lastImageMs = performance.now() - t0;
  demo.msPerImage = lastImageMs;
  if (gen !== generation) return;
  // The prediction uses labels from earlier images only: this one has not labelled anything yet.
  if (responses.length >= MIN_LABELLED) {
    const predicted = predictClass(counts, assignments, CLASSES);
    recent.push({ truth: label, predicted });
    if (recent.length > ACCURACY_WINDOW) recent.shift();
    if (predicted === label) predictedRight++;
    demo.predictions = (demo.predictions as number) + 1;
    const truth = recent.map((r) => r.truth),
      predictions = recent.map((r) => r.predicted);
    demo.accuracy = accuracyOf(truth, predictions);
    demo.accuracyAll = predictedRight / (demo.predictions as number);
    drawConfusion(confusionMatrix(truth, predictions, CLASSES));
  }
  responses.push(counts);
  responseLabels.push(label);
  if (responses.length > LABEL_WINDOW) {
    responses.shift();
    responseLabels.shift();
  }
  assignments = assignLabels(responses, responseLabels, CLASSES);
  demo.assignments = assignments;
  cursor++;
  demo.imagesSeen = cursor;
  demo.epoch = Math.floor(cursor / train.images.length);
  demo.simTimeMs = learner.sim.timeMs;
  await readFields();
  showStats();
}

let playing = false;
/** The generation whose training loop is running, if any. */
let looping: number | null = null;
async function loop(gen: number): Promise<void> {
  if (looping === gen) return; // a pause and a play while an image was shown: the running loop goes on
  looping = gen;
  try {
    while (playing && gen === generation) {
      await exclusive(() => trainOne(gen));
      // Let the page paint and take input between images (the CPU reference computes on this thread).
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } catch (e) {
    playing = false;
    showError(errorBox, (e as Error).message);
    if (gen === generation) setState('paused');
  } finally {
    if (looping === gen) looping = null;
  }
}

/** Show the drawing with learning off; the counts, and the class predicted from the current labels. */
async function classify(): Promise<void> {
  const image = Uint8Array.from(ink, (x) => Math.round(x * 255));
  await exclusive(async () => {
    if (!learner) return;
    const counts = await learner.present(image, false);
    const predicted = predictClass(counts, assignments, CLASSES);
    answered = counts;
    drawFields();
    const votes = Array.from({ length: CLASSES }, (_, c) => {
      const mine = assignments.map((a, j) => (a === c ? counts[j] : -1)).filter((x) => x >= 0);
      return mine.length ? mine.reduce((a, b) => a + b, 0) / mine.length : 0;
    });
    drawVotes(votes, predicted);
    const spikes = counts.reduce((a, b) => a + b, 0);
    const active = counts.filter((x) => x > 0).length;
    $('prediction').textContent = !spikes
      ? 'No neuron answered: draw bolder or bigger.'
      : predicted < 0
        ? `${active} neurons answered (${spikes} spikes), but none of them is labelled yet: train for longer.`
        : `Predicted: ${predicted} (${active} neurons answered, ${spikes} spikes)`;
    Object.assign(demo, {
      classifyCounts: Array.from(counts),
      classifyAssignments: assignments.slice(),
      prediction: predicted,
      classifyVersion: (demo.classifyVersion as number) + 1,
      simTimeMs: learner.sim.timeMs,
    });
    showStats();
  });
}

$('play').addEventListener('click', () => {
  if (demo.state !== 'paused') return;
  playing = true;
  setState('playing');
  void loop(generation);
});
$('pause').addEventListener('click', () => {
  playing = false;
  setState('paused');
});
$('reset').addEventListener('click', () => void build().catch((e: Error) => showError(errorBox, e.message)));
neuronsSelect.addEventListener('change', () => void build().catch((e: Error) => showError(errorBox, e.message)));
$('classify').addEventListener('click', () => void classify().catch((e: Error) => showError(errorBox, e.message)));

setState('building');
try {
  [data, backend] = await Promise.all([loadDigits(), chooseBackend($('banner'))]);
  demo.trainImages = data.train.images.length;
  await build();
  if (params.get('play') === '1') $('play').click();
} catch (e) {
  showError(errorBox, (e as Error).message);
}
