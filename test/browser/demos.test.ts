/**
 * The demos in headless Chromium (Debian's /usr/bin/chromium, WebGPU on SwiftShader where
 * there is no GPU), served by the Vite dev server: every page loads without console errors,
 * finds an adapter, simulates (spike counts rise) and really draws (coloured pixels read back
 * from the canvases); the editor shows spec errors inline; without WebGPU the pages offer the
 * CPU reference. Screenshots go to test/artifacts/ (look at them).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
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
const E_BLUE = '#0072b2', I_VERMILLION = '#d55e00';
const total = (px: Record<string, number>) => Object.values(px).reduce((a, b) => a + b, 0);

describe('demos in headless Chromium', () => {
  it('landing page: links to the four demos and finds a WebGPU adapter', async () => {
    const { page, errors } = await h.open('index.html');
    await waitFor(page, () => (globalThis as { demo?: { adapter?: string | null } }).demo?.adapter !== undefined, 30_000, 'adapter check');
    const links = await page.$$eval('a.card', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['./raster.html', './learning.html', './scale.html', './editor.html']);
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
    await waitFor(page, (before: number) => ((globalThis as { demo?: { spikes: number } }).demo?.spikes ?? 0) > before, 30_000, 'more spikes', a.spikes as number);
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
    await waitFor(page, () => !(document.getElementById('play') as HTMLButtonElement).disabled, 30_000, 'paused');
    const t = (await demoState(page)).simTimeMs;
    await new Promise((r) => setTimeout(r, 800));
    expect((await demoState(page)).simTimeMs).toBe(t);
    await page.click('#step');
    await waitFor(page, (t0: number) => ((globalThis as { demo?: { simTimeMs: number } }).demo?.simTimeMs ?? 0) > t0 + 9.9, 30_000, 'one step', t as number);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('learning: song2000 learns, the weight histogram and matrix redraw from readbacks', async () => {
    const { page, errors } = await h.open('learning.html?play=1');
    await waitFor(page, () => ((globalThis as { demo?: { weightReads: number; simTimeMs: number } }).demo?.weightReads ?? 0) >= 3 && ((globalThis as { demo?: { simTimeMs: number } }).demo?.simTimeMs ?? 0) > 300, 120_000, 'weights read back');
    const s = await demoState(page);
    expect(s.error).toBeNull();
    expect(s.spikes as number).toBeGreaterThan(1000);
    expect(s.fractionLow as number).toBeGreaterThan(0.05);
    expect((await colouredPixels(page, 'histogram'))[E_BLUE]).toBeGreaterThan(2000);
    expect(total(await colouredPixels(page, 'matrix'))).toBeGreaterThan(20_000); // viridis cells
    expect((await colouredPixels(page, 'raster'))[E_BLUE]).toBeGreaterThan(100);
    await shoot(page, 'learning');
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

    // A validation error, inline, naming the path.
    const setSpec = (text: string) => page.$eval('#spec', (el, t) => {
      (el as HTMLTextAreaElement).value = t;
      el.dispatchEvent(new Event('input'));
    }, text);
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
    const plastic = { version: 1, dt: 0.1, populations: { P: { size: 5, model: 'poisson', params: { rate: 10 } }, N: { size: 2, model: 'lif', params: { receptors: { e: { kind: 'current', tau: 5 } } } } }, projections: [{ pre: 'P', post: 'N', connect: { rule: 'allToAll' }, weight: 3, receptor: 'e', plasticity: { rule: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.01, wMin: 0, wMax: 1 } }] };
    await setSpec(JSON.stringify(plastic));
    await waitFor(page, () => document.getElementById('check')?.textContent?.startsWith('✓'), 10_000, 'valid');
    await page.click('#run');
    await waitFor(page, () => !(document.getElementById('error') as HTMLElement).hidden, 30_000, 'compile error');
    expect(await page.$eval('#error', (el) => el.textContent)).toBe('projections[0].weight: initial weights of a plastic projection must lie in [wMin, wMax] = [0, 1]');
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

  it('frame rate while simulating, 4 000 and 40 000 neurons (recorded in test/artifacts/fps.json, not asserted: no timed tests)', async () => {
    const out: Record<string, unknown> = {};
    for (const n of [4000, 40000]) {
      const { page, errors } = await h.open(`raster.html?network=cuba&n=${n}&play=1`);
      await waitFor(page, () => ((globalThis as { demo?: { simTimeMs: number } }).demo?.simTimeMs ?? 0) > 20, 120_000, 'running');
      const a = await demoState(page);
      await new Promise((r) => setTimeout(r, 5000));
      const b = await demoState(page);
      out[`cuba n=${n}`] = { fps: ((b.frames as number) - (a.frames as number)) / 5, simulatedMsPerWallS: ((b.simTimeMs as number) - (a.simTimeMs as number)) / 5, spikesDrawn: b.drawn };
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
  it('builds, and its raster page simulates and draws when served as plain files', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'spikegpu-demos-'));
    const site = await startHarness({ kind: 'static', outDir });
    try {
      for (const page of ['index', 'raster', 'learning', 'scale', 'editor']) expect(existsSync(join(outDir, `${page}.html`))).toBe(true);
      const { page, errors } = await site.open('raster.html?network=cuba&n=1000&play=1');
      await waitFor(page, () => ((globalThis as { demo?: { drawn: number } }).demo?.drawn ?? 0) > 100, 90_000, 'spikes drawn');
      expect((await colouredPixels(page, 'raster'))[E_BLUE]).toBeGreaterThan(100);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await site.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 180_000);
});
