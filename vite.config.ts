import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const page = (name: string) => resolve(import.meta.dirname, `demos/${name}.html`);
/** spikegpu's version, for files the demos write (the editor's NWB download); demos import nothing outside demos/ but 'spikegpu'. */
const version = (JSON.parse(readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The demos: a multi-page Vite app in demos/ (`npm run demo`, `npm run build:demos`). They
 * import `spikegpu` like any user, resolved here to the library's sources. `base: './'` makes
 * every asset URL relative, so the built site works under any path (a project page's
 * `/spikegpu/demos/`), not only at a server's root.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, 'demos'),
  base: './',
  // Exactly 'spikegpu', the package's one export: a deep import ('spikegpu/src/…') fails to resolve, as it would for a user.
  resolve: { alias: [{ find: /^spikegpu$/, replacement: resolve(import.meta.dirname, 'src/index.ts') }] },
  server: { host: 'localhost', port: 5173, fs: { allow: [import.meta.dirname] } },
  worker: { format: 'es' },
  define: { __SPIKEGPU_VERSION__: JSON.stringify(version) },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/demos'),
    emptyOutDir: true,
    target: 'es2022',
    // h5wasm (HDF5 in WebAssembly, ~4.8 MB) is a chunk of its own, fetched only when the editor's NWB download is clicked.
    chunkSizeWarningLimit: 5000,
    rollupOptions: { input: Object.fromEntries(['index', 'raster', 'learning', 'learn', 'scale', 'editor'].map((p) => [p, page(p)])) },
  },
});
