import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const page = (name: string) => resolve(import.meta.dirname, `demos/${name}.html`);

/** The demos: a multi-page Vite app in demos/ (`npm run demo`, `npm run build:demos`). */
export default defineConfig({
  root: resolve(import.meta.dirname, 'demos'),
  server: { host: 'localhost', port: 5173, fs: { allow: [import.meta.dirname] } },
  worker: { format: 'es' },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/demos'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: Object.fromEntries(['index', 'raster', 'learning', 'scale', 'editor'].map((p) => [p, page(p)])) },
  },
});
