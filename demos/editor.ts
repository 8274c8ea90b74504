/**
 * The spec editor: a spec v1 document checked as you type (JSON syntax, then `validateSpec`,
 * whose errors name the JSON path), run in the worker (errors found while compiling, such as
 * weights outside a plastic projection's bounds, come back the same way), with the spikes and
 * the spec to download in the CLI's formats (NWB through h5wasm, loaded only when asked for).
 */
import { builtinNetwork, builtinNetworks, spikesCsv, spikesJson, spikesNwb, validateSpec, type NetworkSpec } from 'spikegpu';
import { RasterPlot } from './lib/plots.ts';
import type { Chunk } from './lib/protocol.ts';
import { SimClient } from './lib/simClient.ts';
import { $, chooseBackend, demo, frameLoop, showError, si } from './lib/ui.ts';

const text = $<HTMLTextAreaElement>('spec');
const check = $('check');
const errorBox = $('error');
const stats = $('stats');
const client = new SimClient();
let raster: RasterPlot | null = null;
let recorded: Record<string, { times: Float64Array; ids: Uint32Array }> = {};
let dt = 0.1;
/** What the NWB file records of the last run besides its spikes: the spec as run (the editor may have changed since), seed, duration, backend. */
let lastRun: { spec: NetworkSpec; seed: number; durationMs: number; backend: string } | null = null;

/** spikegpu's version, from package.json (vite.config.ts defines it). */
declare const __SPIKEGPU_VERSION__: string;

for (const name of Object.keys(builtinNetworks)) $<HTMLSelectElement>('builtin').add(new Option(name, name));
const small: Record<string, Record<string, number>> = { cuba: { n: 1000 }, coba: { n: 1000 }, brunel: { n: 2500 } };

/** Line and column of a character offset, for JSON syntax errors. */
function lineColumn(source: string, offset: number): string {
  const before = source.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** The document if it is valid, else null with the problem shown under the editor. */
function checkSpec(): unknown | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text.value);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    return invalid(`JSON: ${(e as Error).message}${m ? ` (${lineColumn(text.value, Number(m[1]))})` : ''}`);
  }
  try {
    const spec = validateSpec(doc);
    const pops = Object.entries(spec.populations);
    check.className = 'stats ok';
    check.textContent = `✓ valid spec v1: ${pops.reduce((a, [, p]) => a + p.size, 0)} neurons in ${pops.length} population${pops.length === 1 ? '' : 's'}, ${(spec.projections ?? []).length} projection${(spec.projections ?? []).length === 1 ? '' : 's'}, dt ${spec.dt} ms`;
    text.classList.remove('invalid');
    demo.specError = null;
    return doc;
  } catch (e) {
    return invalid((e as Error).message);
  }
}

function invalid(message: string): null {
  check.className = 'error';
  check.textContent = `✗ ${message}`;
  text.classList.add('invalid');
  demo.specError = message;
  return null;
}

function load(doc: unknown): void {
  text.value = JSON.stringify(doc, null, 2);
  checkSpec();
}

let timer = 0;
text.addEventListener('input', () => {
  clearTimeout(timer);
  timer = window.setTimeout(checkSpec, 250);
});
$('load-builtin').addEventListener('click', () => {
  const name = $<HTMLSelectElement>('builtin').value;
  load(builtinNetwork(name, small[name] ?? {}));
});
$<HTMLInputElement>('file').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  text.value = await file.text();
  checkSpec();
});

function download(name: string, body: BlobPart, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([body], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function append(chunk: Chunk): void {
  for (const [pop, s] of Object.entries(chunk.spikes)) {
    const prev = recorded[pop];
    if (!prev) {
      recorded[pop] = s;
      continue;
    }
    const times = new Float64Array(prev.times.length + s.times.length);
    times.set(prev.times);
    times.set(s.times, prev.times.length);
    const ids = new Uint32Array(prev.ids.length + s.ids.length);
    ids.set(prev.ids);
    ids.set(s.ids, prev.ids.length);
    recorded[pop] = { times, ids };
  }
}

async function run(backend: 'webgpu' | 'cpu'): Promise<void> {
  const doc = checkSpec();
  if (doc === null) return;
  const durationMs = Number($<HTMLInputElement>('duration').value);
  if (!(durationMs > 0)) return showError(errorBox, `duration must be a number of ms > 0, got ${JSON.stringify($<HTMLInputElement>('duration').value)}`);
  showError(errorBox, null);
  for (const id of ['run', 'dl-csv', 'dl-json', 'dl-nwb']) $<HTMLButtonElement>(id).disabled = true;
  recorded = {};
  lastRun = null;
  stats.textContent = 'Building…';
  try {
    const info = await client.create(doc, backend);
    dt = info.dt;
    raster = new RasterPlot(
      $<HTMLCanvasElement>('raster'),
      info.populations.filter((p) => p.recorded > 0),
      Math.max(durationMs, 10),
    );
    let last: Chunk | null = null;
    const chunkMs = Math.max(info.dt, Math.min(50, durationMs));
    for (let done = 0; done < durationMs - 1e-9;) {
      const ms = Math.min(chunkMs, durationMs - done);
      last = await client.run(ms);
      done += ms;
      append(last);
      raster.add(last.spikes, last.timeMs);
      demo.simTimeMs = last.timeMs;
      demo.spikes = last.summary.spikes;
      stats.textContent = `${info.name}: ${((done / durationMs) * 100).toFixed(0)} %`;
    }
    const s = last!.summary;
    stats.textContent =
      `${info.name} on ${info.backend === 'webgpu' ? info.adapter : 'the CPU reference'}: ${s.durationMs} ms, ${si(s.spikes)} spikes, ` +
      Object.entries(s.populations)
        .map(([p, x]) => `${p} ${x.rateHz.toFixed(2)} Hz`)
        .join(', ') +
      `, ${s.wallMs.toFixed(0)} ms wall`;
    lastRun = {
      spec: validateSpec(doc),
      seed: s.seed,
      durationMs: s.durationMs,
      backend: info.backend === 'webgpu' ? `WebGPU (${info.adapter}) in a browser` : 'the CPU reference in a browser',
    };
    for (const id of ['dl-csv', 'dl-json', 'dl-nwb']) $<HTMLButtonElement>(id).disabled = false;
    demo.runs = ((demo.runs as number | undefined) ?? 0) + 1;
  } catch (e) {
    // Errors found while compiling (SpecError) name the path, like the ones found while typing.
    showError(errorBox, (e as Error).message);
    stats.textContent = '';
  } finally {
    $<HTMLButtonElement>('run').disabled = false;
  }
}

frameLoop(() => {
  raster?.draw();
  if (raster) demo.drawn = raster.drawn;
});

const backend = await chooseBackend($('banner'));
load(builtinNetwork('cuba', { n: 1000 }));
$('run').addEventListener('click', () => run(backend));
$('dl-csv').addEventListener('click', () => download('spikes.csv', spikesCsv(recorded), 'text/csv'));
$('dl-json').addEventListener('click', () => download('spikes.json', spikesJson(dt, recorded), 'application/json'));
$('dl-nwb').addEventListener('click', async () => {
  if (!lastRun) return;
  const button = $<HTMLButtonElement>('dl-nwb');
  button.disabled = true;
  try {
    // The first click loads h5wasm (HDF5 in WebAssembly, a few MB); pages that never ask for NWB never fetch it.
    const bytes = await spikesNwb({ spikes: recorded, version: __SPIKEGPU_VERSION__, ...lastRun });
    download('spikes.nwb', bytes, 'application/x-hdf5');
    showError(errorBox, null);
  } catch (e) {
    showError(errorBox, `NWB: ${(e as Error).message}`);
  } finally {
    button.disabled = false;
  }
});
$('dl-spec').addEventListener('click', () => download('spec.json', text.value, 'application/json'));
