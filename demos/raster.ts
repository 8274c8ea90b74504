/**
 * The raster demo: a built-in network running live, its spikes drawn as they arrive (raster,
 * population rates) with membrane traces of a few neurons. URL parameters set the start:
 * `?network=brunel&n=40000&play=1` (also `backend=cpu`, `window` ms).
 */
import { builtinNetwork, type NetworkSpec } from 'spikegpu';
import { RasterPlot, RatePlot, SeriesPlot } from './lib/plots.ts';
import type { Chunk, NetworkInfo } from './lib/protocol.ts';
import { Session } from './lib/session.ts';
import { Player, SimClient } from './lib/simClient.ts';
import { $, chooseBackend, demo, frameLoop, networkForm, networkFromUrl, playControls, RateMeter, showError, si } from './lib/ui.ts';

const params = new URLSearchParams(location.search);
const form = networkForm($('form'), undefined, networkFromUrl('cuba'));
if (params.get('window')) $<HTMLSelectElement>('window').value = params.get('window')!;
const errorBox = $('error');
const stats = $('stats');
const meter = new RateMeter();
const client = new SimClient();
let plots: { raster: RasterPlot; rates: RatePlot; trace: SeriesPlot } | null = null;
let info: NetworkInfo | null = null;
let summary: Chunk['summary'] | null = null;
let lastTimeMs = 0;

/** The spec with membrane traces of the chosen neurons of the first neuron population. */
function specWithTraces(spec: NetworkSpec): NetworkSpec {
  const pop = Object.entries(spec.populations).find(([, p]) => p.model === 'lif' || p.model === 'izhikevich');
  if (!pop) return spec;
  const ids = $<HTMLInputElement>('traces')
    .value.split(',')
    .map((s) => Number(s.trim()))
    .filter((x) => Number.isInteger(x) && x >= 0 && x < pop[1].size)
    .slice(0, 8);
  if (!ids.length) return spec;
  return { ...spec, record: { ...(spec.record ?? {}), state: [{ pop: pop[0], var: 'v', ids }] } };
}

function onChunk(c: Chunk): void {
  if (!plots) return;
  plots.raster.add(c.spikes, c.timeMs);
  plots.rates.add(c.spikes, lastTimeMs, c.timeMs);
  c.state.forEach((s) => info!.probes[0].ids.forEach((_, j) => plots!.trace.add(j, s.times, s.values, info!.probes[0].ids.length, j)));
  plots.trace.setTime(c.timeMs);
  lastTimeMs = c.timeMs;
  summary = c.summary;
  meter.add(c.timeMs, c.summary.synapticEvents, c.summary.ticks);
  demo.simTimeMs = c.timeMs;
  demo.spikes = c.summary.spikes;
}

const session = new Session(playControls({ play: 'play', pause: 'pause', step: 'step' }));

async function build(backend: 'webgpu' | 'cpu'): Promise<void> {
  showError(errorBox, null);
  plots = null;
  info = null;
  const { name, options } = form.read();
  stats.textContent = `Building ${name}…`;
  try {
    const built = await session.build(
      () => client.create(specWithTraces(builtinNetwork(name, options)), backend),
      () =>
        new Player(client, onChunk, (e) => {
          showError(errorBox, e.message);
          session.stopped();
        }),
    );
    if (!built) return; // a newer build took over
    info = built;
  } catch (e) {
    showError(errorBox, (e as Error).message);
    stats.textContent = '';
    return;
  }
  const windowMs = Number($<HTMLSelectElement>('window').value);
  const neuronPops = info.populations.filter((p) => p.recorded > 0).map((p) => ({ name: p.name, size: p.recorded }));
  plots = {
    raster: new RasterPlot($<HTMLCanvasElement>('raster'), info.populations, windowMs),
    rates: new RatePlot($<HTMLCanvasElement>('rates'), neuronPops, windowMs),
    trace: new SeriesPlot(
      $<HTMLCanvasElement>('trace'),
      (info.probes[0]?.ids ?? []).map((id) => `${info!.probes[0].pop} #${id}`),
      'v (mV)',
      windowMs,
    ),
  };
  lastTimeMs = 0;
  summary = null;
  meter.reset();
  demo.adapter = info.adapter;
}

function statsLine(): string {
  if (!info) return stats.textContent ?? '';
  const r = meter.read();
  return [
    `${info.name}: ${si(info.neurons)} neurons, ${si(info.synapses)} synapses on ${info.backend === 'webgpu' ? info.adapter : 'the CPU reference'}`,
    `t = ${(lastTimeMs / 1000).toFixed(2)} s`,
    r ? `real-time factor ${r.realTimeFactor.toPrecision(3)}` : '',
    r ? `${si(r.eventsPerS)} events/s` : '',
    summary ? `${si(summary.spikes)} spikes` : '',
    `${demo.fps} fps`,
  ]
    .filter(Boolean)
    .join(' · ');
}

frameLoop(() => {
  if (plots) {
    plots.raster.draw();
    plots.rates.draw();
    plots.trace.draw();
    demo.drawn = plots.raster.drawn;
  }
  stats.textContent = statsLine();
});

const backend = await chooseBackend($('banner'));
await build(backend);
$('play').addEventListener('click', () => session.play());
$('pause').addEventListener('click', () => session.pause());
$('step').addEventListener('click', () => session.step(10).catch((e: Error) => showError(errorBox, e.message)));
$('reset').addEventListener('click', () => build(backend));
form.onChange(() => build(backend));
$('window').addEventListener('change', () => build(backend));
$('traces').addEventListener('change', () => build(backend));
if (params.get('play') === '1') $('play').click();
