/**
 * Headless Chromium on the demos: a Vite dev server (or the built static site) on localhost
 * (WebGPU needs a secure context; about:blank has no navigator.gpu) and Debian's /usr/bin/chromium through
 * Puppeteer with WebGPU enabled (SwiftShader where there is no GPU). Each page records its
 * console errors and uncaught exceptions; screenshots go to test/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { build, createServer, preview, type ViteDevServer } from 'vite';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(ROOT, 'test/artifacts');

/** The browser: SPIKEGPU_CHROMIUM, or Debian's chromium. */
const CHROMIUM = process.env.SPIKEGPU_CHROMIUM ?? '/usr/bin/chromium';

export interface Harness {
  origin: string;
  browser: Browser;
  /** Open a demo page; `errors` collects console errors and page exceptions. */
  open(path: string, options?: { beforeLoad?: (page: Page) => Promise<unknown> }): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * @param site `dev`: the Vite dev server on demos/ (as `npm run demo`); `static`: the site
 *   `npm run build:demos` builds, built into `outDir` and served as plain files.
 */
export async function startHarness(site: { kind: 'dev' } | { kind: 'static'; outDir: string } = { kind: 'dev' }): Promise<Harness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const configFile = join(ROOT, 'vite.config.ts');
  let server: { close(): Promise<void> };
  let port: number;
  if (site.kind === 'dev') {
    const dev: ViteDevServer = await createServer({ configFile, logLevel: 'error', server: { port: 0, strictPort: false, host: 'localhost' } });
    await dev.listen();
    const address = dev.httpServer!.address();
    if (!address || typeof address === 'string') throw new Error('vite dev server has no port');
    [server, port] = [dev, address.port];
  } else {
    await build({ configFile, logLevel: 'error', build: { outDir: site.outDir, emptyOutDir: true } });
    const p = await preview({ configFile, logLevel: 'error', build: { outDir: site.outDir }, preview: { port: 0, strictPort: false, host: 'localhost' } });
    const address = p.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('vite preview server has no port');
    [server, port] = [{ close: () => p.close() }, address.port];
  }
  const origin = `http://localhost:${port}`;
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  return {
    origin,
    browser,
    async open(path, options = {}) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1100, height: 1000 });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      if (options.beforeLoad) await options.beforeLoad(page);
      await page.goto(`${origin}/${path}`, { waitUntil: 'load' });
      return { page, errors };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Poll `fn(...args)` in the page until it returns a truthy value (or fail after `timeoutMs`, with the page's demo state). */
export async function waitFor<A extends unknown[]>(page: Page, fn: (...args: A) => unknown, timeoutMs = 60_000, what = 'condition', ...args: A): Promise<unknown> {
  try {
    const handle = await page.waitForFunction(fn as (...a: unknown[]) => unknown, { timeout: timeoutMs, polling: 100 }, ...args);
    return await handle.jsonValue();
  } catch (e) {
    const state = await page.evaluate(() => JSON.stringify((globalThis as { demo?: unknown }).demo ?? null)).catch(() => 'unavailable');
    throw new Error(`timed out waiting for ${what}; demo state: ${state}; ${(e as Error).message}`);
  }
}

/**
 * Pixels of a 2D canvas that are neither white nor black/grey (axes, text): coloured data
 * pixels, counted per colour (hex).
 */
export async function colouredPixels(page: Page, canvasId: string): Promise<Record<string, number>> {
  return page.evaluate((id) => {
    const c = document.getElementById(id) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const out: Record<string, number> = {};
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
      if (Math.max(r, g, b) - Math.min(r, g, b) < 24) continue; // white, black, greys
      const hex = `#${[r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
      out[hex] = (out[hex] ?? 0) + 1;
    }
    return out;
  }, canvasId);
}
