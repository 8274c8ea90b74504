/**
 * The demos in headless Chromium (Debian's /usr/bin/chromium, WebGPU on SwiftShader where
 * there is no GPU), served by the Vite dev server: every page loads without console errors,
 * finds an adapter, simulates (spike counts rise) and really draws (coloured pixels read back
 * from the canvases); plots are drawn at the screen's pixel ratio and repaint on resize, with
 * legends off the data; the editor shows spec errors inline; without WebGPU the pages offer
 * the CPU reference. The built static site works under a sub-path. Screenshots go to
 * test/artifacts/ (look at them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page, Viewport } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, colouredPixels, startHarness, waitFor, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const demoState = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify((globalThis as { demo?: unknown }).demo ?? null)) as Record<string, unknown>);
const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
/** Pixels of the Okabe–Ito population colours on a canvas. */
const E_BLUE = '#0072b2',
  I_VERMILLION = '#d55e00';
const total = (px: Record<string, number>) => Object.values(px).reduce((a, b) => a + b, 0);
const paused = (page: Page) => waitFor(page, () => !(document.getElementById('play') as HTMLButtonElement).disabled, 30_000, 'paused');

/**
 * Headless Chromium's emulated device scale factor changes devicePixelRatio without firing
 * the `resolution` media query's change event that a real screen change fires: keep the
 * page's listeners (in `resolutionListeners`) so a test can fire it.
 */
const keepResolutionListeners = (page: Page) =>
  page.evaluateOnNewDocument(() => {
    const listeners: EventListener[] = ((globalThis as { resolutionListeners?: EventListener[] }).resolutionListeners = []);
    const matchMedia = window.matchMedia.bind(window);
    window.matchMedia = (query) => {
      const list = matchMedia(query);
      if (query.includes('resolution'))
        list.addEventListener = (_type: string, listener: EventListenerOrEventListenerObject) => listeners.push(listener as EventListener);
      return list;
    };
  });

/** Emulate another screen: a viewport of another size or pixel ratio, firing the page's resolution listeners when the ratio changes. */
async function emulateScreen(page: Page, viewport: Viewport): Promise<void> {
  const ratioChanged = viewport.deviceScaleFactor !== page.viewport()?.deviceScaleFactor;
  await page.setViewport(viewport);
  if (ratioChanged)
    await page.evaluate(() =>
      (globalThis as { resolutionListeners?: EventListener[] }).resolutionListeners!.splice(0).forEach((listener) => listener(new Event('change'))),
    );
}

/** Each canvas's backing-store size over its CSS size: the pixel ratio it is drawn at. */
const drawnPixelRatios = (page: Page, ids: string[]) =>
  page.evaluate(
    (ids) =>
      ids.map((id) => {
        const c = document.getElementById(id) as HTMLCanvasElement;
        return [c.width / c.clientWidth, c.height / c.clientHeight];
      }),
    ids,
  );

/** Wait until every canvas is drawn at `ratio` (they refit on the next frame after a resize). */
const drawnAt = (page: Page, ids: string[], ratio: number) =>
  waitFor(
    page,
    (ids: string[], ratio: number) =>
      ids.every((id) => {
        const c = document.getElementById(id) as HTMLCanvasElement;
        return c.width === ratio * c.clientWidth && c.height === ratio * c.clientHeight;
      }),
    10_000,
    `canvases at ${ratio}× pixels`,
    ids,
    ratio,
  );

describe('demos in headless Chromium', () => {
  it('landing page: links to the demos and finds a WebGPU adapter', async () => {
    const { page, errors } = await h.open('index.html');
    await waitFor(page, () => (globalThis as { demo?: { adapter?: string | null } }).demo?.adapter !== undefined, 30_000, 'adapter check');
    const links = await page.$$eval('a.card', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['./raster.html', './learning.html', './learn.html', './scale.html', './editor.html']);
    expect((await demoState(page)).adapter).toMatch(/\S/);
    await shoot(page, 'index');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('raster: plays cuba, spike counts rise, raster, rates and membrane traces draw; pause stops it', async () => {
    const { page, errors } = await h.open('raster.html?network=cuba&n=2000&play=1');
    await waitFor(page, () => ((globalThis as { demo?: { simTimeMs: number } }).demo?.simTimeMs ?? 0) > 300, 90_000, '300 ms simulated');
    const a = await demoState(page);
    expect(a.backend).toBe('webgpu');
    expect(a.error).toBeNull();
    expect(a.spikes as number).toBeGreaterThan(500);
    await waitFor(
      page,
      (before: number) => ((globalThis as { demo?: { spikes: number } }).demo?.spikes ?? 0) > before,
      30_000,
      'more spikes',
      a.spikes as number,
    );
    const raster = await colouredPixels(page, 'raster');
    expect(raster[E_BLUE]).toBeGreaterThan(300);
    expect(raster[I_VERMILLION]).toBeGreaterThan(50);
    expect(total(await colouredPixels(page, 'rates'))).toBeGreaterThan(200);
    expect(total(await colouredPixels(page, 'trace'))).toBeGreaterThan(200);
    // The page keeps drawing while the simulation runs (it lives in a worker).
    const frames = (await demoState(page)).frames as number;
    await new Promise((r) => setTimeout(r, 1500));
    expect(((await demoState(page)).frames as number) - frames).toBeGreaterThan(10);
    await shoot(page, 'raster');
    await page.click('#pause');
    await paused(page);
    const t = (await demoState(page)).simTimeMs;
    await new Promise((r) => setTimeout(r, 800));
    expect((await demoState(page)).simTimeMs).toBe(t);
    await page.click('#step');
    await waitFor(page, (t0: number) => ((globalThis as { demo?: { simTimeMs: number } }).demo?.simTimeMs ?? 0) > t0 + 9.9, 30_000, 'one step', t as number);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('learning: song2000 learns, the weight histogram and matrix redraw from readbacks', async () => {
    const { page, errors } = await h.open('learning.html?play=1', { beforeLoad: keepResolutionListeners });
    await waitFor(
      page,
      () =>
        ((globalThis as { demo?: { weightReads: number; simTimeMs: number } }).demo?.weightReads ?? 0) >= 3 &&
        ((globalThis as { demo?: { simTimeMs: number } }).demo?.simTimeMs ?? 0) > 300,
      120_000,
      'weights read back',
    );
    const s = await demoState(page);
    expect(s.error).toBeNull();
    expect(s.spikes as number).toBeGreaterThan(1000);
    expect(s.fractionLow as number).toBeGreaterThan(0.05);
    expect((await colouredPixels(page, 'histogram'))[E_BLUE]).toBeGreaterThan(2000);
    expect(total(await colouredPixels(page, 'matrix'))).toBeGreaterThan(20_000); // viridis cells
    expect((await colouredPixels(page, 'raster'))[E_BLUE]).toBeGreaterThan(100);
    await shoot(page, 'learning');
    // Paused, the histogram and matrix repaint from the last readback when the screen's pixel ratio changes.
    await page.click('#pause');
    await paused(page);
    await emulateScreen(page, { width: 1100, height: 1000, deviceScaleFactor: 2 });
    await drawnAt(page, ['histogram', 'matrix'], 2);
    expect((await colouredPixels(page, 'histogram'))[E_BLUE]).toBeGreaterThan(4 * 2000);
    expect(total(await colouredPixels(page, 'matrix'))).toBeGreaterThan(4 * 20_000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('scale: runs flat out with recording off and reports ticks/s, events/s and GPU memory', async () => {
    const { page, errors } = await h.open('scale.html?network=cuba&n=4000&play=1');
    await waitFor(page, () => ((globalThis as { demo?: { ticksPerS?: number } }).demo?.ticksPerS ?? 0) > 0, 90_000, 'ticks/s');
    const s = await demoState(page);
    expect(s.gpuBytes as number).toBeGreaterThan(2_000_000); // 321k synapses at 8 B
    expect(s.spikes as number).toBeGreaterThan(0);
    expect(s.eventsPerS as number).toBeGreaterThan(0);
    expect(await page.$eval('#table', (t) => t.textContent)).toMatch(/GPU memory\s*\d+\.\d MiB/);
    await waitFor(page, () => document.getElementById('speed') !== null, 1000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(total(await colouredPixels(page, 'speed'))).toBeGreaterThan(50);
    await shoot(page, 'scale');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('editor: runs the loaded spec; shows invalid specs inline, from validation and from compilation', async () => {
    const { page, errors } = await h.open('editor.html');
    await waitFor(page, () => document.getElementById('check')?.textContent?.startsWith('✓'), 30_000, 'spec checked');
    await page.$eval('#duration', (el) => ((el as HTMLInputElement).value = '200'));
    await page.click('#run');
    await waitFor(page, () => ((globalThis as { demo?: { runs?: number } }).demo?.runs ?? 0) === 1, 90_000, 'run finished');
    expect((await demoState(page)).spikes as number).toBeGreaterThan(50);
    expect((await colouredPixels(page, 'raster'))[E_BLUE]).toBeGreaterThan(100);
    expect(await page.$eval('#dl-csv', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    await shoot(page, 'editor-run');

    // The NWB download loads h5wasm on the click: catch the file the page hands to a download link, and read it with h5py.
    await page.evaluate(() => {
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        if (this.download !== 'spikes.nwb') return click.call(this);
        void fetch(this.href)
          .then((r) => r.arrayBuffer())
          .then((b) => ((globalThis as { nwb?: number[] }).nwb = [...new Uint8Array(b)]));
      };
    });
    await page.click('#dl-nwb');
    await waitFor(page, () => (globalThis as { nwb?: number[] }).nwb !== undefined, 60_000, 'the NWB download');
    const nwbPath = join(mkdtempSync(join(tmpdir(), 'spikegpu-editor-')), 'spikes.nwb');
    writeFileSync(nwbPath, Uint8Array.from(await page.evaluate(() => (globalThis as { nwb?: number[] }).nwb!)));
    const h5py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import sys, h5py; f = h5py.File(sys.argv[1]); print(f.attrs["neurodata_type"], f["units/id"].shape[0], f["units/spike_times"].shape[0])',
        nwbPath,
      ],
      { encoding: 'utf8' },
    );
    rmSync(dirname(nwbPath), { recursive: true, force: true });
    expect(h5py.status, `h5py (Debian: python3-h5py): ${h5py.stderr}`).toBe(0);
    // The editor's cuba has 1000 neurons, all recorded.
    expect(h5py.stdout.trim()).toBe(`NWBFile 1000 ${(await demoState(page)).spikes}`);

    // A validation error, inline, naming the path.
    const setSpec = (text: string) =>
      page.$eval(
        '#spec',
        (el, t) => {
          (el as HTMLTextAreaElement).value = t;
          el.dispatchEvent(new Event('input'));
        },
        text,
      );
    const spec = JSON.parse(await page.$eval('#spec', (el) => (el as HTMLTextAreaElement).value));
    spec.populations.E.size = -1;
    await setSpec(JSON.stringify(spec, null, 2));
    await waitFor(page, () => document.getElementById('check')?.textContent?.startsWith('✗'), 10_000, 'inline error');
    expect(await page.$eval('#check', (el) => el.textContent)).toBe('✗ populations.E.size: must be ≥ 1, got -1');
    expect(await page.$eval('#spec', (el) => el.classList.contains('invalid'))).toBe(true);
    await shoot(page, 'editor-invalid');
    // A JSON syntax error says where.
    await setSpec('{ "version": 1, "dt": 0.1,, }');
    await waitFor(page, () => document.getElementById('check')?.textContent?.startsWith('✗ JSON'), 10_000, 'JSON error');
    expect(await page.$eval('#check', (el) => el.textContent)).toMatch(/line 1, column \d+/);
    // An error only compilation finds (initial weights outside a plastic projection's bounds), shown after Run.
    const plastic = {
      version: 1,
      dt: 0.1,
      populations: {
        P: { size: 5, model: 'poisson', params: { rate: 10 } },
        N: { size: 2, model: 'lif', params: { receptors: { e: { kind: 'current', tau: 5 } } } },
      },
      projections: [
        {
          pre: 'P',
          post: 'N',
          connect: { rule: 'allToAll' },
          weight: 3,
          receptor: 'e',
          plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.01, wMin: 0, wMax: 1 },
        },
      ],
    };
    await setSpec(JSON.stringify(plastic));
    await waitFor(page, () => document.getElementById('check')?.textContent?.startsWith('✓'), 10_000, 'valid');
    await page.click('#run');
    await waitFor(page, () => !(document.getElementById('error') as HTMLElement).hidden, 30_000, 'compile error');
    expect(await page.$eval('#error', (el) => el.textContent)).toBe(
      'projections[0].weight: initial weights of a plastic projection must lie in [wMin, wMax] = [0, 1]',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without WebGPU: says so and runs on the CPU reference in a worker when asked', async () => {
    const { page, errors } = await h.open('raster.html?network=cuba&n=1000&play=1', {
      beforeLoad: (p) => p.evaluateOnNewDocument(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined })),
    });
    await waitFor(page, () => document.getElementById('use-cpu') !== null, 30_000, 'the no-WebGPU banner');
    expect(await page.$eval('#banner', (el) => el.textContent)).toContain('No WebGPU here: this browser has no WebGPU');
    await shoot(page, 'no-webgpu');
    await page.click('#use-cpu');
    await waitFor(page, () => ((globalThis as { demo?: { spikes: number } }).demo?.spikes ?? 0) > 200, 60_000, 'CPU spikes');
    const s = await demoState(page);
    expect(s.backend).toBe('cpu');
    expect((await colouredPixels(page, 'raster'))[E_BLUE]).toBeGreaterThan(100);
    expect(await page.$eval('#stats', (el) => el.textContent)).toContain('on the CPU reference');
    await shoot(page, 'no-webgpu-cpu');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('HiDPI: plots draw at the device pixel ratio, repaint when it or the width changes; legends sit outside the plots', async () => {
    const plots = ['raster', 'rates', 'trace'];
    const { page, errors } = await h.open('raster.html?network=cuba&n=1000&play=1', {
      viewport: { width: 1100, height: 1000, deviceScaleFactor: 2 },
      beforeLoad: keepResolutionListeners,
    });
    await waitFor(page, () => ((globalThis as { demo?: { simTimeMs: number } }).demo?.simTimeMs ?? 0) > 300, 90_000, '300 ms simulated');
    await page.click('#pause');
    await paused(page);
    expect(await drawnPixelRatios(page, plots)).toEqual(plots.map(() => [2, 2]));
    const drawn = async () => ({
      raster: (await colouredPixels(page, 'raster'))[E_BLUE] ?? 0,
      rates: total(await colouredPixels(page, 'rates')),
      trace: total(await colouredPixels(page, 'trace')),
    });
    const atTwo = await drawn();
    expect(atTwo.raster).toBeGreaterThan(4 * 300); // a spike is 2 × 2 device pixels or more
    expect(atTwo.rates).toBeGreaterThan(400);
    expect(atTwo.trace).toBeGreaterThan(400);

    // Legends: the series' names, just above their canvas and clear of it (so of its data area).
    const legends = await page.evaluate(() =>
      ['rates', 'trace'].map((id) => {
        const legend = document.getElementById(`${id}-legend`)!,
          canvas = document.getElementById(id)!;
        return {
          names: [...legend.children].map((c) => c.textContent),
          legend: legend.getBoundingClientRect().toJSON() as DOMRect,
          canvas: canvas.getBoundingClientRect().toJSON() as DOMRect,
        };
      }),
    );
    expect(legends.map((l) => l.names)).toEqual([
      ['E', 'I'],
      ['E #0', 'E #1', 'E #2'],
    ]);
    for (const { legend, canvas } of legends) {
      expect(legend.width * legend.height).toBeGreaterThan(0);
      const overlaps = legend.left < canvas.right && canvas.left < legend.right && legend.top < canvas.bottom && canvas.top < legend.bottom;
      expect(overlaps).toBe(false);
      expect(canvas.top - legend.bottom).toBeGreaterThanOrEqual(0);
      expect(canvas.top - legend.bottom).toBeLessThan(12);
    }
    await shoot(page, 'raster-hidpi');

    // Paused, so only a repaint on resize can refill the new (blank) backing stores.
    await emulateScreen(page, { width: 800, height: 1000, deviceScaleFactor: 2 });
    await drawnAt(page, plots, 2);
    expect(await page.$eval('#raster', (c) => c.clientWidth)).toBeLessThan(800);
    const narrow = await drawn();
    expect(narrow.raster).toBeGreaterThan(0.5 * atTwo.raster);
    expect(narrow.rates).toBeGreaterThan(400);
    expect(narrow.trace).toBeGreaterThan(400);
    // Same width, 1× pixels (a move to another screen): only the pixel ratio changes.
    await emulateScreen(page, { width: 800, height: 1000, deviceScaleFactor: 1 });
    await drawnAt(page, plots, 1);
    const atOne = await drawn();
    expect(atOne.raster).toBeGreaterThan(300);
    expect(atOne.rates).toBeGreaterThan(200);
    expect(atOne.trace).toBeGreaterThan(200);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('frame rate while simulating, 4 000 and 40 000 neurons (recorded in test/artifacts/fps.json, not asserted: no timed tests)', async () => {
    const out: Record<string, unknown> = {};
    for (const n of [4000, 40000]) {
      const { page, errors } = await h.open(`raster.html?network=cuba&n=${n}&play=1`);
      await waitFor(page, () => ((globalThis as { demo?: { simTimeMs: number } }).demo?.simTimeMs ?? 0) > 20, 120_000, 'running');
      const a = await demoState(page);
      await new Promise((r) => setTimeout(r, 5000));
      const b = await demoState(page);
      out[`cuba n=${n}`] = {
        fps: ((b.frames as number) - (a.frames as number)) / 5,
        simulatedMsPerWallS: ((b.simTimeMs as number) - (a.simTimeMs as number)) / 5,
        spikesDrawn: b.drawn,
      };
      expect(b.frames as number).toBeGreaterThan(a.frames as number); // drawing goes on while it simulates
      expect(b.simTimeMs as number).toBeGreaterThan(a.simTimeMs as number);
      await shoot(page, `raster-${n}`);
      expect(errors).toEqual([]);
      await page.close();
    }
    writeFileSync(join(ARTIFACTS, 'fps.json'), JSON.stringify(out, null, 2));
    console.log('raster page while simulating:', JSON.stringify(out));
  }, 300_000);
});

describe('the static site (npm run build:demos)', () => {
  /** Each page, and when it has finished starting (for the live pages, its network built in the worker). */
  const pages: [string, () => unknown][] = [
    ['index.html', () => document.getElementById('adapter')?.textContent],
    ['raster.html?network=cuba&n=1000&play=1', () => ((globalThis as { demo?: { drawn: number } }).demo?.drawn ?? 0) > 100],
    ['learning.html', () => !(document.getElementById('play') as HTMLButtonElement).disabled],
    ['scale.html', () => !(document.getElementById('play') as HTMLButtonElement).disabled],
    ['editor.html', () => document.getElementById('check')?.textContent?.startsWith('✓')],
  ];

  it('builds; served under a sub-path, every page and the worker load with no failed request, and the raster page simulates and draws', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'spikegpu-demos-'));
    const site = await startHarness({ kind: 'static', outDir, basePath: '/some/sub/path/' });
    try {
      for (const page of ['index', 'raster', 'learning', 'scale', 'editor']) expect(existsSync(join(outDir, `${page}.html`))).toBe(true);
      for (const [path, ready] of pages) {
        const { page, errors, failedRequests } = await site.open(path);
        await page.waitForNetworkIdle({ idleTime: 300 });
        expect(failedRequests, path).toEqual([]); // fail fast: a missing script would leave the page waiting forever
        await waitFor(page, ready, 90_000, `${path} ready`);
        await page.waitForNetworkIdle({ idleTime: 300 });
        if (path.startsWith('raster')) expect((await colouredPixels(page, 'raster'))[E_BLUE]).toBeGreaterThan(100);
        expect(failedRequests, path).toEqual([]);
        expect(errors, path).toEqual([]);
        await page.close();
      }
      // Everything, the worker and its imports included, came from under the sub-path.
      expect(site.notFound).toEqual([]);
    } finally {
      await site.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 300_000);
});
