/**
 * The README's screenshot of the raster demo: cuba playing in headless Chromium until its
 * raster window is full, then paused and saved to docs/images/raster.png (the page down to its
 * last plot). Not a test: run `npx tsx test/browser/screenshot.ts` after changing the demo.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarness, waitFor } from './harness.ts';

const OUT = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'docs/images/raster.png');
/** Simulated ms before the shot: past the 500 ms window, so the raster is full and scrolling. */
const SIMULATED_MS = 600;

const h = await startHarness();
try {
  const { page, errors } = await h.open('raster.html?network=cuba&window=500&play=1', { viewport: { width: 1200, height: 700 } });
  await waitFor(
    page,
    (ms: number) => ((globalThis as { demo?: { simTimeMs: number } }).demo?.simTimeMs ?? 0) > ms,
    300_000,
    `${SIMULATED_MS} ms simulated`,
    SIMULATED_MS,
  );
  await page.click('#pause');
  await waitFor(page, () => !(document.getElementById('play') as HTMLButtonElement).disabled, 30_000, 'paused');
  const bottom = await page.$eval('#trace', (el) => Math.ceil(el.getBoundingClientRect().bottom + window.scrollY) + 12);
  mkdirSync(dirname(OUT), { recursive: true });
  await page.screenshot({ path: OUT, clip: { x: 0, y: 0, width: 1200, height: bottom }, captureBeyondViewport: true });
  if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
  console.log(`wrote ${OUT} (1200 × ${bottom})`);
} finally {
  await h.close();
}
