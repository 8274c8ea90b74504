/**
 * The learning demo: a plastic built-in network running live, its weights read back a few
 * times a second (histogram, weight matrix) while spikes stream into a raster.
 * `?network=polychronization&play=1`.
 */
import { builtinNetwork, weightHistogram, weightStats } from 'spikegpu';
import { HistogramPlot, MatrixPlot, RasterPlot } from './lib/plots.ts';
import type { Chunk, NetworkInfo } from './lib/protocol.ts';
import { Session } from './lib/session.ts';
import { Player, SimClient } from './lib/simClient.ts';
import { $, chooseBackend, demo, frameLoop, networkForm, networkFromUrl, playControls, RateMeter, showError, si } from './lib/ui.ts';

const params = new URLSearchParams(location.search);
const form = networkForm($('form'), ['song2000', 'polychronization'], networkFromUrl('song2000'));
const errorBox = $('error');
const stats = $('stats');
const meter = new RateMeter();
const client = new SimClient();
const histogram = new HistogramPlot($<HTMLCanvasElement>('histogram'), 'weight');
const matrix = new MatrixPlot($<HTMLCanvasElement>('matrix'));
let info: NetworkInfo | null = null;
let raster: RasterPlot | null = null;
let lastWeightsAt = 0;
let weightLine = '';
let summary: Chunk['summary'] | null = null;
/** Weight readbacks so far (tests read it). */
demo.weightReads = 0;

/** The plastic projection shown, and how its synapses map onto the matrix image. */
function layout(p: NetworkInfo['plastic'][number]): {
  rows: number;
  cols: number;
  cell: (pre: number, post: number) => [number, number];
  x: string;
  y: string;
} {
  // One post neuron (song2000): the inputs' weights as a grid, 40 per row.
  if (p.postSize === 1) {
    const cols = 40;
    return { rows: Math.ceil(p.preSize / cols), cols, cell: (pre) => [Math.floor(pre / cols), pre % cols], x: `input mod ${cols}`, y: `input ÷ ${cols}` };
  }
  return { rows: p.preSize, cols: p.postSize, cell: (pre, post) => [pre, post], x: `${p.post} neuron`, y: `${p.pre} neuron` };
}

async function showWeights(): Promise<void> {
  if (!info?.plastic.length) return;
  const p = info.plastic[0];
  const w = await client.weights(p.name);
  histogram.draw(weightHistogram(w.weights, p.wMin, p.wMax, 20), p.wMin, p.wMax);
  const l = layout(p);
  const rows = new Uint32Array(w.pre.length),
    cols = new Uint32Array(w.pre.length);
  for (let s = 0; s < w.pre.length; s++) [rows[s], cols[s]] = l.cell(w.pre[s], w.post[s]);
  matrix.draw(l.rows, l.cols, rows, cols, w.weights, p.wMin, p.wMax, l.x, l.y);
  const st = weightStats(w.weights, p.wMin, p.wMax);
  weightLine = `${p.name}: mean at ${(st.meanFraction * 100).toFixed(1)} % of [wMin, wMax], ${(st.fractionLow * 100).toFixed(1)} % in its lowest tenth, ${(st.fractionHigh * 100).toFixed(1)} % in its highest`;
  demo.weightReads = (demo.weightReads as number) + 1;
  demo.fractionLow = st.fractionLow;
}

async function onChunk(c: Chunk): Promise<void> {
  raster?.add(c.spikes, c.timeMs);
  summary = c.summary;
  meter.add(c.timeMs, c.summary.synapticEvents, c.summary.ticks);
  demo.simTimeMs = c.timeMs;
  demo.spikes = c.summary.spikes;
  if (performance.now() - lastWeightsAt > 250) {
    lastWeightsAt = performance.now();
    await showWeights();
  }
}

const session = new Session(playControls({ play: 'play', pause: 'pause' }));

async function build(backend: 'webgpu' | 'cpu'): Promise<void> {
  showError(errorBox, null);
  raster = null;
  info = null;
  const { name, options } = form.read();
  stats.textContent = `Building ${name}…`;
  try {
    const built = await session.build(
      () => client.create(builtinNetwork(name, options), backend),
      () =>
        new Player(
          client,
          onChunk,
          (e) => {
            showError(errorBox, e.message);
            session.stopped();
          },
          10,
        ),
    );
    if (!built) return; // a newer build took over
    info = built;
  } catch (e) {
    showError(errorBox, (e as Error).message);
    return;
  }
  // The raster shows the recorded populations stacked (spikes of the others are ignored).
  let offset = 0;
  const rasterPops = info.populations.filter((p) => p.recorded > 0).map((p) => ({ ...p, offset: (offset += p.size) - p.size }));
  raster = new RasterPlot($<HTMLCanvasElement>('raster'), rasterPops, 1000);
  summary = null;
  meter.reset();
  demo.adapter = info.adapter;
  await showWeights();
}

frameLoop(() => {
  raster?.draw();
  if (raster) demo.drawn = raster.drawn;
  if (!info) return;
  const r = meter.read();
  const post = info.plastic[0]?.post;
  const rate = summary && post && summary.populations[post] ? `${post} ${summary.populations[post].rateHz.toFixed(1)} Hz` : '';
  stats.textContent = [
    `${info.name} on ${info.backend === 'webgpu' ? info.adapter : 'the CPU reference'}`,
    `t = ${((summary?.durationMs ?? 0) / 1000).toFixed(2)} s`,
    r ? `real-time factor ${r.realTimeFactor.toPrecision(3)}` : '',
    rate,
    weightLine,
    summary ? `${si(summary.spikes)} spikes` : '',
    `${demo.fps} fps`,
  ]
    .filter(Boolean)
    .join(' · ');
});

const backend = await chooseBackend($('banner'));
await build(backend);
$('play').addEventListener('click', () => session.play());
$('pause').addEventListener('click', () => session.pause());
$('reset').addEventListener('click', () => build(backend));
form.onChange(() => build(backend));
if (params.get('play') === '1') $('play').click();
