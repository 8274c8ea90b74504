import { existsSync, mkdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Dawn reads these when it loads, in the test processes this config spawns: set them here,
// in the parent, not inside a worker. SwiftShader (from Debian's chromium) stands in for a
// GPU where there is none; a user's own VK_ICD_FILENAMES wins.
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && process.env.SPIKEGPU_ADAPTER !== 'hardware' && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
if (!process.env.XDG_RUNTIME_DIR) {
  process.env.XDG_RUNTIME_DIR = '/tmp/spikegpu-xdg-test';
  mkdirSync(process.env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
