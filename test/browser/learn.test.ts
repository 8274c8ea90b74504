/**
 * The digits demo (demos/learn.html) in headless Chromium: it loads the dataset (served by the
 * dev server and by the built site), learns (the receptive fields read back change and are
 * drawn), and classifies a digit drawn with the mouse: the prediction it shows is
 * predictClass's for the counts and labels it exposes. Screenshot: test/artifacts/learn.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictClass } from '../../src/index.ts';
import { ARTIFACTS, colouredPixels, startHarness, waitFor, type Harness } from './harness.ts';

interface LearnState {
  state: string;
  backend: string | null;
  error: string | null;
  neurons: number;
  trainImages: number;
  imagesSeen: number;
  fieldsVersion: number;
  fieldsChecksum: number;
  initialFieldsChecksum: number;
  predictions: number;
  accuracy: number | null;
  assignments: number[];
  drawnInk: number;
  classifyVersion: number;
  classifyCounts: number[] | null;
  classifyAssignments: number[] | null;
  prediction: number | null;
}

const demoState = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify((globalThis as { demo?: unknown }).demo ?? null)) as LearnState);

/** Distinct grey levels (and non-white pixels) of a canvas: an image, not a blank or flat fill. */
const greyLevels = (page: Page, id: string) =>
  page.evaluate((id) => {
    const c = document.getElementById(id) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const levels = new Set<number>();
    let inked = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) >= 24) continue;
      levels.add(d[i]);
      if (d[i] < 250) inked++;
    }
    return { levels: levels.size, inked };
  }, id);

/** Draw a "7" on the pad with the mouse: a bar across the top, then a diagonal down. */
async function drawSeven(page: Page): Promise<void> {
  const box = (await (await page.$('#draw'))!.boundingBox())!;
  const at = (x: number, y: number) => [box.x + (x / 8) * box.width, box.y + (y / 8) * box.height] as const;
  const path: [number, number][] = [
    [1.5, 1.5],
    [6.5, 1.5],
    [4.5, 4.5],
    [3, 7],
  ];
  await page.mouse.move(...at(...path[0]));
  await page.mouse.down();
  for (let k = 1; k < path.length; k++) await page.mouse.move(...at(...path[k]), { steps: 12 });
  await page.mouse.up();
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('learn.html: learning digits', () => {
  it('learns (fields change and draw), predicts, and classifies a drawn digit', async () => {
    const { page, errors, failedRequests } = await h.open('learn.html?neurons=25&play=1');
    // Enough images for most of the 25 neurons to have answered one and be labelled.
    await waitFor(page, () => ((globalThis as { demo?: { imagesSeen?: number } }).demo?.imagesSeen ?? 0) >= 100, 120_000, '100 training images');
    const a = await demoState(page);
    expect(a.error).toBeNull();
    expect(a.backend).toBe('webgpu');
    expect(a.trainImages).toBe(1297);
    expect(a.neurons).toBe(25);
    expect(a.fieldsVersion).toBeGreaterThan(a.imagesSeen); // the initial read, then one per image
    expect(a.fieldsChecksum).not.toBe(a.initialFieldsChecksum);
    expect(Number.isFinite(a.fieldsChecksum)).toBe(true);
    // Predictions started (after 10 labelled images) and are scored.
    expect(a.predictions).toBeGreaterThan(0);
    expect(a.accuracy).toBeGreaterThanOrEqual(0);
    expect(a.assignments).toHaveLength(25);
    expect(a.assignments.some((c) => c >= 0)).toBe(true);
    // The fields, the current input and the confusion are really drawn.
    const fields = await greyLevels(page, 'fields');
    expect(fields.levels).toBeGreaterThan(20);
    expect(fields.inked).toBeGreaterThan(2000);
    expect((await greyLevels(page, 'input')).inked).toBeGreaterThan(500);
    expect(Object.values(await colouredPixels(page, 'confusion')).reduce((x, y) => x + y, 0)).toBeGreaterThan(200);

    await page.click('#pause');
    await waitFor(page, () => !(document.getElementById('play') as HTMLButtonElement).disabled, 30_000, 'paused');
    await drawSeven(page);
    expect((await demoState(page)).drawnInk).toBeGreaterThan(8);
    expect((await greyLevels(page, 'draw')).inked).toBeGreaterThan(5000);
    await page.click('#classify');
    await waitFor(page, () => ((globalThis as { demo?: { classifyVersion?: number } }).demo?.classifyVersion ?? 0) >= 1, 30_000, 'classification');
    const b = await demoState(page);
    expect(b.classifyCounts).toHaveLength(25);
    const spikes = b.classifyCounts!.reduce((x, y) => x + y, 0);
    expect(spikes, JSON.stringify({ counts: b.classifyCounts, assignments: b.classifyAssignments, prediction: b.prediction })).toBeGreaterThan(0);
    // The class shown is predictClass's for the counts and the labels the page used; −1 only if no answering neuron is labelled yet.
    expect(b.classifyAssignments).toHaveLength(25);
    expect(b.prediction).toBe(predictClass(b.classifyCounts!, b.classifyAssignments!, 10));
    expect(b.prediction, JSON.stringify({ counts: b.classifyCounts, assignments: b.classifyAssignments })).toBeGreaterThanOrEqual(0);
    expect(b.prediction).toBeLessThan(10);
    expect(await page.$eval('#prediction', (el) => el.textContent)).toContain(b.prediction! >= 0 ? `Predicted: ${b.prediction}` : 'none of them is labelled');
    // Answering neurons are outlined (orange) on the fields; the votes chart is drawn.
    expect((await colouredPixels(page, 'fields'))['#e69f00']).toBeGreaterThan(20);
    expect(Object.values(await colouredPixels(page, 'votes')).reduce((x, y) => x + y, 0)).toBeGreaterThan(100);
    // Paused: classifying did not train.
    expect(b.imagesSeen).toBe((await demoState(page)).imagesSeen);
    await page.screenshot({ path: join(ARTIFACTS, 'learn.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(failedRequests).toEqual([]);
    await page.close();
  }, 180_000);

  it('runs on the CPU reference (?backend=cpu) with 100 neurons', async () => {
    const { page, errors } = await h.open('learn.html?neurons=100&backend=cpu&play=1');
    await waitFor(page, () => ((globalThis as { demo?: { imagesSeen?: number } }).demo?.imagesSeen ?? 0) >= 3, 60_000, '3 training images');
    const s = await demoState(page);
    expect(s.backend).toBe('cpu');
    expect(s.neurons).toBe(100);
    expect(s.fieldsChecksum).not.toBe(s.initialFieldsChecksum);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});

describe('learn.html in the built site', () => {
  it('serves and unpacks the dataset', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'spikegpu-learn-site-'));
    const site = await startHarness({ kind: 'static', outDir, basePath: '/some/sub/path/' });
    try {
      const { page, errors, failedRequests } = await site.open('learn.html?neurons=25');
      await waitFor(page, () => (globalThis as { demo?: { state?: string } }).demo?.state === 'paused', 60_000, 'network built');
      const s = await demoState(page);
      expect(s.trainImages).toBe(1297);
      expect(s.error).toBeNull();
      expect(errors).toEqual([]);
      expect(failedRequests).toEqual([]);
      expect(site.notFound).toEqual([]);
    } finally {
      await site.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});
