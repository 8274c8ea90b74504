/** A first demo: run a built-in network on this browser's WebGPU and draw its spike raster. */
import { builtinNetwork, builtinNetworks } from '../src/networks/index.ts';
import { Simulator } from '../src/sim/simulator.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const select = $<HTMLSelectElement>('network');
const status = $('status');
const canvas = $<HTMLCanvasElement>('raster');
const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

for (const name of Object.keys(builtinNetworks)) select.add(new Option(name, name));

function draw(sim: Simulator, durationMs: number): void {
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const total = sim.network.neuronCount;
  sim.network.populations.forEach((p, k) => {
    const { times, ids } = sim.spikes(p.name);
    ctx.fillStyle = colors[k % colors.length];
    for (let i = 0; i < ids.length; i++) {
      const x = (times[i] / durationMs) * canvas.width;
      const y = canvas.height - ((p.offset + ids[i]) / total) * canvas.height;
      ctx.fillRect(x, y, 1.5, 1.5);
    }
  });
}

$('run').addEventListener('click', async () => {
  const name = select.value;
  const durationMs = Number($<HTMLInputElement>('duration').value);
  const options: Record<string, number> = 'n' in builtinNetworks[name].options ? { n: Number($<HTMLInputElement>('n').value) } : {};
  status.className = '';
  status.textContent = 'Compiling…';
  try {
    const sim = await Simulator.create(builtinNetwork(name, options));
    await sim.run(durationMs, (done) => (status.textContent = `${done.toFixed(0)} / ${durationMs} ms`));
    draw(sim, durationMs);
    const s = sim.summary();
    status.textContent = `${s.network} on ${s.adapter}: ${s.spikes} spikes, ` +
      Object.entries(s.populations).map(([p, x]) => `${p} ${x.rateHz.toFixed(1)} Hz`).join(', ') +
      `, ${s.wallMs.toFixed(0)} ms wall`;
    sim.dispose();
  } catch (e) {
    status.className = 'error';
    status.textContent = (e as Error).message;
  }
});
