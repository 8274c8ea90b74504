/**
 * The scale demo: a built-in network of a chosen size running flat out with spike recording
 * off, reporting ticks/s, synaptic events/s, real-time factor and GPU memory, and ticks/s over
 * wall time. `?network=cuba&n=40000&play=1`.
 */
import { builtinNetwork } from 'spikegpu';
import { SeriesPlot } from './lib/plots.ts';
import type { Chunk, NetworkInfo } from './lib/protocol.ts';
import { Session } from './lib/session.ts';
import { Player, SimClient } from './lib/simClient.ts';
import { $, chooseBackend, demo, frameLoop, networkForm, networkFromUrl, playControls, RateMeter, showError, si } from './lib/ui.ts';

const params = new URLSearchParams(location.search);
const sized = ['cuba', 'coba', 'brunel', 'izhikevich2003', 'song2000'];
const form = networkForm($('form'), sized, networkFromUrl('cuba'));
const errorBox = $('error');
const stats = $('stats');
const meter = new RateMeter();
const client = new SimClient();
const speed = new SeriesPlot($<HTMLCanvasElement>('speed'), ['ticks/s'], 'ticks per second', 30_000, 'wall time (ms)');
let info: NetworkInfo | null = null;
let summary: Chunk['summary'] | null = null;
let started = 0;

function onChunk(c: Chunk): void {
  summary = c.summary;
  meter.add(c.timeMs, c.summary.synapticEvents, c.summary.ticks);
  demo.simTimeMs = c.timeMs;
  demo.spikes = c.summary.spikes;
  const r = meter.read();
  if (r) {
    demo.ticksPerS = r.ticksPerS;
    demo.eventsPerS = r.eventsPerS;
    speed.add(0, [performance.now() - started], [r.ticksPerS]);
    speed.setTime(performance.now() - started);
  }
}

const session = new Session(playControls({ play: 'play', pause: 'pause' }));
/** Whether the last network was running when the size changed: the new one runs too. */
let keepRunning = false;

async function build(backend: 'webgpu' | 'cpu'): Promise<void> {
  keepRunning ||= session.playing;
  showError(errorBox, null);
  info = null;
  const { name, options } = form.read();
  stats.textContent = `Building ${name}…`;
  try {
    const built = await session.build(
      () => client.create({ ...builtinNetwork(name, options), record: {} }, backend),
      () =>
        new Player(
          client,
          onChunk,
          (e) => {
            showError(errorBox, e.message);
            session.stopped();
          },
          1,
          150,
        ),
    );
    if (!built) return; // a newer build took over
    info = built;
  } catch (e) {
    showError(errorBox, (e as Error).message);
    keepRunning = false;
    return;
  }
  summary = null;
  meter.reset();
  speed.clear();
  started = performance.now();
  demo.gpuBytes = info.gpuBytes;
  demo.adapter = info.adapter;
  if (keepRunning) session.play();
  keepRunning = false;
}

function row(cells: string[]): string {
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

frameLoop(() => {
  speed.draw();
  if (!info) return;
  const r = meter.read();
  stats.textContent = `${info.name} on ${info.backend === 'webgpu' ? info.adapter : 'the CPU reference'} · ${demo.fps} fps`;
  $('table').innerHTML = [
    row([
      'neurons',
      si(info.neurons),
      'synapses',
      si(info.synapses),
      'GPU memory',
      info.backend === 'webgpu' ? `${(info.gpuBytes / 2 ** 20).toFixed(1)} MiB` : '—',
      'build',
      `${info.buildMs.toFixed(0)} ms`,
    ]),
    row([
      'ticks/s',
      r ? si(r.ticksPerS) : '…',
      'events/s',
      r ? si(r.eventsPerS) : '…',
      'real-time factor',
      r ? r.realTimeFactor.toPrecision(3) : '…',
      'simulated',
      summary ? `${(summary.durationMs / 1000).toFixed(2)} s, ${si(summary.spikes)} spikes` : '0 s',
    ]),
  ].join('');
});

const backend = await chooseBackend($('banner'));
await build(backend);
$('play').addEventListener('click', () => session.play());
$('pause').addEventListener('click', () => session.pause());
const resize = (factor: number) => {
  const input = document.getElementById('opt-n') as HTMLInputElement | null;
  if (!input) return;
  input.value = String(Math.max(100, Math.round(Number(input.value) * factor)));
  input.dispatchEvent(new Event('change'));
};
$('grow').addEventListener('click', () => resize(2));
$('shrink').addEventListener('click', () => resize(0.5));
form.onChange(() => build(backend));
if (params.get('play') === '1') $('play').click();
