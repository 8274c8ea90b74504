/** Page furniture shared by the demos: backend choice, network form, stats line, frame loop. */
import { builtinNetworks } from 'spikegpu';
import type { Backend } from './protocol.ts';
import { detectWebGpu } from './simClient.ts';

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};

/**
 * What a page exposes for its headless tests (and the curious, in the console): frame rate,
 * simulated time, spikes so far, spikes drawn, the backend in use, the last error.
 */
export interface DemoState {
  fps: number;
  frames: number;
  simTimeMs: number;
  spikes: number;
  drawn: number;
  backend: Backend | null;
  adapter: string;
  error: string | null;
  [key: string]: unknown;
}

export const demo: DemoState = { fps: 0, frames: 0, simTimeMs: 0, spikes: 0, drawn: 0, backend: null, adapter: '', error: null };
(globalThis as { demo?: DemoState }).demo = demo;

/**
 * The backend to use: WebGPU when the browser has an adapter; otherwise a banner explains why
 * and offers the CPU reference in a worker (the promise resolves when the user accepts).
 * `?backend=cpu` in the URL picks the CPU reference directly.
 */
export async function chooseBackend(banner: HTMLElement): Promise<Backend> {
  if (new URLSearchParams(location.search).get('backend') === 'cpu') return (demo.backend = 'cpu');
  const gpu = await detectWebGpu();
  if (gpu.ok) {
    demo.adapter = gpu.adapter;
    return (demo.backend = 'webgpu');
  }
  banner.hidden = false;
  banner.innerHTML = '';
  const text = document.createElement('p');
  text.textContent = `No WebGPU here: ${gpu.reason}. spikegpu can run the same simulation on its CPU reference implementation instead (identical results, slower), in a background worker.`;
  const button = document.createElement('button');
  button.id = 'use-cpu';
  button.textContent = 'Run on the CPU reference';
  banner.append(text, button);
  await new Promise<void>((resolve) => button.addEventListener('click', () => resolve(), { once: true }));
  banner.hidden = true;
  return (demo.backend = 'cpu');
}

/** Show an error on the page (and to tests). */
export function showError(box: HTMLElement, message: string | null): void {
  demo.error = message;
  box.hidden = message === null;
  box.textContent = message ?? '';
}

/**
 * The built-in network a page's URL asks for: `?network=brunel&n=40000&regime=A` (other
 * parameters are the page's own and are not options of the network).
 */
export function networkFromUrl(fallback: string): { name: string; options: Record<string, string | number> } {
  const params = new URLSearchParams(location.search);
  const asked = params.get('network');
  const name = asked && Object.hasOwn(builtinNetworks, asked) ? asked : fallback;
  const options: Record<string, string | number> = {};
  for (const [key, value] of params) {
    if (Object.hasOwn(builtinNetworks[name].options, key))
      options[key] = typeof builtinNetworks[name].options[key].default === 'number' ? Number(value) : value;
  }
  return { name, options };
}

/**
 * A form for a built-in network: a select of networks (limited to `names` when given) and an
 * input per option, rebuilt when the network changes. `read()` gives the choice.
 */
export function networkForm(
  container: HTMLElement,
  names = Object.keys(builtinNetworks),
  initial?: { name: string; options?: Record<string, string | number> },
): { read(): { name: string; options: Record<string, string | number> }; onChange(f: () => void): void } {
  const select = document.createElement('select');
  select.id = 'network';
  for (const n of names) select.add(new Option(n, n));
  if (initial) select.value = initial.name;
  const fields = document.createElement('span');
  const label = document.createElement('label');
  label.append('network ', select);
  container.append(label, fields);
  const listeners: (() => void)[] = [];
  const build = (options?: Record<string, string | number>) => {
    fields.innerHTML = '';
    for (const [key, opt] of Object.entries(builtinNetworks[select.value].options)) {
      const l = document.createElement('label');
      l.title = opt.doc;
      let input: HTMLInputElement | HTMLSelectElement;
      if (opt.choices) {
        input = document.createElement('select');
        for (const c of opt.choices) input.add(new Option(c, c));
      } else {
        input = document.createElement('input');
        input.type = 'number';
        if (opt.min !== undefined) input.min = String(opt.min);
        input.style.width = '6em';
      }
      input.value = String(options?.[key] ?? opt.default);
      input.dataset.option = key;
      input.id = `opt-${key}`;
      input.addEventListener('change', () => listeners.forEach((f) => f()));
      l.append(` ${key} `, input);
      fields.append(l);
    }
  };
  build(initial?.options);
  select.addEventListener('change', () => {
    build();
    listeners.forEach((f) => f());
  });
  return {
    read: () => {
      const options: Record<string, string | number> = {};
      for (const el of fields.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-option]'))
        options[el.dataset.option!] = el instanceof HTMLInputElement ? Number(el.value) : el.value;
      return { name: select.value, options };
    },
    onChange: (f) => listeners.push(f),
  };
}

/** Engineering format: 12.3k, 4.56M. */
export function si(x: number, digits = 3): string {
  const units = ['', 'k', 'M', 'G', 'T'];
  let u = 0;
  while (Math.abs(x) >= 1000 && u < units.length - 1) {
    x /= 1000;
    u++;
  }
  return `${x.toPrecision(digits)}${units[u]}`;
}

/** Runs `draw` every animation frame and keeps `demo.fps` (frames in the last second). */
export function frameLoop(draw: () => void): void {
  const stamps: number[] = [];
  const tick = (now: number) => {
    draw();
    demo.frames++;
    stamps.push(now);
    while (stamps.length && stamps[0] < now - 1000) stamps.shift();
    demo.fps = stamps.length;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Wall-clock rates over a sliding window of chunks: real-time factor, events/s, ticks/s. */
export class RateMeter {
  private readonly samples: { wall: number; sim: number; events: number; ticks: number }[] = [];

  add(simMs: number, events: number, ticks: number): void {
    this.samples.push({ wall: performance.now(), sim: simMs, events, ticks });
    while (this.samples.length > 2 && this.samples[0].wall < performance.now() - 3000) this.samples.shift();
  }

  reset(): void {
    this.samples.length = 0;
  }

  read(): { realTimeFactor: number; eventsPerS: number; ticksPerS: number } | null {
    if (this.samples.length < 2) return null;
    const a = this.samples[0],
      b = this.samples[this.samples.length - 1];
    const wallS = (b.wall - a.wall) / 1000;
    if (!(wallS > 0) || b.sim <= a.sim) return null;
    return { realTimeFactor: (b.wall - a.wall) / (b.sim - a.sim), eventsPerS: (b.events - a.events) / wallS, ticksPerS: (b.ticks - a.ticks) / wallS };
  }
}

export type PlayState = 'building' | 'paused' | 'playing';

/**
 * Enables the play / pause (/ step) buttons for a state: while a network builds none is
 * clickable, so no player outlives the network it drives.
 */
export function playControls(ids: { play: string; pause: string; step?: string }): (state: PlayState) => void {
  return (state) => {
    $<HTMLButtonElement>(ids.play).disabled = state !== 'paused';
    $<HTMLButtonElement>(ids.pause).disabled = state !== 'playing';
    if (ids.step) $<HTMLButtonElement>(ids.step).disabled = state !== 'paused';
  };
}
