/**
 * Headless Chromium on the demos: a Vite dev server (or the built static site, served as
 * plain files under a sub-path) on localhost (WebGPU needs a secure context; about:blank has
 * no navigator.gpu) and Debian's /usr/bin/chromium through Puppeteer with WebGPU enabled
 * (SwiftShader where there is no GPU). Each page records its console errors, uncaught
 * exceptions and failed requests; screenshots go to test/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page, type Viewport } from 'puppeteer';
import { build, createServer, type ViteDevServer } from 'vite';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(ROOT, 'test/artifacts');

/** The browser: SPIKEGPU_CHROMIUM, or Debian's chromium. */
const CHROMIUM = process.env.SPIKEGPU_CHROMIUM ?? '/usr/bin/chromium';

export interface Harness {
  /** The demos' base URL (the dev server's root, or the static site's sub-path), without a trailing slash. */
  base: string;
  browser: Browser;
  /** Paths the static server answered 404 (always empty for the dev server). */
  notFound: string[];
  /**
   * Open a demo page; `errors` collects console errors and page exceptions, `failedRequests`
   * requests that failed or got an HTTP error.
   */
  open(
    path: string,
    options?: { beforeLoad?: (page: Page) => Promise<unknown>; viewport?: Viewport },
  ): Promise<{ page: Page; errors: string[]; failedRequests: string[] }>;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/**
 * `dir` as plain files under `basePath` (`/a/b/`), as a project page's static host serves
 * them: `basePath` itself is `index.html`; anything outside `dir` or `basePath` is a 404,
 * recorded in `notFound`.
 */
async function serveStatic(dir: string, basePath: string): Promise<{ base: string; notFound: string[]; close(): Promise<void> }> {
  const notFound: string[] = [];
  const server = createHttpServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.startsWith(basePath) ? resolve(dir, path.slice(basePath.length) || 'index.html') : null;
    const body = file && !relative(dir, file).startsWith('..') ? await readFile(file).catch(() => null) : null;
    if (!body) {
      notFound.push(path);
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file!)] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((ready) => server.listen(0, 'localhost', ready));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://localhost:${port}${basePath.replace(/\/$/, '')}`,
    notFound,
    close: () => {
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

/**
 * @param site `dev`: the Vite dev server on demos/ (as `npm run demo`); `static`: the site
 *   `npm run build:demos` builds, built into `outDir` and served as plain files under
 *   `basePath` (default `/`), as on a project page.
 */
export async function startHarness(site: { kind: 'dev' } | { kind: 'static'; outDir: string; basePath?: string } = { kind: 'dev' }): Promise<Harness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const configFile = join(ROOT, 'vite.config.ts');
  let server: { close(): Promise<void> };
  let base: string;
  let notFound: string[] = [];
  if (site.kind === 'dev') {
    // No HMR: a source saved while a test runs must not reload its page.
    const dev: ViteDevServer = await createServer({ configFile, logLevel: 'error', server: { port: 0, strictPort: false, host: 'localhost', hmr: false } });
    await dev.listen();
    const address = dev.httpServer!.address();
    if (!address || typeof address === 'string') throw new Error('vite dev server has no port');
    [server, base] = [dev, `http://localhost:${address.port}`];
  } else {
    await build({ configFile, logLevel: 'error', build: { outDir: site.outDir, emptyOutDir: true } });
    const files = await serveStatic(site.outDir, site.basePath ?? '/');
    [server, base, notFound] = [files, files.base, files.notFound];
  }
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--enable-unsafe-webgpu',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  return {
    base,
    browser,
    notFound,
    async open(path, options = {}) {
      const page = await browser.newPage();
      await page.setViewport(options.viewport ?? { width: 1100, height: 1000 });
      const errors: string[] = [];
      const failedRequests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
      page.on('response', (r) => {
        if (r.status() >= 400) failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
      });
      if (options.beforeLoad) await options.beforeLoad(page);
      await page.goto(`${base}/${path}`, { waitUntil: 'load' });
      return { page, errors, failedRequests };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Poll `fn(...args)` in the page until it returns a truthy value (or fail after `timeoutMs`, with the page's demo state). */
export async function waitFor<A extends unknown[]>(
  page: Page,
  fn: (...args: A) => unknown,
  timeoutMs = 60_000,
  what = 'condition',
  ...args: A
): Promise<unknown> {
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
